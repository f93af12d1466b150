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
import { pollUntil, StepContext, waiting } from "./runner";

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

/**
 * Waits until the ALB with DNS name `albDnsName` serves: at least one registered target is
 * healthy (an ALB routes only to healthy targets, so one is enough to answer users). The one
 * meaning of "targets healthy" in every runbook. Returns "N/M targets healthy behind <dns>".
 */
export async function waitTargetsHealthy(ctx: StepContext, region: string, albDnsName: string,
    timing: { timeoutMs: number; intervalMs: number }): Promise<string> {
    const lb = await findLoadBalancerByDns(region, albDnsName);
    return pollUntil(ctx, `a healthy target behind ${albDnsName}`, async () => {
        const h = await targetHealth(region, lb.LoadBalancerArn!);
        if (h.healthy >= 1) return `${h.healthy}/${h.total} targets healthy behind ${albDnsName}`;
        const others = Object.entries(h.others).map(([s, n]) => `${n} ${s}`).join(", ");
        return waiting(`${h.healthy}/${h.total} targets healthy${others ? ` (${others})` : ""}`);
    }, timing);
}
