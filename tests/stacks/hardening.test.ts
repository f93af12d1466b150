// Hardening a promoted dr (pilot-light:hardened, `npm run runbook -- harden`): the plan has
// prod's resilience (Multi-AZ database, Redis failover, ALB deletion protection, backups, a NAT
// gateway per AZ), the change from promoted to hardened replaces nothing (the offline diff,
// force-new table included), and the pack holds the hardened dr to prod's rules.
import { strict as assert } from "assert";
import type { RecordedResource } from "../../ops/offline/engine";
import type { StackPlan } from "../../ops/offline/planner";
import { diffPlans, planChange, PlannedChange, stackRegions, staticStabilityProblems } from "../../ops/diff";
import { evaluatePlan } from "../../ops/policy/evaluate";
import { hardenRequest } from "../../ops/runbooks/harden";
import { memoPlan, ROOT } from "../support/plans";

const HARDENED = { "pilot-light:hardened": "true" };

function one(plan: StackPlan, type: string): RecordedResource {
    const found = plan.resources.filter((r) => r.type === type);
    assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
    return found[0];
}

describe("hardening a promoted dr", function () {
    this.timeout(300000);
    let promoted: StackPlan;
    let hardened: StackPlan;
    let change: PlannedChange;

    before(async () => {
        promoted = await memoPlan({ stack: "dr", promote: true });
        hardened = await memoPlan({ stack: "dr", promote: true, configOverrides: HARDENED, engine: { priorResources: promoted.resources } });
        change = diffPlans(promoted, hardened);
    });

    it("runs the database Multi-AZ with prod's backups and deletion protection", () => {
        const db = one(hardened, "aws:rds/instance:Instance");
        assert.deepEqual([db.inputs.multiAz, db.inputs.backupRetentionPeriod, db.inputs.deletionProtection, db.inputs.skipFinalSnapshot],
            [true, 7, true, false]);
        assert.equal(one(promoted, "aws:rds/instance:Instance").inputs.multiAz, false);
    });

    it("runs Redis on two nodes with automatic failover and Multi-AZ", () => {
        const redis = one(hardened, "aws:elasticache/replicationGroup:ReplicationGroup");
        assert.deepEqual([redis.inputs.numCacheClusters, redis.inputs.automaticFailoverEnabled, redis.inputs.multiAzEnabled], [2, true, true]);
        const lean = one(promoted, "aws:elasticache/replicationGroup:ReplicationGroup");
        assert.deepEqual([lean.inputs.numCacheClusters, lean.inputs.automaticFailoverEnabled, lean.inputs.multiAzEnabled], [1, false, false]);
    });

    it("turns on the ALB's deletion protection", () => {
        assert.equal(one(hardened, "aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, true);
        assert.equal(one(promoted, "aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, false);
    });

    it("updates in place and replaces nothing: Multi-AZ is an online modification", () => {
        // Sorted by name: the order the engine records them in follows completion, which is not
        // the point here (the ALB waits for its log bucket since ALB access logs).
        const moved = change.changes
            .map((c) => [c.op, c.name, c.diff.join(","), c.replaceKeys.join(",")]).sort((a, b) => a[1].localeCompare(b[1]));
        assert.deepEqual(moved, [
            ["update", "app-cache-redis", "automaticFailoverEnabled,multiAzEnabled,numCacheClusters,tags", ""],
            // pilot-light:natGatewayPerAz once hardened: the second AZ gets its own gateway and its
            // route moves to it in place (a route's natGatewayId forces no new route).
            ["update", "app-standby-nat-default-us-west-2b", "natGatewayId", ""],
            ["create", "app-standby-nat-eip-us-west-2b", "", ""],
            ["create", "app-standby-nat-gateway-us-west-2b", "", ""],
            // The standby ALB (behind dr's CloudFront distribution), its listener, origin-header rule and target group.
            ["update", "app-standby-web-alb", "enableDeletionProtection,tags", ""],
            ["update", "app-standby-web-from-cdn", "tags", ""],
            ["update", "app-standby-web-http", "tags", ""],
            ["update", "app-standby-web-tg", "tags", ""],
            ["update", "database-kms-key", "tags", ""],
            ["update", "database-mysql", "multiAz,tags", ""],
            ["update", "database-mysql-params", "tags", ""],
        ]);
        assert.deepEqual([change.unsafe, change.refused], [[], []]);
    });

    it("keeps promotion's one NAT gateway and adds one in the other AZ, each AZ routed through its own", () => {
        assert.deepEqual(promoted.resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").map((r) => r.name), ["app-standby-nat-gateway"]);
        const gateways = hardened.resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway");
        assert.deepEqual(gateways.map((r) => r.name), ["app-standby-nat-gateway", "app-standby-nat-gateway-us-west-2b"]);
        const routes = hardened.resources.filter((r) => r.type === "aws:ec2/route:Route" && r.name.startsWith("app-standby-nat-default-"));
        assert.deepEqual(routes.map((r) => [r.name, r.propertyDependencies.natGatewayId]), [
            ["app-standby-nat-default-us-west-2a", [gateways[0].urn]],
            ["app-standby-nat-default-us-west-2b", [gateways[1].urn]],
        ]);
    });

    it("touches no IAM, Route 53 or CloudFront resource (static stability)", () => {
        const global = change.changes.filter((c) => /^aws:(iam|route53|cloudfront)\//.test(c.type));
        assert.deepEqual(global, []);
        assert.deepEqual(staticStabilityProblems(change.changes, stackRegions(promoted, hardened)), []);
    });

    it("with a domain: protects the standby ALB in place, needs no global control plane, passes prod's rules", async () => {
        const domain = { "pilot-light:domainName": "www.example.com", "pilot-light:hostedZoneId": "Z0123456789ABCDEFGHIJ" };
        const lean = await memoPlan({ stack: "dr", promote: true, configOverrides: domain });
        const strong = await memoPlan({ stack: "dr", promote: true, configOverrides: { ...domain, ...HARDENED }, engine: { priorResources: lean.resources } });
        const d = diffPlans(lean, strong);
        assert.deepEqual(d.changes.filter((c) => c.op !== "update").map((c) => [c.op, c.type, c.name]), [
            ["create", "aws:ec2/eip:Eip", "app-standby-nat-eip-us-west-2b"],
            ["create", "aws:ec2/natGateway:NatGateway", "app-standby-nat-gateway-us-west-2b"],
        ]);
        assert.deepEqual(d.changes.filter((c) => c.name === "app-standby-web-alb").map((c) => c.diff), [["enableDeletionProtection", "tags"]]);
        assert.deepEqual(staticStabilityProblems(d.changes, stackRegions(lean, strong)), []);
        assert.deepEqual(await evaluatePlan(strong), []);
    });

    it("is the diff the harden runbook shows (promoted, hardened false → true)", async () => {
        const planned = await planChange(hardenRequest(ROOT, "org/pilot-light/dr"));
        assert.deepEqual(planned.changes.map((c) => c.name),
            change.changes.map((c) => c.name));
    });

    it("is held to prod's rules: no finding hardened, the advisory naming the step before", async () => {
        assert.deepEqual(await evaluatePlan(hardened), []);
        const before = await evaluatePlan(promoted);
        assert.deepEqual(before.map((v) => [v.policy, v.level]), [["dr-promoted-hardening", "advisory"]]);
        assert.match(before[0].message, /run `npm run runbook -- harden`/);
    });
});
