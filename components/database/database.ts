// Database: the database layer of the original Terraform split (its `database` folder: a
// parameter group and a DB instance), extended for pilot-light DR. Creates a customer-managed
// KMS key, a MySQL 8.4 parameter group and an RDS for MySQL 8.4 instance, shaped by its kind
// (DatabaseKind, a discriminated union: invalid combinations do not compile):
//  - primary (prod): a generated master password and the Secrets Manager secret holding it,
//    and the same for the app's own MySQL user (created by AppDatabaseUser, appUser.ts), both
//    replicated to the dr region;
//  - replica-standby / replica-promoted (dr): an encrypted cross-region read replica of prod's
//    instance with a ReplicaLag alarm, which a disaster promotes in place (same resource and URN,
//    `replicateSourceDb` removed), turning it into a standalone primary;
//  - rebuilt-standby / rebuilt-promoted (prod during and after failback): a new generation built
//    as a replica of the promoted dr database, owning prod's secret, promoted in place.
// It exposes the key that encrypts its secret (`credentialsKeyArn`), so readers are granted the
// right key: the stacks never decide it.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { createDatabaseCredentials, MASTER_USERNAME, MYSQL_PORT } from "./credentials";
import { ENGINE_LIFECYCLE_SUPPORT, MYSQL_MAJOR_VERSION, PARAMETER_GROUP_FAMILY } from "./engine";
import { databaseInstanceIdentifier, databaseInstanceName } from "./naming";
import { createDatabaseKey } from "./kmsKey";
import { createMonitoringRole, ENHANCED_MONITORING_INTERVAL_SECONDS } from "./enhancedMonitoring";
import { operationsInputs } from "./monitoring";
import { assertValidDatabaseArgs, MAX_STORAGE_GB } from "./validate";

/** The ReplicaLag alarm threshold unless `replicaLagThresholdSeconds` says otherwise. */
export const DEFAULT_REPLICA_LAG_THRESHOLD_SECONDS = 300;
/** Exported to CloudWatch Logs in both modes; `slowquery` needs `log_output=FILE` (see the parameter group). */
export const LOG_EXPORTS = ["error", "general", "slowquery"];

/** What every kind of database takes: its name, generation, size, backups and network. */
export interface DatabaseCommonArgs {
    /**
     * Which database this is, 1 to 99. Defaults to 1. Generation 1's instance is `${name}-mysql`
     * with `identifier`; a later generation N is `${name}-mysql-gN` with `<identifier>-gN`, so it
     * is created beside the previous one instead of replacing it. The previous instance leaves
     * the program; `retainOnDelete` keeps it in AWS and `protect` makes Pulumi refuse until the
     * failback runbook has snapshotted it and unprotected it. The key, parameter group and secret
     * are shared by all generations.
     */
    generation?: number;
    /**
     * Explicit DB identifier, e.g. "pilot-light-prod". Required (deterministic names make a replace fail loudly
     * instead of silently creating a second DB). 1-63 lowercase letters, digits or hyphens, starting with a
     * letter, no trailing hyphen and no `--`. Also names the final snapshot (`<identifier>-final`), the KMS alias
     * (`alias/<identifier>-db`) and, for a primary, the secret (`<identifier>/db-credentials`).
     * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.Constraints
     */
    identifier: string;
    /**
     * The DB instance class, e.g. `"db.t4g.medium"`. Required. Must be offered for MySQL 8.4 in
     * the region. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.html
     */
    instanceClass: string;
    /**
     * Initial gp3 storage in GiB, from 20 to 65536. Required. Used by the primary only (a replica
     * inherits its source's storage), but it still sets a replica's default autoscaling ceiling,
     * so pass prod's value. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html
     */
    allocatedStorageGb: number;
    /**
     * Storage autoscaling ceiling in GiB, from `allocatedStorageGb` to 65536. Defaults to twice
     * `allocatedStorageGb` (at most 65536).
     * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html
     */
    maxAllocatedStorageGb?: number;
    /**
     * Days of automated backups, an integer from 7 to 35. Required. Used by the primary (a
     * cross-region replica needs its source's backups on) and by a promoted replica; a standby
     * replica keeps none (0), since prod holds the backups.
     * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html
     */
    backupRetentionDays: number;
    /**
     * Run a synchronous standby in a second AZ. Required; true for the prod primary. For a replica
     * pass the same value standby and promoted, or promotion will also convert to Multi-AZ.
     * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html
     */
    multiAz: boolean;
    /**
     * The DB subnet group (private subnets of this region's VPC). Required; a cross-region
     * replica must name one in its own region.
     * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.XRgn.html
     */
    subnetGroupName: pulumi.Input<string>;
    /** The instance's VPC security groups. Required, at least one (none would mean the VPC's default group). */
    securityGroupIds: pulumi.Input<string>[];
    /** Actions (e.g. SNS topic ARNs) for the ReplicaLag alarm's ALARM and OK states. Defaults to none. */
    alarmActions?: pulumi.Input<string>[];
    /** Tags merged onto every taggable child. Defaults to none. Each child also gets a `Name` tag, which wins. */
    tags?: Record<string, string>;
    /**
     * Tags that follow the database's state (dr's hardened tag): merged onto the data resources
     * (key, parameter group, instance, secret) but never onto the Enhanced Monitoring IAM role,
     * because changing an IAM role's tags needs IAM's global control plane, which a failover or
     * hardening step must not depend on. Defaults to none.
     */
    stateTags?: Record<string, string>;
}

