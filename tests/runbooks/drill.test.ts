// The drill runbook: the checks in order, the teardown that always runs (also after a failed
// check, recorded with its own time), the replica never promoted, and prod only ever read.
import { strict as assert } from "assert";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { DBInstance, DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import {
    DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { AwsMocks, fakeIO, FakeWorkspace, useAwsMocks } from "./support/fakeWorkspace";
import { acceptableStatus, drillRequest, drillSteps, DrillOptions, Fetcher, runDrill } from "../../ops/runbooks/drill";
import { runSteps } from "../../ops/runbooks/runner";

const START = Date.UTC(2025, 0, 15, 3, 0, 0);
const ALB = "dr-drill-1.us-west-2.elb.amazonaws.com";

interface World {
    replica: DBInstance;
    healthy: boolean;
}

function stageAws(aws: AwsMocks, world: World) {
    aws.sts.on(GetCallerIdentityCommand).resolves({ Account: "111122223333", Arn: "arn:aws:iam::111122223333:user/operator" });
    aws.rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: "pilot-light-dr" }).callsFake(() => ({ DBInstances: [world.replica] }));
    aws.cloudwatch.on(GetMetricStatisticsCommand).callsFake((input) => ({
        Datapoints: [{ Timestamp: new Date(new Date(input.EndTime).getTime() - 60_000), Maximum: 2 }],
    }));
    aws.elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [
        { DNSName: ALB, LoadBalancerArn: "arn:aws:elasticloadbalancing:us-west-2:111122223333:loadbalancer/app/dr/1" },
    ] });
    aws.elb.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: "tg-1" }] });
    aws.elb.on(DescribeTargetHealthCommand).callsFake(() => ({ TargetHealthDescriptions: [
        { TargetHealth: { State: "healthy" } }, { TargetHealth: { State: world.healthy ? "healthy" : "unhealthy" } },
    ] }));
}

const PROD_OUTPUTS = { region: "us-east-1", dbInstanceIdentifier: "pilot-light-prod", albDnsName: "prod-alb", healthCheckId: "hc-1" };
const DR_STANDBY = { region: "us-west-2", dbInstanceIdentifier: "pilot-light-dr", mediaBucketName: "media-dr" };

function standby() {
    const world: World = { replica: { DBInstanceStatus: "available", ReadReplicaSourceDBInstanceIdentifier: "arn:prod-db" }, healthy: true };
    const ws = new FakeWorkspace({
        prod: { config: { "aws:region": "us-east-1" }, outputs: PROD_OUTPUTS },
        dr: { config: { "aws:region": "us-west-2", "pilot-light:promote": "false" }, outputs: DR_STANDBY },
    });
    // The dr program in drill mode adds the app tier outputs; without it they go away again.
    ws.onUp("dr", ({ config }) => {
        ws.setOutputs("dr", config.get("pilot-light:drill") === "true" ? { ...DR_STANDBY, albDnsName: ALB, asgName: "dr-asg" } : DR_STANDBY);
    });
    return { ws, world };
}

function fetcherFake(statuses: Array<number | Error>) {
    const urls: string[] = [];
    const fetcher: Fetcher = async (url, init) => {
        urls.push(`${init.method} ${url} redirect=${init.redirect}`);
        const next = statuses.length > 1 ? statuses.shift()! : statuses[0];
        if (next instanceof Error) throw next;
        return { status: next };
    };
    return { fetcher, urls };
}

const opts = (ws: FakeWorkspace, extra: Partial<DrillOptions> = {}): DrillOptions =>
    ({ workspace: ws, timeouts: { targetsMs: 5 * 60_000, pollMs: 30_000 }, ...extra });

/** Everything done to the prod stack, other than selecting it. */
const prodCalls = (ws: FakeWorkspace) => ws.callsTo("prod").filter((c) => c.op !== "select").map((c) => c.op);

