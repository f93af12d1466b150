// The failback runbook against the FakeWorkspace and mocked AWS: the exact step order, the
// config changes per stack in order, the snapshots, exactly one URN unprotected per retired DB,
// no DeleteDBInstance ever, and what a failing, declined or resumed step leaves behind.
import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import {
    CreateDBSnapshotCommand, DBInstance, DBInstanceAutomatedBackup, DeleteDBInstanceAutomatedBackupCommand, DeleteDBInstanceCommand,
    DescribeDBInstanceAutomatedBackupsCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, StopDBInstanceAutomatedBackupsReplicationCommand,
} from "@aws-sdk/client-rds";
import { GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import {
    DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
    ChangeResourceRecordSetsCommand, GetHealthCheckStatusCommand, ListResourceRecordSetsCommand,
} from "@aws-sdk/client-route-53";
import { DescribeNetworkInterfacesCommand } from "@aws-sdk/client-ec2";
import { fakeDns } from "./support/fakeDns";
import { CopyObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { AwsMocks, fakeIO, FakeWorkspace, useAwsMocks } from "./support/fakeWorkspace";
import {
    failbackDryRunPlans, failbackSteps, FailbackOptions, generationIdentifier, parseGeneration, runFailback, unfencePrimary,
    validateFailbackOptions,
} from "../../ops/runbooks/failback";
import { PlanRequest } from "../../ops/runbooks/failover";
import { RDS_INSTANCE_TYPE } from "../../ops/runbooks/retire";
import { renderTimeline } from "../../ops/runbooks/runner";

const START = Date.UTC(2025, 0, 15, 3, 0, 0);
const PROD_ALB = "prod-alb-1.us-east-1.elb.amazonaws.com";
const DR_ALB = "dr-alb-1.us-west-2.elb.amazonaws.com";
const urn = (stack: string, name: string) => `urn:pulumi:${stack}::pilot-light::pilot-light:database:Database$${RDS_INSTANCE_TYPE}::${name}`;

function checkpoint(stack: string, identifier: string) {
    return {
        version: 3,
        deployment: {
            resources: [
                { urn: `urn:pulumi:${stack}::pilot-light::aws:kms/key:Key::database-kms-key`, type: "aws:kms/key:Key", protect: true, outputs: {} },
                { urn: urn(stack, "database-mysql"), type: RDS_INSTANCE_TYPE, protect: true, outputs: { identifier } },
            ],
        },
    };
}

const FENCED_PRIMARY = {
    Name: "www.example.com.", Type: "A" as const, SetIdentifier: "prod-us-east-1", Failover: "PRIMARY" as const, HealthCheckId: "hc-1",
    AliasTarget: { HostedZoneId: "Z1H1FL5HABSF5", DNSName: `dualstack.${DR_ALB}.`, EvaluateTargetHealth: true },
};

/** The AWS side as the mocks report it; the fake ups change it like the real program would. */
interface World {
    dbs: Map<string, DBInstance>;
    asg: { min: number; desired: number; inService: number };
    targetsHealthy: boolean;
    /** prod's update fails before RDS creates the new replica. */
    replicaCreationFails?: boolean;
    /** The automated backups dr's region holds (prod's replicated into it). */
    backups: DBInstanceAutomatedBackup[];
}

/** prod generation `g`'s automated backups as replicated into dr. */
const replicatedBackups = (g: number, status: string): DBInstanceAutomatedBackup => ({
    DBInstanceAutomatedBackupsArn: `arn:aws:rds:us-west-2:111122223333:auto-backup:ab-g${g}`, DBInstanceArn: g === 1 ? "arn:prod-db" : `arn:prod-db-g${g}`,
    DBInstanceIdentifier: g === 1 ? "pilot-light-prod" : `pilot-light-prod-g${g}`, Region: "us-east-1", Status: status, BackupRetentionPeriod: 7, AllocatedStorage: 50,
});

function stageAws(aws: AwsMocks, world: World) {
    aws.sts.on(GetCallerIdentityCommand).resolves({ Account: "111122223333", Arn: "arn:aws:iam::111122223333:user/operator" });
    aws.rds.on(DescribeDBInstancesCommand).callsFake((input) => {
        const db = world.dbs.get(input.DBInstanceIdentifier);
        if (!db) throw Object.assign(new Error(`DBInstance ${input.DBInstanceIdentifier} not found`), { name: "DBInstanceNotFoundFault" });
        return { DBInstances: [db] };
    });
    aws.rds.on(DescribeDBSnapshotsCommand).callsFake((input) => input.DBSnapshotIdentifier
        ? { DBSnapshots: [{ DBSnapshotIdentifier: input.DBSnapshotIdentifier, Status: "available", PercentProgress: 100 }] }
        : { DBSnapshots: [] });
    aws.rds.on(CreateDBSnapshotCommand).resolves({});
    aws.rds.on(DescribeDBInstanceAutomatedBackupsCommand).callsFake(() => ({ DBInstanceAutomatedBackups: structuredClone(world.backups) }));
    aws.rds.on(StopDBInstanceAutomatedBackupsReplicationCommand).callsFake((input) => {
        const b = world.backups.find((x) => x.DBInstanceArn === input.SourceDBInstanceArn)!;
        b.Status = "retained";
        return { DBInstanceAutomatedBackup: b };
    });
    // Lag 0 in every minute up to the query's end, so "two datapoints after the freeze" needs two minutes to pass.
    aws.cloudwatch.on(GetMetricStatisticsCommand).callsFake((input) => {
        const end = new Date(input.EndTime).getTime();
        return { Datapoints: [1, 2, 3].map((m) => ({ Timestamp: new Date(end - m * 60_000), Maximum: 0 })) };
    });
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand).callsFake(() => ({
        AutoScalingGroups: [{
            AutoScalingGroupName: "dr-asg", MinSize: world.asg.min, DesiredCapacity: world.asg.desired,
            Instances: Array.from({ length: world.asg.inService }, (_, i) => ({ InstanceId: `i-${i}`, LifecycleState: "InService" })),
        }],
    }));
    aws.autoscaling.on(UpdateAutoScalingGroupCommand).callsFake((input) => {
        world.asg = { min: input.MinSize, desired: input.DesiredCapacity, inService: input.DesiredCapacity };
        return {};
    });
    aws.elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [
        { DNSName: DR_ALB, CanonicalHostedZoneId: "Z1H1FL5HABSF5", LoadBalancerArn: "arn:aws:elasticloadbalancing:us-west-2:111122223333:loadbalancer/app/dr/1" },
        { DNSName: PROD_ALB, CanonicalHostedZoneId: "Z35SXDOTRQ7X7K", LoadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/prod/2" },
    ] });
    aws.elb.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: "tg-1" }] });
    aws.elb.on(DescribeTargetHealthCommand).callsFake(() => ({ TargetHealthDescriptions: [
        { TargetHealth: { State: "healthy" } }, { TargetHealth: { State: world.targetsHealthy ? "healthy" : "unhealthy" } },
    ] }));
    aws.route53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: [
        { StatusReport: { Status: "Success: HTTP Status Code 200, OK" } }, { StatusReport: { Status: "Failure: timeout" } },
    ] });
    // Fenced by the failover runbook: prod's PRIMARY record aliases dr's ALB.
    aws.route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [FENCED_PRIMARY] });
    aws.route53.on(ChangeResourceRecordSetsCommand).resolves({});
    aws.ec2.on(DescribeNetworkInterfacesCommand, { Filters: [{ Name: "description", Values: ["ELB app/prod/2"] }] })
        .resolves({ NetworkInterfaces: [{ Association: { PublicIp: "3.3.3.3" } }, { Association: { PublicIp: "4.4.4.4" } }] });
    aws.s3.on(ListObjectsV2Command, { Bucket: "media-dr" }).resolves({ Contents: [
        { Key: "a.jpg", ETag: "\"a\"", Size: 1 }, { Key: "outage/b.jpg", ETag: "\"b\"", Size: 2 },
    ] });
    aws.s3.on(ListObjectsV2Command, { Bucket: "media-prod" }).resolves({ Contents: [{ Key: "a.jpg", ETag: "\"a\"", Size: 1 }] });
    aws.s3.on(CopyObjectCommand).resolves({});
}

