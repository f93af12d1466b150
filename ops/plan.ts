// `npm run plan -- --stack prod|dr [--promote] [--set KEY=VALUE]... [--preview] [--format text|json|markdown] [--strict] [--dir PATH]`
//
// Runs the real stack program in-process under Pulumi's mock runtime and prints what it would
// deploy, then evaluates the CrossGuard pack (policies/) over the recorded resources as
// `pulumi preview --policy-pack policies` would. With --promote or --set it also plans the
// stack as configured now and prints the diff between the two (ops/diff), failing on any
// change that could lose data. With --preview the pack sees the stack as `pulumi preview` does:
// outputs of planned creates are unknown. No Pulumi CLI, no AWS account and no network are needed.
//
// The reports (ops/report) need prod, dr in standby and dr promoted side by side, because a
// pilot light is judged by both what it costs idle and how fast it recovers: for a project
// with a primary/dr pair the command also plans the other two of that trio and the promotion
// (standby → promoted), then adds the cost estimate and the RTO/RPO estimates to the output
// (--format markdown: one document for a pull-request comment).
// Exit codes: 0 ok, 1 the program failed, 2 bad configuration or usage, 3 a mandatory policy
// violation, 4 a change that would replace or delete data, 5 with --strict, an RTO/RPO
// estimate that misses its target (without --strict a miss is only an advisory), 6 with
// --strict, a planned item the cost estimate has no price for (without --strict the reports
// list it and leave it out of the totals), 7 a change `pulumi up` itself would refuse (a
// protected resource deleted or replaced, a provider rule). When several apply, the first of
// 4, 7, 3, 5, 6 wins: data loss first, then what blocks a deploy, then the estimates.
import * as path from "path";
import { parseArgs } from "util";
import { changesJson, diffPlans, PlannedChange, renderChanges } from "./diff";
import { planStack, StackPlan } from "./offline/planner";
import { loadProject, ProjectFileError } from "./offline/project";
import { withProgramLogs } from "./offline/console";
import { planJson, renderPlan } from "./offline/render";
import { evaluatePlan, formatViolationTable, loadPolicyConfig, Violation } from "./policy/evaluate";
import { CostEstimate, costJson, estimateCost, formatTotal, pricesLabel, renderCostTable, renderUnpriced, unpricedCount, unpricedGroups } from "./report/cost";
import { renderMarkdownReport } from "./report/markdown";
import {
    assessResilience, effectiveAssumptions, renderResilienceTable, ResilienceAssumption, resilienceFailures, resilienceJson,
    ResilienceRow, targetsFromConfig,
} from "./report/resilience";

const USAGE = `usage: npm run plan -- --stack NAME [--promote] [--set KEY=VALUE]... [--allow-retire NAME]... [--preview]
                     [--format text|json|markdown] [--json] [--strict] [--dir PATH] [--policy-config FILE]

  --stack NAME          the stack to plan: reads Pulumi.NAME.yaml (prod or dr here)
  --promote             plan the dr stack promoted, and diff it against standby
  --set KEY=VALUE       plan with this config value (KEY without a namespace means the project's),
                        and diff it against the stack as configured now
  --allow-retire NAME   allow the delete of this retained data resource (a retired DB generation),
                        snapshotted and unprotected in the state first (the failback runbook does both)
  --preview             evaluate the policies as \`pulumi preview\` sees the stack: outputs of planned creates are
                        unknown (with --promote/--set, what the stack holds now is known; else all is created)
  --format FORMAT       text (default): tree, policies, diff, cost and RTO/RPO tables;
                        json: one JSON object on stdout (adds "cost" and "resilience"); logs go to stderr;
                        markdown: one Markdown report (summary, policies, promotion diff, cost, RTO/RPO, diagram)
  --json                the same as --format json
  --strict              fail (exit 5) when an RTO/RPO estimate misses pilot-light:rtoTargetMinutes/rpoTargetMinutes,
                        and (exit 6) when the cost estimate has no price for a planned item
  --dir PATH            the Pulumi project folder (default: this repository)
  --policy-config FILE  policy pack config, in the format of pulumi's --policy-pack-config

exit codes: 0 ok, 1 the program failed, 2 bad configuration or usage, 3 a mandatory policy violation,
            4 a change that would replace or delete data, 5 an RTO/RPO miss with --strict,
            6 an unpriced item in the cost estimate with --strict, 7 a change pulumi up would refuse`;

