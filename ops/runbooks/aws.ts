// Small helpers shared by the runbooks' AWS calls: reading SDK v3 errors the same way everywhere,
// and the few lookups more than one runbook needs (the ALB behind a DNS name, its healthy targets).
// Clients are created per call with `awsClient(XClient, region)` (clients.ts: timeouts, retries,
// cancellation, one place): a runbook talks to two regions, and
// aws-sdk-client-mock replaces every instance in tests, so there is nothing to inject.
import {
    DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand,
    ElasticLoadBalancingV2Client, LoadBalancer,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeNetworkInterfacesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { awsClient } from "./clients";
import {
    ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, ResourceRecordSet, Route53Client,
} from "@aws-sdk/client-route-53";

/** The SDK v3 error name (`DBInstanceNotFoundFault`, `AccessDenied`), or "" for non-AWS errors. */
export function awsErrorName(e: unknown): string {
    const err = e as { name?: unknown; Code?: unknown; code?: unknown } | undefined;
    const name = err?.name ?? err?.Code ?? err?.code;
    return typeof name === "string" ? name : "";
}

/** "Name: message" for an SDK error, the message alone for anything else; for operator messages. */
export function describeAwsError(e: unknown): string {
    const message = (e as { message?: unknown } | undefined)?.message;
    const text = typeof message === "string" && message ? message : String(e);
    const name = awsErrorName(e);
    return name && name !== "Error" && !text.startsWith(name) ? `${name}: ${text}` : text;
}

/**
 * Finds the load balancer whose DNS name is `dnsName` (as a stack output reports it) in `region`.
 * Throws, naming the DNS name and region, when there is none: DescribeLoadBalancers filters by
 * name or ARN only, so the runbooks page through all of them and match the DNS name.
 */
export async function findLoadBalancerByDns(region: string, dnsName: string): Promise<LoadBalancer> {
    const elb = awsClient(ElasticLoadBalancingV2Client, region);
    const wanted = normaliseDns(dnsName);
    let marker: string | undefined;
    do {
        const page = await elb.send(new DescribeLoadBalancersCommand({ Marker: marker }));
        const match = (page.LoadBalancers ?? []).find((lb) => normaliseDns(lb.DNSName ?? "") === wanted);
        if (match) return match;
        marker = page.NextMarker;
    } while (marker);
    throw new Error(`no load balancer with DNS name ${dnsName} in ${region}; the stack output albDnsName does not match any ALB `
        + `there (was the app tier deleted outside Pulumi, or is the stack's state stale? \`pulumi refresh\` shows which)`);
}

/** Healthy and total registered targets across every target group of the load balancer. */
export interface TargetHealthSummary {
    healthy: number;
    total: number;
    /** Target states other than healthy, e.g. { initial: 2, unhealthy: 1 }. */
    others: Record<string, number>;
}

/** Counts target health across the load balancer's target groups (DescribeTargetHealth per group). */
export async function targetHealth(region: string, loadBalancerArn: string): Promise<TargetHealthSummary> {
    const elb = awsClient(ElasticLoadBalancingV2Client, region);
    const summary: TargetHealthSummary = { healthy: 0, total: 0, others: {} };
    let marker: string | undefined;
    do {
        const page = await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: loadBalancerArn, Marker: marker }));
        for (const group of page.TargetGroups ?? []) {
            const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.TargetGroupArn }));
            for (const d of health.TargetHealthDescriptions ?? []) {
                const state = d.TargetHealth?.State ?? "unknown";
                summary.total++;
                if (state === "healthy") summary.healthy++;
                else summary.others[state] = (summary.others[state] ?? 0) + 1;
            }
        }
        marker = page.NextMarker;
    } while (marker);
    return summary;
}

/** Lower case without the trailing dot, so `X.elb.amazonaws.com.` and `x.elb.amazonaws.com` compare equal. */
export function normaliseDns(name: string): string {
    return name.trim().toLowerCase().replace(/\.$/, "");
}

/**
 * The addresses of an ALB: the public and private IPv4 addresses of its network interfaces,
 * whose description is `ELB app/<name>/<id>`. Route 53 answers an alias to the ALB with these,
 * so a DNS check compares its answer with them. Read fresh each time: an ALB's addresses change
 * as it scales.
 */
export async function loadBalancerAddresses(region: string, loadBalancerArn: string): Promise<Set<string>> {
    const suffix = loadBalancerArn.slice(loadBalancerArn.indexOf(":loadbalancer/") + ":loadbalancer/".length);
    const ec2 = awsClient(EC2Client, region);
    const ips = new Set<string>();
    let nextToken: string | undefined;
    do {
        const page = await ec2.send(new DescribeNetworkInterfacesCommand({
            Filters: [{ Name: "description", Values: [`ELB ${suffix}`] }], NextToken: nextToken,
        }));
        for (const eni of page?.NetworkInterfaces ?? []) {
            if (eni.Association?.PublicIp) ips.add(eni.Association.PublicIp);
            if (eni.PrivateIpAddress) ips.add(eni.PrivateIpAddress);
        }
        nextToken = page?.NextToken;
    } while (nextToken);
    return ips;
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
 * which `pulumi up` cannot do because prod's state still holds the original alias. Route 53's
 * control plane is addressed in us-east-1.
 */
export async function aliasPrimaryRecord(hostedZoneId: string, domainName: string, target: { region: string; albDnsName: string },
    comment: string): Promise<PrimaryRecordChange> {
    const name = `${normaliseDns(domainName)}.`;
    const r53 = awsClient(Route53Client, "us-east-1");
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
