// Offline policy evaluation: runs the CrossGuard pack over the resources the offline engine
// recorded, building the same arguments the real analyzer builds (see @pulumi/policy's
// server.js): resource policies see every registration's inputs, components and providers
// included, wrapped in the unknown-checking proxy; stack policies see every resource's outputs
// with parent, dependencies and property dependencies resolved to resource objects.
import {
    EnforcementLevel, Policies, PolicyProviderResource, PolicyResource, PolicyResourceOptions, ReportViolation,
    ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy, UnknownValueError,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { RecordedResource } from "../offline/engine";
import { allPolicies } from "../../policies/all";
import { resolvePolicyConfig, validatePolicyConfig } from "./config";

export { loadPolicyConfig } from "./config";
export { formatViolationTable } from "./table";

/** One policy violation, as `pulumi preview` would report it. */
export interface Violation {
    policy: string;
    level: "advisory" | "mandatory";
    /** The violating resource's URN; empty for a stack policy's stack-wide finding. */
    urn: string;
    /** The message the policy reported (the engine prefixes it with the policy's description). */
    message: string;
}

/** What the evaluator needs to know about the stack. */
export interface EvaluateOptions {
    /** The stack's AWS region: the region of the default provider resources get when they name none. */
    stackRegion: string;
    /** The CLI's `--policy-pack-config` JSON: `{ "all": level, "<policy>": level | { enforcementLevel, ...props } }`. */
    policyConfig?: Record<string, any>;
}

/** Thrown by `args.notApplicable()`: the engine records the policy as not applicable and moves on. */
class NotApplicable extends Error {}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason ?? "not applicable");
}

/** The engine's type test: a class's `__pulumiType`, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: any): boolean {
    const pulumiType = resourceClass?.__pulumiType;
    if (typeof pulumiType === "string" && pulumiType) {
        return type === pulumiType;
    }
    return typeof resourceClass?.isInstance === "function" && resourceClass.isInstance({ __pulumiType: type }) === true;
}

function isProviderType(type: string): boolean {
    return type.startsWith("pulumi:providers:");
}

function optionsOf(r: RecordedResource): PolicyResourceOptions {
    return {
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        deleteBeforeReplace: r.deleteBeforeReplace,
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

/**
 * The provider a resource is managed by: its explicit provider, or the default provider the
 * engine would create for its package (with the stack's region for aws). Components and
 * providers themselves have none.
 */
function providerResolver(resources: RecordedResource[], stackRegion: string): (r: RecordedResource) => PolicyProviderResource | undefined {
    const providers = new Map(resources.filter((r) => isProviderType(r.type)).map((r) => [r.urn, r]));
    const sample = resources[0]?.urn.split("::") ?? [];
    const stack = (sample[0] ?? "urn:pulumi:stack").replace(/^urn:pulumi:/, "");
    const project = sample[1] ?? "project";
    return (r) => {
        if (r.provider) {
            // A provider reference is `<provider URN>::<provider ID>`.
            const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
            const p = providers.get(urn);
            return {
                type: p?.type ?? urn.split("::")[2] ?? "pulumi:providers:unknown",
                props: unknownCheckingProxy(p?.inputs ?? {}),
                urn,
                name: p?.name ?? urn.split("::").pop() ?? "",
            };
        }
        if (!r.custom || isProviderType(r.type)) {
            return undefined;
        }
        const pkg = r.type.split(":")[0];
        return {
            type: `pulumi:providers:${pkg}`,
            props: unknownCheckingProxy(pkg === "aws" ? { region: stackRegion } : {}),
            urn: `urn:pulumi:${stack}::${project}::pulumi:providers:${pkg}::default`,
            name: "default",
        };
    };
}

/** What a stack policy sees: outputs, falling back to inputs for records without any. */
function stackProps(r: RecordedResource): Record<string, any> {
    return r.outputs && Object.keys(r.outputs).length > 0 ? r.outputs : r.inputs;
}

