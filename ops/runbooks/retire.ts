// Retiring one database generation without losing it. When a stack moves to the next
// `pilot-light:databaseGeneration`, the previous RDS instance leaves the program; the Database
// component gives it `retainOnDelete` (Pulumi forgets it, AWS keeps it) and `protect` (Pulumi
// refuses the update until someone deliberately lets go of exactly that instance). This module
// is that deliberate step: take a manual snapshot, wait for it, and flip `protect` off on that
// one resource in the state checkpoint. It never deletes a database: deleting stays a separate,
// human decision, and `retiredDatabaseNotice` prints the command for it.
import {
    CreateDBSnapshotCommand, DBSnapshot, DescribeDBSnapshotsCommand, RDSClient,
} from "@aws-sdk/client-rds";
import { awsClient } from "./clients";
import { awsErrorName, describeAwsError } from "./aws";
import { pollUntil, StepContext, waiting } from "./runner";
import { StackOps } from "./workspace";

/** The Pulumi type token of an RDS instance, as it appears in a checkpoint. */
export const RDS_INSTANCE_TYPE = "aws:rds/instance:Instance";

/** How long a retire snapshot may take before the runbook gives up. Defaults below. */
export interface SnapshotWaitOptions {
    /** Give up after this long. Defaults to 6 hours: snapshot time grows with the changed data since the last one. */
    timeoutMs?: number;
    /** Poll DescribeDBSnapshots this often. Defaults to 30 seconds. */
    intervalMs?: number;
}

/** What to snapshot. */
export interface RetireTarget {
    /** The region the instance lives in. */
    region: string;
    /** The RDS DB instance identifier, e.g. `pilot-light-prod` or `pilot-light-prod-g2`. */
    identifier: string;
}

/**
 * The snapshot name for retiring `identifier` at `at`: `<identifier>-retire-<yyyymmddhhmm>` in
 * UTC. At most 63 + 20 characters, within the 255 RDS allows; letters, digits and single
 * hyphens like the identifier itself.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSnapshot.html
 */
export function retireSnapshotName(identifier: string, at: number | Date): string {
    const d = new Date(at);
    if (Number.isNaN(d.getTime())) {
        throw new Error(`retire snapshot time ${String(at)} is not a valid date; expected milliseconds since the epoch or a Date`);
    }
    const stamp = d.toISOString().slice(0, 16).replace(/[-T:]/g, "");
    return `${identifier}-retire-${stamp}`;
}

const FAILED_SNAPSHOT_STATES = new Set(["failed", "error", "incompatible-restore", "deleting", "deleted"]);

async function describeSnapshot(rds: RDSClient, target: RetireTarget, snapshotId: string): Promise<DBSnapshot | undefined> {
    try {
        const out = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId }));
        return out.DBSnapshots?.[0];
    } catch (e) {
        if (awsErrorName(e) === "DBSnapshotNotFoundFault" || awsErrorName(e) === "DBSnapshotNotFound") return undefined;
        throw new Error(`cannot describe snapshot ${snapshotId} of ${target.identifier} in ${target.region}: ${describeAwsError(e)}`);
    }
}

/** A retire snapshot of this instance that is still being taken (from an interrupted earlier run), if any. */
async function snapshotInProgress(rds: RDSClient, target: RetireTarget): Promise<string | undefined> {
    let marker: string | undefined;
    do {
        const out = await rds.send(new DescribeDBSnapshotsCommand({
            DBInstanceIdentifier: target.identifier, SnapshotType: "manual", Marker: marker,
        }));
        const creating = (out.DBSnapshots ?? []).find((s) =>
            s.DBSnapshotIdentifier?.startsWith(`${target.identifier}-retire-`) && s.Status === "creating");
        if (creating) return creating.DBSnapshotIdentifier;
        marker = out.Marker;
    } while (marker);
    return undefined;
}

/**
 * Takes a manual snapshot `<identifier>-retire-<yyyymmddhhmm>` and waits until it is
 * `available`, reporting PercentProgress. A retire snapshot of the same instance that is still
 * `creating` (the runbook was interrupted while waiting) is waited for instead of starting a
 * second one. Returns the snapshot identifier. Throws, naming the snapshot, when RDS refuses or
 * the snapshot ends in a failed state.
 */
