// The Markdown report for a PR comment, from real plans of prod, dr standby and dr promoted:
// every section in order, the headline from the cost comparison, escaped pipes, tables whose
// rows all have the header's column count, and the diagram in a mermaid block.
import * as assert from "node:assert/strict";
import * as path from "path";
import { diffPlans, PlannedChange } from "../../ops/diff";
import { planStack, StackPlan } from "../../ops/offline/planner";
import type { Violation } from "../../ops/policy/evaluate";
import { estimateCost } from "../../ops/report/cost";
import { cell, MarkdownReportInput, markdownTable, renderMarkdownReport } from "../../ops/report/markdown";
import { assessResilience, effectiveAssumptions } from "../../ops/report/resilience";
import { assumptionsMarkdown, shorten } from "../../ops/report/assumptionsMarkdown";
import { quietPlan } from "../support/quietPlan";

const DIR = path.join(__dirname, "..", "..");


/** Unescaped `|` in a table line: the column separators. */
function separators(line: string): number {
    return (line.replace(/\\\\/g, "").replace(/\\\|/g, "").match(/\|/g) ?? []).length;
}

describe("report: Markdown for the PR comment", function () {
    this.timeout(180000);
    let input: MarkdownReportInput;
    let change: PlannedChange;
    let md: string;
    const pipeViolation: Violation = {
        policy: "example-policy", level: "advisory",
        urn: "urn:pulumi:prod::pilot-light::pilot-light:app:AppTier$aws:lb/loadBalancer:LoadBalancer::app-web-alb",
        message: "ports 80|443 must | not be open\nsecond line",
        cliMessage: "An example.\nports 80|443 must | not be open\nsecond line",
    };

    before(async () => {
        const prod = await quietPlan({ dir: DIR, stack: "prod" });
        const drStandby = await quietPlan({ dir: DIR, stack: "dr", promote: false });
        const drPromoted = await quietPlan({ dir: DIR, stack: "dr", promote: true });
        change = diffPlans(drStandby, drPromoted);
        const trio = { prod, drStandby, drPromoted };
        input = {
            planned: "dr --promote",
            ...trio,
            promotion: change,
            policies: [
                { label: "prod", violations: [pipeViolation] },
                { label: "dr standby", violations: [] },
                { label: "dr promoted", violations: [] },
            ],
            costs: { prod: estimateCost(prod), drStandby: estimateCost(drStandby), drPromoted: estimateCost(drPromoted) },
            resilience: assessResilience({ ...trio, promotion: change.changes }),
            assumptions: effectiveAssumptions(trio),
        };
        md = renderMarkdownReport(input);
    });

    it("has every section, in order", () => {
        const headings = md.split("\n").filter((l) => l.startsWith("#"));
        assert.deepEqual(headings, [
            "## Offline plan report: prod and dr",
            "### Summary",
            "### Resources per stack",
            "### Policies",
            "### Promotion diff (dr standby → promoted)",
            "### Cost: prod vs dr standby vs dr promoted (ESTIMATE)",
            "### Resilience: RTO/RPO vs targets (ESTIMATE)",
            "### Diagram",
        ]);
        assert.match(md, /\n```mermaid\nflowchart TB\n[\s\S]*\n```\n$/);
        assert.match(md, /<details>\n<summary>4 to create, 1 to update, 0 to replace, 1 to delete<\/summary>\n/);
        assert.match(md, /<summary>Assumptions behind the estimates<\/summary>/);
    });

    it("leads with what standby costs as a share of prod, the policy result, data safety and RTO/RPO", () => {
        assert.ok(md.includes("- **Cost (ESTIMATE):** dr standby costs **32.3% of prod** ($125.27 of $387.85 per month); "
            + "promoted, dr costs $218.75 per month. USD list prices as of 2025-01-01."), md.slice(0, 800));
        assert.ok(md.includes("- **Policies:** ✅ 1 violation, 0 mandatory (prod: 1, dr standby: 0, dr promoted: 0)."));
        assert.ok(md.includes("- **Promotion data safety:** ✅ safe: no data resource is replaced or deleted."));
        const site = input.resilience.find((r) => r.disruption === "region failure" && r.component === "web tier")!;
        assert.ok(md.includes("region failure ✅ RTO 25.5 min (10 min from the decision to serving), ✅ RPO 15 min"), "headline RTO/RPO");
        assert.ok(md.includes("**Critical path to serving** (`pulumi up` of dr, 7 min): `app-servers-asg` (7 min)\n"), md);
        assert.ok(md.includes("**From the decision to serving:** 10 min (`pulumi up` overhead + the path to serving + the alias TTL)."));
        assert.ok(md.includes("**Critical path of the whole promotion** (15.25 min; serving does not wait for what is not on the path above): "
            + "`app-cache-redis` (15 min) → `app-cache-endpoint` (0.25 min)"));
        assert.equal(site.fromDecisionMinutes, 10);
    });

    it("labels the cost table ESTIMATE with the price-table date, prod | dr standby | dr promoted per component", () => {
        assert.ok(md.includes("**ESTIMATE** per month in each region's billing currency (USD list prices as of 2025-01-01): not a bill"));
        assert.ok(!md.includes("**Not priced**"), "every item is priced");
        assert.ok(md.includes("| component | prod (us-east-1) | dr standby (us-west-2) | dr promoted (us-west-2) |"));
        for (const component of Object.keys(input.costs.prod.byComponent)) {
            assert.ok(md.split("\n").some((l) => l.startsWith(`| ${component} | $`)), component);
        }
    });

    it("escapes pipes in table cells and keeps every table row as wide as its header", () => {
        assert.ok(md.includes("| prod | advisory | example-policy | app-web-alb (aws:lb/loadBalancer:LoadBalancer) | ports 80\\|443 must \\| not be open<br>second line |"));
        assert.equal(cell("a|b\nc"), "a\\|b<br>c");
        assert.equal(cell(""), " ");
        assert.equal(cell("x\\|y"), "x\\\\\\|y");
        let width: number | undefined;
        for (const line of md.split("\n")) {
            if (!line.startsWith("|")) {
                width = undefined;
                continue;
            }
            width ??= separators(line);
            assert.equal(separators(line), width, `row width differs from its header: ${line}`);
        }
        assert.equal(markdownTable(["a", "b"], [["x|y", 1]], ["l", "r"]), "| a | b |\n| --- | ---: |\n| x\\|y | 1 |");
    });

    it("shows the promotion's unsafe changes when there are some", () => {
        const unsafe = renderMarkdownReport({ ...input, promotion: { changes: change.changes, unsafe: ["REPLACE of aws:rds/instance:Instance \"database-mysql\": [kmsKeyId]"] } });
        assert.ok(unsafe.includes("- **Promotion data safety:** ❌ 1 unsafe change (see the diff)."));
        assert.ok(unsafe.includes("**Unsafe data changes:**\n\n- REPLACE of aws:rds/instance:Instance \"database-mysql\": [kmsKeyId]"));
    });
    it("keeps the assumptions table narrow enough for a comment: long text and sources move to numbered notes", () => {
        const section = md.slice(md.indexOf("<summary>Assumptions behind the estimates</summary>"));
        const table = section.split("\n").filter((l) => l.startsWith("| "));
        assert.equal(table[0], "| id | min | range | what | note |");
        assert.equal(table.length, input.assumptions.length + 2);
        for (const line of table) assert.ok(line.length <= 100, `${line.length} characters: ${line}`);
        input.assumptions.forEach((a, i) => {
            assert.ok(table[i + 2].endsWith(` | [${i + 1}] |`), table[i + 2]);
            assert.ok(section.includes(`\n${i + 1}. \`${a.id}\`: ${a.what}. `), `note ${i + 1} holds the full text of ${a.id}`);
        });
        assert.ok(!table.some((l) => l.includes("https://")), "no URL in the table");
    });
});

