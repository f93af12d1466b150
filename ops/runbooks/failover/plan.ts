// The failover's offline plans (ops/diff), loaded lazily: the planner pulls in the whole offline
// engine, which only --dry-run and the promote step's plan need.
import type { PlanChangeRequest } from "../../diff";
import { KEYS, lastSegment } from "./stacks";

/** The arguments of `planChange` in ops/diff: config overrides are fully qualified keys. */
export type PlanRequest = PlanChangeRequest;

/** An offline plan: the resource changes, the data-safety problems, and the changes rendered for a terminal. */
export interface OfflinePlan {
    changes: unknown[];
    unsafe: string[];
    text: string;
}

/** Computes an offline plan. Injected in tests; `offlinePlan` is the real one. */
export type OfflinePlanner = (request: PlanRequest) => Promise<OfflinePlan>;

/** The real planner: `planChange` and `renderChanges` from ops/diff, without any cloud or Pulumi CLI call. */
export const offlinePlan: OfflinePlanner = async (request) => {
    const diff = await import("../../diff");
    const result = await diff.planChange(request);
    // What `pulumi up` would refuse stops a runbook step the same way as a data-safety problem.
    const refused = result.refused.map((r) => `pulumi up would refuse: ${r}`);
    return { changes: result.changes, unsafe: [...result.unsafe, ...refused], text: diff.renderChanges(result.changes) };
};

/** The config change a failover makes on dr, as planChange overrides. */
export function promotionRequest(dir: string, drStack: string): PlanRequest {
    // The offline planner reads Pulumi.<stack>.yaml, named by the last segment of org/project/stack.
    return { dir, stack: lastSegment(drStack), from: { [KEYS.promote]: "false" }, to: { [KEYS.promote]: "true" } };
}

/** The plan shown before the promote step asks; an unsafe plan stops the step. */
export async function promotePlan(planner: OfflinePlanner, dir: string, drName: string): Promise<string> {
    let plan: OfflinePlan;
    try {
        plan = await planner(promotionRequest(dir, drName));
    } catch (e: any) {
        // A planner bug must not block a failover in a real disaster: say so and let the operator decide.
        return `offline plan unavailable (${e?.message ?? e}); \`pulumi up\` on ${drName} will show the real changes`;
    }
    if (plan.unsafe.length) {
        throw new Error(`the offline plan of promote false→true on ${drName} is unsafe, not promoting: ${plan.unsafe.join("; ")}`);
    }
    return `Offline plan of ${KEYS.promote} false→true on ${drName}:\n${plan.text}`;
}

