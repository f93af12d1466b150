// What the runbooks do around a `pulumi up` that changes data: the offline diff shown before it
// (ops/diff through the failover's planner) and refused when unsafe, the up itself with every
// engine line as progress, and a one-line account of its changes. Shared by failback and drill.
import { describeAwsError } from "./aws";
import { offlinePlan, OfflinePlanner, PlanRequest } from "./failover";
import { StepContext } from "./runner";
import { StackOps, UpOutcome } from "./workspace";

/** The result of `diffText`: what to show, and the data-safety problems that must stop the step. */
export interface DiffSummary {
    text: string;
    unsafe: string[];
}

/**
 * Runs the offline diff (ops/diff through the failover module's planner) and renders it. A
 * diff that cannot be computed is shown as a warning rather than stopping the runbook: it is a
 * safety net on top of the data steps' own checks of the real state, and a planner bug must
 * not block a failback.
 */
export async function diffText(planner: OfflinePlanner | undefined, request: PlanRequest): Promise<DiffSummary> {
    const change = Object.keys(request.to).filter((k) => request.from[k] !== request.to[k])
        .map((k) => `${k}: ${request.from[k] ?? "(unset)"} → ${request.to[k]}`).join(", ");
    try {
        const plan = await (planner ?? offlinePlan)(request);
        return {
            text: [`offline diff of ${request.stack} (${change}):`, plan.text, ...plan.unsafe.map((u) => `UNSAFE: ${u}`)].join("\n"),
            unsafe: plan.unsafe,
        };
    } catch (e) {
        return { text: `offline diff of ${request.stack} (${change}) unavailable: ${describeAwsError(e)}`, unsafe: [] };
    }
}

/** Throws when the diff found data-safety problems, so the step changes nothing. */
export function refuseUnsafe(step: string, summary: DiffSummary | undefined): void {
    if (summary && summary.unsafe.length > 0) {
        throw new Error(`${step}: the offline diff reports ${summary.unsafe.length} data-safety problem(s), so nothing was changed: `
            + `${summary.unsafe.join("; ")}. Check the stack's config and program; a retire is allowed only for the instance this step retires`);
    }
}

/** `pulumi up` on the stack with every engine line shown as progress; returns the outcome. */
export async function upWithProgress(ctx: StepContext, stack: StackOps): Promise<UpOutcome> {
    const outcome = await stack.up((line) => ctx.progress(`${stack.name}: ${line}`));
    return outcome;
}

/** "create 3, update 1" from an up's counts, leaving out unchanged resources. */
export function describeChanges(changes: Record<string, number>): string {
    const parts = Object.entries(changes).filter(([op, n]) => op !== "same" && n > 0).map(([op, n]) => `${op} ${n}`);
    return parts.length ? parts.join(", ") : "no changes";
}
