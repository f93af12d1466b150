// Well-known ElastiCache rules for the session/cache Redis: encrypted at rest and in transit,
// and in prod a replica that takes over automatically when the primary node fails.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { validateResourceOfToken } from "../lib/ofType";
import { heldToProdRules, q, T } from "../lib/resources";

/** What the policies read of an aws.elasticache.ReplicationGroup's inputs. */
interface ReplicationGroupProps {
    atRestEncryptionEnabled?: boolean;
    transitEncryptionEnabled?: boolean;
    automaticFailoverEnabled?: boolean;
    tags?: Record<string, string>;
}

export const elasticacheEncryption: ResourceValidationPolicy = {
    name: "elasticache-encryption",
    description: "ElastiCache replication groups encrypt at rest and in transit (Checkov CKV_AWS_29 / CKV_AWS_30, "
        + "Trivy AVD-AWS-0045 / AVD-AWS-0051, AWS Config elasticache-repl-grp-encrypted-at-rest and "
        + "elasticache-repl-grp-encrypted-in-transit).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfToken<ReplicationGroupProps>(T.replicationGroup, (rg, args, reportViolation) => {
        if (rg.atRestEncryptionEnabled !== true) {
            reportViolation(`replication group ${q(args.name)} is not encrypted at rest; set atRestEncryptionEnabled to true`);
        }
        if (rg.transitEncryptionEnabled !== true) {
            reportViolation(`replication group ${q(args.name)} is not encrypted in transit; set transitEncryptionEnabled to true`);
        }
    }),
};

export const elasticacheAutoFailover: ResourceValidationPolicy = {
    name: "elasticache-auto-failover",
    description: "A prod ElastiCache replication group (tagged pilot-light:role=primary, untagged, or a hardened dr's) fails over "
        + "automatically (AWS Config elasticache-repl-grp-auto-failover-enabled).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfToken<ReplicationGroupProps>(T.replicationGroup, (rg, args, reportViolation) => {
        if (heldToProdRules(rg) && rg.automaticFailoverEnabled !== true) {
            reportViolation(`replication group ${q(args.name)} has no automatic failover; set automaticFailoverEnabled to true `
                + "(with at least two cache clusters)");
        }
    }),
};

/** The ElastiCache policies. */
export const elasticachePolicies = [elasticacheEncryption, elasticacheAutoFailover];
