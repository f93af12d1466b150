// The failover runbook end to end against FakeWorkspace and mocked AWS: step order, the config
// it sets, what it restores or keeps when `pulumi up` fails, verification with and without a
// domain, and the timeline measured on an injected clock.
import { strict as assert } from "assert";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { GetServiceQuotaCommand } from "@aws-sdk/client-service-quotas";
import {
    DescribeImagesCommand, DescribeInstancesCommand, DescribeInstanceTypesCommand, DescribeNetworkInterfacesCommand,
} from "@aws-sdk/client-ec2";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import {
    DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
    ChangeResourceRecordSetsCommand, GetHealthCheckStatusCommand, ListResourceRecordSetsCommand, TestDNSAnswerCommand,
} from "@aws-sdk/client-route-53";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { failoverSteps, FailoverOptions, OfflinePlanner, PlanRequest, runFailover } from "../../ops/runbooks/failover";
import { fakeIO, FakeWorkspace, useAwsMocks } from "./support/fakeWorkspace";
import { FakeApps, FakeDb } from "./support/fakeApps";
import { main, CliEnv } from "../../ops/runbook";
import { renderTimeline } from "../../ops/runbooks/runner";
import { exitCode } from "../../ops/runbook";
import { fakeDns } from "./support/fakeDns";

const aws = useAwsMocks();
const START = Date.UTC(2025, 0, 15, 3, 0, 0);
const ALB_DNS = "pl-dr-alb-123456.us-west-2.elb.amazonaws.com";
const ALB_ARN = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/pl-dr-alb/50dc6c495c0c9188";
const DR_SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:pl-dr-app-app-secret-AbC";
const PROMOTED_OUTPUTS = {
    region: "us-west-2", dbInstanceIdentifier: "pl-dr-db", appImageId: "ami-0123",
    albDnsName: ALB_DNS, albZoneId: "Z1H1FL5HABSF5", asgName: "pl-dr-asg", appSecretArn: DR_SECRET,
};
const MARKER = { id: "failover-1", value: "v-1" };
const STEP_IDS = [
    "preflight.stacks", "preflight.credentials", "preflight.backend", "preflight.secrets", "preflight.replica", "preflight.lag",
    "preflight.prodHealth", "preflight.quotas", "preflight.image", "promote", "verify.targets", "verify.app", "fence", "verify.dns",
];

/** What AWS looks like: a healthy standby whose replica is promoted when dr's `up` runs. */
let db: { promoted: boolean; exists: boolean };
/** dr's app once built, on the promoted (writable) database. */
let apps: FakeApps;

function stageAws(opts: { lag?: number; quota?: number } = {}) {
    db = { promoted: false, exists: true };
    apps = new FakeApps().add(aws, ALB_DNS, DR_SECRET, { token: "dr-token", db: new FakeDb() });
    aws.sts.on(GetCallerIdentityCommand).resolves({ Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/ops" });
    aws.rds.on(DescribeDBInstancesCommand).callsFake(() => {
        if (!db.exists) throw new DBInstanceNotFoundFault({ message: "DBInstance pl-dr-db not found.", $metadata: {} });
        return { DBInstances: [{
            DBInstanceIdentifier: "pl-dr-db", DBInstanceStatus: "available",
            ReadReplicaSourceDBInstanceIdentifier: db.promoted ? undefined : "arn:aws:rds:us-east-1:123456789012:db:pl-prod-db",
        }] };
    });
    aws.cloudwatch.on(GetMetricStatisticsCommand).resolves({ Datapoints: [{ Timestamp: new Date(START - 60_000), Maximum: opts.lag ?? 2 }] });
    aws.ec2.on(DescribeInstanceTypesCommand).resolves({ InstanceTypes: [{ InstanceType: "t3.medium", VCpuInfo: { DefaultVCpus: 2 } }] });
    aws.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    aws.quotas.on(GetServiceQuotaCommand, { QuotaCode: "L-1216C47A" }).resolves({ Quota: { Value: opts.quota ?? 64 } });
    aws.quotas.on(GetServiceQuotaCommand, { QuotaCode: "L-CDE20ADC" }).resolves({ Quota: { Value: 500 } });
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    aws.ec2.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: "ami-0123", Name: "app", State: "available" }] });
    aws.elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [
        { DNSName: "other.us-west-2.elb.amazonaws.com", LoadBalancerArn: "arn:other" },
        { DNSName: ALB_DNS, LoadBalancerArn: ALB_ARN },
    ] });
    aws.elb.on(DescribeTargetGroupsCommand, { LoadBalancerArn: ALB_ARN }).resolves({ TargetGroups: [{ TargetGroupArn: "arn:tg" }] });
    aws.elb.on(DescribeTargetHealthCommand)
        .resolvesOnce({ TargetHealthDescriptions: [{ TargetHealth: { State: "initial" } }, { TargetHealth: { State: "initial" } }] })
        .resolves({ TargetHealthDescriptions: [{ TargetHealth: { State: "healthy" } }, { TargetHealth: { State: "initial" } }] });
}

