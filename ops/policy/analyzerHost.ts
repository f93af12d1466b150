// The Pulumi CLI's side of a policy pack, for a pack run for real: starts the pack's process the
// way the CLI does, talks to it over the Analyzer gRPC service with the stubs that ship in
// @pulumi/pulumi/proto, and shows the findings where the CLI shows them. Together with
// ./analyzerRequests (what the engine sends) this runs any CrossGuard pack over an offline plan
// with no Pulumi CLI; tests/policies/conformance.test.ts uses it to hold the offline evaluator
// to the real policy server.
//
// Ported from pulumi/pulumi v3.248.0 (facts, not code):
// - sdk/nodejs/cmd/pulumi-language-nodejs/main.go RunPlugin: a Node.js pack runs as
//   `node <@pulumi/pulumi/cmd/run-policy-pack> <engine address> <pack folder>` with the pack's
//   folder as working directory, after the stack's identity and config are put in the
//   environment (PULUMI_NODEJS_PROJECT/STACK/DRY_RUN, PULUMI_CONFIG).
// - sdk/go/common/resource/plugin/plugin.go: the first line the plugin prints on stdout is its
//   port; the CLI dials 127.0.0.1:<port>.
// - sdk/go/common/resource/plugin/analyzer_plugin.go and pkg/engine/update.go: Handshake (a pack
//   may not implement it), ConfigureStack, GetAnalyzerInfo, then Configure with the reconciled
//   config; Analyze per resource; AnalyzeStack once; a stack finding whose URN is not in the
//   stack is shown against the root stack.
import { ChildProcess, spawn } from "child_process";
import { EnforcementLevel } from "@pulumi/policy";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzeRequest, AnalyzerRequests, AnalyzeStackResource } from "./analyzerRequests";
import { ParsedPolicyConfig, PolicyConfigEntry, PolicyInfo } from "./config";
import "./protobufStrings";

// The stubs and the gRPC library @pulumi/pulumi itself loads, so their message classes match.
const grpc = require("@grpc/grpc-js");
const rpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const pb = require("@pulumi/pulumi/proto/analyzer_pb");

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

function toProtoLevel(level: EnforcementLevel): number {
    return LEVELS.indexOf(level);
}

function fromProtoLevel(level: number): EnforcementLevel {
    return LEVELS[level] ?? "advisory";
}

/** What GetAnalyzerInfo says about the pack. */
export interface AnalyzerInfo {
    name: string;
    version: string;
    supportsConfig: boolean;
    policies: (PolicyInfo & { description: string })[];
    initialConfig: ParsedPolicyConfig;
}

/** A diagnostic as the CLI shows it. */
export interface ShownDiagnostic {
    policy: string;
    packName: string;
    packVersion: string;
    description: string;
    /** What the CLI prints under the heading (the diagnostic's message). */
    message: string;
    level: "advisory" | "mandatory";
    /** The resource it is shown against (the root stack for a stack finding with no URN of this stack). */
    urn: string;
}

/** The stack, as the CLI tells the pack about it (ConfigureStack and the pack's environment). */
export interface StackContext {
    project: string;
    stack: string;
    organization?: string;
    dryRun: boolean;
    config: Record<string, string>;
    tags?: Record<string, string>;
}

/** How long the pack may take to print its port: the CLI's TypeScript path type-checks it first. */
const START_TIMEOUT_MS = 120_000;
/** Analyze calls sent before the first answer is awaited (see analyzeStack). */
const ANALYZE_WINDOW = 16;
/** Deadline of one RPC. */
const CALL_TIMEOUT_MS = 60_000;

/** Where run-policy-pack lives for this pack: resolved from the pack's folder, as the language host does. */
function runPolicyPackPath(dir: string): string {
    return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
}

/** Reads the first stdout line (the port), as the plugin host does; rejects with stderr on exit or timeout. */
function awaitPort(child: ChildProcess, what: string): Promise<number> {
    return new Promise((resolve, reject) => {
        let out = "";
        let err = "";
        const timer = setTimeout(() => finish(new Error(`${what}: printed no port within ${START_TIMEOUT_MS / 1000} s; stderr: ${err.trim()}`)), START_TIMEOUT_MS);
        const finish = (e?: Error, port?: number) => {
            clearTimeout(timer);
            child.stdout!.removeAllListeners("data");
            child.removeAllListeners("exit");
            if (e) {
                child.kill();
                reject(e);
            } else {
                resolve(port!);
            }
        };
        child.stderr!.on("data", (b: Buffer) => { err += b.toString(); });
        child.stdout!.on("data", (b: Buffer) => {
            out += b.toString();
            const nl = out.indexOf("\n");
            if (nl < 0) {
                return;
            }
            const line = out.slice(0, nl).trim();
            const port = Number(line);
            if (!/^\d+$/.test(line) || port <= 0 || port > 65535) {
                finish(new Error(`${what}: wrote an invalid port to stdout: ${JSON.stringify(line)}; stderr: ${err.trim()}`));
            } else {
                finish(undefined, port);
            }
        });
        child.on("exit", (code) => finish(new Error(`${what}: exited (code ${code}) before printing its port; stderr: ${err.trim()}`)));
    });
}

