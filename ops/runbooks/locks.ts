// What an operator must do when `pulumi up` cannot start or was cut short: a stack locked by
// another (or a killed) update, and resources left with pending operations by an interrupted
// one. The Automation API classifies the lock itself (ConcurrentUpdateError, from the CLI's
// "[409] Conflict: Another update is currently in progress." on Pulumi Cloud and "the stack is
// currently locked by" on an S3/file backend: @pulumi/pulumi 3.248.0 automation/errors.js); the
// recovery is Pulumi's own, https://www.pulumi.com/docs/iac/operations/troubleshooting/interrupted-updates/
// (`pulumi refresh` clears pending operations; pending CREATEs need `--clear-pending-creates` or
// `--import-pending-creates`, https://www.pulumi.com/docs/cli/commands/pulumi_refresh/).
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";

/** The CLI's texts for a held lock, as the Automation API matches them. */
const LOCK_TEXTS = ["[409] Conflict: Another update is currently in progress.", "the stack is currently locked by"];

/** The engine's warning on an update that starts over pending operations of an interrupted one. */
export const PENDING_OPERATIONS_TEXT = "pending operations from previous deployment";

/** True when `e` says the stack is locked by another update. */
export function isLockError(e: unknown): boolean {
    if (e instanceof ConcurrentUpdateError) return true;
    const text = `${(e as any)?.message ?? ""}\n${(e as any)?.commandResult?.stderr ?? ""}`;
    return LOCK_TEXTS.some((t) => text.includes(t));
}

/** The recovery of a held lock, step by step, for `stack`. */
export function lockRecovery(stack: string): string {
    return `stack ${stack} is locked by another update. If another pulumi (or another runbook) is running on it, wait for it to end. `
        + `If none is (an earlier run was killed or lost its network), the lock is stale: `
        + `1) \`pulumi cancel --stack ${stack} --yes\` removes it; `
        + `2) \`pulumi stack export --stack ${stack} | grep -c pending_operations\` shows whether the killed update left pending operations; `
        + `3) if it did, check those resources in the AWS console, then \`pulumi refresh --stack ${stack} --yes\` (add \`--clear-pending-creates\` `
        + `for creates that did not happen, or \`--import-pending-creates <urn> <id>\` for ones that did); `
        + `4) re-run this runbook: it resumes`;
}

/** The recovery after `up` was interrupted (Ctrl-C, or the process killed) on `stack`. */
export function interruptedRecovery(stack: string): string {
    return `the update of ${stack} was interrupted: the CLI was sent an interrupt and stops after the operations in flight; `
        + `if it was killed instead, its lock stays. Before re-running: ${lockRecovery(stack).replace(/^stack \S+ is locked by another update\. /, "")}`;
}

/** `e` explained for the operator when it is a lock error; otherwise `e` unchanged. */
export function explainPulumiError(stack: string, e: unknown): unknown {
    if (!isLockError(e)) return e;
    return new Error(lockRecovery(stack));
}