/** Region to replicate the credentials secret to, for the kinds that own the secret. */
interface OwnsSecret {
    /**
     * Region to replicate the credentials secret to (the dr region), so the app in dr can read
     * it while prod is down. Defaults to no replica.
     * https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html
     */
    credentialsReplicaRegion?: string;
    /**
     * The customer-managed KMS key, in `credentialsReplicaRegion`, that encrypts the secret's
     * replica there (dr's database key, from dr's stack outputs). Defaults to that region's
     * AWS-managed key `aws/secretsmanager`, which is what the replica uses until dr exists
     * (bootstrap steps 1 and 2). Secrets Manager has no call that re-keys a replica, so the
     * provider removes the replica and replicates it again with the new key (same ARN).
     * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ReplicateSecretToRegions.html
     */
    credentialsReplicaKmsKeyArn?: pulumi.Input<string>;
}

/** What a cross-region replica that is still replicating needs. */
export interface Replicating {
    /**
     * ARN of the source DB in the other region (from the peer's stack outputs). A cross-region
     * replica must name its source by ARN. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.XRgn.html
     */
    sourceDbArn: pulumi.Input<string>;
    /**
     * ReplicaLag alarm threshold in seconds. Default 300. Must be positive.
     * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Monitoring.html
     */
    replicaLagThresholdSeconds?: number;
}

/** What dr's replica reads its credentials from: prod's secrets, replicated to this region. */
interface ReadsPeerSecret {
    /** ARN of the master credentials secret's replica in this region (see `secretReplicaArn`); becomes `credentialsSecretArn`. */
    credentialsSecretArn: pulumi.Input<string>;
    /**
     * ARN of the app user's credentials secret's replica in this region; becomes
     * `appCredentialsSecretArn`. The MySQL user itself reaches the replica through replication
     * (prod's binary log), so dr creates nothing.
     */
    appCredentialsSecretArn: pulumi.Input<string>;
}

/**
 * What the database is, one of:
 *  - `primary`: prod's original standalone instance (generation 1), owning its credentials
 *    secret (encrypted with this component's key);
 *  - `replica-standby`: dr's cross-region read replica of `sourceDbArn`, with a ReplicaLag alarm
 *    and no backups of its own;
 *  - `replica-promoted`: the same instance promoted in place (same resource and URN,
 *    `replicateSourceDb` removed, backups and the final snapshot on). Promotion cannot be undone:
 *    to fail back, build a new replica.
 *    https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html
 *  - `rebuilt-standby`: prod rebuilt during failback as a cross-region replica of the promoted dr
 *    database (generation 2 or later). It keeps a replica's shape for life (no engine, user or
 *    password inputs: they come from the source), so that its promotion is an in-place update;
 *    the credentials secret stays this component's own;
 *  - `rebuilt-promoted`: that instance promoted in place (failback's switchover).
 * The kinds take different fields, so a combination that cannot exist does not compile.
 */
