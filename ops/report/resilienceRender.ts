// The RTO/RPO estimates (./resilience.ts) for people and for `--json`: the text table with each
// row's notes and the promotion's critical path, the assumptions table, and the JSON rows.
import type { CriticalPath } from "./criticalPath";
import type { ResilienceRow } from "./resilience";
import { RESILIENCE_ASSUMPTIONS, ResilienceAssumption, roundMinutes } from "./resilienceAssumptions";

/** Minutes for people: `not covered` for null, otherwise `N min` without trailing zeros. */
export function formatMinutes(m: number | null): string {
    return m === null ? "not covered" : `${roundMinutes(m)} min`;
}

function table(headers: string[], rows: string[][]): string[] {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** The rows as a plain-text table, then each row's notes and the promotion's critical path. */
export function renderResilienceTable(rows: ResilienceRow[]): string {
    if (rows.length === 0) return "Resilience: no rows (needs a primary and a dr stack).";
    const t = rows[0];
    const misses = rows.filter((r) => r.status !== "ok").length;
    const out = [
        `ESTIMATED RTO/RPO vs targets (RTO ${t.rtoTargetMinutes} min, RPO ${t.rpoTargetMinutes} min): `
        + `${rows.length - misses} of ${rows.length} rows meet both${misses ? `, ${misses} miss` : ""}.`,
        "",
        ...table(["disruption", "component", "RTO", "RPO", "status"], rows.map((r) => [
            r.disruption, r.component,
            `${formatMinutes(r.rtoMinutes)}${r.meetsRto ? "" : " ✗"}`, `${formatMinutes(r.rpoMinutes)}${r.meetsRpo ? "" : " ✗"}`,
            r.status,
        ])),
        "",
    ];
    for (const r of rows) {
        for (const n of r.notes) out.push(`  ${r.disruption} / ${r.component}: ${n}`);
        if (r.basis.length > 0) out.push(`  ${r.disruption} / ${r.component}: basis ${r.basis.join(", ")}`);
    }
    const site = rows.find((r) => r.criticalPath);
    if (site?.criticalPath) {
        out.push("", renderCriticalPath(site.criticalPath, "Critical path to serving"));
        if (site.fromDecisionMinutes !== undefined) out.push(`  From the decision to serving: ${site.fromDecisionMinutes} min`);
        if (site.promotionPath) out.push("", renderCriticalPath(site.promotionPath, "Critical path of the whole promotion (serving does not wait for what is not above)"));
    }
    return out.join("\n");
}

/** A critical path, one step per line with its start and duration, under `title`. */
export function renderCriticalPath(path: CriticalPath, title = "Critical path of the promotion"): string {
    const lines = [`${title}: ${path.minutes} min`];
    for (const s of path.steps) {
        const tail = s.tailMinutes > 0 ? ` + ${s.tailMinutes} min until it serves` : "";
        lines.push(`  at ${String(s.startMinutes).padStart(5)} min  ${s.op} ${s.type} ${s.name}: ${s.blockingMinutes} min${tail} [${s.basis.join(", ")}]`);
    }
    if (path.defaultedTypes.length > 0) lines.push(`  Types without a duration in the table: ${path.defaultedTypes.join(", ")}`);
    return lines.join("\n");
}

/** The assumption table as plain text. */
export function renderAssumptionsTable(assumptions: readonly ResilienceAssumption[] = RESILIENCE_ASSUMPTIONS): string {
    return table(["id", "minutes", "range", "what", "source"], assumptions.map((a) => [
        a.id, String(a.minutes), a.low !== undefined || a.high !== undefined ? `${a.low ?? "?"}–${a.high ?? "?"}` : "-",
        a.what, a.fromPlan ? `this plan: ${a.fromPlan}` : a.source,
    ])).join("\n");
}

/** The plan command's `--json` "resilience" array: the rows as plain data. */
export function resilienceJson(rows: ResilienceRow[]): Record<string, unknown>[] {
    return rows.map((r) => ({
        disruption: r.disruption, component: r.component,
        rtoMinutes: r.rtoMinutes, rpoMinutes: r.rpoMinutes,
        rtoTargetMinutes: r.rtoTargetMinutes, rpoTargetMinutes: r.rpoTargetMinutes,
        meetsRto: r.meetsRto, meetsRpo: r.meetsRpo, status: r.status,
        basis: r.basis, notes: r.notes,
        ...(r.criticalPath ? { criticalPath: pathJson(r.criticalPath) } : {}),
        ...(r.promotionPath ? { promotionPath: pathJson(r.promotionPath) } : {}),
        ...(r.fromDecisionMinutes !== undefined ? { fromDecisionMinutes: r.fromDecisionMinutes } : {}),
    }));
}

function pathJson(path: CriticalPath): Record<string, unknown> {
    return {
        minutes: path.minutes,
        steps: path.steps.map((s) => ({ type: s.type, name: s.name, op: s.op, startMinutes: s.startMinutes, minutes: roundMinutes(s.blockingMinutes + s.tailMinutes) })),
        defaultedTypes: path.defaultedTypes,
    };
}
