// The pure parts of the recover runbook: the time `--to` names, whether a restore window holds it,
// and the identifier of the new instance. No AWS call.

/** Parses `--to`: an ISO 8601 time with a zone (Z or an offset), so no machine's zone changes it. */
export function parseRecoverTime(value: string | undefined): Date {
    if (value === undefined) throw new Error("--to is required for recover: the time to restore to, e.g. --to 2026-12-01T11:59:00Z");
    const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value);
    const t = new Date(value);
    if (!zoned || Number.isNaN(t.getTime())) {
        throw new Error(`--to ${JSON.stringify(value)} is not allowed; expected an ISO 8601 time with a zone, such as 2026-12-01T11:59:00Z`);
    }
    return t;
}

/** A restore window: the earliest and latest times a point-in-time restore reaches. */
export interface RestoreWindow {
    earliest: Date;
    latest: Date;
}

/** Throws, naming --to, its value and the window, when `to` is outside `window`. */
export function checkInWindow(to: Date, window: RestoreWindow, source: string): void {
    if (to.getTime() < window.earliest.getTime() || to.getTime() > window.latest.getTime()) {
        throw new Error(`--to ${to.toISOString()} is outside the restore window of ${source}: `
            + `${window.earliest.toISOString()} to ${window.latest.toISOString()}; choose a time inside it `
            + "(the earliest is the retention's start, the latest is typically within the last 5 minutes)");
    }
}

/**
 * The new instance's identifier: `<current>-r<yyyymmddhhmmss of T>`, at most 63 characters
 * (RDS identifiers: 1-63 letters, digits and hyphens, a letter first, no double or trailing hyphen).
 * The same time gives the same name, so a re-run finds the instance a cut-short run started.
 */
export function restoredIdentifier(current: string, to: Date): string {
    const stamp = to.toISOString().replace(/[-:]/g, "").replace("T", "").slice(0, 14);
    const suffix = `-r${stamp}`;
    return `${current.slice(0, 63 - suffix.length).replace(/-+$/, "")}${suffix}`.toLowerCase();
}