/** The output formats of --format. */
export const PLAN_FORMATS = ["text", "json", "markdown"] as const;
/** One of PLAN_FORMATS. */
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** The plan command's options, as parsePlanArgs returns them. */
export interface PlanCliOptions {
    stack: string;
    dir: string;
    promote?: boolean;
    /** Config values to plan with (fully qualified keys, or bare keys of the project namespace). */
    set: Record<string, string>;
    allowRetire: string[];
    /** True for --json and for --format json. */
    json: boolean;
    /** Present only when --format was given; read the effective format with outputFormat(). */
    format?: PlanFormat;
    /** Present only with --strict: RTO/RPO misses (exit 5) and unpriced items (exit 6) fail the command. */
    strict?: true;
    /** Present only with --preview: the pack sees outputs of planned creates as unknown. */
    preview?: true;
    policyConfig?: string;
}

/** The format to print: --format, else json for --json, else text. */
export function outputFormat(opts: PlanCliOptions): PlanFormat {
    return opts.format ?? (opts.json ? "json" : "text");
}

/** Bad arguments: the message ends with the usage text, and the command exits 2. */
export class UsageError extends Error {}

/** Parses the command line; throws UsageError for unknown options, a missing --stack or a bad --set/--format. */
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
                format: { type: "string" },
                strict: { type: "boolean" },
                preview: { type: "boolean" },
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
    const format = v.format;
    if (format !== undefined && !(PLAN_FORMATS as readonly string[]).includes(format)) {
        throw new UsageError(`--format ${JSON.stringify(format)}: expected one of ${PLAN_FORMATS.join(", ")}\n${USAGE}`);
    }
    if (v.json && format !== undefined && format !== "json") {
        throw new UsageError(`--json means --format json; it cannot be combined with --format ${format}\n${USAGE}`);
    }
    return {
        stack: v.stack,
        dir: path.resolve(v.dir ?? path.join(__dirname, "..")),
        promote: v.promote ? true : undefined,
        set,
        allowRetire: v["allow-retire"] ?? [],
        json: (v.json ?? false) || format === "json",
        // Only when given, so callers that never use them see the options they always did.
        ...(format !== undefined ? { format: format as PlanFormat } : {}),
        ...(v.strict ? { strict: true as const } : {}),
        ...(v.preview ? { preview: true as const } : {}),
        policyConfig: v["policy-config"] ? path.resolve(v["policy-config"]) : undefined,
    };
}

/**
 * Runs the plan with console output routed to stderr: the program's own logs must never mix
 * with the JSON on stdout.
 */
export async function runPlan(opts: PlanCliOptions, prior?: StackPlan): Promise<StackPlan> {
    return withProgramLogs("stderr", () => planStack({
        dir: opts.dir, stack: opts.stack, promote: opts.promote, configOverrides: qualify(opts),
        ...(prior ? { engine: { priorResources: prior.resources } } : {}),
    }));
}

/** Whether the options ask for a diff: a promotion, or config values that differ from the stack's. */
export function wantsDiff(opts: PlanCliOptions): boolean {
    return opts.promote === true || Object.keys(opts.set).length > 0;
}

/**
 * The plan of the stack as it is now (--promote: in standby; --set: without the new values): the
 * state the asked-for plan starts from, and the "before" of its diff.
 */
export async function planCurrent(opts: PlanCliOptions): Promise<StackPlan> {
    return withProgramLogs("stderr", () => planStack({
        dir: opts.dir, stack: opts.stack, promote: opts.promote ? false : undefined,
    }));
}

/**
 * A stack as `pulumi preview` sees it: resources of `before` (the stack as it is now, also its
 * prior state, as in runPlan) keep their outputs; every other resource is a planned create whose
 * outputs are unknown. Without `before` the stack is planned as a first deploy.
 */
export function planPreview(opts: Pick<PlanCliOptions, "dir">, req: { stack: string; promote?: boolean; configOverrides?: Record<string, string> },
    before?: StackPlan): Promise<StackPlan> {
    const existing = new Set((before?.resources ?? []).map((r) => r.urn));
    return withProgramLogs("stderr", () => planStack({
        dir: opts.dir, ...req, preview: { existing }, ...(before ? { engine: { priorResources: before.resources } } : {}),
    }));
}

/** prod, dr in standby, dr promoted, and the promotion between the last two. */
export interface StackTrio {
    prod: StackPlan;
    drStandby: StackPlan;
    drPromoted: StackPlan;
    promotion: PlannedChange;
}

/**
 * The trio the reports compare, reusing `plan` (and the --promote diff) where it is one of
 * them. The stack planned with --set keeps its overrides in every plan of it (dr's both
 * states); the peer is planned as configured. Undefined for another project (no `settings`:
 * it does not follow this project's config schema).
 */
