// The scheduled snapshots of a singleton's data volume: a Data Lifecycle Manager policy that
// snapshots every volume carrying the target tags, with the service role DLM runs as. Every
// singleton mode with a data volume has one (recoverable-instance and standby-failover: each
// instance's volume; multi-az-asg-ebs: the volume that follows the group), so a lost or corrupted
// volume can be restored from a snapshot at most one interval old.
// https://docs.aws.amazon.com/ebs/latest/userguide/snapshot-lifecycle.html
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { servicePrincipal } from "../partition";

/** Tag on a data volume that a `snapshotPolicy` targets: its value names the policy's owner. */
export const SNAPSHOT_TAG = "pilot-light:snapshots";

/**
 * The schedule of an instance's own data volume (recoverable-instance, standby-failover): every
 * 12 hours, a week kept. Those volumes survive a host failure as they are (RPO 0); the snapshots
 * are what an AZ or a region failure restores from (docs/runbooks/singleton-restore.md), so the
 * interval is the RPO there: 12 h fits the singleton's RPO target (pilot-light:singletonRpoTargetMinutes,
 * a day) with the cross-region copy's time on top. Snapshots are incremental, so twice a day
 * stores about the same changed blocks as once a day.
 */
export const DAILY_SNAPSHOTS = { intervalHours: 12, retainCount: 14 } as const;

/** Days dr keeps each copied snapshot: the same week the source region keeps. */
export const SNAPSHOT_COPY_RETAIN_DAYS = 7;

/**
 * Where DLM copies each new snapshot: the peer region, encrypted with a key there, kept for
 * `retainDays`. https://docs.aws.amazon.com/ebs/latest/userguide/snapshot-ami-policy.html (cross-Region copy rules)
 */
export interface SnapshotCopy {
    /** The destination region (dr's). */
    region: string;
    /** The KMS key in that region the copies are encrypted with (dr's key). */
    kmsKeyArn: pulumi.Input<string>;
    /** Days a copy is kept there, 1 or more. */
    retainDays: number;
}

/** DLM's allowed intervals for an hourly schedule. https://docs.aws.amazon.com/dlm/latest/APIReference/API_CreateRule.html */
export const SNAPSHOT_INTERVALS_HOURS: readonly number[] = [1, 2, 3, 4, 6, 8, 12, 24];

/** Problems with a schedule: an allowed interval, and 1–1000 snapshots kept (DLM's RetainRule count). */
export function snapshotScheduleProblems(intervalHours: number, retainCount: number): string[] {
    const problems: string[] = [];
    if (!SNAPSHOT_INTERVALS_HOURS.includes(intervalHours)) {
        problems.push(`snapshotIntervalHours ${intervalHours}: must be one of ${SNAPSHOT_INTERVALS_HOURS.join(", ")}`);
    }
    if (!(Number.isInteger(retainCount) && retainCount >= 1 && retainCount <= 1000)) {
        problems.push(`snapshotRetainCount ${retainCount}: must be an integer from 1 to 1000`);
    }
    return problems;
}

/** Inputs of `snapshotPolicy`. */
export interface SnapshotPolicyArgs {
    /** What is snapshotted, for the descriptions (the singleton's name). */
    subject: string;
    /** Tags a volume must carry to be snapshotted (DLM targetTags). */
    targetTags: Record<string, pulumi.Input<string>>;
    /** Hours between snapshots (SNAPSHOT_INTERVALS_HOURS). */
    intervalHours: number;
    /** Snapshots kept. */
    retainCount: number;
    /** The partition, for the managed policy's ARN. */
    partition: pulumi.Input<string>;
    /** Copy each snapshot to another region. Defaults to none. */
    copyTo?: SnapshotCopy;
    tags: Record<string, string>;
}

/**
 * The DLM role (`${name}-dlm-role`), its managed policy attachment (same name) and the policy
 * (`${name}-snapshots`), children of `parent`. Snapshots copy the volume's tags.
 */
export function snapshotPolicy(parent: pulumi.Resource, name: string, args: SnapshotPolicyArgs): aws.dlm.LifecyclePolicy {
    const role = new aws.iam.Role(`${name}-dlm-role`, {
        description: `Scheduled snapshots of ${args.subject}`,
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: servicePrincipal("dlm") }, Action: "sts:AssumeRole" }],
        }),
        tags: args.tags,
    }, { parent });
    // AWS's managed policy for DLM snapshot policies: https://docs.aws.amazon.com/ebs/latest/userguide/service-role.html
    const attachment = new aws.iam.RolePolicyAttachment(`${name}-dlm-role`, {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole`,
    }, { parent });
    const dependsOn: pulumi.Resource[] = [attachment];
    const copy = args.copyTo;
    if (copy) {
        // The managed policy grants no KMS use: copying into an encrypted snapshot in the
        // destination needs these on the destination key (DLM's "Permissions for cross-Region
        // copy" in https://docs.aws.amazon.com/ebs/latest/userguide/dlm-prerequisites.html).
        dependsOn.push(new aws.iam.RolePolicy(`${name}-dlm-copy-key`, {
            role: role.name,
            policy: pulumi.output(copy.kmsKeyArn).apply((key) => JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], Resource: key },
                    { Effect: "Allow", Action: "kms:CreateGrant", Resource: key, Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } } },
                ],
            })),
        }, { parent }));
    }
    return new aws.dlm.LifecyclePolicy(`${name}-snapshots`, {
        description: `Snapshots of ${args.subject} every ${args.intervalHours}h`,
        executionRoleArn: role.arn,
        state: "ENABLED",
        policyDetails: {
            resourceTypes: ["VOLUME"],
            targetTags: args.targetTags,
            schedules: [{
                name: `every-${args.intervalHours}h-keep-${args.retainCount}`,
                createRule: { interval: args.intervalHours, intervalUnit: "HOURS" },
                retainRule: { count: args.retainCount },
                // Keeps the volume's tags on its snapshots (the EBS-following pattern finds them by tag).
                copyTags: true,
                ...(copy ? {
                    crossRegionCopyRules: [{
                        target: copy.region,
                        encrypted: true,
                        cmkArn: copy.kmsKeyArn,
                        copyTags: true,
                        retainRule: { interval: copy.retainDays, intervalUnit: "DAYS" },
                    }],
                } : {}),
            }],
        },
        tags: args.tags,
    }, { parent, dependsOn });
}
