// BackupReplication: point-in-time recovery of prod's database in dr's region. Not in the
// original Terraform split (its `database` folder has no backups replication); it sits in the
// database layer. Creates one `aws.rds.InstanceAutomatedBackupsReplication` in the stack's own
// region (the destination: the resource "has to be created in the destination region", Pulumi
// registry docs for aws.rds.InstanceAutomatedBackupsReplication), which copies the source
// instance's snapshots and transaction logs there as they are made, so a restore to any second
// inside the retention window works in dr while prod's region is dark.
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html
//
// Why this and not the read replica: a replica copies a `DROP TABLE` within seconds; replicated
// backups let dr restore to the second before it.
//
// Data safety: every input of the provider resource forces a replacement
// (terraform-provider-aws v6.58.0 resourceInstanceAutomatedBackupsReplication: kms_key_id,
// pre_signed_url, retention_period and source_db_instance_arn are all ForceNew; the force-new
// table ops/diff/forceNew/table.json has it), and its delete stops the replication. So the
// resource is `retainOnDelete` (Pulumi forgetting it never stops the replication) and keyed by
// the source database's generation: after a failback prod runs a new generation (a new ARN),
// whose replication is created beside the old one instead of replacing it. Replicated backups
// already in the destination are kept up to their retention period when replication stops
// (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/AutomatedXREGBackups.Troubleshooting.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/**
 * The fewest and most days RDS keeps replicated automated backups: the range of an instance's
 * own backup retention, 1 to 35 (StartDBInstanceAutomatedBackupsReplication BackupRetentionPeriod;
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.BackupRetention.html).
 * The config schema keeps 7 as its floor, like backupRetentionDays.
 */
export const MAX_REPLICATED_BACKUP_RETENTION_DAYS = 35;

/** Inputs of BackupReplication. */
export interface BackupReplicationArgs {
    /**
     * The ARN of the source DB instance, in another region of the same partition (prod's, from its
     * stack outputs). Required. Its automated backups must be on (prod's retention is 7 to 35 days).
     */
    sourceDbInstanceArn: pulumi.Input<string>;
    /**
     * The source database's generation, 1 to 99. Defaults to 1. Generation 1's resource is
     * `${name}-replication`, generation N's `${name}-replication-gN`, so a new source is replicated
     * beside the old one (components/database/naming.ts uses the same suffix for instances).
     */
    sourceGeneration?: number;
    /**
     * A customer-managed KMS key in this (the destination) region: the replicated backups of an
     * encrypted instance are re-encrypted with it, since KMS keys are regional; RDS needs access to
     * the keys in both regions, and disabling either stops the replication. Required.
     * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_StartDBInstanceAutomatedBackupsReplication.html
     */
    kmsKeyArn: pulumi.Input<string>;
    /** Days the replicated backups are kept, 1 to 35. Required. Changing it replaces the replication (ForceNew). */
    retentionDays: number;
}

/** Checks the arguments. Pure: one line per problem, naming the argument, the value and what is allowed. */
export function backupReplicationProblems(args: Pick<BackupReplicationArgs, "retentionDays" | "sourceGeneration">): string[] {
    const problems: string[] = [];
    const { retentionDays, sourceGeneration } = args;
    if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > MAX_REPLICATED_BACKUP_RETENTION_DAYS) {
        problems.push(`retentionDays: ${retentionDays} is not allowed; expected a whole number from 1 to ${MAX_REPLICATED_BACKUP_RETENTION_DAYS} (RDS backup retention).`);
    }
    if (sourceGeneration !== undefined && (!Number.isInteger(sourceGeneration) || sourceGeneration < 1 || sourceGeneration > 99)) {
        problems.push(`sourceGeneration: ${sourceGeneration} is not allowed; expected a whole number from 1 to 99.`);
    }
    return problems;
}

/** The logical name of the replication of source generation `g` under component `name`. */
export function backupReplicationName(name: string, g: number): string {
    return g === 1 ? `${name}-replication` : `${name}-replication-g${g}`;
}

export class BackupReplication extends pulumi.ComponentResource {
    /** The replicated automated backups' ARN (`DBInstanceAutomatedBackupsArn`): what a restore in this region names. */
    readonly automatedBackupsArn: pulumi.Output<string>;
    readonly retentionDays: number;

    constructor(name: string, args: BackupReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = backupReplicationProblems(args);
        if (problems.length > 0) {
            throw new Error(`BackupReplication ${name}: ${problems.join(" ")}`);
        }
        super("pilot-light:database:BackupReplication", name, {}, opts);
        const generation = args.sourceGeneration ?? 1;
        const replication = new aws.rds.InstanceAutomatedBackupsReplication(backupReplicationName(name, generation), {
            sourceDbInstanceArn: args.sourceDbInstanceArn,
            kmsKeyId: args.kmsKeyArn,
            retentionPeriod: args.retentionDays,
        // The source's identity is the generation in the name: its ARN is ignored after creation, so
        // the window while prod reports its next generation's ARN but is still a replica (failback
        // steps 1-4) changes nothing here.
        }, { parent: this, retainOnDelete: true, ignoreChanges: ["sourceDbInstanceArn"] });
        this.automatedBackupsArn = replication.id;
        this.retentionDays = args.retentionDays;
        this.registerOutputs({ automatedBackupsArn: this.automatedBackupsArn });
    }
}
