// Every internet-facing Application Load Balancer is associated with a WAFv2 web ACL: a public
// WordPress without one takes every login brute force, scanner and known exploit straight to its
// servers (components/app/waf.ts). A dr stack in standby is the pilot light and is exempt, as in
// the pack's other dr rules (policies/lib/resources.ts isStandby); our dr stack associates its
// standby ALB anyway. Promoted, dr serves production and is held to the rule from promotion on.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { isDrStack, isStandby, q, T } from "../lib/resources";

const LOAD_BALANCER_TYPES: readonly string[] = [T.loadBalancer, T.albLoadBalancer];
const WEB_ACL = "aws:wafv2/webAcl:WebAcl";
const ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation";

/** An ALB the internet reaches: application type (the default) and not internal, as Checkov CKV2_AWS_28 reads it. */
function isPublicAlb(r: PolicyResource): boolean {
    return LOAD_BALANCER_TYPES.includes(r.type) && (r.props.loadBalancerType ?? "application") === "application" && r.props.internal !== true;
}

/**
 * True when the association names a web ACL: a REGIONAL one of this stack through its `webAclArn`
 * dependency (known in a preview, unlike the ARN), or a literal ARN of one managed elsewhere.
 */
function namesRegionalWebAcl(association: PolicyResource): boolean {
    const acls = (association.propertyDependencies.webAclArn ?? []).filter((d) => d.type === WEB_ACL);
    if (acls.length > 0) return acls.some((a) => a.props.scope === "REGIONAL");
    return typeof association.props.webAclArn === "string" && /^arn:aws[a-z-]*:wafv2:[^:]+:[0-9]+:regional\/webacl\//.test(association.props.webAclArn);
}

export const albWafAssociated: StackValidationPolicy = {
    name: "alb-waf-associated",
    description: "Every internet-facing Application Load Balancer is associated with a regional WAFv2 web ACL "
        + "(Checkov CKV2_AWS_28, AWS Config alb-waf-enabled; no Trivy check was found for it). A dr stack in standby is exempt.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        if (isDrStack(args.resources) && isStandby(args.resources)) return;
        // By the association's resourceArn dependency: a preview does not know the ALB's ARN yet.
        const protectedUrns = new Set(args.resources.filter((r) => r.type === ASSOCIATION && namesRegionalWebAcl(r))
            .flatMap((a) => (a.propertyDependencies.resourceArn ?? []).map((d) => d.urn)));
        for (const alb of args.resources.filter(isPublicAlb)) {
            if (!protectedUrns.has(alb.urn)) {
                reportViolation(`internet-facing load balancer ${q(alb.name)} has no WAF web ACL; associate a REGIONAL aws.wafv2.WebAcl `
                    + "with it through an aws.wafv2.WebAclAssociation (components/app/waf.ts)", alb.urn);
            }
        }
    },
};
