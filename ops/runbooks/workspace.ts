// The seam between runbooks and Pulumi. Runbooks talk to `PulumiWorkspace`/`StackOps`; the real
// implementation drives the Pulumi CLI through the Automation API (LocalWorkspace over this
// project folder), and tests inject a fake that records calls and can fail on demand.
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { explainPulumiError, PENDING_OPERATIONS_TEXT } from "./locks";
import type { StackOutputs } from "./stackOutputs";

/** The result of `pulumi up` as runbooks need it. */
export interface UpOutcome {
    /** Counts per operation, e.g. { create: 40, update: 1, same: 60 }. */
    changes: Record<string, number>;
    /** Stack outputs after the update, secrets unwrapped only where marked. */
    outputs: StackOutputs;
}

/** One stack of this project, as runbooks use it. */
export interface StackOps {
    readonly name: string;
    /** A config value (`pilot-light:promote`), or undefined when not set. */
    getConfig(key: string): Promise<string | undefined>;
    setConfig(key: string, value: string): Promise<void>;
    removeConfig(key: string): Promise<void>;
    /** `pulumi up`; every line of engine output goes to `onOutput`. Throws when the update fails. */
    up(onOutput: (line: string) => void): Promise<UpOutcome>;
    /** `pulumi preview`; returns the counts per operation. */
    preview(onOutput: (line: string) => void): Promise<Record<string, number>>;
    outputs(): Promise<StackOutputs>;
    /** `pulumi stack export`: the checkpoint, for unprotecting one resource before retiring it. */
    exportState(): Promise<any>;
    importState(deployment: any): Promise<void>;
}

export interface PulumiWorkspace {
    /** Selects an existing stack by name (`prod`, `dr`, or `org/pilot-light/dr`). */
    stack(name: string): Promise<StackOps>;
    /** The state backend's URL as `pulumi whoami --verbose` reports it, e.g. `s3://bucket?region=eu-west-1`. */
    backendUrl(): Promise<string>;
}

function outputValues(map: Record<string, { value: any; secret: boolean }>): Record<string, any> {
    return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v.value]));
}

/**
 * Engine output as lines, with a note when the update starts over pending operations (an
 * interrupted earlier update): the engine only warns, and the runbook's operator should know.
 */
export function engineLines(stack: string, onOutput: (line: string) => void): (out: string) => void {
    let noted = false;
    return (out: string) => out.split("\n").filter(Boolean).forEach((line) => {
        onOutput(line);
        if (!noted && line.includes(PENDING_OPERATIONS_TEXT)) {
            noted = true;
            onOutput(`NOTE: ${stack} has pending operations from an interrupted update; once this run ends, check them and run `
                + `\`pulumi refresh --stack ${stack}\` (docs/runbooks/failover.md, "Locks and interruptions")`);
        }
    });
}

export class AutomationStack implements StackOps {
    /** `signal` is the run's: aborting it sends the CLI an interrupt (the Automation API's `signal` option). */
    constructor(private readonly stack: Stack, private readonly signal?: AbortSignal) {}
    get name() { return this.stack.name; }

    async getConfig(key: string) {
        const all = await this.stack.getAllConfig();
        return all[key]?.value;
    }
    async setConfig(key: string, value: string) { await this.stack.setConfig(key, { value }); }
    async removeConfig(key: string) { await this.stack.removeConfig(key); }
    async up(onOutput: (line: string) => void) {
        let result;
        try {
            result = await this.stack.up({ onOutput: engineLines(this.name, onOutput), signal: this.signal });
        } catch (e) {
            throw explainPulumiError(this.name, e);
        }
        return { changes: { ...(result.summary.resourceChanges ?? {}) } as Record<string, number>, outputs: outputValues(result.outputs) };
    }
    async preview(onOutput: (line: string) => void) {
        let result;
        try {
            result = await this.stack.preview({ onOutput: engineLines(this.name, onOutput), signal: this.signal });
        } catch (e) {
            throw explainPulumiError(this.name, e);
        }
        return { ...result.changeSummary } as Record<string, number>;
    }
    async outputs() { return outputValues(await this.stack.outputs()); }
    async exportState() { return this.stack.exportStack(); }
    async importState(deployment: any) { await this.stack.importStack(deployment); }
}

