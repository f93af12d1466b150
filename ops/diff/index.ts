// The offline diff: what changes between two configurations of one stack, and whether any of
// it could lose data. Used by `npm run plan -- --promote/--set` and by every runbook's --dry-run.
import { planStack, StackPlan } from "../offline/planner";
import { checkDataSafety, diffResources, ResourceChange } from "./diff";

export * from "./diff";
export { DATA_TYPES, FORCE_NEW, FORCE_NEW_EVERYWHERE } from "./forceNew";

export interface PlanChangeRequest {
    /** The folder holding Pulumi.yaml. */
    dir: string;
    stack: string;
    /** Config overrides (fully qualified keys) of the configuration the stack is in now. */
    from: Record<string, string>;
    /** Config overrides of the configuration to go to. */
    to: Record<string, string>;
    /** Logical names of retained data resources whose delete is an intended retirement. */
    allowRetire?: string[];
}

export interface PlannedChange {
    before: StackPlan;
    after: StackPlan;
    changes: ResourceChange[];
    /** Data-safety problems (checkDataSafety); empty when safe. */
    unsafe: string[];
}

/**
 * Plans the stack in both configurations offline and diffs them. Touches nothing. The second
 * plan starts from the first one's state, as `pulumi up` would (a stashed value keeps its output).
 */
export async function planChange(req: PlanChangeRequest): Promise<PlannedChange> {
    const before = await planStack({ dir: req.dir, stack: req.stack, configOverrides: req.from });
    const after = await planStack({ dir: req.dir, stack: req.stack, configOverrides: req.to, engine: { priorResources: before.resources } });
    return diffPlans(before, after, req.allowRetire);
}

/** Diffs two plans of one stack and checks data safety. */
export function diffPlans(before: StackPlan, after: StackPlan, allowRetire?: string[]): PlannedChange {
    const changes = diffResources(before.resources, after.resources);
    return { before, after, changes, unsafe: checkDataSafety(changes, { allowRetire }) };
}