export async function snapshotForRetire(ctx: StepContext, target: RetireTarget, opts: SnapshotWaitOptions = {}): Promise<string> {
    const rds = awsClient(RDSClient, target.region);
    let snapshotId = await snapshotInProgress(rds, target);
    if (snapshotId) {
        ctx.progress(`snapshot ${snapshotId} of ${target.identifier} is already being taken (an earlier run); waiting for it`);
    } else {
        snapshotId = retireSnapshotName(target.identifier, ctx.io.now());
        try {
            await rds.send(new CreateDBSnapshotCommand({
                DBInstanceIdentifier: target.identifier,
                DBSnapshotIdentifier: snapshotId,
                Tags: [{ Key: "pilot-light:purpose", Value: "retire" }],
            }));
            ctx.progress(`snapshot ${snapshotId} of ${target.identifier} started`);
        } catch (e) {
            // Same name means a run earlier in this same minute already started it: wait for that one.
            if (awsErrorName(e) !== "DBSnapshotAlreadyExistsFault" && awsErrorName(e) !== "DBSnapshotAlreadyExists") {
                throw new Error(`cannot snapshot ${target.identifier} in ${target.region} as ${snapshotId}: ${describeAwsError(e)}`
                    + (awsErrorName(e) === "InvalidDBInstanceStateFault"
                        ? `; RDS snapshots only an "available" instance: wait until it is, then resume this step` : ""));
            }
        }
    }
    const id = snapshotId;
    await pollUntil(ctx, `snapshot ${id} to become available`, async () => {
        const snap = await describeSnapshot(rds, target, id);
        if (!snap) {
            throw new Error(`snapshot ${id} of ${target.identifier} disappeared in ${target.region} while being taken; `
                + `someone deleted it, take it again by resuming this step`);
        }
        if (snap.Status === "available") return snap;
        if (snap.Status && FAILED_SNAPSHOT_STATES.has(snap.Status)) {
            throw new Error(`snapshot ${id} of ${target.identifier} in ${target.region} is "${snap.Status}", expected "available"; `
                + `the instance was not retired; check the RDS events of the instance and resume this step`);
        }
        ctx.progress(`snapshot ${id}: ${snap.Status ?? "unknown"}, ${snap.PercentProgress ?? 0}%`);
        return waiting();
    }, { timeoutMs: opts.timeoutMs ?? 6 * 3600_000, intervalMs: opts.intervalMs ?? 30_000 });
    return id;
}

/** The checkpoint's resource list, from `pulumi stack export` output or a bare deployment. */
function checkpointResources(state: any): any[] {
    const resources = state?.deployment?.resources ?? state?.resources;
    if (!Array.isArray(resources)) {
        throw new Error(`the exported stack state has no deployment.resources list (got keys ${Object.keys(state ?? {}).join(", ") || "none"}); `
            + `expected the output of \`pulumi stack export\` (version 3)`);
    }
    return resources;
}

/**
 * The URN of the RDS instance whose `identifier` output is `identifier` in the exported
 * checkpoint. Throws when there is no such resource or more than one: unprotecting the wrong
 * database, or several, is exactly what this step exists to prevent.
 */
export function findInstanceUrn(state: any, identifier: string, stackName = "the stack"): string {
    return findInstance(state, identifier, stackName).urn;
}

/** Whether the one RDS instance with `identifier` is protected in the checkpoint (same refusals as `findInstanceUrn`). */
export function isInstanceProtected(state: any, identifier: string, stackName = "the stack"): boolean {
    return findInstance(state, identifier, stackName).protect === true;
}

function findInstance(state: any, identifier: string, stackName: string): any {
    const matches = checkpointResources(state)
        .filter((r) => r?.type === RDS_INSTANCE_TYPE && r?.outputs?.identifier === identifier);
    if (matches.length === 0) {
        const known = checkpointResources(state).filter((r) => r?.type === RDS_INSTANCE_TYPE)
            .map((r) => String(r?.outputs?.identifier ?? "(no identifier)"));
        throw new Error(`no ${RDS_INSTANCE_TYPE} with identifier "${identifier}" in the state of ${stackName}; `
            + `RDS instances there: ${known.join(", ") || "none"}. If an earlier run already retired it, the update that `
            + `dropped it from state has run: resume from the next step`);
    }
    if (matches.length > 1) {
        throw new Error(`${matches.length} ${RDS_INSTANCE_TYPE} resources have identifier "${identifier}" in the state of ${stackName} `
            + `(${matches.map((m) => m.urn).join(", ")}); exactly one is allowed, so nothing was unprotected. `
            + `Inspect the state with \`pulumi stack export\` and remove the stale entry by hand`);
    }
    return matches[0];
}

