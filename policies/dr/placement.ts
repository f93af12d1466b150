// Where things run: every resource stays in its stack's region (a regional outage then takes
// down exactly one stack), and a dr stack in standby keeps compute off until failover.
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isDrStack, isStandby, q, T } from "../lib/resources";

/** Types that copy data across regions by design. */
export const DEFAULT_CROSS_REGION_TYPES: readonly string[] = ["aws:ec2/amiCopy:AmiCopy"];
/** Global services: their resources have no region. */
export const DEFAULT_GLOBAL_TYPE_PREFIXES: readonly string[] = [
    "aws:iam/", "aws:route53/", "aws:cloudfront/", "aws:organizations/", "aws:globalaccelerator/", "aws:shield/",
];
/** What a standby pilot light must not run. */
export const DEFAULT_STANDBY_FORBIDDEN_TYPES: readonly string[] = [
    T.instance, T.asg, T.natGateway, T.loadBalancer, T.albLoadBalancer, "aws:elb/loadBalancer:LoadBalancer", T.replicationGroup,
];

export const regionPinning: ResourceValidationPolicy = {
    name: "region-pinning",
    description: "Every AWS resource is in its stack's region: a resource's own region input, when set, equals its "
        + "provider's region; cross-region-by-design types and global services are exempt (no Checkov/Trivy equivalent).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            crossRegionTypes: {
                type: "array", items: { type: "string" }, default: [...DEFAULT_CROSS_REGION_TYPES],
                description: "Type tokens that may name another region.",
            },
            globalTypePrefixes: {
                type: "array", items: { type: "string" }, default: [...DEFAULT_GLOBAL_TYPE_PREFIXES],
                description: "Type-token prefixes of global services, which are exempt.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const { crossRegionTypes, globalTypePrefixes } = args.getConfig<{ crossRegionTypes: string[]; globalTypePrefixes: string[] }>();
        if (!args.type.startsWith("aws:") || crossRegionTypes.includes(args.type)
            || globalTypePrefixes.some((p) => args.type.startsWith(p))) {
            return;
        }
        const own = args.props.region;
        const stackRegion = args.provider?.props?.region;
        if (typeof own === "string" && own && typeof stackRegion === "string" && stackRegion && own !== stackRegion) {
            reportViolation(`${args.type} ${q(args.name)} sets region ${own} but its provider is in ${stackRegion}; `
                + "keep every resource in the stack's region");
        }
    },
};

export const drStandbyMinimal: StackValidationPolicy = {
    name: "dr-standby-minimal",
    description: "A dr stack in standby (holding an RDS read replica) runs no EC2 instances, Auto Scaling groups, NAT "
        + "gateways, load balancers or ElastiCache replication groups: the pilot light keeps only data warm.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            forbiddenTypes: {
                type: "array", items: { type: "string" }, default: [...DEFAULT_STANDBY_FORBIDDEN_TYPES],
                description: "Type tokens a standby dr stack must not hold.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        if (!isDrStack(args.resources) || !isStandby(args.resources)) {
            return;
        }
        const { forbiddenTypes } = args.getConfig<{ forbiddenTypes: string[] }>();
        for (const r of args.resources.filter((x) => forbiddenTypes.includes(x.type))) {
            reportViolation(`the dr stack is in standby but runs ${r.type} ${q(r.name)}; create it on failover instead`, r.urn);
        }
    },
};

/** The placement policies. */
export const drPlacementPolicies = [regionPinning, drStandbyMinimal];
