// The offline engine: runs a real Pulumi program in-process under Pulumi's mock runtime and
// records every resource registration the way the deployment engine would see it (type, name,
// parent, inputs, dependencies, property dependencies, resource options). Nothing reaches AWS:
// IDs, ARNs and provider-function answers come from ./fakes.
//
// The recording monitor wraps the SDK's MockMonitor rather than replacing it, so the program
// sees exactly the runtime behaviour `pulumi.runtime.setMocks` gives unit tests.
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
// getStore is internal (absent from the typings) but is what setMocks itself uses.
const { getStore } = require("@pulumi/pulumi/runtime/state") as { getStore(): any };
import { computedState, fakeInvoke, setFakeScope } from "./fakes";
import "./promiseStacks";
import { isPlannedCreate, plannedCreateState, PreviewOptions } from "./preview";
import { duplicateUrnProblem, engineUrn, inheritedOption, RegistrationError, STASH_TYPE, typeTokenProblem } from "./pulumiRules";

/** One resource registration, as the engine saw it. */
export interface RecordedResource {
    urn: string;
    /** The Pulumi type token, e.g. `aws:rds/instance:Instance`. */
    type: string;
    name: string;
    /** True for provider-backed resources, false for components. */
    custom: boolean;
    /** The parent's URN; undefined only for the stack itself. */
    parent?: string;
    id?: string;
    /** Inputs with secrets unwrapped (what a policy sees). */
    inputs: Record<string, any>;
    /** Top-level input keys whose value is secret. */
    secretInputs: string[];
    /**
     * Inputs plus the fake provider-computed attributes; for a component or the stack, what it
     * registered with registerOutputs (the engine keeps nothing else).
     */
    outputs: Record<string, any>;
    /** Top-level output keys whose value is secret. */
    secretOutputs?: string[];
    /** URNs this resource depends on. */
    dependencies: string[];
    /** For each input key, the URNs its value came from. */
    propertyDependencies: Record<string, string[]>;
    /** After the engine's inheritance: a resource that does not set protect takes its parent's. */
    protect: boolean;
    /** After the engine's inheritance, like protect. */
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    /** True when the program set deleteBeforeReplace (the engine passes the flag on only then). */
    deleteBeforeReplaceDefined?: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    /** The provider reference `<provider URN>::<provider ID>`; undefined for the package's default provider. */
    provider?: string;
    /** The provider plugin version the SDK asked for (e.g. "7.48.0"): it names the default provider. */
    version?: string;
    /** Outputs the program (or the SDK's resource class) asked to keep secret. */
    additionalSecretOutputs?: string[];
}

/** What an offline run needs to know about the stack it pretends to deploy. */
export interface OfflineRunOptions {
    project: string;
    stack: string;
    /** The stack's AWS region; ARNs and invokes without an explicit region use it. */
    region: string;
    /** Fully-qualified config (`pilot-light:role`, `aws:region`, ...), values as the CLI passes them: strings, objects as JSON. */
    config: Record<string, string>;
    secretKeys?: string[];
    /** Outputs of the stacks a StackReference may name, keyed by the referenced stack name. */
    stackOutputs?: Record<string, Record<string, any>>;
    /**
     * The stack as a previous run recorded it, standing for its state: a `pulumi:index:Stash`
     * found there keeps its recorded output, as the engine's builtin provider keeps it on update
     * (pulumi/pulumi pkg/resource/deploy/builtins.go, Update: output = old output). Default: a
     * new stack.
     */
    priorResources?: RecordedResource[];
    /** Values the fake `aws:ssm/getParameter` returns by parameter name, e.g. a new Amazon Linux release. */
    ssmParameters?: Record<string, string>;
    /** Run as a preview (Pulumi's dry run) instead of an update. */
    preview?: PreviewOptions;
}

/** The result of running a program offline. */
export interface OfflineRun {
    resources: RecordedResource[];
    /**
     * Resources the program read rather than registered (StackReferences): the engine keeps
     * them in the stack's state, so stack policies see them, but never analyzes them one by one.
     * Absent from hand-built plans.
     */
    reads?: RecordedResource[];
    /** The program's stack outputs, with secrets unwrapped. */
    outputs: Record<string, any>;
    /** Top-level stack output keys whose value is secret. */
    secretOutputs: string[];
}

function isSecret(v: any): boolean {
    return v !== null && typeof v === "object" && v[specialSigKey] === specialSecretSig;
}

