// The resilience assumptions for the Markdown report, sized for a pull-request comment (about
// 880 px, some 100 characters of table): the table keeps what a reviewer scans (id, minutes,
// range, a short "what"), and each assumption's full text and its source (often a long AWS
// URL) move to a numbered note under it, which the table's last column points at.
import type { ResilienceAssumption } from "./resilience";

/** The most characters of "what" a table row shows before it is cut (at a word) and completed in its note. */
export const WHAT_IN_TABLE = 44;

/** `text` cut at a word boundary to at most `max` characters, with `…` when cut. */
export function shorten(text: string, max: number): string {
    if (text.length <= max) return text;
    const cut = text.slice(0, max - 1);
    const space = cut.lastIndexOf(" ");
    return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,:;(–-]+$/, "")}…`;
}

/**
 * The assumptions as Markdown: a table (id, minutes, range, short "what", note number) and the
 * numbered notes with the full text and the source. `table` builds a Markdown table (markdown.ts).
 */
export function assumptionsMarkdown(assumptions: readonly ResilienceAssumption[],
    table: (headers: string[], rows: unknown[][], align: ("l" | "r")[]) => string): string[] {
    const rows = assumptions.map((a, i) => [
        `\`${a.id}\``, a.minutes, a.low !== undefined || a.high !== undefined ? `${a.low ?? "?"}–${a.high ?? "?"}` : "-",
        shorten(a.what, WHAT_IN_TABLE), `[${i + 1}]`,
    ]);
    const notes = assumptions.map((a, i) => `${i + 1}. \`${a.id}\`: ${a.what}. ${a.fromPlan ? `From this plan: ${a.fromPlan}` : `Source: ${a.source}`}`);
    return [table(["id", "min", "range", "what", "note"], rows, ["l", "r", "r", "l", "r"]), "", ...notes];
}
