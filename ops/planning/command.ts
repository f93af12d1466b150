// What `npm run plan` does once its arguments are parsed (ops/plan.ts): plan, diff, evaluate the
// policy pack, build the reports, print them in the asked-for format and choose the exit code
// (the codes and their order: ./exitCodes.ts).
import { changesJson, diffPlans, PlannedChange, renderChanges, stackRegions, StaticStabilityProblem, staticStabilityProblems } from "../diff";
import { checkRequest, StackPlan } from "../offline/planner";
import { ProjectFileError } from "../offline/project";
import { planJson, renderPlan } from "../offline/render";
import { evaluatePlan, formatViolationTable, loadPolicyConfig, Violation } from "../policy/evaluate";
import { costJson, formatTotal, pricesLabel, renderCostTable, renderUnpriced, unpricedCount, unpricedGroups } from "../report/cost";
import { renderMarkdownReport } from "../report/markdown";
import { renderResilienceTable, resilienceFailures, resilienceJson } from "../report/resilience";
import { outputFormat, PlanCliOptions, UsageError } from "./args";
import { PLAN_EXIT } from "./exitCodes";
import { buildReports, PlanSession, planCurrent, planPreview, qualify, Reports, runPlan, wantsDiff } from "./plans";

/** Where the command writes: stdout and stderr for the CLI, buffers in a test. */
export interface CommandIo {
    out(text: string): void;
    err(text: string): void;
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

/** Runs the plan command with parsed options; returns its exit code. */
export async function runPlanCommand(opts: PlanCliOptions, io: CommandIo, session: PlanSession): Promise<number> {
    const format = outputFormat(opts);
    let plan: StackPlan;
    let violations: Violation[];
    let change: PlannedChange | undefined;
    let stability: StaticStabilityProblem[] | undefined;
    let reports: Reports;
    let markdown: string | undefined;
    try {
        const policyConfig = opts.policyConfig ? readPolicyConfig(opts.policyConfig) : undefined;
        // Bad config (e.g. a --set key) is refused before the diff's "before" is planned.
        checkRequest({ dir: opts.dir, stack: opts.stack, promote: opts.promote, configOverrides: qualify(opts) });
        const current = wantsDiff(opts) ? await planCurrent(opts, session) : undefined;
        plan = await runPlan(opts, current, session);
        change = current ? diffPlans(current, plan, opts.allowRetire) : undefined;
        // A promotion must need no control plane outside the stack's region (ops/diff/staticStability.ts).
        stability = change && opts.promote ? staticStabilityProblems(change.changes, stackRegions(change.before, plan)) : undefined;
        const evaluated = opts.preview
            ? await planPreview(opts, { stack: opts.stack, promote: opts.promote, configOverrides: qualify(opts) }, current, session)
            : plan;
        violations = await evaluatePlan(evaluated, policyConfig);
        reports = await buildReports(opts, plan, change, session);
        if (format === "markdown") {
            const { trio, costs } = reports;
            if (!trio || !costs) {
                io.err(`--format markdown compares a primary stack with its dr stack, but stack "${opts.stack}" sets no `
                    + `${plan.project}:role (primary or dr) with a ${plan.project}:peerStack.\n`);
                return PLAN_EXIT.badInput;
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
                return evaluatePlan(await planPreview(opts, { stack: p.stack, promote: p.promote, configOverrides: overrides }, before, session), policyConfig);
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
        io.err(`${badInput ? "" : "plan failed: "}${e?.message ?? e}\n`);
        return badInput ? PLAN_EXIT.badInput : PLAN_EXIT.programFailed;
    }
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    if (format === "markdown") {
        io.out(markdown!);
    } else if (format === "json") {
        const diff = change ? {
            changes: changesJson(change.changes), dataSafety: { problems: change.unsafe }, refused: change.refused,
            ...(stability ? { staticStability: { problems: stability } } : {}),
        } : {};
        io.out(`${JSON.stringify({
            ...planJson(plan), policies: { ...(opts.preview ? { preview: true } : {}), violations }, ...diff,
            cost: costJson(reports.cost), resilience: resilienceJson(reports.resilience),
        }, null, 2)}\n`);
    } else {
        const seen = opts.preview ? ", as a preview sees the stack: outputs of planned creates unknown" : "";
        io.out(`${renderPlan(plan)}\n\nPolicies (policies/${seen}, ${violations.length} violation${violations.length === 1 ? "" : "s"}, ${mandatory} mandatory):\n`
            + `${formatViolationTable(violations)}\n`);
        if (change) {
            const label = opts.promote ? "standby → promoted" : `as configured → with ${Object.entries(opts.set).map(([k, v]) => `${k}=${v}`).join(", ")}`;
            io.out(`\nChanges (${label}): ${renderChanges(change.changes)}\n`);
            if (stability) {
                io.out(stability.length === 0 ? "Static stability: the promotion needs only this region's control planes.\n"
                    : `Static stability: ${stability.length} change${stability.length === 1 ? " needs" : "s need"} a control plane outside ${plan.region}:\n`
                        + stability.map((p) => `  - ${p.message}\n`).join(""));
            }
        }
        if (reports.costs) {
            io.out(`\n${renderCostTable(reports.costs.prod, reports.costs.drStandby, reports.costs.drPromoted)}\n`);
        } else {
            io.out(`\nESTIMATE of the monthly AWS cost of "${plan.stack}": ${formatTotal(reports.cost)} (${pricesLabel([reports.cost])}).\n`
                + renderUnpriced([reports.cost]).map((l) => `${l}\n`).join(""));
        }
        io.out(`\n${renderResilienceTable(reports.resilience)}\n`);
    }
    const misses = reports.resilience.filter((r) => r.status !== "ok");
    if (change && change.unsafe.length > 0) {
        io.err(`plan failed: unsafe data change (${change.unsafe.length}):\n${change.unsafe.map((p) => `  - ${p}`).join("\n")}\n`);
        return PLAN_EXIT.dataLoss;
    }
    if (change && change.refused.length > 0) {
        io.err(`plan failed: pulumi up would refuse (${change.refused.length}):\n${change.refused.map((p) => `  - ${p.replace(/\n/g, "\n    ")}`).join("\n")}\n`);
        return PLAN_EXIT.refused;
    }
    if (stability && stability.length > 0) {
        io.err(`plan failed: the promotion is not statically stable (${stability.length}):\n${stability.map((p) => `  - ${p.message}`).join("\n")}\n`);
        return PLAN_EXIT.notStaticallyStable;
    }
    if (mandatory > 0) {
        io.err(`${mandatory} mandatory policy violation${mandatory === 1 ? "" : "s"}: the real engine would block this deployment.\n`);
        return PLAN_EXIT.mandatoryPolicy;
    }
    if (misses.length > 0) {
        const strictMisses = resilienceFailures(reports.resilience);
        io.err(`${misses.length} RTO/RPO estimate${misses.length === 1 ? "" : "s"} miss the targets`
            + `${strictMisses.length > 0 ? " (--strict)" : " (advisory; --strict fails on them)"}: `
            + `${misses.map((r) => `${r.disruption} / ${r.component}`).join(", ")}.\n`);
        if (strictMisses.length > 0) return PLAN_EXIT.rtoRpoMiss;
    }
    const estimates = reports.costs ? [reports.costs.prod, reports.costs.drStandby, reports.costs.drPromoted] : [reports.cost];
    const unpriced = unpricedCount(estimates);
    if (unpriced > 0) {
        io.err(`${unpriced} planned item${unpriced === 1 ? " has" : "s have"} no price in the cost estimate`
            + `${opts.strict ? " (--strict)" : " (left out of the totals; --strict fails on them)"}: `
            + `${unpricedGroups(estimates).map((g) => `${g.heading.split(":")[0]}: ${g.items.length}`).join(", ")}.\n`);
        if (opts.strict) return PLAN_EXIT.unpriced;
    }
    return PLAN_EXIT.ok;
}
