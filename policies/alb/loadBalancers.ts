// Well-known load balancer rules for the web tier's ALB: HTTP redirects to HTTPS where the same
// load balancer serves TLS, the prod ALB cannot be deleted by accident, and target groups check health.
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { heldToProdRules, q, T } from "../lib/resources";

const LISTENER_TYPES: readonly string[] = [T.listener, T.albListener];
const LOAD_BALANCER_TYPES: readonly string[] = [T.loadBalancer, T.albLoadBalancer];
const TARGET_GROUP_TYPES: readonly string[] = [T.targetGroup, "aws:alb/targetGroup:TargetGroup"];

/** True when a listener's default actions redirect to HTTPS. */
export function redirectsToHttps(listenerProps: Record<string, any>): boolean {
    const actions: any[] = Array.isArray(listenerProps.defaultActions) ? listenerProps.defaultActions : [];
    return actions.some((a) => a?.type === "redirect" && a.redirect?.protocol === "HTTPS");
}

/** The load balancer a listener belongs to, through its `loadBalancerArn` property dependency. */
function loadBalancerOf(listener: PolicyResource): PolicyResource | undefined {
    return (listener.propertyDependencies.loadBalancerArn ?? []).find((d) => LOAD_BALANCER_TYPES.includes(d.type));
}

export const albHttpsRedirect: StackValidationPolicy = {
    name: "alb-https-redirect",
    description: "An HTTP listener on a load balancer that also serves HTTPS redirects to HTTPS, so no client keeps "
        + "using plain HTTP where TLS is offered (Checkov CKV2_AWS_20, AWS Config alb-http-to-https-redirection-check).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const listeners = args.resources.filter((r) => LISTENER_TYPES.includes(r.type));
        // Listeners are grouped by load balancer through their property dependencies, which stay
        // known in a preview (the ARN itself does not); a listener whose load balancer is not in
        // this stack shares a group with every other such listener.
        const key = (l: PolicyResource): string => loadBalancerOf(l)?.urn ?? "";
        const servesTls = new Set(listeners.filter((l) => l.props.protocol === "HTTPS").map(key));
        for (const listener of listeners.filter((l) => l.props.protocol === "HTTP" && servesTls.has(key(l)))) {
            if (!redirectsToHttps(listener.props)) {
                const lb = loadBalancerOf(listener);
                reportViolation(`HTTP listener ${q(listener.name)} does not redirect to HTTPS although `
                    + `${lb ? `load balancer ${q(lb.name)}` : "the stack"} serves HTTPS; make its default action a redirect with protocol "HTTPS"`,
                    listener.urn);
            }
        }
    },
};

export const albDeletionProtection: ResourceValidationPolicy = {
    name: "alb-deletion-protection",
    description: "A prod load balancer (tagged pilot-light:role=primary, untagged, or a hardened dr's) has deletion protection on "
        + "(Checkov CKV_AWS_150, AWS Config elb-deletion-protection-enabled, AWSGuard elb-deletion-protection-enabled).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!LOAD_BALANCER_TYPES.includes(args.type) || !heldToProdRules(args.props)) {
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
