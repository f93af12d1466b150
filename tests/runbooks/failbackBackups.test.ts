// Failback step 6 (ops/runbooks/failback/step6RetireBackups.ts, ops/runbooks/backupReplication.ts):
// the old prod generation's automated-backups replication into dr is stopped, with the operator's
// confirmation and a timeline entry, only once the new generation's replicates; declining or a
// new replication that never starts leaves it running and says what it costs. Never a delete.
// Mocked RDS (aws-sdk-client-mock), a fake clock, the FakeWorkspace.
import { strict as assert } from "assert";
import {
    DBInstanceAutomatedBackup, DeleteDBInstanceAutomatedBackupCommand, DescribeDBInstanceAutomatedBackupsCommand,
    StopDBInstanceAutomatedBackupsReplicationCommand,
} from "@aws-sdk/client-rds";
import {
    keptNotice, listReplicatedBackups, planBackupRetirement, ReplicatedBackup, retireRefusal, stoppedNotice,
} from "../../ops/runbooks/backupReplication";
import { FailbackOptions } from "../../ops/runbooks/failback";
import { failbackContext } from "../../ops/runbooks/failback/context";
import { retireBackupsStep } from "../../ops/runbooks/failback/step6RetireBackups";
import { runSteps, TimelineEvent } from "../../ops/runbooks/runner";
import { fakeIO, FakeWorkspace, useAwsMocks } from "./support/fakeWorkspace";

const START = Date.UTC(2025, 0, 20, 4, 0, 0);
const backup = (identifier: string, arn: string, status: string, region = "us-east-1"): DBInstanceAutomatedBackup => ({
    DBInstanceAutomatedBackupsArn: `arn:aws:rds:us-west-2:111122223333:auto-backup:ab-${identifier}`, DBInstanceArn: arn,
    DBInstanceIdentifier: identifier, Region: region, Status: status, BackupRetentionPeriod: 7, AllocatedStorage: 50,
    RestoreWindow: { EarliestTime: new Date("2025-01-13T04:00:00Z"), LatestTime: new Date("2025-01-20T03:55:00Z") },
});
const G1 = backup("pilot-light-prod", "arn:aws:rds:us-east-1:111122223333:db:pilot-light-prod", "replicating");
const g2 = (status: string) => backup("pilot-light-prod-g2", "arn:aws:rds:us-east-1:111122223333:db:pilot-light-prod-g2", status);
const asReplicated = (b: DBInstanceAutomatedBackup): ReplicatedBackup => planBackupRetirement(
    [{ arn: b.DBInstanceAutomatedBackupsArn!, sourceArn: b.DBInstanceArn!, sourceIdentifier: b.DBInstanceIdentifier!, sourceRegion: b.Region!,
        status: b.Status!, retentionDays: 7, allocatedGb: 50, earliest: "2025-01-13T04:00:00.000Z", latest: "2025-01-20T03:55:00.000Z" }],
    "arn:none", "pilot-light-prod-g9").toStop[0];

function workspace(): FakeWorkspace {
    return new FakeWorkspace({
        prod: { config: { "aws:region": "us-east-1" }, outputs: { region: "us-east-1", dbInstanceIdentifier: "pilot-light-prod-g2",
            dbInstanceArn: "arn:aws:rds:us-east-1:111122223333:db:pilot-light-prod-g2" } },
        dr: { config: { "aws:region": "us-west-2" }, outputs: { region: "us-west-2", dbInstanceIdentifier: "pilot-light-dr-g2" } },
    });
}

async function runStep6(io: ReturnType<typeof fakeIO>, timeouts: Partial<FailbackOptions["timeouts"]> = {}) {
    const events: TimelineEvent[] = [];
    io.record = (e) => { events.push(e); };
    const c = failbackContext({ workspace: workspace(), projectDir: "/project", timeouts: { pollMs: 30_000, ...timeouts } });
    const report = await runSteps("failback", [retireBackupsStep(c)], io);
    return { report, events };
}

