// The database half of the recover runbook: where to restore from (prod's own automated backups
// while prod's region answers; dr's replicated copy of them when it does not), the restore into a
// NEW instance beside the current one, and the wait. Nothing here deletes or modifies an instance.
// RestoreDBInstanceToPointInTime takes SourceDBInstanceIdentifier, or
// SourceDBInstanceAutomatedBackupsArn for replicated backups in another region:
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBInstanceToPointInTime.html
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/automated-backups-replicating.html
import {
    DescribeDBInstanceAutomatedBackupsCommand, RDSClient, RestoreDBInstanceToPointInTimeCommand,
} from "@aws-sdk/client-rds";
import { awsErrorName, describeAwsError } from "../aws";
import { awsClient } from "../clients";
import { describeDbInstance } from "../preflight";
import { pollUntil, StepContext, waiting } from "../runner";
import { RestoreWindow } from "./window";

/** Where the restore runs and what it restores from. */
export interface RestoreSource {
    /** `prod` when prod's region answers, `dr` when it is dark. */
    side: "prod" | "dr";
    region: string;
    /** The instance the app uses now in that region; the restore goes beside it. */
    currentIdentifier: string;
    /** prod: prod's instance identifier. */
    sourceIdentifier?: string;
    /** dr: the replicated automated backups' ARN (dr's output dbBackupsReplicationArn). */
    automatedBackupsArn?: string;
    /** How the operator reads it, e.g. "prod's automated backups of pl-prod-db in us-east-1". */
    label: string;
}

/** True when prod's region answers for its database: a describe that returns (found or not). */
export async function prodAnswers(region: string, identifier: string): Promise<{ answers: boolean; why?: string }> {
    try {
        const db = await describeDbInstance(region, identifier);
        return db ? { answers: true } : { answers: false, why: `${identifier} not found in ${region}` };
    } catch (e) {
        return { answers: false, why: describeAwsError(e) };
    }
}

/** The source's restore window (DescribeDBInstanceAutomatedBackups RestoreWindow). */
export async function restoreWindow(src: RestoreSource): Promise<RestoreWindow> {
    const out = await awsClient(RDSClient, src.region).send(new DescribeDBInstanceAutomatedBackupsCommand(src.side === "prod"
        ? { DBInstanceIdentifier: src.sourceIdentifier } : { DBInstanceAutomatedBackupsArn: src.automatedBackupsArn }));
    const w = out.DBInstanceAutomatedBackups?.[0]?.RestoreWindow;
    if (!w?.EarliestTime || !w?.LatestTime) {
        throw new Error(`${src.label} has no restore window (no automated backups yet, or replication not started); nothing to restore from`);
    }
    return { earliest: new Date(w.EarliestTime), latest: new Date(w.LatestTime) };
}

/**
 * Starts the restore of `src` at `to` into `target`, in the current instance's subnet group,
 * security groups, class and parameter group, with deletion protection. An instance already named `target` (a re-run) is
 * taken as this restore's, and the wait goes on.
 */
export async function startRestore(src: RestoreSource, target: string, to: Date): Promise<string> {
    const current = await describeDbInstance(src.region, src.currentIdentifier);
    if (!current) throw new Error(`the current database ${src.currentIdentifier} is not found in ${src.region}; check the stack's dbInstanceIdentifier output`);
    try {
        await awsClient(RDSClient, src.region).send(new RestoreDBInstanceToPointInTimeCommand({
            ...(src.side === "prod" ? { SourceDBInstanceIdentifier: src.sourceIdentifier } : { SourceDBInstanceAutomatedBackupsArn: src.automatedBackupsArn }),
            TargetDBInstanceIdentifier: target,
            RestoreTime: to,
            DBSubnetGroupName: current.DBSubnetGroup?.DBSubnetGroupName,
            VpcSecurityGroupIds: (current.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!).filter(Boolean),
            DBInstanceClass: current.DBInstanceClass,
            // Without it RDS uses the engine's default parameter group (API reference, DBParameterGroupName).
            ...(current.DBParameterGroups?.[0]?.DBParameterGroupName ? { DBParameterGroupName: current.DBParameterGroups[0].DBParameterGroupName } : {}),
            PubliclyAccessible: false,
            DeletionProtection: true,
            CopyTagsToSnapshot: true,
        }));
        return `restore of ${src.label} to ${to.toISOString()} started as ${target} in ${src.region}, beside ${src.currentIdentifier}`;
    } catch (e) {
        if (awsErrorName(e) === "DBInstanceAlreadyExistsFault" || awsErrorName(e) === "DBInstanceAlreadyExists") {
            return `${target} already exists in ${src.region} (a previous run started it); waiting for it`;
        }
        throw new Error(`RestoreDBInstanceToPointInTime of ${src.label} to ${to.toISOString()} failed: ${describeAwsError(e)}`);
    }
}

/** Waits until `target` is available; returns its endpoint. */
export function waitAvailable(ctx: StepContext, region: string, target: string, timing: { timeoutMs: number; intervalMs: number }): Promise<string> {
    return pollUntil(ctx, `${target} to be available`, async () => {
        const db = await describeDbInstance(region, target);
        if (!db) return waiting("not visible yet");
        if (db.DBInstanceStatus === "failed" || db.DBInstanceStatus === "incompatible-restore") {
            throw new Error(`${target} has status "${db.DBInstanceStatus}": the restore failed; see its events in the RDS console (nothing else was changed)`);
        }
        if (db.DBInstanceStatus !== "available" || !db.Endpoint?.Address) return waiting(db.DBInstanceStatus ?? "unknown");
        return `${db.Endpoint.Address}:${db.Endpoint.Port ?? 3306}`;
    }, timing);
}
