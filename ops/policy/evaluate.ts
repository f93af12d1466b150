// Offline policy evaluation: runs a CrossGuard pack over the resources the offline engine
// recorded, the way `pulumi preview --policy-pack policies` runs it. The requests come from
// ./analyzerRequests (what the engine sends); this file is the pack's side, mirroring
// @pulumi/policy 1.21.0's server.js: each validation deserializes the properties afresh and
// wraps them in the unknown-checking proxy; resource policies run per resource in pack order,
// then stack policies over every resource's outputs with parent and dependencies resolved.
// tests/policies/conformance.test.ts runs the real pack over gRPC against this file.
import {
    EnforcementLevel, Policies, PolicyProviderResource, PolicyResource, PolicyResourceOptions, ReportViolation,
    ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy, UnknownValueError,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { RecordedResource } from "../offline/engine";
import type { StackPlan } from "../offline/planner";
import { ALL_POLICIES_PACK, allPolicies } from "../../policies/all";
import { AnalyzeRequest, analyzerRequests, AnalyzeStackResource, AnalyzerOptions, AnalyzerProvider } from "./analyzerRequests";
import { parsePolicyConfig, PolicyConfigEntry, policyInfos, reconcilePolicyConfig } from "./config";

// The policy server's own deserializer: internal to @pulumi/policy (absent from its typings),
// and exactly what its Analyze and AnalyzeStack handlers call.
const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
    deserializeProperties(properties: Struct, proxySecrets: boolean): Record<string, any>;
};

export { loadPolicyConfig } from "./config";
export { formatViolationTable } from "./table";

/** One policy violation, as `pulumi preview` reports it. */
export interface Violation {
    policy: string;
    level: "advisory" | "mandatory";
    /**
     * Where the CLI shows it: the resource's URN, or for a stack policy's finding without a URN
     * of this stack, the root stack's (`urn:pulumi:<stack>::<project>::pulumi:pulumi:Stack::<project>-<stack>`).
     */
    urn: string;
    /** The policy's own message (its description when it gave none). */
    message: string;
    /**
     * Exactly what the CLI prints under the violation: the analyzer sends the policy's
     * description, a newline and the message; an unknown-value advisory has no description line.
     */
    cliMessage: string;
}

/** The pack's name and version, as the analyzer quotes them (`name@vversion`). */
export interface PackIdentity {
    name: string;
    version: string;
}

/** What the evaluator needs to know about the stack. */
export interface EvaluateOptions {
    /** The stack's AWS region: the default aws provider's `region` unless `config` sets `aws:region`. */
    stackRegion: string;
    /** The stack's fully qualified config; its `<pkg>:*` keys are the default providers' inputs. */
    config?: Record<string, string>;
    /** Resources the program read (StackReferences): in the stack policies' view only. */
    reads?: RecordedResource[];
    /** Defaults to the stack and project in the first resource's URN. */
    project?: string;
    stack?: string;
    /** The CLI's `--policy-pack-config` JSON: `{ "all": level, "<policy>": level | { enforcementLevel, ...props } }`. */
    policyConfig?: Record<string, any>;
    /** Defaults to this repository's pack (policies/). */
    pack?: PackIdentity;
}

/** Thrown by `args.notApplicable()`: the engine records the policy as not applicable and moves on. */
class NotApplicable extends Error {
    constructor(reason: string) {
        // A signal, never shown: no stack trace (capturing one per resource and policy was most of an evaluation's time).
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        super(reason);
        Error.stackTraceLimit = limit;
    }
}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason ?? "not applicable");
}

/** The server's type test: a class's `__pulumiType`, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: any): boolean {
    const pulumiType = resourceClass?.__pulumiType;
    if (typeof pulumiType === "string" && pulumiType) {
        return type === pulumiType;
    }
    return typeof resourceClass?.isInstance === "function" && resourceClass.isInstance({ __pulumiType: type }) === true;
}

/** What the policy server does with properties off the wire: deserialize (secrets unwrapped), then proxy. */
function policyProps(properties: Record<string, any> | Struct): Record<string, any> {
    return unknownCheckingProxy(deserializeProperties(properties instanceof Struct ? properties : Struct.fromJavaScript(properties), false));
}

