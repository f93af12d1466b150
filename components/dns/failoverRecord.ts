// FailoverDns: one half of the Route 53 active-passive failover pair for the app's domain.
// The original Terraform split had no DNS layer of its own; this is the "site record" that
// components/app/loadBalancer.ts deliberately leaves out.
//
// Creates, in the given hosted zone:
//  - PRIMARY (prod): a Route 53 health check probing the prod ALB, and an A alias record to that
//    ALB with failover type PRIMARY, tied to the health check;
//  - SECONDARY (dr): an A alias record to the dr ALB with failover type SECONDARY, no health check.
// Route 53 answers with the primary while it is healthy and with the secondary otherwise.
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-failover.html
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-types.html
//
// Timing. A failing primary is noticed after about requestInterval × failureThreshold (10 s × 3
// = 30 s with the defaults): each checker needs that many consecutive failures, and Route 53
// declares the endpoint unhealthy once no more than 18% of checkers still report it healthy.
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
// Resolvers then hold the old answer for at most its TTL. Alias records have no TTL of their own
// (Route 53 rejects one) and carry the target's: 60 s for an ELB load balancer.
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-alias.html#rrsets-values-alias-ttl
// https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/using-domain-names-with-elb.html
// So clients move to dr within about 1-2 minutes of the primary failing, for resolvers that
// honour the TTL.
//
// No CloudWatch alarm on the health check. Route 53 publishes health-check metrics only in
// us-east-1, so the alarm would have to be pinned there however the stacks move; that is a
// monitoring-layer decision with its own explicit us-east-1 provider and notification target,
// not something this component should do only when it happens to run in us-east-1 (the pair
// would silently lose its alarm if prod moved region). Failover itself needs no alarm.
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { FailoverHealthCheckSettings, resolveHealthCheckSettings } from "./healthCheck";
import { failoverDnsProblems, FailoverRole } from "./validate";
import { assertValid } from "../validate";

/** Inputs of {@link FailoverDns}. */
export interface FailoverDnsArgs {
    /**
     * Which half of the pair this stack owns: `"PRIMARY"` (prod, health-checked) or
     * `"SECONDARY"` (dr, answered only while the primary is unhealthy). Required.
     * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-failover.html
     */
    role: FailoverRole;
    /**
     * The site's name, e.g. `app.example.com`; both halves must use the same name. Required.
     * A lower-case DNS name inside the hosted zone, no trailing dot, no wildcard (checked when
     * given as a plain string).
     * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html
     */
    domainName: pulumi.Input<string>;
    /**
     * The public hosted zone that holds `domainName`, e.g. `Z0123456789ABCDEFGHIJ`, without the
     * `/hostedzone/` prefix. Required; both halves must use the same zone.
     * https://docs.aws.amazon.com/Route53/latest/APIReference/API_HostedZone.html
     */
    hostedZoneId: pulumi.Input<string>;
    /**
     * This stack's ALB DNS name (WebLoadBalancer's `albDnsName`): the alias target and, on the
     * PRIMARY, what the health check probes. Required; an IPv4 ("ipv4" address type) ALB.
     * https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html
     */
    albDnsName: pulumi.Input<string>;
    /**
     * The ALB's canonical hosted zone ID (WebLoadBalancer's `albZoneId`, e.g. `Z35SXDOTRQ7X7K`
     * in us-east-1), not the site's zone. Required.
     * https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html
     */
    albZoneId: pulumi.Input<string>;
    /**
     * Tells the two records of the pair apart, e.g. `prod-us-east-1`. Required; 1-128 characters,
     * different for the two halves. Changing it replaces the record.
     * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html
     */
    setIdentifier: string;
    /**
     * How Route 53 probes the primary ALB. PRIMARY only (an error on SECONDARY); defaults to
     * HTTPS on 443, path `/`, every 10 s, 3 failures. See {@link FailoverHealthCheckSettings}.
     */
    healthCheck?: FailoverHealthCheckSettings;
    /**
     * Tags for the health check (records cannot be tagged); a `Name` tag of `<name>-health` is
     * added unless given, for the Route 53 console's list. Defaults to none.
     * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-tagging.html
     */
    tags?: Record<string, string>;
}

