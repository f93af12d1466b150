// Retiring an old database generation's automated-backups replication into dr. dr replicates
// prod's automated backups into its region (components/database/backupReplication.ts), keyed by
// prod's database generation: after a failback prod runs generation k, whose replication is
// created beside generation k−1's, and Pulumi forgets the old one without stopping it
// (retainOnDelete). The old generation's instance is retired but still runs, so its snapshots and
// logs keep being copied into dr and billed. This module finds those replications and stops them.
//
// Data safety: stopping is not deleting. "Replicated backups are retained, subject to the backup
// retention period set when they were created" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/AutomatedBackups.StopReplicating.html):
// every copy already in dr stays restorable until it ages out of its window. Nothing here calls
// DeleteDBInstanceAutomatedBackup; deleting copies early stays a human decision (the notice
// prints the command). And nothing is stopped unless the current generation's replication is
// `replicating`, so dr is never left without a live recovery source for prod's current database.
import {
    DBInstanceAutomatedBackup, DescribeDBInstanceAutomatedBackupsCommand, RDSClient, StopDBInstanceAutomatedBackupsReplicationCommand,
} from "@aws-sdk/client-rds";
import { databaseIdentifierBase } from "../../components/database/naming";
import { currencyOf, currencySign, priceFigure, regionPrices } from "../report/prices";
import { awsErrorName, describeAwsError } from "./aws";
import { awsClient } from "./clients";

/** A page limit for DescribeDBInstanceAutomatedBackups: an account's region holds far fewer automated backups than 50 × 100. */
const MAX_PAGES = 50;

/** One replicated automated backup in the destination region, as this module needs it. */
export interface ReplicatedBackup {
    /** Its `DBInstanceAutomatedBackupsArn` in the destination region. */
    arn: string;
    /** The source instance's ARN, identifier and region. */
    sourceArn: string;
    sourceIdentifier: string;
    sourceRegion: string;
    /** `replicating`, `pending`, `retained`, … */
    status: string;
    /** Days the copies are kept (BackupRetentionPeriod). */
    retentionDays: number;
    /** The source's allocated storage in GiB: a full copy of it is the least the replicated backups hold. */
    allocatedGb: number;
    /** The restorable window of the copies so far (ISO times), when RDS reports it. */
    earliest?: string;
    latest?: string;
}

function toReplicated(b: DBInstanceAutomatedBackup): ReplicatedBackup | undefined {
    if (!b.DBInstanceAutomatedBackupsArn || !b.DBInstanceArn || !b.DBInstanceIdentifier || !b.Region) return undefined;
    return {
        arn: b.DBInstanceAutomatedBackupsArn, sourceArn: b.DBInstanceArn, sourceIdentifier: b.DBInstanceIdentifier, sourceRegion: b.Region,
        status: b.Status ?? "unknown", retentionDays: b.BackupRetentionPeriod ?? 0, allocatedGb: b.AllocatedStorage ?? 0,
        earliest: b.RestoreWindow?.EarliestTime ? new Date(b.RestoreWindow.EarliestTime).toISOString() : undefined,
        latest: b.RestoreWindow?.LatestTime ? new Date(b.RestoreWindow.LatestTime).toISOString() : undefined,
    };
}

/**
 * Every automated backup in `destRegion` that was replicated from `sourceRegion` (those of the
 * destination's own instances have Region = destRegion and are left out). Read-only.
 */
export async function listReplicatedBackups(destRegion: string, sourceRegion: string): Promise<ReplicatedBackup[]> {
    const rds = awsClient(RDSClient, destRegion);
    const found: ReplicatedBackup[] = [];
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
        let out;
        try {
            out = await rds.send(new DescribeDBInstanceAutomatedBackupsCommand({ Marker: marker, MaxRecords: 100 }));
        } catch (e) {
            throw new Error(`cannot list the automated backups in ${destRegion}: ${describeAwsError(e)}`);
        }
        for (const b of out?.DBInstanceAutomatedBackups ?? []) {
            const r = toReplicated(b);
            if (r && r.sourceRegion === sourceRegion) found.push(r);
        }
        marker = out?.Marker;
        if (!marker) return found;
    }
    throw new Error(`more than ${MAX_PAGES} pages of automated backups in ${destRegion}; stopped listing. Inspect them with `
        + `\`aws rds describe-db-instance-automated-backups --region ${destRegion}\``);
}

/** What to do with the replications of prod's previous generations, decided from the listing. Pure. */
export interface RetirePlan {
    /** The current generation's replication, or undefined when dr has none yet. */
    current?: ReplicatedBackup;
    /** Previous generations of the same database still replicating: what retiring stops. */
    toStop: ReplicatedBackup[];
    /** Previous generations already stopped (retained copies): left alone. */
    stopped: ReplicatedBackup[];
}

/**
 * Sorts the replicated backups by the current source `currentArn`: the current generation's, and
 * the previous generations of the same database (the same identifier base, components/database/naming.ts).
 * Replications of any other database are never touched.
 */
