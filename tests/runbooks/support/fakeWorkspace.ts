// An in-memory PulumiWorkspace for runbook tests: per-stack config and outputs, scripted results
// of `up`, a log of every call in order, and failures injected on the nth call of an operation.
// Also a RunbookIO with a hand-driven clock (fakeIO) and the AWS client mocks (useAwsMocks).
// It models only what runbooks observe through StackOps; it does not run any Pulumi program.
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { STSClient } from "@aws-sdk/client-sts";
import { RDSClient } from "@aws-sdk/client-rds";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { EC2Client } from "@aws-sdk/client-ec2";
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PulumiWorkspace, StackOps, UpOutcome } from "../../../ops/runbooks/workspace";
import { RunbookIO } from "../../../ops/runbooks/runner";

/** The StackOps operations, as they appear in the call log. */
export type FakeOp = "select" | "getConfig" | "setConfig" | "removeConfig" | "up" | "preview" | "outputs" | "exportState" | "importState";

/** One logged call. `stack` is "" for workspace-level calls (backendUrl). */
export interface FakeCall {
    stack: string;
    op: FakeOp | "backendUrl";
    args: any[];
}

/** What one scripted `up` does. Every field is optional. */
export interface ScriptedUp {
    /** Engine lines sent to onOutput. Defaults to two generic lines. */
    lines?: string[];
    changes?: Record<string, number>;
    /** Replaces the stack's outputs (and is returned) when the up succeeds. */
    outputs?: Record<string, any>;
    /** Throws this after emitting the lines (the update failed part-way). */
    error?: Error;
}

/** Initial state of one fake stack. */
export interface FakeStackInit {
    config?: Record<string, string>;
    outputs?: Record<string, any>;
    /** Checkpoint returned by exportState. */
    state?: any;
}

/** A hook run inside `up` before it returns: the place to flip AWS mocks (e.g. "the DB is promoted now"). */
export type UpHook = (info: { stack: string; call: number; config: Map<string, string> }) => void | Promise<void>;

interface FakeStackData {
    config: Map<string, string>;
    outputs: Record<string, any>;
    state: any;
    script: ScriptedUp[];
    hooks: UpHook[];
}

/** The fake. Construct with the stacks that exist; `stack()` of any other name throws like Pulumi does. */
export class FakeWorkspace implements PulumiWorkspace {
    /** Every call in order, including `select` for each `stack()` and `backendUrl`. */
    readonly calls: FakeCall[] = [];
    private readonly stacks = new Map<string, FakeStackData>();
    private readonly failures: Array<{ stack: string; op: FakeOp; nth: number; error: Error }> = [];
    private backend: string;

    constructor(stacks: Record<string, FakeStackInit> = {}, backendUrl = "s3://pilot-light-state?region=eu-central-1") {
        this.backend = backendUrl;
        for (const [name, init] of Object.entries(stacks)) this.addStack(name, init);
    }

    /** Adds (or replaces) a stack. */
    addStack(name: string, init: FakeStackInit = {}): this {
        this.stacks.set(name, {
            config: new Map(Object.entries(init.config ?? {})),
            outputs: { ...(init.outputs ?? {}) },
            state: init.state ?? { version: 3, deployment: { resources: [] } },
            script: [],
            hooks: [],
        });
        return this;
    }

    /** The live config map of a stack (mutations are visible to the code under test). */
    config(stack: string): Map<string, string> { return this.data(stack).config; }

    /** The config as a plain object, for deepStrictEqual. */
    configObject(stack: string): Record<string, string> { return Object.fromEntries(this.data(stack).config); }

    /** The current outputs of a stack. */
    outputsOf(stack: string): Record<string, any> { return this.data(stack).outputs; }

    setOutputs(stack: string, outputs: Record<string, any>): this { this.data(stack).outputs = { ...outputs }; return this; }

    setBackendUrl(url: string): this { this.backend = url; return this; }

    /** Queues results for the next `up` calls on the stack, in order; once used up, up succeeds with no change. */
    scriptUp(stack: string, ...results: ScriptedUp[]): this { this.data(stack).script.push(...results); return this; }

    /** Runs `hook` inside every `up` of the stack, before its scripted result applies. */
    onUp(stack: string, hook: UpHook): this { this.data(stack).hooks.push(hook); return this; }

    /** Makes the `nthCall` (1-based) `up` on the stack throw `error` after emitting its lines. */
    failUpOn(stack: string, nthCall: number, error: Error): this { return this.failOn(stack, "up", nthCall, error); }

    /** Makes the `nthCall` (1-based) call of `op` on the stack throw `error`. */
    failOn(stack: string, op: FakeOp, nthCall: number, error: Error): this {
        this.failures.push({ stack, op, nth: nthCall, error });
        return this;
    }

    /** The logged calls, optionally only for one stack and/or operation. */
    callsTo(stack?: string, op?: FakeCall["op"]): FakeCall[] {
        return this.calls.filter((c) => (stack === undefined || c.stack === stack) && (op === undefined || c.op === op));
    }

    /** Compact log, e.g. ["dr.setConfig pilot-light:promote=true", "dr.up"], for asserting order. */
    summary(): string[] {
        return this.calls.filter((c) => c.op !== "select").map((c) => {
            const prefix = c.stack ? `${c.stack}.${c.op}` : c.op;
            if (c.op === "setConfig") return `${prefix} ${c.args[0]}=${c.args[1]}`;
            if (c.op === "getConfig" || c.op === "removeConfig") return `${prefix} ${c.args[0]}`;
            return prefix;
        });
    }

    async backendUrl(): Promise<string> {
        this.calls.push({ stack: "", op: "backendUrl", args: [] });
        return this.backend;
    }

