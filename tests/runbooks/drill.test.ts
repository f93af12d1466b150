// The drill runbook: the checks in order, the teardown that always runs (also after a failed
// check, recorded with its own time), the replica never promoted, prod's stack only ever read,
// and the deep check through dr's app reading a marker written through prod's app.
import { strict as assert } from "assert";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { DBInstance, DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import {
    DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { AwsMocks, fakeIO, FakeWorkspace, useAwsMocks } from "./support/fakeWorkspace";
import { FakeApps, FakeDb } from "./support/fakeApps";
import { drillRequest, drillSteps, DrillOptions, runDrill } from "../../ops/runbooks/drill";
import { runSteps } from "../../ops/runbooks/runner";

const START = Date.UTC(2025, 0, 15, 3, 0, 0);
const ALB = "dr-drill-1.us-west-2.elb.amazonaws.com";
const PROD_ALB = "prod-alb-1.us-east-1.elb.amazonaws.com";
const PROD_SECRET = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod-app-app-secret-AbC";
const DR_SECRET = "arn:aws:secretsmanager:us-west-2:111122223333:secret:dr-app-app-secret-DeF";
const MARKER = { id: "drill-1", value: "v-1" };
const CHECK = "/pilot-light/deep-check";

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
        { TargetHealth: { State: world.healthy ? "healthy" : "unhealthy" } }, { TargetHealth: { State: world.healthy ? "healthy" : "unhealthy" } },
    ] }));
}

const PROD_OUTPUTS = { region: "us-east-1", dbInstanceIdentifier: "pilot-light-prod", albDnsName: PROD_ALB, appSecretArn: PROD_SECRET, healthCheckId: "hc-1" };
const DR_STANDBY = { region: "us-west-2", dbInstanceIdentifier: "pilot-light-dr", mediaBucketName: "media-dr" };

function standby() {
    const world: World = { replica: { DBInstanceStatus: "available", ReadReplicaSourceDBInstanceIdentifier: "arn:prod-db" }, healthy: true };
    const ws = new FakeWorkspace({
        prod: { config: { "aws:region": "us-east-1" }, outputs: PROD_OUTPUTS },
        dr: { config: { "aws:region": "us-west-2", "pilot-light:promote": "false" }, outputs: DR_STANDBY },
    });
    // The dr program in drill mode adds the app tier outputs; without it they go away again.
    ws.onUp("dr", ({ config }) => {
        ws.setOutputs("dr", config.get("pilot-light:drill") === "true" ? { ...DR_STANDBY, albDnsName: ALB, asgName: "dr-asg", appSecretArn: DR_SECRET } : DR_STANDBY);
    });
    return { ws, world };
}

/** prod's app on its primary, dr's app (once built) on the replica, which lags `lagReads` reads. */
function apps(aws: AwsMocks, lagReads = 0) {
    const prodDb = new FakeDb();
    return new FakeApps()
        .add(aws, PROD_ALB, PROD_SECRET, { token: "prod-token", db: prodDb })
        .add(aws, ALB, DR_SECRET, { token: "dr-token", db: new FakeDb({ readOnly: true, source: prodDb, lagReads }) });
}

const opts = (ws: FakeWorkspace, extra: Partial<DrillOptions> = {}): DrillOptions =>
    ({ workspace: ws, marker: MARKER, timeouts: { targetsMs: 5 * 60_000, appMs: 2 * 60_000, pollMs: 30_000 }, ...extra });

const STEPS = ["drill.preflight", "drill.marker", "drill.up", "drill.targets", "drill.deepCheck", "drill.verify", "drill.teardown"];

/** Everything done to the prod stack, other than selecting it. */
const prodCalls = (ws: FakeWorkspace) => ws.callsTo("prod").filter((c) => c.op !== "select").map((c) => c.op);

