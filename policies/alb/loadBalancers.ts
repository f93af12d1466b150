// Well-known load balancer rules for the web tier's ALB: HTTP redirects to HTTPS once TLS is
// in play, the prod ALB cannot be deleted by accident, and target groups check health.
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isPrimaryRole, q, T } from "../lib/resources";

const LISTENER_TYPES: readonly string[] = [T.listener, T.albListener];
const LOAD_BALANCER_TYPES: readonly string[] = [T.loadBalancer, T.albLoadBalancer];
const TARGET_GROUP_TYPES: readonly string[] = [T.targetGroup, "aws:alb/targetGroup:TargetGroup"];

/** True when a listener's default actions redirect to HTTPS. */
export function redirectsToHttps(listenerProps: Record<string, any>): boolean {
    const actions: any[] = Array.isArray(listenerProps.defaultActions) ? listenerProps.defaultActions : [];
    return actions.some((a) => a?.type === "redirect" && a.redirect?.protocol === "HTTPS");
}

export const albHttpsRedirect: StackValidationPolicy = {
    name: "alb-https-redirect",
    description: "When the stack has an ACM certificate or an HTTPS listener, every HTTP listener redirects to HTTPS "
        + "(Checkov CKV2_AWS_20, AWS Config alb-http-to-https-redirection-check).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const listeners = args.resources.filter((r) => LISTENER_TYPES.includes(r.type));
        const terminatesTls = args.resources.some((r) => r.type === T.certificate)
            || listeners.some((l) => l.props.protocol === "HTTPS");
        if (!terminatesTls) {
            return;
        }
        for (const listener of listeners.filter((l) => l.props.protocol === "HTTP" && !redirectsToHttps(l.props))) {
            reportViolation(`HTTP listener ${q(listener.name)} does not redirect to HTTPS although the stack serves TLS; `
                + "make its default action a redirect with protocol \"HTTPS\"", listener.urn);
        }
    },
};

export const albDeletionProtection: ResourceValidationPolicy = {
    name: "alb-deletion-protection",
    description: "A prod load balancer (tagged pilot-light:role=primary, or untagged) has deletion protection on "
        + "(Checkov CKV_AWS_150, AWS Config elb-deletion-protection-enabled, AWSGuard elb-deletion-protection-enabled).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!LOAD_BALANCER_TYPES.includes(args.type) || !isPrimaryRole(args.props)) {
            return;
        }
        if (args.props.enableDeletionProtection !== true) {
            reportViolation(`load balancer ${q(args.name)} has no deletion protection; set enableDeletionProtection to true`);
        }
    },
};

export const targetGroupHealthCheck: ResourceValidationPolicy = {
    name: "target-group-health-check",
    description: "Target groups have an enabled health check with a path and matcher (HTTP/HTTPS) and an interval "
        + "of at most 60 seconds, so the ALB and ASG notice failures quickly (Checkov CKV_AWS_261).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxIntervalSeconds: { type: "integer", minimum: 5, maximum: 300, default: 60, description: "The longest allowed health check interval." },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!TARGET_GROUP_TYPES.includes(args.type)) {
            return;
        }
        const { maxIntervalSeconds } = args.getConfig<{ maxIntervalSeconds: number }>();
        const name = q(args.name);
        const hc = args.props.healthCheck;
        if (!hc) {
            reportViolation(`target group ${name} has no healthCheck`);
            return;
        }
        if (hc.enabled === false) {
            reportViolation(`target group ${name} has its health check disabled`);
            return;
        }
        const protocol = String(hc.protocol ?? args.props.protocol ?? "HTTP").toUpperCase();
        if ((protocol === "HTTP" || protocol === "HTTPS") && (!hc.path || !hc.matcher)) {
            reportViolation(`target group ${name}'s health check needs a path and a matcher`);
        }
        // 30 seconds is the ELB default when the interval is unset.
        const interval = hc.interval ?? 30;
        if (interval > maxIntervalSeconds) {
            reportViolation(`target group ${name} checks health every ${interval} s; use at most ${maxIntervalSeconds} s`);
        }
    },
};

/** The load balancer policies. */
export const albPolicies = [albHttpsRedirect, albDeletionProtection, targetGroupHealthCheck];