const replicaOf = (source: string): DBInstance => ({ DBInstanceStatus: "available", ReadReplicaSourceDBInstanceIdentifier: source });
const standalone: DBInstance = { DBInstanceStatus: "available" };

/** prod and dr right after a failover: dr promoted and serving, prod's old DB back up in its region. */
function afterFailover() {
    const world: World = {
        dbs: new Map([["pilot-light-prod", { ...standalone }], ["pilot-light-dr", { ...standalone }]]),
        asg: { min: 2, desired: 2, inService: 2 },
        targetsHealthy: true,
        backups: [replicatedBackups(1, "replicating")],
    };
    const prodOutputs = { region: "us-east-1", dbInstanceIdentifier: "pilot-light-prod", dbInstanceArn: "arn:prod-db", mediaBucketName: "media-prod", databaseGeneration: 1 };
    const drOutputs = { region: "us-west-2", dbInstanceIdentifier: "pilot-light-dr", dbInstanceArn: "arn:dr-db", mediaBucketName: "media-dr", databaseGeneration: 1, albDnsName: DR_ALB, asgName: "dr-asg" };
    const ws = new FakeWorkspace({
        prod: { config: { "aws:region": "us-east-1", "pilot-light:hostedZoneId": "Z123" }, outputs: prodOutputs, state: checkpoint("prod", "pilot-light-prod") },
        dr: { config: { "aws:region": "us-west-2", "pilot-light:promote": "true" }, outputs: drOutputs, state: checkpoint("dr", "pilot-light-dr") },
    });
    // What the real program does on each up, driven by the config the runbook set.
    ws.onUp("prod", ({ config }) => {
        if (config.get("pilot-light:rebuildFromPeer") === "true") {
            if (world.replicaCreationFails) return;
            world.dbs.set("pilot-light-prod-g2", replicaOf("arn:dr-db"));
            ws.setOutputs("prod", { ...prodOutputs, dbInstanceIdentifier: "pilot-light-prod-g2", dbInstanceArn: "arn:prod-db-g2", databaseGeneration: 2 });
        } else {
            world.dbs.set("pilot-light-prod-g2", { ...standalone });
            ws.setOutputs("prod", { ...prodOutputs, dbInstanceIdentifier: "pilot-light-prod-g2", dbInstanceArn: "arn:prod-db-g2", databaseGeneration: 2,
                albDnsName: PROD_ALB, asgName: "prod-asg", healthCheckId: "hc-1", domainName: "www.example.com" });
        }
    });
    ws.onUp("dr", ({ config }) => {
        if (config.get("pilot-light:promote") === "false") {
            world.dbs.set("pilot-light-dr-g2", replicaOf("arn:prod-db-g2"));
            // dr's program replicates prod's new generation's backups beside the old one's.
            world.backups.push(replicatedBackups(2, "replicating"));
            ws.setOutputs("dr", { region: "us-west-2", dbInstanceIdentifier: "pilot-light-dr-g2", dbInstanceArn: "arn:dr-db-g2", mediaBucketName: "media-dr", databaseGeneration: 2 });
        }
    });
    return { ws, world };
}

