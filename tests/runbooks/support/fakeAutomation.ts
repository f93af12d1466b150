// Stacks of the Automation API (the `Stack` of @pulumi/pulumi/automation) in memory, driven by
// the runbooks' real AutomationStack (ops/runbooks/workspace.ts), so the fault-injection tests
// go through the same code as a real run: config read with getAllConfig, `up` given the run's
// abort signal (the Automation API's `signal` option, which interrupts the CLI), CLI errors
// classified and explained. Only what AutomationStack calls is modelled.
import type { Stack, UpOptions, UpResult } from "@pulumi/pulumi/automation";
import { AutomationStack, PulumiWorkspace } from "../../../ops/runbooks/workspace";

/** What one `up` does; given the options the runbook passed (onOutput, signal) and the live config. */
export type UpBehaviour = (opts: UpOptions, config: Map<string, string>) => Promise<{ changes: Record<string, number>; outputs: Record<string, unknown> }>;

export class FakeAutomationStack {
    readonly config: Map<string, string>;
    outputsNow: Record<string, unknown>;
    /** The options of every `up`, in order. */
    readonly ups: UpOptions[] = [];
    upBehaviour: UpBehaviour = async () => ({ changes: { same: 1 }, outputs: this.outputsNow });

    constructor(readonly name: string, config: Record<string, string>, outputs: Record<string, unknown>) {
        this.config = new Map(Object.entries(config));
        this.outputsNow = { ...outputs };
    }

    async getAllConfig() {
        return Object.fromEntries([...this.config].map(([k, v]) => [k, { value: v, secret: false }]));
    }
    async setConfig(key: string, value: { value: string }) { this.config.set(key, value.value); }
    async removeConfig(key: string) { this.config.delete(key); }
    async outputs() {
        return Object.fromEntries(Object.entries(this.outputsNow).map(([k, v]) => [k, { value: v, secret: false }]));
    }
    async up(opts: UpOptions = {}): Promise<UpResult> {
        this.ups.push(opts);
        const { changes, outputs } = await this.upBehaviour(opts, this.config);
        this.outputsNow = { ...outputs };
        return {
            stdout: "", stderr: "",
            summary: { resourceChanges: changes } as UpResult["summary"],
            outputs: await this.outputs(),
        };
    }
}

/** A workspace whose stacks are AutomationStacks over the fakes, with the run's abort signal. */
export function fakeAutomationWorkspace(stacks: FakeAutomationStack[], backendUrl: string, signal?: AbortSignal): PulumiWorkspace {
    return {
        async stack(name) {
            const stack = stacks.find((s) => s.name === name);
            if (!stack) throw new Error(`no stack named '${name}' found`);
            return new AutomationStack(stack as unknown as Stack, signal);
        },
        async backendUrl() { return backendUrl; },
    };
}
