// Viewers use HTTPS: a serving stack's web tier offers no plain-HTTP path to WordPress, whose
// logins and cookies would otherwise cross the internet in cleartext (issue 17). Two shapes pass:
//  - a domain: HTTPS on the ALB with a TLS 1.2+ policy, and port 80 only redirects; or
//  - no domain: CloudFront in front (components/app/cdn.ts), redirecting viewers to HTTPS, and the
//    ALB's HTTP listener forwards nothing by default, only requests matching an http-header
//    condition (CloudFront's secret origin header), with the distribution's origin on that ALB.
// AWS's pattern for the second: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/restrict-access-to-load-balancer.html
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { q, T } from "../lib/resources";
import { redirectsToHttps } from "./loadBalancers";

const LISTENER_TYPES: readonly string[] = [T.listener, T.albListener];
const LOAD_BALANCER_TYPES: readonly string[] = [T.loadBalancer, T.albLoadBalancer];
const RULE_TYPES: readonly string[] = ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"];
const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";

/**
 * ELB security policies that allow TLS 1.2 and later only (Checkov CKV_AWS_103 and Trivy
 * AVD-AWS-0047 accept these families): the TLS13-1-2 and TLS-1-2 policies and the FS-1-2 ones.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
export const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)-/;

/** Viewer protocol policies that never serve a page over HTTP. */
const HTTPS_VIEWER_POLICIES = ["redirect-to-https", "https-only"];

function forwards(actions: unknown): boolean {
    return (Array.isArray(actions) ? actions : []).some((a) => a?.type === "forward" || a?.forward !== undefined);
}

function dependsOn(r: PolicyResource, key: string, target: PolicyResource): boolean {
    return (r.propertyDependencies[key] ?? []).some((d) => d.urn === target.urn);
}

/** Why an HTTP listener is plain HTTP to viewers, or undefined when it is not. */
function plainHttpReason(listener: PolicyResource, resources: PolicyResource[]): string | undefined {
    if (redirectsToHttps(listener.props)) return undefined;
    if (forwards(listener.props.defaultActions)) {
        return "forwards to the app by default; redirect it to HTTPS (a domain), or answer a fixed response and forward only CloudFront's origin header (components/app/cdn.ts)";
    }
    const rules = resources.filter((r) => RULE_TYPES.includes(r.type) && dependsOn(r, "listenerArn", listener));
    const ungated = rules.filter((r) => forwards(r.props.actions)
        && !(Array.isArray(r.props.conditions) && r.props.conditions.some((c: any) => typeof c?.httpHeader?.httpHeaderName === "string")));
    if (ungated.length > 0) {
        return `has rule${ungated.length === 1 ? "" : "s"} ${ungated.map((r) => q(r.name)).join(", ")} forwarding without an http-header condition `
            + "(CloudFront's origin header), so anyone reaches the app over HTTP";
    }
    const lb = (listener.propertyDependencies.loadBalancerArn ?? []).find((d) => LOAD_BALANCER_TYPES.includes(d.type));
    const fronted = lb !== undefined && resources.some((d) => d.type === DISTRIBUTION && dependsOn(d, "origins", lb));
    if (rules.some((r) => forwards(r.props.actions)) && !fronted) {
        return `forwards requests with a header, but no CloudFront distribution in this stack has ${lb ? `load balancer ${q(lb.name)}` : "its load balancer"} `
            + "as its origin, so no viewer reaches it over HTTPS";
    }
    return undefined;
}

export const viewerHttps: StackValidationPolicy = {
    name: "viewer-https",
    description: "Viewers reach the web tier over HTTPS only: an HTTP listener redirects to HTTPS or, behind CloudFront, forwards only "
        + "requests carrying CloudFront's origin header (an http-header rule) to a load balancer a distribution in the stack uses as "
        + "its origin; HTTPS listeners use a TLS 1.2+ policy; CloudFront behaviours redirect or refuse HTTP (Checkov CKV_AWS_2, "
        + "CKV_AWS_103, CKV2_AWS_20, CKV_AWS_34; Trivy AVD-AWS-0054, AVD-AWS-0047, AVD-AWS-0012).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const listener of args.resources.filter((r) => LISTENER_TYPES.includes(r.type))) {
            const protocol = String(listener.props.protocol ?? "").toUpperCase();
            if (protocol === "HTTP") {
                const why = plainHttpReason(listener, args.resources);
                if (why) reportViolation(`HTTP listener ${q(listener.name)} ${why}`, listener.urn);
            } else if (protocol === "HTTPS") {
                const policy = listener.props.sslPolicy;
                // Unset means ELB's default policy, which still allows TLS 1.0 on older accounts: name one.
                if (typeof policy !== "string" || !TLS12_POLICY.test(policy)) {
                    reportViolation(`HTTPS listener ${q(listener.name)} has sslPolicy ${JSON.stringify(policy ?? null)}, which is not a TLS 1.2+ policy; `
                        + "use ELBSecurityPolicy-TLS13-1-2-2021-06 (components/app/loadBalancer.ts TLS_POLICY)", listener.urn);
                }
            }
        }
        for (const d of args.resources.filter((r) => r.type === DISTRIBUTION)) {
            const behaviours = [{ label: "default cache behaviour", b: d.props.defaultCacheBehavior },
                ...(Array.isArray(d.props.orderedCacheBehaviors) ? d.props.orderedCacheBehaviors : [])
                    .map((b: any) => ({ label: `cache behaviour ${JSON.stringify(b?.pathPattern ?? "?")}`, b }))];
            for (const { label, b } of behaviours) {
                if (!HTTPS_VIEWER_POLICIES.includes(b?.viewerProtocolPolicy)) {
                    reportViolation(`CloudFront distribution ${q(d.name)}'s ${label} has viewerProtocolPolicy ${JSON.stringify(b?.viewerProtocolPolicy ?? null)}; `
                        + `use "redirect-to-https" or "https-only"`, d.urn);
                }
            }
        }
    },
};