describe("runbooks/failback step 6: the old generation's backups replication", () => {
    const aws = useAwsMocks();
    let listing: DBInstanceAutomatedBackup[];
    beforeEach(() => {
        aws.reset();
        listing = [];
        aws.rds.on(DescribeDBInstanceAutomatedBackupsCommand).callsFake(() => ({ DBInstanceAutomatedBackups: structuredClone(listing) }));
        aws.rds.on(StopDBInstanceAutomatedBackupsReplicationCommand).resolves({});
    });

    it("stops it after confirmation once the new one replicates, waiting for it on the fake clock, and records it in the timeline", async () => {
        let looks = 0;
        aws.rds.on(DescribeDBInstanceAutomatedBackupsCommand).callsFake(() => {
            looks++;
            // The plan's look, the run's first look and its first poll see the new replication still pending.
            return { DBInstanceAutomatedBackups: [G1, g2(looks <= 3 ? "pending" : "replicating"),
                backup("other-db", "arn:aws:rds:us-east-1:111122223333:db:other-db", "replicating")] };
        });
        const io = fakeIO({ start: START });
        const { report, events } = await runStep6(io);
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.deepEqual(io.questions, ["Step 6: stop the old generation's backups replication into dr (its copies are kept): this changes data. Continue?"]);
        assert.equal(io.now() - START, 30_000, "one poll interval of 30 s before the new replication was seen replicating");
        assert.ok(io.lines.some((l) => l.includes(`waiting for pilot-light-prod-g2's backups replication into us-west-2 to be "replicating": pending`)));
        assert.deepEqual(aws.rds.commandCalls(StopDBInstanceAutomatedBackupsReplicationCommand).map((c) => c.args[0].input),
            [{ SourceDBInstanceArn: "arn:aws:rds:us-east-1:111122223333:db:pilot-light-prod" }], "only the old generation, never other-db");
        assert.equal(aws.rds.commandCalls(DeleteDBInstanceAutomatedBackupCommand).length, 0);
        const end = events.find((e) => e.event === "step-end");
        assert.deepEqual(end && { status: (end as any).status, detail: (end as any).detail }, {
            status: "ok", detail: "backups replication into us-west-2: pilot-light-prod stopped; copies kept to their retention, none deleted",
        });
        assert.ok(events.some((e) => e.event === "log" && e.line.startsWith("pilot-light-prod's replication into us-west-2 is stopped; its copies are kept, "
            + "restorable from 2025-01-13T04:00:00.000Z to 2025-01-20T03:55:00.000Z, and RDS deletes them as they pass 7 days (the last by about 2025-01-27).")));
    });

    it("leaves it running when the operator declines, after the plan said what that costs", async () => {
        listing = [G1, g2("replicating")];
        const io = fakeIO({ start: START, answers: [false] });
        const { report } = await runStep6(io);
        assert.equal(report.steps[0].status, "declined");
        assert.equal(aws.rds.commandCalls(StopDBInstanceAutomatedBackupsReplicationCommand).length, 0);
        const shown = io.lines.join("\n");
        assert.ok(shown.includes("    If you answer no, it is left running:\n      pilot-light-prod (us-east-1) keeps replicating its automated backups into us-west-2 "
            + "(arn:aws:rds:us-west-2:111122223333:auto-backup:ab-pilot-light-prod): at least 50 GB × $0.095/GB-month = $4.75 per month in us-west-2"), shown);
    });

    it("keeps the old one, with a warning and its cost, when the new one never replicates within the limit", async () => {
        listing = [G1, g2("pending")];
        const io = fakeIO({ start: START });
        const { report } = await runStep6(io, { backupsMs: 5 * 60_000 });
        assert.equal(report.steps[0].status, "warning");
        assert.equal(io.now() - START, 5 * 60_000);
        assert.equal(aws.rds.commandCalls(StopDBInstanceAutomatedBackupsReplicationCommand).length, 0);
        assert.match(report.steps[0].detail!, /^WARNING: pilot-light-prod-g2's automated backups are "pending" in us-west-2, so the old generation's replication \(pilot-light-prod\) is kept: /);
        assert.match(report.steps[0].detail!, /resume with --from-step 6\. Meanwhile: pilot-light-prod \(us-east-1\) keeps replicating its automated backups into us-west-2 .*\$4\.75 per month/);
    });

    it("stops nothing when no earlier generation replicates (already stopped, or another database)", async () => {
        listing = [{ ...G1, Status: "retained" }, g2("replicating"), backup("other-db", "arn:aws:rds:us-east-1:111122223333:db:other-db", "replicating")];
        const io = fakeIO({ start: START });
        const { report } = await runStep6(io);
        assert.equal(report.steps[0].detail, "no earlier generation of pilot-light-prod-g2 replicates into us-west-2; nothing stopped");
        assert.ok(io.lines.join("\n").includes("nothing to stop (pilot-light-prod retained: copies kept to their retention)"));
        assert.equal(aws.rds.commandCalls(StopDBInstanceAutomatedBackupsReplicationCommand).length, 0);
    });

    it("fails naming the cause when RDS refuses, deleting nothing; an already stopped replication counts as done", async () => {
        listing = [G1, g2("replicating")];
        aws.rds.on(StopDBInstanceAutomatedBackupsReplicationCommand).rejects(Object.assign(new Error("not authorized"), { name: "AccessDenied" }));
        let { report } = await runStep6(fakeIO({ start: START }));
        assert.equal(report.steps[0].status, "failed");
        assert.match(report.steps[0].error!, /^cannot stop the replication of pilot-light-prod's automated backups into us-west-2: .*not authorized.*; nothing was deleted, the replication runs on\. Fix the cause and resume with --from-step 6$/);
        aws.rds.on(StopDBInstanceAutomatedBackupsReplicationCommand).rejects(Object.assign(
            new Error("Source DB instance is not replicating to the current region"), { name: "InvalidDBInstanceStateFault" }));
        ({ report } = await runStep6(fakeIO({ start: START })));
        assert.equal(report.steps[0].detail, "backups replication into us-west-2: pilot-light-prod already-stopped; copies kept to their retention, none deleted");
        assert.equal(aws.rds.commandCalls(DeleteDBInstanceAutomatedBackupCommand).length, 0);
    });

    it("lists every page and only the backups replicated from the source region", async () => {
        aws.rds.on(DescribeDBInstanceAutomatedBackupsCommand, { Marker: undefined, MaxRecords: 100 })
            .resolves({ DBInstanceAutomatedBackups: [G1, backup("pilot-light-dr", "arn:aws:rds:us-west-2:111122223333:db:pilot-light-dr", "active", "us-west-2")], Marker: "m2" });
        aws.rds.on(DescribeDBInstanceAutomatedBackupsCommand, { Marker: "m2", MaxRecords: 100 }).resolves({ DBInstanceAutomatedBackups: [g2("replicating")] });
        assert.deepEqual((await listReplicatedBackups("us-west-2", "us-east-1")).map((b) => [b.sourceIdentifier, b.status]),
            [["pilot-light-prod", "replicating"], ["pilot-light-prod-g2", "replicating"]]);
    });
});

describe("runbooks/backupReplication: the decisions, pure", () => {
    it("sorts the current generation, the older ones to stop and the stopped ones; other databases are never candidates", () => {
        const all = [G1, g2("replicating"), backup("pilot-light-prod-g3", "arn:g3", "replicating"), backup("other-db", "arn:other", "replicating"),
            { ...backup("pilot-light-prod", "arn:old", "retained") }].map((b) => ({
            arn: b.DBInstanceAutomatedBackupsArn!, sourceArn: b.DBInstanceArn!, sourceIdentifier: b.DBInstanceIdentifier!, sourceRegion: b.Region!,
            status: b.Status!, retentionDays: 7, allocatedGb: 50,
        }));
        const plan = planBackupRetirement(all, "arn:g3", "pilot-light-prod-g3");
        assert.equal(plan.current?.sourceIdentifier, "pilot-light-prod-g3");
        assert.deepEqual(plan.toStop.map((b) => b.sourceIdentifier), ["pilot-light-prod", "pilot-light-prod-g2"]);
        assert.deepEqual(plan.stopped.map((b) => b.sourceArn), ["arn:old"]);
        assert.equal(retireRefusal(plan, "pilot-light-prod-g3", "us-west-2"), undefined);
        assert.equal(retireRefusal({ ...plan, current: undefined }, "pilot-light-prod-g3", "us-west-2"),
            "pilot-light-prod-g3's automated backups are not replicated in us-west-2, so the old generation's replication (pilot-light-prod, pilot-light-prod-g2) is kept: "
            + "it is not stopped until the current generation's is \"replicating\" (its first backups are copied after prod's next backup). Check with "
            + "`aws rds describe-db-instance-automated-backups --region us-west-2` and resume with --from-step 6");
    });

    it("says what keeping costs, and says so without a price where the table has none", () => {
        const old = asReplicated(G1);
        assert.equal(keptNotice(old, "cn-north-1"), "pilot-light-prod (us-east-1) keeps replicating its automated backups into cn-north-1 "
            + "(arn:aws:rds:us-west-2:111122223333:auto-backup:ab-pilot-light-prod): billed as RDS backup storage of at least 50 GB (no cn-north-1 rate in "
            + "ops/report/priceTable.json), for as long as the retired instance runs. Stop it later with `aws rds stop-db-instance-automated-backups-replication "
            + "--region cn-north-1 --source-db-instance-arn arn:aws:rds:us-east-1:111122223333:db:pilot-light-prod` (the copies are kept to their retention).");
        assert.equal(stoppedNotice(old, "us-west-2", START), "pilot-light-prod's replication into us-west-2 is stopped; its copies are kept, restorable from "
            + "2025-01-13T04:00:00.000Z to 2025-01-20T03:55:00.000Z, and RDS deletes them as they pass 7 days (the last by about 2025-01-27). Until then they cost "
            + "RDS backup storage (listed on the Retained tab of dr's Automated backups). To delete them earlier, a recovery source gone: "
            + "`aws rds delete-db-instance-automated-backup --region us-west-2 --db-instance-automated-backups-arn arn:aws:rds:us-west-2:111122223333:auto-backup:ab-pilot-light-prod`.");
    });
});
