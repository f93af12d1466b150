// A plain-text table of policy violations for terminals and CI logs.
import type { Violation } from "./evaluate";

/** `name (type)` from a URN, or "(stack)" for stack-wide findings. */
export function resourceLabel(urn: string): string {
    if (!urn) {
        return "(stack)";
    }
    const parts = urn.split("::");
    const name = parts[parts.length - 1];
    const type = (parts[parts.length - 2] ?? "").split("$").pop();
    return `${name} (${type})`;
}

/**
 * A table of violations, mandatory first, then by policy, with a summary line; "No policy
 * violations." when there are none.
 */
export function formatViolationTable(violations: Violation[]): string {
    if (violations.length === 0) {
        return "No policy violations.";
    }
    const rank = (v: Violation): number => (v.level === "mandatory" ? 0 : 1);
    const rows = [...violations]
        .sort((a, b) => rank(a) - rank(b) || a.policy.localeCompare(b.policy))
        .map((v) => [v.level, v.policy, resourceLabel(v.urn), v.message.replace(/\s*\n\s*/g, " ")]);
    const header = ["LEVEL", "POLICY", "RESOURCE", "MESSAGE"];
    const widths = header.slice(0, 3).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join("  ").trimEnd();
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    return [
        line(header),
        line(widths.map((w) => "-".repeat(w)).concat("-".repeat(7))),
        ...rows.map(line),
        "",
        `${violations.length} violation(s): ${mandatory} mandatory, ${violations.length - mandatory} advisory.`,
    ].join("\n");
}
