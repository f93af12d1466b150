// Dates for the lifecycle policies (Lambda runtimes, RDS engine versions): calendar days in UTC,
// the injectable "today" every such policy takes from its config, and the config schema entries
// they share. Pure functions, no import, so ops/report can use them too.

const DAY_MS = 24 * 60 * 60 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The UTC day number of a calendar date `YYYY-MM-DD`; undefined for anything else (e.g. `2026-02-30`). */
export function dayNumber(date: unknown): number | undefined {
    const m = typeof date === "string" ? ISO_DATE.exec(date) : null;
    if (!m) {
        return undefined;
    }
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    // Date.UTC rolls 2026-02-30 over to March 2: a real calendar date round-trips.
    return new Date(ms).toISOString().slice(0, 10) === date ? ms / DAY_MS : undefined;
}

/** Today's date in UTC as `YYYY-MM-DD`. */
export function currentDate(now: Date = new Date()): string {
    return now.toISOString().slice(0, 10);
}

/**
 * The day a lifecycle policy judges by: its config's `today`, else the current UTC date. A
 * malformed `today` throws, naming the policy, the key and the value, so it is never read as
 * "no date".
 */
export function todayOf(policy: string, config: { today?: unknown }): { date: string; day: number } {
    const date = config.today ?? currentDate();
    const day = dayNumber(date);
    if (day === undefined) {
        throw new Error(`policy "${policy}": config "today" ${JSON.stringify(date)} is not a calendar date YYYY-MM-DD`);
    }
    return { date: date as string, day };
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
    return (dayNumber(to) as number) - (dayNumber(from) as number);
}

/** The configSchema property every lifecycle policy takes: the date to judge by. */
export const TODAY_SCHEMA = {
    type: "string" as const,
    pattern: "^\\d{4}-\\d{2}-\\d{2}$",
    description: "The date to judge by, YYYY-MM-DD (UTC). Defaults to the current date; tests and what-if reviews set it.",
};

/** The configSchema property of the advisory lifecycle policies: how far ahead to warn. */
export function warnDaysSchema(what: string) {
    return {
        type: "integer" as const, minimum: 0, default: 180,
        description: `Warn this many days before ${what}. Defaults to 180.`,
    };
}

/** How a lifecycle message cites its table row: `dates read <read> from <source>`. */
export function datesFrom(row: { read: string; source: string }): string {
    return `dates read ${row.read} from ${row.source}`;
}
