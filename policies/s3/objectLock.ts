// S3 Object Lock on the media bucket (pilot-light:mediaImmutability, components/media/bucket.ts).
// A bucket that carries the Object Lock tag asked for a lock: it must have the
// BucketObjectLockConfiguration that enables it, in the tag's mode, with a default retention in
// days. A lock configuration without a default retention locks nothing by itself (each writer
// would have to ask), so every lock configuration must have one.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { BUCKET_TYPES, q, tagsOf } from "../lib/resources";
import { companionsOf } from "./buckets";

/** The tag components/media/bucket.ts puts on a locked bucket (its OBJECT_LOCK_TAG): the mode it asked for. */
export const OBJECT_LOCK_TAG = "pilot-light:object-lock";
export const OBJECT_LOCK_TYPE = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";

/** What is wrong with one lock configuration's default retention, or undefined when it has a mode and whole days. */
function retentionProblem(lock: PolicyResource): string | undefined {
    const retention = lock.props.rule?.defaultRetention;
    if (lock.props.objectLockEnabled !== undefined && lock.props.objectLockEnabled !== "Enabled") {
        return `has objectLockEnabled ${JSON.stringify(lock.props.objectLockEnabled)}; set it to "Enabled"`;
    }
    const whole = (n: unknown) => Number.isInteger(n) && (n as number) >= 1;
    if (typeof retention?.mode !== "string" || !(whole(retention?.days) || whole(retention?.years))) {
        return "has no default retention (rule.defaultRetention with a mode and whole days or years), so it locks nothing by itself";
    }
    return undefined;
}

export const s3ObjectLock: StackValidationPolicy = {
    name: "media-object-lock",
    description: "A bucket tagged pilot-light:object-lock (pilot-light:mediaImmutability) has a BucketObjectLockConfiguration "
        + "enabling Object Lock in that mode with a default retention, and no lock configuration lacks a default retention "
        + "(AWS Config s3-bucket-default-lock-enabled).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const lock of args.resources.filter((r) => r.type === OBJECT_LOCK_TYPE)) {
            const problem = retentionProblem(lock);
            if (problem) reportViolation(`Object Lock configuration ${q(lock.name)} ${problem}`, lock.urn);
        }
        for (const bucket of args.resources.filter((r) => BUCKET_TYPES.includes(r.type))) {
            const mode = tagsOf(bucket.props)[OBJECT_LOCK_TAG];
            if (mode === undefined) continue;
            const locks = companionsOf(bucket, args.resources, [OBJECT_LOCK_TYPE]);
            if (locks.length === 0) {
                reportViolation(`bucket ${q(bucket.name)} is tagged ${OBJECT_LOCK_TAG}=${mode} but has no BucketObjectLockConfiguration; `
                    + "its versions are not locked", bucket.urn);
            } else if (!locks.some((l) => l.props.rule?.defaultRetention?.mode === mode)) {
                reportViolation(`bucket ${q(bucket.name)} is tagged ${OBJECT_LOCK_TAG}=${mode} but its Object Lock default retention mode is `
                    + `${JSON.stringify(locks[0].props.rule?.defaultRetention?.mode ?? null)}; set it to ${JSON.stringify(mode)}`, bucket.urn);
            }
        }
    },
};
