// Object Lock on the real stacks (pilot-light:mediaImmutability on prod and dr): locking the
// existing buckets updates them in place and replaces or deletes nothing (the offline diff,
// force-new table included); the promotion, a drill and failback's rebuild of dr replace no data
// with the lock on; the pack passes; the cost report prices the versions the lock keeps longer.
import { strict as assert } from "assert";
import type { StackPlan } from "../../ops/offline/planner";
import { diffPlans, planChange as planChangeUncached, PlanChangeRequest, PlannedChange } from "../../ops/diff";
import { withProgramLogs } from "../../ops/offline/console";
import { evaluatePlan } from "../../ops/policy/evaluate";
import { estimateCost } from "../../ops/report/cost";
import { assessResilience } from "../../ops/report/resilience";
import { drillRequest } from "../../ops/runbooks/drill";
import { drRebuildRequest, prodRebuildRequest, reverseMediaRequest, switchoverRequest } from "../../ops/runbooks/failback/plans";
import { lockedProjectDir } from "../support/lockedProject";
import { memoPlan } from "../support/plans";
import { PLANS, quietPlan, serially } from "../support/quietPlan";

const planChange = (req: PlanChangeRequest) => serially(() => withProgramLogs("silent", () => planChangeUncached({ ...req, cache: PLANS })));
const LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
const rows = (c: PlannedChange) => c.changes.map((x) => [x.op, x.type, x.name, x.replaceKeys.join(",")]).sort((a, b) => a[2].localeCompare(b[2]));

describe("Object Lock on the planned stacks", function () {
    this.timeout(600000);
    const dir = lockedProjectDir("object-lock-compliance", 60);
    let prodOpen: StackPlan;
    let prodLocked: StackPlan;
    let drOpen: StackPlan;
    let drLocked: StackPlan;

    before(async () => {
        prodOpen = await memoPlan({ stack: "prod" });
        drOpen = await memoPlan({ stack: "dr" });
        prodLocked = await quietPlan({ dir, stack: "prod", engine: { priorResources: prodOpen.resources } });
        drLocked = await quietPlan({ dir, stack: "dr", engine: { priorResources: drOpen.resources } });
    });

    it("locks both buckets in compliance mode for 60 days", () => {
        for (const plan of [prodLocked, drLocked]) {
            const locks = plan.resources.filter((r) => r.type === LOCK);
            assert.deepEqual(locks.map((l) => [l.name, l.inputs.rule]), [["media-object-lock", { defaultRetention: { mode: "COMPLIANCE", days: 60 } }]], plan.stack);
        }
    });

    it("locking the existing buckets updates them in place: no replacement, no delete, nothing unsafe or refused", () => {
        const prod = diffPlans(prodOpen, prodLocked);
        assert.deepEqual(rows(prod), [
            ["update", "aws:s3/bucket:Bucket", "media-bucket", ""],
            ["create", LOCK, "media-object-lock", ""],
            ["update", "aws:iam/rolePolicy:RolePolicy", "media-replication-policy", ""],
        ]);
        assert.deepEqual(prod.changes.find((c) => c.name === "media-bucket")!.diff, ["tags"]);
        const dr = diffPlans(drOpen, drLocked);
        assert.deepEqual(rows(dr), [["update", "aws:s3/bucket:Bucket", "media-bucket", ""], ["create", LOCK, "media-object-lock", ""]]);
        for (const c of [prod, dr]) assert.deepEqual([c.unsafe, c.refused], [[], []]);
    });

    it("the promotion, a drill and failback's rebuild of dr replace no data with the lock on", async () => {
        const promotion = await planChange({ dir, stack: "dr", from: {}, to: { "pilot-light:promote": "true" } });
        const drill = await planChange(drillRequest(dir, "dr"));
        const rebuild = await planChange(drRebuildRequest(dir, "dr", 1, "false", "database-mysql"));
        for (const [what, c] of [["promotion", promotion], ["drill", drill], ["rebuild", rebuild]] as const) {
            assert.deepEqual(c.unsafe, [], what);
            assert.ok(!c.changes.some((x) => x.type === LOCK || x.name === "media-bucket"), `${what} leaves the lock and the bucket alone`);
        }
    });

    it("failback's other steps replace no data with the lock on; its reverse replication reads the lock of dr's bucket", async () => {
        const reverse = await planChange(reverseMediaRequest(dir, "dr", "false"));
        const steps = [["retire and rebuild prod", await planChange(prodRebuildRequest(dir, "prod", 1, "false", "database-mysql"))],
            ["reverse media", reverse], ["switchover", await planChange(switchoverRequest(dir, "prod", 2))]] as const;
        for (const [what, c] of steps) {
            assert.ok(c.changes.length > 0, `${what} plans its own change`);
            assert.deepEqual(c.unsafe, [], what);
            assert.ok(!c.changes.some((x) => x.type === LOCK || x.name === "media-bucket"), `${what} leaves the lock and the bucket alone`);
        }
        const policy = reverse.after.resources.find((r) => r.name === "media-reverse-replication-policy")!;
        assert.deepEqual(JSON.parse(policy.inputs.policy).Statement.find((x: any) => x.Sid === "ReadSourceObjectLock")?.Action,
            ["s3:GetObjectRetention", "s3:GetObjectLegalHold"]);
    });

    it("the policy pack passes both locked stacks", async () => {
        for (const plan of [prodLocked, drLocked]) {
            assert.deepEqual((await evaluatePlan(plan)).map((v) => `${v.policy}: ${v.message}`), [], plan.stack);
        }
    });

    it("prices the versions a 60-day lock keeps 30 days beyond the noncurrent expiry", () => {
        // mediaMonthlyWriteGb 10 (the schema's default) × 30 extra days ÷ 30 = 10 GB-month; list prices
        // 2025-01-01: S3 Standard us-east-1 $0.023, Standard-IA us-west-2 $0.0125 per GB-month.
        const line = (plan: StackPlan) => estimateCost(plan).items.filter((l) => l.type === LOCK).map((l) => [l.quantity, l.unitPrice, Number(l.monthly.toFixed(4))]);
        assert.deepEqual(line(prodLocked), [[10, 0.023, 0.23]]);
        assert.deepEqual(line(drLocked), [[10, 0.0125, 0.125]]);
    });

    it("the resilience report's media corruption row names the lock", async () => {
        const drPromoted = await quietPlan({ dir, stack: "dr", promote: true, engine: { priorResources: drLocked.resources } });
        const rows = assessResilience({ prod: prodLocked, drStandby: drLocked, drPromoted, promotion: diffPlans(drLocked, drPromoted).changes });
        const media = rows.find((r) => r.disruption === "data corruption or deletion" && r.component === "media")!;
        assert.equal(media.notes[2], "Object Lock COMPLIANCE for 60 days (mediaImmutability): no version can be deleted before its lock ends, "
            + "not even by the root user; the restore's copies and delete markers are still allowed.");
    });
});
