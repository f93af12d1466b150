// Route 53 as the runbooks use its API (the control plane, one per partition: us-east-1 for the
// aws partition, cn-northwest-1 for aws-cn; during an outage there it may not answer, so every
// caller treats these calls as best effort): what its health
// checkers see, and repointing the PRIMARY failover record (the fence, and failback's unfence).
// DNS answers are checked on the data plane instead (dns.ts).
import {
    ChangeResourceRecordSetsCommand, GetHealthCheckStatusCommand, ListResourceRecordSetsCommand, ResourceRecordSet, Route53Client,
} from "@aws-sdk/client-route-53";
import { LoadBalancer } from "@aws-sdk/client-elastic-load-balancing-v2";
import { partitionOf } from "../../components/regions";
import { route53ApiRegion } from "../../components/partition";
import { awsClient } from "./clients";
import { findLoadBalancerByDns, normaliseDns } from "./aws";
import { pollUntil, StepContext, waiting } from "./runner";

/**
 * The region Route 53's API is addressed in for stacks in `region`: its partition's control
 * plane (components/partition.ts, route53ApiRegion), never the stack's own region.
 */
export function route53RegionFor(region: string): string {
    return route53ApiRegion(partitionOf(region));
}

/**
 * Route 53 considers an endpoint healthy when more than 18% of its checkers report it healthy,
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
 */
export const HEALTHY_FRACTION = 0.18;

/** What Route 53's checkers report for one health check. */
export interface HealthCheckView {
    healthy: number;
    total: number;
    /** Route 53's verdict: more than 18% of the checkers see the endpoint healthy. */
    isHealthy: boolean;
}

/**
 * GetHealthCheckStatus, summarised, asked of the Route 53 API of `region`'s partition. Throws
 * (AwsUnreachableError when the API does not answer).
 */
export async function healthCheckView(healthCheckId: string, region: string): Promise<HealthCheckView> {
    const out = await awsClient(Route53Client, route53RegionFor(region)).send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }));
    const observations = out.HealthCheckObservations ?? [];
    const healthy = observations.filter((o) => (o.StatusReport?.Status ?? "").startsWith("Success")).length;
    return { healthy, total: observations.length, isHealthy: observations.length > 0 && healthy / observations.length > HEALTHY_FRACTION };
}

/** Waits until Route 53 (of `region`'s partition) considers the health check healthy. */
export async function waitHealthCheck(ctx: StepContext, healthCheckId: string, region: string,
    timing: { timeoutMs: number; intervalMs: number }): Promise<string> {
    return pollUntil(ctx, `Route 53 health check ${healthCheckId} to be healthy`, async () => {
        const view = await healthCheckView(healthCheckId, region);
        if (view.isHealthy) return `health check ${healthCheckId} healthy (${view.healthy}/${view.total} checkers)`;
        return waiting(`${view.healthy}/${view.total} checkers report success`);
    }, timing);
}

/** What `aliasPrimaryRecord` found and did. */
export interface PrimaryRecordChange {
    /** The record name, fully qualified with the trailing dot. */
    name: string;
    /** Undefined when the zone has no PRIMARY failover A record of that name. */
    primary?: ResourceRecordSet;
    /** The record already aliased the load balancer: nothing was changed. */
    unchanged: boolean;
    /** The load balancer, looked up only once the record is found. */
    lb?: LoadBalancer;
}

/**
 * Points the PRIMARY failover A record of `domainName` at `lb`, keeping everything else of the
 * record (set identifier, failover, health check). The failover runbook uses it to fence prod
 * (alias to dr's ALB); failback's switchover uses it to undo that (alias to prod's ALB again),
 * which `pulumi up` cannot do because prod's state still holds the original alias.
 */
export async function aliasPrimaryRecord(hostedZoneId: string, domainName: string, target: { region: string; albDnsName: string },
    comment: string): Promise<PrimaryRecordChange> {
    const name = `${normaliseDns(domainName)}.`;
    const r53 = awsClient(Route53Client, route53RegionFor(target.region));
    const listed = await r53.send(new ListResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId, StartRecordName: name, StartRecordType: "A", MaxItems: 10,
    }));
    const primary = (listed?.ResourceRecordSets ?? []).find((r) => r.Name === name && r.Type === "A" && r.Failover === "PRIMARY");
    if (!primary) return { name, unchanged: false };
    const lb = await findLoadBalancerByDns(target.region, target.albDnsName);
    const current = normaliseDns(primary.AliasTarget?.DNSName ?? "").replace(/^dualstack\./, "");
    if (current === normaliseDns(lb.DNSName!)) return { name, primary, unchanged: true, lb };
    await r53.send(new ChangeResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId,
        ChangeBatch: {
            Comment: comment,
            Changes: [{
                Action: "UPSERT",
                ResourceRecordSet: {
                    ...primary,
                    AliasTarget: { HostedZoneId: lb.CanonicalHostedZoneId!, DNSName: lb.DNSName!, EvaluateTargetHealth: true },
                },
            }],
        },
    }));
    return { name, primary, unchanged: false, lb };
}