/**
 * One record of the Route 53 failover pair for the app's domain: PRIMARY (prod, with a health
 * check on its ALB) or SECONDARY (dr). Each stack creates its own half in the shared zone.
 */
export class FailoverDns extends pulumi.ComponentResource {
    /** The record's fully qualified name as Route 53 reports it (the site's name). */
    readonly recordFqdn: pulumi.Output<string>;
    /** The health check guarding the PRIMARY record; undefined for SECONDARY. */
    readonly healthCheckId?: pulumi.Output<string>;

    constructor(name: string, args: FailoverDnsArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before super(), so bad arguments register nothing at all.
        assertValid("FailoverDns", name, failoverDnsProblems(args));
        super("pilot-light:dns:FailoverDns", name, {}, opts);
        const tags = args.tags ?? {};

        let healthCheck: aws.route53.HealthCheck | undefined;
        if (args.role === "PRIMARY") {
            const hc = resolveHealthCheckSettings(args.healthCheck);
            healthCheck = new aws.route53.HealthCheck(`${name}-health`, {
                // The ALB's own name, not domainName: the domain resolves to whichever side is
                // active, so probing it would, after a failover, measure dr and flip prod back
                // to "healthy". AWS advises a per-endpoint name for exactly this reason.
                // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
                fqdn: args.albDnsName,
                type: hc.type,
                port: hc.port,
                resourcePath: hc.resourcePath,
                // The ALB's certificate names domainName, not its own DNS name, so the SNI name
                // does not match it. That is fine: Route 53 health checkers do not validate the
                // certificate (they retry the handshake without SNI on a mismatch), they only
                // need TLS to succeed and a 2xx/3xx answer.
                // https://aws.amazon.com/route53/faqs/ ("Do HTTPS health checks validate the endpoint's SSL certificate?")
                // https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html (EnableSNI)
                enableSni: hc.enableSni,
                requestInterval: hc.requestInterval,
                failureThreshold: hc.failureThreshold,
                // Latency graphs cost extra and cannot be changed later; failover does not use them.
                measureLatency: false,
                // regions left unset: Route 53's recommended set of checker regions, so one
                // region's network trouble cannot outvote the rest.
                tags: { Name: `${name}-health`, ...tags },
            }, { parent: this });
        }

        // A only. The ALB (components/app/loadBalancer.ts) has the default "ipv4" address type,
        // so its DNS name has no AAAA answers; an AAAA alias to it would answer nothing. Add one
        // only together with ipAddressType "dualstack".
        // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#ip-address-type
        // No `ttl`: alias records take the ALB's 60 s and Route 53 rejects a TTL on them.
        // No allowOverwrite: a hand-made record under the same name must fail the deploy, not be
        // silently adopted.
        const record = new aws.route53.Record(`${name}-a`, {
            zoneId: args.hostedZoneId,
            name: args.domainName,
            type: "A",
            aliases: [{
                name: args.albDnsName,
                zoneId: args.albZoneId,
                // The record is healthy only while the ALB has a healthy target in each target
                // group that has targets (no registered targets counts as unhealthy). On the
                // SECONDARY this keeps Route 53 from sending traffic to a dr ALB with nothing
                // behind it; on the PRIMARY it adds target health to the health check.
                // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-alias.html#rrsets-values-alias-evaluate-target-health
                evaluateTargetHealth: true,
            }],
            setIdentifier: args.setIdentifier,
            failoverRoutingPolicies: [{ type: args.role }],
            healthCheckId: healthCheck?.id,
        }, { parent: this });

        this.recordFqdn = record.fqdn;
        this.healthCheckId = healthCheck?.id;
        this.registerOutputs({
            recordFqdn: this.recordFqdn,
            healthCheckId: this.healthCheckId,
        });
    }
}