export type DatabaseKind =
    | ({ kind: "primary" } & OwnsSecret)
    | ({ kind: "replica-standby" } & Replicating & ReadsPeerSecret)
    | ({ kind: "replica-promoted" } & ReadsPeerSecret)
    | ({ kind: "rebuilt-standby" } & Replicating & OwnsSecret)
    | ({ kind: "rebuilt-promoted" } & OwnsSecret);

/** Every kind of database, as its `kind` string. */
export const DATABASE_KINDS = ["primary", "replica-standby", "replica-promoted", "rebuilt-standby", "rebuilt-promoted"] as const;

/** Inputs of the Database component: the common arguments and one kind with its own fields. */
export type DatabaseArgs = DatabaseCommonArgs & DatabaseKind;

/**
 * What deleting the instance leaves behind. A read replica cannot have a final snapshot: for a
 * replica, DeleteDBInstance requires SkipFinalSnapshot and refuses FinalDBSnapshotIdentifier
 * (InvalidParameterCombination), so a standby replica skips it (its source holds the data).
 * Every standalone DB keeps one: the primary, and a replica once promoted, which may then hold
 * the only copy of the data. Neither input forces a new resource, so promotion stays an
 * in-place update. https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html
 */
export function finalSnapshot(standbyReplica: boolean, instanceIdentifier: string): Pick<aws.rds.InstanceArgs, "skipFinalSnapshot" | "finalSnapshotIdentifier"> {
    return standbyReplica ? { skipFinalSnapshot: true } : { skipFinalSnapshot: false, finalSnapshotIdentifier: `${instanceIdentifier}-final` };
}

/** The pilot-light database: prod's primary, or dr's cross-region replica. */
export class Database extends pulumi.ComponentResource {
    /** The RDS instance (`${name}-mysql` in both modes, so promotion keeps its URN; `-gN` from generation 2). */
    readonly instance: aws.rds.Instance;
    /** The instance's ARN; the dr stack replicates from it. */
    readonly dbInstanceArn: pulumi.Output<string>;
    /** The instance's identifier, as given. */
    readonly dbInstanceIdentifier: pulumi.Output<string>;
    /** The instance's DNS name. */
    readonly dbInstanceAddress: pulumi.Output<string>;
    /** The instance's port (3306). */
    readonly dbInstancePort: pulumi.Output<number>;
    /** The ARN of this region's CMK (storage, and the primary's secret). */
    readonly kmsKeyArn: pulumi.Output<string>;
    /** The master credentials secret in this region: the primary's own, or the passed-in replica ARN. */
    readonly credentialsSecretArn: pulumi.Output<string>;
    /**
     * The app user's credentials secret in this region (user `wordpress`, the WordPress database
     * only): the primary's own, or the passed-in replica ARN. The app servers read this one,
     * never the master's. Encrypted with the same key as the master's (`credentialsKeyArn`).
     */
    readonly appCredentialsSecretArn: pulumi.Output<string>;
    /**
     * The version of the app user's secret value, for the kinds that own the secret (undefined
     * for dr's replica kinds): a new password makes AppDatabaseUser run again.
     */
    readonly appCredentialsVersionId: pulumi.Output<string> | undefined;
    /**
     * True when the instance takes writes (primary, promoted replica, promoted rebuild), so users
     * can be created on it; false for a replica still replicating (read-only).
     */
    readonly writable: boolean;
    /**
     * The key that encrypts `credentialsSecretArn`, for a reader's kms:Decrypt: this component's
     * key in every kind. A primary or rebuilt database encrypts its own secret with it; for dr's
     * replica kinds the secret is prod's replica, which prod encrypts with this key once dr
     * exports it (`dbKmsKeyArn`, bootstrap step 3; before that the replica uses the region's
     * AWS-managed key, which needs no grant).
     */
    readonly credentialsKeyArn: pulumi.Output<string>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so a bad input leaves no half-built component.
        assertValidDatabaseArgs(name, args);
        super("pilot-light:database:Database", name, {}, opts);
        const parent = { parent: this };
        // Data resources are always protected: destroying one by mistake must fail.
        const tagged = (resourceName: string) => ({ ...(args.tags ?? {}), ...(args.stateTags ?? {}), Name: resourceName });
        // dr's replica reads prod's secret; every other kind owns its secret.
        const isReplica = args.kind === "replica-standby" || args.kind === "replica-promoted";
        // Built as a cross-region replica: dr always, prod when rebuilt from dr during failback.
        const replicaShaped = args.kind !== "primary";
        const replicating = args.kind === "replica-standby" || args.kind === "rebuilt-standby" ? args : undefined;
        const standby = replicating !== undefined;
        const generation = args.generation ?? 1;
        const instanceName = databaseInstanceName(name, generation);
        const instanceIdentifier = databaseInstanceIdentifier(args.identifier, generation);
        // Protected, and retained if it ever leaves the program: a retired generation is removed
        // from state but kept in AWS, for the operator to delete after checking its snapshot.
        const monitoring = createMonitoringRole(name, { ...(args.tags ?? {}), Name: `${args.identifier}-monitoring` }, this);
        const instanceOptions = { parent: this, protect: true, retainOnDelete: true, dependsOn: [monitoring.attachment] };

