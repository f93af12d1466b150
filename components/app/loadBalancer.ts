// WebLoadBalancer: the Application Load Balancer in front of the app servers, its target group
// and listeners: internet-facing with a domain, internal (CloudFront's VPC origin, ./cdn.ts) without.
// Mirrors the ALB part of the original Terraform `app` folder.
//
// Creates: the ALB with access logs to the region's log bucket (components/logs), an HTTP target group, and either
//  - with a domain: a DNS-validated ACM certificate (validation record in the hosted zone, and
//    the validation waiter; or one given, already issued), an HTTPS listener forwarding to the group and an HTTP listener
//    that redirects to HTTPS; or
//  - without, behind CloudFront (`originHeader`, ./cdn.ts): one HTTP listener that answers 403 and a
//    rule that forwards only requests carrying CloudFront's secret origin header; or
//  - without either: one HTTP listener forwarding to the group (plain HTTP: the stacks never do this,
//    and the policy pack refuses it, policies/alb/viewerHttps.ts).
// It does not create the site's own DNS record: the failover alias records belong to the HA
// pattern that points the name at whichever region is active.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ACCESS_LOG_PREFIX } from "../logs/bucket";
import { validatedCertificate } from "./certificate";
import { domainProblems, nonEmptyProblems } from "./validate";
import { assertValid } from "../validate";

/**
 * TLS 1.3 with TLS 1.2 fallback, the policy AWS recommends for internet-facing listeners.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export interface WebLoadBalancerArgs {
    /** The VPC the target group's instances live in. */
    vpcId: pulumi.Input<string>;
    /**
     * Subnets for the ALB, at least two in different AZs (an AWS requirement): public ones for an
     * internet-facing ALB, private ones for an `internal` one.
     * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#availability-zones
     */
    subnetIds: pulumi.Input<string>[];
    /**
     * An internal ALB (no public address), reached only through a CloudFront VPC origin
     * (OriginCdn, ./cdn.ts); for a stack without a domain, with `originHeader`. Changing it
     * replaces the ALB (`internal` is ForceNew, ops/diff/forceNew/table.json). Defaults to `false`
     * (internet-facing). Not allowed with a domain: viewers reach that ALB directly.
     * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
     */
    internal?: boolean;
    /** The ALB's security group (80/443 from the internet, egress to the app servers). */
    securityGroupId: pulumi.Input<string>;
    /** Refuse deletion of the ALB through the API (prod: true). Defaults to `false`. */
    deletionProtection?: boolean;
    /** With `hostedZoneId`: serve HTTPS for this name with an ACM certificate. Defaults to HTTP only. */
    domainName?: string;
    /** The Route 53 hosted zone that holds `domainName`, for DNS validation. Required with `domainName`. */
    hostedZoneId?: string;
    /**
     * With a domain: a certificate for `domainName` that is already issued (a dr stack's
     * AppStandby validates it in standby). Defaults to creating and validating one here
     * (./certificate.ts).
     */
    certificateArn?: pulumi.Input<string>;
    /**
     * Without a domain: the header CloudFront adds to its origin requests (OriginCdn). The HTTP
     * listener then forwards only requests that carry it with this value and answers 403 to
     * anything else, so the ALB serves only through CloudFront's HTTPS. Ignored with a domain.
     * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/restrict-access-to-load-balancer.html
     */
    originHeader?: { name: string; value: pulumi.Input<string> };
    /** The path the ALB probes on each instance. Defaults to `/`. */
    healthCheckPath?: string;
    /** HTTP codes that count as healthy. Defaults to `200-399` (a redirect to a login page is alive). */
    healthCheckMatcher?: string;
    /**
     * The bucket the ALB writes its access logs to, under `alb/`: the stack's LogBucket
     * (components/logs), whose name resolves once its policy lets ELB write.
     */
    accessLogBucket: pulumi.Input<string>;
    /** Tags for every taggable child. Defaults to none. */
    tags?: Record<string, string>;
}

/**
 * An internal ALB answers only CloudFront's VPC origin, so it needs the origin header and no
 * domain (a domain's viewers reach the ALB itself over HTTPS). Empty when the arguments agree.
 */
export function internalProblems(args: Pick<WebLoadBalancerArgs, "internal" | "domainName" | "originHeader">): string[] {
    if (args.internal !== true) return [];
    return [
        ...(args.domainName !== undefined ? [`internal must be false with domainName (viewers reach that ALB directly), got internal true with domainName ${JSON.stringify(args.domainName)}`] : []),
        ...(args.originHeader === undefined ? ["internal true needs originHeader: an internal ALB serves only through CloudFront's VPC origin (./cdn.ts)"] : []),
    ];
}

