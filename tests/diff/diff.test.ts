// The promotion diff and its data-safety rule: unit behaviour on synthetic records, then the
// real transitions an operator makes (promote, drill, each failback step), planned offline
// through the real program.
import * as assert from "assert";
import * as path from "path";
import {
    checkDataSafety, diffResources, planChange as planChangeUncached, PlanChangeRequest, PlannedChange, renderChanges, ResourceChange,
} from "../../ops/diff";
import { withProgramLogs } from "../../ops/offline/console";
import { protectedDeleteError } from "../../ops/offline/pulumiRules";
import { PLANS, serially } from "../support/quietPlan";
import { record, urnOf } from "../support/records";

const ROOT = path.join(__dirname, "..", "..");
const DB = "aws:rds/instance:Instance";

/** Only the changes to data resources, as `op name [diff]`, sorted. */
const dataChanges = (c: PlannedChange) => c.changes.filter((x) => x.data).map((x) => `${x.op} ${x.name}${x.diff.length ? ` [${x.diff.join(", ")}]` : ""}`).sort();
const pick = (i: Record<string, any>) => Object.fromEntries(["skipFinalSnapshot", "finalSnapshotIdentifier"].filter((k) => k in i).map((k) => [k, i[k]]));
/** ops/diff's planChange with the suite's plans (the "before" plans and the peers are shared), its logs dropped. */
const planChange = (req: PlanChangeRequest) => serially(() => withProgramLogs("silent", () => planChangeUncached({ ...req, cache: PLANS })));
const ns = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`pilot-light:${k}`, v]));

describe("diff: classifying changes", () => {
    it("creates, updates, replaces on a force-new input, and deletes", () => {
        const before = [
            record(DB, "db", { identifier: "a", instanceClass: "db.t4g.medium" }),
            record("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16", tags: { a: "1" } }),
            record("aws:ec2/subnet:Subnet", "gone", { cidrBlock: "10.0.1.0/24" }),
        ];
        const after = [
            record(DB, "db", { identifier: "a", instanceClass: "db.r6g.large" }),
            record("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.1.0.0/16", tags: { a: "1" } }),
            record("aws:ec2/subnet:Subnet", "new", { cidrBlock: "10.0.2.0/24" }),
        ];
        const changes = diffResources(before, after);
        assert.deepStrictEqual(changes.map((c) => [c.op, c.name, c.diff, c.replaceKeys]), [
            ["update", "db", ["instanceClass"], []],
            ["replace", "vpc", ["cidrBlock"], ["cidrBlock"]],
            ["create", "new", [], []],
            ["delete", "gone", [], []],
        ]);
    });

    it("ignores key order inside inputs and skips components", () => {
        const a = record("aws:ec2/vpc:Vpc", "vpc", { tags: { a: "1", b: "2" } });
        const b = record("aws:ec2/vpc:Vpc", "vpc", { tags: { b: "2", a: "1" } });
        const component = record("pilot-light:basic:Network", "net", {}, { custom: false });
        assert.deepStrictEqual(diffResources([a], [b, component]), []);
    });

    it("treats the per-resource region of @pulumi/aws v7 as force-new on every type", () => {
        const [c] = diffResources([record("aws:ec2/vpc:Vpc", "vpc", { region: "us-east-1" })], [record("aws:ec2/vpc:Vpc", "vpc", { region: "us-west-2" })]);
        assert.strictEqual(c.op, "replace");
    });

    it("refuses to guess for a changed resource of an unknown type", () => {
        assert.throws(() => diffResources([record("aws:foo/bar:Bar", "x", { a: 1 })], [record("aws:foo/bar:Bar", "x", { a: 2 })]),
            { message: "diff: aws:foo/bar:Bar (x) changed [a] but ops/diff/forceNew/table.json does not say which of its inputs force replacement; "
                + "add the type to ops/diff/forceNew/manifest.ts and regenerate the table (ops/diff/forceNew/generate.ts)." });
    });

    it("renders one line per change with the changed inputs", () => {
        const changes = diffResources([record(DB, "db", { kmsKeyId: "a" })], [record(DB, "db", { kmsKeyId: "b" })]);
        assert.strictEqual(renderChanges(changes),
            "0 to create, 0 to update, 1 to replace, 0 to delete\n"
            + "  +- replace aws:rds/instance:Instance  db [data] [kmsKeyId] (replaced because of kmsKeyId)");
        assert.strictEqual(renderChanges([]), "0 to create, 0 to update, 0 to replace, 0 to delete (no changes)");
    });

    it("replaces on a nested force-new field only: the bucket's object lock switch, not its retention rule", () => {
        const bucket = (lock: Record<string, any>) => record("aws:s3/bucket:Bucket", "media", { objectLockConfiguration: lock });
        const [rule] = diffResources([bucket({ objectLockEnabled: "Enabled", rule: { defaultRetention: { days: 1 } } })],
            [bucket({ objectLockEnabled: "Enabled", rule: { defaultRetention: { days: 7 } } })]);
        assert.deepStrictEqual([rule.op, rule.replaceKeys], ["update", []]);
        const [lock] = diffResources([bucket({})], [bucket({ objectLockEnabled: "Enabled" })]);
        assert.deepStrictEqual([lock.op, lock.replaceKeys], ["replace", ["objectLockConfiguration"]]);
    });
});

