// Plans of this repository's stacks, memoized per request for the whole mocha run: planning the
// real program costs seconds, and several test files need the same plans. Callers must not
// change a returned plan; copy it first (tests/policies/stackShapes.ts does).
import * as path from "path";
import type { PeerPlanCache, PlanRequest, StackPlan } from "../../ops/offline/planner";
import { quietPlan } from "./quietPlan";

/** The repository: the Pulumi project the plans are of. */
export const ROOT = path.join(__dirname, "..", "..");

const plans = new Map<string, Promise<StackPlan>>();
/** Peers planned once for all the plans (prod's peer dr, dr's peer prod at bootstrap step 1). */
const peerPlans: PeerPlanCache = new Map();
/** Plans run one at a time: the Pulumi runtime they run under is process-wide. */
let queue: Promise<unknown> = Promise.resolve();

/** A plan of this project's stack; `preview.existing` is keyed by its sorted URNs. */
export function memoPlan(req: Omit<PlanRequest, "dir">): Promise<StackPlan> {
    const key = JSON.stringify({ ...req, preview: req.preview ? [...req.preview.existing].sort() : undefined, peerPlans: undefined });
    let plan = plans.get(key);
    if (!plan) {
        plan = queue.then(() => quietPlan({ dir: ROOT, ...req, peerPlans }));
        queue = plan.catch(() => undefined);
        plans.set(key, plan);
    }
    return plan;
}