function plannerFake(unsafeFor?: (r: PlanRequest) => string[]) {
    const requests: PlanRequest[] = [];
    const planner = async (r: PlanRequest) => {
        requests.push(r);
        return { changes: [], unsafe: unsafeFor?.(r) ?? [], text: "0 to create, 0 to update, 0 to replace, 0 to delete (no changes)" };
    };
    return { planner, requests };
}

const FAST = { pollMs: 30_000 };

function options(ws: FakeWorkspace, extra: Partial<FailbackOptions> = {}) {
    const fake = plannerFake();
    // DNS is asked of the zone's name servers (a fake here): they answer with prod's ALB addresses.
    const dns = fakeDns({ "www.example.com": ["3.3.3.3", "4.4.4.4"] });
    return { opts: { workspace: ws, projectDir: "/project", planner: fake.planner, timeouts: FAST, dns, ...extra } as FailbackOptions, requests: fake.requests };
}

/** The config and up calls, in order: what a reviewer of the runbook cares about. */
const changesOf = (ws: FakeWorkspace) => ws.summary().filter((l) => /\.(setConfig|removeConfig|up|importState)\b/.test(l));

describe("runbooks/failback", () => {
    const aws = useAwsMocks();
    beforeEach(() => aws.reset());

    it("runs steps 0-6 in order, changing config per stack in order, snapshotting and unprotecting one URN each, deleting nothing", async () => {
        const { ws, world } = afterFailover();
        stageAws(aws, world);
        const { opts, requests } = options(ws);
        const io = fakeIO({ start: START });
        const report = await runFailback(opts, io);
        assert.equal(report.ok, true, report.stoppedBecause);
        if (process.env.SHOW_TIMELINE) console.log(io.lines.join("\n") + "\n" + renderTimeline(report));
        assert.deepEqual(report.steps.map((s) => [s.id, s.status]), [
            ["failback.preflight", "ok"], ["failback.retire-prod", "ok"], ["failback.prod-replica", "ok"],
            ["failback.reverse-media", "ok"], ["failback.switchover", "ok"], ["failback.dr-replica", "ok"], ["failback.retire-backups", "ok"],
        ]);
        assert.ok(report.steps.every((s) => typeof s.durationSeconds === "number"));
        assert.deepEqual(changesOf(ws), [
            "prod.importState",
            "prod.setConfig pilot-light:rebuildFromPeer=true",
            "prod.setConfig pilot-light:databaseGeneration=2",
            "prod.up",
            "dr.setConfig pilot-light:reverseReplication=true",
            "dr.up",
            "prod.removeConfig pilot-light:rebuildFromPeer",
            "prod.up",
            "dr.importState",
            "dr.setConfig pilot-light:promote=false",
            "dr.removeConfig pilot-light:reverseReplication",
            "dr.setConfig pilot-light:databaseGeneration=2",
            "dr.up",
        ]);
        assert.deepEqual(ws.configObject("prod"), { "aws:region": "us-east-1", "pilot-light:hostedZoneId": "Z123", "pilot-light:databaseGeneration": "2" });
        assert.deepEqual(ws.configObject("dr"), { "aws:region": "us-west-2", "pilot-light:promote": "false", "pilot-light:databaseGeneration": "2" });

        // Exactly one resource changed in each imported checkpoint: that DB's protect flag.
        for (const [stack, identifier] of [["prod", "pilot-light-prod"], ["dr", "pilot-light-dr"]]) {
            const imported = ws.callsTo(stack, "importState");
            assert.equal(imported.length, 1);
            const expected = checkpoint(stack, identifier);
            expected.deployment.resources[1].protect = false;
            assert.deepEqual(imported[0].args[0], expected);
        }
        assert.deepEqual(aws.rds.commandCalls(CreateDBSnapshotCommand).map((c) => [c.args[0].input.DBInstanceIdentifier, c.args[0].input.DBSnapshotIdentifier]), [
            ["pilot-light-prod", "pilot-light-prod-retire-202501150300"],
            ["pilot-light-dr", `pilot-light-dr-retire-${report.steps[5].startedAt!.slice(0, 16).replace(/[-T:]/g, "")}`],
        ]);
        assert.equal(aws.rds.commandCalls(DeleteDBInstanceCommand).length, 0);
        // Step 6: the old generation's backups replication into dr stopped, its copies kept (no delete).
        assert.deepEqual(aws.rds.commandCalls(StopDBInstanceAutomatedBackupsReplicationCommand).map((c) => c.args[0].input), [{ SourceDBInstanceArn: "arn:prod-db" }]);
        assert.equal(aws.rds.commandCalls(DeleteDBInstanceAutomatedBackupCommand).length, 0);
        assert.equal(report.steps[6].detail, "backups replication into us-west-2: pilot-light-prod stopped; copies kept to their retention, none deleted");

        // The freeze, the copy of what dr got during the outage, and the retirement notices.
        assert.deepEqual(aws.autoscaling.commandCalls(UpdateAutoScalingGroupCommand).map((c) => c.args[0].input),
            [{ AutoScalingGroupName: "dr-asg", MinSize: 0, DesiredCapacity: 0 }]);
        assert.deepEqual(aws.s3.commandCalls(CopyObjectCommand).map((c) => c.args[0].input.Key), ["outage/b.jpg"]);
        assert.ok(io.lines.some((l) => l.includes("aws rds delete-db-instance --region us-east-1 --db-instance-identifier pilot-light-prod ")));
        assert.ok(io.lines.some((l) => l.includes("aws rds delete-db-instance --region us-west-2 --db-instance-identifier pilot-light-dr ")));
        // The failover's DNS fence undone: exactly prod's ALB, everything else of the record kept.
        assert.deepEqual(aws.route53.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input.ChangeBatch?.Changes), [[{
            Action: "UPSERT",
            ResourceRecordSet: { ...FENCED_PRIMARY, AliasTarget: { HostedZoneId: "Z35SXDOTRQ7X7K", DNSName: PROD_ALB, EvaluateTargetHealth: true } },
        }]]);
        assert.match(report.steps[4].detail!, /2\/2 targets healthy.*PRIMARY record www\.example\.com\. aliases prod's ALB again \(was dualstack\.dr-alb-1.*health check hc-1 healthy \(1\/2 checkers\).*www\.example\.com → 3\.3\.3\.3, 4\.4\.4\.4 \(prod's ALB\)/);

        // The offline diffs shown: the retire allowed only for the instance being retired.
        assert.deepEqual(requests.map((r) => [r.stack, r.from, r.to, r.allowRetire]), [
            ["prod", { "pilot-light:rebuildFromPeer": "false", "pilot-light:databaseGeneration": "1" },
                { "pilot-light:rebuildFromPeer": "true", "pilot-light:databaseGeneration": "2" }, ["database-mysql"]],
            ["prod", { "pilot-light:rebuildFromPeer": "false", "pilot-light:databaseGeneration": "1" },
                { "pilot-light:rebuildFromPeer": "true", "pilot-light:databaseGeneration": "2" }, ["database-mysql"]],
            ["dr", { "pilot-light:promote": "true", "pilot-light:reverseReplication": "false" },
                { "pilot-light:promote": "true", "pilot-light:reverseReplication": "true" }, undefined],
            ["prod", { "pilot-light:rebuildFromPeer": "true", "pilot-light:databaseGeneration": "2" },
                { "pilot-light:rebuildFromPeer": "false", "pilot-light:databaseGeneration": "2" }, undefined],
            ["dr", { "pilot-light:promote": "true", "pilot-light:reverseReplication": "true", "pilot-light:databaseGeneration": "1" },
                { "pilot-light:promote": "false", "pilot-light:reverseReplication": "false", "pilot-light:hardened": "false", "pilot-light:databaseGeneration": "2" }, ["database-mysql"]],
        ]);
        // Six data steps, each confirmed after its plan; step 6's plan names what it stops and what keeping it would cost.
        assert.equal(io.questions.length, 6);
        const shown = io.lines.join("\n");
        assert.ok(shown.includes("\n    If you answer no, it is left running:\n      pilot-light-prod (us-east-1) keeps replicating its automated backups "
            + "into us-west-2 (arn:aws:rds:us-west-2:111122223333:auto-backup:ab-g1): at least 50 GB × $0.095/GB-month = $4.75 per month in us-west-2"), shown);
    });

    it("puts prod's config back and runs nothing later when step 2's up fails before the replica exists", async () => {
        const { ws, world } = afterFailover();
        stageAws(aws, world);
        ws.failUpOn("prod", 1, new Error("creating RDS DB Instance (pilot-light-prod-g2): InvalidParameterCombination"));
        world.replicaCreationFails = true;
        const report = await runFailback(options(ws).opts, fakeIO({ start: START }));
        assert.equal(report.ok, false);
        assert.deepEqual(report.steps.map((s) => s.status), ["ok", "ok", "failed", "not-run", "not-run", "not-run", "not-run"]);
        assert.equal(report.steps[2].error,
            "pulumi up on prod failed: creating RDS DB Instance (pilot-light-prod-g2): InvalidParameterCombination. The replica pilot-light-prod-g2 "
            + "was not created, so pilot-light:rebuildFromPeer and pilot-light:databaseGeneration were put back (unset, unset). pilot-light-prod is still "
            + "unprotected in state (the next up protects it again). Fix the cause and resume with --from-step 2");
        assert.deepEqual(ws.configObject("prod"), { "aws:region": "us-east-1", "pilot-light:hostedZoneId": "Z123" });
        assert.deepEqual(changesOf(ws), [
            "prod.importState", "prod.setConfig pilot-light:rebuildFromPeer=true", "prod.setConfig pilot-light:databaseGeneration=2", "prod.up",
            "prod.removeConfig pilot-light:rebuildFromPeer", "prod.removeConfig pilot-light:databaseGeneration",
        ]);
        assert.equal(ws.callsTo("dr", "up").length, 0);
    });

    it("keeps the config and says how to resume when step 2's up fails after the replica exists", async () => {
        const { ws, world } = afterFailover();
        stageAws(aws, world);
        ws.failUpOn("prod", 1, new Error("timeout while waiting for state to become 'available'"));
        const report = await runFailback(options(ws).opts, fakeIO({ start: START }));
        assert.equal(report.steps[2].status, "failed");
        assert.match(report.steps[2].error!, /The replica pilot-light-prod-g2 exists in us-east-1 \(status available\), so the config stays \(pilot-light:rebuildFromPeer true, pilot-light:databaseGeneration 2\)\. Wait until it is available, run `pulumi refresh --stack prod`, then resume with --from-step 2$/);
        assert.equal(ws.config("prod").get("pilot-light:rebuildFromPeer"), "true");
        assert.equal(ws.config("prod").get("pilot-light:databaseGeneration"), "2");
    });

    it("keeps the config when RDS cannot say whether the new replica exists", async () => {
        const { ws, world } = afterFailover();
        stageAws(aws, world);
        world.replicaCreationFails = true;
        ws.failUpOn("prod", 1, new Error("update failed"));
        aws.rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: "pilot-light-prod-g2" })
            .rejects(Object.assign(new Error("not authorized"), { name: "AccessDenied" }));
        const report = await runFailback(options(ws).opts, fakeIO({ start: START }));
        assert.match(report.steps[2].error!, /^pulumi up on prod failed: update failed\. The replica pilot-light-prod-g2 may exist \(it could not be described\), so the config stays/);
        assert.equal(ws.config("prod").get("pilot-light:rebuildFromPeer"), "true");
    });

    it("stops at a declined data step with nothing in it run", async () => {
        const { ws, world } = afterFailover();
        stageAws(aws, world);
        const report = await runFailback(options(ws).opts, fakeIO({ start: START, answers: [true, true, false] }));
        assert.deepEqual(report.steps.map((s) => s.status), ["ok", "ok", "ok", "declined", "not-run", "not-run", "not-run"]);
        assert.match(report.stoppedBecause!, /^step 4 \(Step 3: reverse the media sync \(dr → prod\)\) was declined; nothing in it ran$/);
        assert.equal(ws.callsTo("dr", "setConfig").length, 0);
        assert.equal(ws.callsTo("dr", "up").length, 0);
        assert.equal(aws.s3.commandCalls(CopyObjectCommand).length, 0);
    });

    it("resumes with --from-step 4 after steps 1-3: preflight, then only the switchover, dr's rebuild and the old backups replication", async () => {
        const { ws, world } = afterFailover();
        stageAws(aws, world);
        world.dbs.set("pilot-light-prod-g2", replicaOf("arn:dr-db"));
        ws.config("prod").set("pilot-light:rebuildFromPeer", "true");
        ws.config("prod").set("pilot-light:databaseGeneration", "2");
        ws.config("dr").set("pilot-light:reverseReplication", "true");
        ws.setOutputs("prod", { ...ws.outputsOf("prod"), dbInstanceIdentifier: "pilot-light-prod-g2" });
        const report = await runFailback(options(ws, { fromStep: 4 }).opts, fakeIO({ start: START }));
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.deepEqual(report.steps.map((s) => s.id), ["failback.preflight", "failback.switchover", "failback.dr-replica", "failback.retire-backups"]);
        assert.deepEqual(changesOf(ws), [
            "prod.removeConfig pilot-light:rebuildFromPeer", "prod.up", "dr.importState",
            "dr.setConfig pilot-light:promote=false", "dr.removeConfig pilot-light:reverseReplication", "dr.setConfig pilot-light:databaseGeneration=2", "dr.up",
        ]);
        assert.equal(ws.callsTo("prod", "importState").length, 0);
    });

    it("fails back from a hardened dr: step 5 takes hardened off in an up of its own (the ALB's deletion protection) before the retire", async () => {
        const { ws, world } = afterFailover();
        stageAws(aws, world);
        world.dbs.set("pilot-light-prod-g2", replicaOf("arn:dr-db"));
        ws.config("prod").set("pilot-light:rebuildFromPeer", "true");
        ws.config("prod").set("pilot-light:databaseGeneration", "2");
        ws.config("dr").set("pilot-light:hardened", "true");
        ws.setOutputs("prod", { ...ws.outputsOf("prod"), dbInstanceIdentifier: "pilot-light-prod-g2" });
        const report = await runFailback(options(ws, { fromStep: 4 }).opts, fakeIO({ start: START }));
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.deepEqual(changesOf(ws), [
            "prod.removeConfig pilot-light:rebuildFromPeer", "prod.up",
            "dr.removeConfig pilot-light:hardened", "dr.up", "dr.importState",
            // reverseReplication is not set on this dr, so it is not removed (changeConfig removes only a set key).
            "dr.setConfig pilot-light:promote=false", "dr.setConfig pilot-light:databaseGeneration=2", "dr.up",
        ]);
    });

    it("refuses --from-step 1 once step 2 has run, and step 2 when step 1 has not", async () => {
        const { ws, world } = afterFailover();
        stageAws(aws, world);
        ws.config("prod").set("pilot-light:rebuildFromPeer", "true");
        let report = await runFailback(options(ws, { fromStep: 1 }).opts, fakeIO({ start: START }));
        assert.equal(report.steps[0].error, "prod already has pilot-light:rebuildFromPeer true: step 2 has run; resume with --from-step 2 or later");

        const fresh = afterFailover();
        stageAws(aws, fresh.world);
        report = await runFailback(options(fresh.ws, { fromStep: 2 }).opts, fakeIO({ start: START }));
        assert.equal(report.steps[1].error, "pilot-light-prod is still protected in prod's state, so the update would refuse to drop it: step 1 "
            + "(snapshot and retire) has not run. Nothing was changed; resume with --from-step 1");
        assert.deepEqual(changesOf(fresh.ws), []);
    });

    it("refuses a data step whose offline diff is unsafe, changing nothing", async () => {
        const { ws, world } = afterFailover();
        stageAws(aws, world);
        const fake = plannerFake((r) => r.stack === "prod" ? ["REPLACE of aws:kms/key:Key \"database-kms-key\": [description] force a new resource"] : []);
        const report = await runFailback({ workspace: ws, projectDir: "/project", planner: fake.planner, timeouts: FAST }, fakeIO({ start: START }));
        assert.equal(report.steps[1].status, "failed");
        assert.match(report.steps[1].error!, /^step 1: the offline diff reports 1 data-safety problem\(s\), so nothing was changed: REPLACE of aws:kms/);
        assert.deepEqual(changesOf(ws), []);
        assert.equal(aws.rds.commandCalls(CreateDBSnapshotCommand).length, 0);
    });

    it("leaves an unfenced PRIMARY record alone, and fails naming the record when there is none", async () => {
        const { world } = afterFailover();
        stageAws(aws, world);
        aws.route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [
            { ...FENCED_PRIMARY, AliasTarget: { HostedZoneId: "Z35SXDOTRQ7X7K", DNSName: `dualstack.${PROD_ALB.toUpperCase()}.`, EvaluateTargetHealth: true } },
        ] });
        assert.equal(await unfencePrimary("us-east-1", "Z123", "www.example.com", PROD_ALB), "PRIMARY record www.example.com. already aliases prod's ALB");
        assert.equal(aws.route53.commandCalls(ChangeResourceRecordSetsCommand).length, 0);
        aws.route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [{ ...FENCED_PRIMARY, Name: "api.example.com." }] });
        await assert.rejects(unfencePrimary("us-east-1", "Z123", "www.example.com", PROD_ALB),
            /^Error: no PRIMARY failover record www\.example\.com\. in hosted zone Z123, although prod has a domain configured/);
    });

    it("waits for --switchover-at with a countdown before freezing dr", async () => {
        const { ws, world } = afterFailover();
        stageAws(aws, world);
        ws.config("prod").set("pilot-light:rebuildFromPeer", "true");
        ws.config("prod").set("pilot-light:databaseGeneration", "2");
        world.dbs.set("pilot-light-prod-g2", replicaOf("arn:dr-db"));
        ws.setOutputs("prod", { ...ws.outputsOf("prod"), dbInstanceIdentifier: "pilot-light-prod-g2" });
        const at = new Date(START + 3 * 60_000).toISOString();
        const io = fakeIO({ start: START });
        const report = await runFailback(options(ws, { fromStep: 4, switchoverAt: at }).opts, io);
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.ok(io.lines.some((l) => l.includes(`switchover at ${at}, in 3m00s`)), io.lines.join("\n"));
        assert.ok(Date.parse(report.steps[1].startedAt!) <= START + 60_000);
        assert.ok(report.steps[1].durationSeconds! >= 180);
    });

    it("unfreezes dr and changes nothing on prod when the replica does not drain in time", async () => {
        const { ws, world } = afterFailover();
        stageAws(aws, world);
        world.dbs.set("pilot-light-prod-g2", replicaOf("arn:dr-db"));
        ws.config("prod").set("pilot-light:rebuildFromPeer", "true");
        ws.config("prod").set("pilot-light:databaseGeneration", "2");
        ws.setOutputs("prod", { ...ws.outputsOf("prod"), dbInstanceIdentifier: "pilot-light-prod-g2" });
        aws.cloudwatch.on(GetMetricStatisticsCommand).callsFake((input) => ({ Datapoints: [{ Timestamp: new Date(input.EndTime), Maximum: 4 }] }));
        const report = await runFailback(options(ws, { fromStep: 4, timeouts: { ...FAST, drainMs: 5 * 60_000 } }).opts, fakeIO({ start: START }));
        assert.equal(report.steps[1].status, "failed");
        assert.match(report.steps[1].error!, /^timed out after 5m00s waiting for pilot-light-prod-g2 ReplicaLag 0 in two datapoints after the freeze; last seen: latest 4s .*Nothing on prod changed; dr's app servers were scaled back to min 2, desired 2/);
        assert.deepEqual(aws.autoscaling.commandCalls(UpdateAutoScalingGroupCommand).map((c) => [c.args[0].input.MinSize, c.args[0].input.DesiredCapacity]), [[0, 0], [2, 2]]);
        assert.equal(ws.callsTo("prod", "removeConfig").length, 0);
        assert.equal(ws.callsTo("prod", "up").length, 0);
    });

    it("in a dry run shows every plan, with the media count, and changes nothing", async () => {
        const { ws, world } = afterFailover();
        stageAws(aws, world);
        const { opts, requests } = options(ws, { dryRun: true });
        const io = fakeIO({ start: START });
        const report = await runFailback(opts, io);
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.equal(report.runbook, "failback (dry run)");
        assert.equal(requests.length, 5);
        assert.deepEqual(changesOf(ws), []);
        assert.equal(io.questions.length, 0);
        assert.ok(io.lines.some((l) => l.includes("would copy 1 of 2 objects")), io.lines.join("\n"));
        assert.equal(aws.rds.commandCalls(CreateDBSnapshotCommand).length, 0);
        assert.equal(aws.autoscaling.commandCalls(UpdateAutoScalingGroupCommand).length, 0);
    });

    it("builds the --dry-run plans from the stack files alone", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failback-"));
        fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  aws:region: us-east-1\n  pilot-light:databaseGeneration: \"3\"\n");
        fs.writeFileSync(path.join(dir, "Pulumi.dr.yaml"), "config:\n  aws:region: us-west-2\n  pilot-light:promote: \"true\"\n");
        const plans = failbackDryRunPlans(dir, "prod", "org/pilot-light/dr");
        assert.deepEqual(plans.map((p) => [p.request.stack, p.request.from, p.request.to, p.request.allowRetire]), [
            ["prod", { "pilot-light:rebuildFromPeer": "false", "pilot-light:databaseGeneration": "3" },
                { "pilot-light:rebuildFromPeer": "true", "pilot-light:databaseGeneration": "4" }, ["database-mysql-g3"]],
            ["dr", { "pilot-light:promote": "true", "pilot-light:reverseReplication": "false" },
                { "pilot-light:promote": "true", "pilot-light:reverseReplication": "true" }, undefined],
            ["prod", { "pilot-light:rebuildFromPeer": "true", "pilot-light:databaseGeneration": "4" },
                { "pilot-light:rebuildFromPeer": "false", "pilot-light:databaseGeneration": "4" }, undefined],
            ["dr", { "pilot-light:promote": "true", "pilot-light:reverseReplication": "true", "pilot-light:databaseGeneration": "1" },
                { "pilot-light:promote": "false", "pilot-light:reverseReplication": "false", "pilot-light:hardened": "false", "pilot-light:databaseGeneration": "2" }, ["database-mysql"]],
        ]);
        assert.throws(() => failbackDryRunPlans(path.join(dir, "nope"), "prod", "dr"), /^Error: cannot read the config of stack prod from .*Pulumi\.prod\.yaml/);
    });

    it("validates options, generations and identifiers with exact messages", () => {
        const ws = new FakeWorkspace();
        assert.throws(() => validateFailbackOptions({ workspace: ws, projectDir: ".", fromStep: 7, switchoverAt: "tomorrow", maxReplicaLagSeconds: -1 }), {
            message: "invalid failback options:\n"
                + "  - --from-step 7 is not allowed; expected a whole number from 0 to 6 (step 0, preflight, always runs)\n"
                + "  - --switchover-at \"tomorrow\" is not allowed; expected an ISO 8601 time such as 2025-03-04T02:00:00Z\n"
                + "  - --max-lag-seconds -1 is not allowed; expected a number of seconds, 0 or more",
        });
        assert.throws(() => failbackSteps({ workspace: ws, projectDir: ".", fromStep: 1.5 }), /--from-step 1.5 is not allowed/);
        assert.equal(parseGeneration("prod", undefined), 1);
        assert.equal(parseGeneration("prod", "7"), 7);
        assert.throws(() => parseGeneration("prod", "99"), {
            message: "prod: pilot-light:databaseGeneration is \"99\"; expected a whole number from 1 to 98 (the next generation must stay within 99)",
        });
        assert.equal(generationIdentifier("pilot-light-prod", 2), "pilot-light-prod-g2");
        assert.equal(generationIdentifier("pilot-light-prod-g2", 3), "pilot-light-prod-g3");
        assert.equal(generationIdentifier("pilot-light-prod-g12", 1), "pilot-light-prod");
    });
});
