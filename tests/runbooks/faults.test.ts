// Fault injection: the failover with prod's region and the global control planes (Route 53,
// IAM, STS in us-east-1) dark. Their SDK clients are pointed, through clients.ts's endpoint hook,
// at a local server that accepts connections and never answers, or at a port that refuses them;
// those calls keep the SDK's real HTTP path (timeouts, bounded retries, the run's abort signal).
// dr's region is answered in process with the real APIs' output shapes (support/splitSend.ts);
// Route 53, when it is up, is a local server speaking its REST-XML API (support/route53Server.ts);
// DNS is a local UDP server asked through node:dns (support/localDns.ts), the runbook's real
// data-plane path; the dr stack is the runbooks' AutomationStack over an in-memory Automation API
// stack (support/fakeAutomation.ts).
//
// What it proves: the failover completes with dr serving while everything outside dr is dark,
// every skipped piece is a warning naming the service and region, the fence's failure exits 5,
// and no step waited longer than its budget: the configured poll timeout plus, per call to a
// dark endpoint, the client policy's worst case (attempts × timeouts + backoff). The clock is
// the real one for those calls and virtual for the runbook's own sleeps, so the suite runs in
// seconds; nothing asserts a duration of the test itself.
import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { STSClient } from "@aws-sdk/client-sts";
import { RDSClient } from "@aws-sdk/client-rds";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { EC2Client } from "@aws-sdk/client-ec2";
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { runFailover, OfflinePlanner } from "../../ops/runbooks/failover";
import { RunbookIO, RunbookReport, TimelineEvent } from "../../ops/runbooks/runner";
import { clientPolicy, setClientPolicy, worstCallMs } from "../../ops/runbooks/clients";
import { systemDns } from "../../ops/runbooks/dns";
import { interruptedRecovery, lockRecovery } from "../../ops/runbooks/locks";
import { CliEnv, exitCode, main } from "../../ops/runbook";
import { refusingUrl, silentServer, SilentServer, useDummyCredentials } from "./support/localServers";
import { SplitSend, useSplitSend } from "./support/splitSend";
import { localDns, LocalDns, DnsZoneData } from "./support/localDns";
import { route53Server, Route53Fake } from "./support/route53Server";
import { FakeAutomationStack, fakeAutomationWorkspace } from "./support/fakeAutomation";
import { FakeApps, FakeDb } from "./support/fakeApps";

const { createCommandError } = require("@pulumi/pulumi/automation/errors");
const { CommandResult } = require("@pulumi/pulumi/automation/cmd");

const PROD = "us-east-1";
const DR = "us-west-2";
const START = Date.UTC(2025, 0, 15, 3, 0, 0);
const ALB_DNS = "pl-dr-alb-123456.us-west-2.elb.amazonaws.com";
const ALB_ARN = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/pl-dr-alb/50dc6c495c0c9188";
const DR_SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:pl-dr-app-app-secret-AbC";
const DR_IPS = ["203.0.113.10", "203.0.113.11"];
const PROD_IPS = ["192.0.2.1", "192.0.2.2"];
const PROMOTED_OUTPUTS = {
    region: DR, dbInstanceIdentifier: "pl-dr-db", appImageId: "ami-0123", mediaBucketName: "pl-dr-media",
    albDnsName: ALB_DNS, asgName: "pl-dr-asg", appSecretArn: DR_SECRET,
};
/** The policy under test: short timeouts so a dark endpoint costs well under a second. */
const POLICY = { connectionTimeoutMs: 150, requestTimeoutMs: 200, maxAttempts: 2 };
const TIMEOUT_MS = 5 * 60_000;
/** Steps that poll (bounded by TIMEOUT_MS); every other step makes single calls. */
const POLLING = new Set(["verify.targets", "verify.app", "verify.dns"]);

const planner: OfflinePlanner = async () => ({ changes: [], unsafe: [], text: "31 to create, 1 to update, 0 to replace, 0 to delete" });