describe("report: assumptions for the comment", () => {
    it("shortens at a word, never mid-word, and leaves short text alone", () => {
        assert.equal(shorten("An instance boots and its user data runs", 44), "An instance boots and its user data runs");
        assert.equal(shorten("Route 53 marks the PRIMARY unhealthy: request interval", 40), "Route 53 marks the PRIMARY unhealthy…");
        assert.equal(shorten("Supercalifragilisticexpialidocious", 10), "Supercali…");
    });

    it("puts the source, or what the plan said, in the note", () => {
        const lines = assumptionsMarkdown([
            { id: "a", minutes: 1, what: "Short", source: "https://docs.aws.amazon.com/x" },
            { id: "b", minutes: 2.5, low: 2, high: 3, what: "Read from the plan", source: "table", fromPlan: "healthCheckGracePeriod 600 s" },
        ], markdownTable);
        assert.deepEqual(lines, [
            "| id | min | range | what | note |\n| --- | ---: | ---: | --- | ---: |\n| `a` | 1 | - | Short | [1] |\n| `b` | 2.5 | 2–3 | Read from the plan | [2] |",
            "",
            "1. `a`: Short. Source: https://docs.aws.amazon.com/x",
            "2. `b`: Read from the plan. From this plan: healthCheckGracePeriod 600 s",
        ]);
    });
});
