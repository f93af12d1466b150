// What the Pulumi engine sends a policy pack for a stack, built from the offline engine's
// records: one Analyze request per registered resource (its inputs, its provider) and one
// AnalyzeStack request holding every resource of the stack (its outputs, parent and
// dependencies). Both the offline evaluator (./evaluate) and the real analyzer driven over gRPC
// (./analyzerHost) consume these requests, so what differs between them is only the pack's
// side: the policy server's deserialization, proxies, config and reporting.
//
// Ported from pulumi/pulumi v3.248.0 (facts, not code):
// - pkg/resource/deploy/step_generator.go: Analyze gets a resource's inputs, its options and its
//   provider's inputs; AnalyzeStack gets every resource in the stack's new state with its
//   outputs, parent, dependencies and property dependencies (only non-empty ones).
// - pkg/resource/deploy/default_providers.go: a resource without a provider gets its package's
//   default provider, `pulumi:providers:<pkg>::default_<major>_<minor>_<patch>` (plain `default`
//   without a version), whose inputs are the stack's `<pkg>:*` config plus `version`.
// - sdk/go/common/resource/plugin/analyzer_plugin.go + rpc.go: properties are marshalled with
//   KeepUnknowns, KeepSecrets and SkipInternalKeys, without KeepResources or KeepOutputValues:
//   unknowns travel as sentinel strings, secrets as secret objects, a resource reference as its
//   ID (its URN when it has none), and top-level `__` keys are dropped.
import {
    specialOutputValueSig, specialResourceSig, specialSecretSig, specialSigKey, unknownValue,
} from "@pulumi/pulumi/runtime/rpc";
import { RecordedResource } from "../offline/engine";

/** The unknown sentinel the SDK and the engine send for a value not known during a preview. */
export const UNKNOWN = unknownValue;

/** The options the engine passes with each resource (AnalyzerResourceOptions). */
export interface AnalyzerOptions {
    protect: boolean;
    ignoreChanges: string[];
    /** Present only when the program set it. */
    deleteBeforeReplace?: boolean;
    aliases: string[];
    customTimeouts: { create: number; update: number; delete: number; read: number };
    additionalSecretOutputs: string[];
    parent?: string;
}

/** A provider as the analyzer sees it: its inputs. */
export interface AnalyzerProvider {
    urn: string;
    type: string;
    name: string;
    properties: Record<string, any>;
}

/** One Analyze request: a resource's inputs, as marshalled for the analyzer. */
export interface AnalyzeRequest {
    urn: string;
    type: string;
    name: string;
    properties: Record<string, any>;
    options: AnalyzerOptions;
    provider?: AnalyzerProvider;
}

/** One resource of the AnalyzeStack request: its outputs and its place in the graph. */
export interface AnalyzeStackResource extends AnalyzeRequest {
    parent?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

/** What the engine sends for one stack. */
export interface AnalyzerRequests {
    /** Analyze requests, in registration order (default providers before their first user). */
    analyze: AnalyzeRequest[];
    /** The AnalyzeStack request's resources: every registered and read resource. */
    stack: AnalyzeStackResource[];
    /** The root stack resource's URN: where the CLI shows stack-wide findings. */
    rootStackUrn: string;
}

/** Who the stack is, and the config its default providers are built from. */
export interface StackIdentity {
    project: string;
    stack: string;
    /** Fully qualified stack config (`aws:region`, ...); the `<pkg>:*` keys become default-provider inputs. */
    config: Record<string, string>;
}

function isObject(v: unknown): v is Record<string, any> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * One property value as the engine marshals it for the analyzer, from the SDK's wire form
 * (what the offline engine recorded).
 */
export function engineValue(v: any): any {
    if (Array.isArray(v)) {
        return v.filter((e) => e !== undefined).map(engineValue);
    }
    if (!isObject(v)) {
        return v;
    }
    const sig = v[specialSigKey];
    if (sig === specialSecretSig) {
        return { [specialSigKey]: specialSecretSig, value: engineValue(v.value) };
    }
    if (sig === specialResourceSig) {
        // The SDK sends "" for an ID not known yet; the engine holds that as an unknown.
        if (typeof v.id === "string") {
            return v.id === "" ? UNKNOWN : v.id;
        }
        return String(v.urn);
    }
    if (sig === specialOutputValueSig) {
        const element = "value" in v ? engineValue(v.value) : UNKNOWN;
        return v.secret === true ? { [specialSigKey]: specialSecretSig, value: element } : element;
    }
    const out: Record<string, any> = {};
    for (const [k, x] of Object.entries(v)) {
        if (x !== undefined) {
            out[k] = engineValue(x);
        }
    }
    return out;
}

/** A property map as the engine marshals it: top-level `__` keys dropped, the given keys wrapped as secrets. */
export function engineProperties(props: Record<string, any>, secretKeys: Iterable<string> = []): Record<string, any> {
    const secret = new Set(secretKeys);
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(props)) {
        if (v === undefined || k.startsWith("__")) {
            continue;
        }
        const value = engineValue(v);
        const wrapped = isObject(value) && value[specialSigKey] === specialSecretSig;
        out[k] = secret.has(k) && !wrapped ? { [specialSigKey]: specialSecretSig, value } : value;
    }
    return out;
}

