// RTO/RPO estimates of the real stacks as the planner records them. Expected numbers are
// literals worked out by hand from the documented assumptions (docs/resilience.md), so changing
// an assumption or the way an estimate adds them up fails here until the literal is re-derived.
import * as assert from "node:assert/strict";
import * as path from "path";
import { diffPlans, ResourceChange } from "../../ops/diff";
import type { RecordedResource } from "../../ops/offline/engine";
import { planStack, StackPlan } from "../../ops/offline/planner";
import {
    assessResilience, criticalPath, effectiveAssumptions, servesUsers, waitsFor, renderAssumptionsTable, renderResilienceTable, RESILIENCE_ASSUMPTIONS,
    resilienceFailures, resilienceJson, ResilienceRow,
} from "../../ops/report/resilience";
import { quietPlan } from "../support/quietPlan";

const DIR = path.join(__dirname, "..", "..");

/** Minutes of an assumption in the exported table. */
function m(id: string): number {
    const a = RESILIENCE_ASSUMPTIONS.find((x) => x.id === id);
    assert.ok(a, `no assumption ${id}`);
    return a.minutes;
}


function row(rows: ResilienceRow[], disruption: string, component: string): ResilienceRow {
    const found = rows.filter((r) => r.disruption === disruption && r.component === component);
    assert.equal(found.length, 1, `expected one row ${disruption} / ${component}, got ${rows.map((r) => `${r.disruption} / ${r.component}`).join("; ")}`);
    return found[0];
}