function workspace(opts: { domain?: boolean; backend?: string; cdn?: string } = {}) {
    const domain: Record<string, string> = opts.domain ? { "pilot-light:domainName": "www.example.com", "pilot-light:hostedZoneId": "Z0123456789ABC" } : {};
    const ws = new FakeWorkspace({
        prod: {
            config: { "aws:region": "us-east-1", ...domain },
            outputs: { region: "us-east-1", dbInstanceIdentifier: "pl-prod-db", ...(opts.domain ? { healthCheckId: "hc-1", domainName: "www.example.com" } : {}) },
        },
        dr: {
            config: { "aws:region": "us-west-2", "pilot-light:promote": "false", "pilot-light:peerStack": "prod", "pilot-light:appMaxSize": "4", ...domain },
            outputs: { region: "us-west-2", dbInstanceIdentifier: "pl-dr-db", appImageId: "ami-0123" },
        },
    }, opts.backend);
    if (opts.domain) apps.app(ALB_DNS).domainName = "www.example.com";
    ws.scriptUp("dr", { lines: ["Updating (dr)", "+ aws:lb:LoadBalancer alb created", "Resources: 31 created"], changes: { create: 31, update: 1, same: 40 },
        outputs: { ...PROMOTED_OUTPUTS, ...(opts.cdn ? { cdnDomainName: opts.cdn } : {}) } });
    return ws;
}

const plans: PlanRequest[] = [];
const planner: OfflinePlanner = async (request) => {
    plans.push(request);
    return { changes: [], unsafe: [], text: "31 to create, 1 to update, 0 to replace, 0 to delete" };
};

function options(ws: FakeWorkspace, extra: Partial<FailoverOptions> = {}): FailoverOptions {
    return { workspace: ws, dir: "/work/main", planner, intervalMs: 15_000, timeoutMs: 5 * 60_000, http: apps.send, marker: MARKER, ...extra };
}

const statuses = (report: { steps: { id: string; status: string }[] }) => Object.fromEntries(report.steps.map((s) => [s.id, s.status]));

