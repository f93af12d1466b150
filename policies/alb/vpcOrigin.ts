// A CloudFront distribution reaches its Application Load Balancer through a VPC origin: the ALB is
// internal (private subnets) and CloudFront connects over AWS's private connection into the VPC.
// The other shape, a custom origin on an internet-facing ALB over http-only, sends WordPress's
// logins and cookies from CloudFront to the ALB across the public internet in cleartext (issue 17).
// Only stacks without a domain have a distribution (components/app/cdn.ts); with a domain the ALB
// serves HTTPS itself and this policy finds nothing to check.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { q, T } from "../lib/resources";

const LOAD_BALANCER_TYPES: readonly string[] = [T.loadBalancer, T.albLoadBalancer];
const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const VPC_ORIGIN = "aws:cloudfront/vpcOrigin:VpcOrigin";

/** The load balancers a resource's `key` input depends on. */
function loadBalancersOf(r: PolicyResource, key: string): PolicyResource[] {
    return (r.propertyDependencies[key] ?? []).filter((d) => LOAD_BALANCER_TYPES.includes(d.type));
}

export const cloudfrontVpcOrigin: StackValidationPolicy = {
    name: "cloudfront-vpc-origin",
    description: "A CloudFront distribution whose origin is an Application Load Balancer reaches it through a VPC origin "
        + "(vpcOriginConfig, no customOriginConfig), and that ALB is internal: the hop from CloudFront never crosses the public "
        + "internet (components/app/cdn.ts; AWS \"Restrict access with VPC origins\").",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const d of args.resources.filter((r) => r.type === DISTRIBUTION)) {
            const albs = loadBalancersOf(d, "origins");
            if (albs.length === 0) continue;
            const origins: any[] = Array.isArray(d.props.origins) ? d.props.origins : [];
            for (const o of origins.filter((x) => x?.vpcOriginConfig === undefined || x?.customOriginConfig !== undefined)) {
                const policy = o?.customOriginConfig?.originProtocolPolicy;
                reportViolation(`CloudFront distribution ${q(d.name)}'s origin ${JSON.stringify(o?.originId ?? "?")} reaches load balancer `
                    + `${albs.map((lb) => q(lb.name)).join(", ")} as a custom origin${policy ? ` over ${JSON.stringify(policy)}` : ""}, across the public internet; `
                    + "make the ALB internal and give the origin vpcOriginConfig naming an aws.cloudfront.VpcOrigin for it (components/app/cdn.ts)", d.urn);
            }
            if (origins.some((o) => o?.vpcOriginConfig !== undefined) && !(d.propertyDependencies.origins ?? []).some((r) => r.type === VPC_ORIGIN)) {
                reportViolation(`CloudFront distribution ${q(d.name)} names a VPC origin that is not in this stack; `
                    + "make it here (aws.cloudfront.VpcOrigin) so the check can see which load balancer it reaches", d.urn);
            }
        }
        // An ALB a VPC origin serves, or a distribution's origin, is internal: a public one is reachable around CloudFront.
        const fronted = new Map<string, PolicyResource>();
        for (const r of args.resources.filter((x) => x.type === VPC_ORIGIN || x.type === DISTRIBUTION)) {
            for (const lb of loadBalancersOf(r, r.type === VPC_ORIGIN ? "vpcOriginEndpointConfig" : "origins")) fronted.set(lb.urn, lb);
        }
        for (const lb of fronted.values()) {
            if (lb.props.internal !== true) {
                reportViolation(`load balancer ${q(lb.name)} is a CloudFront origin but internet-facing (internal ${JSON.stringify(lb.props.internal ?? false)}); `
                    + "make it internal in the private subnets, reached through a VPC origin (components/app/cdn.ts)", lb.urn);
            }
        }
    },
};
