// What an operator must do when `pulumi up` cannot start or was cut short: a stack locked by
// another (or a killed) update, and resources left with pending operations by an interrupted
// one. The texts are the CLI's own, read in pulumi/pulumi at 1b5949891b3c (2026-08-21):
// - a Pulumi Cloud backend answers "[409] Conflict: Another update is currently in progress.";
// - an S3/file (diy) backend says "the stack is currently locked by N lock(s). Either wait for the
//   other process(es) to end or delete the lock file with `pulumi cancel`." followed by one line
//   per lock file (pkg/backend/diy/lock.go, checkForLock);
// - the Automation API turns either into a ConcurrentUpdateError by those two texts
//   (sdk/nodejs/automation/errors.ts, createCommandError: conflictText, diyBackendConflictText);
// - an update that starts over an interrupted one's leftovers warns "Attempting to deploy or
//   update resources with N pending operations from previous deployment." and says to confirm
//   them in the provider's console and run `pulumi refresh`, interactively for pending CREATEs
//   (pkg/resource/deploy/deployment_executor.go).
// The recovery is Pulumi's own, https://www.pulumi.com/docs/iac/operations/troubleshooting/interrupted-updates/
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