/**
 * The real workspace: the Pulumi CLI (must be on PATH) over the project in `workDir`. Aborting
 * `signal` interrupts a running `up` or `preview` (@pulumi/pulumi 3.248.0 automation/cmd.js
 * sends the CLI SIGINT, the same as one Ctrl-C: it finishes the operations in flight and saves
 * state).
 */
export function automationWorkspace(workDir: string, signal?: AbortSignal): PulumiWorkspace {
    let workspace: Promise<LocalWorkspace> | undefined;
    const ws = () => (workspace ??= LocalWorkspace.create({ workDir }));
    return {
        async stack(name: string) {
            return new AutomationStack(await Stack.select(name, await ws()), signal);
        },
        async backendUrl() {
            const who = await (await ws()).whoAmI();
            if (!who.url) throw new Error("the Pulumi CLI did not report its backend URL (pulumi whoami --verbose); upgrade the CLI to 3.58 or later");
            return who.url;
        },
    };
}

/** A config change a run made, as `recordingWorkspace` saw it (`value` undefined: removed). */
export interface ConfigChange {
    stack: string;
    key: string;
    value?: string;
}

/**
 * `workspace` with every setConfig and removeConfig recorded, so the CLI can tell the operator
 * which stack files the run changed (runbook state such as pilot-light:promote lives there).
 */
export function recordingWorkspace(workspace: PulumiWorkspace): { workspace: PulumiWorkspace; changes(): ConfigChange[] } {
    const changes: ConfigChange[] = [];
    return {
        changes: () => [...changes],
        workspace: {
            backendUrl: () => workspace.backendUrl(),
            async stack(name) {
                const stack = await workspace.stack(name);
                return {
                    name: stack.name,
                    getConfig: (key) => stack.getConfig(key),
                    async setConfig(key, value) { await stack.setConfig(key, value); changes.push({ stack: stack.name, key, value }); },
                    async removeConfig(key) { await stack.removeConfig(key); changes.push({ stack: stack.name, key }); },
                    up: (onOutput) => stack.up(onOutput),
                    preview: (onOutput) => stack.preview(onOutput),
                    outputs: () => stack.outputs(),
                    exportState: () => stack.exportState(),
                    importState: (deployment) => stack.importState(deployment),
                };
            },
        },
    };
}

/** A config change a runbook made on one stack before an up, and how to undo it. */
export interface ConfigEdit {
    /** Each changed key's value before the change (undefined: it was not set). */
    readonly previous: Readonly<Record<string, string | undefined>>;
    /** Puts every key back as it was, in the order of the change. */
    restore(): Promise<void>;
}

/**
 * Sets (a string) or removes (undefined) config keys on `stack`, in order, after reading what
 * each one was: the one way a runbook changes a stack's config for an up, so that a failed up
 * can put it back (`restore`). A key that is not set is not removed again.
 */
export async function changeConfig(stack: StackOps, changes: Record<string, string | undefined>): Promise<ConfigEdit> {
    const previous: Record<string, string | undefined> = {};
    for (const key of Object.keys(changes)) previous[key] = await stack.getConfig(key);
    for (const [key, value] of Object.entries(changes)) {
        if (value !== undefined) await stack.setConfig(key, value);
        else if (previous[key] !== undefined) await stack.removeConfig(key);
    }
    return {
        previous,
        async restore() {
            for (const key of Object.keys(changes)) await restoreConfig(stack, key, previous[key]);
        },
    };
}

/**
 * Puts a config key back to `previous`, removing it when it was not set (and only if it is set
 * now, so nothing depends on how `pulumi config rm` treats a missing key): what
 * `changeConfig`'s restore does for each key.
 */
async function restoreConfig(stack: StackOps, key: string, previous: string | undefined): Promise<void> {
    if (previous !== undefined) await stack.setConfig(key, previous);
    else if ((await stack.getConfig(key)) !== undefined) await stack.removeConfig(key);
}
