// The recover runbook against FakeWorkspace and mocked AWS (aws-sdk-client-mock) with a fake
// clock: a restore in prod while prod answers, a restore in dr from the replicated backups while
// prod is dark, a restore that fails half-way (nothing deleted, the timeline says where it
// stopped), a time outside the window, and the CLI's offline dry run.
import { strict as assert } from "assert";
import {
    DescribeDBInstanceAutomatedBackupsCommand, DescribeDBInstancesCommand, RestoreDBInstanceToPointInTimeCommand,
} from "@aws-sdk/client-rds";
import { CopyObjectCommand, DeleteObjectCommand, ListObjectVersionsCommand } from "@aws-sdk/client-s3";
import { CliEnv, main } from "../../ops/runbook";
import { runRecover } from "../../ops/runbooks/recover";
import type { TimelineEvent } from "../../ops/runbooks/runner";
import { fakeIO, FakeWorkspace, useAwsMocks } from "./support/fakeWorkspace";

const aws = useAwsMocks();
const TO = "2026-12-01T11:59:00Z";
const BACKUPS_ARN = "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-7ahsyctbd4kkb5ex6jxrjwjk3ba3fmc5ycpmfqy";
const WINDOW = { EarliestTime: new Date("2026-11-24T12:00:00Z"), LatestTime: new Date("2026-12-01T12:40:00Z") };

function workspace(): FakeWorkspace {
    return new FakeWorkspace({
        prod: { config: { "aws:region": "us-east-1" }, outputs: { region: "us-east-1", dbInstanceIdentifier: "pl-prod-db", mediaBucketName: "pl-media-prod" } },
        dr: { config: { "aws:region": "us-west-2" }, outputs: {
            region: "us-west-2", dbInstanceIdentifier: "pl-dr-db", mediaBucketName: "pl-media-dr", dbBackupsReplicationArn: BACKUPS_ARN,
        } },
    });
}

/** The AWS side: prod up or dark, the restored instance available after `pollsUntilAvailable` polls (never when undefined). */
function stage(opts: { prodDark?: boolean; pollsUntilAvailable?: number }): void {
    let polls = 0;
    const current = (id: string) => ({ DBInstanceIdentifier: id, DBInstanceStatus: "available", DBInstanceClass: "db.t4g.medium",
        DBSubnetGroup: { DBSubnetGroupName: `${id}-subnets` }, VpcSecurityGroups: [{ VpcSecurityGroupId: `sg-${id}` }],
        DBParameterGroups: [{ DBParameterGroupName: `${id}-params`, ParameterApplyStatus: "in-sync" }] });
    aws.rds.on(DescribeDBInstancesCommand).callsFake((input: any) => {
        const id = input.DBInstanceIdentifier;
        if (id === "pl-prod-db") {
            if (opts.prodDark) throw Object.assign(new Error("connect ETIMEDOUT 3.3.3.3:443"), { name: "TimeoutError" });
            return { DBInstances: [current(id)] };
        }
        if (id === "pl-dr-db") return { DBInstances: [current(id)] };
        if (/-r20261201115900$/.test(id)) {
            polls++;
            const available = opts.pollsUntilAvailable !== undefined && polls > opts.pollsUntilAvailable;
            return { DBInstances: [{ DBInstanceIdentifier: id, DBInstanceStatus: available ? "available" : "creating", DeletionProtection: true,
                ...(available ? { Endpoint: { Address: `${id}.abc.rds.amazonaws.com`, Port: 3306 } } : {}) }] };
        }
        throw Object.assign(new Error(`DBInstance ${id} not found`), { name: "DBInstanceNotFoundFault" });
    });
    aws.rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [{ RestoreWindow: WINDOW, Status: "active" }] });
    aws.rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({});
    aws.s3.on(ListObjectVersionsCommand).resolves({
        IsTruncated: false,
        Versions: [
            { Key: "a.jpg", VersionId: "a1", LastModified: new Date("2026-12-01T10:00:00Z"), IsLatest: false },
            { Key: "a.jpg", VersionId: "a2", LastModified: new Date("2026-12-01T12:05:00Z"), IsLatest: true },
            { Key: "new.jpg", VersionId: "n1", LastModified: new Date("2026-12-01T12:10:00Z"), IsLatest: true },
        ],
        DeleteMarkers: [],
    });
    aws.s3.on(CopyObjectCommand).resolves({});
    aws.s3.on(DeleteObjectCommand).resolves({});
}

/** Commands that would delete or change existing data: none is ever sent. */
function destructive(): string[] {
    const rds = aws.commandNames().filter((n) => /^(Delete|Modify|Reboot|Promote|Stop)/.test(n));
    const versionDeletes = aws.s3.commandCalls(DeleteObjectCommand).filter((c: any) => c.args[0].input.VersionId !== undefined).map(() => "DeleteObject(VersionId)");
    return [...rds.filter((n) => n !== "DeleteObjectCommand"), ...versionDeletes];
}

