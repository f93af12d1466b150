// The offline diff: what changes between two configurations of one stack, and whether any of
// it could lose data. Used by `npm run plan -- --promote/--set` and by every runbook's --dry-run.
import { PlanCache, planStack, StackPlan } from "../offline/planner";
import { checkDataSafety, diffResources, ResourceChange } from "./diff";
import { refusals } from "./refusals";

export * from "./diff";
export { refusals } from "./refusals";
export { DATA_TYPES, FORCE_NEW, TABLE } from "./forceNew";

export interface PlanChangeRequest {
    /** The folder holding Pulumi.yaml. */
    dir: string;
    stack: string;
    /** Config overrides (fully qualified keys) of the configuration the stack is in now. */
    from: Record<string, string>;
    /** Config overrides of the configuration to go to. */
    to: Record<string, string>;
    /**
     * Logical names of retained data resources whose delete is an intended retirement: the
     * runbook snapshots each and unprotects it in the state before `pulumi up`.
     */
    allowRetire?: string[];
    /** Plans to reuse (see PlanCache): the "before" plan and both plans' peers are made once per cache. */
    cache?: PlanCache;
}

export interface PlannedChange {
    before: StackPlan;
    after: StackPlan;
    changes: ResourceChange[];
    /** Data-safety problems (checkDataSafety); empty when safe. */
    unsafe: string[];
    /** What `pulumi up` would refuse (refusals.ts), in the engine's or provider's words; empty when it would run. */
    refused: string[];
}

/**
 * Plans the stack in both configurations offline and diffs them. Touches nothing. The second
 * plan starts from the first one's state, as `pulumi up` would (a stashed value keeps its output).
 */
export async function planChange(req: PlanChangeRequest): Promise<PlannedChange> {
    const before = await planStack({ dir: req.dir, stack: req.stack, configOverrides: req.from, cache: req.cache });
    const after = await planStack({ dir: req.dir, stack: req.stack, configOverrides: req.to, engine: { priorResources: before.resources }, cache: req.cache });
    return diffPlans(before, after, req.allowRetire);
}

/**
 * Diffs two plans of one stack, checks data safety and what `pulumi up` would refuse. The
 * resources named in `allowRetire` count as unprotected in the state (the runbook does that).
 */
export function diffPlans(before: StackPlan, after: StackPlan, allowRetire?: string[]): PlannedChange {
    const changes = diffResources(before.resources, after.resources, { region: after.region });
    return {
        before, after, changes,
        unsafe: checkDataSafety(changes, { allowRetire }),
        refused: refusals(changes, before.resources, after.resources, { unprotected: allowRetire }),
    };
}
export { controlPlaneOf } from "./controlPlanes";
export type { ControlPlane, ControlPlaneKind, StackRegions } from "./controlPlanes";
export { stackRegions, staticStabilityProblems } from "./staticStability";
export type { StaticStabilityProblem } from "./staticStability";
