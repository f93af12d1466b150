// `npm run plan -- --stack prod|dr [--promote] [--set KEY=VALUE]... [--json] [--dir PATH]`
//
// Runs the real stack program in-process under Pulumi's mock runtime and prints what it would
// deploy, then evaluates the CrossGuard pack (policies/) over the recorded resources as
// `pulumi preview --policy-pack policies` would. With --promote or --set it also plans the
// stack as configured now and prints the diff between the two (ops/diff), failing on any
// change that could lose data. No Pulumi CLI, no AWS account and no network are needed.
// Exit codes: 0 ok, 1 the program failed, 2 bad configuration or usage, 3 a mandatory policy
// violation, 4 a change that would replace or delete data.
import * as path from "path";
import { parseArgs } from "util";
import { changesJson, diffPlans, PlannedChange, renderChanges } from "./diff";
import { planStack, StackPlan } from "./offline/planner";
import { loadProject } from "./offline/project";
import { planJson, renderPlan } from "./offline/render";
import { evaluatePolicies, formatViolationTable, loadPolicyConfig, Violation } from "./policy/evaluate";

const USAGE = `usage: npm run plan -- --stack NAME [--promote] [--set KEY=VALUE]... [--allow-retire NAME]... [--json] [--dir PATH] [--policy-config FILE]

  --stack NAME          the stack to plan: reads Pulumi.NAME.yaml (prod or dr here)
  --promote             plan the dr stack promoted, and diff it against standby
  --set KEY=VALUE       plan with this config value (KEY without a namespace means the project's),
                        and diff it against the stack as configured now
  --allow-retire NAME   allow the delete of this retained data resource (a retired DB generation)
  --json                print one JSON object on stdout; logs go to stderr
  --dir PATH            the Pulumi project folder (default: this repository)
  --policy-config FILE  policy pack config, in the format of pulumi's --policy-pack-config`;

export interface PlanCliOptions {
    stack: string;
    dir: string;
    promote?: boolean;
    /** Config values to plan with (fully qualified keys, or bare keys of the project namespace). */
    set: Record<string, string>;
    allowRetire: string[];
    json: boolean;
    policyConfig?: string;
}

export class UsageError extends Error {}

export function parsePlanArgs(argv: string[]): PlanCliOptions {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                dir: { type: "string" },
                promote: { type: "boolean" },
                set: { type: "string", multiple: true },
                "allow-retire": { type: "string", multiple: true },
                json: { type: "boolean" },
                "policy-config": { type: "string" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
            allowPositionals: false,
        });
    } catch (e: any) {
        throw new UsageError(`${e.message}\n${USAGE}`);
    }
    const v = parsed.values;
    if (v.help) throw new UsageError(USAGE);
    if (!v.stack) throw new UsageError(`--stack is required\n${USAGE}`);
    const set: Record<string, string> = {};
    for (const pair of v.set ?? []) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new UsageError(`--set ${JSON.stringify(pair)}: expected KEY=VALUE, e.g. --set databaseGeneration=2\n${USAGE}`);
        set[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return {
        stack: v.stack,
        dir: path.resolve(v.dir ?? path.join(__dirname, "..")),
        promote: v.promote ? true : undefined,
        set,
        allowRetire: v["allow-retire"] ?? [],
        json: v.json ?? false,
        policyConfig: v["policy-config"] ? path.resolve(v["policy-config"]) : undefined,
    };
}

/**
 * Runs the plan with console output routed to stderr: the program's own logs must never mix
 * with the JSON on stdout.
 */
export async function runPlan(opts: PlanCliOptions): Promise<StackPlan> {
    return withLogsOnStderr(() => planStack({ dir: opts.dir, stack: opts.stack, promote: opts.promote, configOverrides: qualify(opts) }));
}

/** Whether the options ask for a diff: a promotion, or config values that differ from the stack's. */
export function wantsDiff(opts: PlanCliOptions): boolean {
    return opts.promote === true || Object.keys(opts.set).length > 0;
}

/**
 * The plan of the stack as it is now (--promote: in standby; --set: without the new values)
 * diffed against `after`, with the data-safety check.
 */
export async function runDiff(opts: PlanCliOptions, after: StackPlan): Promise<PlannedChange> {
    const before = await withLogsOnStderr(() => planStack({
        dir: opts.dir, stack: opts.stack, promote: opts.promote ? false : undefined,
    }));
    return diffPlans(before, after, opts.allowRetire);
}

async function withLogsOnStderr<T>(fn: () => Promise<T>): Promise<T> {
    const log = console.log;
    const info = console.info;
    console.log = console.error;
    console.info = console.error;
    try {
        return await fn();
    } finally {
        console.log = log;
        console.info = info;
    }
}

/** --set keys with the project namespace added where missing. */
function qualify(opts: PlanCliOptions): Record<string, string> {
    const ns = Object.keys(opts.set).some((k) => !k.includes(":")) ? loadProject(opts.dir).name : "";
    return Object.fromEntries(Object.entries(opts.set).map(([k, v]) => [k.includes(":") ? k : `${ns}:${k}`, v]));
}

async function main(argv: string[]): Promise<number> {
    let opts: PlanCliOptions;
    try {
        opts = parsePlanArgs(argv);
    } catch (e: any) {
        process.stderr.write(`${e.message}\n`);
        return 2;
    }
    let plan: StackPlan;
    let violations: Violation[];
    let change: PlannedChange | undefined;
    try {
        const policyConfig = opts.policyConfig ? loadPolicyConfig(opts.policyConfig) : undefined;
        plan = await runPlan(opts);
        violations = await evaluatePolicies(plan.resources, { stackRegion: plan.region, policyConfig });
        change = wantsDiff(opts) ? await runDiff(opts, plan) : undefined;
    } catch (e: any) {
        const configError = e?.name === "ConfigError" || /^(no stack|.*holds no Pulumi\.yaml|policy config)/i.test(e?.message ?? "");
        process.stderr.write(`${configError ? "" : "plan failed: "}${e?.message ?? e}\n`);
        return configError ? 2 : 1;
    }
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    if (opts.json) {
        const diff = change ? { changes: changesJson(change.changes), dataSafety: { problems: change.unsafe } } : {};
        process.stdout.write(`${JSON.stringify({ ...planJson(plan), policies: { violations }, ...diff }, null, 2)}\n`);
    } else {
        process.stdout.write(`${renderPlan(plan)}\n\nPolicies (policies/, ${violations.length} violation${violations.length === 1 ? "" : "s"}, ${mandatory} mandatory):\n`
            + `${formatViolationTable(violations)}\n`);
        if (change) {
            const label = opts.promote ? "standby → promoted" : `as configured → with ${Object.entries(opts.set).map(([k, v]) => `${k}=${v}`).join(", ")}`;
            process.stdout.write(`\nChanges (${label}): ${renderChanges(change.changes)}\n`);
        }
    }
    if (change && change.unsafe.length > 0) {
        process.stderr.write(`plan failed: unsafe data change (${change.unsafe.length}):\n${change.unsafe.map((p) => `  - ${p}`).join("\n")}\n`);
        return 4;
    }
    if (mandatory > 0) {
        process.stderr.write(`${mandatory} mandatory policy violation${mandatory === 1 ? "" : "s"}: the real engine would block this deployment.\n`);
        return 3;
    }
    return 0;
}

if (require.main === module) {
    // Exit explicitly: the Pulumi runtime marks the process failed (exit code 1) when the
    // program throws, and the config-error code must stay 2. Wait for stdout to drain first.
    main(process.argv.slice(2)).then((code) => {
        process.stdout.write("", () => process.exit(code));
    });
}