function buildPolicyResources(resources: RecordedResource[], providerOf: (r: RecordedResource) => PolicyProviderResource | undefined): PolicyResource[] {
    const built = resources.map((r) => {
        const props = unknownCheckingProxy(stackProps(r));
        const resource: PolicyResource = {
            type: r.type, props, urn: r.urn, name: r.name, opts: optionsOf(r),
            dependencies: [], propertyDependencies: {},
            isType: (cls: any) => isTypeOf(r.type, cls),
            asType: (cls: any) => (isTypeOf(r.type, cls) ? props as any : undefined),
        };
        const provider = providerOf(r);
        if (provider) {
            resource.provider = provider;
        }
        return resource;
    });
    const byUrn = new Map(built.map((b) => [b.urn, b]));
    const resolve = (urns: string[]): PolicyResource[] => urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => x !== undefined);
    resources.forEach((r, i) => {
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        if (parent) {
            built[i].parent = parent;
        }
        built[i].dependencies = resolve(r.dependencies);
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
            built[i].propertyDependencies[key] = resolve(urns);
        }
    });
    return built;
}

function reportedLevel(level: EnforcementLevel): "advisory" | "mandatory" {
    // The engine downgrades "remediate" to mandatory when a violation remains.
    return level === "advisory" ? "advisory" : "mandatory";
}

/** Runs one validation the way the analyzer does: unknowns become an advisory, not-applicable is silent. */
async function runGuarded(policyName: string, what: string, out: Violation[], urn: string, run: () => unknown): Promise<void> {
    try {
        await Promise.resolve(run());
    } catch (e: any) {
        if (e instanceof UnknownValueError) {
            out.push({ policy: policyName, level: "advisory", urn, message: `can't run policy '${policyName}' during preview: ${e.message}` });
        } else if (!(e instanceof NotApplicable)) {
            throw new Error(`Error validating ${what} with policy '${policyName}': ${e?.message ?? e}`);
        }
    }
}

/**
 * Evaluates the pack over recorded resources: resource policies per registration, in order, then
 * stack policies. Config defaults come from each policy's configSchema, overlaid with
 * `opts.policyConfig`; disabled policies are skipped.
 */
export async function evaluatePolicies(resources: RecordedResource[], opts: EvaluateOptions, policies: Policies = allPolicies): Promise<Violation[]> {
    const userConfig = validatePolicyConfig(opts.policyConfig ?? {}, "policyConfig", policies);
    const settings = new Map(policies.map((p) => [p.name, resolvePolicyConfig(p, userConfig)]));
    const enabled = policies.filter((p) => settings.get(p.name)!.level !== "disabled");
    const resourcePolicies = enabled.filter((p): p is ResourceValidationPolicy => "validateResource" in p && p.validateResource !== undefined);
    const stackPolicies = enabled.filter((p): p is StackValidationPolicy => typeof (p as StackValidationPolicy).validateStack === "function");
    const providerOf = providerResolver(resources, opts.stackRegion);
    const stackTags: ReadonlyMap<string, string> = new Map();
    const violations: Violation[] = [];

    for (const r of resources) {
        const provider = providerOf(r);
        for (const p of resourcePolicies) {
            const { level, config } = settings.get(p.name)!;
            const reportViolation: ReportViolation = (message) => {
                violations.push({ policy: p.name, level: reportedLevel(level), urn: r.urn, message: message || p.description });
            };
            const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource!];
            for (const validate of validations) {
                const props = unknownCheckingProxy(r.inputs);
                const args: ResourceValidationArgs = {
                    type: r.type, props, urn: r.urn, name: r.name, opts: optionsOf(r), stackTags,
                    isType: (cls: any) => isTypeOf(r.type, cls),
                    asType: (cls: any) => (isTypeOf(r.type, cls) ? props as any : undefined),
                    getConfig: <T extends object>() => ({ ...config }) as T,
                    notApplicable,
                    ...(provider ? { provider } : {}),
                };
                await runGuarded(p.name, `resource ${r.urn}`, violations, r.urn, () => validate(args, reportViolation));
            }
        }
    }

    for (const p of stackPolicies) {
        const { level, config } = settings.get(p.name)!;
        const reportViolation: ReportViolation = (message, urn) => {
            violations.push({ policy: p.name, level: reportedLevel(level), urn: urn ?? "", message: message || p.description });
        };
        const args: StackValidationArgs = {
            resources: buildPolicyResources(resources, providerOf),
            stackTags,
            getConfig: <T extends object>() => ({ ...config }) as T,
            notApplicable,
        };
        await runGuarded(p.name, "the stack", violations, "", () => p.validateStack(args, reportViolation));
    }
    return violations;
}