describe("runbooks/drill", () => {
    const aws = useAwsMocks();
    beforeEach(() => aws.reset());

    it("writes a marker through prod's app, builds, deep-checks dr's app for it, tears down; the replica stays a replica", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        const http = apps(aws);
        const report = await runDrill(opts(ws, { http: http.send }), fakeIO({ start: START }));
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.deepEqual(report.steps.map((s) => [s.id, s.status]), STEPS.map((id) => [id, "ok"]));
        assert.deepEqual(ws.summary().filter((l) => l.startsWith("dr.") && !/getConfig|outputs/.test(l)),
            ["dr.setConfig pilot-light:drill=true", "dr.up", "dr.removeConfig pilot-light:drill", "dr.up"]);
        // The marker goes to prod before dr is built, so replication has the build's time to carry it.
        assert.deepEqual(http.lines(), [
            `POST http://${PROD_ALB}${CHECK} marker=drill-1&value=v-1`,
            `GET http://${ALB}${CHECK}?marker=drill-1`,
        ]);
        assert.deepEqual(http.requests.map((r) => r.headers["X-Pilot-Light-Token"]), ["prod-token", "dr-token"]);
        assert.deepEqual(http.requests.map((r) => r.timeoutMs), [10_000, 10_000]);
        assert.equal(http.app(PROD_ALB).db.markers.get("drill-1"), "v-1");
        assert.equal(report.steps[1].detail, "marker drill-1 written to prod's database; 200 ok (PHP 8.5.1; database ok, redis ok, media ok; database writable)");
        assert.equal(report.steps[4].detail, "200 ok (PHP 8.5.1; database ok, redis ok, media ok; database read-only); prod's marker drill-1 read from the replica");
        assert.equal(report.steps[5].detail, "pilot-light-dr still replicates from arn:prod-db; prod's outputs unchanged");
        assert.equal(report.steps[6].detail, "no changes; pilot-light-dr is still a replica");
        assert.deepEqual(prodCalls(ws), ["outputs", "outputs"]);
        assert.equal(ws.callsTo("prod", "up").length, 0);
        assert.deepEqual(ws.configObject("dr"), { "aws:region": "us-west-2", "pilot-light:promote": "false" });
    });

    it("waits for replication to carry prod's marker to dr, polling on the injected clock", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        const http = apps(aws, 2);
        const io = fakeIO({ start: START });
        const report = await runDrill(opts(ws, { http: http.send }), io);
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.equal(http.requests.filter((r) => r.url.includes(ALB)).length, 3);
        assert.equal(report.steps[4].durationSeconds, 60);
        assert.ok(io.lines.some((l) => l.endsWith("200 ok, but prod's marker drill-1 is not in the replica yet")));
    });

    it("fails the deep check, and tears down, when prod's marker never reaches the replica", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        const http = apps(aws, 1000);
        const report = await runDrill(opts(ws, { http: http.send }), fakeIO({ start: START }));
        assert.equal(report.ok, false);
        assert.equal(report.steps[4].error, "timed out after 2m00s waiting for the deep check of dr's app; last seen: 200 ok, but prod's marker drill-1 "
            + "is not in the replica yet [the drill was torn down: no changes; pilot-light-dr is still a replica]");
        assert.equal(report.steps[6].status, "ok");
    });

    it("deep-checks over HTTPS as the domain when dr serves one: SNI and Host are the domain, the request goes to the ALB", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        ws.config("dr").set("pilot-light:domainName", "www.example.com");
        ws.config("dr").set("pilot-light:hostedZoneId", "Z0123456789ABC");
        const http = apps(aws);
        http.app(ALB).domainName = "www.example.com";
        const report = await runDrill(opts(ws, { http: http.send }), fakeIO({ start: START }));
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.equal(http.lines()[1], `GET https://${ALB}${CHECK}?marker=drill-1 sni=www.example.com`);
        assert.equal(http.requests[1].headers.Host, "www.example.com");
    });

    it("a redirect is not success: dr's HTTP listener answering 301 fails the deep check", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        const http = apps(aws);
        http.app(ALB).domainName = "www.example.com";
        const report = await runDrill(opts(ws, { http: http.send }), fakeIO({ start: START }));
        assert.equal(report.ok, false);
        assert.match(report.steps[4].error!, new RegExp(`; last seen: GET http://${ALB.replace(/\./g, "\\.")}${CHECK}\\?marker=drill-1 answered 301, a redirect, `
            + "not the deep check: is HTTPS configured for this stack \\(domainName and hostedZoneId\\) but the check sent over HTTP\\? \\[the drill was torn down"));
    });

    it("still tears down when the targets never get healthy, and records both the failure and the teardown", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        world.healthy = false;
        const http = apps(aws);
        const io = fakeIO({ start: START });
        const report = await runDrill(opts(ws, { http: http.send }), io);
        assert.equal(report.ok, false);
        assert.deepEqual(report.steps.map((s) => [s.id, s.status]), [
            ["drill.preflight", "ok"], ["drill.marker", "ok"], ["drill.up", "ok"], ["drill.targets", "failed"], ["drill.deepCheck", "not-run"],
            ["drill.verify", "not-run"], ["drill.teardown", "ok"],
        ]);
        assert.equal(report.steps[3].error, `timed out after 5m00s waiting for a healthy target behind ${ALB}; last seen: 0/2 targets healthy (2 unhealthy) `
            + "[the drill was torn down: no changes; pilot-light-dr is still a replica]");
        assert.equal(report.steps[6].detail, "no changes; pilot-light-dr is still a replica");
        // The check's own time excludes the teardown's.
        assert.equal(report.steps[3].durationSeconds, 300);
        assert.match(report.stoppedBecause!, /^step 4 \(Wait for healthy targets behind dr's load balancer\) failed: timed out .*\[the drill was torn down/);
        assert.deepEqual(ws.summary().filter((l) => /^dr\.(setConfig|removeConfig|up)/.test(l)),
            ["dr.setConfig pilot-light:drill=true", "dr.up", "dr.removeConfig pilot-light:drill", "dr.up"]);
        assert.deepEqual(http.lines(), [`POST http://${PROD_ALB}${CHECK} marker=drill-1&value=v-1`], "dr's app was never checked");
        assert.equal(ws.callsTo("prod", "up").length, 0);
    });

    it("tears down inside the failed step when the CLI runs the steps with the plain runner", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        const http = apps(aws);
        http.app(ALB).failing = { redis: "failed: cannot connect: Connection refused (111)" };
        const report = await runSteps("drill", drillSteps(opts(ws, { http: http.send })), fakeIO({ start: START }));
        assert.equal(report.ok, false);
        assert.equal(report.steps[4].error, "timed out after 2m00s waiting for the deep check of dr's app; last seen: "
            + `GET http://${ALB}${CHECK}?marker=drill-1 answered 503: redis failed: cannot connect: Connection refused (111) `
            + "[the drill was torn down: no changes; pilot-light-dr is still a replica]");
        assert.equal(http.requests.filter((r) => r.url.includes(ALB)).length, 5, "every 30 s for 2 minutes");
        assert.equal(ws.callsTo("dr", "up").length, 2);
        assert.equal(ws.config("dr").get("pilot-light:drill"), undefined);
    });

    it("says so when the teardown fails too", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        ws.failUpOn("dr", 2, new Error("deleting ElastiCache cluster: InvalidCacheClusterState"));
        const http = apps(aws);
        http.app(ALB).failing = { media: "failed: cannot read /var/www/html/wp-content/uploads/pilot-light/health.txt" };
        const report = await runDrill(opts(ws, { http: http.send }), fakeIO({ start: START }));
        assert.equal(report.ok, false);
        assert.equal(report.steps[6].status, "failed");
        assert.equal(report.steps[6].error, "pulumi up on dr to remove the drill failed: deleting ElastiCache cluster: InvalidCacheClusterState. "
            + "The drill's app tier may still run (and cost money): fix the cause and run `pulumi up --stack dr` (pilot-light:drill is already removed)");
        assert.match(report.steps[4].error!, /media failed: cannot read .*\[the teardown ALSO failed: pulumi up on dr to remove the drill failed/);
    });

    it("changes nothing when preflight fails, and refuses a promoted dr or a promoted replica", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        ws.config("dr").set("pilot-light:promote", "true");
        let report = await runDrill(opts(ws), fakeIO({ start: START }));
        assert.equal(report.steps[0].error, "dr has pilot-light:promote true: dr is serving (failed over), so there is nothing to drill; "
            + "a drill needs the standby replica (pilot-light:promote false) [nothing to tear down: the drill was not started]");
        assert.equal(report.steps[6].detail, "nothing to tear down: the drill was not started");
        assert.equal(ws.callsTo("dr", "up").length, 0);

        // A drill flag left by an earlier run on a dr that is now promoted: noted, no up.
        ws.config("dr").set("pilot-light:drill", "true");
        report = await runDrill(opts(ws), fakeIO({ start: START }));
        assert.match(report.steps[6].detail!, /^nothing to tear down: the drill was not started; NOTE: pilot-light:drill is true on dr, left by an earlier run/);
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
        const report = await runDrill(opts(ws, { http: apps(aws).send }), fakeIO({ start: START }));
        assert.equal(report.steps[5].status, "failed");
        assert.match(report.steps[5].error!, /^dr's database pilot-light-dr is no longer a read replica after the drill; the drill must never promote it/);
        assert.equal(report.steps[6].detail, "no changes; WARNING: pilot-light-dr is NOT a replica");
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

    it("stops in preflight, touching nothing, when prod's app cannot be deep-checked (no appSecretArn output)", async () => {
        const { ws, world } = standby();
        stageAws(aws, world);
        ws.setOutputs("prod", { ...PROD_OUTPUTS, appSecretArn: undefined });
        const http = apps(aws);
        const report = await runDrill(opts(ws, { http: http.send }), fakeIO({ start: START }));
        assert.equal(report.steps[0].error, "stack prod has no appSecretArn output, so its app cannot be deep-checked; run `pulumi up` on it "
            + "with this version of the program [nothing to tear down: the drill was not started]");
        assert.deepEqual(http.requests, []);
        assert.equal(ws.callsTo("dr", "up").length, 0);
    });

    it("rejects bad options", () => {
        const ws = new FakeWorkspace();
        assert.throws(() => drillSteps({ workspace: ws, maxReplicaLagSeconds: -5 }),
            { message: "--max-lag-seconds -5 is not allowed; expected a number of seconds, 0 or more" });
    });
});