describe("runbooks/drill", () => {
    const aws = useAwsMocks();
    beforeEach(() => aws.reset());

    it("builds, checks and tears down; the replica stays a replica and prod is only read", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        const http = fetcherFake([302]);
        const report = await runDrill(opts(ws, { fetcher: http.fetcher }), fakeIO({ start: START }));
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.deepEqual(report.steps.map((s) => [s.id, s.status]), [
            ["drill.preflight", "ok"], ["drill.up", "ok"], ["drill.targets", "ok"], ["drill.http", "ok"], ["drill.verify", "ok"], ["drill.teardown", "ok"],
        ]);
        assert.deepEqual(ws.summary().filter((l) => l.startsWith("dr.") && !/getConfig|outputs/.test(l)),
            ["dr.setConfig pilot-light:drill=true", "dr.up", "dr.removeConfig pilot-light:drill", "dr.up"]);
        assert.deepEqual(http.urls, [`GET http://${ALB}/ redirect=manual`]);
        assert.equal(report.steps[3].detail, `GET http://${ALB}/ → 302`);
        assert.equal(report.steps[4].detail, "pilot-light-dr still replicates from arn:prod-db; prod's outputs unchanged");
        assert.equal(report.steps[5].detail, "no changes; pilot-light-dr is still a replica");
        assert.deepEqual(prodCalls(ws), ["outputs", "outputs"]);
        assert.equal(ws.callsTo("prod", "up").length, 0);
        assert.deepEqual(ws.configObject("dr"), { "aws:region": "us-west-2", "pilot-light:promote": "false" });
    });

    it("still tears down when the targets never get healthy, and records both the failure and the teardown", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        world.healthy = false;
        const http = fetcherFake([200]);
        const io = fakeIO({ start: START });
        const report = await runDrill(opts(ws, { fetcher: http.fetcher }), io);
        assert.equal(report.ok, false);
        assert.deepEqual(report.steps.map((s) => [s.id, s.status]), [
            ["drill.preflight", "ok"], ["drill.up", "ok"], ["drill.targets", "failed"], ["drill.http", "not-run"], ["drill.verify", "not-run"], ["drill.teardown", "ok"],
        ]);
        assert.equal(report.steps[2].error, `timed out after 5m00s waiting for healthy targets behind ${ALB}; last seen: 1/2 targets healthy (1 unhealthy) `
            + "[the drill was torn down: no changes; pilot-light-dr is still a replica]");
        assert.equal(report.steps[5].detail, "no changes; pilot-light-dr is still a replica");
        // The check's own time excludes the teardown's.
        assert.equal(report.steps[2].durationSeconds, 300);
        assert.match(report.stoppedBecause!, /^step 3 \(Wait for healthy targets behind dr's load balancer\) failed: timed out .*\[the drill was torn down/);
        assert.deepEqual(ws.summary().filter((l) => /^dr\.(setConfig|removeConfig|up)/.test(l)),
            ["dr.setConfig pilot-light:drill=true", "dr.up", "dr.removeConfig pilot-light:drill", "dr.up"]);
        assert.deepEqual(http.urls, []);
        assert.equal(ws.callsTo("prod", "up").length, 0);
    });

    it("tears down inside the failed step when the CLI runs the steps with the plain runner", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        const http = fetcherFake([503, 503, new Error("connect ECONNREFUSED")]);
        const report = await runSteps("drill", drillSteps(opts(ws, { fetcher: http.fetcher })), fakeIO({ start: START }));
        assert.equal(report.ok, false);
        assert.equal(report.steps[3].error, `GET http://${ALB}/ failed 3 time(s), last: connect ECONNREFUSED; expected a 2xx or 3xx status. `
            + "Check the app servers' logs (user data, DB connection to the read-only replica) [the drill was torn down: no changes; pilot-light-dr is still a replica]");
        assert.equal(http.urls.length, 3);
        assert.equal(ws.callsTo("dr", "up").length, 2);
        assert.equal(ws.config("dr").get("pilot-light:drill"), undefined);
    });

    it("says so when the teardown fails too", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        ws.failUpOn("dr", 2, new Error("deleting ElastiCache cluster: InvalidCacheClusterState"));
        const report = await runDrill(opts(ws, { fetcher: fetcherFake([500]).fetcher, httpAttempts: 1 }), fakeIO({ start: START }));
        assert.equal(report.ok, false);
        assert.equal(report.steps[5].status, "failed");
        assert.equal(report.steps[5].error, "pulumi up on dr to remove the drill failed: deleting ElastiCache cluster: InvalidCacheClusterState. "
            + "The drill's app tier may still run (and cost money): fix the cause and run `pulumi up --stack dr` (pilot-light:drill is already removed)");
        assert.match(report.steps[3].error!, /\[the teardown ALSO failed: pulumi up on dr to remove the drill failed/);
    });

    it("changes nothing when preflight fails, and refuses a promoted dr or a promoted replica", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        ws.config("dr").set("pilot-light:promote", "true");
        let report = await runDrill(opts(ws), fakeIO({ start: START }));
        assert.equal(report.steps[0].error, "dr has pilot-light:promote true: dr is serving (failed over), so there is nothing to drill; "
            + "a drill needs the standby replica (pilot-light:promote false) [nothing to tear down: the drill was not started]");
        assert.equal(report.steps[5].detail, "nothing to tear down: the drill was not started");
        assert.equal(ws.callsTo("dr", "up").length, 0);

        // A drill flag left by an earlier run on a dr that is now promoted: noted, no up.
        ws.config("dr").set("pilot-light:drill", "true");
        report = await runDrill(opts(ws), fakeIO({ start: START }));
        assert.match(report.steps[5].detail!, /^nothing to tear down: the drill was not started; NOTE: pilot-light:drill is true on dr, left by an earlier run/);
        assert.equal(ws.callsTo("dr", "up").length, 0);

        const other = standby();
        other.world.replica = { DBInstanceStatus: "available" };
        stageAws(aws, other.world);
        report = await runDrill(opts(other.ws), fakeIO({ start: START }));
        assert.match(report.steps[0].error!, /^dr's database pilot-light-dr in us-west-2 is not a read replica \(it was promoted\)/);
        assert.equal(other.ws.callsTo("dr", "up").length, 0);
    });

    it("fails verification if the replica was promoted during the drill, and still tears down", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        ws.onUp("dr", ({ config }) => { if (config.get("pilot-light:drill") === "true") world.replica = { DBInstanceStatus: "available" }; });
        const report = await runDrill(opts(ws, { fetcher: fetcherFake([200]).fetcher }), fakeIO({ start: START }));
        assert.equal(report.steps[4].status, "failed");
        assert.match(report.steps[4].error!, /^dr's database pilot-light-dr is no longer a read replica after the drill; the drill must never promote it/);
        assert.equal(report.steps[5].detail, "no changes; WARNING: pilot-light-dr is NOT a replica");
    });

    it("in a dry run plans drill false→true and touches nothing", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        const requests: any[] = [];
        const planner = async (r: any) => { requests.push(r); return { changes: [], unsafe: [], text: "5 to create" }; };
        const io = fakeIO({ start: START });
        const report = await runDrill(opts(ws, { dryRun: true, planner, projectDir: "/project" }), io);
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.deepEqual(requests, [drillRequest("/project", "dr")]);
        assert.deepEqual(requests[0], { dir: "/project", stack: "dr", from: { "pilot-light:drill": "false" }, to: { "pilot-light:drill": "true" } });
        assert.equal(ws.callsTo("dr", "setConfig").length + ws.callsTo("dr", "up").length, 0);
        assert.ok(io.lines.some((l) => l.includes("5 to create")));
    });

    it("accepts 2xx and 3xx only, and rejects bad options", () => {
        assert.deepEqual([199, 200, 204, 301, 399, 400, 503].map(acceptableStatus), [false, true, true, true, true, false, false]);
        const ws = new FakeWorkspace();
        assert.throws(() => drillSteps({ workspace: ws, httpAttempts: 0 }), { message: "httpAttempts 0 is not allowed; expected a whole number of at least 1" });
        assert.throws(() => drillSteps({ workspace: ws, maxReplicaLagSeconds: -5 }),
            { message: "--max-lag-seconds -5 is not allowed; expected a number of seconds, 0 or more" });
    });
});