export function planBackupRetirement(backups: readonly ReplicatedBackup[], currentArn: string, currentIdentifier: string): RetirePlan {
    const base = databaseIdentifierBase(currentIdentifier);
    const older = backups.filter((b) => b.sourceArn !== currentArn && b.sourceIdentifier !== currentIdentifier
        && databaseIdentifierBase(b.sourceIdentifier) === base);
    return {
        current: backups.find((b) => b.sourceArn === currentArn),
        toStop: older.filter((b) => b.status === "replicating" || b.status === "pending"),
        stopped: older.filter((b) => b.status !== "replicating" && b.status !== "pending"),
    };
}

/**
 * Why retiring must not proceed, or undefined: the current generation's replication must be
 * `replicating` first, so dr keeps a live point-in-time source for prod's current database.
 */
export function retireRefusal(plan: RetirePlan, currentIdentifier: string, destRegion: string): string | undefined {
    if (plan.toStop.length === 0) return undefined;
    if (plan.current?.status === "replicating") return undefined;
    return `${currentIdentifier}'s automated backups are ${plan.current ? `"${plan.current.status}"` : "not replicated"} in ${destRegion}, `
        + `so the old generation's replication (${plan.toStop.map((b) => b.sourceIdentifier).join(", ")}) is kept: it is not stopped until `
        + `the current generation's is "replicating" (its first backups are copied after prod's next backup). Check with `
        + `\`aws rds describe-db-instance-automated-backups --region ${destRegion}\` and resume with --from-step 6`;
}

/**
 * What keeping a replication running costs per month, as a floor: a full copy of the source's
 * allocated storage in dr at RDS backup storage's rate (every daily snapshot and log after that,
 * and their cross-region transfer, comes on top). Undefined when the price table lacks the rate.
 */
export function keptMonthlyFloor(b: ReplicatedBackup, destRegion: string): { amount: number; text: string } | undefined {
    const rate = priceFigure(regionPrices(destRegion), { field: "rdsBackupGbMonth" });
    if (!rate) return undefined;
    const amount = b.allocatedGb * rate.value;
    const sign = currencySign(currencyOf(destRegion));
    return { amount, text: `at least ${b.allocatedGb} GB × ${sign}${rate.value}/GB-month = ${sign}${amount.toFixed(2)} per month in ${destRegion} `
        + `(RDS backup storage, ${rate.source}), plus the cross-region transfer of every new snapshot increment and log` };
}

/** The line that says a replication is left running, and what it keeps costing. */
export function keptNotice(b: ReplicatedBackup, destRegion: string): string {
    const cost = keptMonthlyFloor(b, destRegion);
    return `${b.sourceIdentifier} (${b.sourceRegion}) keeps replicating its automated backups into ${destRegion} (${b.arn}): `
        + (cost ? cost.text : `billed as RDS backup storage of at least ${b.allocatedGb} GB (no ${destRegion} rate in ops/report/priceTable.json)`)
        + `, for as long as the retired instance runs. Stop it later with \`aws rds stop-db-instance-automated-backups-replication `
        + `--region ${destRegion} --source-db-instance-arn ${b.sourceArn}\` (the copies are kept to their retention).`;
}

/**
 * Stops the replication of `b` (called in the destination region, as the API requires). An
 * "already stopped" answer (InvalidDBInstanceState "not replicating to the current region", as the
 * provider treats it) or a source already gone counts as done. Never deletes a copy.
 */
export async function stopBackupsReplication(destRegion: string, b: ReplicatedBackup): Promise<"stopped" | "already-stopped"> {
    const rds = awsClient(RDSClient, destRegion);
    try {
        await rds.send(new StopDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: b.sourceArn }));
        return "stopped";
    } catch (e) {
        const name = awsErrorName(e);
        if (name === "DBInstanceNotFoundFault" || name === "DBInstanceNotFound") return "already-stopped";
        if ((name === "InvalidDBInstanceStateFault" || name === "InvalidDBInstanceState") && /not replicating/i.test(String((e as Error).message))) {
            return "already-stopped";
        }
        throw new Error(`cannot stop the replication of ${b.sourceIdentifier}'s automated backups into ${destRegion}: ${describeAwsError(e)}; `
            + `nothing was deleted, the replication runs on. Fix the cause and resume with --from-step 6`);
    }
}

/** What the operator reads once a replication is stopped: the copies stay, until when, and how to delete them early. */
export function stoppedNotice(b: ReplicatedBackup, destRegion: string, at: number): string {
    const lastExpiry = new Date(at + b.retentionDays * 86_400_000).toISOString().slice(0, 10);
    return `${b.sourceIdentifier}'s replication into ${destRegion} is stopped; its copies are kept, restorable `
        + (b.earliest && b.latest ? `from ${b.earliest} to ${b.latest}` : "within their window")
        + `, and RDS deletes them as they pass ${b.retentionDays} days (the last by about ${lastExpiry}). Until then they cost RDS backup storage `
        + `(listed on the Retained tab of dr's Automated backups). To delete them earlier, a recovery source gone: `
        + `\`aws rds delete-db-instance-automated-backup --region ${destRegion} --db-instance-automated-backups-arn ${b.arn}\`.`;
}
