// The plans one `npm run plan` makes: the stack asked for, the stack as it is now (the diff's
// "before", and the prior state of the plan), the same as a preview sees it, and the trio the
// reports compare (prod, dr standby, dr promoted). One PlanSession holds the command's plan
// cache, so each configuration is planned once however many of these need it (ops/offline/planner.ts),
// and says where the program's log lines go.
import { diffPlans, PlannedChange } from "../diff";
import { LogSink, withProgramLogs } from "../offline/console";
import { PlanCache, planStack, PlanRequest, StackPlan } from "../offline/planner";
import { loadProject } from "../offline/project";
import { CostEstimate, estimateCost } from "../report/cost";
import { assessResilience, effectiveAssumptions, ResilienceAssumption, ResilienceRow, targetsFromConfig } from "../report/resilience";
import type { PlanCliOptions } from "./args";

/** One command's plans: the cache they share and where the program's logs go. */
export interface PlanSession {
    cache: PlanCache;
    logs: LogSink;
}

/** A session of its own: a fresh cache, logs on stderr. */
export function newSession(logs: LogSink = "stderr"): PlanSession {
    return { cache: new PlanCache(), logs };
}

/** planStack within the session: its cache, its log sink. */
function planInSession(session: PlanSession, req: Omit<PlanRequest, "cache">): Promise<StackPlan> {
    return withProgramLogs(session.logs, () => planStack({ ...req, cache: session.cache }));
}

/**
 * The plan asked for. The program's logs go to the session's sink (stderr for the command):
 * they must never mix with the JSON on stdout.
 */
export async function runPlan(opts: PlanCliOptions, prior: StackPlan | undefined, session: PlanSession): Promise<StackPlan> {
    return planInSession(session, {
        dir: opts.dir, stack: opts.stack, promote: opts.promote, configOverrides: qualify(opts),
        ...(prior ? { engine: { priorResources: prior.resources } } : {}),
    });
}

/** Whether the options ask for a diff: a promotion, or config values that differ from the stack's. */
export function wantsDiff(opts: PlanCliOptions): boolean {
    return opts.promote === true || Object.keys(opts.set).length > 0;
}

/**
 * The plan of the stack as it is now: the state the asked-for plan starts from, and the "before"
 * of its diff. --promote: in standby, with the --set values (a dr stack that has them, promoted);
 * --set alone: without the new values.
 */
export async function planCurrent(opts: PlanCliOptions, session: PlanSession): Promise<StackPlan> {
    return planInSession(session, { dir: opts.dir, stack: opts.stack, ...(opts.promote ? { promote: false, configOverrides: qualify(opts) } : {}) });
}

/**
 * A stack as `pulumi preview` sees it: resources of `before` (the stack as it is now, also its
 * prior state, as in runPlan) keep their outputs; every other resource is a planned create whose
 * outputs are unknown. Without `before` the stack is planned as a first deploy.
 */
export function planPreview(opts: Pick<PlanCliOptions, "dir">, req: { stack: string; promote?: boolean; configOverrides?: Record<string, string> },
    before?: StackPlan, session: PlanSession = newSession()): Promise<StackPlan> {
    const existing = new Set((before?.resources ?? []).map((r) => r.urn));
    return planInSession(session, { dir: opts.dir, ...req, preview: { existing }, ...(before ? { engine: { priorResources: before.resources } } : {}) });
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
export async function planTrio(opts: PlanCliOptions, plan: StackPlan, change: PlannedChange | undefined,
    session: PlanSession): Promise<StackTrio | undefined> {
    const planIn = (req: Omit<PlanRequest, "cache">) => planInSession(session, req);
    if (!plan.settings) return undefined;
    const { role, peerStack } = plan.settings;
    const peer = peerStack.split("/").pop()!;
    const overrides = qualify(opts);
    // The reports' "dr promoted" is a failover, which ends a drill: a dr planned as a drill
    // (--set drill=true, without --promote) is compared with its promotion, drill off.
    const promotedOverrides = { ...overrides, [`${plan.project}:drill`]: "false" };
    const planDr = (promote: boolean) => planIn({
        dir: opts.dir, stack: role === "dr" ? opts.stack : peer, promote,
        configOverrides: role !== "dr" ? {} : promote && opts.promote !== true ? promotedOverrides : overrides,
    });
    const prod = role === "primary" ? plan : await planIn({ dir: opts.dir, stack: peer });
    // --promote's diff already planned standby, with the same --set values.
    const reuseBefore = role === "dr" && plan.promote && change !== undefined && opts.promote === true;
    const drStandby = role === "dr" && !plan.promote ? plan : reuseBefore ? change!.before : await planDr(false);
    const drPromoted = role === "dr" && plan.promote ? plan : await planDr(true);
    const promotion = reuseBefore ? change! : diffPlans(drStandby, drPromoted);
    return { prod, drStandby, drPromoted, promotion };
}

/** What the reports add to the plan's output. */
export interface Reports {
    /** The planned stack's estimate (the `--json` "cost"). */
    cost: CostEstimate;
    trio?: StackTrio;
    costs?: { prod: CostEstimate; drStandby: CostEstimate; drPromoted: CostEstimate };
    resilience: ResilienceRow[];
    assumptions: ResilienceAssumption[];
}

/** Cost and RTO/RPO estimates; resilience needs the trio, so it is empty without one. */
export async function buildReports(opts: PlanCliOptions, plan: StackPlan, change: PlannedChange | undefined, session: PlanSession): Promise<Reports> {
    const trio = await planTrio(opts, plan, change, session);
    if (!trio) return { cost: estimateCost(plan), resilience: [], assumptions: [] };
    const costs = { prod: estimateCost(trio.prod), drStandby: estimateCost(trio.drStandby), drPromoted: estimateCost(trio.drPromoted) };
    const cost = plan === trio.prod ? costs.prod : plan === trio.drStandby ? costs.drStandby : plan === trio.drPromoted ? costs.drPromoted : estimateCost(plan);
    const assumptions = effectiveAssumptions(trio);
    // The targets of the stack asked about, so `--set rtoTargetMinutes=...` applies.
    const resilience = assessResilience({ ...trio, promotion: trio.promotion.changes, targets: targetsFromConfig(plan), strict: opts.strict === true, assumptions });
    return { cost, trio, costs, resilience, assumptions };
}

/** --set keys with the project namespace added where missing. */
export function qualify(opts: PlanCliOptions): Record<string, string> {
    const ns = Object.keys(opts.set).some((k) => !k.includes(":")) ? loadProject(opts.dir).name : "";
    return Object.fromEntries(Object.entries(opts.set).map(([k, v]) => [k.includes(":") ? k : `${ns}:${k}`, v]));
}