    async stack(name: string): Promise<StackOps> {
        this.record(name, "select", []);
        const data = this.stacks.get(name);
        if (!data) throw new Error(`no stack named '${name}' found`);
        const self = this;
        return {
            name,
            async getConfig(key) { self.record(name, "getConfig", [key]); return data.config.get(key); },
            async setConfig(key, value) { self.record(name, "setConfig", [key, value]); data.config.set(key, value); },
            async removeConfig(key) { self.record(name, "removeConfig", [key]); data.config.delete(key); },
            async up(onOutput) { return self.runUp(name, data, onOutput); },
            async preview(onOutput) {
                self.record(name, "preview", []);
                onOutput(`Previewing update (${name})`);
                return { same: 1 };
            },
            async outputs() { self.record(name, "outputs", []); return { ...data.outputs }; },
            async exportState() { self.record(name, "exportState", []); return structuredClone(data.state); },
            async importState(deployment) { self.record(name, "importState", [deployment]); data.state = structuredClone(deployment); },
        };
    }

    private data(stack: string): FakeStackData {
        const data = this.stacks.get(stack);
        if (!data) throw new Error(`FakeWorkspace: no stack "${stack}"; known: ${[...this.stacks.keys()].join(", ") || "none"}`);
        return data;
    }

    /** Logs the call and throws an injected failure if this is the nth call of that op. */
    private record(stack: string, op: FakeOp, args: any[]): number {
        this.calls.push({ stack, op, args });
        const n = this.callsTo(stack, op).length;
        const failure = op === "up" ? undefined : this.failures.find((f) => f.stack === stack && f.op === op && f.nth === n);
        if (failure) throw failure.error;
        return n;
    }

    private async runUp(name: string, data: FakeStackData, onOutput: (line: string) => void): Promise<UpOutcome> {
        const n = this.record(name, "up", []);
        const scripted = data.script.shift() ?? {};
        for (const line of scripted.lines ?? [`Updating (${name})`, `Resources: 1 unchanged`]) onOutput(line);
        for (const hook of data.hooks) await hook({ stack: name, call: n, config: data.config });
        const injected = this.failures.find((f) => f.stack === name && f.op === "up" && f.nth === n);
        if (injected) throw injected.error;
        if (scripted.error) throw scripted.error;
        if (scripted.outputs) data.outputs = { ...scripted.outputs };
        return { changes: scripted.changes ?? { same: 1 }, outputs: { ...data.outputs } };
    }
}

// ---------------------------------------------------------------------------------------------
// The other fakes runbook tests need, kept beside the workspace so every runbook test wires them
// the same way.

/** A RunbookIO whose clock only moves when told (`advance`, or `sleep`), with logs and scripted answers. */
export interface FakeIO extends RunbookIO {
    /** Every log line, in order. */
    lines: string[];
    /** Questions asked, in order. */
    questions: string[];
    /** Moves the clock forward. */
    advance(ms: number): void;
}

/**
 * A FakeIO starting at `start` (ms since the epoch). `answers` are returned by confirm in order;
 * once used up it answers `fallback` (default yes).
 */
export function fakeIO(opts: { start?: number; answers?: boolean[]; fallback?: boolean } = {}): FakeIO {
    let clock = opts.start ?? Date.UTC(2025, 0, 15, 3, 0, 0);
    const answers = [...(opts.answers ?? [])];
    const io: FakeIO = {
        lines: [],
        questions: [],
        log: (line) => { io.lines.push(line); },
        async confirm(question) { io.questions.push(question); return answers.length ? answers.shift()! : opts.fallback ?? true; },
        now: () => clock,
        async sleep(ms) { clock += ms; },
        advance(ms) { clock += ms; },
    };
    return io;
}

/** The SDK v3 clients the runbooks call, each replaced by an aws-sdk-client-mock stub. */
export interface AwsMocks {
    sts: AwsStub<any, any, any>;
    rds: AwsStub<any, any, any>;
    cloudwatch: AwsStub<any, any, any>;
    quotas: AwsStub<any, any, any>;
    ec2: AwsStub<any, any, any>;
    autoscaling: AwsStub<any, any, any>;
    elb: AwsStub<any, any, any>;
    route53: AwsStub<any, any, any>;
    s3: AwsStub<any, any, any>;
    secrets: AwsStub<any, any, any>;
    /** Resets every stub (call in beforeEach): no behaviour, no recorded calls. */
    reset(): void;
    /** Every command sent to any client, as its class name, in no particular cross-client order. */
    commandNames(): string[];
}

/**
 * Installs the stubs in a mocha `before` and restores the real `send` in `after`. Installing at
 * module load instead would break when several test files run together: mockClient replaces a
 * previous stub of the same class, leaving the first file's stub detached.
 */
export function useAwsMocks(): AwsMocks {
    const mocks = {} as AwsMocks;
    const classes = {
        sts: STSClient, rds: RDSClient, cloudwatch: CloudWatchClient, quotas: ServiceQuotasClient, ec2: EC2Client,
        autoscaling: AutoScalingClient, elb: ElasticLoadBalancingV2Client, route53: Route53Client, s3: S3Client,
        secrets: SecretsManagerClient,
    } as const;
    const keys = Object.keys(classes) as (keyof typeof classes)[];
    before(() => { for (const k of keys) (mocks as any)[k] = mockClient(classes[k] as any); });
    after(() => { for (const k of keys) mocks[k].restore(); });
    mocks.reset = () => { for (const k of keys) mocks[k].reset(); };
    mocks.commandNames = () => keys.flatMap((k) => mocks[k].calls().map((c: any) => c.args[0].constructor.name as string));
    return mocks;
}
