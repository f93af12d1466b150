// The offline cost estimate: prod, dr standby and dr promoted as the planner records them, priced
// with the bundled table. Every expected figure is computed here from the table's own entries,
// so a price change moves the expectation with it, while a change in what is counted does not.
import * as assert from "node:assert/strict";
import * as path from "path";
import type { RecordedResource } from "../../ops/offline/engine";
import { planStack, StackPlan } from "../../ops/offline/planner";
import { compareCosts, CostEstimate, CostItem, costJson, estimateCost, renderCostTable, roundUsd } from "../../ops/report/cost";
import { HOURS_PER_MONTH as H, PRICE_TABLE_DATE, PRICES } from "../../ops/report/prices";

const DIR = path.join(__dirname, "..", "..");
const EAST = PRICES["us-east-1"];
const WEST = PRICES["us-west-2"];

/** Equal to floating-point precision: totals are sums in item order. */
function assertUsd(actual: number, expected: number, what: string): void {
    assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);
}

function itemsOf(e: CostEstimate, name: string): CostItem[] {
    return e.items.filter((i) => i.name === name);
}

const COMPUTE_TYPES = ["aws:ec2/instance:Instance", "aws:autoscaling/group:Group", "aws:lb/loadBalancer:LoadBalancer",
    "aws:ec2/natGateway:NatGateway", "aws:elasticache/replicationGroup:ReplicationGroup"];

/** A StackPlan built by hand, for cases the real stacks never produce. */
function syntheticPlan(region: string, resources: Partial<RecordedResource>[], config: Record<string, string> = {}): StackPlan {
    const stackUrn = "urn:pulumi:test::pilot-light::pulumi:pulumi:Stack::pilot-light-test";
    return {
        project: "pilot-light", stack: "test", region, promote: false, config, peers: [], outputs: {}, secretOutputs: [],
        resources: [
            { urn: stackUrn, type: "pulumi:pulumi:Stack", name: "pilot-light-test", custom: false, inputs: {}, outputs: {} },
            ...resources.map((r) => ({ parent: stackUrn, custom: true, inputs: {}, outputs: {}, ...r,
                urn: `urn:pulumi:test::pilot-light::${r.type}::${r.name}` })),
        ].map((r) => ({ secretInputs: [], dependencies: [], propertyDependencies: {}, protect: false, retainOnDelete: false,
            deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [], ...r } as RecordedResource)),
    };
}

