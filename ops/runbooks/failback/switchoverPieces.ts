// The pieces of the switchover (step 4): the countdown to the scheduled time, freezing dr's
// writers, waiting for prod's replica to have everything, and undoing the failover's fence.
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { awsClient } from "../clients";
import { aliasPrimaryRecord } from "../route53";
import { formatDuration, pollUntil, StepContext, waiting } from "../runner";
import { FailbackTimeouts } from "./options";

/** Waits until `at` (ms since the epoch), showing the time left at most every `everyMs`. */
export async function countdown(ctx: StepContext, at: number, everyMs: number): Promise<void> {
    for (;;) {
        const left = at - ctx.io.now();
        if (left <= 0) return;
        ctx.progress(`switchover at ${new Date(at).toISOString()}, in ${formatDuration(left / 1000)}`);
        await ctx.io.sleep(Math.min(left, Math.max(1000, everyMs)));
    }
}

export async function setAsgSize(region: string, name: string, min: number, desired: number): Promise<void> {
    await awsClient(AutoScalingClient, region).send(new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: name, MinSize: min, DesiredCapacity: desired,
    }));
}

/**
 * Freezes writes on dr by scaling its app servers to zero and waiting until none is InService.
 * The site is down from here until DNS answers with prod: the only way to guarantee that no
 * write lands on dr's database after prod's replica has caught up. Returns the sizes to restore
 * (absent when it was already frozen) and when the last server left service.
 */
export async function freezeAsg(ctx: StepContext, region: string, name: string, t: Pick<FailbackTimeouts, "freezeMs" | "pollMs">):
    Promise<{ at: number; previous?: { min: number; desired: number } }> {
    const asg = awsClient(AutoScalingClient, region);
    const describe = async () => {
        const group = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
        if (!group) throw new Error(`Auto Scaling group ${name} not found in ${region}; dr's asgName output is stale (pulumi refresh on dr)`);
        return group;
    };
    const group = await describe();
    const previous = (group.MinSize ?? 0) > 0 || (group.DesiredCapacity ?? 0) > 0
        ? { min: group.MinSize ?? 0, desired: group.DesiredCapacity ?? 0 } : undefined;
    await setAsgSize(region, name, 0, 0);
    ctx.progress(`${name}: MinSize and DesiredCapacity set to 0 (were ${previous ? `${previous.min}/${previous.desired}` : "already 0"}); writes on dr stop as instances drain`);
    await pollUntil(ctx, `${name} to have no InService instances`, async () => {
        const inService = ((await describe()).Instances ?? []).filter((i) => i.LifecycleState === "InService").length;
        return inService === 0 ? `${name} has no InService instances` : waiting(`${inService} InService`);
    }, { timeoutMs: t.freezeMs, intervalMs: t.pollMs });
    // Measured once the last server has left service (after the ALB's deregistration delay let its
    // requests finish): from here nothing writes to dr's database.
    return { at: ctx.io.now(), previous };
}

/**
 * Waits until the replica's ReplicaLag (CloudWatch, 1-minute Maximum) is 0 in two consecutive
 * datapoints that both start after the freeze: one zero could be a sample taken before the last
 * writes arrived; two whole minutes at zero with no writers left means it has everything.
 */
export async function waitLagZero(ctx: StepContext, region: string, identifier: string, since: number,
    t: Pick<FailbackTimeouts, "drainMs" | "pollMs">): Promise<string> {
    const cw = awsClient(CloudWatchClient, region);
    return pollUntil(ctx, `${identifier} ReplicaLag 0 in two datapoints after the freeze`, async () => {
        const out = await cw.send(new GetMetricStatisticsCommand({
            Namespace: "AWS/RDS", MetricName: "ReplicaLag",
            Dimensions: [{ Name: "DBInstanceIdentifier", Value: identifier }],
            StartTime: new Date(since), EndTime: new Date(ctx.io.now()), Period: 60, Statistics: ["Maximum"],
        }));
        const points = (out.Datapoints ?? [])
            .filter((p) => p.Timestamp && typeof p.Maximum === "number" && new Date(p.Timestamp).getTime() >= since)
            .sort((a, b) => new Date(a.Timestamp!).getTime() - new Date(b.Timestamp!).getTime());
        const last = points.slice(-2);
        if (last.length === 2 && last.every((p) => p.Maximum === 0)) return `${identifier} ReplicaLag 0 for 2 datapoints`;
        return waiting(points.length ? `latest ${points[points.length - 1].Maximum}s (${points.length} datapoints since the freeze)` : "no datapoints since the freeze yet");
    }, { timeoutMs: t.drainMs, intervalMs: t.pollMs });
}

/**
 * Points prod's PRIMARY failover record back at prod's ALB. The failover runbook "fences" prod
 * by aliasing that record to dr's ALB with a direct Route 53 change, so that a recovering prod
 * region cannot pull users back to a stale database. Pulumi's state still holds the original
 * alias, so `pulumi up` sees no difference and would leave the fence in place; this UPSERT
 * restores exactly what the FailoverDns component declares (alias to the ALB, evaluate target
 * health, same set identifier and health check). A record that already aliases prod is left alone.
 */
export async function unfencePrimary(region: string, hostedZoneId: string, domainName: string, albDnsName: string): Promise<string> {
    const { name, primary, unchanged } = await aliasPrimaryRecord(hostedZoneId, domainName, { region, albDnsName },
        "pilot-light failback: point the PRIMARY record at prod again (undo the failover fence)");
    if (!primary) {
        throw new Error(`no PRIMARY failover record ${name} in hosted zone ${hostedZoneId}, although prod has a domain configured; `
            + `run \`pulumi refresh\` and \`pulumi up\` on prod to recreate it, then resume with --from-step 4`);
    }
    if (unchanged) return `PRIMARY record ${name} already aliases prod's ALB`;
    return `PRIMARY record ${name} aliases prod's ALB again (was ${primary.AliasTarget?.DNSName ?? "no alias"})`;
}
