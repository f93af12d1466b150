// What the failover does about prod before the irreversible promotion: ask Route 53's checkers
// whether prod is really down (a healthy prod means promoting dr would make two writable
// databases), and, if prod's regional API still answers, stop prod's app servers so prod stops
// writing. Both are best effort: Route 53's API lives in one region (us-east-1 in the aws
// partition) and prod's region may be the one that is down, so "could not ask" is said and the
// run goes on.
import {
    AutoScalingClient, DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { describeAwsError } from "../aws";
import { awsClient, isUnreachable } from "../clients";
import { healthCheckView, route53RegionFor } from "../route53";
import { StepWarning, stepWarning } from "../runner";
import { FailoverState } from "./stacks";

/**
 * Reads what Route 53's health checkers see of prod. Healthy: throws unless `force` (prod may be
 * serving; promoting dr now splits the brain). Unreadable: a warning, and the run goes on.
 */
export async function checkProdHealth(st: FailoverState, prodName: string, force: boolean): Promise<string | StepWarning> {
    if (!st.domainName) return "skipped: no domain is configured (pilot-light:domainName), so there are no Route 53 health checks";
    const id = st.prodOutputs.healthCheckId;
    if (!id) {
        return stepWarning("unchecked", `${prodName} has no healthCheckId output, so what Route 53 sees of prod is unknown; `
            + `check by hand that prod is down for users before confirming`);
    }
    let view;
    try {
        view = await healthCheckView(id, st.drRegion);
    } catch (e) {
        const where = isUnreachable(e) ? `Route 53's API (in ${route53RegionFor(st.drRegion)}) did not answer` : `reading it failed`;
        return stepWarning("unchecked", `could not read what Route 53's checkers see of prod (health check ${id}): ${where}: `
            + `${describeAwsError(e)}. Going on: check by hand that prod is down for users before confirming`);
    }
    st.prodHealthy = view.isHealthy;
    if (view.total === 0) return stepWarning("unchecked", `health check ${id} has no checker observations yet; prod's health is unknown`);
    if (!view.isHealthy) {
        return `prod is unhealthy to Route 53 (${view.healthy} of ${view.total} checkers see it healthy): DNS already fails over to dr`;
    }
    const seen = `${view.healthy} of ${view.total} Route 53 checkers see prod healthy (health check ${id})`;
    if (force) return stepWarning("unchecked", `${seen}; going on because of --force`);
    throw new Error(`${seen}: prod may still be serving, and promoting dr now would leave two writable databases. Not promoting. `
        + `If prod is down for users although its health check passes (for example its database is gone), re-run with --force`);
}

/** What `stopProdWrites` did, for the promote step's record. */
export interface ProdWrites {
    /** No app server of prod's is known to be left running (stopped now, or there were none). */
    stopped: boolean;
    detail: string;
}

/**
 * Scales prod's Auto Scaling group to 0 (MinSize and DesiredCapacity), so prod's app servers stop
 * writing to prod's database before dr's is promoted. Best effort: when prod's region does not
 * answer (the usual case in a regional outage) or the call fails, it says so and the failover
 * goes on; prod's PRIMARY record is fenced after the promotion either way.
 */
export async function stopProdWrites(st: FailoverState, prodName: string): Promise<ProdWrites> {
    const name = st.prodOutputs.asgName;
    if (typeof name !== "string" || !name) return { stopped: true, detail: `${prodName} has no asgName output: no app servers to stop` };
    const asg = awsClient(AutoScalingClient, st.prodRegion);
    try {
        const group = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
        if (!group) return { stopped: true, detail: `${name} not found in ${st.prodRegion}: no app servers to stop` };
        const was = `${group.MinSize ?? 0}/${group.DesiredCapacity ?? 0}`;
        await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: 0, DesiredCapacity: 0 }));
        return { stopped: true, detail: `${prodName}'s app servers stopped: ${name} scaled to 0 (min/desired was ${was})` };
    } catch (e) {
        return { stopped: false, detail: `${prodName}'s app servers NOT stopped (${describeAwsError(e)}); if ${st.prodRegion} comes back they may `
            + `write to prod's old database: scale ${name} to 0 there when it answers` };
    }
}
