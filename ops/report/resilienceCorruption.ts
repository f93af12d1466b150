// The resilience report's rows for data corruption or deletion (./resilience.ts assesses the
// rest): replication carries a `DROP TABLE`, a bad migration or a mistaken delete to dr within
// seconds, so recovery is a restore to the time before the damage, never a failover.
import type { StackPlan } from "../offline/planner";
import type { AddRow, ResilienceInput } from "./resilience";

const byType = (plan: StackPlan, type: string) => plan.resources.filter((r) => r.custom && r.type === type);

const BACKUPS_REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";

/**
 * What S3 Object Lock (pilot-light:mediaImmutability) adds: credentials that can delete versions
 * (ransomware, a mistaken lifecycle rule) still cannot delete a locked one; delete markers and new
 * versions are still allowed, so the recover runbook's restore works unchanged.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html
 */
function objectLockNote(retention: { mode?: string; days?: number } | undefined): string {
    if (!retention) {
        return "No Object Lock (mediaImmutability none): credentials allowed to delete versions can delete them before they expire.";
    }
    return `Object Lock ${retention.mode} for ${retention.days} days (mediaImmutability): no version can be deleted before its lock ends`
        + (retention.mode === "GOVERNANCE" ? " except by a principal with s3:BypassGovernanceRetention" : ", not even by the root user")
        + "; the restore's copies and delete markers are still allowed.";
}

/**
 * Data corruption or deletion (a `DROP TABLE`, a bad migration, ransomware, a mistaken delete):
 * replication carries it to dr within seconds, so recovery is a restore to the time before it.
 * Database: a point-in-time restore into a new instance (the recover runbook), from prod's own
 * automated backups, or from the copies replicated to dr when prod's region is dark; RPO is how
 * close to the present a restore reaches (the latest restorable time), the retention how far back.
 * Media: every overwrite and delete keeps the older version for the noncurrent-version retention.
 */
export function corruptionRows(input: ResilienceInput, add: AddRow, minutes: (id: string) => number): void {
    const { prod, drStandby } = input;
    const d = "data corruption or deletion";
    const db = byType(prod, "aws:rds/instance:Instance").find((r) => !r.inputs.replicateSourceDb);
    if (db) {
        const retention = Number(db.inputs.backupRetentionPeriod ?? 0);
        const replication = byType(drStandby, BACKUPS_REPLICATION)[0];
        if (retention > 0) {
            const notes = [`Restore to a time before the damage into a new instance beside the current one (npm run runbook -- recover); `
                + `prod keeps ${retention} days of automated backups (backupRetentionDays): damage found later cannot be undone.`];
            notes.push(replication
                ? `dr holds prod's automated backups replicated for ${replication.inputs.retentionPeriod} days `
                    + "(backupReplicationRetentionDays, encrypted with dr's key): the same restore works in dr while prod's region is dark."
                : "No automated backups replication in dr: with prod's region dark, nothing is restorable to a time.");
            add(d, "database", ["operator-decision", "rds-pitr-restore", "app-repoint"],
                { minutes: minutes("rds-pitr-latest-restorable"), basis: ["rds-pitr-latest-restorable"] }, notes);
        } else {
            add(d, "database", null, null, ["Not covered: prod's database keeps no automated backups (backupRetentionPeriod 0)."]);
        }
    }
    // The media bucket's own resources (components/media), not the ALB log bucket's.
    const media = (type: string) => byType(prod, type).filter((r) => r.urn.includes("pilot-light:media:MediaBucket$"));
    const versioned = media("aws:s3/bucketVersioning:BucketVersioning").some((v) => v.inputs.versioningConfiguration?.status === "Enabled");
    if (media("aws:s3/bucket:Bucket").length > 0) {
        if (versioned) {
            const lifecycle = media("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
                .flatMap((l) => l.inputs.rules ?? []).find((r: any) => r?.status === "Enabled" && r?.noncurrentVersionExpiration);
            const days = lifecycle?.noncurrentVersionExpiration?.noncurrentDays;
            add(d, "media", ["operator-decision", "s3-version-restore"], { minutes: 0, basis: [] }, [
                "Versioned: an overwrite or delete keeps the older version; the recover runbook copies back the version current at the chosen time "
                + "(or adds a delete marker), never deleting a version.",
                days !== undefined ? `Older versions expire after ${days} days (noncurrentVersionExpirationDays): damage found later cannot be undone.`
                    : "No noncurrent-version expiration: every older version is kept.",
                objectLockNote(media("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")[0]?.inputs.rule?.defaultRetention),
            ]);
        } else {
            add(d, "media", null, null, ["Not covered: prod's media bucket is not versioned; an overwrite or delete is final."]);
        }
    }
}