describe("runbooks: failover", () => {
    beforeEach(() => { aws.reset(); plans.length = 0; });

    it("without a domain: checks the app through dr's CloudFront distribution over HTTPS and prints where to send users", async () => {
        stageAws();
        const cdn = "d111111abcdef8.cloudfront.net";
        // The ALB answers only CloudFront (components/app/cdn.ts): the app is reached under the distribution's name.
        apps.add(aws, cdn, DR_SECRET, apps.app(ALB_DNS));
        const ws = workspace({ cdn });
        const io = fakeIO({ start: START });
        ws.onUp("dr", () => { io.advance(300_000); db.promoted = true; });

        const report = await runFailover(options(ws), io);

        assert.equal(report.ok, true, report.stoppedBecause);
        assert.deepEqual(apps.lines(), [
            `POST https://${cdn}/pilot-light/deep-check marker=failover-1&value=v-1`,
            `GET https://${cdn}/pilot-light/deep-check?marker=failover-1`,
        ]);
        const byId = Object.fromEntries(report.steps.map((s) => [s.id, s]));
        assert.equal(byId["verify.dns"].detail, "skipped: no domain is configured (pilot-light:domainName), so no DNS moves users; "
            + `send them to https://${cdn} (dr's CloudFront distribution)`);
    });

    it("happy path: every check, then promote (set promote, one up on dr), then verify; timeline measured", async () => {
        stageAws();
        const ws = workspace();
        const io = fakeIO({ start: START });
        ws.onUp("dr", () => { io.advance(300_000); db.promoted = true; });

        const report = await runFailover(options(ws), io);

        assert.equal(report.ok, true, report.stoppedBecause);
        assert.deepEqual(report.steps.map((s) => s.id), STEP_IDS);
        assert.ok(report.steps.every((s) => s.status === "ok"));
        assert.equal(ws.configObject("dr")["pilot-light:promote"], "true");
        assert.equal(ws.callsTo("dr", "up").length, 1);
        assert.equal(ws.callsTo("prod", "up").length, 0);
        assert.deepEqual(ws.callsTo("prod", "setConfig"), []);
        const writes = ws.summary().filter((c) => /setConfig|removeConfig|up/.test(c));
        assert.deepEqual(writes, ["dr.setConfig pilot-light:promote=true", "dr.up"]);
        // The plan shown before the one question is the offline diff of promote false→true on dr.
        assert.deepEqual(plans, [{ dir: "/work/main", stack: "dr", from: { "pilot-light:promote": "false" }, to: { "pilot-light:promote": "true" } }]);
        assert.deepEqual(io.questions, ["Stop prod's app servers if its region answers, promote the dr replica and build the app tier: this changes data. Continue?"]);
        assert.ok(io.lines.some((l) => l.includes("31 to create, 1 to update")));
        // Engine lines are forwarded as progress of the promote step.
        assert.ok(io.lines.includes("  [0.0s] + aws:lb:LoadBalancer alb created"));

        const byId = Object.fromEntries(report.steps.map((s) => [s.id, s]));
        assert.equal(byId.promote.durationSeconds, 300);
        assert.equal(byId.promote.detail, `pulumi up on dr: 31 create, 1 update; ALB ${ALB_DNS}; prod has no asgName output: no app servers to stop`);
        assert.equal(byId["verify.targets"].durationSeconds, 15);
        assert.equal(byId["verify.targets"].detail, `1/2 targets healthy behind ${ALB_DNS}`);
        assert.equal(byId["preflight.quotas"].detail, "4 × t3.medium = 8 vCPUs fits: Standard (A, C, D, H, I, M, R, T, Z) quota 64, 0 in use, 64 available; Auto Scaling groups 0/500 + 1");
        assert.match(byId["verify.dns"].detail!, /^skipped: no domain is configured/);
        assert.match(byId["preflight.prodHealth"].detail!, /^skipped: no domain is configured/);
        // The app end to end: a marker written on the promoted database through dr's app, and read back.
        assert.deepEqual(apps.lines(), [
            `POST http://${ALB_DNS}/pilot-light/deep-check marker=failover-1&value=v-1`,
            `GET http://${ALB_DNS}/pilot-light/deep-check?marker=failover-1`,
        ]);
        assert.deepEqual(apps.requests.map((r) => r.headers["X-Pilot-Light-Token"]), ["dr-token", "dr-token"]);
        assert.equal(apps.app(ALB_DNS).db.markers.get("failover-1"), "v-1");
        assert.equal(byId["verify.app"].detail, "marker failover-1 written on dr's database and read back; "
            + "200 ok (PHP 8.5.1; database ok, redis ok, media ok; database writable)");
        assert.equal(report.durationSeconds, 315);
        assert.equal(report.startedAt, new Date(START).toISOString());
        assert.match(renderTimeline(report), /failover: completed in 5m15s/);
    });

    it("the deep check fails the failover when dr's app cannot write to its database, after polling, naming what it saw", async () => {
        stageAws();
        apps.app(ALB_DNS).db = new FakeDb({ readOnly: true });
        const ws = workspace();
        ws.onUp("dr", () => { db.promoted = true; });
        const report = await runFailover(options(ws, { timeoutMs: 60_000 }), fakeIO({ start: START }));
        assert.equal(report.ok, false);
        assert.deepEqual(report.steps.slice(11).map((s) => [s.id, s.status]),
            [["verify.app", "failed"], ["fence", "not-run"], ["verify.dns", "not-run"]]);
        assert.equal(report.steps[11].error, "timed out after 1m00s waiting for the deep check of dr's app; last seen: "
            + `POST http://${ALB_DNS}/pilot-light/deep-check answered 503: database failed: The MySQL server is running with the --read-only option`);
        assert.equal(apps.requests.length, 5, "every 15 s for a minute");
    });

    it("the deep check goes over HTTPS as dr's domain, and reads dr's check token in dr's region", async () => {
        stageAws();
        const ws = workspace({ domain: true });
        ws.onUp("dr", () => { db.promoted = true; });
        await runFailover(options(ws, { timeoutMs: 60_000 }), fakeIO());
        assert.deepEqual(apps.lines(), [
            `POST https://${ALB_DNS}/pilot-light/deep-check sni=www.example.com marker=failover-1&value=v-1`,
            `GET https://${ALB_DNS}/pilot-light/deep-check?marker=failover-1 sni=www.example.com`,
        ]);
        assert.deepEqual(apps.requests.map((r) => r.headers.Host), ["www.example.com", "www.example.com"]);
        const reads = aws.secrets.commandCalls(GetSecretValueCommand);
        assert.deepEqual(reads.map((c) => c.args[0].input), [{ SecretId: DR_SECRET }, { SecretId: DR_SECRET }]);
        assert.deepEqual(await Promise.all(reads.map((c) => (c as any).thisValue.config.region())), ["us-west-2", "us-west-2"]);
    });

    it("a missing replica stops at the replica check; nothing is changed", async () => {
        stageAws();
        db.exists = false;
        const ws = workspace();
        const report = await runFailover(options(ws), fakeIO());
        assert.equal(report.ok, false);
        assert.equal(statuses(report)["preflight.replica"], "failed");
        assert.equal(statuses(report).promote, "not-run");
        assert.match(report.stoppedBecause!, /^step 5 \(Check the dr replica\) failed: replica pl-dr-db not found in us-west-2: /);
        assert.deepEqual(ws.callsTo("dr", "setConfig"), []);
    });

    it("lag over the threshold stops the run; --accept-lag lets it through with a warning", async () => {
        stageAws({ lag: 900 });
        const stopped = await runFailover(options(workspace()), fakeIO());
        assert.equal(statuses(stopped)["preflight.lag"], "failed");
        assert.match(stopped.stoppedBecause!, /is 900s behind \(limit 300s.*loses up to the last 900s of writes.*--accept-lag/);

        stageAws({ lag: 900 });
        const ws = workspace();
        ws.onUp("dr", () => { db.promoted = true; });
        const accepted = await runFailover(options(ws, { acceptLag: true }), fakeIO());
        assert.equal(accepted.ok, true, accepted.stoppedBecause);
        assert.match(accepted.steps.find((s) => s.id === "preflight.lag")!.detail!, /^WARNING \(accepted with --accept-lag\)/);
    });

    it("the lag limit defaults to dr's replicaLagAlarmSeconds, and --max-lag-seconds overrides it", async () => {
        stageAws({ lag: 200 });
        const ws = workspace();
        ws.config("dr").set("pilot-light:replicaLagAlarmSeconds", "120");
        assert.equal(statuses(await runFailover(options(ws), fakeIO()))["preflight.lag"], "failed");
        stageAws({ lag: 200 });
        const ws2 = workspace();
        ws2.config("dr").set("pilot-light:replicaLagAlarmSeconds", "120");
        ws2.onUp("dr", () => { db.promoted = true; });
        assert.equal(statuses(await runFailover(options(ws2, { maxLagSeconds: 600 }), fakeIO()))["preflight.lag"], "ok");
    });

    it("a quota that is too low stops before anything changes, naming family and vCPUs", async () => {
        stageAws({ quota: 4 });
        const ws = workspace();
        const report = await runFailover(options(ws), fakeIO());
        assert.equal(statuses(report)["preflight.quotas"], "failed");
        assert.match(report.stoppedBecause!, /needs 8 vCPUs of the Standard \(A, C, D, H, I, M, R, T, Z\) family, only 4 available/);
        assert.equal(ws.callsTo("dr", "up").length, 0);
    });

    it("a state backend in the prod region stops the run", async () => {
        stageAws();
        const report = await runFailover(options(workspace({ backend: "s3://state?region=us-east-1" })), fakeIO());
        assert.equal(statuses(report)["preflight.backend"], "failed");
        assert.match(report.stoppedBecause!, /the state backend is in us-east-1, the prod region/);
    });

    it("up fails while the DB is still a replica: promote is restored, later steps not run, CLI exits 1", async () => {
        stageAws();
        const ws = workspace();
        ws.failUpOn("dr", 1, new Error("creating ALB: AccessDenied"));
        const cli = cliEnv(ws, fakeIO());
        const code = await main(["failover", "--yes", "--json"], cli);
        assert.equal(code, 1);
        assert.equal(ws.configObject("dr")["pilot-light:promote"], "false");
        assert.deepEqual(ws.summary().filter((c) => /setConfig|removeConfig|up/.test(c)),
            ["dr.setConfig pilot-light:promote=true", "dr.up", "dr.setConfig pilot-light:promote=false"]);
        const report = JSON.parse(cli.out.join("\n"));
        assert.equal(report.steps.find((s: any) => s.id === "promote").status, "failed");
        assert.deepEqual(report.steps.slice(10).map((s: any) => s.status), ["not-run", "not-run", "not-run", "not-run"]);
        assert.match(report.stoppedBecause, /pulumi up on dr failed: creating ALB: AccessDenied\. pl-dr-db is still a replica, so nothing irreversible happened; pilot-light:promote is restored to false/);
    });

    it("up fails after the DB was promoted: promote is kept true and a re-run resumes", async () => {
        stageAws();
        const ws = workspace();
        ws.onUp("dr", () => { db.promoted = true; });
        ws.failUpOn("dr", 1, new Error("creating ASG: timeout"));
        const report = await runFailover(options(ws), fakeIO());
        assert.equal(statuses(report).promote, "failed");
        assert.equal(ws.configObject("dr")["pilot-light:promote"], "true");
        assert.match(report.stoppedBecause!, /pl-dr-db is already promoted .* pilot-light:promote is kept true: setting it back would make the next up try to re-attach replication/);

        // The re-run: the promoted replica passes, lag is skipped, and the second up completes.
        ws.scriptUp("dr", { outputs: PROMOTED_OUTPUTS });
        const again = await runFailover(options(ws), fakeIO());
        assert.equal(again.ok, true, again.stoppedBecause);
        assert.match(again.steps.find((s) => s.id === "preflight.replica")!.detail!, /already promoted/);
        assert.match(again.steps.find((s) => s.id === "preflight.lag")!.detail!, /^skipped/);
        assert.equal(ws.callsTo("dr", "up").length, 2);
    });

    it("an unsafe offline plan stops before the question; a planner error is shown and the question still asked", async () => {
        stageAws();
        const ws = workspace();
        const unsafe: OfflinePlanner = async () => ({ changes: [], unsafe: ["aws:rds/instance:Instance database-mysql would be replaced"], text: "" });
        const io = fakeIO();
        const report = await runFailover(options(ws, { planner: unsafe }), io);
        assert.equal(statuses(report).promote, "failed");
        assert.match(report.stoppedBecause!, /the offline plan of promote false→true on dr is unsafe, not promoting: aws:rds\/instance:Instance database-mysql would be replaced/);
        assert.deepEqual(io.questions, []);
        assert.deepEqual(ws.callsTo("dr", "setConfig"), []);

        stageAws();
        const ws2 = workspace();
        ws2.onUp("dr", () => { db.promoted = true; });
        const broken: OfflinePlanner = async () => { throw new Error("Pulumi.dr.yaml not found"); };
        const io2 = fakeIO();
        assert.equal((await runFailover(options(ws2, { planner: broken }), io2)).ok, true);
        assert.ok(io2.lines.some((l) => l.includes("offline plan unavailable (Pulumi.dr.yaml not found)")));
        assert.equal(io2.questions.length, 1);
    });

    it("a declined confirmation changes nothing and the CLI exits 4", async () => {
        stageAws();
        const ws = workspace();
        const cli = cliEnv(ws, fakeIO(), { isTTY: true, answer: "n" });
        assert.equal(await main(["failover"], cli), 4);
        assert.deepEqual(ws.callsTo("dr", "setConfig"), []);
        assert.equal(ws.callsTo("dr", "up").length, 0);
        assert.deepEqual(cli.asked, ["Stop prod's app servers if its region answers, promote the dr replica and build the app tier: this changes data. Continue? [y/N] "]);
        assert.ok(cli.out.some((l) => l.includes("Stopped: step 10 (Stop prod's app servers if its region answers, promote the dr replica and build the app tier) was declined")));
    });

    it("without a terminal and without --yes the data-affecting step is refused, telling to pass --yes", async () => {
        stageAws();
        const ws = workspace();
        const cli = cliEnv(ws, fakeIO(), { isTTY: false });
        assert.equal(await main(["failover"], cli), 4);
        assert.ok(cli.err.some((l) => /stdin is not a terminal; pass --yes/.test(l)));
        assert.equal(ws.callsTo("dr", "up").length, 0);
    });

    describe("with a domain", () => {
        let dnsAnswers: string[][];
        function stageDns(healthyCheckers: number, answers: string[][]) {
            aws.route53.on(GetHealthCheckStatusCommand, { HealthCheckId: "hc-1" }).resolves({
                HealthCheckObservations: Array.from({ length: 8 }, (_, i) => ({
                    Region: "us-east-1" as any, IPAddress: `198.51.100.${i}`,
                    StatusReport: { Status: i < healthyCheckers ? "Success: HTTP Status Code 200, OK" : "Failure: Connection timed out." },
                })),
            });
            dnsAnswers = [...answers];
            aws.ec2.on(DescribeNetworkInterfacesCommand, { Filters: [{ Name: "description", Values: ["ELB app/pl-dr-alb/50dc6c495c0c9188"] }] }).resolves({
                NetworkInterfaces: [{ Association: { PublicIp: "203.0.113.10" } }, { Association: { PublicIp: "203.0.113.11" } }],
            });
        }
        /** The zone's name servers answer with each list in turn, then keep the last. */
        const dns = () => fakeDns({ "www.example.com": () => (dnsAnswers.length > 1 ? dnsAnswers.shift()! : dnsAnswers[0]) });

        it("reads prod's health before the question, and waits until the zone's name servers answer with the dr ALB", async () => {
            stageAws();
            stageDns(0, [["192.0.2.1", "192.0.2.2"], ["203.0.113.11", "203.0.113.10"]]);
            const ws = workspace({ domain: true });
            ws.onUp("dr", () => { db.promoted = true; });
            const client = dns();
            const report = await runFailover(options(ws, { dns: client }), fakeIO({ start: START }));
            assert.equal(report.ok, true, report.stoppedBecause);
            const byId = Object.fromEntries(report.steps.map((s) => [s.id, s]));
            assert.equal(byId["preflight.prodHealth"].detail, "prod is unhealthy to Route 53 (0 of 8 checkers see it healthy): DNS already fails over to dr");
            assert.equal(byId["verify.dns"].detail, "www.example.com → 203.0.113.10, 203.0.113.11 (the dr load balancer), answered by example.com's name servers");
            // Asked of the zone's own name servers, never through Route 53's API.
            assert.ok(client.questions.includes("A@205.251.192.1,205.251.194.2 www.example.com"));
            assert.equal(aws.route53.commandCalls(TestDNSAnswerCommand).length, 0);
        });

        it("stops before the question when Route 53's checkers see prod healthy; --force goes on with a warning", async () => {
            stageAws();
            stageDns(8, [["203.0.113.10"]]);
            const ws = workspace({ domain: true });
            const io = fakeIO({ start: START });
            const report = await runFailover(options(ws, { dns: dns() }), io);
            assert.equal(report.ok, false);
            assert.equal(statuses(report)["preflight.prodHealth"], "failed");
            assert.equal(report.steps.find((s) => s.id === "preflight.prodHealth")!.error,
                "8 of 8 Route 53 checkers see prod healthy (health check hc-1): prod may still be serving, and promoting dr now would leave two "
                + "writable databases. Not promoting. If prod is down for users although its health check passes (for example its database is gone), re-run with --force");
            assert.deepEqual(io.questions, []);
            assert.equal(ws.callsTo("dr", "up").length, 0);

            const forced = workspace({ domain: true });
            forced.onUp("dr", () => { db.promoted = true; });
            const again = await runFailover(options(forced, { dns: dns(), force: true }), fakeIO({ start: START }));
            assert.equal(again.ok, true, again.stoppedBecause);
            assert.deepEqual(again.warnings.filter((w) => w.step === "preflight.prodHealth"),
                [{ step: "preflight.prodHealth", code: "unchecked", message: "8 of 8 Route 53 checkers see prod healthy (health check hc-1); going on because of --force" }]);
        });

        it("fences prod: the PRIMARY record is repointed at dr with its health check kept, so a recovered prod gets no traffic", async () => {
            stageAws();
            stageDns(0, [["203.0.113.10"]]);
            aws.elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [
                { DNSName: ALB_DNS, LoadBalancerArn: ALB_ARN, CanonicalHostedZoneId: "Z1H1FL5HABSF5" },
            ] });
            const primary = {
                Name: "www.example.com.", Type: "A" as const, SetIdentifier: "prod-us-east-1", Failover: "PRIMARY" as const, HealthCheckId: "hc-1",
                AliasTarget: { HostedZoneId: "Z35SXDOTRQ7X7K", DNSName: "pl-prod-alb-1.us-east-1.elb.amazonaws.com.", EvaluateTargetHealth: true },
            };
            aws.route53.on(ListResourceRecordSetsCommand, { HostedZoneId: "Z0123456789ABC" }).resolves({
                ResourceRecordSets: [primary, { ...primary, SetIdentifier: "dr-us-west-2", Failover: "SECONDARY", HealthCheckId: undefined }],
            });
            aws.route53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: "c-1", Status: "PENDING", SubmittedAt: new Date(START) } });
            const ws = workspace({ domain: true });
            ws.onUp("dr", () => { db.promoted = true; });
            const report = await runFailover(options(ws, { dns: dns() }), fakeIO({ start: START }));
            assert.equal(report.ok, true, report.stoppedBecause);
            const calls = aws.route53.commandCalls(ChangeResourceRecordSetsCommand);
            assert.equal(calls.length, 1);
            assert.deepEqual(calls[0].args[0].input.ChangeBatch!.Changes, [{
                Action: "UPSERT",
                ResourceRecordSet: { ...primary, AliasTarget: { HostedZoneId: "Z1H1FL5HABSF5", DNSName: ALB_DNS, EvaluateTargetHealth: true } },
            }]);
            assert.equal(report.steps.find((x) => x.id === "fence")!.detail,
                `PRIMARY record www.example.com. now aliases the dr load balancer ${ALB_DNS} (was pl-prod-alb-1.us-east-1.elb.amazonaws.com.); failback's switchover restores it`);
        });

        it("a fence that fails is a warning with its own status and code (CLI exit 5), not ok", async () => {
            stageAws();
            stageDns(0, [["203.0.113.10"]]);
            aws.route53.on(ListResourceRecordSetsCommand).rejects(Object.assign(new Error("Service Unavailable"), { name: "ServiceUnavailable" }));
            const ws = workspace({ domain: true });
            ws.onUp("dr", () => { db.promoted = true; });
            const report = await runFailover(options(ws, { dns: dns() }), fakeIO());
            assert.equal(report.ok, true, report.stoppedBecause);
            assert.equal(statuses(report).fence, "warning");
            const message = "could not fence prod (ServiceUnavailable: Service Unavailable); when prod recovers, Route 53 may send users back to it: "
                + "rerun `npm run runbook -- failover --yes` (it resumes) before prod's region recovers";
            assert.deepEqual(report.warnings, [{ step: "fence", code: "unfenced", message }]);
            assert.equal(report.steps.find((x) => x.id === "fence")!.detail, `WARNING: ${message}`);
            assert.equal(exitCode(report), 5);
        });

        it("an unreadable health check is a warning and the run goes on", async () => {
            stageAws();
            stageDns(0, [["203.0.113.10"]]);
            aws.route53.on(GetHealthCheckStatusCommand).rejects(Object.assign(new Error("Service Unavailable"), { name: "ServiceUnavailable" }));
            const ws = workspace({ domain: true });
            ws.onUp("dr", () => { db.promoted = true; });
            const report = await runFailover(options(ws, { dns: dns() }), fakeIO({ start: START }));
            assert.equal(report.ok, true, report.stoppedBecause);
            assert.equal(statuses(report)["preflight.prodHealth"], "warning");
            assert.equal(report.warnings[0].message, "could not read what Route 53's checkers see of prod (health check hc-1): reading it failed: "
                + "ServiceUnavailable: Service Unavailable. Going on: check by hand that prod is down for users before confirming");
        });
    });

    it("builds its steps without touching the workspace or AWS", () => {
        const ws = workspace();
        const steps = failoverSteps(options(ws));
        assert.deepEqual(steps.map((s) => s.id), STEP_IDS);
        assert.deepEqual(steps.filter((s) => s.dataAffecting).map((s) => s.id), ["promote"]);
        assert.deepEqual(ws.calls, []);
        assert.deepEqual(aws.commandNames(), []);
    });
});

/** A CliEnv over the fakes, capturing stdout and stderr lines and the questions asked. */
function cliEnv(ws: FakeWorkspace, io: ReturnType<typeof fakeIO>, opts: { isTTY?: boolean; answer?: string } = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const asked: string[] = [];
    const env: CliEnv = {
        stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: opts.isTTY ?? false,
        ask: async (q) => { asked.push(q); return opts.answer ?? "y"; },
        workspace: () => ws, planner, now: io.now, sleep: io.sleep,
    };
    return Object.assign(env, { out, err, asked });
}