/** The default provider's name for a plugin version: `default_7_48_0`, or `default` without one (ProviderRequest.DefaultName). */
export function defaultProviderName(version?: string): string {
    if (!version) {
        return "default";
    }
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(version);
    if (!m) {
        return "default";
    }
    const tail = [...(m[4]?.split(".") ?? []), ...(m[5]?.split(".") ?? [])].map((p) => `_${p}`).join("");
    return `default_${m[1]}_${m[2]}_${m[3]}${tail}`;
}

/** The root stack resource's URN (resource.DefaultRootStackURN). */
export function rootStackUrn(project: string, stack: string): string {
    return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

function isProviderType(type: string): boolean {
    return type.startsWith("pulumi:providers:");
}

/** A provider's inputs as the engine holds them: an explicit provider also gets its plugin version. */
function providerInputs(r: RecordedResource): Record<string, any> {
    return r.version && r.inputs.version === undefined ? { ...r.inputs, version: r.version } : r.inputs;
}

function options(r: RecordedResource): AnalyzerOptions {
    return {
        protect: r.protect,
        ignoreChanges: [...r.ignoreChanges],
        ...(r.deleteBeforeReplaceDefined ? { deleteBeforeReplace: r.deleteBeforeReplace } : {}),
        aliases: [],
        customTimeouts: { create: 0, update: 0, delete: 0, read: 0 },
        additionalSecretOutputs: [...(r.additionalSecretOutputs ?? [])],
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

/** The synthesized default provider for a package, as the engine registers it. */
function defaultProvider(pkg: string, version: string | undefined, id: StackIdentity): RecordedResource {
    const name = defaultProviderName(version);
    const inputs: Record<string, any> = {};
    for (const [key, value] of Object.entries(id.config)) {
        if (key.startsWith(`${pkg}:`)) {
            inputs[key.slice(pkg.length + 1)] = value;
        }
    }
    if (version) {
        inputs.version = version;
    }
    return {
        urn: `urn:pulumi:${id.stack}::${id.project}::pulumi:providers:${pkg}::${name}`,
        type: `pulumi:providers:${pkg}`, name, custom: true, inputs, secretInputs: [], outputs: inputs,
        dependencies: [], propertyDependencies: {}, protect: false, retainOnDelete: false, deleteBeforeReplace: false,
        ignoreChanges: [], replaceOnChanges: [], version,
    };
}

/**
 * The requests the engine would send for a recorded stack. `reads` (StackReferences) are part
 * of the stack's state but are never analyzed one by one.
 */
export function analyzerRequests(resources: RecordedResource[], reads: RecordedResource[], id: StackIdentity): AnalyzerRequests {
    // The engine registers a provider before its users; hand-built records may list it later.
    const providers = new Map<string, RecordedResource>(resources.filter((r) => isProviderType(r.type)).map((r) => [r.urn, r]));
    const providerOf = new Map<RecordedResource, RecordedResource>();
    /** Resolves a resource's provider; returns a default provider the engine registers for it first, if any. */
    const resolve = (r: RecordedResource): RecordedResource | undefined => {
        if (isProviderType(r.type)) {
            return undefined;
        }
        if (r.provider) {
            const p = providers.get(r.provider.slice(0, r.provider.lastIndexOf("::")));
            if (p) {
                providerOf.set(r, p);
            }
            return undefined;
        }
        if (!r.custom) {
            return undefined;
        }
        const dp = defaultProvider(r.type.split(":")[0], r.version, id);
        const known = providers.get(dp.urn);
        providerOf.set(r, known ?? dp);
        if (known) {
            return undefined;
        }
        providers.set(dp.urn, dp);
        return dp;
    };
    const registered: RecordedResource[] = [];
    for (const r of resources) {
        const dp = resolve(r);
        registered.push(...(dp ? [dp] : []), r);
    }
    // A read (a StackReference) is served by its package's default provider too, which is registered.
    for (const r of reads) {
        const dp = resolve(r);
        registered.push(...(dp ? [dp] : []));
    }
    const providerView = (r: RecordedResource): AnalyzerProvider | undefined => {
        const p = providerOf.get(r);
        return p ? { urn: p.urn, type: p.type, name: p.name, properties: engineProperties(providerInputs(p), p.secretInputs) } : undefined;
    };
    const base = (r: RecordedResource, properties: Record<string, any>): AnalyzeRequest => {
        const provider = providerView(r);
        return { urn: r.urn, type: r.type, name: r.name, properties, options: options(r), ...(provider ? { provider } : {}) };
    };
    const analyze = registered.map((r) => base(r, engineProperties(isProviderType(r.type) ? providerInputs(r) : r.inputs, r.secretInputs)));
    const stack = [...registered, ...reads].map((r): AnalyzeStackResource => {
        const secret = [...r.secretInputs, ...(r.secretOutputs ?? []), ...(r.additionalSecretOutputs ?? [])];
        const propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies).filter(([, urns]) => urns.length > 0));
        return {
            ...base(r, engineProperties(isProviderType(r.type) ? providerInputs(r) : r.outputs, secret)),
            ...(r.parent ? { parent: r.parent } : {}),
            dependencies: [...r.dependencies],
            propertyDependencies,
        };
    });
    return { analyze, stack, rootStackUrn: rootStackUrn(id.project, id.stack) };
}