/** The logical resource name at the end of a URN (`…::database-mysql-g2` → `database-mysql-g2`). */
export function logicalName(urn: string): string {
    const i = urn.lastIndexOf("::");
    return i < 0 ? urn : urn.slice(i + 2);
}

/** The result of `unprotectInstance`. */
export interface UnprotectResult {
    urn: string;
    /** False when the resource was already unprotected (an earlier run got this far). */
    changed: boolean;
}

/**
 * Sets `protect: false` on exactly the one RDS instance with `identifier` in the stack's
 * checkpoint (exportState → edit → importState) and checks the result by exporting again.
 * Nothing else in the checkpoint changes. Idempotent: an already unprotected instance is left
 * alone. The update that follows removes it from state; `retainOnDelete` keeps it in AWS.
 */
export async function unprotectInstance(stack: StackOps, identifier: string): Promise<UnprotectResult> {
    const state = await stack.exportState();
    const urn = findInstanceUrn(state, identifier, `stack ${stack.name}`);
    const edited = structuredClone(state);
    const resource = checkpointResources(edited).find((r) => r.urn === urn);
    if (resource.protect !== true) return { urn, changed: false };
    resource.protect = false;
    await stack.importState(edited);
    const after = checkpointResources(await stack.exportState()).find((r) => r?.urn === urn);
    if (after?.protect === true) {
        throw new Error(`importing the edited state of ${stack.name} did not unprotect ${urn} (protect is still true); `
            + `run \`pulumi state unprotect '${urn}' --stack ${stack.name}\` by hand and resume`);
    }
    return { urn, changed: true };
}

/** What `retireDatabase` did. */
export interface RetireResult extends UnprotectResult {
    snapshotId: string;
}

/**
 * Retires one database generation: snapshot (waiting until available), then unprotect its
 * URN. Never calls DeleteDBInstance. The next `up` drops it from state and AWS keeps it.
 */
export async function retireDatabase(ctx: StepContext, stack: StackOps, target: RetireTarget,
    opts: SnapshotWaitOptions = {}): Promise<RetireResult> {
    // Find the URN first: a refusal (zero or several matches) should come before an hour-long snapshot.
    findInstanceUrn(await stack.exportState(), target.identifier, `stack ${stack.name}`);
    const snapshotId = await snapshotForRetire(ctx, target, opts);
    const unprotected = await unprotectInstance(stack, target.identifier);
    ctx.progress(`${unprotected.urn} ${unprotected.changed ? "unprotected" : "was already unprotected"}`);
    return { snapshotId, ...unprotected };
}

/**
 * What to tell the operator once the update has dropped a retired instance from state: it still
 * runs (and costs money), its snapshot, how to stop it, and the exact commands to delete it
 * later with a final snapshot. `snapshotId` is the retire snapshot when this run took it. Deletion protection is on (the Database component sets it), so
 * deleting needs it turned off first.
 */
export function retiredDatabaseNotice(target: RetireTarget, snapshotId: string | undefined, at: number | Date): string {
    const { region, identifier } = target;
    const final = `${identifier}-final-${retireSnapshotName("x", at).slice("x-retire-".length)}`;
    return [
        `${identifier} in ${region} is no longer managed by Pulumi, but it still exists and is billed. `
            + (snapshotId ? `Snapshot: ${snapshotId}.` : `Its retire snapshots: aws rds describe-db-snapshots --region ${region} --db-instance-identifier ${identifier} --snapshot-type manual`),
        `To stop paying for compute now (storage is still billed; RDS starts a stopped instance again after 7 days):`,
        `  aws rds stop-db-instance --region ${region} --db-instance-identifier ${identifier}`,
        `To delete it once you no longer need it (keeps a final snapshot and the automated backups):`,
        `  aws rds modify-db-instance --region ${region} --db-instance-identifier ${identifier} --no-deletion-protection --apply-immediately`,
        `  aws rds delete-db-instance --region ${region} --db-instance-identifier ${identifier} --final-db-snapshot-identifier ${final} --no-delete-automated-backups`,
    ].join("\n");
}
