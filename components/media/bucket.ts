// MediaBucket: the S3 bucket for user-uploaded media, one per region. It mirrors the S3 part of
// the original Terraform "app" layer. prod's bucket is the replication source and dr's the
// replica target, so both are built the same way: versioned (replication requires it on both
// sides), encrypted with SSE-S3, closed to the public, ACLs disabled, old versions expired, and
// the bucket protected against a mistaken destroy. Optionally (`objectLock`) every new version is
// locked for a number of days by S3 Object Lock (WORM), for teams that need immutability.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { bucketNameProblems, noncurrentDaysProblems, ObjectLockMode, objectLockProblems } from "./validate";
import { assertValid } from "../validate";

/** Inputs of {@link MediaBucket}. */
export interface MediaBucketArgs {
    /**
     * Optional explicit bucket name; default: auto-named from the resource name.
     * Must follow the S3 naming rules (3-63 characters of lowercase letters, digits, `.` and
     * `-`, starting and ending with a letter or digit) and be globally unique.
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
     */
    bucketName?: string;
    /**
     * Days to keep noncurrent object versions. Default 30. 1–3650.
     * Versions older than this (overwritten or deleted objects) are expired by a lifecycle
     * rule, so versioning does not grow the bucket without bound.
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html
     */
    noncurrentVersionExpirationDays?: number;
    /** Tags for the bucket, merged as given (e.g. the `pilot-light:bootstrap` tag). Default: none. */
    tags?: Record<string, string>;
    /**
     * S3 Object Lock's default retention for every new object version: `mode` GOVERNANCE or
     * COMPLIANCE, `retentionDays` 1–365. Default: none (no Object Lock). Once enabled, Object Lock
     * cannot be turned off on the bucket, nor versioning suspended; dropping this argument later
     * only removes the default retention (versions locked so far stay locked to their date).
     * A replication destination must have Object Lock too when the source has it.
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
     */
    objectLock?: MediaObjectLock;
}

/** A bucket's Object Lock default retention (see {@link MediaBucketArgs.objectLock}). */
export interface MediaObjectLock {
    mode: ObjectLockMode;
    retentionDays: number;
}

/** The tag naming a bucket's Object Lock mode: the policy pack checks the bucket has that lock (policies/s3/objectLock.ts). */
export const OBJECT_LOCK_TAG = "pilot-light:object-lock";

/** The default retention of noncurrent versions, in days. */
export const DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS = 30;
/** Incomplete multipart uploads are aborted after this many days: their parts are billed but invisible. */
export const ABORT_INCOMPLETE_MULTIPART_DAYS = 7;

/** A versioned, private, SSE-S3 encrypted media bucket with a retention lifecycle. */
export class MediaBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    /** The bucket's name. */
    readonly bucketName: pulumi.Output<string>;
    /** The bucket's ARN (`arn:aws:s3:::<name>`), the value dr exports for prod's replication. */
    readonly bucketArn: pulumi.Output<string>;
    /** The versioning resource: replication must depend on it (S3 requires versioning on both buckets first). */
    readonly versioning: aws.s3.BucketVersioning;
    /** The Object Lock default retention, when set: replication from this bucket then needs the lock's read permissions. */
    readonly objectLock?: MediaObjectLock;

    constructor(name: string, args: MediaBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so a bad call leaves no orphan component behind.
        assertValid("MediaBucket", name, [
            ...bucketNameProblems(args.bucketName),
            ...noncurrentDaysProblems(args.noncurrentVersionExpirationDays),
            ...objectLockProblems(args.objectLock),
        ]);
        super("pilot-light:media:MediaBucket", name, {}, opts);
        const noncurrentDays = args.noncurrentVersionExpirationDays ?? DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS;

        // protect: media is the one piece of state with no other copy in this region; a destroy
        // must fail until someone deliberately unprotects it. forceDestroy stays false for the
        // same reason: a non-empty bucket then cannot be deleted even once unprotected.
        this.bucket = new aws.s3.Bucket(`${name}-bucket`, {
            bucket: args.bucketName,
            forceDestroy: false,
            tags: { ...(args.tags ?? {}), ...(args.objectLock ? { [OBJECT_LOCK_TAG]: args.objectLock.mode } : {}) },
        }, { parent: this, protect: true });
        const bucketId = this.bucket.id;

        // Replication needs versioning enabled on both the source and the destination.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html
        this.versioning = new aws.s3.BucketVersioning(`${name}-versioning`, {
            bucket: bucketId,
            versioningConfiguration: { status: "Enabled" },
        }, { parent: this });

        // SSE-S3 (AES256) rather than SSE-KMS: S3 replicates SSE-S3 objects with no extra setup,
        // whereas SSE-KMS objects are skipped unless the rule opts in, names a key in the
        // destination region and the role gets kms:Decrypt/Encrypt on both keys.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
        new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-sse`, {
            bucket: bucketId,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        }, { parent: this });

        // Media is served through the app, never directly: block every form of public access.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
        new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
            bucket: bucketId,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, { parent: this });

        // BucketOwnerEnforced disables ACLs, so the bucket owner owns every object (including
        // replicas) and access is decided by policies alone.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, {
            bucket: bucketId,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        }, { parent: this });

        // A noncurrent-version rule only means something once versioning is on, hence dependsOn.
        // `filter: {}` applies the rule to every object.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
        new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
            bucket: bucketId,
            rules: [{
                id: "expire-noncurrent-versions",
                status: "Enabled",
                filter: {},
                noncurrentVersionExpiration: { noncurrentDays },
                abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_DAYS },
            }],
        }, { parent: this, dependsOn: [this.versioning] });

        // Object Lock through its own resource, never the bucket's `objectLockEnabled`: that input
        // forces a new bucket (terraform-provider-aws v6.58.0 resourceBucket: object_lock_enabled
        // ForceNew; ops/diff/forceNew/table.json), which would mean replacing the media bucket.
        // PutObjectLockConfiguration enables Object Lock on an existing versioned bucket, without
        // the support token it once needed ("You can enable Object Lock for new or existing
        // buckets", https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html;
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html#object-lock-configure-existing-bucket),
        // and the bucket's own object_lock_enabled is Optional+Computed, so reading it back as
        // true shows no diff. Of this resource only `bucket` and `objectLockEnabled` force a new
        // one (a new configuration on the same bucket, never a new bucket); the rule is updated in place.
        // Versioning first: S3 refuses Object Lock on an unversioned existing bucket.
        if (args.objectLock) {
            new aws.s3.BucketObjectLockConfiguration(`${name}-object-lock`, {
                bucket: bucketId,
                objectLockEnabled: "Enabled",
                rule: { defaultRetention: { mode: args.objectLock.mode, days: args.objectLock.retentionDays } },
            }, { parent: this, dependsOn: [this.versioning] });
        }
        this.objectLock = args.objectLock;

        this.bucketName = this.bucket.bucket;
        this.bucketArn = this.bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
