// Point-in-time recovery of prod's database in dr's region: a replica copies a `DROP TABLE` within
// seconds, so dr also needs prod's automated backups (RDS cross-Region automated backups
// replication, components/database/backupReplication.ts) to restore to the second before it while
// prod's region is dark. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html
//
// Why a policy on dr's stack: the pack sees one stack at a time, and the replication is a resource
// of the destination region's stack (the provider creates it there), so only dr's stack can show
// it. Prod's side, automated backups kept at all, is rds-backup-retention's (policies/rds).
import { StackValidationPolicy } from "@pulumi/policy";
import { arnRegion, isDrStack, q, regionOf, T } from "../lib/resources";

const BACKUPS_REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";

export const rdsDrBackupsReplication: StackValidationPolicy = {
    name: "rds-dr-backups-replication",
    description: "A dr stack that holds a database also replicates prod's automated backups into its region "
        + "(aws:rds/instanceAutomatedBackupsReplication from a source ARN in another region, encrypted with a KMS key of "
        + "the dr region), so prod's database can be restored to a point in time in dr while prod's region is dark.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        if (!isDrStack(args.resources) || !args.resources.some((r) => r.type === T.db)) {
            return;
        }
        const replications = args.resources.filter((r) => r.type === BACKUPS_REPLICATION);
        if (replications.length === 0) {
            reportViolation(`the dr stack replicates none of prod's automated backups; add an ${BACKUPS_REPLICATION} `
                + "of prod's database (pilot-light:backupReplicationRetentionDays), or a corruption replicated to dr cannot be undone there");
        }
        for (const r of replications) {
            const name = q(r.name);
            const region = regionOf(r.props, r.provider);
            const source = r.props.sourceDbInstanceArn;
            // Unknown in a preview of prod's first generation: judged once known.
            if (typeof source === "string" && !/^arn:aws[a-z-]*:rds:/.test(source)) {
                reportViolation(`backups replication ${name}: sourceDbInstanceArn ${JSON.stringify(source)} is not an RDS ARN`, r.urn);
            } else if (typeof source === "string" && region && arnRegion(source) === region) {
                reportViolation(`backups replication ${name} copies ${source} within its own region ${region}; `
                    + "the source must be prod's database in another region", r.urn);
            }
            const keyResource = (r.propertyDependencies.kmsKeyId ?? []).find((d) => d.type === "aws:kms/key:Key");
            const keyRegion = keyResource ? regionOf(keyResource.props, keyResource.provider) : arnRegion(r.props.kmsKeyId);
            if (!keyResource && (typeof r.props.kmsKeyId !== "string" || !/^arn:aws[a-z-]*:kms:/.test(r.props.kmsKeyId))) {
                reportViolation(`backups replication ${name} needs kmsKeyId set to a KMS key of ${region ?? "the dr region"} `
                    + `(got ${JSON.stringify(r.props.kmsKeyId ?? null)})`, r.urn);
            } else if (region && keyRegion && keyRegion !== region) {
                reportViolation(`backups replication ${name} is encrypted with a key in ${keyRegion}; `
                    + `replicated backups need a key in their own region ${region}`, r.urn);
            }
        }
    },
};
