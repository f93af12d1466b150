// Where things run: every resource stays in its stack's region (a regional outage then takes
// down exactly one stack), and a dr stack in standby keeps compute off until failover.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { isDrStack, isStandby, q, regionOf, STANDBY_PART_TAG, T } from "../lib/resources";

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

/**
 * What a standby may hold when tagged STANDBY_PART_TAG=static-stability: the ALB that dr's
 * SECONDARY record or CloudFront distribution points at, made ahead so that promotion calls no
 * global control plane (pilot-light:standbyLoadBalancer), and the app tier's NAT gateway, made
 * ahead so that promotion does not wait for it (pilot-light:standbyNatGateway). Compute and the
 * cache stay forbidden whatever their tags.
 */
export const DEFAULT_STANDBY_STATIC_STABILITY_TYPES: readonly string[] = [T.loadBalancer, T.albLoadBalancer, T.natGateway];

/**
 * The stack's region: its default aws provider's `region`, which is the stack's `aws:region`
 * config (the engine builds the default provider from the stack's `aws:*` config).
 */
export function stackRegionOf(resources: PolicyResource[]): string | undefined {
    const provider = resources.find((r) => r.type === "pulumi:providers:aws" && /^default(_|$)/.test(r.name));
    const region = provider?.props.region;
    return typeof region === "string" && region ? region : undefined;
}

export const regionPinning: StackValidationPolicy = {
    name: "region-pinning",
    description: "Every AWS resource is in its stack's region (the stack's aws:region, which its default aws provider "
        + "carries), whether it names a region itself or gets one from an explicit provider: a dr resource in the prod "
        + "region fails with prod. Cross-region-by-design types and global services are exempt (no Checkov/Trivy equivalent).",
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
    validateStack: (args, reportViolation) => {
        const { crossRegionTypes, globalTypePrefixes } = args.getConfig<{ crossRegionTypes: string[]; globalTypePrefixes: string[] }>();
        const stackRegion = stackRegionOf(args.resources);
        if (!stackRegion) {
            args.notApplicable("no default aws provider with a region: the stack's region is unknown");
        }
        const role = isDrStack(args.resources) ? "dr" : "primary";
        for (const r of args.resources) {
            if (!r.type.startsWith("aws:") || crossRegionTypes.includes(r.type) || globalTypePrefixes.some((p) => r.type.startsWith(p))) {
                continue;
            }
            const region = regionOf(r.props, r.provider);
            if (region && region !== stackRegion) {
                const own = typeof r.props.region === "string" && r.props.region && r.props.region !== r.provider?.props?.region;
                const how = own || !r.provider ? "sets region" : `is on provider ${q(r.provider.name)} in`;
                reportViolation(`${r.type} ${q(r.name)} ${how} ${region}, but this ${role} stack's region is ${stackRegion}; `
                    + "keep every resource in the stack's region", r.urn);
            }
        }
    },
};

export const drStandbyMinimal: StackValidationPolicy = {
    name: "dr-standby-minimal",
    description: "A dr stack in standby (holding an RDS read replica) runs no EC2 instances, Auto Scaling groups, NAT "
        + "gateways, load balancers or ElastiCache replication groups: the pilot light keeps only data warm. A load balancer "
        + `or NAT gateway tagged ${STANDBY_PART_TAG}=static-stability (the standby ALB failover points at, the app tier's `
        + "egress made ahead of promotion) is the exception.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            forbiddenTypes: {
                type: "array", items: { type: "string" }, default: [...DEFAULT_STANDBY_FORBIDDEN_TYPES],
                description: "Type tokens a standby dr stack must not hold.",
            },
            staticStabilityTypes: {
                type: "array", items: { type: "string" }, default: [...DEFAULT_STANDBY_STATIC_STABILITY_TYPES],
                description: `Of those, the types a standby may hold when tagged ${STANDBY_PART_TAG}=static-stability.`,
            },
        },
    },
    validateStack: (args, reportViolation) => {
        if (!isDrStack(args.resources) || !isStandby(args.resources)) {
            return;
        }
        const { forbiddenTypes, staticStabilityTypes } = args.getConfig<{ forbiddenTypes: string[]; staticStabilityTypes: string[] }>();
        const aheadOfFailover = (x: { type: string; props: Record<string, any> }) =>
            staticStabilityTypes.includes(x.type) && x.props.tags?.[STANDBY_PART_TAG] === "static-stability";
        for (const r of args.resources.filter((x) => forbiddenTypes.includes(x.type) && !aheadOfFailover(x))) {
            reportViolation(`the dr stack is in standby but runs ${r.type} ${q(r.name)}; create it on failover instead`, r.urn);
        }
    },
};

/** The placement policies. */
export const drPlacementPolicies = [regionPinning, drStandbyMinimal];