function optionsProto(o: AnalyzeRequest["options"]): any {
    const opts = new pb.AnalyzerResourceOptions();
    opts.setProtect(o.protect);
    opts.setIgnorechangesList(o.ignoreChanges);
    opts.setDeletebeforereplace(o.deleteBeforeReplace ?? false);
    opts.setDeletebeforereplacedefined(o.deleteBeforeReplace !== undefined);
    opts.setAdditionalsecretoutputsList(o.additionalSecretOutputs);
    opts.setAliasesList(o.aliases);
    const timeouts = new pb.AnalyzerResourceOptions.CustomTimeouts();
    timeouts.setCreate(o.customTimeouts.create);
    timeouts.setUpdate(o.customTimeouts.update);
    timeouts.setDelete(o.customTimeouts.delete);
    timeouts.setRead(o.customTimeouts.read);
    opts.setCustomtimeouts(timeouts);
    opts.setParent(o.parent ?? "");
    return opts;
}

/** Fills the fields Analyze and AnalyzeStack resources share. */
function fill(msg: any, r: AnalyzeRequest): any {
    msg.setUrn(r.urn);
    msg.setType(r.type);
    msg.setName(r.name);
    msg.setProperties(Struct.fromJavaScript(r.properties));
    msg.setOptions(optionsProto(r.options));
    if (r.provider) {
        const p = new pb.AnalyzerProviderResource();
        p.setUrn(r.provider.urn);
        p.setType(r.provider.type);
        p.setName(r.provider.name);
        p.setProperties(Struct.fromJavaScript(r.provider.properties));
        msg.setProvider(p);
    }
    return msg;
}

function stackResourceProto(r: AnalyzeStackResource): any {
    const msg = fill(new pb.AnalyzerResource(), r);
    msg.setParent(r.parent ?? "");
    msg.setDependenciesList(r.dependencies);
    const deps = msg.getPropertydependenciesMap();
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
        const d = new pb.AnalyzerPropertyDependencies();
        d.setUrnsList(urns);
        deps.set(key, d);
    }
    return msg;
}

/** A running policy pack and the CLI's calls to it. */
export class PolicyPackProcess {
    private constructor(private readonly child: ChildProcess, private readonly client: any, readonly dir: string) {}

