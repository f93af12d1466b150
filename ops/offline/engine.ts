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
// getStore is internal (absent from the typings) but is what setMocks itself uses.
const { getStore } = require("@pulumi/pulumi/runtime/state") as { getStore(): any };
import { computedState, fakeInvoke, setFakeScope } from "./fakes";
import { duplicateUrnProblem, engineUrn, inheritedOption, RegistrationError, typeTokenProblem } from "./pulumiRules";

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
    /** Inputs plus the fake provider-computed attributes. */
    outputs: Record<string, any>;
    /** URNs this resource depends on. */
    dependencies: string[];
    /** For each input key, the URNs its value came from. */
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    provider?: string;
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
}

/** The engine's builtin resource that saves a value in state: created with output = input, updated keeping its output. */
export const STASH_TYPE = "pulumi:index:Stash";

/** The result of running a program offline. */
export interface OfflineRun {
    resources: RecordedResource[];
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
 * URNs, and protect/retainOnDelete inherited from the parent.
 */
class RecordingMonitor extends MockMonitor {
    readonly records: RecordedResource[] = [];
    /** Registrations the engine would have refused, in its words: any of them fails the run, as it fails `pulumi up`. */
    readonly refused: string[] = [];
    private readonly byUrn = new Map<string, RecordedResource>();
    /** The stack's registered outputs, secret wrappers kept. */
    stackOutputs: Record<string, any> = {};

    registerResourceOutputs(req: any, callback: (err: any, resp: any) => void): void {
        if (String(req.getUrn()).split("::")[2] === "pulumi:pulumi:Stack") {
            this.stackOutputs = req.getOutputs()?.toJavaScript() ?? {};
        }
        super.registerResourceOutputs(req, callback);
    }

    constructor(mocks: pulumi.runtime.Mocks) {
        super(mocks);
        // The URN as the engine makes it; the SDK mock monitor's own (private, so replaced here)
        // differs for resources at the root and nested two deep.
        (this as any).newUrn = (parent: string, type: string, name: string) =>
            engineUrn(settings.getStack(), settings.getProject(), parent || undefined, type, name);
    }

    async registerResource(req: any, callback: (err: any, resp: any) => void): Promise<void> {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string = req.getParent();
        const urn: string = (this as any).newUrn(parent, type, name);
        const invalid = typeTokenProblem(type, req.getCustom(), req.getRemote?.() ?? false);
        if (invalid) {
            this.refused.push(invalid);
            return callback(rpcError(3, "INVALID_ARGUMENT", invalid), undefined);
        }
        const duplicate = duplicateUrnProblem(urn, this.byUrn);
        if (duplicate) {
            this.refused.push(duplicate);
            return callback(new RegistrationError(duplicate), undefined);
        }
        const parentRecord = parent ? this.byUrn.get(parent) : undefined;
        const raw = req.getObject()?.toJavaScript() ?? {};
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
            propertyDependencies[key] = deps.getUrnsList();
        });
        const record: RecordedResource = {
            urn, type, name,
            custom: req.getCustom(),
            parent: parent || undefined,
            inputs: unwrapSecrets(raw),
            secretInputs: Object.keys(raw).filter((k) => containsSecret(raw[k])),
            outputs: {},
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            protect: inheritedOption(req.hasProtect?.() ? req.getProtect() : undefined, parentRecord?.protect),
            retainOnDelete: inheritedOption(req.hasRetainondelete?.() ? req.getRetainondelete() : undefined, parentRecord?.retainOnDelete),
            deleteBeforeReplace: req.getDeletebeforereplace?.() ?? false,
            ignoreChanges: req.getIgnorechangesList?.() ?? [],
            replaceOnChanges: req.getReplaceonchangesList?.() ?? [],
            provider: req.getProvider() || undefined,
        };
        this.records.push(record);
        this.byUrn.set(urn, record);
        return super.registerResource(req, (err: any, resp: any) => {
            if (!err && resp) {
                record.id = resp.getId() || undefined;
                record.outputs = unwrapSecrets(resp.getObject()?.toJavaScript() ?? {});
            }
            callback(err, resp);
        });
    }
}

/** The mocks: fake provider answers, and peer stacks' outputs for StackReferences. */
export class OfflineMocks implements pulumi.runtime.Mocks {
    constructor(private readonly region: string, private readonly stackOutputs: Record<string, Record<string, any>> = {},
        private readonly prior: RecordedResource[] = [], private readonly ssmParameters: Record<string, string> = {}) {}

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
        const { id, state } = computedState(args.type, args.name, unwrapSecrets(args.inputs));
        // Keep the caller's secret wrappers so secret inputs come back as secret outputs.
        for (const [k, v] of Object.entries(args.inputs)) {
            if (containsSecret(v)) state[k] = v;
        }
        return { id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        const inputs = unwrapSecrets(args.inputs);
        return fakeInvoke(args.token, inputs, typeof inputs.region === "string" && inputs.region ? inputs.region : this.region, this.ssmParameters);
    }
}

/**
 * Points the Pulumi runtime at a fresh recording mock monitor. Use it directly for component
 * tests; use `runOffline` for whole programs. `settle` waits for every registration and throws
 * the engine's messages when it would have refused any.
 */
export async function startOffline(opts: OfflineRunOptions): Promise<{ records: RecordedResource[]; monitor: RecordingMonitor; settle: () => Promise<void> }> {
    setFakeScope(opts.stack, opts.region);
    const mocks = new OfflineMocks(opts.region, opts.stackOutputs, opts.priorResources, opts.ssmParameters);
    // The recording monitor takes the mock monitor's place. setMockOptions resets the runtime's
    // feature flags, so they are turned on again afterwards, as setMocks itself does: secrets
    // must stay secret, or a test could not tell a secret input from a plain one.
    const monitor = new RecordingMonitor(mocks);
    settings.setMockOptions(monitor, opts.project, opts.stack, false);
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
    return { records: monitor.records, monitor, settle };
}

/**
 * Runs `program` as a stack (it is the body of the stack, like a Pulumi entry module) and
 * resolves once every registration has completed; rejects when the engine would have refused
 * a registration (pulumiRules.ts).
 */
export async function runOffline(opts: OfflineRunOptions, program: () => any): Promise<OfflineRun> {
    const { records, monitor, settle } = await startOffline(opts);
    await pulumi.runtime.runInPulumiStack(async () => program());
    await settle();
    const outputs = monitor.stackOutputs;
    return {
        resources: records,
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