/** Removes secret wrappers; returns the plain value. */
export function unwrapSecrets(v: any): any {
    if (isSecret(v)) {
        return unwrapSecrets(v.value);
    }
    if (Array.isArray(v)) {
        return v.map(unwrapSecrets);
    }
    if (v !== null && typeof v === "object" && !(v instanceof pulumi.asset.Asset) && !(v instanceof pulumi.asset.Archive)
        && !pulumi.Resource.isInstance(v)) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

function containsSecret(v: any): boolean {
    if (isSecret(v)) return true;
    if (Array.isArray(v)) return v.some(containsSecret);
    if (v !== null && typeof v === "object") return Object.values(v).some(containsSecret);
    return false;
}

/** A gRPC-style error as the engine's resource monitor answers it (grpc-js puts code and name before the details). */
function rpcError(code: number, name: string, details: string): Error {
    return Object.assign(new Error(`${code} ${name}: ${details}`), { code, details });
}

/**
 * Records what it sees, then lets the SDK's own mock monitor answer. It first applies the
 * engine's registration rules the mock monitor skips (pulumiRules.ts): type tokens, duplicate
 * URNs, and protect/retainOnDelete (and the provider) inherited from the parent.
 */
class RecordingMonitor extends MockMonitor {
    readonly records: RecordedResource[] = [];
    readonly reads: RecordedResource[] = [];
    /** Registrations the engine would have refused, in its words: any of them fails the run, as it fails `pulumi up`. */
    readonly refused: string[] = [];
    /** The stack's registered outputs, secret wrappers kept. */
    stackOutputs: Record<string, any> = {};
    private readonly byUrn = new Map<string, RecordedResource>();

    constructor(mocks: pulumi.runtime.Mocks, private readonly preview?: PreviewOptions) {
        super(mocks);
        // The URN as the engine makes it; the SDK mock monitor's own (private, so replaced here)
        // differs for resources at the root and nested two deep.
        (this as any).newUrn = (parent: string, type: string, name: string) =>
            engineUrn(settings.getStack(), settings.getProject(), parent || undefined, type, name);
    }

    registerResourceOutputs(req: any, callback: (err: any, resp: any) => void): void {
        const raw = req.getOutputs()?.toJavaScript() ?? {};
        if (String(req.getUrn()).split("::")[2] === "pulumi:pulumi:Stack") {
            this.stackOutputs = raw;
        }
        const record = this.byUrn.get(req.getUrn());
        if (record) {
            record.outputs = unwrapSecrets(raw);
            record.secretOutputs = Object.keys(raw).filter((k) => containsSecret(raw[k]));
        }
        super.registerResourceOutputs(req, callback);
    }

    /** A registration or read as the engine records it, with protect, retainOnDelete and provider inherited from the parent as the engine does. */
    private record(req: any, urn: string, raw: Record<string, any>, custom: boolean): RecordedResource {
        const type: string = req.getType();
        const parentUrn: string = req.getParent();
        const parent = parentUrn ? this.byUrn.get(parentUrn) : undefined;
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap?.().forEach((deps: any, key: string) => {
            propertyDependencies[key] = deps.getUrnsList();
        });
        // The engine's inheritFromParent (pkg/resource/deploy/source_eval.go, v3.248.0): an unset
        // protect or retainOnDelete takes the parent's; an unset provider takes the parent's when
        // the child is a local component or the provider is for the child's own package.
        let provider: string | undefined = req.getProvider() || undefined;
        if (!provider && parent?.provider) {
            const parentPackage = parent.provider.split("::")[2]?.replace(/^pulumi:providers:/, "");
            if ((!custom && !req.getRemote?.()) || parentPackage === type.split(":")[0]) {
                provider = parent.provider;
            }
        }
        const record: RecordedResource = {
            urn, type, name: req.getName(), custom,
            parent: parentUrn || undefined,
            inputs: unwrapSecrets(raw),
            secretInputs: Object.keys(raw).filter((k) => containsSecret(raw[k])),
            outputs: {},
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            protect: inheritedOption(req.hasProtect?.() ? req.getProtect() : undefined, parent?.protect),
            retainOnDelete: inheritedOption(req.hasRetainondelete?.() ? req.getRetainondelete() : undefined, parent?.retainOnDelete),
            deleteBeforeReplace: req.getDeletebeforereplace?.() ?? false,
            deleteBeforeReplaceDefined: req.getDeletebeforereplacedefined?.() ?? false,
            ignoreChanges: req.getIgnorechangesList?.() ?? [],
            replaceOnChanges: req.getReplaceonchangesList?.() ?? [],
            provider,
            version: req.getVersion?.() || undefined,
            additionalSecretOutputs: req.getAdditionalsecretoutputsList?.() ?? [],
        };
        this.byUrn.set(urn, record);
        return record;
    }

    /** The region of the explicit provider a reference (`<URN>::<ID>`) names, if it sets one. */
    providerRegion(ref: string): string | undefined {
        const region = this.byUrn.get(ref.slice(0, ref.lastIndexOf("::")))?.inputs.region;
        return typeof region === "string" && region ? region : undefined;
    }

    /** The engine's refusal of a registration or read with this URN, if any, recorded; undefined when it goes ahead. */
    private refusal(urn: string, type: string, custom: boolean, remote: boolean): Error | undefined {
        const invalid = typeTokenProblem(type, custom, remote);
        if (invalid) {
            this.refused.push(invalid);
            return rpcError(3, "INVALID_ARGUMENT", invalid);
        }
        // Reads take a URN too, checked the same way (step_generator.go GenerateReadSteps).
        const duplicate = duplicateUrnProblem(urn, this.byUrn);
        if (duplicate) {
            this.refused.push(duplicate);
            return new RegistrationError(duplicate);
        }
        return undefined;
    }

    async registerResource(req: any, callback: (err: any, resp: any) => void): Promise<void> {
        const urn: string = (this as any).newUrn(req.getParent(), req.getType(), req.getName());
        const refused = this.refusal(urn, req.getType(), req.getCustom(), req.getRemote?.() ?? false);
        if (refused) return callback(refused, undefined);
        const raw = req.getObject()?.toJavaScript() ?? {};
        const record = this.record(req, urn, raw, req.getCustom());
        this.records.push(record);
        const plannedCreate = isPlannedCreate(this.preview, record);
        return super.registerResource(req, (err: any, resp: any) => {
            // The SDK puts `${resp}` in a debug line for the engine (runtime/resource.js, 3.248.0), and
            // offline there is none to send it to: jspb's toString copied every Lambda bundle's text.
            if (resp) resp.toString = () => `RegisterResourceResponse ${urn}`;
            if (!err && resp) {
                if (plannedCreate) {
                    resp.setId("");
                    resp.setObject(Struct.fromJavaScript(plannedCreateState(record.type, raw, resp.getObject()?.toJavaScript() ?? {})));
                }
                const state = resp.getObject()?.toJavaScript() ?? {};
                record.id = resp.getId() || undefined;
                record.outputs = unwrapSecrets(state);
                record.secretOutputs = Object.keys(state).filter((k) => containsSecret(state[k]));
            }
            callback(err, resp);
        });
    }

    async readResource(req: any, callback: (err: any, resp: any) => void): Promise<void> {
        const urn: string = (this as any).newUrn(req.getParent(), req.getType(), req.getName());
        const refused = this.refusal(urn, req.getType(), true, false);
        if (refused) return callback(refused, undefined);
        const record = this.record(req, urn, req.getProperties()?.toJavaScript() ?? {}, true);
        record.id = req.getId() || undefined;
        this.reads.push(record);
        return super.readResource(req, (err: any, resp: any) => {
            if (!err && resp) {
                const state = resp.getProperties()?.toJavaScript() ?? {};
                record.outputs = unwrapSecrets(state);
                record.secretOutputs = Object.keys(state).filter((k) => containsSecret(state[k]));
            }
            callback(err, resp);
        });
    }
}

/**
 * All a run takes from its prior state (OfflineRunOptions.priorResources): OfflineMocks reads only
 * the stashes, by name, for their ID and output. A plan cache keys prior states on this.
 */
export function priorStateKey(prior: RecordedResource[]): [string, string | undefined, unknown][] {
    return prior.filter((r) => r.type === STASH_TYPE).map((r): [string, string | undefined, unknown] => [r.name, r.id, r.outputs.output])
        .sort((x, y) => x[0].localeCompare(y[0]));
}

/** The mocks: fake provider answers, and peer stacks' outputs for StackReferences. */
export class OfflineMocks implements pulumi.runtime.Mocks {
    /** Resolves an explicit provider's region: a resource or invoke on it lives there unless it names its own. */
    providerRegion: (ref: string) => string | undefined = () => undefined;

    constructor(private readonly region: string, private readonly stackOutputs: Record<string, Record<string, any>> = {},
        private readonly prior: RecordedResource[] = [], private readonly ssmParameters: Record<string, string> = {}) {}

    /** The region a resource or invoke lives in: its own, else its explicit provider's, else the stack's. */
    private regionFor(inputs: Record<string, any>, provider: string | undefined): string {
        if (typeof inputs.region === "string" && inputs.region) {
            return inputs.region;
        }
        return (provider ? this.providerRegion(provider) : undefined) ?? this.region;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        if (args.type === "pulumi:pulumi:StackReference") {
            const peer = this.stackOutputs[args.name] ?? this.stackOutputs[String(args.inputs.name)];
            if (!peer) {
                const known = Object.keys(this.stackOutputs);
                throw new Error(`offline engine: no outputs for the referenced stack "${args.inputs.name ?? args.name}"`
                    + ` (known: ${known.length ? known.join(", ") : "none"})`);
            }
            return { id: String(args.inputs.name ?? args.name), state: { name: args.inputs.name ?? args.name, outputs: peer, secretOutputNames: [] } };
        }
        if (!args.custom) {
            return { id: undefined, state: {} };
        }
        if (args.type === STASH_TYPE) {
            // Names are unique per type within one stack, so the name finds the same resource.
            const old = this.prior.find((r) => r.type === STASH_TYPE && r.name === args.name);
            const output = old ? old.outputs.output : args.inputs.input;
            return { id: old?.id ?? `stash-${args.name}`, state: { input: args.inputs.input, output } };
        }
        const inputs = unwrapSecrets(args.inputs);
        const region = this.regionFor(inputs, args.provider);
        const { id, state } = computedState(args.type, args.name, region === this.region ? inputs : { ...inputs, region });
        // Keep the caller's secret wrappers so secret inputs come back as secret outputs.
        for (const [k, v] of Object.entries(args.inputs)) {
            if (containsSecret(v)) state[k] = v;
        }
        return { id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        const inputs = unwrapSecrets(args.inputs);
        return fakeInvoke(args.token, inputs, this.regionFor(inputs, args.provider), this.ssmParameters);
    }
}

/**
 * Points the Pulumi runtime at a fresh recording mock monitor. Use it directly for component
 * tests; use `runOffline` for whole programs. `settle` waits for every registration and throws
 * the engine's messages when it would have refused any.
 */
export async function startOffline(opts: OfflineRunOptions): Promise<{ records: RecordedResource[]; reads: RecordedResource[]; monitor: RecordingMonitor; settle: () => Promise<void> }> {
    setFakeScope(opts.stack, opts.region);
    const mocks = new OfflineMocks(opts.region, opts.stackOutputs, opts.priorResources, opts.ssmParameters);
    // The recording monitor takes the mock monitor's place. setMockOptions resets the runtime's
    // feature flags, so they are turned on again afterwards, as setMocks itself does: secrets
    // must stay secret, or a test could not tell a secret input from a plain one.
    const monitor = new RecordingMonitor(mocks, opts.preview);
    mocks.providerRegion = (ref) => monitor.providerRegion(ref);
    settings.setMockOptions(monitor, opts.project, opts.stack, opts.preview !== undefined);
    const store = getStore();
    store.supportsSecrets = true;
    store.supportsResourceReferences = true;
    store.supportsOutputValues = false;
    store.supportsDeletedWith = true;
    store.supportsAliasSpecs = true;
    pulumi.runtime.setAllConfig({ "aws:region": opts.region, ...opts.config }, opts.secretKeys ?? []);
    const settle = async () => {
        await (settings as any).waitForRPCs();
        // The SDK only rejects the refused resource's own promises; the engine fails the deployment.
        if (monitor.refused.length > 0) throw new RegistrationError(monitor.refused.join("\n"));
    };
    return { records: monitor.records, reads: monitor.reads, monitor, settle };
}

/**
 * Runs `program` as a stack (it is the body of the stack, like a Pulumi entry module) and
 * resolves once every registration has completed; rejects when the engine would have refused
 * a registration (pulumiRules.ts).
 */
export async function runOffline(opts: OfflineRunOptions, program: () => any): Promise<OfflineRun> {
    const { records, reads, monitor, settle } = await startOffline(opts);
    await pulumi.runtime.runInPulumiStack(async () => program());
    await settle();
    const outputs = monitor.stackOutputs;
    return {
        resources: records,
        reads,
        outputs: unwrapSecrets(outputs),
        secretOutputs: Object.keys(outputs).filter((k) => containsSecret(outputs[k])),
    };
}

/** Inputs with secret values replaced by a marker, for printing. */
export function redactedInputs(r: RecordedResource): Record<string, any> {
    const out = { ...r.inputs };
    for (const k of r.secretInputs) out[k] = "[secret]";
    return out;
}