describe("report: resilience (RTO/RPO estimates)", function () {
    this.timeout(180000);
    let prod: StackPlan;
    let drStandby: StackPlan;
    let drPromoted: StackPlan;
    let promotion: ResourceChange[];
    let rows: ResilienceRow[];

    before(async () => {
        prod = await quietPlan({ dir: DIR, stack: "prod" });
        drStandby = await quietPlan({ dir: DIR, stack: "dr", promote: false });
        drPromoted = await quietPlan({ dir: DIR, stack: "dr", promote: true });
        promotion = diffPlans(drStandby, drPromoted).changes;
        rows = assessResilience({ prod, drStandby, drPromoted, promotion });
    });

    it("has a unique id, a non-negative duration and a source for every assumption", () => {
        const ids = RESILIENCE_ASSUMPTIONS.map((a) => a.id);
        assert.equal(new Set(ids).size, ids.length);
        for (const a of RESILIENCE_ASSUMPTIONS) {
            assert.ok(a.minutes >= 0, a.id);
            assert.ok(/^https:\/\/|^Stated assumption/.test(a.source), `${a.id}: source must be a URL or a stated assumption: ${a.source}`);
            if (a.low !== undefined && a.high !== undefined) assert.ok(a.low <= a.minutes && a.minutes <= a.high, `${a.id}: minutes outside its range`);
        }
        // The human part of RTO is an explicit, named assumption.
        assert.match(RESILIENCE_ASSUMPTIONS.find((a) => a.id === "operator-decision")!.what, /human part of RTO/);
        assert.match(renderAssumptionsTable(), /^id +minutes +range +what +source\n/);
    });

    it("reads the alarm periods, health checks, replica-lag alarm and RTC window from the plans, equal to the table by default", () => {
        const effective = effectiveAssumptions({ prod, drStandby, drPromoted });
        for (const a of effective) assert.equal(a.minutes, m(a.id), a.id);
        const fromPlan = Object.fromEntries(effective.filter((a) => a.fromPlan).map((a) => [a.id, a.fromPlan]));
        assert.deepEqual(fromPlan, {
            "ec2-recover-alarm": "singleton-recoverable-instance-recover: 2 × 60 s",
            "alb-target-unhealthy": "prod app-web-tg: 2 × 30 s",
            "alb-target-healthy": "dr app-standby-web-tg: 2 × 30 s",
            "replica-lag": "dr database-replica-lag: threshold 300 s",
            "s3-rtc": "prod replication rule: replicationTime 15 min",
        });
    });

    it("finds the promotion's critical path to serving, which waits neither for the cache nor for the database's promotion", () => {
        // Before (the launch template took the cache's endpoint and the database's address as
        // outputs): cache 15 → template 0.25 → fleet 7 = 22.25 min. Now the servers read the
        // cache's endpoint at run time and take the replica's address RDS already reports. The ALB
        // and the CloudFront distribution whose name is the site's URL exist since standby, and so
        // do the egress and the launch template (pilot-light:standbyNatGateway): the fleet alone.
        const path = criticalPath(promotion, drPromoted, undefined, servesUsers);
        assert.deepEqual(path.steps.map((s) => `${s.type} ${s.name}`), ["aws:autoscaling/group:Group app-servers-asg"]);
        // launch 1 + boot 5 + healthy 1 (9.5 while the NAT gateway was made at promotion, 10.25 while the ALB was too).
        assert.equal(path.minutes, 7);
        assert.deepEqual(path.steps.map((s) => s.startMinutes), [0]);
        assert.deepEqual(path.steps[0].basis, ["asg-launch", "ec2-boot", "alb-target-healthy"]);
        assert.deepEqual(path.defaultedTypes, []);
        assert.deepEqual(promotion.filter((c) => /^aws:ec2\/(eip|natGateway|route|launchTemplate):/.test(c.type)), []);
        // Promoted, the template made in standby takes the replica's endpoint as RDS reports it, not the resource's output.
        const template = drPromoted.resources.find((r) => r.name === "app-standby-servers-lt")!;
        const waitsOn = template.dependencies.map((d) => d.split("::").pop());
        assert.ok(!waitsOn.includes("database-mysql") && !waitsOn.includes("app-cache-redis"), waitsOn.join(", "));
        // The whole promotion still ends with the cache and its parameter: 15 + 0.25.
        const whole = criticalPath(promotion, drPromoted);
        assert.deepEqual(whole.steps.map((s) => s.name), ["app-cache-redis", "app-cache-endpoint"]);
        assert.equal(whole.minutes, 15.25);
        const db = promotion.find((c) => c.name === "database-mysql")!;
        assert.equal(waitsFor(promotion, drPromoted, db.urn, servesUsers), false);
        assert.equal(waitsFor(promotion, drPromoted, promotion.find((c) => c.name === "app-cache-redis")!.urn, servesUsers), false);
    });

    it("with standbyNatGateway false, puts the egress and the launch template back on the path: 12.5 min from the decision", async () => {
        const off = { "pilot-light:standbyNatGateway": "false" };
        const lean = await quietPlan({ dir: DIR, stack: "dr", promote: false, configOverrides: off });
        const up = await quietPlan({ dir: DIR, stack: "dr", promote: true, configOverrides: off });
        const changes = diffPlans(lean, up).changes;
        const path = criticalPath(changes, up, undefined, servesUsers);
        assert.deepEqual(path.steps.map((s) => `${s.type} ${s.name}`), [
            "aws:ec2/eip:Eip app-nat-eip",
            "aws:ec2/natGateway:NatGateway app-nat-gateway",
            "aws:ec2/route:Route app-nat-default-us-west-2a",
            "aws:autoscaling/group:Group app-servers-asg",
        ]);
        // EIP 0.25 + NAT gateway 2 + route 0.25 + launch 1 + boot 5 + healthy 1.
        assert.equal(path.minutes, 9.5);
        assert.deepEqual(path.steps.map((s) => s.startMinutes), [0, 0.25, 2.25, 2.5]);
        assert.equal(waitsFor(changes, up, changes.find((c) => c.name === "app-servers-lt")!.urn, servesUsers), true);
        const site = row(assessResilience({ prod, drStandby: lean, drPromoted: up, promotion: changes }), "region failure", "web tier");
        // pulumi up 2 + the path 9.5 + DNS TTL 1.
        assert.deepEqual([site.fromDecisionMinutes, site.rtoMinutes], [12.5, 28]);
    });

    it("estimates every row of the default config from the table, against the 60/15 min targets", () => {
        const expected: [string, string, number | null, number | null][] = [
            ["instance failure", "web tier", 1, 0],
            ["AZ failure", "web tier", 1, 0],
            ["instance failure", "database", 2, 0],
            ["AZ failure", "database", 2, 0],
            ["instance failure", "cache", 2, 0],
            ["AZ failure", "cache", 2, 0],
            // A NAT gateway per AZ (pilot-light:natGatewayPerAz, default true): nothing to recover.
            ["AZ failure", "egress (NAT gateway)", 0, 0],
            ["instance failure", "singleton (recoverable-instance)", 10, 0],
            // decision 15 + volume from snapshot 5 + boot 5 + EIP 0.25; RPO: the 12 h snapshot interval.
            ["AZ failure", "singleton (recoverable-instance)", 25.25, 720],
            ["region failure", "web tier",
                // detection 0.5 + decision 15 + pulumi up 2 + the path to serving 7 + DNS TTL 1 (40.75 before the
                // cache and the database's promotion left the path, 28.75 before the ALB was made in standby, 28 before
                // the NAT egress and the launch template were); RPO: media's RTC window.
                25.5, 15],
            ["region failure", "database", 27.5, 5],
            // The same restore in dr from the newest copy; RPO: 12 h interval + 60 min copy.
            ["region failure", "singleton (recoverable-instance)", 25.25, 780],
            // decision 15 + point-in-time restore 30 + repointing the app 10; RPO: the latest restorable time, 5.
            ["data corruption or deletion", "database", 55, 5],
            // decision 15 + copying back the versions 5; versioning keeps every write.
            ["data corruption or deletion", "media", 20, 0],
        ];
        assert.deepEqual(rows.map((r) => [r.disruption, r.component, r.rtoMinutes, r.rpoMinutes]), expected);
        for (const r of rows) {
            assert.equal(r.rtoTargetMinutes, 60);
            // The singleton's rows are held to pilot-light:singletonRpoTargetMinutes (default 1440).
            const rpoTarget = r.component.startsWith("singleton") ? 1440 : 15;
            assert.equal(r.rpoTargetMinutes, rpoTarget, `${r.disruption} / ${r.component}`);
            assert.equal(r.meetsRto, r.rtoMinutes !== null && r.rtoMinutes <= 60, `${r.disruption} / ${r.component}`);
            assert.equal(r.meetsRpo, r.rpoMinutes !== null && r.rpoMinutes <= rpoTarget, `${r.disruption} / ${r.component}`);
            assert.equal(r.status, r.meetsRto && r.meetsRpo ? "ok" : "advisory");
        }
        const site = row(rows, "region failure", "web tier");
        assert.deepEqual(site.basis.slice(0, 3), ["route53-health-detection", "operator-decision", "pulumi-up-overhead"]);
        assert.ok(!site.basis.includes("elasticache-create") && !site.basis.includes("alb-create") && !site.basis.includes("nat-create") && site.basis.includes("replica-lag") && site.basis.includes("s3-rtc"));
        // pulumi up 2 + the path 7 + DNS TTL 1.
        assert.equal(site.fromDecisionMinutes, 10);
        assert.equal(site.promotionPath!.minutes, 15.25);
        assert.ok(site.notes.includes("From the decision to serving: 10 min (pulumi up 2 + the path 7 + DNS TTL 1)."), site.notes.join("\n"));
        assert.ok(site.notes.includes("Pages are served from the replica while it is promoted (the app servers take its endpoint, which promotion keeps); "
            + "writes (logins, comments, the admin) wait for the promotion, 12 min after the decision (database row), "
            + "and RDS reboots the instance once during it, dropping connections briefly."), site.notes.join("\n"));
        assert.ok(site.notes.includes("The cache is created off the path to serving: the app serves from the database until the cache's endpoint exists, "
            + "then uses it; it starts empty (Redis is rebuilt, not replicated)."), site.notes.join("\n"));
        assert.ok(site.notes.includes("RPO dominated by media: S3 RTC 15 min ≥ database replica lag bound 5 min."), site.notes.join("\n"));
        assert.ok(site.notes.some((n) => n.startsWith("No failover DNS in prod")), "the default config has no domain");
        assert.deepEqual(rows.filter((r) => r.status !== "ok").map((r) => `${r.disruption} / ${r.component}`), []);
        assert.ok(row(rows, "region failure", "singleton (recoverable-instance)").notes[0].startsWith(
            "singleton-recoverable-instance-snapshots copies each snapshot (every 12 h) to us-west-2, encrypted=true with dr's key, kept 7 days;"));
        assert.deepEqual(resilienceFailures(rows), []);
    });

    it("restores from corruption or deletion to a time: the retention windows, dr's replicated backups, and what is not covered", async () => {
        const dbRow = row(rows, "data corruption or deletion", "database");
        assert.deepEqual(dbRow.basis, ["operator-decision", "rds-pitr-restore", "app-repoint", "rds-pitr-latest-restorable"]);
        assert.deepEqual(dbRow.notes, [
            "Restore to a time before the damage into a new instance beside the current one (npm run runbook -- recover); "
            + "prod keeps 7 days of automated backups (backupRetentionDays): damage found later cannot be undone.",
            "dr holds prod's automated backups replicated for 7 days (backupReplicationRetentionDays, encrypted with dr's key): "
            + "the same restore works in dr while prod's region is dark.",
        ]);
        const media = row(rows, "data corruption or deletion", "media");
        assert.equal(media.notes[1], "Older versions expire after 30 days (noncurrentVersionExpirationDays): damage found later cannot be undone.");
        assert.equal(media.notes[2], "No Object Lock (mediaImmutability none): credentials allowed to delete versions can delete them before they expire.");
        const longer = await quietPlan({ dir: DIR, stack: "dr", promote: false, configOverrides: { "pilot-light:backupReplicationRetentionDays": "21" } });
        assert.match(row(assessResilience({ prod, drStandby: longer, drPromoted, promotion }), "data corruption or deletion", "database").notes[1],
            /^dr holds prod's automated backups replicated for 21 days/);
        // Without the replication in dr (a standby plan stripped of it), the note says so; the row still stands on prod's backups.
        const stripped = { ...drStandby, resources: drStandby.resources.filter((r) => r.type !== "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication") };
        assert.equal(row(assessResilience({ prod, drStandby: stripped, drPromoted, promotion }), "data corruption or deletion", "database").notes[1],
            "No automated backups replication in dr: with prod's region dark, nothing is restorable to a time.");
        // Prod without backups or versioning: not covered.
        const bare = {
            ...prod, resources: prod.resources.map((r) => r.type === "aws:rds/instance:Instance" ? { ...r, inputs: { ...r.inputs, backupRetentionPeriod: 0 } }
                : r.type === "aws:s3/bucketVersioning:BucketVersioning" ? { ...r, inputs: { ...r.inputs, versioningConfiguration: { status: "Suspended" } } } : r),
        };
        const bareRows = assessResilience({ prod: bare, drStandby, drPromoted, promotion });
        assert.deepEqual([row(bareRows, "data corruption or deletion", "database"), row(bareRows, "data corruption or deletion", "media")]
            .map((r) => [r.rtoMinutes, r.rpoMinutes, r.status, r.notes[0]]), [
            [null, null, "advisory", "Not covered: prod's database keeps no automated backups (backupRetentionPeriod 0)."],
            [null, null, "advisory", "Not covered: prod's media bucket is not versioned; an overwrite or delete is final."],
        ]);
    });

    it("bounds the database's share of RPO by pilot-light:replicaLagAlarmSeconds", async () => {
        const slowAlarm = await quietPlan({ dir: DIR, stack: "dr", promote: false, configOverrides: { "pilot-light:replicaLagAlarmSeconds": "1800" } });
        const slow = assessResilience({ prod, drStandby: slowAlarm, drPromoted, promotion });
        const site = row(slow, "region failure", "web tier");
        assert.equal(site.rpoMinutes, 30);
        assert.equal(site.meetsRpo, false);
        assert.equal(site.status, "advisory");
        assert.ok(site.notes.includes("RPO dominated by the database: replica lag bound 30 min > S3 RTC 15 min."), site.notes.join("\n"));
        assert.equal(row(slow, "region failure", "database").rpoMinutes, 30);
    });

    it("reports a miss as an advisory, and as a failure with strict", () => {
        const targets = { rtoMinutes: 25.25, rpoMinutes: 15 };
        const advisory = row(assessResilience({ prod, drStandby, drPromoted, promotion, targets }), "region failure", "web tier");
        assert.equal(advisory.meetsRto, false);
        assert.equal(advisory.meetsRpo, true);
        assert.equal(advisory.status, "advisory");
        const strictRows = assessResilience({ prod, drStandby, drPromoted, promotion, targets, strict: true });
        assert.equal(row(strictRows, "region failure", "web tier").status, "failure");
        assert.equal(row(strictRows, "region failure", "singleton (recoverable-instance)").status, "ok", "25.25 min meets 25.25");
        assert.ok(resilienceFailures(strictRows).some((r) => r.disruption === "region failure" && r.component === "web tier"));
    });

    it("estimates the singleton per HA pattern", async () => {
        const ebs = await quietPlan({ dir: DIR, stack: "prod", configOverrides: { "pilot-light:singletonMode": "multi-az-asg-ebs" } });
        const ebsRows = assessResilience({ prod: ebs, drStandby, drPromoted, promotion });
        // ASG health check 2 + launch 1 + volume restore 5 + boot 5 + EIP move 0.25.
        assert.deepEqual(row(ebsRows, "instance failure", "singleton (multi-az-asg-ebs)").rtoMinutes, 13.25);
        assert.equal(row(ebsRows, "instance failure", "singleton (multi-az-asg-ebs)").rpoMinutes, 0);
        const az = row(ebsRows, "AZ failure", "singleton (multi-az-asg-ebs)");
        assert.equal(az.rpoMinutes, 60);
        assert.equal(az.meetsRpo, true, "60 min meets the singleton's 1440");
        // decision 15 + restore 5 + boot 5 + EIP 0.25; RPO: hourly snapshots + the 60 min copy.
        assert.deepEqual([row(ebsRows, "region failure", "singleton (multi-az-asg-ebs)").rtoMinutes,
            row(ebsRows, "region failure", "singleton (multi-az-asg-ebs)").rpoMinutes], [25.25, 120]);

        const standby = await quietPlan({ dir: DIR, stack: "prod", configOverrides: { "pilot-light:singletonMode": "standby-failover" } });
        const standbyRows = assessResilience({ prod: standby, drStandby, drPromoted, promotion });
        const sf = row(standbyRows, "AZ failure", "singleton (standby-failover)");
        assert.equal(sf.rtoMinutes, 7.25);
        assert.equal(sf.rpoMinutes, null, "the standby has its own volume");
        assert.equal(effectiveAssumptions({ prod: standby, drStandby, drPromoted }).find((a) => a.id === "standby-failover-alarm")!.fromPlan,
            "singleton-standby-failover-primary-failed: 5 × 60 s");
    });

    it("counts one NAT gateway for all AZs, and a singleton without a copy in dr, as not covered", async () => {
        const single = await quietPlan({ dir: DIR, stack: "prod", configOverrides: { "pilot-light:natGatewayPerAz": "false" } });
        const egress = row(assessResilience({ prod: single, drStandby, drPromoted, promotion }), "AZ failure", "egress (NAT gateway)");
        assert.equal(egress.rtoMinutes, null);
        assert.equal(egress.status, "advisory");
        assert.match(egress.notes[0], /^1 NAT gateway for 3 AZs: if its AZ fails, app servers in the other AZs lose egress \(S3 media, Secrets Manager\) and replacements cannot boot/);
        const noCopy = { ...prod, resources: prod.resources.filter((r) => r.type !== "aws:dlm/lifecyclePolicy:LifecyclePolicy") };
        const region = row(assessResilience({ prod: noCopy, drStandby, drPromoted, promotion, strict: true }), "region failure", "singleton (recoverable-instance)");
        assert.deepEqual([region.rtoMinutes, region.rpoMinutes, region.status], [null, null, "failure"]);
        assert.deepEqual(region.notes, ["Not covered: no snapshot policy copies the singleton's data volume to dr's region (us-west-2)."]);
    });

    it("gives an unlisted type the default duration and names it", () => {
        const urn = (type: string, name: string) => `urn:pulumi:dr::pilot-light::${type}::${name}`;
        const rec = (type: string, name: string, deps: string[] = []): RecordedResource => ({
            urn: urn(type, name), type, name, custom: true, inputs: {}, secretInputs: [], outputs: {}, dependencies: deps,
            propertyDependencies: {}, protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [],
        });
        const nat = rec("aws:ec2/natGateway:NatGateway", "nat");
        const odd = rec("aws:example/thing:Thing", "odd", [nat.urn]);
        const asg = rec("aws:autoscaling/group:Group", "asg", [odd.urn, urn("aws:ec2/subnet:Subnet", "unchanged")]);
        const alb = rec("aws:lb/loadBalancer:LoadBalancer", "alb");
        const after = { resources: [nat, odd, asg, alb] } as StackPlan;
        const changes: ResourceChange[] = after.resources.map((r) => ({
            urn: r.urn, type: r.type, name: r.name, op: "create", diff: [], replaceKeys: [], data: false, retained: false,
        }));
        const path = criticalPath(changes, after);
        assert.deepEqual(path.steps.map((s) => s.name), ["nat", "odd", "asg"]);
        assert.equal(path.minutes, 9.5);
        assert.deepEqual(path.defaultedTypes, ["aws:example/thing:Thing"]);
    });

    it("renders the rows as text and as the --json array", () => {
        const text = renderResilienceTable(rows);
        assert.match(text, /^ESTIMATED RTO\/RPO vs targets \(RTO 60 min, RPO 15 min\): 14 of 14 rows meet both\./);
        const siteRow = row(rows, "region failure", "web tier");
        const esc = (n: number | null) => String(n).replace(".", "\\.");
        assert.match(text, new RegExp(`\\nregion failure +web tier +${esc(siteRow.rtoMinutes)} min +${esc(siteRow.rpoMinutes)} min +ok\\n`));
        assert.match(text, /\nAZ failure +egress \(NAT gateway\) +0 min +0 min +ok\n/);
        assert.match(text, /\nCritical path to serving: 7 min\n {2}at +0 min {2}create aws:autoscaling\/group:Group app-servers-asg: 1 min \+ 6 min until it serves \[asg-launch, ec2-boot, alb-target-healthy\]\n/);
        assert.match(text, /\n {2}From the decision to serving: 10 min\n\nCritical path of the whole promotion \(serving does not wait for what is not above\): 15\.25 min\n {2}at +0 min {2}create aws:elasticache\/replicationGroup:ReplicationGroup app-cache-redis: 15 min \[elasticache-create\]\n/);
        const json = resilienceJson(rows);
        assert.deepEqual(Object.keys(json[0]), ["disruption", "component", "rtoMinutes", "rpoMinutes", "rtoTargetMinutes", "rpoTargetMinutes",
            "meetsRto", "meetsRpo", "status", "basis", "notes"]);
        const site = json.find((r) => r.disruption === "region failure" && r.component === "web tier") as any;
        assert.deepEqual(site.criticalPath.steps.map((s: any) => s.name), ["app-servers-asg"]);
        assert.equal(site.criticalPath.minutes, 7);
        assert.deepEqual(site.promotionPath.steps.map((s: any) => [s.name, s.minutes]), [["app-cache-redis", 15], ["app-cache-endpoint", 0.25]]);
        assert.equal(site.fromDecisionMinutes, 10);
        assert.doesNotThrow(() => JSON.stringify(json));
    });
});