function io() {
    const f = fakeIO({ start: Date.parse("2026-12-01T13:00:00Z") });
    const events: TimelineEvent[] = [];
    return Object.assign(f, { events, record: (e: TimelineEvent) => { events.push(e); } });
}

describe("runbooks: recover", () => {
    beforeEach(() => aws.reset());

    it("restores in prod while prod answers: a new instance beside the current one, then media to the same time", async () => {
        stage({ pollsUntilAvailable: 2 });
        const f = io();
        const ws = workspace().scriptUp("prod", { changes: { update: 2, same: 60 } });
        const report = await runRecover({ workspace: ws, to: TO, intervalMs: 60_000 }, f);
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.deepEqual(report.steps.map((s) => [s.id, s.status, s.detail]), [
            ["preflight.source", "ok", "prod's automated backups of pl-prod-db in us-east-1: window 2026-11-24T12:00:00.000Z to 2026-12-01T12:40:00.000Z "
                + "holds 2026-12-01T11:59:00.000Z; new instance pl-prod-db-r20261201115900"],
            ["restore.database", "ok", "restore of prod's automated backups of pl-prod-db in us-east-1 to 2026-12-01T11:59:00.000Z started as "
                + "pl-prod-db-r20261201115900 in us-east-1, beside pl-prod-db"],
            ["wait.database", "ok", "pl-prod-db-r20261201115900 is available at pl-prod-db-r20261201115900.abc.rds.amazonaws.com:3306"],
            ["check.database", "ok", "pl-prod-db-r20261201115900 available and protected; pl-prod-db kept (available)"],
            ["restore.media", "ok", "media pl-media-prod: 2 key(s) restored to 2026-12-01T11:59:00.000Z, 0 unchanged; no version deleted"],
            ["report", "ok", "pl-prod-db-r20261201115900 at pl-prod-db-r20261201115900.abc.rds.amazonaws.com:3306; pl-prod-db is kept for comparison and rollback"],
            ["repoint.app", "ok", "pulumi up on prod: update 2; the app servers are replaced onto pl-prod-db-r20261201115900, pl-prod-db kept"],
        ]);
        // The app is pointed at the restore on prod, the stack in the restore's region; dr is not touched.
        assert.deepEqual(ws.summary().filter((c) => /setConfig|removeConfig|\.up$/.test(c)), [
            "prod.setConfig pilot-light:databaseHost=pl-prod-db-r20261201115900.abc.rds.amazonaws.com", "prod.up",
        ]);
        assert.match(f.lines.join("\n"), /set pilot-light:databaseHost pl-prod-db-r20261201115900\.abc\.rds\.amazonaws\.com on prod and run pulumi up: .* pl-prod-db is neither changed nor deleted/);
        assert.deepEqual(f.questions.slice(-1), ["Point the app at the restored database (the current one is kept): this changes data. Continue?"]);
        assert.deepEqual(aws.rds.commandCalls(RestoreDBInstanceToPointInTimeCommand).map((c: any) => c.args[0].input), [{
            SourceDBInstanceIdentifier: "pl-prod-db", TargetDBInstanceIdentifier: "pl-prod-db-r20261201115900", RestoreTime: new Date(TO),
            DBSubnetGroupName: "pl-prod-db-subnets", VpcSecurityGroupIds: ["sg-pl-prod-db"], DBInstanceClass: "db.t4g.medium", DBParameterGroupName: "pl-prod-db-params",
            PubliclyAccessible: false, DeletionProtection: true, CopyTagsToSnapshot: true,
        }]);
        assert.deepEqual(aws.rds.commandCalls(DescribeDBInstanceAutomatedBackupsCommand).map((c: any) => c.args[0].input), [{ DBInstanceIdentifier: "pl-prod-db" }]);
        assert.deepEqual(aws.s3.commandCalls(CopyObjectCommand).map((c: any) => c.args[0].input),
            [{ Bucket: "pl-media-prod", Key: "a.jpg", CopySource: "pl-media-prod/a.jpg?versionId=a1" }]);
        assert.deepEqual(aws.s3.commandCalls(DeleteObjectCommand).map((c: any) => c.args[0].input), [{ Bucket: "pl-media-prod", Key: "new.jpg" }]);
        assert.deepEqual(destructive(), []);
        // Two polls "creating" a minute apart on the fake clock, then available.
        assert.equal(f.now() - Date.parse("2026-12-01T13:00:00Z"), 120_000);
    });

    it("restores in dr from the replicated backups while prod is dark", async () => {
        stage({ prodDark: true, pollsUntilAvailable: 0 });
        const f = io();
        const ws = workspace();
        ws.config("dr").set("pilot-light:promote", "true");
        const report = await runRecover({ workspace: ws, to: TO }, f);
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.deepEqual(ws.summary().filter((c) => /setConfig|removeConfig|\.up$/.test(c)), [
            "dr.setConfig pilot-light:databaseHost=pl-dr-db-r20261201115900.abc.rds.amazonaws.com", "dr.up",
        ]);
        assert.match(f.lines.join("\n"), /prod's database does not answer in us-east-1 \(.*ETIMEDOUT.*\): restoring in dr's region us-west-2/);
        assert.deepEqual(aws.rds.commandCalls(DescribeDBInstanceAutomatedBackupsCommand).map((c: any) => c.args[0].input), [{ DBInstanceAutomatedBackupsArn: BACKUPS_ARN }]);
        const restore = aws.rds.commandCalls(RestoreDBInstanceToPointInTimeCommand).map((c: any) => c.args[0].input);
        assert.deepEqual(restore.map((i: any) => [i.SourceDBInstanceAutomatedBackupsArn, i.SourceDBInstanceIdentifier, i.TargetDBInstanceIdentifier, i.DBSubnetGroupName]),
            [[BACKUPS_ARN, undefined, "pl-dr-db-r20261201115900", "pl-dr-db-subnets"]]);
        assert.deepEqual(aws.s3.commandCalls(CopyObjectCommand).map((c: any) => c.args[0].input.Bucket), ["pl-media-dr"]);
        assert.equal(report.steps[0].detail?.startsWith("prod's automated backups replicated to us-west-2 (pilot-light:backupReplicationRetentionDays): window"), true);
        assert.deepEqual(destructive(), []);
    });

    it("points the app only after a yes, only at a promoted dr, and puts the key back when the up fails", async () => {
        // Declined: the restore stays, the app is untouched.
        stage({ pollsUntilAvailable: 0 });
        const declined = workspace();
        const no = Object.assign(fakeIO({ answers: [true, true, false] }), { record: () => undefined });
        const r1 = await runRecover({ workspace: declined, to: TO }, no);
        assert.equal(r1.stoppedBecause, "step 7 (Point the app at the restored database (the current one is kept)) was declined; nothing in it ran");
        assert.deepEqual(declined.summary().filter((c) => /setConfig|removeConfig|\.up$/.test(c)), []);

        // prod dark, dr in standby: dr has no app servers; the error says what to do, nothing is set.
        aws.reset();
        stage({ prodDark: true, pollsUntilAvailable: 0 });
        const standby = workspace();
        const r2 = await runRecover({ workspace: standby, to: TO }, io());
        assert.equal(r2.steps[6].error, "dr is not promoted, so it has no app servers to point at pl-dr-db-r20261201115900: fail over first "
            + "(npm run runbook -- failover), then re-run recover with the same --to (it finds pl-dr-db-r20261201115900 and goes on)");
        assert.deepEqual(standby.summary().filter((c) => /setConfig|removeConfig|\.up$/.test(c)), []);

        // The up fails: the key is removed again (it was unset), and the error says both databases are unchanged.
        aws.reset();
        stage({ pollsUntilAvailable: 0 });
        const failing = workspace().failUpOn("prod", 1, new Error("update failed: launch template version limit"));
        const r3 = await runRecover({ workspace: failing, to: TO }, io());
        assert.equal(r3.steps[6].error, "pulumi up on prod failed: update failed: launch template version limit. pilot-light:databaseHost is restored to unset; "
            + "both databases are unchanged; fix the cause and re-run recover with the same --to");
        assert.deepEqual(failing.summary().filter((c) => /setConfig|removeConfig|\.up$/.test(c)), [
            "prod.setConfig pilot-light:databaseHost=pl-prod-db-r20261201115900.abc.rds.amazonaws.com", "prod.up", "prod.removeConfig pilot-light:databaseHost",
        ]);
        assert.equal(failing.configObject("prod")["pilot-light:databaseHost"], undefined);
        assert.deepEqual(destructive(), []);
    });

    it("stops half-way when the restored instance never becomes available: nothing deleted, the timeline says where", async () => {
        stage({});
        const f = io();
        const report = await runRecover({ workspace: workspace(), to: TO, timeoutMs: 600_000, intervalMs: 60_000 }, f);
        assert.equal(report.ok, false);
        assert.deepEqual(report.steps.map((s) => [s.id, s.status]), [
            ["preflight.source", "ok"], ["restore.database", "ok"], ["wait.database", "failed"],
            ["check.database", "not-run"], ["restore.media", "not-run"], ["report", "not-run"], ["repoint.app", "not-run"],
        ]);
        assert.equal(report.stoppedBecause, "step 3 (Wait until the restored instance is available) failed: timed out after 10m00s waiting for "
            + "pl-prod-db-r20261201115900 to be available; last seen: creating");
        const end = f.events.find((e) => e.event === "run-end") as any;
        assert.equal(end.stoppedBecause, report.stoppedBecause);
        assert.deepEqual(aws.commandNames().filter((n) => /^(CopyObject|DeleteObject|ListObjectVersions)/.test(n)), []);
        assert.deepEqual(destructive(), []);
    });

    it("stops in the media step when a copy is refused: the restored database stays, no version is deleted", async () => {
        stage({ pollsUntilAvailable: 0 });
        aws.s3.on(CopyObjectCommand).rejects(Object.assign(new Error("Access Denied"), { name: "AccessDenied" }));
        const report = await runRecover({ workspace: workspace(), to: TO }, io());
        assert.deepEqual(report.steps.map((s) => [s.id, s.status]), [
            ["preflight.source", "ok"], ["restore.database", "ok"], ["wait.database", "ok"], ["check.database", "ok"],
            ["restore.media", "failed"], ["report", "not-run"], ["repoint.app", "not-run"],
        ]);
        assert.equal(report.steps[4].error, "media pl-media-prod: copy-version of a.jpg failed after 0 of 2 key(s): AccessDenied: Access Denied; "
            + "no version was deleted; re-run recover with the same --to to finish");
        assert.deepEqual(aws.s3.commandCalls(DeleteObjectCommand), []);
        assert.deepEqual(destructive(), []);
    });

    it("refuses a time outside the restore window, naming --to, the value and the window, before restoring anything", async () => {
        stage({ pollsUntilAvailable: 0 });
        const report = await runRecover({ workspace: workspace(), to: "2026-11-20T00:00:00Z" }, io());
        assert.equal(report.steps[0].error, "--to 2026-11-20T00:00:00.000Z is outside the restore window of prod's automated backups of pl-prod-db in us-east-1: "
            + "2026-11-24T12:00:00.000Z to 2026-12-01T12:40:00.000Z; choose a time inside it "
            + "(the earliest is the retention's start, the latest is typically within the last 5 minutes)");
        assert.deepEqual(aws.rds.commandCalls(RestoreDBInstanceToPointInTimeCommand), []);
    });

    describe("CLI", () => {
        function env() {
            const out: string[] = [];
            const err: string[] = [];
            let workspaces = 0;
            const f = fakeIO();
            const cli: CliEnv = {
                stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, ask: async () => "n",
                workspace: () => { workspaces++; throw new Error("no workspace in this test"); },
                planner: async () => { throw new Error("recover needs no offline plan"); },
                now: f.now, sleep: f.sleep,
            };
            return { cli, out, err, workspaces: () => workspaces };
        }

        it("--dry-run --to plans offline: the steps, no workspace, no AWS call", async () => {
            const e = env();
            assert.equal(await main(["recover", "--dry-run", "--to", TO], e.cli), 0);
            assert.equal(e.out[0], "recover --dry-run: a real run takes these steps (none runs now):\n"
                + "  1. Choose the source: prod's backups while its region answers, else dr's replicated copy; check 2026-12-01T11:59:00.000Z is in its window\n"
                + "  2. Restore the database to 2026-12-01T11:59:00.000Z as a new instance beside the current one\n"
                + "  3. Wait until the restored instance is available\n"
                + "  4. Check the restored instance and that the current one is kept\n"
                + "  5. Restore the media bucket to 2026-12-01T11:59:00.000Z (copies of old versions and delete markers; no version deleted)\n"
                + "  6. Report what the restore made and how to compare it\n"
                + "  7. Point the app at the restored database (the current one is kept)");
            assert.equal(e.workspaces(), 0);
            assert.deepEqual(aws.commandNames(), []);
        });

        it("a missing or malformed --to is a usage error naming --to", async () => {
            const e = env();
            assert.equal(await main(["recover", "--dry-run"], e.cli), 2);
            assert.match(e.err[0], /^error: --to is required for recover: the time to restore to, e.g. --to 2026-12-01T11:59:00Z\n/);
            const g = env();
            assert.equal(await main(["recover", "--to", "yesterday"], g.cli), 2);
            assert.match(g.err[0], /^error: --to "yesterday" is not allowed; expected an ISO 8601 time with a zone, such as 2026-12-01T11:59:00Z\n/);
            const h = env();
            assert.equal(await main(["failover", "--to", TO], h.cli), 2);
            assert.match(h.err[0], /^error: --to does not apply to failover;/);
        });
    });
});
