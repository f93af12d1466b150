// Cross-region DR for the data layer: the dr stack's standby is an encrypted cross-region RDS
// read replica, and every prod bucket replicates to the dr region with Replication Time Control.
// (The automated backups a replica's source needs are rds-backup-retention's: policies/rds; dr's replication of them is rds-dr-backups-replication's: ./backups.ts.)
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { rdsDrBackupsReplication } from "./backups";
import { arnRegion, BOOTSTRAP_TAG, DATA_CLASS_TAG, BUCKET_TYPES, isDrStack, q, regionOf, T, tagsOf } from "../lib/resources";

export const rdsDrReplica: StackValidationPolicy = {
    name: "rds-dr-replica",
    description: "A dr stack holds its database as a cross-region RDS read replica: replicateSourceDb is an ARN in "
        + "another region, storage is encrypted with a KMS key of the dr region (a cross-region encrypted replica "
        + "needs a key in its own region; Checkov CKV_AWS_16 for the encryption).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        if (!isDrStack(args.resources)) {
            return;
        }
        const dbs = args.resources.filter((r) => r.type === T.db);
        if (dbs.length === 0) {
            reportViolation("the dr stack holds no RDS instance; a pilot-light standby needs a cross-region read replica of the prod database");
        }
        for (const db of dbs.filter((r) => Boolean(r.props.replicateSourceDb))) {
            const region = regionOf(db.props, db.provider);
            const source = db.props.replicateSourceDb;
            const name = q(db.name);
            if (typeof source !== "string" || !/^arn:aws[a-z-]*:rds:/.test(source)) {
                reportViolation(`replica ${name}: replicateSourceDb ${JSON.stringify(source)} is not an RDS ARN; `
                    + "a cross-region replica must name its source by ARN", db.urn);
            } else if (region && arnRegion(source) === region) {
                reportViolation(`replica ${name} replicates from ${source} in its own region ${region}; `
                    + "the dr replica's source must be in another region", db.urn);
            }
            if (db.props.storageEncrypted !== true) {
                reportViolation(`replica ${name} is not encrypted; set storageEncrypted to true`, db.urn);
            }
            // A key of this stack is judged by its own region: its ARN is unknown in a preview of
            // its creation, the property dependency is not.
            const keyResource = (db.propertyDependencies.kmsKeyId ?? []).find((d) => d.type === "aws:kms/key:Key");
            if (keyResource) {
                const keyRegion = regionOf(keyResource.props, keyResource.provider);
                if (region && keyRegion !== region) {
                    reportViolation(`replica ${name} is encrypted with KMS key ${q(keyResource.name)} in ${keyRegion}; `
                        + `a cross-region replica needs a key in its own region ${region}`, db.urn);
                }
                continue;
            }
            const key = db.props.kmsKeyId;
            if (typeof key !== "string" || !/^arn:aws[a-z-]*:kms:/.test(key) || (region && arnRegion(key) !== region)) {
                reportViolation(`replica ${name} needs kmsKeyId set to a KMS key ARN in ${region ?? "the dr region"} `
                    + `(got ${JSON.stringify(key ?? null)})`, db.urn);
            }
        }
    },
};

/** Problems with the replication configs of one bucket; empty when it is replicated correctly. */
function replicationProblems(bucket: PolicyResource, configs: PolicyResource[]): string[] {
    const name = q(bucket.name);
    if (configs.length === 0) {
        return [`bucket ${name} has no BucketReplicationConfig; replicate it to the dr region with Replication Time Control `
            + `(or tag it ${BOOTSTRAP_TAG}=awaiting-dr until the dr stack exists)`];
    }
    const problems: string[] = [];
    const ownRegion = regionOf(bucket.props, bucket.provider);
    const rules = configs.flatMap((c) => (Array.isArray(c.props.rules) ? c.props.rules : []).map((rule: any) => ({ rule, config: c })));
    const enabled = rules.filter(({ rule }) => rule?.status === "Enabled");
    if (enabled.length === 0) {
        problems.push(`bucket ${name} has no enabled replication rule`);
    }
    for (const { rule, config } of enabled) {
        const label = `replication rule ${q(rule.id ?? "(unnamed)")} of bucket ${name}`;
        const destination = rule.destination ?? {};
        if (destination.replicationTime?.status !== "Enabled" || destination.metrics?.status !== "Enabled") {
            problems.push(`${label} does not enable Replication Time Control (destination.replicationTime and `
                + "destination.metrics must both have status \"Enabled\")");
        }
        // The destination bucket usually lives in the dr stack; when it is in this stack, or the
        // replica KMS key says where it is, its region must differ from the source's.
        const destBucket = (config.propertyDependencies.rules ?? []).find((d) => BUCKET_TYPES.includes(d.type));
        const destRegion = destBucket ? regionOf(destBucket.props, destBucket.provider)
            : arnRegion(destination.encryptionConfiguration?.replicaKmsKeyId);
        if (ownRegion && destRegion === ownRegion) {
            problems.push(`${label} replicates within ${ownRegion}; replicate to another region`);
        }
    }
    return problems;
}

export const s3ReplicationEnabled: StackValidationPolicy = {
    name: "s3-replication-enabled",
    description: "Every bucket of a primary stack replicates to another region with S3 Replication Time Control, "
        + `except a bucket tagged ${BOOTSTRAP_TAG}=awaiting-dr before the dr stack exists and a log bucket (${DATA_CLASS_TAG}=logs) `
        + "(Checkov CKV_AWS_144, AWS Config s3-bucket-replication-enabled).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        if (isDrStack(args.resources)) {
            return;
        }
        const configs = args.resources.filter((r) => r.type === T.replication);
        for (const bucket of args.resources.filter((r) => BUCKET_TYPES.includes(r.type))) {
            // Access logs describe this region's traffic and stay in it (components/app/accessLogs.ts).
            if (tagsOf(bucket.props)[BOOTSTRAP_TAG] === "awaiting-dr" || tagsOf(bucket.props)[DATA_CLASS_TAG] === "logs") {
                continue;
            }
            const own = configs.filter((c) => (c.propertyDependencies.bucket ?? []).some((b) => b.urn === bucket.urn));
            for (const problem of replicationProblems(bucket, own)) {
                reportViolation(problem, bucket.urn);
            }
        }
    },
};

/** The data-layer DR policies. */
export const drReplicationPolicies = [rdsDrReplica, rdsDrBackupsReplication, s3ReplicationEnabled];
