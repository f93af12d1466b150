// The plan command's reports as a user runs them: its stdout, stderr and exit code, run in process
// through main(argv) with the suite's shared plans (tests/support/cli.ts).
import * as assert from "node:assert/strict";
import * as path from "path";
import { outputFormat, parsePlanArgs } from "../../ops/plan";
import { planCli as plan } from "../support/cli";
import { chinaProjectDir } from "../support/chinaProject";

const ROOT = path.join(__dirname, "..", "..");

describe("ops: the plan command's cost and resilience reports", function () {
    this.timeout(180000);

    it("parses --format (with --json as its alias) and --strict", () => {
        assert.equal(outputFormat(parsePlanArgs(["--stack", "dr"])), "text");
        assert.equal(outputFormat(parsePlanArgs(["--stack", "dr", "--json"])), "json");
        const md = parsePlanArgs(["--stack", "dr", "--promote", "--format", "markdown", "--strict"]);
        assert.equal(outputFormat(md), "markdown");
        assert.equal(md.json, false);
        assert.equal(md.strict, true);
        const json = parsePlanArgs(["--stack", "dr", "--format", "json"]);
        assert.equal(json.json, true);
        assert.equal(outputFormat(json), "json");
        // Options nobody asked for stay absent, so the parsed shape is what it always was.
        assert.ok(!("format" in parsePlanArgs(["--stack", "dr", "--json"])));
        assert.ok(!("strict" in parsePlanArgs(["--stack", "dr"])));
        assert.throws(() => parsePlanArgs(["--stack", "dr", "--format", "yaml"]), /^Error: --format "yaml": expected one of text, json, markdown/);
        assert.throws(() => parsePlanArgs(["--stack", "dr", "--json", "--format", "markdown"]),
            /^Error: --json means --format json; it cannot be combined with --format markdown/);
    });

    it("prints the Markdown report with --format markdown", async () => {
        const r = await plan(["--stack", "dr", "--promote", "--format", "markdown"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^## Offline plan report: prod and dr\n/);
        for (const heading of ["### Summary", "### Resources per stack", "### Policies", "### Promotion diff (dr standby → promoted)",
            "### Cost: prod vs dr standby vs dr promoted (ESTIMATE)", "### Resilience: RTO/RPO vs targets (ESTIMATE)", "### Diagram"]) {
            assert.ok(r.stdout.includes(`\n${heading}\n`), heading);
        }
        assert.match(r.stdout, /- \*\*Cost \(ESTIMATE\):\*\* dr standby costs \*\*\d+\.\d% of prod\*\*/);
        // dr promoted (not hardened yet) has the one advisory naming the hardening step.
        assert.match(r.stdout, /- \*\*Policies:\*\* ✅ 1 violation, 0 mandatory \(prod: 0, dr standby: 0, dr promoted: 1\)\./);
        assert.match(r.stdout, /\n```mermaid\nflowchart TB\n/);
        // The program's logs and the advisory go to stderr, never into the document.
        assert.doesNotMatch(r.stdout, /\[runtime\]/);
        // Every row is covered with the committed config (a NAT gateway per AZ, the singleton's copies in dr).
        assert.doesNotMatch(r.stderr, /RTO\/RPO estimates miss the targets/);
    });

    it("adds cost and resilience to --json and keeps every key it had", async () => {
        const r = await plan(["--stack", "dr", "--promote", "--json"]);
        assert.equal(r.code, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.deepEqual(Object.keys(doc), ["stack", "promote", "resources", "outputs", "policies", "changes", "dataSafety", "refused", "staticStability", "cost", "resilience"]);
        assert.equal(doc.stack, "dr");
        assert.deepEqual(doc.dataSafety, { problems: [] });
        assert.deepEqual(Object.keys(doc.cost), ["currency", "monthly", "monthlyUsd", "pricesAsOf", "byComponent", "items", "unpriced"]);
        assert.deepEqual([doc.cost.currency, doc.cost.monthly, doc.cost.monthlyUsd, doc.cost.unpriced], ["USD", 218.75, 218.75, []]);
        assert.ok("app (AppTier)" in doc.cost.byComponent, "the promoted dr's own estimate");
        const site = doc.resilience.find((x: any) => x.disruption === "region failure" && x.component === "web tier");
        assert.equal(site.meetsRto, true);
        assert.equal(site.status, "ok");
        assert.deepEqual(site.criticalPath.steps.map((s: any) => s.name), ["app-servers-asg"]);
        assert.deepEqual([site.criticalPath.minutes, site.fromDecisionMinutes, site.promotionPath.minutes], [7, 10, 15.25]);
    });

    it("fails with exit 5 under --strict when an estimate misses its target, and prints the cost and RTO/RPO tables", async () => {
        const r = await plan(["--stack", "prod", "--strict", "--set", "rtoTargetMinutes=20"]);
        assert.equal(r.code, 5, r.stderr);
        assert.match(r.stdout, /\nESTIMATE of the monthly AWS cost \(USD list prices as of \d{4}-\d{2}-\d{2}/);
        assert.match(r.stdout, /\nESTIMATED RTO\/RPO vs targets \(RTO 20 min, RPO 15 min\)/);
        assert.match(r.stdout, /\nregion failure +web tier +[\d.]+ min ✗ +15 min +failure\n/);
        assert.match(r.stdout, /\nCritical path to serving: /);
        assert.match(r.stdout, /\nCritical path of the whole promotion /);
        assert.match(r.stderr, /RTO\/RPO estimates miss the targets \(--strict\): .*region failure \/ web tier/);
    });

    it("exits 6 under --strict when a planned item has no price, and lists it (exit 0 without --strict)", async () => {
        const fixture = path.join(ROOT, "tests", "fixtures", "unpriced-region");
        const strict = await plan(["--dir", fixture, "--stack", "test", "--strict"]);
        assert.equal(strict.code, 6, strict.stderr);
        assert.match(strict.stdout, /\nESTIMATE of the monthly AWS cost of "test": not priced \(1 item\) \(no USD prices for eu-north-1\)\.\n/);
        assert.match(strict.stdout, /\n  test \(eu-north-1\): the bundled price table has no prices for eu-north-1 .*\n    - aws:cloudwatch\/metricAlarm:MetricAlarm cpu-high: CloudWatch alarm\n/);
        assert.match(strict.stderr, /1 planned item has no price in the cost estimate \(--strict\): test \(eu-north-1\): 1\.\n$/);
        const json = await plan(["--dir", fixture, "--stack", "test", "--json"]);
        assert.equal(json.code, 0, json.stderr);
        const cost = JSON.parse(json.stdout).cost;
        assert.deepEqual([cost.currency, cost.monthly, cost.monthlyUsd, cost.pricesAsOf], ["USD", 0, 0, null]);
        assert.deepEqual(cost.unpriced.map((u: any) => [u.type, u.name, u.region, u.missing]),
            [["aws:cloudwatch/metricAlarm:MetricAlarm", "cpu-high", "eu-north-1", "CloudWatch alarm"]]);
    });

    it("estimates the source article's China regions in CNY, with no USD field, and lists what is unpriced", async () => {
        const r = await plan(["--dir", chinaProjectDir(), "--stack", "dr", "--json"]);
        assert.equal(r.code, 0, r.stderr);
        const cost = JSON.parse(r.stdout).cost;
        assert.deepEqual([cost.currency, cost.monthly, cost.pricesAsOf, "monthlyUsd" in cost], ["CNY", 34.31, "2019", false]);
        // Sorted: the list follows the order the program registers resources in, which moves with
        // when their inputs resolve (the standby's secrets wait for dr's key and their policy's invokes).
        assert.deepEqual(cost.unpriced.map((u: any) => u.missing).sort(), ["AWS WAF rule", "AWS WAF web ACL", "Application Load Balancer", "CloudWatch alarm", "KMS key",
            "NAT gateway", "RDS MySQL instance class \"db.t4g.medium\"", "RDS backup storage", "RDS storage type \"gp3\"", "Secrets Manager secret", "Secrets Manager secret",
            "public IPv4 address", "public IPv4 address"]);
        assert.match(r.stderr, /63 planned items have no price in the cost estimate \(left out of the totals; --strict fails on them\): prod \(cn-north-1\): 33, dr \(cn-northwest-1\): 13, dr promoted \(cn-northwest-1\): 17\.\n/);
    });

    it("refuses the China regions without a domain, naming the keys, the region and how to get one (exit 2)", async () => {
        const r = await plan(["--dir", chinaProjectDir(false), "--stack", "dr"]);
        assert.equal(r.code, 2, r.stderr);
        assert.equal(r.stderr, "Invalid configuration for stack \"dr\" (1 problem):\n"
            + "  - pilot-light:domainName/pilot-light:hostedZoneId: not set, which is not allowed in cn-northwest-1: without a domain the site serves "
            + "HTTPS through CloudFront's default certificate, and CloudFront in the China regions serves no content on its default domain "
            + "(*.cloudfront.cn; https://docs.amazonaws.cn/en_us/aws/latest/userguide/cloudfront.html). Set both: a domain with an ICP filing "
            + "(ICP recordal, required for a website on ports 80/443 in China; see \"Signup, Accounts, and Credentials\" in Getting Started with "
            + "Amazon Web Services in China) and the Route 53 hosted zone of the China account that holds it; the ALB then serves HTTPS with an ACM certificate.\n");
    });
});
