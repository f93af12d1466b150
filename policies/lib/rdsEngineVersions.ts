// RDS engine major versions and their support dates: while in RDS standard support a version
// costs nothing extra; after its end of standard support RDS enrols it in RDS Extended Support
// and bills per vCPU-hour (year 1-2 rate, then the year 3 rate), and after the end of Extended
// Support RDS upgrades it on its own. One dated table, read by the pack's rds-engine-* policies
// and by the cost estimate (ops/report), so both say the same thing on the same day.
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html
import { dayNumber } from "./lifecycle";

/** One engine major version's published dates (`YYYY-MM-DD`), with where and when they were read. */
export interface RdsEngineVersionDates {
    /** The RDS engine, e.g. `mysql`. */
    engine: string;
    /** The major version, e.g. `8.4`. */
    major: string;
    /** The last day of RDS standard support. */
    standardSupportEnds: string;
    /** The first day billed at the Extended Support year 3 rate. */
    extendedYear3From: string;
    /** The last day of RDS Extended Support; after it RDS upgrades the major version itself. */
    extendedSupportEnds: string;
    /** The AWS page the row was read from. */
    source: string;
    /** The date the row was read. */
    read: string;
}

const MYSQL = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/MySQL.Concepts.VersionMgmt.html#MySQL.Concepts.VersionMgmt.ReleaseCalendar";
const READ = "2026-12-01";

/** The versions the pack knows. A version missing here is reported, never assumed supported. */
export const RDS_ENGINE_VERSIONS: readonly RdsEngineVersionDates[] = Object.freeze([
    { engine: "mysql", major: "8.4", standardSupportEnds: "2029-07-31", extendedYear3From: "2031-08-01", extendedSupportEnds: "2032-07-31", source: MYSQL, read: READ },
    { engine: "mysql", major: "8.0", standardSupportEnds: "2026-07-31", extendedYear3From: "2028-08-01", extendedSupportEnds: "2029-07-31", source: MYSQL, read: READ },
    { engine: "mysql", major: "5.7", standardSupportEnds: "2024-02-29", extendedYear3From: "2026-03-01", extendedSupportEnds: "2027-02-28", source: MYSQL, read: READ },
].map((r) => Object.freeze(r)));

/** The engine and major version of a DB instance, from its own inputs or its parameter group's family. */
export interface EngineMajor {
    engine: string;
    major: string;
}

/**
 * The engine and major version: `engineVersion` (`8.4`, `8.4.3`) with `engine`, else the
 * parameter group's family (`mysql8.4`), which a cross-region replica must match to its source's
 * version even though it sets no engine of its own. Undefined when neither says.
 */
export function engineMajorOf(db: { engine?: unknown; engineVersion?: unknown }, parameterGroupFamily?: unknown): EngineMajor | undefined {
    if (typeof db.engineVersion === "string" && typeof db.engine === "string") {
        // MySQL and MariaDB majors are X.Y; PostgreSQL's, from 10 on, are X.
        const m = (db.engine === "postgres" ? /^(\d+)/ : /^(\d+\.\d+)/).exec(db.engineVersion);
        if (m) return { engine: db.engine, major: m[1] };
    }
    const f = typeof parameterGroupFamily === "string" ? /^([a-z-]+?)(\d+(?:\.\d+)?)$/.exec(parameterGroupFamily) : null;
    return f ? { engine: f[1], major: f[2] } : undefined;
}

/** Where a version stands on a day. */
export type SupportPhase =
    | { phase: "unknown" }
    | { phase: "standard"; row: RdsEngineVersionDates }
    | { phase: "extended"; year: "1-2" | "3"; row: RdsEngineVersionDates }
    | { phase: "ended"; row: RdsEngineVersionDates };

/** The support phase of `version` on `date` (`YYYY-MM-DD`). */
export function supportPhase(version: EngineMajor, date: string): SupportPhase {
    const row = RDS_ENGINE_VERSIONS.find((r) => r.engine === version.engine && r.major === version.major);
    if (!row) {
        return { phase: "unknown" };
    }
    const day = dayNumber(date) as number;
    if (day <= (dayNumber(row.standardSupportEnds) as number)) {
        return { phase: "standard", row };
    }
    if (day > (dayNumber(row.extendedSupportEnds) as number)) {
        return { phase: "ended", row };
    }
    return { phase: "extended", year: day >= (dayNumber(row.extendedYear3From) as number) ? "3" : "1-2", row };
}
