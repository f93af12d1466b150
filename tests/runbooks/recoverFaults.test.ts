// Fault injection for the recover runbook: prod's region dark for real. Its RDS and S3 clients
// are pointed, through clients.ts's endpoint hook, at a local server that accepts connections and
// never answers, or at a port that refuses them, so the probe of prod's database takes the SDK's
// real HTTP path (connect and request timeouts, bounded retries). dr's region is answered in
// process with the real APIs' output shapes (support/splitSend.ts). recover.test.ts covers the
// same choice with a mocked ETIMEDOUT; this file proves the real client gives up within its
// budget and the restore goes on in dr, touching nothing in prod.
import { strict as assert } from "assert";
import { RDSClient } from "@aws-sdk/client-rds";
import { S3Client } from "@aws-sdk/client-s3";
import { runRecover } from "../../ops/runbooks/recover";
import { clientPolicy, setClientPolicy, worstCallMs } from "../../ops/runbooks/clients";
import type { TimelineEvent } from "../../ops/runbooks/runner";
import { fakeIO, FakeWorkspace } from "./support/fakeWorkspace";
import { refusingUrl, silentServer, SilentServer, useDummyCredentials } from "./support/localServers";
import { useSplitSend } from "./support/splitSend";

const PROD = "us-east-1";
const DR = "us-west-2";
const TO = "2026-12-01T11:59:00Z";
const BACKUPS_ARN = "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-7ahsyctbd4kkb5ex6jxrjwjk3ba3fmc5ycpmfqy";
const TARGET = "pl-dr-db-r20261201115900";
/** Short timeouts so a dark endpoint costs well under a second. */
const POLICY = { connectionTimeoutMs: 150, requestTimeoutMs: 200, maxAttempts: 2 };