describe("diff: data safety", () => {
    const urn = urnOf;

    it("fails a replace of each data type, naming the resource and the inputs that force it, also those the old table missed", () => {
        const cases: [string, Record<string, any>, Record<string, any>, string][] = [
            [DB, { kmsKeyId: "k1" }, { kmsKeyId: "k2" }, "kmsKeyId"],
            [DB, {}, { backupTarget: "outposts" }, "backupTarget"],
            ["aws:s3/bucket:Bucket", { bucket: "a" }, { bucket: "b" }, "bucket"],
            ["aws:s3/bucket:Bucket", {}, { objectLockConfiguration: { objectLockEnabled: "Enabled" } }, "objectLockConfiguration"],
            ["aws:s3/bucket:Bucket", {}, { bucketNamespace: "account-regional" }, "bucketNamespace"],
            ["aws:kms/key:Key", { multiRegion: false }, { multiRegion: true }, "multiRegion"],
            ["aws:secretsmanager/secret:Secret", { name: "a" }, { name: "b" }, "name"],
            ["aws:secretsmanager/secret:Secret", {}, { type: "rds" }, "type"],
            ["aws:ebs/volume:Volume", { multiAttachEnabled: false }, { multiAttachEnabled: true }, "multiAttachEnabled"],
            ["aws:ebs/volume:Volume", { availabilityZone: "us-east-1a" }, { availabilityZone: "us-east-1b" }, "availabilityZone"],
        ];
        for (const [type, from, to, key] of cases) {
            const problems = checkDataSafety(diffResources([record(type, "x", from)], [record(type, "x", to)]));
            assert.deepStrictEqual(problems, [`REPLACE of ${type} "x" (${urn(type, "x")}): [${key}] force a new resource, so the data in it would be lost.`]);
        }
    });

    it("fails a delete of data; a retained delete only when explicitly allowed as a retirement", () => {
        const plain = diffResources([record("aws:s3/bucket:Bucket", "media", {})], []);
        assert.deepStrictEqual(checkDataSafety(plain, { allowRetire: ["media"] }),
            [`DELETE of aws:s3/bucket:Bucket "media" (${urn("aws:s3/bucket:Bucket", "media")}): the data in it would be lost.`]);
        const retained = diffResources([record(DB, "old", {}, { retainOnDelete: true })], []);
        assert.deepStrictEqual(checkDataSafety(retained), [`DELETE of ${DB} "old" (${urn(DB, "old")}): it is retained in AWS, but retiring it must be explicit; `
            + "snapshot it first and allow it with --allow-retire old (the failback runbook does both)."]);
        assert.deepStrictEqual(checkDataSafety(retained, { allowRetire: ["old"] }), []);
    });

    it("says what happens to a retained resource that is replaced: the old one stays in AWS, outside the state", () => {
        const changes = diffResources([record(DB, "db", { kmsKeyId: "k1" }, { retainOnDelete: true })], [record(DB, "db", { kmsKeyId: "k2" }, { retainOnDelete: true })]);
        assert.deepStrictEqual(checkDataSafety(changes), [`REPLACE of ${DB} "db" (${urn(DB, "db")}): [kmsKeyId] force a new resource, `
            + "and the stack would go on with a new, empty one (the old one is retained in AWS, outside the state)."]);
    });

    it("renames a DB instance in place (provider v5+), and fails it: its endpoint and ARN change under the app and its replicas", () => {
        const changes = diffResources([record(DB, "db", { identifier: "pilot-light-prod" })], [record(DB, "db", { identifier: "pilot-light-prod-2" })]);
        assert.deepStrictEqual([changes[0].op, changes[0].replaceKeys, changes[0].renamed], ["update", [], { from: "pilot-light-prod", to: "pilot-light-prod-2" }]);
        assert.deepStrictEqual(checkDataSafety(changes), [`UPDATE of ${DB} "db" (${urn(DB, "db")}) renames the DB instance in place `
            + "(identifier pilot-light-prod → pilot-light-prod-2): its endpoint and ARN change, so the app and any replica of it lose their source; "
            + "raise pilot-light:databaseGeneration to build a new instance beside it instead."]);
    });

    it("fails turning a standalone database back into a replica in place", () => {
        const changes = diffResources([record(DB, "db", {})], [record(DB, "db", { replicateSourceDb: "arn:src" })]);
        assert.strictEqual(changes[0].op, "update");
        assert.deepStrictEqual(checkDataSafety(changes), [`UPDATE of ${DB} "db" (${urn(DB, "db")}) would make a standalone database a replica again, `
            + "which RDS cannot do in place; raise pilot-light:databaseGeneration to build a new replica beside it and retire this one (docs/runbooks/failback.md)."]);
    });

    it("does not count a secret its component declares regenerable as data", () => {
        const secret = "aws:secretsmanager/secret:Secret";
        const [c] = diffResources([record(secret, "token", { tags: { "pilot-light:data-class": "regenerable" } })], []);
        assert.strictEqual(c.data, false);
        assert.deepStrictEqual(checkDataSafety([c]), []);
        const [d] = diffResources([record(secret, "token", { tags: { "pilot-light:data-class": "other" } })], []);
        assert.strictEqual(d.data, true);
    });

    it("still protects an access-log bucket (data-class logs): its logs are evidence, not regenerable", () => {
        const bucket = "aws:s3/bucket:Bucket";
        const logs = { tags: { "pilot-light:data-class": "logs" } };
        const [c] = diffResources([record(bucket, "app-web-logs", logs)], []);
        assert.strictEqual(c.data, true);
        assert.deepStrictEqual(checkDataSafety([c]), [`DELETE of ${bucket} "app-web-logs" (${urn(bucket, "app-web-logs")}): the data in it would be lost.`]);
    });

    it("allows updates and non-data deletes", () => {
        const changes: ResourceChange[] = diffResources(
            [record(DB, "db", { instanceClass: "a" }), record("aws:cloudwatch/metricAlarm:MetricAlarm", "lag", {})],
            [record(DB, "db", { instanceClass: "b" })]);
        assert.deepStrictEqual(checkDataSafety(changes), []);
    });
});

