// Lock and interruption errors as the Pulumi CLI words them (pulumi/pulumi at 1b5949891b3c:
// pkg/backend/diy/lock.go for the S3/file backend, sdk/nodejs/automation/errors.ts for the
// Cloud's 409 and the Automation API's classification, pkg/resource/deploy/deployment_executor.go
// for the pending-operations warning), turned into the runbooks' recovery text.
import { strict as assert } from "assert";
import { CommandError, ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { explainPulumiError, interruptedRecovery, isLockError, lockRecovery } from "../../ops/runbooks/locks";
import { engineLines } from "../../ops/runbooks/workspace";

// The Automation API's own classifier and result type (exported at runtime, marked internal).
const { createCommandError } = require("@pulumi/pulumi/automation/errors");
const { CommandResult } = require("@pulumi/pulumi/automation/cmd");

/** The CLI's stderr for a stack locked on an S3 backend (lock.go's format, one lock). */
const DIY_LOCKED = "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file "
    + "with `pulumi cancel`.\n  s3://pl-state/.pulumi/locks/organization/pilot-light/dr/6b1c.json: created by ops@bastion (pid 4242) at 2026-12-07T03:00:00Z";
/** The CLI's stderr when Pulumi Cloud refuses a second update. */
const CLOUD_LOCKED = "error: [409] Conflict: Another update is currently in progress.";

const RECOVERY = "stack dr is locked by another update. If another pulumi (or another runbook) is running on it, wait for it to end. "
    + "If none is (an earlier run was killed or lost its network), the lock is stale: "
    + "1) `pulumi cancel --stack dr --yes` removes it; "
    + "2) `pulumi stack export --stack dr | grep -c pending_operations` shows whether the killed update left pending operations; "
    + "3) if it did, check those resources in the AWS console, then `pulumi refresh --stack dr --yes` (add `--clear-pending-creates` "
    + "for creates that did not happen, or `--import-pending-creates <urn> <id>` for ones that did); "
    + "4) re-run this runbook: it resumes";

const failed = (stderr: string) => createCommandError(new CommandResult("", stderr, 255));

describe("runbooks: locks and interrupted updates", () => {
    it("the Automation API classifies both CLI texts as a ConcurrentUpdateError, and so do the runbooks", () => {
        for (const stderr of [DIY_LOCKED, CLOUD_LOCKED]) {
            const e = failed(stderr);
            assert.ok(e instanceof ConcurrentUpdateError, stderr);
            assert.equal(isLockError(e), true);
        }
        // Text alone (an error that was wrapped on the way) is recognised too.
        assert.equal(isLockError(new Error(`update failed: ${CLOUD_LOCKED}`)), true);
        assert.equal(isLockError(failed("error: resource 'database-mysql' is protected")), false);
        assert.ok(failed("error: x") instanceof CommandError);
    });

    it("a held lock (Cloud or S3) becomes the exact recovery, naming the stack", () => {
        assert.equal(lockRecovery("dr"), RECOVERY);
        for (const stderr of [DIY_LOCKED, CLOUD_LOCKED]) {
            const explained = explainPulumiError("dr", failed(stderr)) as Error;
            assert.equal(explained.message, RECOVERY);
        }
    });

    it("any other error passes through unchanged", () => {
        const other = failed("error: creating ALB: AccessDenied");
        assert.equal(explainPulumiError("dr", other), other);
        const plain = new Error("boom");
        assert.equal(explainPulumiError("dr", plain), plain);
    });

    it("an interrupted update: what happened, then the stale-lock recovery without its first sentence", () => {
        assert.equal(interruptedRecovery("dr"), "the update of dr was interrupted: the CLI was sent an interrupt and stops after the "
            + "operations in flight; if it was killed instead, its lock stays. Before re-running: "
            + RECOVERY.replace("stack dr is locked by another update. ", ""));
    });

    it("the engine's pending-operations warning adds one note to the up's output, once", () => {
        const seen: string[] = [];
        const feed = engineLines("dr", (l) => seen.push(l));
        feed("Updating (dr)\nwarning: Attempting to deploy or update resources with 1 pending operations from previous deployment.\n");
        feed("  * urn:pulumi:dr::pilot-light::aws:rds/instance:Instance::database-mysql, interrupted while creating\n"
            + "warning: Attempting to deploy or update resources with 1 pending operations from previous deployment.\n");
        assert.deepEqual(seen, [
            "Updating (dr)",
            "warning: Attempting to deploy or update resources with 1 pending operations from previous deployment.",
            "NOTE: dr has pending operations from an interrupted update; once this run ends, check them and run `pulumi refresh --stack dr` "
                + "(docs/runbooks/failover.md, \"Locks and interruptions\")",
            "  * urn:pulumi:dr::pilot-light::aws:rds/instance:Instance::database-mysql, interrupted while creating",
            "warning: Attempting to deploy or update resources with 1 pending operations from previous deployment.",
        ]);
    });
});
