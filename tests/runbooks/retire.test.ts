// Retiring a database generation: the snapshot (name, waiting, reuse), the one-URN unprotect
// (refusing zero or several matches), and that nothing ever deletes a DB instance.
import { strict as assert } from "assert";
import {
    CreateDBSnapshotCommand, DeleteDBInstanceCommand, DescribeDBSnapshotsCommand,
} from "@aws-sdk/client-rds";
import { FakeWorkspace, useAwsMocks } from "./support/fakeWorkspace";
import { RunbookIO, StepContext } from "../../ops/runbooks/runner";
import {
    findInstanceUrn, logicalName, retireDatabase, retiredDatabaseNotice, retireSnapshotName, RDS_INSTANCE_TYPE,
    snapshotForRetire, unprotectInstance,
} from "../../ops/runbooks/retire";

const NOW = Date.parse("2025-03-04T05:06:07Z");

function context(): StepContext & { lines: string[] } {
    let clock = NOW;
    const lines: string[] = [];
    const io: RunbookIO = {
        log: (l) => lines.push(l), confirm: async () => true, now: () => clock, sleep: async (ms) => { clock += ms; },
    };
    return { io, progress: (m) => lines.push(m), lines };
}

const urnOf = (stack: string, name: string) => `urn:pulumi:${stack}::pilot-light::pilot-light:database:Database$${RDS_INSTANCE_TYPE}::${name}`;

function checkpoint(...instances: Array<{ name: string; identifier: string; protect?: boolean }>) {
    return {
        version: 3,
        deployment: {
            manifest: { time: "2025-01-01T00:00:00Z" },
            resources: [
                { urn: "urn:pulumi:prod::pilot-light::pulumi:pulumi:Stack::pilot-light-prod", type: "pulumi:pulumi:Stack" },
                { urn: urnOf("prod", "database-kms-key"), type: "aws:kms/key:Key", protect: true, outputs: { id: "k" } },
                ...instances.map((i) => ({
                    urn: urnOf("prod", i.name), type: RDS_INSTANCE_TYPE, protect: i.protect ?? true,
                    outputs: { identifier: i.identifier, id: "db-XYZ" },
                })),
            ],
        },
    };
}

