// The RDS Extended Support charge in the cost estimate: an RDS instance whose engine major
// version is past its end of standard support on the estimate's date is billed per vCPU-hour on
// top of the instance price, standby of a Multi-AZ deployment included, at the year 1-2 rate and
// then the year 3 rate. Which versions and when come from the pack's dated table
// (policies/lib/rdsEngineVersions.ts), so the estimate and the rds-engine-* policies agree.
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support-charges.html
import type { RecordedResource } from "../offline/engine";
import type { PriceFigure } from "./prices";
import { engineMajorOf, supportPhase } from "../../policies/lib/rdsEngineVersions";

/** Where the rates come from, and when they were read. */
export const EXTENDED_SUPPORT_SOURCE = Object.freeze({ url: "https://aws.amazon.com/rds/mysql/pricing/", read: "2026-12-01" });

/** RDS for MySQL Extended Support, USD per vCPU-hour, by region and pricing year. */
export const EXTENDED_SUPPORT_VCPU_HOUR: Readonly<Record<string, Readonly<{ "1-2": number; "3": number }>>> = Object.freeze({
    "us-east-1": Object.freeze({ "1-2": 0.100, "3": 0.200 }),
    "us-west-2": Object.freeze({ "1-2": 0.100, "3": 0.200 }),
});

/**
 * vCPUs per DB instance class, for the classes the price table knows.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html
 */
export const RDS_CLASS_VCPUS: Readonly<Record<string, number>> = Object.freeze({
    "db.t4g.micro": 2, "db.t4g.small": 2, "db.t4g.medium": 2, "db.t4g.large": 2, "db.t4g.xlarge": 4, "db.t4g.2xlarge": 8,
    "db.t3.micro": 2, "db.t3.small": 2, "db.t3.medium": 2, "db.t3.large": 2, "db.t3.xlarge": 4, "db.t3.2xlarge": 8,
    "db.m6g.large": 2, "db.m6g.xlarge": 4, "db.r6g.large": 2, "db.r6g.xlarge": 4, "db.m7g.large": 2, "db.r7g.large": 2,
});

/** The Extended Support charge of one DB instance on one day, or why it cannot be counted. */
export type ExtendedSupportCharge =
    | {
        kind: "line"; description: string; quantity: number; unit: string;
        /** The rate with its source, or undefined when the region has none (then `missing` says why). */
        figure: PriceFigure | undefined; missing: string; what: string;
    }
    | { kind: "note"; note: string };

/**
 * The charge of `db` on `today` (`YYYY-MM-DD`), or undefined when its version is in standard
 * support or cannot be told. `copies` is 2 for Multi-AZ (the standby is billed too).
 */
export function extendedSupportCharge(db: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>, region: string,
    today: string, copies: number, hoursPerMonth: number): ExtendedSupportCharge | undefined {
    // A replica sets no engine version: its parameter group's family matches its source's.
    const group = (db.propertyDependencies.parameterGroupName ?? []).map((u) => byUrn.get(u))
        .find((r) => r?.type === "aws:rds/parameterGroup:ParameterGroup");
    const version = engineMajorOf(db.inputs, group?.inputs.family);
    const at = version ? supportPhase(version, today) : undefined;
    if (!version || at?.phase !== "extended") {
        return undefined;
    }
    const cls = String(db.inputs.instanceClass ?? "(unknown)");
    const vcpus = RDS_CLASS_VCPUS[cls];
    const label = `${version.engine} ${version.major}`;
    if (vcpus === undefined) {
        return { kind: "note", note: `${db.name}: ${label} is in RDS Extended Support on ${today}, but the vCPU count of ${cls} is not in `
            + "ops/report/extendedSupport.ts; its Extended Support charge is not counted." };
    }
    const rate = EXTENDED_SUPPORT_VCPU_HOUR[region]?.[at.year];
    return {
        kind: "line",
        description: `RDS Extended Support for ${label} (standard support ended ${at.row.standardSupportEnds}; year ${at.year} rate on ${today}): `
            + `${vcpus} vCPU${copies > 1 ? ` × ${copies} (Multi-AZ standby billed too)` : ""}`,
        quantity: vcpus * copies * hoursPerMonth,
        unit: "vCPU-hours",
        figure: rate === undefined ? undefined
            : { value: rate, source: `${EXTENDED_SUPPORT_SOURCE.url} (read ${EXTENDED_SUPPORT_SOURCE.read}, USD)` },
        missing: `ops/report/extendedSupport.ts has no Extended Support rate for ${region} `
            + `(it has ${Object.keys(EXTENDED_SUPPORT_VCPU_HOUR).join(", ")}); add it from ${EXTENDED_SUPPORT_SOURCE.url}`,
        what: `RDS Extended Support (year ${at.year}) per vCPU-hour`,
    };
}