export async function planTrio(opts: PlanCliOptions, plan: StackPlan, change: PlannedChange | undefined): Promise<StackTrio | undefined> {
    if (!plan.settings) return undefined;
    const { role, peerStack } = plan.settings;
    const peer = peerStack.split("/").pop()!;
    const overrides = qualify(opts);
    const planDr = (promote: boolean) => withProgramLogs("stderr", () => planStack({
        dir: opts.dir, stack: role === "dr" ? opts.stack : peer, promote, configOverrides: role === "dr" ? overrides : {},
    }));
    const prod = role === "primary" ? plan : await withProgramLogs("stderr", () => planStack({ dir: opts.dir, stack: peer }));
    // --promote's diff already planned standby as configured now: the same plan unless --set changed it.
    const reuseBefore = role === "dr" && plan.promote && change !== undefined && opts.promote === true && Object.keys(opts.set).length === 0;
    const drStandby = role === "dr" && !plan.promote ? plan : reuseBefore ? change!.before : await planDr(false);
    const drPromoted = role === "dr" && plan.promote ? plan : await planDr(true);
    const promotion = reuseBefore ? change! : diffPlans(drStandby, drPromoted);
    return { prod, drStandby, drPromoted, promotion };
}

/** What the reports add to the plan's output. */
interface Reports {
    /** The planned stack's estimate (the `--json` "cost"). */
    cost: CostEstimate;
    trio?: StackTrio;
    costs?: { prod: CostEstimate; drStandby: CostEstimate; drPromoted: CostEstimate };
    resilience: ResilienceRow[];
    assumptions: ResilienceAssumption[];
}

/** Cost and RTO/RPO estimates; resilience needs the trio, so it is empty without one. */
export async function buildReports(opts: PlanCliOptions, plan: StackPlan, change: PlannedChange | undefined): Promise<Reports> {
    const trio = await planTrio(opts, plan, change);
    if (!trio) return { cost: estimateCost(plan), resilience: [], assumptions: [] };
    const costs = { prod: estimateCost(trio.prod), drStandby: estimateCost(trio.drStandby), drPromoted: estimateCost(trio.drPromoted) };
    const cost = plan === trio.prod ? costs.prod : plan === trio.drStandby ? costs.drStandby : plan === trio.drPromoted ? costs.drPromoted : estimateCost(plan);
    const assumptions = effectiveAssumptions(trio);
    // The targets of the stack asked about, so `--set rtoTargetMinutes=...` applies.
    const resilience = assessResilience({ ...trio, promotion: trio.promotion.changes, targets: targetsFromConfig(plan), strict: opts.strict === true, assumptions });
    return { cost, trio, costs, resilience, assumptions };
}


/** Bad input to the command (exit 2), as opposed to a program that failed (exit 1). */
class BadInputError extends Error {}

/**
 * Exit 2: bad usage, a policy config, project or stack file the real tools would refuse, or a
 * config the program refuses. The program's ConfigError is matched by name: a program planned
 * with --dir throws its own copy of the class.
 */
function isBadInput(e: unknown): boolean {
    return e instanceof UsageError || e instanceof BadInputError || e instanceof ProjectFileError || (e as Error)?.name === "ConfigError";
}