export class WebLoadBalancer extends pulumi.ComponentResource {
    /** The ALB's ARN. */
    readonly albArn: pulumi.Output<string>;
    /** For CloudWatch metrics' `LoadBalancer` dimension. */
    readonly albArnSuffix: pulumi.Output<string>;
    /** The ALB's DNS name, the target of the site's alias records. */
    readonly albDnsName: pulumi.Output<string>;
    /** The ALB's canonical hosted zone, for alias records. */
    readonly albZoneId: pulumi.Output<string>;
    /** The target group the app servers register with. */
    readonly targetGroupArn: pulumi.Output<string>;
    /** For CloudWatch metrics' `TargetGroup` dimension. */
    readonly targetGroupArnSuffix: pulumi.Output<string>;
    /** The listener on port 80 (redirecting to HTTPS with a domain; behind CloudFront, 403 unless the origin header matches). */
    readonly httpListenerArn: pulumi.Output<string>;
    /** The HTTPS listener; undefined without a domain. */
    readonly httpsListenerArn?: pulumi.Output<string>;
    /** The validated certificate; undefined without a domain. */
    readonly certificateArn?: pulumi.Output<string>;

    constructor(name: string, args: WebLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before super(), so bad arguments register nothing at all.
        assertValid("WebLoadBalancer", name, [
            ...nonEmptyProblems("subnetIds", args.subnetIds),
            ...domainProblems(args.domainName, args.hostedZoneId),
            ...internalProblems(args),
        ]);
        super("pilot-light:app:WebLoadBalancer", name, {}, opts);
        const tags = args.tags ?? {};

        const alb = new aws.lb.LoadBalancer(`${name}-alb`, {
            loadBalancerType: "application",
            internal: args.internal ?? false,
            subnets: args.subnetIds,
            securityGroups: [args.securityGroupId],
            // Drops requests with header names that are not valid HTTP, a request-smuggling vector.
            dropInvalidHeaderFields: true,
            enableDeletionProtection: args.deletionProtection ?? false,
            accessLogs: { enabled: true, bucket: args.accessLogBucket, prefix: ACCESS_LOG_PREFIX },
            tags,
        }, { parent: this });

        const targetGroup = new aws.lb.TargetGroup(`${name}-tg`, {
            port: 80,
            protocol: "HTTP",
            targetType: "instance",
            vpcId: args.vpcId,
            // The default 300 s drain slows every instance refresh and scale-in; requests are short.
            deregistrationDelay: 60,
            healthCheck: {
                enabled: true,
                protocol: "HTTP",
                path: args.healthCheckPath ?? "/",
                matcher: args.healthCheckMatcher ?? "200-399",
                interval: 30,
                timeout: 5,
                healthyThreshold: 2,
                unhealthyThreshold: 2,
            },
            tags,
        }, { parent: this });
        const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];

        // Port 80 in every shape, under one name; only what it does differs: redirect to HTTPS
        // (a domain), refuse all but CloudFront's header (behind CloudFront), or forward.
        const port80 = (defaultActions: aws.types.input.lb.ListenerDefaultAction[]) => new aws.lb.Listener(`${name}-http`, {
            loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions, tags,
        }, { parent: this });
        let httpListener: aws.lb.Listener;
        if (args.domainName !== undefined && args.hostedZoneId !== undefined) {
            // Made here, unless a dr stack made and validated it ahead of time (AppStandby).
            const certificateArn = args.certificateArn ?? validatedCertificate(name, args.domainName, args.hostedZoneId, tags, this);

            // The validation's ARN, not the certificate's: the listener waits until it is issued.
            const httpsListener = new aws.lb.Listener(`${name}-https`, {
                loadBalancerArn: alb.arn,
                port: 443,
                protocol: "HTTPS",
                sslPolicy: TLS_POLICY,
                certificateArn,
                defaultActions: forward,
                tags,
            }, { parent: this });
            httpListener = port80([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
            this.httpsListenerArn = httpsListener.arn;
            this.certificateArn = pulumi.output(certificateArn);
        } else if (args.originHeader !== undefined) {
            httpListener = port80([{
                type: "fixed-response",
                fixedResponse: { contentType: "text/plain", messageBody: "Forbidden", statusCode: "403" },
            }]);
            // An http-header condition compares case-insensitively, up to 128 characters per value.
            // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#http-header-conditions
            new aws.lb.ListenerRule(`${name}-from-cdn`, {
                listenerArn: httpListener.arn,
                priority: 1,
                conditions: [{ httpHeader: { httpHeaderName: args.originHeader.name, values: [pulumi.secret(args.originHeader.value)] } }],
                actions: forward,
                tags,
            }, { parent: this });
        } else {
            httpListener = port80(forward);
        }

        this.albArn = alb.arn;
        this.albArnSuffix = alb.arnSuffix;
        this.albDnsName = alb.dnsName;
        this.albZoneId = alb.zoneId;
        this.targetGroupArn = targetGroup.arn;
        this.targetGroupArnSuffix = targetGroup.arnSuffix;
        this.httpListenerArn = httpListener.arn;
        this.registerOutputs({
            albArn: this.albArn,
            albArnSuffix: this.albArnSuffix,
            albDnsName: this.albDnsName,
            albZoneId: this.albZoneId,
            targetGroupArn: this.targetGroupArn,
            targetGroupArnSuffix: this.targetGroupArnSuffix,
            httpListenerArn: this.httpListenerArn,
            httpsListenerArn: this.httpsListenerArn,
            certificateArn: this.certificateArn,
        });
    }
}
