// One Markdown document for a pull-request comment: what the plans of prod, dr in standby and dr
// promoted say side by side. A pilot light exists to be cheap while idle and fast when needed,
// so the summary leads with both: what standby costs as a share of prod, and the estimated
// RTO/RPO against the targets. Then the details: resources per stack, policy results, the
// promotion diff, the cost table, the resilience table with its assumptions, and the diagram.
//
// Every table cell goes through `cell`, which escapes `|` (a cell holding one would split the
// row) and turns line breaks into <br>.
import type { ResourceChange } from "../diff";
import { countByType } from "../offline/render";
import type { StackPlan } from "../offline/planner";
import type { Violation } from "../policy/evaluate";
import { resourceLabel } from "../policy/table";
import { CostEstimate, formatMoney, formatTotal, pricesLabel, shareHeadline, unpricedCount, unpricedGroups } from "./cost";
import { assumptionsMarkdown } from "./assumptionsMarkdown";
import { mermaidDiagram } from "./diagram";
import type { CriticalPath } from "./criticalPath";
import { formatMinutes, ResilienceAssumption, ResilienceRow } from "./resilience";

/** Everything the report shows; ops/plan.ts builds it from the trio of plans. */
export interface MarkdownReportInput {
    /** What the command planned, for the title, e.g. `dr --promote`. */
    planned: string;
    prod: StackPlan;
    drStandby: StackPlan;
    drPromoted: StackPlan;
    /** The promotion: changes from drStandby to drPromoted and its data-safety problems (empty when safe). */
    promotion: { changes: ResourceChange[]; unsafe: string[] };
    /** Policy results per stack, in display order, e.g. `{ label: "prod", violations }`. */
    policies: { label: string; violations: Violation[] }[];
    /** Cost estimates of the three plans (ops/report/cost.ts). */
    costs: { prod: CostEstimate; drStandby: CostEstimate; drPromoted: CostEstimate };
    /** Rows of assessResilience. */
    resilience: ResilienceRow[];
    /** The assumptions the rows were computed with (effectiveAssumptions). */
    assumptions: readonly ResilienceAssumption[];
}

/** A Markdown table cell: `|` escaped, line breaks as <br>, never empty. */
export function cell(value: unknown): string {
    const s = value === undefined || value === null ? "" : String(value);
    const escaped = s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>").trim();
    return escaped === "" ? " " : escaped;
}