        const { key } = createDatabaseKey(name, {
            description: `Encrypts the ${args.identifier} RDS for MySQL storage${isReplica ? "" : " and credentials secret"}`,
            aliasName: `alias/${args.identifier}-db`,
            tags: tagged(`${args.identifier}-db`),
        }, this);

        // A cross-region replica cannot use the source's parameter group, so both modes own one.
        // The logical name carries no version: a new major version replaces the group (its family
        // forces a new one, created before the old one is deleted) under the same URN.
        const parameterGroup = new aws.rds.ParameterGroup(`${name}-mysql-params`, {
            family: PARAMETER_GROUP_FAMILY,
            description: `MySQL ${MYSQL_MAJOR_VERSION} parameters for ${args.identifier}`,
            parameters: [
                // Refuse unencrypted client connections.
                // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.html
                { name: "require_secure_transport", value: "1", applyMethod: "immediate" },
                // Slow queries go to a file, which is what the CloudWatch Logs export reads.
                // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.MySQLDB.PublishtoCloudWatchLogs.html
                { name: "slow_query_log", value: "1", applyMethod: "immediate" },
                { name: "long_query_time", value: "2", applyMethod: "immediate" },
                { name: "log_output", value: "FILE", applyMethod: "immediate" },
            ],
            tags: tagged(`${args.identifier}-mysql-params`),
        }, { parent: this, aliases: [{ name: `${name}-mysql80` }] });

        const maxAllocatedStorage = args.maxAllocatedStorageGb ?? Math.min(2 * args.allocatedStorageGb, MAX_STORAGE_GB);
        // Identical in both modes and, but for the final snapshot, for a replica standby and promoted.
        const common: aws.rds.InstanceArgs = {
            identifier: instanceIdentifier,
            instanceClass: args.instanceClass,
            storageType: "gp3",
            maxAllocatedStorage,
            storageEncrypted: true,
            // A cross-region encrypted replica must name a key in its own region.
            // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.XRgn.html
            kmsKeyId: key.arn,
            multiAz: args.multiAz,
            dbSubnetGroupName: args.subnetGroupName,
            vpcSecurityGroupIds: args.securityGroupIds,
            parameterGroupName: parameterGroup.name,
            publiclyAccessible: false,
            deletionProtection: true,
            engineLifecycleSupport: ENGINE_LIFECYCLE_SUPPORT,
            ...finalSnapshot(standby, instanceIdentifier),
            // Automated backups outlive the instance, so a deleted DB can still be restored.
            deleteAutomatedBackups: false,
            enabledCloudwatchLogsExports: LOG_EXPORTS,
            copyTagsToSnapshot: true,
            applyImmediately: true,
            // Minor upgrades and Performance Insights, the same on every kind (monitoring.ts).
            ...operationsInputs(args.instanceClass, key.arn),
            monitoringInterval: ENHANCED_MONITORING_INTERVAL_SECONDS,
            monitoringRoleArn: monitoring.role.arn,
            tags: tagged(instanceIdentifier),
        };