const ROTATION = "aws:secretsmanager/secretRotation:SecretRotation";

describe("diff: the real transitions, planned offline", function () {
    this.timeout(300000);

    it("promotion keeps the replica's URN, drops replicateSourceDb, sets backups and the final snapshot; nothing else touches data", async () => {
        const c = await planChange({ dir: ROOT, stack: "dr", from: {}, to: ns({ promote: "true" }) });
        assert.deepStrictEqual(c.unsafe, []);
        assert.deepStrictEqual(c.refused, []);
        assert.deepStrictEqual(dataChanges(c), ["update database-mysql [backupRetentionPeriod, finalSnapshotIdentifier, replicateSourceDb, skipFinalSnapshot]"]);
        const db = c.changes.find((x) => x.type === DB)!;
        assert.strictEqual(db.urn, "urn:pulumi:dr::pilot-light::pilot-light:database:Database$aws:rds/instance:Instance::database-mysql");
        const after = c.after.resources.find((r) => r.urn === db.urn)!;
        assert.strictEqual(after.inputs.replicateSourceDb, undefined);
        assert.strictEqual(after.inputs.backupRetentionPeriod, 7);
        assert.strictEqual(c.before.resources.find((r) => r.urn === db.urn)!.inputs.backupRetentionPeriod, 0);
        // A replica cannot have a final snapshot; the promoted DB may hold the only copy of the data, so it keeps one.
        assert.deepStrictEqual(pick(c.before.resources.find((r) => r.urn === db.urn)!.inputs), { skipFinalSnapshot: true });
        assert.deepStrictEqual(pick(after.inputs), { skipFinalSnapshot: false, finalSnapshotIdentifier: "pilot-light-dr-final" });
        // Only the replica-lag alarm goes away; the rest is the new app tier.
        assert.deepStrictEqual(c.changes.filter((x) => x.op === "delete").map((x) => x.name), ["database-replica-lag"]);
        assert.deepStrictEqual(c.changes.filter((x) => x.op === "replace"), []);
        // dr rotates nothing: the master secret is prod's (dr reads its replica) and the new
        // password reaches dr's database through the binary log. No secret changes either.
        assert.deepStrictEqual(c.after.resources.filter((r) => r.type === ROTATION || r.type === "pilot-light:database:MasterPasswordRotation"), []);
        assert.deepStrictEqual(c.changes.filter((x) => x.type.startsWith("aws:secretsmanager/")), []);
    });

    it("a drill builds the app tier without touching any data resource", async () => {
        const c = await planChange({ dir: ROOT, stack: "dr", from: {}, to: ns({ drill: "true" }) });
        assert.deepStrictEqual(c.unsafe, []);
        assert.deepStrictEqual(c.refused, []);
        assert.deepStrictEqual(dataChanges(c), []);
        assert.deepStrictEqual(c.changes.filter((x) => x.op !== "create"), []);
        assert.ok(!c.after.resources.some((r) => r.type === "aws:route53/record:Record" && r.name === "dns-a"));
    });

    describe("failback is as safe as promotion", () => {
        it("step 1–2: rebuilding prod from dr creates a new generation beside the old one, which may only be retired explicitly", async () => {
            const to = ns({ rebuildFromPeer: "true", databaseGeneration: "2" });
            const c = await planChange({ dir: ROOT, stack: "prod", from: {}, to });
            assert.deepStrictEqual(dataChanges(c), ["create database-mysql-g2", "delete database-mysql"]);
            assert.deepStrictEqual(c.unsafe, [
                `DELETE of ${DB} "database-mysql" (urn:pulumi:prod::pilot-light::pilot-light:database:Database$${DB}::database-mysql): it is retained in AWS, `
                + "but retiring it must be explicit; snapshot it first and allow it with --allow-retire database-mysql (the failback runbook does both).",
            ]);
            // And `pulumi up` itself refuses it while it is protected in the state.
            const retiredUrn = `urn:pulumi:prod::pilot-light::pilot-light:database:Database$${DB}::database-mysql`;
            assert.deepStrictEqual(c.refused, [protectedDeleteError(retiredUrn)]);
            const allowed = await planChange({ dir: ROOT, stack: "prod", from: {}, to, allowRetire: ["database-mysql"] });
            assert.deepStrictEqual(allowed.unsafe, []);
            // The runbook snapshots it and unprotects it in the state first.
            assert.deepStrictEqual(allowed.refused, []);
            // The fleet is parked, not deleted: no healthy target, so DNS stays on dr.
            const asg = c.changes.find((x) => x.type === "aws:autoscaling/group:Group")!;
            assert.deepStrictEqual([asg.op, asg.diff], ["update", ["maxSize", "minSize"]]);
            // The app-user and rotation functions stay; the invocation and the rotation schedule go
            // while the database replicates (removing either runs nothing on the database).
            assert.deepStrictEqual(c.changes.filter((x) => x.op === "delete").map((x) => x.name).sort(), ["app-db-rotation-schedule", "app-db-user-run", "database-mysql"]);
            const g2 = c.after.resources.find((r) => r.name === "database-mysql-g2")!;
            assert.strictEqual(g2.inputs.identifier, "pilot-light-prod-g2");
            assert.strictEqual(g2.inputs.replicateSourceDb, "arn:aws:rds:us-west-2:123456789012:db:pilot-light-dr");
            assert.strictEqual(g2.inputs.engine, undefined, "a replica takes its engine from the source");
            assert.strictEqual(g2.protect, true);
            assert.strictEqual(g2.retainOnDelete, true);
            // The key, the credentials secret and the bucket stay exactly as they are.
            for (const type of ["aws:kms/key:Key", "aws:s3/bucket:Bucket"]) {
                assert.deepStrictEqual(c.changes.filter((x) => x.type === type), [], type);
            }
            assert.deepStrictEqual(c.changes.filter((x) => x.name === "database-credentials"), []);
            // Of the rotation only the schedule goes (the secret's rotation is cancelled; the
            // function, its role and permission stay, the function pointed at the new generation's
            // address), and no secret or secret value changes.
            assert.deepStrictEqual(c.changes.filter((x) => x.name.startsWith("app-db-rotation")).map((x) => [x.op, x.name, x.diff]),
                [["update", "app-db-rotation-fn", ["environment"]], ["delete", "app-db-rotation-schedule", []]]);
            assert.deepStrictEqual(c.changes.filter((x) => x.type.startsWith("aws:secretsmanager/") && x.type !== ROTATION), []);
        });

        it("step 4: switchover promotes prod's new generation in place, like a dr promotion", async () => {
            const c = await planChange({
                dir: ROOT, stack: "prod",
                from: ns({ rebuildFromPeer: "true", databaseGeneration: "2" }),
                to: ns({ databaseGeneration: "2" }),
            });
            assert.deepStrictEqual(c.unsafe, []);
            assert.deepStrictEqual(c.refused, []);
            assert.deepStrictEqual(dataChanges(c), ["update database-mysql-g2 [backupRetentionPeriod, finalSnapshotIdentifier, replicateSourceDb, skipFinalSnapshot]"]);
            const asg = c.changes.find((x) => x.type === "aws:autoscaling/group:Group")!;
            assert.deepStrictEqual([asg.op, asg.diff], ["update", ["maxSize", "minSize"]]);
            assert.deepStrictEqual(c.changes.filter((x) => x.op === "replace"), []);
            // The app user's run and the rotation schedule come back, the schedule after the run
            // (both connect as the master); no secret or secret value changes.
            assert.deepStrictEqual(c.changes.filter((x) => /^app-db-(user|rotation)/.test(x.name)).map((x) => `${x.op} ${x.name}`).sort(),
                ["create app-db-rotation-schedule", "create app-db-user-run"]);
            const schedule = c.after.resources.find((r) => r.name === "app-db-rotation-schedule")!;
            assert.ok(schedule.dependencies.includes(c.after.resources.find((r) => r.name === "app-db-user-run")!.urn));
            assert.deepStrictEqual(c.changes.filter((x) => x.type.startsWith("aws:secretsmanager/") && x.type !== ROTATION), []);
        });

        it("step 5: rebuilding the dr replica retires the promoted dr database and never re-attaches it", async () => {
            const from = ns({ promote: "true" });
            const wrong = await planChange({ dir: ROOT, stack: "dr", from, to: {} });
            assert.match(wrong.unsafe.join("\n"), /UPDATE of aws:rds\/instance:Instance "database-mysql" .* would make a standalone database a replica again/);
            // The provider refuses it too.
            assert.deepStrictEqual(wrong.refused, [`updating urn:pulumi:dr::pilot-light::pilot-light:database:Database$${DB}::database-mysql: `
                + "cannot elect new source database for replication"]);
            const right = await planChange({ dir: ROOT, stack: "dr", from, to: ns({ databaseGeneration: "2" }), allowRetire: ["database-mysql"] });
            assert.deepStrictEqual(right.changes.filter((x) => x.type === DB).map((x) => `${x.op} ${x.name}`), ["create database-mysql-g2", "delete database-mysql"]);
            assert.ok(right.changes.find((x) => x.name === "database-mysql")!.retained);
            // The app tier goes away with it; what standby made for it (role, secrets, ALB, NAT egress) stays for the next
            // promotion, and the launch template takes the new replica's address in place (no instance runs from it in standby).
            assert.deepStrictEqual(right.unsafe, []);
            assert.deepStrictEqual(right.refused, []);
            assert.ok(right.changes.some((x) => x.op === "delete" && x.name === "app-cache-redis"));
            assert.deepStrictEqual(right.changes.filter((x) => x.urn.includes("AppStandby")).map((x) => [x.op, x.name, x.diff]),
                [["update", "app-standby-servers-lt", ["userData"]]]);
            assert.deepStrictEqual(right.after.resources.filter((r) => r.type === ROTATION), [], "dr never rotates");
            assert.deepStrictEqual(right.changes.filter((x) => x.type.startsWith("aws:secretsmanager/")), []);
        });
    });
});
