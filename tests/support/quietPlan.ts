// Plans of this repository's stacks (or of another project folder) for the tests, memoized for
// the whole mocha process: one PlanCache shares every plan, and each configuration (stack and
// resolved config, and what a preview sees) runs the program once, whichever test file asks
// first. The program's log lines are dropped: they would clutter the test output. Returned plans
// are frozen: copy one to change it (tests/policies/stackShapes.ts does).
import { withProgramLogs } from "../../ops/offline/console";
import { planStack, PlanRequest, StackPlan } from "../../ops/offline/planner";
import type { PlanSession } from "../../ops/planning/plans";
import { SharedPlanCache } from "./sharedPlans";

/**
 * The process's plans, shared with in-process runs of the plan command (planSession) and, under
 * `npm test`, with the run's other shard (./sharedPlans).
 */
export const PLANS = new SharedPlanCache(process.env.PILOT_LIGHT_SHARED_PLANS);

/** Plans run one at a time: the Pulumi runtime they run under is process-wide. */
let queue: Promise<unknown> = Promise.resolve();

/** Runs `fn` after every plan queued before it: anything that plans (here, or the plan command run in process). */
export function serially<T>(fn: () => Promise<T>): Promise<T> {
    const done = queue.then(fn);
    queue = done.catch(() => undefined);
    return done;
}

/** Freezes `value` and everything it holds, so a test that changes a shared plan fails where it does. */
function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
    if (value !== null && typeof value === "object" && !seen.has(value)) {
        seen.add(value);
        Object.freeze(value);
        for (const v of Object.values(value)) deepFreeze(v, seen);
    }
    return value;
}

/** A plan from the process's cache (planned now if it is not there yet), frozen. */
export function quietPlan(req: Omit<PlanRequest, "cache">): Promise<StackPlan> {
    return serially(() => withProgramLogs("silent", () => planStack({ ...req, cache: PLANS }))).then((plan) => deepFreeze(plan));
}

/** A session for ops/plan.ts's main(): the shared plans, logs sent to `logs`. */
export function planSession(logs: (line: string) => void): PlanSession {
    return { cache: PLANS, logs };
}