        // A primary owns the credentials secret (and its replica in the dr region) whatever its
        // instance's shape, so failback never touches the secret.
        const owner = args.kind === "replica-standby" || args.kind === "replica-promoted" ? undefined : args;
        const ownSecret = (kind: "database-master" | "database-app", secretName: string) => owner && createDatabaseCredentials(name, {
            kind,
            secretName,
            kmsKeyArn: key.arn,
            replicaRegion: owner.credentialsReplicaRegion,
            replicaKmsKeyArn: owner.credentialsReplicaKmsKeyArn,
            tags: tagged(secretName),
        }, this);
        const credentials = ownSecret("database-master", `${args.identifier}/db-credentials`);
        const appCredentials = ownSecret("database-app", `${args.identifier}/db-app-credentials`);
        if (replicaShaped) {
            this.instance = new aws.rds.Instance(instanceName, {
                ...common,
                // Engine, version, user, password and storage size come from the source.
                replicateSourceDb: replicating?.sourceDbArn,
                // A standby keeps no backups of its own: the source has them, and 0 is the cheapest.
                backupRetentionPeriod: standby ? 0 : args.backupRetentionDays,
            }, instanceOptions);
            if (replicating) {
                this.createReplicaLagAlarm(name, instanceIdentifier, replicating);
            }
        } else {
            this.instance = new aws.rds.Instance(instanceName, {
                ...common,
                engine: "mysql",
                engineVersion: MYSQL_MAJOR_VERSION,
                allocatedStorage: args.allocatedStorageGb,
                port: MYSQL_PORT,
                username: MASTER_USERNAME,
                password: credentials!.password,
                // Also a prerequisite for the dr region's cross-region replica.
                backupRetentionPeriod: args.backupRetentionDays,
            }, instanceOptions);
        }
        const secretArn = args.kind === "replica-standby" || args.kind === "replica-promoted"
            ? pulumi.output(args.credentialsSecretArn) : credentials!.secret.arn;
        const appSecretArn = args.kind === "replica-standby" || args.kind === "replica-promoted"
            ? pulumi.output(args.appCredentialsSecretArn) : appCredentials!.secret.arn;

        this.dbInstanceArn = this.instance.arn;
        this.dbInstanceIdentifier = this.instance.identifier;
        this.dbInstanceAddress = this.instance.address;
        this.dbInstancePort = this.instance.port;
        this.kmsKeyArn = key.arn;
        this.credentialsSecretArn = secretArn;
        this.appCredentialsSecretArn = appSecretArn;
        this.appCredentialsVersionId = appCredentials?.secretVersion.versionId;
        this.writable = !standby;
        this.credentialsKeyArn = key.arn;
        this.registerOutputs({
            dbInstanceArn: this.dbInstanceArn,
            dbInstanceIdentifier: this.dbInstanceIdentifier,
            dbInstanceAddress: this.dbInstanceAddress,
            dbInstancePort: this.dbInstancePort,
            kmsKeyArn: this.kmsKeyArn,
            credentialsSecretArn: this.credentialsSecretArn,
            appCredentialsSecretArn: this.appCredentialsSecretArn,
            credentialsKeyArn: this.credentialsKeyArn,
        });
    }

    /**
     * A replica that stops reporting ReplicaLag has stopped replicating, so missing data is
     * breaching. Only while standby: a promoted instance no longer publishes the metric.
     */
    private createReplicaLagAlarm(name: string, instanceIdentifier: string, args: DatabaseCommonArgs & Replicating): aws.cloudwatch.MetricAlarm {
        const threshold = args.replicaLagThresholdSeconds ?? DEFAULT_REPLICA_LAG_THRESHOLD_SECONDS;
        return new aws.cloudwatch.MetricAlarm(`${name}-replica-lag`, {
            name: `${instanceIdentifier}-replica-lag`,
            alarmDescription: `${instanceIdentifier} is more than ${threshold}s behind its source, or has stopped reporting`
                + " (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Monitoring.html)",
            namespace: "AWS/RDS",
            metricName: "ReplicaLag",
            dimensions: { DBInstanceIdentifier: this.instance.identifier },
            statistic: "Maximum",
            period: 60,
            evaluationPeriods: 5,
            comparisonOperator: "GreaterThanThreshold",
            threshold,
            treatMissingData: "breaching",
            alarmActions: args.alarmActions ?? [],
            okActions: args.alarmActions ?? [],
            tags: { ...(args.tags ?? {}), Name: `${instanceIdentifier}-replica-lag` },
        }, { parent: this });
    }
}