describe("report: cost estimate", function () {
    this.timeout(120000);
    let prodPlan: StackPlan;
    let standbyPlan: StackPlan;
    let promotedPlan: StackPlan;
    let prod: CostEstimate;
    let standby: CostEstimate;
    let promoted: CostEstimate;

    before(async () => {
        prodPlan = await planStack({ dir: DIR, stack: "prod" });
        standbyPlan = await planStack({ dir: DIR, stack: "dr", promote: false });
        promotedPlan = await planStack({ dir: DIR, stack: "dr", promote: true });
        prod = estimateCost(prodPlan);
        standby = estimateCost(standbyPlan);
        promoted = estimateCost(promotedPlan);
    });

    it("prices prod's Multi-AZ primary at 2× the hourly rate and 2× the storage, plus backups and the binlog sent to dr", () => {
        const urn = "urn:pulumi:prod::pilot-light::pilot-light:database:Database$aws:rds/instance:Instance::database-mysql";
        const base = { urn, type: "aws:rds/instance:Instance", name: "database-mysql", component: "database (Database)" };
        assert.deepStrictEqual(itemsOf(prod, "database-mysql"), [
            { ...base, description: "RDS MySQL db.t4g.medium Multi-AZ (primary + standby: 2×)", quantity: 2 * H, unit: "instance-hours",
                unitUsd: EAST.rdsMysqlInstanceHour["db.t4g.medium"], monthlyUsd: 2 * H * EAST.rdsMysqlInstanceHour["db.t4g.medium"] },
            { ...base, description: "RDS gp3 storage 50 GB × 2 (Multi-AZ)", quantity: 100, unit: "GB-month",
                unitUsd: EAST.rdsStorageGbMonth.gp3, monthlyUsd: 100 * EAST.rdsStorageGbMonth.gp3 },
            { ...base, description: "RDS backup storage beyond the free allowance: 7 days × 20 GB/month ÷ 30 (upper bound)",
                quantity: 7 * 20 / 30, unit: "GB-month", unitUsd: EAST.rdsBackupGbMonth, monthlyUsd: (7 * 20 / 30) * EAST.rdsBackupGbMonth },
            { ...base, description: "Inter-region transfer of 20 GB/month of binlog to the replica in us-west-2 (stack dr); counted on the sending side",
                quantity: 20, unit: "GB", unitUsd: EAST.interRegionTransferOutGb, monthlyUsd: 20 * EAST.interRegionTransferOutGb },
        ]);
    });

    it("prices dr's replica like a Single-AZ instance with the source's storage, and no backups or transfer", () => {
        const urn = "urn:pulumi:dr::pilot-light::pilot-light:database:Database$aws:rds/instance:Instance::database-mysql";
        const base = { urn, type: "aws:rds/instance:Instance", name: "database-mysql", component: "database (Database)" };
        assert.deepStrictEqual(itemsOf(standby, "database-mysql"), [
            { ...base, description: "RDS MySQL db.t4g.medium Single-AZ read replica of arn:aws:rds:us-east-1:123456789012:db:pilot-light-prod",
                quantity: H, unit: "instance-hours", unitUsd: WEST.rdsMysqlInstanceHour["db.t4g.medium"],
                monthlyUsd: H * WEST.rdsMysqlInstanceHour["db.t4g.medium"] },
            { ...base, description: "RDS gp3 storage 50 GB (inherited from the source)", quantity: 50, unit: "GB-month",
                unitUsd: WEST.rdsStorageGbMonth.gp3, monthlyUsd: 50 * WEST.rdsStorageGbMonth.gp3 },
        ]);
        // Promoted: the same instance, now with backups (retention 7), still no transfer.
        assert.deepStrictEqual(itemsOf(promoted, "database-mysql").map((i) => i.description), [
            "RDS MySQL db.t4g.medium Single-AZ",
            "RDS gp3 storage 50 GB (inherited from the source)",
            "RDS backup storage beyond the free allowance: 7 days × 20 GB/month ÷ 30 (upper bound)",
        ]);
    });

    it("counts one NAT gateway and its Elastic IP on prod and promoted dr, none on standby", () => {
        for (const [e, plan, expected] of [[prod, prodPlan, 1], [standby, standbyPlan, 0], [promoted, promotedPlan, 1]] as const) {
            const p = PRICES[e.region];
            const nat = e.items.filter((i) => i.type === "aws:ec2/natGateway:NatGateway");
            assert.equal(plan.resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length, expected, e.stack);
            assert.deepStrictEqual(nat.map((i) => [i.quantity, i.unit, i.unitUsd, i.monthlyUsd]),
                Array(expected).fill([H, "gateway-hours", p.natGatewayHour, H * p.natGatewayHour]), `${e.stack} promote=${e.promote}`);
            assert.deepStrictEqual(itemsOf(e, "app-nat-eip").map((i) => i.monthlyUsd), Array(expected).fill(H * p.publicIpv4Hour));
        }
    });

    it("gives dr in standby no EC2, ALB, NAT or ElastiCache cost and no app tier", () => {
        assert.deepStrictEqual(standby.items.filter((i) => COMPUTE_TYPES.includes(i.type)), []);
        assert.deepStrictEqual(Object.keys(standby.byComponent).sort(), ["database (Database)", "media (MediaBucket)"]);
        assert.ok(promoted.items.some((i) => i.type === "aws:autoscaling/group:Group"), "promoted dr runs the app servers");
    });

    it("sizes the app servers from the Auto Scaling group and the launch template it references", () => {
        const [servers, volumes] = itemsOf(prod, "app-servers-asg");
        assert.deepStrictEqual([servers.description, servers.quantity, servers.unitUsd],
            ["EC2 t3.medium × 2 (Auto Scaling desired capacity)", 2 * H, EAST.ec2InstanceHour["t3.medium"]]);
        assert.deepStrictEqual([volumes.description, volumes.quantity, volumes.unitUsd],
            ["EBS gp3 volume /dev/xvda: 2 × 20 GB", 40, EAST.ebsVolumeGbMonth.gp3]);
    });

    it("puts dr standby at exactly the share of prod the price table gives", () => {
        const [e, w] = [EAST, WEST];
        const prodByComponent = {
            "app (AppTier)": e.publicIpv4Hour * H /* NAT EIP */ + 2 * e.secretMonth /* Redis AUTH token, app secret */ + e.natGatewayHour * H + e.albHour * H + e.albLcuHour * H
                + 3 * H * e.publicIpv4Hour /* ALB, 3 AZs */ + 2 * H * e.elasticacheNodeHour["cache.t4g.small"]
                + 2 * H * e.ec2InstanceHour["t3.medium"] + 40 * e.ebsVolumeGbMonth.gp3,
            "database (Database)": e.kmsKeyMonth + 2 * e.secretMonth /* credentials + replica in dr */
                + 2 * H * e.rdsMysqlInstanceHour["db.t4g.medium"] + 100 * e.rdsStorageGbMonth.gp3 + (7 * 20 / 30) * e.rdsBackupGbMonth
                + 20 * e.interRegionTransferOutGb,
            "media (MediaBucket)": 100 * e.s3StandardGbMonth,
            "media-replication (MediaReplication)": 10 * e.s3RtcGb + 10 * e.interRegionTransferOutGb,
            "singleton (SingletonService)": H * e.publicIpv4Hour + 20 * e.ebsVolumeGbMonth.gp3 /* data */ + H * e.ec2InstanceHour["t3.small"]
                + 20 * e.ebsVolumeGbMonth.gp3 /* root */ + e.cloudwatchAlarmMonth,
        };
        const standbyByComponent = {
            "database (Database)": w.kmsKeyMonth + H * w.rdsMysqlInstanceHour["db.t4g.medium"] + 50 * w.rdsStorageGbMonth.gp3 + w.cloudwatchAlarmMonth,
            "media (MediaBucket)": 100 * w.s3StandardGbMonth,
        };
        for (const [estimate, expected] of [[prod, prodByComponent], [standby, standbyByComponent]] as const) {
            assert.deepStrictEqual(Object.keys(estimate.byComponent).sort(), Object.keys(expected).sort());
            for (const [k, v] of Object.entries(expected)) assertUsd(estimate.byComponent[k], v, `${estimate.stack} ${k}`);
        }
        const prodUsd = Object.values(prodByComponent).reduce((a, b) => a + b, 0);
        const standbyUsd = Object.values(standbyByComponent).reduce((a, b) => a + b, 0);
        const cmp = compareCosts(prod, standby, promoted);
        assertUsd(cmp.prodUsd, prodUsd, "prod total");
        assertUsd(cmp.drStandbyUsd, standbyUsd, "standby total");
        assert.equal(cmp.drPromotedUsd, promoted.monthlyUsd);
        assertUsd(cmp.standbyShareOfProd, standbyUsd / prodUsd, "share");
        assert.ok(cmp.standbyShareOfProd < 0.5, "the pilot light costs well under half of prod");
    });

    it("changes only the S3 line when mediaStorageGb is overridden", async () => {
        const bigger = estimateCost(await planStack({ dir: DIR, stack: "prod", configOverrides: { "pilot-light:mediaStorageGb": "250" } }));
        const [s3] = itemsOf(bigger, "media-bucket");
        assert.deepStrictEqual([s3.description, s3.quantity, s3.unit, s3.unitUsd, s3.monthlyUsd],
            ["S3 Standard storage: 250 GB (pilot-light:mediaStorageGb)", 250, "GB-month", EAST.s3StandardGbMonth, 250 * EAST.s3StandardGbMonth]);
        assertUsd(bigger.monthlyUsd - prod.monthlyUsd, 150 * EAST.s3StandardGbMonth, "difference");
        assert.deepStrictEqual(bigger.items.filter((i) => i.name !== "media-bucket"), prod.items.filter((i) => i.name !== "media-bucket"));
    });

    it("notes a missing price instead of failing, naming the type and region", () => {
        const e = estimateCost(syntheticPlan("us-east-1", [
            { type: "aws:ec2/instance:Instance", name: "odd", id: "i-1", inputs: { instanceType: "x9.mega" } },
            { type: "aws:rds/instance:Instance", name: "odd-db", inputs: { instanceClass: "db.zz.huge", allocatedStorage: 20, storageType: "gp3", backupRetentionPeriod: 0 } },
        ]));
        const [ec2] = itemsOf(e, "odd");
        assert.deepStrictEqual([ec2.unitUsd, ec2.monthlyUsd, ec2.component], [null, 0, "stack"]);
        assert.ok(e.notes.includes("Price missing: EC2 instance type \"x9.mega\" in us-east-1 is not in the bundled price table (ops/report/prices.ts); odd is counted as $0."),
            e.notes.join("\n"));
        assert.ok(e.notes.some((n) => n.includes("RDS MySQL instance class \"db.zz.huge\" in us-east-1")));
        assert.equal(e.monthlyUsd, 20 * EAST.rdsStorageGbMonth.gp3);

        const nowhere = estimateCost(syntheticPlan("eu-north-9", [{ type: "aws:kms/key:Key", name: "key" }]));
        assert.deepStrictEqual(nowhere.items.map((i) => [i.unitUsd, i.monthlyUsd]), [[null, 0]]);
        assert.ok(nowhere.notes.includes("Price missing: the bundled price table has no prices for region eu-north-9; every line is counted as $0."));
    });

    it("adds the RDS Extended Support charge while a version is in it: per vCPU-hour, standby included, year 3 rate later", () => {
        const group = { type: "aws:rds/parameterGroup:ParameterGroup", name: "params", inputs: { family: "mysql8.0" } };
        const resources = (engineVersion: string) => [group,
            { type: "aws:rds/instance:Instance", name: "db", inputs: { engine: "mysql", engineVersion, instanceClass: "db.t4g.medium", multiAz: true, allocatedStorage: 20, storageType: "gp3", backupRetentionPeriod: 0 } },
            { type: "aws:rds/instance:Instance", name: "replica", inputs: { replicateSourceDb: "arn:aws:rds:us-west-2:123456789012:db:src", instanceClass: "db.t4g.medium", storageType: "gp3" },
                propertyDependencies: { parameterGroupName: ["urn:pulumi:test::pilot-light::aws:rds/parameterGroup:ParameterGroup::params"] } },
        ];
        const lines = (e: CostEstimate) => e.items.filter((i) => i.unit === "vCPU-hours").map((i) => [i.name, i.description, i.quantity, i.unitUsd, i.monthlyUsd]);
        assert.deepStrictEqual(lines(estimateCost(syntheticPlan("us-east-1", resources("8.0")), { today: "2026-12-01" })), [
            ["db", "RDS Extended Support for mysql 8.0 (standard support ended 2026-07-31; year 1-2 rate on 2026-12-01): 2 vCPU × 2 (Multi-AZ standby billed too)", 2920, 0.1, 292],
            ["replica", "RDS Extended Support for mysql 8.0 (standard support ended 2026-07-31; year 1-2 rate on 2026-12-01): 2 vCPU", 1460, 0.1, 146],
        ]);
        assert.deepStrictEqual(lines(estimateCost(syntheticPlan("us-east-1", resources("8.0")), { today: "2028-08-01" })).map((l) => l[4]), [584, 292]);
        // In standard support: no charge (the replica's group says 8.4 too).
        group.inputs.family = "mysql8.4";
        assert.deepStrictEqual(lines(estimateCost(syntheticPlan("us-east-1", resources("8.4")), { today: "2026-12-01" })), []);
        assert.deepStrictEqual(lines(estimateCost(syntheticPlan("us-east-1", resources("8.0")), { today: "2026-07-31" })), []);
    });

    it("says so when it cannot price an Extended Support charge", () => {
        const e = estimateCost(syntheticPlan("us-east-1", [
            { type: "aws:rds/instance:Instance", name: "big", inputs: { engine: "mysql", engineVersion: "8.0.39", instanceClass: "db.x2g.16xlarge", allocatedStorage: 20, storageType: "gp3" } },
        ]), { today: "2026-12-01" });
        assert.ok(e.notes.includes("big: mysql 8.0 is in RDS Extended Support on 2026-12-01, but the vCPU count of db.x2g.16xlarge is not in "
            + "ops/report/extendedSupport.ts; its Extended Support charge is not counted."), e.notes.join("\n"));
        const nowhere = estimateCost(syntheticPlan("eu-north-9", [
            { type: "aws:rds/instance:Instance", name: "db", inputs: { engine: "mysql", engineVersion: "8.0", instanceClass: "db.t4g.medium" } },
        ]), { today: "2026-12-01" });
        assert.deepStrictEqual(nowhere.items.filter((i) => i.unit === "vCPU-hours").map((i) => [i.quantity, i.unitUsd, i.monthlyUsd]), [[1460, null, 0]]);
    });

    it("finds the launch template by dependency, skips a stopped instance's compute and names unpriced types", () => {
        const lt = { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", id: "lt-real", inputs: { instanceType: "t4g.small" } };
        const e = estimateCost(syntheticPlan("us-west-2", [
            lt,
            { type: "aws:autoscaling/group:Group", name: "asg", inputs: { minSize: 3, launchTemplate: { id: "unknown-id" } },
                propertyDependencies: { launchTemplate: ["urn:pulumi:test::pilot-light::aws:ec2/launchTemplate:LaunchTemplate::lt"] } },
            { type: "aws:ec2/instance:Instance", name: "standby", id: "i-2", inputs: { instanceType: "t3.small" } },
            { type: "aws:ec2transitgateway/instanceState:InstanceState", name: "standby-state", inputs: { instanceId: "i-2", state: "stopped" } },
            { type: "aws:sqs/queue:Queue", name: "q" },
        ]));
        assert.deepStrictEqual(e.items.map((i) => [i.name, i.quantity, i.unitUsd]), [
            ["asg", 3 * H, WEST.ec2InstanceHour["t4g.small"]],
            ["standby", 0, WEST.ec2InstanceHour["t3.small"]],
        ]);
        assert.ok(e.notes.includes("Not priced (no rule for these types): aws:sqs/queue:Queue × 1."));
    });

    it("carries the table date and the exclusions in every estimate", () => {
        for (const e of [prod, standby, promoted]) {
            assert.equal(e.priceTableDate, PRICE_TABLE_DATE);
            assert.ok(e.notes[0].startsWith(`Estimate: list prices as of ${PRICE_TABLE_DATE}; excludes data processing, requests, and free tier.`));
            assertUsd(Object.values(e.byComponent).reduce((a, b) => a + b, 0), e.monthlyUsd, "byComponent sums to the total");
        }
    });

    it("renders the three stacks side by side under an ESTIMATE headline", () => {
        const text = renderCostTable(prod, standby, promoted);
        const share = compareCosts(prod, standby, promoted).standbyShareOfProd;
        const lines = text.split("\n");
        assert.match(lines[0], /^ESTIMATE /);
        assert.ok(lines[1].startsWith(`dr standby costs ${(share * 100).toFixed(1)}% of prod (`), lines[1]);
        const row = (label: string) => lines.find((l) => l.startsWith(label))!.split(/\s{3,}/);
        assert.deepStrictEqual(row("singleton (SingletonService)").slice(1), [`$${roundUsd(prod.byComponent["singleton (SingletonService)"]).toFixed(2)}`, "-", "-"]);
        assert.deepStrictEqual(row("total per month").slice(1).map((c) => c.replace(/[$,]/g, "")),
            [prod, standby, promoted].map((e) => roundUsd(e.monthlyUsd).toFixed(2)));
    });

    it("gives the plan command's --json exactly monthlyUsd, byComponent and items, rounded to cents", () => {
        const json = costJson(prod);
        assert.deepStrictEqual(Object.keys(json), ["monthlyUsd", "byComponent", "items"]);
        assert.equal(json.monthlyUsd, roundUsd(prod.monthlyUsd));
        const backup = json.items.find((i) => i.description.startsWith("RDS backup storage"))!;
        assert.deepStrictEqual([backup.unitUsd, backup.monthlyUsd], [EAST.rdsBackupGbMonth, 0.44]);
        for (const v of [...Object.values(json.byComponent), ...json.items.map((i) => i.monthlyUsd)]) {
            assert.equal(v, Math.round(v * 100) / 100);
        }
    });
});
