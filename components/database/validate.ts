// Validation of the Database component's arguments, as a pure function so it can be tested
// without mocks. Every problem is collected, so one run reports all of them at once.
import { DATABASE_KINDS, type DatabaseArgs } from "./database";
import { assertValid, DB_INSTANCE_CLASS_PATTERN, isAwsRegion } from "../validate";

/** The smallest backup retention the primary and a promoted replica may have (our DR policy). */
export const MIN_BACKUP_RETENTION_DAYS = 7;
/** RDS's largest automated-backup retention. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html */
export const MAX_BACKUP_RETENTION_DAYS = 35;
/** gp3 storage limits for RDS for MySQL, in GiB. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html */
export const MIN_STORAGE_GB = 20;
export const MAX_STORAGE_GB = 65536;

// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.Constraints
// RDS stores identifiers in lower case; demanding lower case here avoids a perpetual diff.
const IDENTIFIER = /^[a-z](?:[a-z0-9]|-(?!-)){0,62}$/;

function isIntIn(v: unknown, min: number, max: number): boolean {
    return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
}

/**
 * Returns every problem with `args`, each naming the field and the bad value; empty when valid.
 * Inputs that may be Outputs (ARNs, subnet group) are only checked for presence.
 */
export function validateDatabaseArgs(args: DatabaseArgs): string[] {
    const problems: string[] = [];
    if (args === undefined || args === null) {
        return ["args are required"];
    }
    const { kind } = args;
    if (!(DATABASE_KINDS as readonly string[]).includes(kind)) {
        problems.push(`kind must be one of ${DATABASE_KINDS.map((k) => JSON.stringify(k)).join(", ")}, got ${JSON.stringify(kind)}`);
    }
    if (typeof args.identifier !== "string" || !IDENTIFIER.test(args.identifier) || args.identifier.endsWith("-")) {
        problems.push("identifier must be 1-63 lowercase letters, digits or hyphens, start with a letter, and neither"
            + ` end with a hyphen nor contain "--", got ${JSON.stringify(args.identifier)}`);
    }
    if (typeof args.instanceClass !== "string" || !DB_INSTANCE_CLASS_PATTERN.test(args.instanceClass)) {
        problems.push(`instanceClass must be an RDS instance class such as "db.t4g.medium", got ${JSON.stringify(args.instanceClass)}`);
    }
    const storageOk = isIntIn(args.allocatedStorageGb, MIN_STORAGE_GB, MAX_STORAGE_GB);
    if (!storageOk) {
        problems.push(`allocatedStorageGb must be an integer from ${MIN_STORAGE_GB} to ${MAX_STORAGE_GB}, got ${args.allocatedStorageGb}`);
    }
    if (args.maxAllocatedStorageGb !== undefined) {
        const floor = storageOk ? args.allocatedStorageGb : MIN_STORAGE_GB;
        if (!isIntIn(args.maxAllocatedStorageGb, floor, MAX_STORAGE_GB)) {
            problems.push(`maxAllocatedStorageGb must be an integer from allocatedStorageGb (${floor}) to ${MAX_STORAGE_GB},`
                + ` got ${args.maxAllocatedStorageGb}`);
        }
    }
    if (!isIntIn(args.backupRetentionDays, MIN_BACKUP_RETENTION_DAYS, MAX_BACKUP_RETENTION_DAYS)) {
        problems.push(`backupRetentionDays must be an integer from ${MIN_BACKUP_RETENTION_DAYS} to`
            + ` ${MAX_BACKUP_RETENTION_DAYS}, got ${args.backupRetentionDays}`);
    }
    if (typeof args.multiAz !== "boolean") {
        problems.push(`multiAz must be true or false, got ${JSON.stringify(args.multiAz)}`);
    }
    if (args.subnetGroupName === undefined || args.subnetGroupName === null || args.subnetGroupName === "") {
        problems.push("subnetGroupName is required");
    }
    if (!Array.isArray(args.securityGroupIds) || args.securityGroupIds.length === 0) {
        // An empty list would silently put the DB into the VPC's default security group.
        problems.push("securityGroupIds must list at least one security group");
    }
    if (args.generation !== undefined && !isIntIn(args.generation, 1, 99)) {
        problems.push(`generation must be an integer from 1 to 99, got ${JSON.stringify(args.generation)}`);
    }
    // Which fields a kind takes is settled by the type (DatabaseKind); what is left to check at
    // run time is that the required values are not empty and the numbers are in range.
    const empty = (v: unknown) => v === undefined || v === null || v === "";
    if (kind === "replica-standby" || kind === "rebuilt-standby") {
        if (empty(args.sourceDbArn)) {
            problems.push(`sourceDbArn is required when kind is "${kind}"`);
        }
        const lag = args.replicaLagThresholdSeconds;
        if (lag !== undefined && !(typeof lag === "number" && Number.isFinite(lag) && lag > 0)) {
            problems.push(`replicaLagThresholdSeconds must be a positive number of seconds, got ${lag}`);
        }
    }
    if (kind === "replica-standby" || kind === "replica-promoted") {
        if (empty(args.credentialsSecretArn)) {
            problems.push(`credentialsSecretArn is required when kind is "${kind}"`);
        }
        if (empty(args.appCredentialsSecretArn)) {
            problems.push(`appCredentialsSecretArn is required when kind is "${kind}"`);
        }
    }
    if (kind === "primary" || kind === "rebuilt-standby" || kind === "rebuilt-promoted") {
        if (args.credentialsReplicaRegion !== undefined && !isAwsRegion(args.credentialsReplicaRegion)) {
            problems.push(`credentialsReplicaRegion must be an AWS region such as "us-west-2", got ${JSON.stringify(args.credentialsReplicaRegion)}`);
        }
    }
    // A rebuilt database is created beside the one it replaces (generation 1 is the original).
    if ((kind === "rebuilt-standby" || kind === "rebuilt-promoted") && (args.generation ?? 1) < 2) {
        problems.push(`generation must be 2 or more when kind is "${kind}" (it is built beside generation 1), got ${JSON.stringify(args.generation ?? 1)}`);
    }
    return problems;
}

/** Throws one Error listing every problem with `args`, prefixed with the component's name. */
export function assertValidDatabaseArgs(name: string, args: DatabaseArgs): void {
    assertValid("Database", name, validateDatabaseArgs(args));
}
