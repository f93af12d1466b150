// Plans of this repository's stacks, memoized for the whole mocha process (./quietPlan.ts).
import * as path from "path";
import type { PlanRequest, StackPlan } from "../../ops/offline/planner";
import { quietPlan } from "./quietPlan";

/** The repository: the Pulumi project the plans are of. */
export const ROOT = path.join(__dirname, "..", "..");

/** A plan of this project's stack. */
export function memoPlan(req: Omit<PlanRequest, "dir" | "cache">): Promise<StackPlan> {
    return quietPlan({ dir: ROOT, ...req });
}
