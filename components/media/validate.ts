// Pure validation for the media layer (the S3 part of the original Terraform "app" split).
// Kept free of Pulumi resources so it can be tested without the mock runtime; each function
// returns every problem it finds, and the components join them into one error.

/** The allowed range of `noncurrentVersionExpirationDays`. */
export const NONCURRENT_DAYS_MIN = 1;
export const NONCURRENT_DAYS_MAX = 3650;

/** S3 storage classes a replication destination accepts. https://docs.aws.amazon.com/AmazonS3/latest/API/API_Destination.html */
export const REPLICA_STORAGE_CLASSES = [
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR",
] as const;

// General-purpose bucket naming rules: 3-63 characters, lowercase letters, digits, dots and
// hyphens, starting and ending with a letter or digit, no "..", not shaped like an IP address.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Problems with an explicit bucket name; empty when it is valid or not given. */
export function bucketNameProblems(bucketName: string | undefined): string[] {
    if (bucketName === undefined) {
        return [];
    }
    if (!BUCKET_NAME.test(bucketName) || bucketName.includes("..") || IP_ADDRESS.test(bucketName)) {
        return [`bucketName "${bucketName}" is not a valid S3 bucket name (3-63 characters of a-z, 0-9, "." and "-",`
            + " starting and ending with a letter or digit, no \"..\", not an IP address)"];
    }
    return [];
}

/** Problems with the noncurrent-version retention; empty when it is valid or not given. */
export function noncurrentDaysProblems(days: number | undefined): string[] {
    if (days === undefined) {
        return [];
    }
    if (!Number.isInteger(days) || days < NONCURRENT_DAYS_MIN || days > NONCURRENT_DAYS_MAX) {
        return [`noncurrentVersionExpirationDays is ${days}; it must be a whole number from`
            + ` ${NONCURRENT_DAYS_MIN} to ${NONCURRENT_DAYS_MAX}`];
    }
    return [];
}

/** Problems with the replica storage class; empty when it is valid or not given. */
export function storageClassProblems(storageClass: string | undefined): string[] {
    if (storageClass === undefined || (REPLICA_STORAGE_CLASSES as readonly string[]).includes(storageClass)) {
        return [];
    }
    return [`destinationStorageClass "${storageClass}" is not one of ${REPLICA_STORAGE_CLASSES.join(", ")}`];
}

// A bucket ARN has no region or account: arn:<partition>:s3:::<bucket>.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html
const BUCKET_ARN = /^arn:aws(-cn|-us-gov)?:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Problems with a destination bucket ARN given as a plain string; outputs are not checked. */
export function bucketArnProblems(arn: unknown): string[] {
    if (typeof arn !== "string" || BUCKET_ARN.test(arn)) {
        return [];
    }
    return [`destinationBucketArn "${arn}" is not an S3 bucket ARN (arn:aws:s3:::<bucket>, no object key)`];
}

/**
 * S3 Object Lock's retention modes. GOVERNANCE: a principal with s3:BypassGovernanceRetention can
 * still delete a locked version or shorten its lock; COMPLIANCE: no one can, the root user
 * included, until the version's retain-until date.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes
 */
export const OBJECT_LOCK_MODES = ["GOVERNANCE", "COMPLIANCE"] as const;
export type ObjectLockMode = (typeof OBJECT_LOCK_MODES)[number];

/**
 * The allowed range of a default retention, in days. S3 accepts far more (up to 100 years), but a
 * COMPLIANCE lock can be neither shortened nor lifted by anyone, so a typo such as 3650 would bill
 * ten years of every version written: this project caps it at a year.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-retention-limits
 */
export const OBJECT_LOCK_DAYS_MIN = 1;
export const OBJECT_LOCK_DAYS_MAX = 365;

/** Problems with an Object Lock default retention; empty when it is valid or not given. */
export function objectLockProblems(lock: { mode: string; retentionDays: number } | undefined): string[] {
    if (lock === undefined) {
        return [];
    }
    const problems: string[] = [];
    if (!(OBJECT_LOCK_MODES as readonly string[]).includes(lock.mode)) {
        problems.push(`objectLock.mode "${lock.mode}" is not one of ${OBJECT_LOCK_MODES.join(", ")}`);
    }
    const days = lock.retentionDays;
    if (!Number.isInteger(days) || days < OBJECT_LOCK_DAYS_MIN || days > OBJECT_LOCK_DAYS_MAX) {
        problems.push(`objectLock.retentionDays is ${days}; it must be a whole number from ${OBJECT_LOCK_DAYS_MIN} to ${OBJECT_LOCK_DAYS_MAX}`);
    }
    return problems;
}