function policyOptions(o: AnalyzerOptions): PolicyResourceOptions {
    return {
        protect: o.protect, ignoreChanges: o.ignoreChanges, aliases: o.aliases,
        customTimeouts: { createSeconds: o.customTimeouts.create, updateSeconds: o.customTimeouts.update, deleteSeconds: o.customTimeouts.delete },
        additionalSecretOutputs: o.additionalSecretOutputs,
        ...(o.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: o.deleteBeforeReplace } : {}),
        ...(o.parent ? { parent: o.parent } : {}),
    };
}

function policyProvider(p: AnalyzerProvider | undefined): PolicyProviderResource | undefined {
    return p ? { type: p.type, props: policyProps(p.properties), urn: p.urn, name: p.name } : undefined;
}

/** The stack policies' view: fresh objects with parent and dependencies resolved (server.js makeAnalyzeStackRpcFun). */
function policyResources(stack: AnalyzeStackResource[]): PolicyResource[] {
    const built = stack.map((r) => {
        const props = policyProps(r.properties);
        const resource: PolicyResource = {
            type: r.type, props, urn: r.urn, name: r.name, opts: policyOptions(r.options),
            dependencies: [], propertyDependencies: {},
            isType: (cls: any) => isTypeOf(r.type, cls),
            asType: (cls: any) => (isTypeOf(r.type, cls) ? props as any : undefined),
        };
        const provider = policyProvider(r.provider);
        if (provider) {
            resource.provider = provider;
        }
        return resource;
    });
    const byUrn = new Map(built.map((b) => [b.urn, b]));
    const resolve = (urns: string[]): PolicyResource[] => urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => x !== undefined);
    stack.forEach((r, i) => {
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

/** The level the CLI shows: "remediate" is downgraded to mandatory when a violation remains. */
function reportedLevel(level: EnforcementLevel): "advisory" | "mandatory" {
    return level === "advisory" ? "advisory" : "mandatory";
}

/** A reportViolation that records what the server would send: the description, a newline, the message. */
function reporter(policy: { name: string; description: string }, level: EnforcementLevel, out: Violation[],
    urnOf: (reported?: string) => string): ReportViolation {
    return (message, urn) => {
        out.push({
            policy: policy.name, level: reportedLevel(level), urn: urnOf(urn), message: message || policy.description,
            cliMessage: message ? `${policy.description}\n${message}` : policy.description,
        });
    };
}

/** Runs one validation as the server does: unknowns become an advisory, not-applicable is silent, anything else fails. */
async function runGuarded(policyName: string, pack: PackIdentity, what: string, out: Violation[], urn: string, run: () => unknown): Promise<void> {
    const from = `policy '${policyName}' from policy pack '${pack.name}@v${pack.version}'`;
    try {
        await Promise.resolve(run());
    } catch (e: any) {
        if (e instanceof UnknownValueError) {
            const message = `can't run ${from} during preview: ${e.message}`;
            out.push({ policy: policyName, level: "advisory", urn, message, cliMessage: message });
        } else if (!(e instanceof NotApplicable)) {
            throw new Error(`Error validating ${what} with ${from}: ${e?.message ?? e}`);
        }
    }
}

async function analyzeResource(req: AnalyzeRequest, policies: ResourceValidationPolicy[], settings: Record<string, PolicyConfigEntry>,
    pack: PackIdentity, out: Violation[]): Promise<void> {
    // The request's properties as they come off the wire, once; each validation deserializes them afresh.
    let wire: Struct | undefined;
    for (const p of policies) {
        const { enforcementLevel, properties } = settings[p.name];
        // server.js makeAnalyzeRpcFun's fast path: a single validation of another type is not applicable, never called.
        const pulumiType = Array.isArray(p.validateResource) ? undefined : (p.validateResource as { __pulumiType?: unknown })?.__pulumiType;
        if (typeof pulumiType === "string" && pulumiType !== "" && pulumiType !== req.type) continue;
        const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource!];
        for (const validate of validations) {
            wire ??= Struct.fromJavaScript(req.properties);
            const props = policyProps(wire);
            const provider = policyProvider(req.provider);
            const args: ResourceValidationArgs = {
                type: req.type, props, urn: req.urn, name: req.name, opts: policyOptions(req.options), stackTags: new Map(),
                isType: (cls: any) => isTypeOf(req.type, cls),
                asType: (cls: any) => (isTypeOf(req.type, cls) ? props as any : undefined),
                getConfig: <T extends object>() => ({ ...properties }) as T,
                notApplicable,
                ...(provider ? { provider } : {}),
            };
            // The engine shows every finding of Analyze against the analyzed resource.
            await runGuarded(p.name, pack, `resource ${req.urn}`, out, req.urn,
                () => validate(args, reporter(p, enforcementLevel, out, () => req.urn)));
        }
    }
}

/** The stack and project named by the first URN (`urn:pulumi:<stack>::<project>::...`). */
function identityFromUrns(resources: RecordedResource[]): { stack: string; project: string } {
    const parts = (resources[0]?.urn ?? "urn:pulumi:stack::project").split("::");
    return { stack: parts[0].replace(/^urn:pulumi:/, ""), project: parts[1] ?? "project" };
}

/**
 * Evaluates the pack over recorded resources: resource policies per registration, in order, then
 * stack policies. The config is reconciled as the CLI does (schema defaults, then
 * `opts.policyConfig`); disabled policies are skipped.
 */
export async function evaluatePolicies(resources: RecordedResource[], opts: EvaluateOptions, policies: Policies = allPolicies): Promise<Violation[]> {
    const settings = reconcilePolicyConfig(policyInfos(policies), {}, parsePolicyConfig(opts.policyConfig ?? {}, "policyConfig", policies));
    const enabled = policies.filter((p) => settings[p.name].enforcementLevel !== "disabled");
    const resourcePolicies = enabled.filter((p): p is ResourceValidationPolicy => "validateResource" in p && p.validateResource !== undefined);
    const stackPolicies = enabled.filter((p): p is StackValidationPolicy => typeof (p as StackValidationPolicy).validateStack === "function");
    const fromUrns = identityFromUrns(resources);
    const requests = analyzerRequests(resources, opts.reads ?? [], {
        project: opts.project ?? fromUrns.project,
        stack: opts.stack ?? fromUrns.stack,
        config: { "aws:region": opts.stackRegion, ...(opts.config ?? {}) },
    });
    const pack = opts.pack ?? ALL_POLICIES_PACK;
    const violations: Violation[] = [];
    for (const req of requests.analyze) {
        await analyzeResource(req, resourcePolicies, settings, pack, violations);
    }
    // The CLI shows a stack finding against the URN it names when that resource is in the stack,
    // else against the root stack (step_generator.go AnalyzeResources).
    const inStack = new Set(requests.stack.map((r) => r.urn));
    const shown = (urn?: string): string => (urn && inStack.has(urn) ? urn : requests.rootStackUrn);
    for (const p of stackPolicies) {
        const { enforcementLevel, properties } = settings[p.name];
        const args: StackValidationArgs = {
            resources: policyResources(requests.stack),
            stackTags: new Map(),
            getConfig: <T extends object>() => ({ ...properties }) as T,
            notApplicable,
        };
        await runGuarded(p.name, pack, "the stack", violations, requests.rootStackUrn,
            () => p.validateStack(args, reporter(p, enforcementLevel, violations, shown)));
    }
    return violations;
}

/** Evaluates the pack over a planned stack, with everything the plan knows about it. */
export function evaluatePlan(plan: StackPlan, policyConfig?: Record<string, any>, policies: Policies = allPolicies): Promise<Violation[]> {
    return evaluatePolicies(plan.resources, {
        stackRegion: plan.region, config: plan.config, reads: plan.reads, project: plan.project, stack: plan.stack, policyConfig,
    }, policies);
}
