// MediaReplication: cross-region replication of prod's media bucket into dr's, the data half of
// the pilot light for S3. It mirrors the replication part of the original Terraform "app" layer.
// It creates the IAM role S3 assumes, an inline policy scoped to exactly the two buckets, and
// the bucket's replication configuration with Replication Time Control, so that the DR copy has
// a 15-minute objective and CloudWatch metrics to alarm on.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { MediaBucket } from "./bucket";
import { bucketArnProblems, storageClassProblems } from "./validate";
import { assertValid } from "../validate";
import { servicePrincipal } from "../partition";

/** Inputs of {@link MediaReplication}. */
export interface MediaReplicationArgs {
    /** The source bucket, in this (prod) region. Its versioning must be on before replication is configured. */
    sourceBucket: MediaBucket;
    /**
     * The destination bucket's ARN (`arn:aws:s3:::<name>`): dr's bucket, read from dr's stack
     * outputs. It must be versioned, which {@link MediaBucket} guarantees.
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html
     */
    destinationBucketArn: pulumi.Input<string>;
    /**
     * Storage class of replicas. Default "STANDARD_IA" (the source article's choice for
     * rarely-read DR copies). One of `REPLICA_STORAGE_CLASSES` (./validate).
     * https://docs.aws.amazon.com/AmazonS3/latest/API/API_Destination.html
     */
    destinationStorageClass?: string;
    /** Tags for the replication role. Default: none. */
    tags?: Record<string, string>;
}

/** The default storage class of replicas. */
export const DEFAULT_REPLICA_STORAGE_CLASS = "STANDARD_IA";
/**
 * Replication Time Control's objective, in minutes. 15 is the only value S3 accepts, for both
 * the replication time and the metrics event threshold.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html
 */
export const REPLICATION_TIME_MINUTES = 15;

/** Replicates a {@link MediaBucket} into a bucket in another region. */
export class MediaReplication extends pulumi.ComponentResource {
    /** The ARN of the role S3 assumes to replicate. */
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: MediaReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so a bad call leaves no orphan component behind.
        assertValid("MediaReplication", name, [
            ...(args.sourceBucket instanceof MediaBucket ? [] : ["sourceBucket must be a MediaBucket"]),
            ...bucketArnProblems(args.destinationBucketArn),
            ...storageClassProblems(args.destinationStorageClass),
        ]);
        super("pilot-light:media:MediaReplication", name, {}, opts);
        const storageClass = args.destinationStorageClass ?? DEFAULT_REPLICA_STORAGE_CLASS;
        const source = args.sourceBucket;

        const role = new aws.iam.Role(`${name}-role`, {
            description: "Assumed by S3 to replicate the media bucket to the DR region",
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Service: servicePrincipal("s3") },
                    Action: "sts:AssumeRole",
                }],
            }),
            tags: { ...(args.tags ?? {}) },
        }, { parent: this });

        // Exactly the permissions S3 documents for live replication within one account, on the
        // two buckets only: read the source's configuration and object versions, write replicas.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
        const policy = new aws.iam.RolePolicy(`${name}-policy`, {
            role: role.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ReadSourceBucketConfiguration",
                        Effect: "Allow",
                        Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                        Resource: [source.bucketArn],
                    },
                    {
                        Sid: "ReadSourceObjectVersions",
                        Effect: "Allow",
                        Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                        Resource: [pulumi.interpolate`${source.bucketArn}/*`],
                    },
                    // Object Lock on the source: the role also reads each version's retention and
                    // legal hold, so replicas carry them; the destination must have Object Lock too
                    // (else DstBucketObjectLockConfigMissing; stacks/peer.ts refuses that pairing).
                    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-replication
                    ...(source.objectLock ? [{
                        Sid: "ReadSourceObjectLock",
                        Effect: "Allow",
                        Action: ["s3:GetObjectRetention", "s3:GetObjectLegalHold"],
                        Resource: [pulumi.interpolate`${source.bucketArn}/*`],
                    }] : []),
                    {
                        Sid: "WriteReplicas",
                        Effect: "Allow",
                        Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                        Resource: [pulumi.interpolate`${args.destinationBucketArn}/*`],
                    },
                ],
            }),
        }, { parent: this });

        // S3 rejects a replication configuration on an unversioned bucket, and without the
        // policy the first replications would fail, so wait for both.
        // The V2 schema (a `filter`, here empty = whole bucket) is what allows delete-marker
        // replication, so a delete in prod is mirrored in dr instead of leaving a stale copy.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html
        new aws.s3.BucketReplicationConfig(`${name}-config`, {
            bucket: source.bucket.id,
            role: role.arn,
            rules: [{
                id: "media-to-dr",
                status: "Enabled",
                filter: {},
                deleteMarkerReplication: { status: "Enabled" },
                destination: {
                    bucket: args.destinationBucketArn,
                    storageClass,
                    // RTC needs metrics enabled too; both use S3's fixed 15-minute threshold.
                    replicationTime: { status: "Enabled", time: { minutes: REPLICATION_TIME_MINUTES } },
                    metrics: { status: "Enabled", eventThreshold: { minutes: REPLICATION_TIME_MINUTES } },
                },
            }],
        }, { parent: this, dependsOn: [source.versioning, policy] });

        this.roleArn = role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