describe("runbooks: recover with prod's region dark (real SDK calls to endpoints that hang or refuse)", () => {
    const split = useSplitSend(RDSClient, S3Client);
    useDummyCredentials();
    let silent: SilentServer;
    let refused: string;
    let restorePolicy: (() => void) | undefined;
    before(async () => {
        silent = await silentServer();
        refused = await refusingUrl();
    });
    after(async () => { await silent.close(); });
    afterEach(() => restorePolicy?.());

    /** dr's region as its APIs answer; every call is recorded as "<Command> <input>" in `calls`. */
    function drAnswers(calls: string[]) {
        let polls = 0;
        const current = { DBInstanceIdentifier: "pl-dr-db", DBInstanceStatus: "available", DBInstanceClass: "db.t4g.medium",
            DBSubnetGroup: { DBSubnetGroupName: "pl-dr-db-subnets" }, VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-dr" }], DBParameterGroups: [] };
        split.log.length = 0;
        split.answer({
            DescribeDBInstances: (input) => {
                calls.push(`DescribeDBInstances ${input.DBInstanceIdentifier}`);
                if (input.DBInstanceIdentifier === "pl-dr-db") return { DBInstances: [current] };
                assert.equal(input.DBInstanceIdentifier, TARGET);
                return { DBInstances: [{ DBInstanceIdentifier: TARGET, DBInstanceStatus: polls++ ? "available" : "creating", DeletionProtection: true,
                    ...(polls > 1 ? { Endpoint: { Address: `${TARGET}.abc.us-west-2.rds.amazonaws.com`, Port: 3306 } } : {}) }] };
            },
            DescribeDBInstanceAutomatedBackups: (input) => {
                calls.push(`DescribeDBInstanceAutomatedBackups ${input.DBInstanceAutomatedBackupsArn}`);
                return { DBInstanceAutomatedBackups: [{ Status: "replicating", RestoreWindow: {
                    EarliestTime: new Date("2026-11-24T12:00:00Z"), LatestTime: new Date("2026-12-01T12:40:00Z") } }] };
            },
            RestoreDBInstanceToPointInTime: (input) => {
                calls.push(`RestoreDBInstanceToPointInTime ${input.SourceDBInstanceAutomatedBackupsArn} ${input.TargetDBInstanceIdentifier}`);
                return {};
            },
            ListObjectVersions: (input) => {
                calls.push(`ListObjectVersions ${input.Bucket}`);
                return { IsTruncated: false, DeleteMarkers: [], Versions: [
                    { Key: "a.jpg", VersionId: "a1", LastModified: new Date("2026-12-01T10:00:00Z"), IsLatest: false },
                    { Key: "a.jpg", VersionId: "a2", LastModified: new Date("2026-12-01T12:05:00Z"), IsLatest: true },
                ] };
            },
            CopyObject: (input) => { calls.push(`CopyObject ${input.Bucket} ${input.CopySource}`); return {}; },
        });
    }

    for (const fault of ["hangs", "refuses"] as const) {
        it(`restores in dr when prod's RDS endpoint ${fault === "hangs" ? "accepts and never answers" : "refuses connections"}, within the client's budget`, async () => {
            const dead = fault === "hangs" ? silent.url : refused;
            restorePolicy = setClientPolicy({ ...POLICY, endpoint: (_service, region) => (region === PROD ? dead : undefined) });
            const before = silent.connections();
            const calls: string[] = [];
            drAnswers(calls);
            const workspace = new FakeWorkspace({
                prod: { config: { "aws:region": PROD }, outputs: { region: PROD, dbInstanceIdentifier: "pl-prod-db", mediaBucketName: "pl-media-prod" } },
                dr: { config: { "aws:region": DR, "pilot-light:promote": "true" }, outputs: { region: DR, dbInstanceIdentifier: "pl-dr-db", mediaBucketName: "pl-media-dr", dbBackupsReplicationArn: BACKUPS_ARN } },
            });
            const io = Object.assign(fakeIO({ start: Date.parse("2026-12-01T13:00:00Z") }), { events: [] as TimelineEvent[] });
            io.record = (e: TimelineEvent) => { io.events.push(e); };
            const started = performance.now();
            const report = await runRecover({ workspace, to: TO, intervalMs: 60_000 }, io);
            const probeMs = performance.now() - started;

            assert.equal(report.ok, true, report.stoppedBecause);
            assert.deepEqual(report.steps.map((s) => [s.id, s.status]), [
                ["preflight.source", "ok"], ["restore.database", "ok"], ["wait.database", "ok"], ["check.database", "ok"], ["restore.media", "ok"], ["report", "ok"], ["repoint.app", "ok"],
            ]);
            assert.deepEqual(workspace.summary().filter((c) => /setConfig|\.up$/.test(c)), [
                `dr.setConfig pilot-light:databaseHost=${TARGET}.abc.us-west-2.rds.amazonaws.com`, "dr.up",
            ]);
            // The one call to prod went to the network, twice (the policy's attempts), and failed; everything after it is dr's.
            assert.deepEqual(split.log.filter((l) => l.startsWith("net ")), ["net RDS DescribeDBInstances us-east-1"]);
            if (fault === "hangs") assert.equal(silent.connections() - before, POLICY.maxAttempts);
            const why = io.lines.find((l) => l.startsWith("prod's database does not answer in us-east-1"));
            assert.ok(why, io.lines.join("\n"));
            assert.match(why!, fault === "hangs"
                ? /\(cannot describe DB instance pl-prod-db in us-east-1: AwsUnreachableError: RDS in us-east-1 did not answer \(http:\/\/127\.0\.0\.1:\d+\): DescribeDBInstancesCommand: .*exceeded the configured 200 ms requestTimeout\. \(2 attempt\(s\)\)\)/
                : /\(cannot describe DB instance pl-prod-db in us-east-1: AwsUnreachableError: RDS in us-east-1 did not answer \(http:\/\/127\.0\.0\.1:\d+\): DescribeDBInstancesCommand: ECONNREFUSED \(2 attempt\(s\)\)\)/);
            assert.match(why!, /: restoring in dr's region us-west-2$/);
            assert.deepEqual(calls, [
                `DescribeDBInstanceAutomatedBackups ${BACKUPS_ARN}`,
                "DescribeDBInstances pl-dr-db",
                `RestoreDBInstanceToPointInTime ${BACKUPS_ARN} ${TARGET}`,
                `DescribeDBInstances ${TARGET}`, `DescribeDBInstances ${TARGET}`,
                "DescribeDBInstances pl-dr-db", `DescribeDBInstances ${TARGET}`,
                "ListObjectVersions pl-media-dr",
                "CopyObject pl-media-dr pl-media-dr/a.jpg?versionId=a1",
            ]);
            // The whole run, which made one call to the dark endpoint and waited on the fake clock, stayed inside that call's worst case.
            assert.ok(probeMs <= worstCallMs(clientPolicy()), `the run took ${Math.round(probeMs)} ms, over one dark call's budget of ${worstCallMs(clientPolicy())} ms`);
            assert.deepEqual(io.events.filter((e) => e.event === "step-end").map((e: any) => [e.step, e.status]), report.steps.map((s) => [s.id, s.status]));
        });
    }
});
