// The offline cost estimate: prod, dr standby and dr promoted as the planner records them, priced
// with the bundled table. Expected amounts are literals worked out by hand from the figures in
// ops/report/priceTable.json (us-east-1 and us-west-2 as of 2025-01-01, cn-northwest-1 and
// cn-north-1 from the source article's 2019 table), so a change of a figure or of what is counted
// fails here.
import * as assert from "node:assert/strict";
import * as path from "path";
import type { RecordedResource } from "../../ops/offline/engine";
import type { StackPlan } from "../../ops/offline/planner";
import { compareCosts, CostEstimate, CostItem, costJson, estimateCost, renderCostTable, roundMoney } from "../../ops/report/cost";
import { priceTableProblems, PriceTable } from "../../ops/report/prices";
import { chinaProjectDir } from "../support/chinaProject";
import { quietPlan } from "../support/quietPlan";

const DIR = path.join(__dirname, "..", "..");
const H = 730;

/** Equal to floating-point precision: totals are sums in item order. */
function assertMoney(actual: number, expected: number, what: string): void {
    assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);
}

function itemsOf(e: CostEstimate, name: string): CostItem[] {
    return e.items.filter((i) => i.name === name);
}

/** The price and amount of a line, without its source text. */
function priced(items: CostItem[]): Omit<CostItem, "priceSource">[] {
    return items.map(({ priceSource: _source, ...rest }) => rest);
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
        prodPlan = await quietPlan({ dir: DIR, stack: "prod" });
        standbyPlan = await quietPlan({ dir: DIR, stack: "dr", promote: false });
        promotedPlan = await quietPlan({ dir: DIR, stack: "dr", promote: true });
        prod = estimateCost(prodPlan);
        standby = estimateCost(standbyPlan);
        promoted = estimateCost(promotedPlan);
    });

    it("says Performance Insights costs nothing at its free 7 days and how Enhanced Monitoring is billed, in every stack", () => {
        for (const estimate of [prod, standby, promoted]) {
            assert.ok(estimate.notes.includes("database-mysql: Performance Insights keeps 7 days, AWS's free tier: no charge."), estimate.notes.join("\n"));
            assert.ok(estimate.notes.includes("database-mysql: Enhanced Monitoring (every 60 s) is billed as CloudWatch Logs ingestion and storage "
                + "of the RDSOSMetrics log group beyond the account's free 5 GB a month (https://aws.amazon.com/cloudwatch/pricing/); "
                + "not estimated (the size of each sample follows the instance's process count)."), estimate.notes.join("\n"));
        }
    });

    it("prices prod's Multi-AZ primary at 2× the hourly rate and 2× the storage, plus backups and the binlog sent to dr", () => {
        const urn = "urn:pulumi:prod::pilot-light::pilot-light:database:Database$aws:rds/instance:Instance::database-mysql";
        const base = { urn, type: "aws:rds/instance:Instance", name: "database-mysql", component: "database (Database)" };
        assert.deepStrictEqual(priced(itemsOf(prod, "database-mysql")), [
            { ...base, description: "RDS MySQL db.t4g.medium Multi-AZ (primary + standby: 2×)", quantity: 1460, unit: "instance-hours",
                unitPrice: 0.065, monthly: 1460 * 0.065 },
            { ...base, description: "RDS gp3 storage 50 GB × 2 (Multi-AZ)", quantity: 100, unit: "GB-month", unitPrice: 0.115, monthly: 100 * 0.115 },
            { ...base, description: "RDS backup storage beyond the free allowance: 7 days × 20 GB/month ÷ 30 (upper bound)",
                quantity: 7 * 20 / 30, unit: "GB-month", unitPrice: 0.095, monthly: (7 * 20 / 30) * 0.095 },
            { ...base, description: "Inter-region transfer of 20 GB/month of binlog to the replica in us-west-2 (stack dr); counted on the sending side",
                quantity: 20, unit: "GB", unitPrice: 0.02, monthly: 20 * 0.02 },
        ]);
        assert.equal(itemsOf(prod, "database-mysql")[0].priceSource,
            "https://aws.amazon.com/rds/mysql/pricing/ (listed by hand on 2025-01-01, not re-checked against the Price List API)");
    });

    it("prices dr's replica like a Single-AZ instance with the source's storage, and no backups or transfer", () => {
        const urn = "urn:pulumi:dr::pilot-light::pilot-light:database:Database$aws:rds/instance:Instance::database-mysql";
        const base = { urn, type: "aws:rds/instance:Instance", name: "database-mysql", component: "database (Database)" };
        assert.deepStrictEqual(priced(itemsOf(standby, "database-mysql")), [
            { ...base, description: "RDS MySQL db.t4g.medium Single-AZ read replica of arn:aws:rds:us-east-1:123456789012:db:pilot-light-prod",
                quantity: H, unit: "instance-hours", unitPrice: 0.065, monthly: H * 0.065 },
            { ...base, description: "RDS gp3 storage 50 GB (inherited from the source)", quantity: 50, unit: "GB-month", unitPrice: 0.115, monthly: 50 * 0.115 },
        ]);
        // Promoted: the same instance, now with backups (retention 7), still no transfer.
        assert.deepStrictEqual(itemsOf(promoted, "database-mysql").map((i) => i.description), [
            "RDS MySQL db.t4g.medium Single-AZ",
            "RDS gp3 storage 50 GB (inherited from the source)",
            "RDS backup storage beyond the free allowance: 7 days × 20 GB/month ÷ 30 (upper bound)",
        ]);
    });

    it("prices dr's bucket as the Standard-IA replicas it holds, prod's as S3 Standard", () => {
        assert.deepStrictEqual(itemsOf(standby, "media-bucket").map((i) => [i.description, i.quantity, i.unitPrice]), [
            ["S3 Standard-IA storage: 100 GB of replicas (pilot-light:mediaStorageGb; the primary's replication rule stores them as STANDARD_IA)", 100, 0.0125]]);
        assert.deepStrictEqual(itemsOf(prod, "media-bucket").map((i) => [i.description, i.quantity, i.unitPrice]), [
            ["S3 Standard storage: 100 GB (pilot-light:mediaStorageGb)", 100, 0.023]]);
    });

    it("counts a NAT gateway and its Elastic IP per AZ on prod (3), one on dr standby and promoted (hardening adds the second)", () => {
        for (const [e, plan, expected] of [[prod, prodPlan, 3], [standby, standbyPlan, 1], [promoted, promotedPlan, 1]] as const) {
            const nat = e.items.filter((i) => i.type === "aws:ec2/natGateway:NatGateway");
            assert.equal(plan.resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length, expected, e.stack);
            assert.deepStrictEqual(nat.map((i) => [i.quantity, i.unit, i.unitPrice, roundMoney(i.monthly)]),
                Array(expected).fill([H, "gateway-hours", 0.045, 32.85]), `${e.stack} promote=${e.promote}`);
            assert.deepStrictEqual(e.items.filter((i) => /^app(-standby)?-nat-eip/.test(i.name)).map((i) => roundMoney(i.monthly)), Array(expected).fill(3.65));
        }
    });

    it("gives dr in standby no EC2 or ElastiCache cost and no app tier; only the standby ALB and NAT gateway", () => {
        assert.deepStrictEqual(standby.items.filter((i) => COMPUTE_TYPES.includes(i.type)).map((i) => i.name),
            ["app-standby-nat-gateway", "app-standby-web-alb"]);
        assert.deepStrictEqual(Object.keys(standby.byComponent).sort(), ["app-standby (AppStandby)", "database (Database)", "database-backups (BackupReplication)", "media (MediaBucket)", "waf (WebFirewall)"]);
        // Without a domain, what standby makes ahead for the app tier: its two secrets (the role is free) and the internal ALB
        // that dr's CloudFront VPC origin points at, by the hour (730 h × 0.0225), no LCUs and no public IPv4 (internal);
        // the NAT gateway (730 h × 0.045) and its Elastic IP (730 h × 0.005), pilot-light:standbyNatGateway. The launch template is free.
        assert.deepStrictEqual(standby.items.filter((i) => i.component === "app-standby (AppStandby)").map((i) => [i.name, i.description, i.monthly]), [
            ["app-standby-nat-eip", "Elastic IP (public IPv4, billed in use or idle)", 3.65],
            ["app-standby-app-secret", "Secrets Manager secret", 0.4], ["app-standby-cache-auth-token", "Secrets Manager secret", 0.4],
            ["app-standby-nat-gateway", "NAT gateway (data processing per GB not included)", 32.85],
            ["app-standby-web-alb", "Application Load Balancer", 16.425]]);
        // The VPC origin has no charge of its own: a note with AWS's source, never a 0 line.
        assert.ok(standby.notes.includes("app-standby-cdn-vpc-origin: a CloudFront VPC origin has no charge of its own (AWS announced VPC origins at no "
            + "additional cost, https://aws.amazon.com/blogs/networking-and-content-delivery/introducing-cloudfront-virtual-private-cloud-vpc-origins-shield-your-web-applications-from-public-internet/); "
            + "the internal ALB behind it has no public IPv4 addresses to pay for."), standby.notes.join("\n"));
        assert.ok(!standby.items.some((i) => i.type === "aws:cloudfront/vpcOrigin:VpcOrigin"));
        // The distribution has no monthly fee: a note with the table's rates, never a 0 line.
        assert.ok(standby.notes.includes("app-standby-cdn-distribution: dr's standby CloudFront distribution has no monthly fee and serves nothing until "
            + "promotion, when it bills $0.085/GB out to the internet and $0.01 per 10,000 HTTPS requests (United States edges; the always-free tier "
            + "covers 1 TB and 10,000,000 requests a month per account)."), standby.notes.join("\n"));
        assert.ok(prod.notes.includes("app-cdn-distribution: CloudFront has no monthly fee; it bills $0.085/GB out to the internet and $0.01 per 10,000 "
            + "HTTPS requests (United States edges; the always-free tier covers 1 TB and 10,000,000 requests a month per account); not estimated "
            + "(traffic unknown offline)."), prod.notes.join("\n"));
        assert.ok(!standby.items.some((i) => i.type === "aws:cloudfront/distribution:Distribution"));
        assert.ok(promoted.items.some((i) => i.type === "aws:autoscaling/group:Group"), "promoted dr runs the app servers");
    });

    it("prices dr's standby ALB (with a domain) by the hour and its public IPv4, with no LCUs until promotion", async () => {
        const domain = { "pilot-light:domainName": "app.example.com", "pilot-light:hostedZoneId": "Z0123456789ABCDEFGHIJ" };
        const withDomain = (promote: boolean) => quietPlan({ dir: DIR, stack: "dr", promote, configOverrides: domain });
        const idle = estimateCost(await withDomain(false));
        const serving = estimateCost(await withDomain(true));
        // Sorted: the engine registers resources as their inputs resolve.
        const lines = (e: CostEstimate) => e.items.filter((i) => i.component === "app-standby (AppStandby)").map((i) => [i.name, i.description, i.quantity])
            .sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`));
        // ALB 730 h × 0.0225 = 16.425, 2 public IPv4 × 730 h × 0.005 = 7.30, 2 secrets × 0.40 = 0.80; the standby NAT
        // gateway 730 h × 0.045 = 32.85 and its Elastic IP 730 h × 0.005 = 3.65 (pilot-light:standbyNatGateway).
        assert.deepStrictEqual(lines(idle), [
            ["app-standby-app-secret", "Secrets Manager secret", 1], ["app-standby-cache-auth-token", "Secrets Manager secret", 1],
            ["app-standby-nat-eip", "Elastic IP (public IPv4, billed in use or idle)", H],
            ["app-standby-nat-gateway", "NAT gateway (data processing per GB not included)", H],
            ["app-standby-web-alb", "Application Load Balancer", H],
            ["app-standby-web-alb", "public IPv4 of the internet-facing ALB: 2 (assumed one per AZ subnet)", 2 * H]]);
        assertMoney(idle.byComponent["app-standby (AppStandby)"], 16.425 + 7.3 + 0.8 + 32.85 + 3.65, "standby");
        assert.ok(idle.notes.includes("app-standby-web-alb: dr's standby ALB serves no traffic until promotion (only then does the SECONDARY record "
            + "answer, or dr's CloudFront distribution find a target), so no LCUs are counted in standby."), idle.notes.join("\n"));
        // The log bucket it writes to is said to be unestimated, at S3 Standard's rate, not counted as 0.
        assert.ok(idle.notes.includes("logs-bucket: logs are billed as S3 Standard storage at $0.023/GB-month, kept 90 days, "
            + "plus the PUT requests that write them; not estimated (traffic unknown offline)."), idle.notes.join("\n"));
        assert.ok(idle.notes.includes("network-flow-log: VPC flow logs are billed per GB delivered to S3 as CloudWatch vended logs "
            + "(https://aws.amazon.com/cloudwatch/pricing/), plus their S3 storage; not estimated (traffic unknown offline)."), idle.notes.join("\n"));
        assert.ok(idle.notes.includes("database-backups-replication: after a failback the previous database generation's replication runs beside this one, "
            + "costing about as much, until failback's step 6 stops it (its copies then age out over 7 days); declining that step keeps it billed."), idle.notes.join("\n"));
        // Promoted, the same ALB serves: 1 LCU on average (5.84), as prod's.
        assertMoney(serving.byComponent["app-standby (AppStandby)"], 16.425 + 5.84 + 7.3 + 0.8 + 32.85 + 3.65, "promoted");
        assert.deepStrictEqual(idle.unpriced, []);
    });

    it("prices the web ACL and its 5 rules by the month on every side, notes requests and logs, and never prices the associations", () => {
        for (const e of [prod, standby, promoted]) {
            assert.deepStrictEqual(itemsOf(e, "waf-acl").map((i) => [i.description, i.quantity, i.unit, i.unitPrice]), [
                ["AWS WAF web ACL", 1, "web-ACL-months", 5],
                ["AWS WAF rules: 5 (a managed rule group counts as one)", 5, "rule-months", 1],
            ], `${e.stack} promote=${e.promote}`);
            assert.ok(e.notes.includes("waf-acl: AWS WAF also bills $0.6 per million requests it inspects; not estimated (traffic unknown offline)."), e.notes.join("\n"));
            assert.deepStrictEqual(e.items.filter((i) => i.type === "aws:wafv2/webAclAssociation:WebAclAssociation"), []);
            assert.ok(e.notes.includes("waf-logging: AWS WAF's request logs are billed per GB delivered to CloudWatch Logs as vended logs "
                + "(https://aws.amazon.com/cloudwatch/pricing/), plus their storage; not estimated (traffic unknown offline)."), e.notes.join("\n"));
        }
    });

    it("sizes the app servers from the Auto Scaling group and the launch template it references", () => {
        const [servers, volumes] = itemsOf(prod, "app-servers-asg");
        assert.deepStrictEqual([servers.description, servers.quantity, servers.unitPrice],
            ["EC2 t3.medium × 2 (Auto Scaling desired capacity)", 2 * H, 0.0416]);
        assert.deepStrictEqual([volumes.description, volumes.quantity, volumes.unitPrice], ["EBS gp3 volume /dev/xvda: 2 × 20 GB", 40, 0.08]);
    });

    it("puts every component of prod and dr at the amounts worked out by hand, and standby at 32.3% of prod", () => {
        const expected: [CostEstimate, Record<string, number>][] = [
            [prod, {
                // 3 NAT EIPs 3 × 3.65 + auth secret 0.40 + app secret 0.40 + 3 NATs 3 × 32.85 + ALB 16.425 + 1 LCU 5.84
                // + Redis 2 × 23.36 + 2 × t3.medium 60.736 + 40 GB gp3 3.20 (the ALB is internal: no public IPv4)
                "app (AppTier)": 243.221,
                // CMK 1 + the master's and the app user's secrets, each with its dr replica, 4 × 0.40
                // + Multi-AZ 94.90 + 100 GB 11.50 + backups 0.443… + binlog 0.40
                "database (Database)": 1 + 1.6 + 94.9 + 11.5 + 7 * 20 / 30 * 0.095 + 0.4,
                "media (MediaBucket)": 2.3,
                "media-replication (MediaReplication)": 0.15 + 0.2,
                // EIP 3.65 + data 1.60 + t3.small 15.184 + root 1.60 + recover alarm 0.10
                "singleton (SingletonService)": 22.134,
                // web ACL 5.00 + 5 rules (the login rate rule and 4 AWS managed groups) × 1.00
                "waf (WebFirewall)": 5 + 5 * 1,
            }],
            // The app secret and the Redis AUTH secret, made in standby for the servers' IAM policy to name: 2 × 0.40; the
            // internal standby ALB behind dr's CloudFront VPC origin: 16.425, no public IPv4, no LCUs; the standby NAT
            // gateway (pilot-light:standbyNatGateway): 730 h × 0.045 = 32.85 + its Elastic IP 730 h × 0.005 = 3.65.
            // prod's replicated backups: (50 GB full copy + 7 days × 20 GB ÷ 30) × 0.095 + 2 × 20 GB across regions × 0.02.
            [standby, { "app-standby (AppStandby)": 0.8 + 16.425 + 32.85 + 3.65, "database (Database)": 1 + 47.45 + 5.75 + 0.1, "media (MediaBucket)": 1.25,
                "database-backups (BackupReplication)": (50 + 7 * 20 / 30) * 0.095 + 40 * 0.02,
                // The web ACL is made in standby, so promotion only associates it: 5.00 + 5 rules × 1.00.
                "waf (WebFirewall)": 5 + 5 * 1 }],
        ];
        for (const [estimate, components] of expected) {
            assert.deepStrictEqual(Object.keys(estimate.byComponent).sort(), Object.keys(components).sort());
            for (const [k, v] of Object.entries(components)) assertMoney(estimate.byComponent[k], v, `${estimate.stack} ${k}`);
            assert.deepStrictEqual(estimate.unpriced, [], `${estimate.stack}: every item is priced`);
        }
        const cmp = compareCosts(prod, standby, promoted);
        assert.deepStrictEqual([cmp.currency, roundMoney(cmp.prod), roundMoney(cmp.drStandby), roundMoney(cmp.drPromoted)], ["USD", 387.85, 125.27, 218.75]);
        assert.equal((cmp.standbyShareOfProd! * 100).toFixed(1), "32.3");
    });

    it("changes only the S3 line when mediaStorageGb is overridden", async () => {
        const bigger = estimateCost(await quietPlan({ dir: DIR, stack: "prod", configOverrides: { "pilot-light:mediaStorageGb": "250" } }));
        const [s3] = itemsOf(bigger, "media-bucket");
        assert.deepStrictEqual([s3.description, s3.quantity, s3.unit, s3.unitPrice, s3.monthly],
            ["S3 Standard storage: 250 GB (pilot-light:mediaStorageGb)", 250, "GB-month", 0.023, 250 * 0.023]);
        assertMoney(bigger.monthly - prod.monthly, 150 * 0.023, "difference");
        assert.deepStrictEqual(bigger.items.filter((i) => i.name !== "media-bucket"), prod.items.filter((i) => i.name !== "media-bucket"));
    });

    it("lists a missing price as unpriced, leaves it out of the total and names the type, region and remedy", () => {
        const e = estimateCost(syntheticPlan("us-east-1", [
            { type: "aws:ec2/instance:Instance", name: "odd", id: "i-1", inputs: { instanceType: "x9.mega" } },
            { type: "aws:rds/instance:Instance", name: "odd-db", inputs: { instanceClass: "db.zz.huge", allocatedStorage: 20, storageType: "gp3", backupRetentionPeriod: 0 } },
            { type: "aws:sqs/queue:Queue", name: "q" },
        ]));
        const [ec2] = itemsOf(e, "odd");
        assert.deepStrictEqual([ec2.unitPrice, ec2.monthly, ec2.component], [null, 0, "stack"]);
        const remedy = "the bundled price table (ops/report/priceTable.json, us-east-1 as of 2025-01-01) has no such figure; "
            + "refresh it with `npm run prices -- --region us-east-1` (AWS credentials needed)";
        assert.deepStrictEqual(e.unpriced, [
            { urn: "urn:pulumi:test::pilot-light::aws:ec2/instance:Instance::odd", type: "aws:ec2/instance:Instance", name: "odd",
                region: "us-east-1", component: "stack", missing: "EC2 instance type \"x9.mega\"", reason: remedy },
            { urn: "urn:pulumi:test::pilot-light::aws:rds/instance:Instance::odd-db", type: "aws:rds/instance:Instance", name: "odd-db",
                region: "us-east-1", component: "stack", missing: "RDS MySQL instance class \"db.zz.huge\"", reason: remedy },
            { urn: "urn:pulumi:test::pilot-light::aws:sqs/queue:Queue::q", type: "aws:sqs/queue:Queue", name: "q",
                region: "us-east-1", component: "stack", missing: "aws:sqs/queue:Queue", reason: "no pricing rule for this resource type in ops/report/costRules.ts" },
        ]);
        assertMoney(e.monthly, 20 * 0.115, "only the priced storage line");

        const nowhere = estimateCost(syntheticPlan("eu-north-1", [{ type: "aws:kms/key:Key", name: "key" }]));
        assert.deepStrictEqual([nowhere.currency, nowhere.pricesAsOf, nowhere.monthly], ["USD", undefined, 0]);
        assert.deepStrictEqual(nowhere.unpriced.map((u) => [u.missing, u.reason]), [["KMS key",
            "the bundled price table has no prices for eu-north-1 (it has us-east-1, us-west-2, cn-north-1, cn-northwest-1); refresh it with `npm run prices -- --region eu-north-1` (AWS credentials needed)"]]);
        assert.ok(renderCostTable(nowhere, nowhere, nowhere).includes("not priced (1 item)"));
    });

    it("adds the RDS Extended Support charge while a version is in it: per vCPU-hour, standby included, year 3 rate later", () => {
        const group = { type: "aws:rds/parameterGroup:ParameterGroup", name: "params", inputs: { family: "mysql8.0" } };
        const resources = (engineVersion: string) => [group,
            { type: "aws:rds/instance:Instance", name: "db", inputs: { engine: "mysql", engineVersion, instanceClass: "db.t4g.medium", multiAz: true, allocatedStorage: 20, storageType: "gp3", backupRetentionPeriod: 0 } },
            { type: "aws:rds/instance:Instance", name: "replica", inputs: { replicateSourceDb: "arn:aws:rds:us-west-2:123456789012:db:src", instanceClass: "db.t4g.medium", storageType: "gp3" },
                propertyDependencies: { parameterGroupName: ["urn:pulumi:test::pilot-light::aws:rds/parameterGroup:ParameterGroup::params"] } },
        ];
        const lines = (e: CostEstimate) => e.items.filter((i) => i.unit === "vCPU-hours").map((i) => [i.name, i.description, i.quantity, i.unitPrice, i.monthly]);
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
        assert.deepStrictEqual(nowhere.items.filter((i) => i.unit === "vCPU-hours").map((i) => [i.quantity, i.unitPrice, i.monthly]), [[1460, null, 0]]);
    });

    it("finds the launch template by dependency and skips a stopped instance's compute", () => {
        const lt = { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", id: "lt-real", inputs: { instanceType: "t4g.small" } };
        const e = estimateCost(syntheticPlan("us-west-2", [
            lt,
            { type: "aws:autoscaling/group:Group", name: "asg", inputs: { minSize: 3, launchTemplate: { id: "unknown-id" } },
                propertyDependencies: { launchTemplate: ["urn:pulumi:test::pilot-light::aws:ec2/launchTemplate:LaunchTemplate::lt"] } },
            { type: "aws:ec2/instance:Instance", name: "standby", id: "i-2", inputs: { instanceType: "t3.small" } },
            { type: "aws:ec2transitgateway/instanceState:InstanceState", name: "standby-state", inputs: { instanceId: "i-2", state: "stopped" } },
        ]));
        assert.deepStrictEqual(e.items.map((i) => [i.name, i.quantity, i.unitPrice]), [["asg", 3 * H, 0.0168], ["standby", 0, 0.0208]]);
    });

    it("carries the currency, the prices' date and the exclusions in every estimate", () => {
        for (const e of [prod, standby, promoted]) {
            assert.deepStrictEqual([e.currency, e.pricesAsOf], ["USD", "2025-01-01"]);
            assert.ok(e.notes[0].startsWith("Estimate: list prices as of 2025-01-01; excludes data processing, requests, and free tier. Prices are USD"), e.notes[0]);
            assertMoney(Object.values(e.byComponent).reduce((a, b) => a + b, 0), e.monthly, "byComponent sums to the total");
        }
    });

    it("renders the three stacks side by side under an ESTIMATE headline", () => {
        const lines = renderCostTable(prod, standby, promoted).split("\n");
        assert.equal(lines[0], "ESTIMATE of the monthly AWS cost (USD list prices as of 2025-01-01; excludes data processing, requests, and free tier)");
        assert.equal(lines[1], "dr standby costs 32.3% of prod ($125.27 of $387.85 per month); promoted, dr costs $218.75 per month.");
        const row = (label: string) => lines.find((l) => l.startsWith(label))!.split(/\s{3,}/);
        assert.deepStrictEqual(row("singleton (SingletonService)").slice(1), ["$22.13", "-", "-"]);
        assert.deepStrictEqual(row("total per month").slice(1), ["$387.85", "$125.27", "$218.75"]);
        assert.ok(!lines.some((l) => l.startsWith("Not priced")), "nothing is unpriced");
    });

    it("gives the plan command's --json the currency, the totals in it, monthlyUsd for a USD region, items and unpriced", () => {
        const json = costJson(prod) as any;
        assert.deepStrictEqual(Object.keys(json), ["currency", "monthly", "monthlyUsd", "pricesAsOf", "byComponent", "items", "unpriced"]);
        assert.deepStrictEqual([json.currency, json.monthly, json.monthlyUsd, json.pricesAsOf, json.unpriced], ["USD", 387.85, 387.85, "2025-01-01", []]);
        const backup = json.items.find((i: any) => i.description.startsWith("RDS backup storage"));
        assert.deepStrictEqual([backup.unitPrice, backup.unitUsd, backup.monthly, backup.monthlyUsd], [0.095, 0.095, 0.44, 0.44]);
    });
});

describe("report: cost estimate in the China regions (the source article's cn-north-1 → cn-northwest-1)", function () {
    this.timeout(180000);
    let prod: CostEstimate;
    let standby: CostEstimate;
    let promoted: CostEstimate;

    before(async () => {
        const dir = chinaProjectDir();
        prod = estimateCost(await quietPlan({ dir, stack: "prod" }));
        standby = estimateCost(await quietPlan({ dir, stack: "dr", promote: false }));
        promoted = estimateCost(await quietPlan({ dir, stack: "dr", promote: true }));
    });

    it("estimates in CNY, with a non-zero dr standby from the published Ningxia figures, and lists everything else as unpriced", () => {
        assert.deepStrictEqual([prod.currency, standby.currency, promoted.currency], ["CNY", "CNY", "CNY"]);
        assert.deepStrictEqual([standby.pricesAsOf, roundMoney(standby.monthly)], ["2019", 34.31]);
        // 10.30 of media + 2 × 20 GB of prod's backups copied across regions at ¥0.6003/GB.
        assertMoney(standby.monthly, 100 * 0.1030029 + 40 * 0.6003, "standby");
        assert.deepStrictEqual(priced(itemsOf(standby, "media-bucket")).map((i) => [i.unitPrice, i.monthly]), [[0.1030029, 100 * 0.1030029]]);
        // In any order: the engine registers resources as their inputs resolve (the standby's app secrets, for one,
        // once dr's database key is known: they are encrypted with it, components/app/secrets.ts).
        assert.deepStrictEqual(standby.unpriced.map((u) => `${u.name}: ${u.missing}`).sort(), [
            "database-kms-key: KMS key", "database-backups-replication: RDS backup storage",
            "app-standby-app-secret: Secrets Manager secret", "app-standby-cache-auth-token: Secrets Manager secret",
            "database-mysql: RDS MySQL instance class \"db.t4g.medium\"", "database-mysql: RDS storage type \"gp3\"",
            "database-replica-lag: CloudWatch alarm",
            // No CNY figure for AWS WAF in the table: listed, never counted as 0.
            "waf-acl: AWS WAF web ACL", "waf-acl: AWS WAF rule",
            // China requires a domain (CHINA_DOMAIN): the standby ALB the SECONDARY record points at.
            "app-standby-web-alb: Application Load Balancer", "app-standby-web-alb: public IPv4 address",
            // The app tier's egress, made in standby (pilot-light:standbyNatGateway).
            "app-standby-nat-gateway: NAT gateway", "app-standby-nat-eip: public IPv4 address",
        ].sort());
    });

    it("estimates prod in cn-north-1 from the one published Beijing figure (¥0.6003/GB sent to Ningxia) and lists the other 33 items", () => {
        // 20 GB/month of binlog and 10 GB/month of new media (the schema's defaults) sent to Ningxia at ¥0.6003/GB.
        assert.deepStrictEqual(priced(prod.items.filter((i) => i.unitPrice !== null)).map((i) => [i.name, i.quantity, i.unit, i.unitPrice, i.monthly]), [
            // The app-user function and its deploy-time invocation, and the master's rotation
            // function (four calls a month): negligible, at no figure.
            ["app-db-user-fn", 1, "functions", 0, 0],
            ["app-db-user-run", 1, "invocations", 0, 0],
            ["app-db-rotation-fn", 1, "functions", 0, 0],
            ["database-mysql", 20, "GB", 0.6003, 20 * 0.6003],
            ["media-replication-config", 10, "GB", 0.6003, 10 * 0.6003],
        ]);
        assertMoney(prod.monthly, 18.009, "prod");
        assert.deepStrictEqual([prod.pricesAsOf, roundMoney(prod.monthly)], ["2019", 18.01]);
        // In any order: the engine registers resources as their inputs resolve.
        assert.deepStrictEqual(prod.unpriced.map((u) => `${u.name}: ${u.missing}`).sort(), [
            "app-app-secret: Secrets Manager secret", "database-kms-key: KMS key", "app-nat-eip: public IPv4 address",
            "app-nat-eip-cn-north-1b: public IPv4 address", "app-nat-eip-cn-north-1d: public IPv4 address",
            "app-cache-auth-token: Secrets Manager secret", "singleton-recoverable-instance-eip: public IPv4 address",
            "media-bucket: S3 Standard storage", "singleton-recoverable-instance-data: EBS volume type \"gp3\"",
            "database-credentials: Secrets Manager secret", "database-credentials: Secrets Manager secret", "app-nat-gateway: NAT gateway",
            "database-app-credentials: Secrets Manager secret", "database-app-credentials: Secrets Manager secret",
            "app-nat-gateway-cn-north-1b: NAT gateway", "app-nat-gateway-cn-north-1d: NAT gateway",
            "app-web-alb: Application Load Balancer", "app-web-alb: ALB LCU", "app-web-alb: public IPv4 address",
            "media-replication-config: S3 Replication Time Control", "singleton-recoverable-instance-instance: EC2 instance type \"t3.small\"",
            "singleton-recoverable-instance-instance: EBS volume type \"gp3\"", "app-cache-redis: ElastiCache node type \"cache.t4g.small\"",
            "singleton-recoverable-instance-recover: CloudWatch alarm", "database-mysql: RDS MySQL instance class \"db.t4g.medium\"",
            "database-mysql: RDS storage type \"gp3\"", "database-mysql: RDS backup storage", "app-servers-asg: EC2 instance type \"t3.medium\"",
            "app-servers-asg: EBS volume type \"gp3\"", "waf-acl: AWS WAF web ACL", "waf-acl: AWS WAF rule",
            // With the domain China requires: prod's Route 53 health check and its HTTPS option.
            "dns-health: Route 53 health check", "dns-health: Route 53 health check option",
        ].sort());
        assert.ok(prod.unpriced.every((u) => u.region === "cn-north-1"
            && u.reason === "the bundled price table (ops/report/priceTable.json, cn-north-1 as of 2019) has no such figure; "
                + "refresh it with `npm run prices -- --region cn-north-1` (AWS credentials needed)"));
    });

    it("never compares or adds CNY to USD, and never prints a silent total", () => {
        const cmp = compareCosts(prod, standby, promoted);
        assert.deepStrictEqual([cmp.currency, cmp.standbyShareOfProd, cmp.noShareReason],
            ["CNY", undefined, "prod has 33 unpriced items and dr standby has 13 unpriced items"]);
        const text = renderCostTable(prod, standby, promoted);
        assert.ok(!text.includes("$"), "no dollar amount in a CNY report");
        assert.match(text, /^ESTIMATE of the monthly AWS cost \(CNY list prices as of 2019;/);
        assert.match(text, /\ntotal per month +¥18\.01 \+ 33 unpriced +¥34\.31 \+ 13 unpriced +¥34\.31 \+ 17 unpriced\n/);
        assert.match(text, /\nNot priced \(63; left out of the totals, --strict fails on them\):\n  prod \(cn-north-1\): the bundled price table \(ops\/report\/priceTable\.json, cn-north-1 as of 2019\) has no such figure;/);

        const us = estimateCost(syntheticPlan("us-east-1", [{ type: "aws:kms/key:Key", name: "key" }]));
        const mixed = compareCosts(us, standby, standby);
        assert.deepStrictEqual([mixed.currency, mixed.standbyShareOfProd, mixed.noShareReason],
            [undefined, undefined, "prod is billed in USD and dr in CNY; amounts in different currencies are not compared"]);
        const json = costJson(standby) as any;
        assert.deepStrictEqual(Object.keys(json), ["currency", "monthly", "pricesAsOf", "byComponent", "items", "unpriced"]);
        assert.ok(!("unitUsd" in json.items[0]), "no USD fields in a CNY estimate");
    });

    it("rejects a table whose region is in the wrong currency or whose figure has no source", () => {
        const bad = { "cn-north-1": { currency: "USD", asOf: "2026-12-01", figures: { kmsKeyMonth: { value: 1 } } } } as unknown as PriceTable;
        assert.deepStrictEqual(priceTableProblems(bad), [
            "cn-north-1.currency: \"USD\" is not allowed; cn-north-1 is billed in CNY",
            "cn-north-1.kmsKeyMonth: the figure 1 has no source",
        ]);
    });
});