/** --policy-config FILE, read and validated; any problem with it is bad input. */
function readPolicyConfig(file: string): Record<string, any> {
    try {
        return loadPolicyConfig(file);
    } catch (e: any) {
        throw new BadInputError(`--policy-config: ${e?.message ?? e}`);
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
    const format = outputFormat(opts);
    let plan: StackPlan;
    let violations: Violation[];
    let change: PlannedChange | undefined;
    let reports: Reports;
    let markdown: string | undefined;
    try {
        const policyConfig = opts.policyConfig ? readPolicyConfig(opts.policyConfig) : undefined;
        const current = wantsDiff(opts) ? await planCurrent(opts) : undefined;
        plan = await runPlan(opts, current);
        change = current ? diffPlans(current, plan, opts.allowRetire) : undefined;
        const evaluated = opts.preview
            ? await planPreview(opts, { stack: opts.stack, promote: opts.promote, configOverrides: qualify(opts) }, current)
            : plan;
        violations = await evaluatePlan(evaluated, policyConfig);
        reports = await buildReports(opts, plan, change);
        if (format === "markdown") {
            const { trio, costs } = reports;
            if (!trio || !costs) {
                process.stderr.write(`--format markdown compares a primary stack with its dr stack, but stack "${opts.stack}" sets no `
                    + `${plan.project}:role (primary or dr) with a ${plan.project}:peerStack.\n`);
                return 2;
            }
            // Every stack's policy results, not only the planned one's: the report shows all three.
            // With --preview, as a preview sees each: prod and dr standby as first deploys, dr
            // promoted from standby.
            const seenAs = opts.preview ? " (preview)" : "";
            const evaluate = async (p: StackPlan) => {
                if (p === plan) return violations;
                if (!opts.preview) return evaluatePlan(p, policyConfig);
                const before = p === trio.drPromoted ? trio.drStandby : undefined;
                const overrides = p.stack === opts.stack ? qualify(opts) : {};
                return evaluatePlan(await planPreview(opts, { stack: p.stack, promote: p.promote, configOverrides: overrides }, before), policyConfig);
            };
            markdown = renderMarkdownReport({
                planned: [opts.stack, opts.promote ? "--promote" : "", ...Object.entries(opts.set).map(([k, v]) => `--set ${k}=${v}`)].filter(Boolean).join(" "),
                prod: trio.prod, drStandby: trio.drStandby, drPromoted: trio.drPromoted,
                promotion: trio.promotion,
                policies: [
                    { label: `${trio.prod.stack}${seenAs}`, violations: await evaluate(trio.prod) },
                    { label: `${trio.drStandby.stack} standby${seenAs}`, violations: await evaluate(trio.drStandby) },
                    { label: `${trio.drPromoted.stack} promoted${seenAs}`, violations: await evaluate(trio.drPromoted) },
                ],
                costs, resilience: reports.resilience, assumptions: reports.assumptions,
            });
        }
    } catch (e: any) {
        const badInput = isBadInput(e);
        process.stderr.write(`${badInput ? "" : "plan failed: "}${e?.message ?? e}\n`);
        return badInput ? 2 : 1;
    }
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    if (format === "markdown") {
        process.stdout.write(markdown!);
    } else if (format === "json") {
        const diff = change ? { changes: changesJson(change.changes), dataSafety: { problems: change.unsafe }, refused: change.refused } : {};
        process.stdout.write(`${JSON.stringify({
            ...planJson(plan), policies: { ...(opts.preview ? { preview: true } : {}), violations }, ...diff,
            cost: costJson(reports.cost), resilience: resilienceJson(reports.resilience),
        }, null, 2)}\n`);
    } else {
        const seen = opts.preview ? ", as a preview sees the stack: outputs of planned creates unknown" : "";
        process.stdout.write(`${renderPlan(plan)}\n\nPolicies (policies/${seen}, ${violations.length} violation${violations.length === 1 ? "" : "s"}, ${mandatory} mandatory):\n`
            + `${formatViolationTable(violations)}\n`);
        if (change) {
            const label = opts.promote ? "standby → promoted" : `as configured → with ${Object.entries(opts.set).map(([k, v]) => `${k}=${v}`).join(", ")}`;
            process.stdout.write(`\nChanges (${label}): ${renderChanges(change.changes)}\n`);
        }
        if (reports.costs) {
            process.stdout.write(`\n${renderCostTable(reports.costs.prod, reports.costs.drStandby, reports.costs.drPromoted)}\n`);
        } else {
            process.stdout.write(`\nESTIMATE of the monthly AWS cost of "${plan.stack}": ${formatTotal(reports.cost)} (${pricesLabel([reports.cost])}).\n`
                + renderUnpriced([reports.cost]).map((l) => `${l}\n`).join(""));
        }
        process.stdout.write(`\n${renderResilienceTable(reports.resilience)}\n`);
    }
    const misses = reports.resilience.filter((r) => r.status !== "ok");
    if (change && change.unsafe.length > 0) {
        process.stderr.write(`plan failed: unsafe data change (${change.unsafe.length}):\n${change.unsafe.map((p) => `  - ${p}`).join("\n")}\n`);
        return 4;
    }
    if (change && change.refused.length > 0) {
        process.stderr.write(`plan failed: pulumi up would refuse (${change.refused.length}):\n${change.refused.map((p) => `  - ${p.replace(/\n/g, "\n    ")}`).join("\n")}\n`);
        return 7;
    }
    if (mandatory > 0) {
        process.stderr.write(`${mandatory} mandatory policy violation${mandatory === 1 ? "" : "s"}: the real engine would block this deployment.\n`);
        return 3;
    }
    if (misses.length > 0) {
        const strictMisses = resilienceFailures(reports.resilience);
        process.stderr.write(`${misses.length} RTO/RPO estimate${misses.length === 1 ? "" : "s"} miss the targets`
            + `${strictMisses.length > 0 ? " (--strict)" : " (advisory; --strict fails on them)"}: `
            + `${misses.map((r) => `${r.disruption} / ${r.component}`).join(", ")}.\n`);
        if (strictMisses.length > 0) return 5;
    }
    const estimates = reports.costs ? [reports.costs.prod, reports.costs.drStandby, reports.costs.drPromoted] : [reports.cost];
    const unpriced = unpricedCount(estimates);
    if (unpriced > 0) {
        process.stderr.write(`${unpriced} planned item${unpriced === 1 ? " has" : "s have"} no price in the cost estimate`
            + `${opts.strict ? " (--strict)" : " (left out of the totals; --strict fails on them)"}: `
            + `${unpricedGroups(estimates).map((g) => `${g.heading.split(":")[0]}: ${g.items.length}`).join(", ")}.\n`);
        if (opts.strict) return 6;
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