/** A Markdown table; `align` per column is `l` or `r`. */
export function markdownTable(headers: string[], rows: unknown[][], align: ("l" | "r")[] = []): string {
    const sep = headers.map((_h, i) => (align[i] === "r" ? "---:" : "---"));
    return [headers.map(cell), sep, ...rows.map((r) => r.map(cell))].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

const mark = (ok: boolean) => (ok ? "✅" : "⚠️");

function summary(input: MarkdownReportInput): string[] {
    const { prod, drStandby, costs, resilience, promotion, policies } = input;
    const mandatory = policies.reduce((n, p) => n + p.violations.filter((v) => v.level === "mandatory").length, 0);
    const total = policies.reduce((n, p) => n + p.violations.length, 0);
    const region = resilience.find((r) => r.disruption === "region failure" && r.criticalPath);
    const misses = resilience.filter((r) => r.status !== "ok");
    const t = resilience[0];
    const lines = [
        `- **Stacks:** ${prod.stack} (${prod.region}) and ${drStandby.stack} (${drStandby.region}); planned: \`${input.planned}\`.`,
        `- **Cost (ESTIMATE):** ${shareHeadline(costs.prod, costs.drStandby, costs.drPromoted).replace(/^(dr standby costs )([\d.]+% of prod)/, "$1**$2**")} `
        + `${pricesLabel([costs.prod, costs.drStandby, costs.drPromoted])}.`,
        `- **Policies:** ${mark(mandatory === 0)} ${total} violation${total === 1 ? "" : "s"}, ${mandatory} mandatory `
        + `(${policies.map((p) => `${p.label}: ${p.violations.length}`).join(", ")}).`,
        promotion.unsafe.length === 0
            ? `- **Promotion data safety:** ✅ safe: no data resource is replaced or deleted.`
            : `- **Promotion data safety:** ❌ ${promotion.unsafe.length} unsafe change${promotion.unsafe.length === 1 ? "" : "s"} (see the diff).`,
    ];
    if (t) {
        lines.push(`- **RTO/RPO (ESTIMATE) vs targets** (RTO ${t.rtoTargetMinutes} min, RPO ${t.rpoTargetMinutes} min): `
            + (region ? `region failure ${mark(region.meetsRto)} RTO ${formatMinutes(region.rtoMinutes)}`
                + (region.fromDecisionMinutes !== undefined ? ` (${formatMinutes(region.fromDecisionMinutes)} from the decision to serving)` : "")
                + `, ${mark(region.meetsRpo)} RPO ${formatMinutes(region.rpoMinutes)}; ` : "")
            + `${resilience.length - misses.length} of ${resilience.length} rows meet both`
            + (misses.length ? `; misses: ${misses.map((r) => `${r.disruption} / ${r.component}`).join(", ")}.` : "."));
    }
    return lines;
}

function resourceCounts(input: MarkdownReportInput): string {
    const plans = [input.prod, input.drStandby, input.drPromoted];
    const counts = plans.map((p) => new Map(countByType(p.resources)));
    const types = [...new Set(counts.flatMap((c) => [...c.keys()]))].sort();
    const rows = types.map((t) => [`\`${t}\``, ...counts.map((c) => c.get(t) ?? 0)]);
    rows.push(["**total**", ...counts.map((c) => [...c.values()].reduce((a, b) => a + b, 0))]);
    return markdownTable(["type", `${input.prod.stack}`, `${input.drStandby.stack} standby`, `${input.drStandby.stack} promoted`], rows, ["l", "r", "r", "r"]);
}

function policyTables(input: MarkdownReportInput): string[] {
    const out: string[] = [];
    const all = input.policies.flatMap((p) => p.violations.map((v) => [p.label, v.level, v.policy, resourceLabel(v.urn), v.message]));
    if (all.length === 0) {
        out.push(`No policy violations in ${input.policies.map((p) => p.label).join(", ")} (policies/).`);
    } else {
        out.push(markdownTable(["stack", "level", "policy", "resource", "message"], all));
    }
    return out;
}

function promotionDiff(input: MarkdownReportInput): string[] {
    const { changes, unsafe } = input.promotion;
    const n = { create: 0, update: 0, replace: 0, delete: 0 };
    for (const c of changes) n[c.op]++;
    const head = `${n.create} to create, ${n.update} to update, ${n.replace} to replace, ${n.delete} to delete`;
    const out = [
        "<details>",
        `<summary>${head}</summary>`,
        "",
        changes.length === 0 ? "No changes." : markdownTable(["op", "type", "name", "changed inputs"], changes.map((c) => [
            c.op, `\`${c.type}\``, `${c.name}${c.data ? " (data)" : ""}`,
            c.op === "replace" ? `${c.diff.join(", ")} (replaced because of ${c.replaceKeys.join(", ")})`
                : c.op === "delete" && c.retained ? "retained in AWS, removed from state" : c.diff.join(", "),
        ])),
        "",
        "</details>",
    ];
    if (unsafe.length > 0) out.push("", "**Unsafe data changes:**", "", ...unsafe.map((p) => `- ${p}`));
    return out;
}

function costSection(input: MarkdownReportInput): string[] {
    const { prod, drStandby, drPromoted } = input.costs;
    const estimates = [prod, drStandby, drPromoted];
    const components = [...new Set(estimates.flatMap((e) => Object.keys(e.byComponent)))].sort();
    const rows: unknown[][] = components.map((c) => [c, ...estimates.map((e) => (c in e.byComponent ? formatMoney(e.byComponent[c], e.currency) : "-"))]);
    rows.push(["**total per month**", ...estimates.map((e) => `**${formatTotal(e)}**`)]);
    const notes = [...new Set(estimates.flatMap((e) => e.notes))];
    const unpriced = unpricedCount(estimates);
    return [
        `**ESTIMATE** per month in each region's billing currency (${pricesLabel(estimates)}): not a bill (no data processing, requests, tax or free tier).`,
        "",
        markdownTable(["component", `prod (${prod.region})`, `dr standby (${drStandby.region})`, `dr promoted (${drPromoted.region})`], rows, ["l", "r", "r", "r"]),
        ...(unpriced > 0 ? ["", `**Not priced** (${unpriced}; left out of the totals, \`--strict\` fails on them, exit 6):`, "",
            ...unpricedGroups(estimates).flatMap((g) => [`- ${g.heading}`, ...g.items.map((i) => `  - \`${i.split(" ")[0]}\` ${i.split(" ").slice(1).join(" ")}`)])] : []),
        ...(notes.length ? ["", "<details>", "<summary>Cost notes</summary>", "", ...notes.map((n) => `- ${n}`), "", "</details>"] : []),
    ];
}

function resilienceSection(input: MarkdownReportInput): string[] {
    const rows = input.resilience;
    if (rows.length === 0) return ["No resilience rows."];
    const out = [
        `**ESTIMATE**: sums of the named assumptions below, not measurements. Targets: RTO ${rows[0].rtoTargetMinutes} min, `
        + `RPO ${rows[0].rpoTargetMinutes} min (\`rtoTargetMinutes\`, \`rpoTargetMinutes\` in stack config). A miss is an advisory; \`--strict\` fails on it (exit 5).`,
        "",
        markdownTable(["disruption", "component", "RTO", "RPO", "status", "notes"], rows.map((r) => [
            r.disruption, r.component,
            `${r.meetsRto ? "" : "⚠️ "}${formatMinutes(r.rtoMinutes)}`, `${r.meetsRpo ? "" : "⚠️ "}${formatMinutes(r.rpoMinutes)}`,
            r.status, r.notes.filter((n) => !n.startsWith("Critical path")).join("\n"),
        ])),
    ];
    const site = rows.find((r) => r.criticalPath);
    const path = site?.criticalPath;
    if (path) {
        const chain = (p: CriticalPath) => p.steps.map((s) => `\`${s.name}\` (${s.blockingMinutes + s.tailMinutes} min)`).join(" → ") || "no change";
        out.push("", `**Critical path to serving** (\`pulumi up\` of dr, ${path.minutes} min): ${chain(path)}`);
        if (site.fromDecisionMinutes !== undefined) out.push("", `**From the decision to serving:** ${site.fromDecisionMinutes} min (\`pulumi up\` overhead + the path to serving + the alias TTL).`);
        if (site.promotionPath) out.push("", `**Critical path of the whole promotion** (${site.promotionPath.minutes} min; serving does not wait for what is not on the path above): ${chain(site.promotionPath)}`);
        if (path.defaultedTypes.length > 0) out.push("", `Types without a duration in the table (default used): ${path.defaultedTypes.map((t) => `\`${t}\``).join(", ")}.`);
    }
    out.push("", "<details>", "<summary>Assumptions behind the estimates</summary>", "",
        ...assumptionsMarkdown(input.assumptions, markdownTable),
        "", "Each row's basis (the assumption ids it adds up) is in `npm run -s plan -- --json` under `resilience`.", "", "</details>");
    return out;
}

/** The whole report as Markdown, headed by its summary. */
export function renderMarkdownReport(input: MarkdownReportInput): string {
    const diagram = mermaidDiagram({ prod: input.prod, dr: input.drStandby, drPromoted: input.drPromoted });
    return [
        `## Offline plan report: ${input.prod.stack} and ${input.drStandby.stack}`,
        "",
        "No AWS call was made: the stacks were planned offline under Pulumi's mock runtime (`npm run plan`).",
        "",
        "### Summary",
        "",
        ...summary(input),
        "",
        "### Resources per stack",
        "",
        resourceCounts(input),
        "",
        "### Policies",
        "",
        ...policyTables(input),
        "",
        `### Promotion diff (${input.drStandby.stack} standby → promoted)`,
        "",
        ...promotionDiff(input),
        "",
        "### Cost: prod vs dr standby vs dr promoted (ESTIMATE)",
        "",
        ...costSection(input),
        "",
        "### Resilience: RTO/RPO vs targets (ESTIMATE)",
        "",
        ...resilienceSection(input),
        "",
        "### Diagram",
        "",
        "```mermaid",
        diagram,
        "```",
        "",
    ].join("\n");
}
