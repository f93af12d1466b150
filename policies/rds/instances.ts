// Well-known RDS rules, mirroring the original Terraform DR scripts' mistakes: an unencrypted,
// publicly reachable database without backups or deletion protection.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { validateResourceOfToken } from "../lib/ofType";
import { HARDENED_TAG, q, roleOf, T, tagsOf } from "../lib/resources";

/** What the policies read of an aws.rds.Instance's inputs. */
interface DbProps {
    storageEncrypted?: boolean;
    replicateSourceDb?: string;
    multiAz?: boolean;
    backupRetentionPeriod?: number;
    deletionProtection?: boolean;
    publiclyAccessible?: boolean;
    skipFinalSnapshot?: boolean;
    finalSnapshotIdentifier?: string;
    tags?: Record<string, string>;
}

export const rdsStorageEncrypted: ResourceValidationPolicy = {
    name: "rds-storage-encrypted",
    description: "RDS instances encrypt their storage (Checkov CKV_AWS_16, Trivy AVD-AWS-0080, AWS Config "
        + "rds-storage-encrypted, AWSGuard rds-storage-encrypted).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfToken<DbProps>(T.db, (db, args, reportViolation) => {
        if (db.storageEncrypted !== true) {
            reportViolation(`database ${q(args.name)} is not encrypted at rest; set storageEncrypted to true`);
        }
    }),
};

export const rdsMultiAz: ResourceValidationPolicy = {
    name: "rds-multi-az",
    description: "A primary RDS instance (tagged pilot-light:role=primary, untagged, or a hardened dr's, and not a replica) runs Multi-AZ "
        + "(Checkov CKV_AWS_157, AWS Config rds-multi-az-support, AWSGuard rds-instance-multi-az-enabled).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfToken<DbProps>(T.db, (db, args, reportViolation) => {
        const role = roleOf(db);
        if (db.replicateSourceDb || (role !== undefined && role !== "primary" && tagsOf(db)[HARDENED_TAG] !== "true")) {
            return;
        }
        if (db.multiAz !== true) {
            reportViolation(`primary database ${q(args.name)} is single-AZ; set multiAz to true`);
        }
    }),
};

export const rdsBackupRetention: ResourceValidationPolicy = {
    name: "rds-backup-retention",
    description: "RDS instances keep automated backups for at least the configured number of days (default 7, never "
        + "below 1: RDS refuses to create a read replica, such as the dr stack's, of a source without automated backups); "
        + "replicas are exempt (Checkov CKV_AWS_133, Trivy AVD-AWS-0077, AWS Config db-instance-backup-enabled).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            minimumRetentionDays: {
                type: "integer", minimum: 1, maximum: 35, default: 7,
                description: "The shortest allowed backupRetentionPeriod, in days (RDS allows up to 35).",
            },
        },
    },
    validateResource: validateResourceOfToken<DbProps>(T.db, (db, args, reportViolation) => {
        if (db.replicateSourceDb) {
            return;
        }
        const { minimumRetentionDays } = args.getConfig<{ minimumRetentionDays: number }>();
        const retention = db.backupRetentionPeriod;
        if (retention === undefined || retention < minimumRetentionDays) {
            reportViolation(`database ${q(args.name)} keeps backups for ${retention ?? "the default 1"} day(s); `
                + `set backupRetentionPeriod to at least ${minimumRetentionDays}`);
        }
    }),
};

export const rdsDeletionProtection: ResourceValidationPolicy = {
    name: "rds-deletion-protection",
    description: "RDS instances have deletion protection on (Checkov CKV_AWS_293, AWS Config "
        + "rds-instance-deletion-protection-enabled).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfToken<DbProps>(T.db, (db, args, reportViolation) => {
        if (db.deletionProtection !== true) {
            reportViolation(`database ${q(args.name)} has no deletion protection; set deletionProtection to true`);
        }
    }),
};

export const rdsNotPublic: ResourceValidationPolicy = {
    name: "rds-not-public",
    description: "RDS instances are not publicly accessible (Checkov CKV_AWS_17, AWS Config "
        + "rds-instance-public-access-check, AWSGuard rds-instance-public-access-check).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfToken<DbProps>(T.db, (db, args, reportViolation) => {
        if (db.publiclyAccessible === true) {
            reportViolation(`database ${q(args.name)} is publicly accessible; set publiclyAccessible to false`);
        }
    }),
};

export const rdsFinalSnapshot: ResourceValidationPolicy = {
    name: "rds-final-snapshot",
    description: "A standalone RDS instance takes a final snapshot when deleted (skipFinalSnapshot false, finalSnapshotIdentifier set); "
        + "a read replica skips it, because DeleteDBInstance refuses a final snapshot of a replica "
        + "(https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfToken<DbProps>(T.db, (db, args, reportViolation) => {
        const name = q(args.name);
        if (db.replicateSourceDb) {
            if (db.skipFinalSnapshot !== true || db.finalSnapshotIdentifier !== undefined) {
                reportViolation(`read replica ${name} cannot be deleted with a final snapshot (AWS answers InvalidParameterCombination); `
                    + "set skipFinalSnapshot to true and leave finalSnapshotIdentifier unset");
            }
        } else if (db.skipFinalSnapshot === true || !db.finalSnapshotIdentifier) {
            reportViolation(`database ${name} would be deleted without a final snapshot; set skipFinalSnapshot to false and a finalSnapshotIdentifier`);
        }
    }),
};

/** The RDS policies. */
export const rdsPolicies = [rdsStorageEncrypted, rdsMultiAz, rdsBackupRetention, rdsDeletionProtection, rdsNotPublic, rdsFinalSnapshot];
