// Plans a stack with the program's info lines dropped: they would clutter the test output.
import { withProgramLogs } from "../../ops/offline/console";
import { planStack, StackPlan } from "../../ops/offline/planner";

export function quietPlan(req: Parameters<typeof planStack>[0]): Promise<StackPlan> {
    return withProgramLogs("silent", () => planStack(req));
}