/** The real clock for calls in flight, a virtual one for the runbook's sleeps. */
function hybridIO(split: SplitSend, signal?: AbortSignal): RunbookIO & { lines: string[]; events: TimelineEvent[]; file: string } {
    const realStart = performance.now();
    let virtual = 0;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pl-faults-")), "failover.jsonl");
    const io = {
        lines: [] as string[], events: [] as TimelineEvent[], file, signal,
        log: (l: string) => { io.lines.push(l); },
        confirm: async () => true,
        now: () => START + virtual + Math.round(performance.now() - realStart),
        sleep: async (ms: number) => { virtual += ms; },
        record: (e: TimelineEvent) => {
            io.events.push(e);
            fs.appendFileSync(file, JSON.stringify(e) + "\n");
            if (e.event === "step-start") split.log.push(`step ${e.step}`);
        },
    };
    return io;
}

describe("runbooks: fault injection (prod's region and the global control planes dark)", () => {
    // Inside the describe: its hooks then run after any root hook another file installs (aws-sdk-client-mock's stubs).
    const split = useSplitSend(STSClient, RDSClient, CloudWatchClient, ServiceQuotasClient, EC2Client, AutoScalingClient,
        ElasticLoadBalancingV2Client, Route53Client, S3Client, SecretsManagerClient);
    useDummyCredentials();
    let silent: SilentServer;
    let refused: string;
    let dns: LocalDns;
    let restorePolicy: () => void;
    const zone: DnsZoneData = {
        NS: { "example.com": ["ns-1.awsdns-test.org", "ns-2.awsdns-test.net"] },
        A: { "ns-1.awsdns-test.org": ["127.0.0.1"], "ns-2.awsdns-test.net": ["127.0.0.1"], [ALB_DNS]: DR_IPS, "www.example.com": PROD_IPS },
    };
    before(async () => {
        silent = await silentServer();
        refused = await refusingUrl();
        dns = await localDns(zone);
    });
    after(async () => { await silent.close(); await dns.close(); });
    afterEach(() => restorePolicy?.());

    /** prod's region, IAM, and Route 53 / STS in us-east-1 go to `dead`; `route53` overrides Route 53 when it is up. */
    function darken(dead: string, route53?: string) {
        restorePolicy = setClientPolicy({
            ...POLICY,
            endpoint: (service, region) => (service === "Route53" && route53) ? route53
                : (region === PROD || ["Route53", "IAM"].includes(service)) ? dead : undefined,
        });
    }

    let db: { promoted: boolean };
    let apps: FakeApps;
    let lagAgeMs: number;
    /** dr's region, answered as its APIs answer a healthy pilot light. */
    function drSide() {
        db = { promoted: false };
        lagAgeMs = 60_000;
        apps = new FakeApps();
        const secrets = new Map<string, unknown>();
        apps.add({ secrets: { on: (_c: unknown, input: { SecretId: string }) => ({ resolves: (out: unknown) => secrets.set(input.SecretId, out) }) } } as any,
            ALB_DNS, DR_SECRET, { token: "dr-token", db: new FakeDb(), domainName: "www.example.com" });
        let targetPolls = 0;
        split.log.length = 0;
        split.answer({
            GetCallerIdentity: () => ({ Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/ops", UserId: "AIDA" }),
            GetBucketLocation: () => ({ LocationConstraint: "eu-central-1" }),
            DescribeDBInstances: () => ({ DBInstances: [{ DBInstanceIdentifier: "pl-dr-db", DBInstanceStatus: "available",
                ReadReplicaSourceDBInstanceIdentifier: db.promoted ? undefined : `arn:aws:rds:${PROD}:123456789012:db:pl-prod-db` }] }),
            GetMetricStatistics: (input) => ({ Datapoints: [{ Timestamp: new Date(input.EndTime.getTime() - lagAgeMs), Maximum: 2 }] }),
            DescribeInstanceTypes: () => ({ InstanceTypes: [{ InstanceType: "t3.medium", VCpuInfo: { DefaultVCpus: 2 } }] }),
            DescribeInstances: () => ({ Reservations: [] }),
            GetServiceQuota: (input) => ({ Quota: { Value: input.QuotaCode === "L-1216C47A" ? 64 : 500 } }),
            DescribeAutoScalingGroups: () => ({ AutoScalingGroups: [] }),
            DescribeImages: () => ({ Images: [{ ImageId: "ami-0123", Name: "app", State: "available" }] }),
            DescribeLoadBalancers: () => ({ LoadBalancers: [{ DNSName: ALB_DNS, LoadBalancerArn: ALB_ARN, CanonicalHostedZoneId: "Z1H1FL5HABSF5" }] }),
            DescribeTargetGroups: () => ({ TargetGroups: [{ TargetGroupArn: "arn:tg" }] }),
            DescribeTargetHealth: () => ({ TargetHealthDescriptions: [{ TargetHealth: { State: targetPolls++ ? "healthy" : "initial" } }] }),
            DescribeNetworkInterfaces: () => ({ NetworkInterfaces: DR_IPS.map((ip) => ({ Association: { PublicIp: ip } })) }),
            GetSecretValue: (input) => secrets.get(input.SecretId),
        });
    }

    /** The two stacks; dr's `up` promotes the replica, builds the app tier and (Route 53's checkers seeing prod down) DNS answers dr. */
    function stacks(opts: { domain?: boolean } = { domain: true }) {
        const domain: Record<string, string> = opts.domain ? { "pilot-light:domainName": "www.example.com", "pilot-light:hostedZoneId": "Z0123456789ABC" } : {};
        const prod = new FakeAutomationStack("prod", { "aws:region": PROD, ...domain },
            { region: PROD, dbInstanceIdentifier: "pl-prod-db", asgName: "pl-prod-asg", ...(opts.domain ? { healthCheckId: "hc-1", domainName: "www.example.com" } : {}) });
        const dr = new FakeAutomationStack("dr", { "aws:region": DR, "pilot-light:promote": "false", "pilot-light:peerStack": "prod", ...domain },
            { region: DR, dbInstanceIdentifier: "pl-dr-db", appImageId: "ami-0123", mediaBucketName: "pl-dr-media" });
        zone.A!["www.example.com"] = PROD_IPS;
        dr.upBehaviour = async (o) => {
            o.onOutput?.("Updating (dr)\n+ aws:lb:LoadBalancer alb created\n");
            db.promoted = true;
            zone.A!["www.example.com"] = DR_IPS;
            return { changes: { create: 31, update: 1, same: 40 }, outputs: PROMOTED_OUTPUTS };
        };
        return { prod, dr };
    }

    async function failover(extra: { force?: boolean; acceptLag?: boolean; domain?: boolean } = {}) {
        const abort = new AbortController();
        const io = hybridIO(split, abort.signal);
        const { prod, dr } = stacks({ domain: extra.domain ?? true });
        // dr's ALB serves HTTPS for the domain only when dr's config has one (its HTTP listener then redirects).
        apps.app(ALB_DNS).domainName = (extra.domain ?? true) ? "www.example.com" : undefined;
        const workspace = fakeAutomationWorkspace([prod, dr], "s3://pl-state?region=eu-central-1", abort.signal);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pl-faults-dir-"));
        const report = await runFailover({
            workspace, dir, planner, timeoutMs: TIMEOUT_MS, intervalMs: 15_000, http: apps.send, marker: { id: "failover-1", value: "v-1" },
            dns: systemDns({ recursive: [dns.address], nameServerPort: dns.port, timeoutMs: 500, tries: 2 }), ...extra,
        }, io);
        return { report, io, prod, dr, abort };
    }

    const byId = (r: RunbookReport) => Object.fromEntries(r.steps.map((s) => [s.id, s]));

    /** No step took longer than its budget: its poll timeout, plus the worst case of each call it made to a dark endpoint. */
    function assertWithinBudgets(report: RunbookReport, io: { file: string }) {
        const events = fs.readFileSync(io.file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as TimelineEvent);
        const ends = events.filter((e): e is Extract<TimelineEvent, { event: "step-end" }> => e.event === "step-end");
        assert.deepEqual(ends.map((e) => e.step), report.steps.filter((s) => s.status !== "not-run").map((s) => s.id), "every step that ran is in the file, in order");
        const darkCalls = new Map<string, number>();
        let step = "";
        for (const l of split.log) {
            if (l.startsWith("step ")) step = l.slice(5);
            else if (l.startsWith("net ")) darkCalls.set(step, (darkCalls.get(step) ?? 0) + 1);
        }
        for (const e of ends) {
            const budgetMs = (POLLING.has(e.step) ? TIMEOUT_MS : 0) + worstCallMs(clientPolicy()) * Math.max(1, darkCalls.get(e.step) ?? 0);
            assert.ok(e.durationSeconds * 1000 <= budgetMs, `${e.step} took ${e.durationSeconds}s, over its budget of ${budgetMs / 1000}s`);
        }
        const total = events[events.length - 1];
        assert.equal(total.event, "run-end");
    }

    for (const mode of ["never answer", "refuse connections"] as const) {
        it(`prod dark (its endpoints ${mode}): dr serves, each skipped piece a warning, exit 5 for the missing fence, every step within budget`, async () => {
            const dead = mode === "never answer" ? silent.url : refused;
            const reason = mode === "never answer" ? /200 ms requestTimeout.* \(2 attempt\(s\)\)$/ : /ECONNREFUSED \(2 attempt\(s\)\)$/;
            darken(dead);
            drSide();
            const before = silent.connections();
            const { report, io, dr } = await failover();

            assert.equal(report.ok, true, report.stoppedBecause);
            assert.deepEqual(report.steps.map((s) => [s.id, s.status]), [
                ["preflight.stacks", "ok"], ["preflight.credentials", "ok"], ["preflight.backend", "ok"], ["preflight.secrets", "ok"],
                ["preflight.replica", "ok"], ["preflight.lag", "ok"], ["preflight.prodHealth", "warning"], ["preflight.quotas", "ok"],
                ["preflight.image", "ok"], ["promote", "warning"], ["verify.targets", "ok"], ["verify.app", "ok"], ["fence", "warning"], ["verify.dns", "ok"],
            ]);
            // What was skipped, and why: the service, its region and the endpoint that did not answer.
            const [health, promote, fence] = report.warnings;
            assert.equal(health.code, "unchecked");
            assert.ok(health.message.startsWith(`could not read what Route 53's checkers see of prod (health check hc-1): Route 53's API (in us-east-1) did not answer: `
                + `AwsUnreachableError: Route53 in us-east-1 did not answer (${dead}): GetHealthCheckStatusCommand: `), health.message);
            assert.match(health.message.split(". Going on")[0], reason);
            assert.equal(promote.code, "unchecked");
            assert.ok(promote.message.startsWith("pulumi up on dr: 31 create, 1 update; ALB pl-dr-alb-123456.us-west-2.elb.amazonaws.com; prod's app servers NOT stopped "
                + `(AwsUnreachableError: AutoScaling in us-east-1 did not answer (${dead}): DescribeAutoScalingGroupsCommand: `), promote.message);
            assert.ok(promote.message.endsWith("); if us-east-1 comes back they may write to prod's old database: scale pl-prod-asg to 0 there when it answers"));
            assert.equal(fence.code, "unfenced");
            assert.ok(fence.message.startsWith(`could not fence prod (Route 53's API (in us-east-1) did not answer: AwsUnreachableError: Route53 in us-east-1 did not answer (${dead}): ListResourceRecordSetsCommand: `), fence.message);
            assert.equal(exitCode(report), 5);

            // dr serves: its targets, a marker written and read back through its app, and DNS as the zone's name servers answer it.
            const steps = byId(report);
            assert.equal(steps["verify.targets"].detail, `1/1 targets healthy behind ${ALB_DNS}`);
            assert.equal(apps.app(ALB_DNS).db.markers.get("failover-1"), "v-1");
            assert.equal(steps["verify.dns"].detail, "www.example.com → 203.0.113.10, 203.0.113.11 (the dr load balancer), answered by example.com's name servers");
            assert.ok(dns.questions.includes("NS example.com") && dns.questions.includes("A www.example.com"));
            assert.equal(dr.config.get("pilot-light:promote"), "true");

            // Only the dark side went to the network, each call with exactly the policy's attempts; nothing of dr's went there.
            assert.deepEqual(split.log.filter((l) => l.startsWith("net ")), [
                "net Route53 GetHealthCheckStatus us-east-1", "net AutoScaling DescribeAutoScalingGroups us-east-1", "net Route53 ListResourceRecordSets us-east-1",
            ]);
            assert.ok(split.log.filter((l) => l.startsWith("dr ")).every((l) => l.endsWith(` ${DR}`)));
            if (mode === "never answer") assert.equal(silent.connections() - before, 3 * POLICY.maxAttempts);
            // Order: prod's writers are asked to stop before dr's up, the fence after the app is verified.
            const order = (l: string) => split.log.indexOf(l);
            assert.ok(order("net AutoScaling DescribeAutoScalingGroups us-east-1") > order("step promote"));
            assert.ok(order("net Route53 ListResourceRecordSets us-east-1") > order("step verify.app"));
            assert.equal(dr.ups.length, 1);
            assert.equal(dr.ups[0].signal, io.signal, "the run's abort signal is handed to pulumi up");
            assertWithinBudgets(report, io);
        });
    }

    it("prod healthy to Route 53's checkers: stops before promoting without --force; with it, goes on and fences", async () => {
        const r53 = await route53Server({ healthyCheckers: 8, primaryAlias: "pl-prod-alb-1.us-east-1.elb.amazonaws.com." });
        try {
            darken(silent.url, r53.url);
            drSide();
            const stopped = await failover();
            assert.equal(stopped.report.ok, false);
            assert.equal(byId(stopped.report)["preflight.prodHealth"].error, "8 of 8 Route 53 checkers see prod healthy (health check hc-1): prod may "
                + "still be serving, and promoting dr now would leave two writable databases. Not promoting. If prod is down for users although its "
                + "health check passes (for example its database is gone), re-run with --force");
            assert.equal(byId(stopped.report).promote.status, "not-run");
            assert.equal(stopped.dr.ups.length, 0);
            assert.equal(stopped.dr.config.get("pilot-light:promote"), "false");

            drSide();
            const forced = await failover({ force: true });
            assert.equal(forced.report.ok, true, forced.report.stoppedBecause);
            assert.deepEqual(forced.report.warnings.map((w) => [w.step, w.code]), [["preflight.prodHealth", "unchecked"], ["promote", "unchecked"]]);
            assert.equal(forced.report.warnings[0].message, "8 of 8 Route 53 checkers see prod healthy (health check hc-1); going on because of --force");
            assert.equal(byId(forced.report).fence.detail, `PRIMARY record www.example.com. now aliases the dr load balancer ${ALB_DNS} `
                + "(was pl-prod-alb-1.us-east-1.elb.amazonaws.com.); failback's switchover restores it");
            assert.equal(r53.changes.length, 1);
            assert.match(r53.changes[0], new RegExp(`<Action>UPSERT</Action>.*<Failover>PRIMARY</Failover>.*<DNSName>${ALB_DNS}</DNSName>`));
            assert.equal(exitCode(forced.report), 0);
            assertWithinBudgets(forced.report, forced.io);
        } finally {
            await r53.close();
        }
    });

    it("a fence Route 53 refuses is a warning with code unfenced (exit 5); DNS still answers dr", async () => {
        const r53 = await route53Server({ healthyCheckers: 0, primaryAlias: "pl-prod-alb-1.us-east-1.elb.amazonaws.com." });
        r53.refuseChanges = "AccessDenied";
        try {
            darken(silent.url, r53.url);
            drSide();
            const { report } = await failover();
            assert.equal(report.ok, true, report.stoppedBecause);
            assert.equal(byId(report)["preflight.prodHealth"].detail, "prod is unhealthy to Route 53 (0 of 8 checkers see it healthy): DNS already fails over to dr");
            assert.deepEqual(report.warnings.find((w) => w.step === "fence"), { step: "fence", code: "unfenced",
                message: "could not fence prod (AccessDenied: User is not authorized to perform: route53:ChangeResourceRecordSets); when prod recovers, "
                    + "Route 53 may send users back to it: rerun `npm run runbook -- failover --yes` (it resumes) before prod's region recovers" });
            assert.equal(byId(report)["verify.dns"].status, "ok");
            assert.equal(exitCode(report), 5);
        } finally {
            await r53.close();
        }
    });

    it("dr's stack locked by another update: the promote step stops with the exact recovery, promote put back", async () => {
        darken(silent.url);
        drSide();
        const abort = new AbortController();
        const { prod, dr } = stacks();
        const locked = "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file "
            + "with `pulumi cancel`.\n  s3://pl-state/.pulumi/locks/organization/pilot-light/dr/6b1c.json: created by ops@bastion (pid 4242) at 2025-01-15T02:00:00Z";
        dr.upBehaviour = async () => { throw createCommandError(new CommandResult("", locked, 255)); };
        const report = await runFailover({
            workspace: fakeAutomationWorkspace([prod, dr], "s3://pl-state?region=eu-central-1", abort.signal),
            dir: fs.mkdtempSync(path.join(os.tmpdir(), "pl-faults-dir-")), planner,
            timeoutMs: TIMEOUT_MS, http: apps.send, dns: systemDns({ recursive: [dns.address], nameServerPort: dns.port }),
        }, hybridIO(split, abort.signal));
        assert.equal(byId(report).promote.status, "failed");
        assert.equal(byId(report).promote.error, `pulumi up on dr failed: ${lockRecovery("dr")}. pl-dr-db is still a replica, so nothing irreversible `
            + "happened; pilot-light:promote is restored to false. Fix the cause and re-run `failover`");
        assert.equal(dr.config.get("pilot-light:promote"), "false");
    });

    it("stale replica lag (latest datapoint 5 minutes old): the RPO is unknown; the run stops unless --accept-lag", async () => {
        darken(silent.url);
        drSide();
        lagAgeMs = 5 * 60_000;
        const { report } = await failover({ domain: false });
        assert.equal(byId(report)["preflight.lag"].status, "failed");
        const lagAt = new Date(START - 5 * 60_000).toISOString().slice(0, 16);
        assert.match(byId(report)["preflight.lag"].error!, new RegExp(`^the latest ReplicaLag datapoint for pl-dr-db in us-west-2 is from ${lagAt}:\\d\\d\\.\\d{3}Z, `
            + "5 minutes old \\(over 3\\): the lag now is unknown \\(its last value was 2s\\), so the RPO of this failover is unknown; "
            + "check the replica in the RDS console, or pass --accept-lag to fail over anyway$"));
        assert.equal(byId(report).promote.status, "not-run");

        drSide();
        lagAgeMs = 5 * 60_000;
        const accepted = await failover({ domain: false, acceptLag: true });
        assert.equal(accepted.report.ok, true, accepted.report.stoppedBecause);
        assert.match(byId(accepted.report)["preflight.lag"].detail!, /^WARNING \(accepted with --accept-lag\): .*so the RPO of this failover is unknown$/);
    });

    it("Ctrl-C during dr's up: the abort reaches pulumi up, the timeline is saved, the recovery is printed, exit 130", async () => {
        darken(silent.url);
        drSide();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pl-faults-cli-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: pilot-light\nruntime: nodejs\n");
        const { prod, dr } = stacks({ domain: false });
        let interrupt: (() => void) | undefined;
        let upSignal: AbortSignal | undefined;
        dr.upBehaviour = (o) => new Promise((_resolve, reject) => {
            upSignal = o.signal;
            o.onOutput?.("Updating (dr)\n");
            // The CLI, sent SIGINT by the Automation API, finishes the operations in flight and exits non-zero.
            o.signal!.addEventListener("abort", () => reject(createCommandError(new CommandResult("", "error: update canceled", 255))));
            setImmediate(() => interrupt!());
        });
        const out: string[] = [];
        const lines: string[] = [];
        const io = hybridIO(split);
        const env: CliEnv = {
            stdout: (t) => out.push(t), stderr: (t) => out.push(t), isTTY: false, ask: async () => "y",
            workspace: (_dir, signal) => fakeAutomationWorkspace([prod, dr], "s3://pl-state?region=eu-central-1", signal),
            planner, now: io.now, sleep: io.sleep,
            appendTimeline: (_file, line) => lines.push(line),
            onInterrupt: (handler) => { interrupt = handler; return () => { interrupt = undefined; }; },
        };
        const code = await main(["failover", "--yes", "--dir", dir, "--timeline", path.join(dir, "t.jsonl")], env);
        assert.equal(code, 130);
        assert.equal(upSignal?.aborted, true, "the run's signal, given to pulumi up, was aborted");
        const events = lines.map((l) => JSON.parse(l));
        const promoteEnd = events.find((e) => e.event === "step-end" && e.step === "promote");
        assert.equal(promoteEnd.status, "interrupted");
        assert.deepEqual(events.filter((e) => e.event === "step-end").map((e) => e.step).slice(-2), ["preflight.image", "promote"]);
        assert.equal(events[events.length - 1].event, "run-end");
        assert.match(events[events.length - 1].stoppedBecause, /^interrupted \(Ctrl-C\) during step 10 \(Stop prod's app servers/);
        const printed = out.join("\n");
        assert.ok(printed.includes(interruptedRecovery("dr")), printed);
        assert.ok(printed.includes(`timeline saved to ${path.join(dir, "t.jsonl")}`));
    });
});
