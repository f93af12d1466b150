// A promoted dr is production: the exemptions the pilot light has in standby (a single-AZ
// database, one Redis node, an ALB without deletion protection) end once it serves users. The
// failover keeps them for speed (promote, serve, then harden), so a promoted dr that is not
// hardened yet is one advisory naming the step to run; hardened (HARDENED_TAG on what hardening
// changed), it is held to prod's rules by rds-multi-az, elasticache-auto-failover and
// alb-deletion-protection themselves.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { HARDENED_TAG, isDrStack, isStandby, q, T, tagsOf } from "../lib/resources";

/** The command that hardens a promoted dr (ops/runbooks/harden.ts). */
export const HARDEN_STEP = "npm run runbook -- harden";

const LOAD_BALANCER_TYPES: readonly string[] = [T.loadBalancer, T.albLoadBalancer];

/** What a resource of a promoted dr still lacks of prod's shape, in words; undefined when it has it. */
function shortfall(r: PolicyResource): string | undefined {
    if (r.type === T.db && r.props.multiAz !== true) return `database ${q(r.name)} is single-AZ`;
    if (r.type === T.replicationGroup && r.props.automaticFailoverEnabled !== true) return `replication group ${q(r.name)} has no automatic failover`;
    if (LOAD_BALANCER_TYPES.includes(r.type) && r.props.enableDeletionProtection !== true) return `load balancer ${q(r.name)} has no deletion protection`;
    return undefined;
}

export const drPromotedHardening: StackValidationPolicy = {
    name: "dr-promoted-hardening",
    description: "A promoted dr stack serves production: until it is hardened (pilot-light:hardened, which turns on Multi-AZ "
        + "for the database, Redis automatic failover and ALB deletion protection) one AZ failure can take the site down. "
        + "Hardened, its resources are held to prod's rules.",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        // Promoted: it holds a database that is no replica. Without any database it is neither (rds-dr-replica
        // reports that), even though the standby ALB is there (pilot-light:standbyLoadBalancer).
        const promoted = args.resources.some((r) => r.type === T.db) && !isStandby(args.resources);
        if (!isDrStack(args.resources) || !promoted) {
            return;
        }
        const lacking = args.resources
            .filter((r) => tagsOf(r.props)[HARDENED_TAG] !== "true")
            .map(shortfall)
            .filter((s): s is string => s !== undefined)
            .sort(); // stable wording whatever order the program registers its resources in
        if (lacking.length > 0) {
            reportViolation(`the dr stack is promoted and serves production but is not hardened: ${lacking.join("; ")}; `
                + `run \`${HARDEN_STEP}\` (sets pilot-light:hardened true and runs pulumi up; online, nothing is replaced)`);
        }
    },
};

/** The hardening policies. */
export const drHardeningPolicies = [drPromotedHardening];
