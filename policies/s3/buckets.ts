// Well-known S3 rules. Since @pulumi/aws v6, versioning, public access blocks and encryption are
// separate resources pointing at the bucket, so these are stack policies: each bucket is matched
// to its companions through the property dependencies of their `bucket` input.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { BUCKET_TYPES, q, T } from "../lib/resources";

/** The companions of `bucket` of the given types: resources whose `bucket` input came from it. */
export function companionsOf(bucket: PolicyResource, resources: PolicyResource[], types: readonly string[]): PolicyResource[] {
    return resources.filter((r) => types.includes(r.type)
        && (r.propertyDependencies.bucket ?? []).some((b) => b.urn === bucket.urn));
}

function buckets(resources: PolicyResource[]): PolicyResource[] {
    return resources.filter((r) => BUCKET_TYPES.includes(r.type));
}

export const s3VersioningEnabled: StackValidationPolicy = {
    name: "s3-versioning-enabled",
    description: "Every bucket has a BucketVersioning with status Enabled, so overwritten or deleted objects can be "
        + "recovered and replication works (Checkov CKV_AWS_21, Trivy AVD-AWS-0090, AWS Config s3-bucket-versioning-enabled).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const bucket of buckets(args.resources)) {
            const versioning = companionsOf(bucket, args.resources, [T.versioning, T.versioningV2]);
            if (!versioning.some((v) => v.props.versioningConfiguration?.status === "Enabled")) {
                reportViolation(`bucket ${q(bucket.name)} has no BucketVersioning with status "Enabled"`, bucket.urn);
            }
        }
    },
};

const BLOCK_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export const s3PublicAccessBlock: StackValidationPolicy = {
    name: "s3-public-access-block",
    description: "Every bucket has a BucketPublicAccessBlock with all four flags true (Checkov CKV_AWS_53 to "
        + "CKV_AWS_56, Trivy AVD-AWS-0086 / 0087 / 0091 / 0093, AWS Config s3-bucket-level-public-access-prohibited).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const bucket of buckets(args.resources)) {
            const blocks = companionsOf(bucket, args.resources, [T.publicAccessBlock]);
            if (blocks.length === 0) {
                reportViolation(`bucket ${q(bucket.name)} has no BucketPublicAccessBlock`, bucket.urn);
                continue;
            }
            const missing = BLOCK_FLAGS.filter((f) => !blocks.some((b) => b.props[f] === true));
            if (missing.length > 0) {
                reportViolation(`bucket ${q(bucket.name)}'s public access block leaves ${missing.join(", ")} off; set all four to true`,
                    bucket.urn);
            }
        }
    },
};

export const s3Encryption: StackValidationPolicy = {
    name: "s3-encryption",
    description: "Every bucket has a BucketServerSideEncryptionConfiguration with a default algorithm (Checkov "
        + "CKV_AWS_19, Trivy AVD-AWS-0088, AWS Config s3-bucket-server-side-encryption-enabled).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const bucket of buckets(args.resources)) {
            const configs = companionsOf(bucket, args.resources, [T.sse, T.sseV2]);
            const encrypted = configs.some((c) => (Array.isArray(c.props.rules) ? c.props.rules : [])
                .some((rule: any) => typeof rule?.applyServerSideEncryptionByDefault?.sseAlgorithm === "string"));
            if (!encrypted) {
                reportViolation(`bucket ${q(bucket.name)} has no BucketServerSideEncryptionConfiguration with a default sseAlgorithm`,
                    bucket.urn);
            }
        }
    },
};

/** The S3 policies. */
export const s3Policies = [s3VersioningEnabled, s3PublicAccessBlock, s3Encryption];