describe("runbooks/retire", () => {
    // Inside the describe: the stubs are installed for these tests only (see useAwsMocks).
    const aws = useAwsMocks();
    let rds: typeof aws.rds;
    beforeEach(() => { aws.reset(); rds = aws.rds; });

    it("names the snapshot <identifier>-retire-<yyyymmddhhmm> in UTC", () => {
        assert.equal(retireSnapshotName("pilot-light-prod", NOW), "pilot-light-prod-retire-202503040506");
        assert.throws(() => retireSnapshotName("x", Number.NaN), /retire snapshot time NaN is not a valid date/);
    });

    it("finds exactly one instance URN by its identifier output", () => {
        const state = checkpoint({ name: "database-mysql", identifier: "pilot-light-prod" },
            { name: "database-mysql-g2", identifier: "pilot-light-prod-g2" });
        assert.equal(findInstanceUrn(state, "pilot-light-prod-g2"), urnOf("prod", "database-mysql-g2"));
        assert.equal(logicalName(urnOf("prod", "database-mysql-g2")), "database-mysql-g2");
    });

    it("refuses when no instance has the identifier, listing the ones there", () => {
        const state = checkpoint({ name: "database-mysql", identifier: "pilot-light-prod" });
        assert.throws(() => findInstanceUrn(state, "pilot-light-prod-g9", "stack prod"),
            { message: `no ${RDS_INSTANCE_TYPE} with identifier "pilot-light-prod-g9" in the state of stack prod; RDS instances there: `
                + "pilot-light-prod. If an earlier run already retired it, the update that dropped it from state has run: resume from the next step" });
    });

    it("refuses when several instances have the identifier, and unprotects nothing", async () => {
        const ws = new FakeWorkspace({ prod: { state: checkpoint(
            { name: "database-mysql", identifier: "pilot-light-prod" }, { name: "old-mysql", identifier: "pilot-light-prod" }) } });
        const stack = await ws.stack("prod");
        await assert.rejects(unprotectInstance(stack, "pilot-light-prod"),
            /2 aws:rds\/instance:Instance resources have identifier "pilot-light-prod" in the state of stack prod .*exactly one is allowed, so nothing was unprotected/);
        assert.equal(ws.callsTo("prod", "importState").length, 0);
    });

    it("rejects a checkpoint without deployment.resources", () => {
        assert.throws(() => findInstanceUrn({ version: 3 }, "x"), /has no deployment.resources list \(got keys version\)/);
    });

    it("unprotects only that resource and is idempotent", async () => {
        const ws = new FakeWorkspace({ prod: { state: checkpoint(
            { name: "database-mysql", identifier: "pilot-light-prod" }, { name: "database-mysql-g2", identifier: "pilot-light-prod-g2" }) } });
        const stack = await ws.stack("prod");
        const before = await stack.exportState();
        const result = await unprotectInstance(stack, "pilot-light-prod");
        assert.deepEqual(result, { urn: urnOf("prod", "database-mysql"), changed: true });
        const imported = ws.callsTo("prod", "importState");
        assert.equal(imported.length, 1);
        const expected = structuredClone(before);
        expected.deployment.resources.find((r: any) => r.urn === urnOf("prod", "database-mysql")).protect = false;
        assert.deepEqual(imported[0].args[0], expected);

        assert.deepEqual(await unprotectInstance(stack, "pilot-light-prod"), { urn: urnOf("prod", "database-mysql"), changed: false });
        assert.equal(ws.callsTo("prod", "importState").length, 1);
    });

    it("snapshots, waits with progress, then unprotects; never deletes", async () => {
        const ws = new FakeWorkspace({ prod: { state: checkpoint({ name: "database-mysql", identifier: "pilot-light-prod" }) } });
        const name = "pilot-light-prod-retire-202503040506";
        rds.on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: "pilot-light-prod", SnapshotType: "manual" }).resolves({ DBSnapshots: [] });
        rds.on(CreateDBSnapshotCommand).resolves({ DBSnapshot: { DBSnapshotIdentifier: name, Status: "creating" } });
        rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: name })
            .resolvesOnce({ DBSnapshots: [{ DBSnapshotIdentifier: name, Status: "creating", PercentProgress: 40 }] })
            .resolves({ DBSnapshots: [{ DBSnapshotIdentifier: name, Status: "available", PercentProgress: 100 }] });
        const ctx = context();
        const result = await retireDatabase(ctx, await ws.stack("prod"), { region: "us-east-1", identifier: "pilot-light-prod" },
            { intervalMs: 1000 });
        assert.deepEqual(result, { snapshotId: name, urn: urnOf("prod", "database-mysql"), changed: true });
        assert.deepEqual(rds.commandCalls(CreateDBSnapshotCommand).map((c) => c.args[0].input), [{
            DBInstanceIdentifier: "pilot-light-prod", DBSnapshotIdentifier: name, Tags: [{ Key: "pilot-light:purpose", Value: "retire" }],
        }]);
        assert.ok(ctx.lines.includes(`snapshot ${name}: creating, 40%`), ctx.lines.join("\n"));
        assert.equal(rds.commandCalls(DeleteDBInstanceCommand).length, 0);
    });

    it("refuses before snapshotting when the URN is ambiguous", async () => {
        const ws = new FakeWorkspace({ prod: { state: checkpoint(
            { name: "a-mysql", identifier: "pilot-light-prod" }, { name: "b-mysql", identifier: "pilot-light-prod" }) } });
        await assert.rejects(retireDatabase(context(), await ws.stack("prod"), { region: "us-east-1", identifier: "pilot-light-prod" }),
            /2 aws:rds\/instance:Instance resources/);
        assert.equal(rds.commandCalls(CreateDBSnapshotCommand).length, 0);
    });

    it("waits for a retire snapshot an interrupted run left creating instead of starting another", async () => {
        const old = "pilot-light-prod-retire-202503040401";
        rds.on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: "pilot-light-prod", SnapshotType: "manual" })
            .resolves({ DBSnapshots: [{ DBSnapshotIdentifier: old, Status: "creating" }] });
        rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: old }).resolves({ DBSnapshots: [{ DBSnapshotIdentifier: old, Status: "available" }] });
        assert.equal(await snapshotForRetire(context(), { region: "us-east-1", identifier: "pilot-light-prod" }), old);
        assert.equal(rds.commandCalls(CreateDBSnapshotCommand).length, 0);
    });

    it("fails naming the snapshot when it ends failed, and explains an unavailable instance", async () => {
        const name = "pilot-light-prod-retire-202503040506";
        rds.on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: "pilot-light-prod", SnapshotType: "manual" }).resolves({ DBSnapshots: [] });
        rds.on(CreateDBSnapshotCommand).resolves({});
        rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: name }).resolves({ DBSnapshots: [{ Status: "failed" }] });
        await assert.rejects(snapshotForRetire(context(), { region: "us-east-1", identifier: "pilot-light-prod" }),
            /snapshot pilot-light-prod-retire-202503040506 of pilot-light-prod in us-east-1 is "failed", expected "available"/);

        rds.reset();
        rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
        rds.on(CreateDBSnapshotCommand).rejects(Object.assign(new Error("Instance is not available"), { name: "InvalidDBInstanceStateFault" }));
        await assert.rejects(snapshotForRetire(context(), { region: "us-east-1", identifier: "pilot-light-prod" }),
            /cannot snapshot pilot-light-prod in us-east-1 as pilot-light-prod-retire-202503040506: InvalidDBInstanceStateFault: Instance is not available; RDS snapshots only an "available" instance/);
    });

    it("prints the stop and delete commands, with deletion protection turned off first", () => {
        const notice = retiredDatabaseNotice({ region: "us-east-1", identifier: "pilot-light-prod" }, "snap-1", NOW);
        assert.match(notice, /aws rds stop-db-instance --region us-east-1 --db-instance-identifier pilot-light-prod/);
        assert.match(notice, /after 7 days/);
        assert.match(notice, /--no-deletion-protection --apply-immediately\n  aws rds delete-db-instance --region us-east-1 --db-instance-identifier pilot-light-prod --final-db-snapshot-identifier pilot-light-prod-final-202503040506 --no-delete-automated-backups/);
    });
});