    /** Starts the pack in `dir` as the CLI does and connects to the port it prints. */
    static async start(dir: string, stack: StackContext): Promise<PolicyPackProcess> {
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            PULUMI_NODEJS_PROJECT: stack.project,
            PULUMI_NODEJS_STACK: stack.stack,
            PULUMI_NODEJS_DRY_RUN: String(stack.dryRun),
            PULUMI_CONFIG: JSON.stringify(stack.config),
            ...(stack.organization ? { PULUMI_NODEJS_ORGANIZATION: stack.organization } : {}),
        };
        // The engine address is the CLI's own server; run-policy-pack drops it unused. Nothing listens on port 1.
        const child = spawn(process.execPath, [runPolicyPackPath(dir), "127.0.0.1:1", dir], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
        const port = await awaitPort(child, `policy pack ${dir}`);
        const client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(),
            { "grpc.max_receive_message_length": 400 * 1024 * 1024 });
        const pack = new PolicyPackProcess(child, client, dir);
        await pack.handshake();
        return pack;
    }

    private call<T>(method: string, request: any): Promise<T> {
        return new Promise((resolve, reject) => {
            this.client[method](request, { deadline: Date.now() + CALL_TIMEOUT_MS }, (err: any, resp: T) => (err ? reject(err) : resolve(resp)));
        });
    }

    /** Handshake; a pack that does not implement it is fine, as for the CLI. */
    private async handshake(): Promise<void> {
        const req = new pb.AnalyzerHandshakeRequest();
        req.setEngineAddress("127.0.0.1:1");
        req.setRootDirectory(this.dir);
        req.setProgramDirectory(this.dir);
        try {
            await this.call("handshake", req);
        } catch (e: any) {
            if (e?.code !== grpc.status.UNIMPLEMENTED) {
                throw e;
            }
        }
    }

    /** ConfigureStack: the stack's identity, tags and config. */
    async configureStack(stack: StackContext): Promise<void> {
        const req = new pb.AnalyzerStackConfigureRequest();
        req.setStack(stack.stack);
        req.setProject(stack.project);
        req.setOrganization(stack.organization ?? "");
        req.setDryRun(stack.dryRun);
        for (const [k, v] of Object.entries(stack.tags ?? {})) req.getTagsMap().set(k, v);
        for (const [k, v] of Object.entries(stack.config)) req.getConfigMap().set(k, v);
        await this.call("configureStack", req);
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        const info: any = await this.call("getAnalyzerInfo", new Empty());
        const initialConfig: ParsedPolicyConfig = {};
        info.getInitialconfigMap().forEach((c: any, key: string) => {
            const properties = c.getProperties()?.toJavaScript();
            initialConfig[key] = { enforcementLevel: fromProtoLevel(c.getEnforcementlevel()), ...(properties ? { properties } : {}) };
        });
        return {
            name: info.getName(), version: info.getVersion(), supportsConfig: info.getSupportsconfig(), initialConfig,
            policies: info.getPoliciesList().map((p: any) => {
                const schema = p.getConfigschema();
                return {
                    name: p.getName(), description: p.getDescription(), enforcementLevel: fromProtoLevel(p.getEnforcementlevel()),
                    ...(schema ? { configSchema: { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() } } : {}),
                };
            }),
        };
    }

    /** Configure with the reconciled config, as the CLI sends it after validating it. */
    async configure(config: Record<string, PolicyConfigEntry>): Promise<void> {
        const req = new pb.ConfigureAnalyzerRequest();
        for (const [key, entry] of Object.entries(config)) {
            const c = new pb.PolicyConfig();
            c.setEnforcementlevel(toProtoLevel(entry.enforcementLevel));
            c.setProperties(Struct.fromJavaScript(entry.properties));
            req.getPolicyconfigMap().set(key, c);
        }
        await this.call("configure", req);
    }

    /** Analyze then AnalyzeStack over one stack's requests; every finding as the CLI shows it. */
    async analyzeStack(requests: AnalyzerRequests): Promise<ShownDiagnostic[]> {
        // Up to ANALYZE_WINDOW calls in flight: each answer depends on its request alone (the pack's
        // state is what ConfigureStack and Configure set), and the findings keep the requests' order.
        const answers: any[] = new Array(requests.analyze.length);
        let next = 0;
        const worker = async () => {
            for (let i = next++; i < requests.analyze.length; i = next++) {
                answers[i] = await this.call("analyze", fill(new pb.AnalyzeRequest(), requests.analyze[i]));
            }
        };
        await Promise.all(Array.from({ length: Math.min(ANALYZE_WINDOW, requests.analyze.length) }, worker));
        const shown: ShownDiagnostic[] = answers.flatMap((resp, i) => resp.getDiagnosticsList().map((d: any) => diagnostic(d, requests.analyze[i].urn)));
        const req = new pb.AnalyzeStackRequest();
        req.setResourcesList(requests.stack.map(stackResourceProto));
        const resp: any = await this.call("analyzeStack", req);
        const inStack = new Set(requests.stack.map((r) => r.urn));
        shown.push(...resp.getDiagnosticsList().map((d: any) => diagnostic(d, inStack.has(d.getUrn()) ? d.getUrn() : requests.rootStackUrn)));
        return shown;
    }

    /** Stops the pack's process (the CLI kills its plugins at the end of an operation). */
    async close(): Promise<void> {
        this.client.close();
        if (this.child.exitCode === null) {
            const exited = new Promise((resolve) => this.child.once("exit", resolve));
            this.child.kill();
            await exited;
        }
    }
}

/** A diagnostic as shown: "remediate" counts as mandatory (analyze_snapshot.go, step_generator.go). */
function diagnostic(d: any, urn: string): ShownDiagnostic {
    const level = fromProtoLevel(d.getEnforcementlevel());
    return {
        policy: d.getPolicyname(), packName: d.getPolicypackname(), packVersion: d.getPolicypackversion(),
        description: d.getDescription(), message: d.getMessage(),
        level: level === "advisory" ? "advisory" : "mandatory", urn,
    };
}
