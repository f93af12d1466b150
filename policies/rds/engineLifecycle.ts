// RDS engine versions outside standard support: RDS Extended Support bills them per vCPU-hour
// (or, with engineLifecycleSupport disabled, RDS refuses to create them and upgrades existing
// ones itself), and after the end of Extended Support RDS upgrades the major version on its own
// schedule. The dates are the pack's table (policies/lib/rdsEngineVersions.ts).
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { datesFrom, daysBetween, todayOf, TODAY_SCHEMA, warnDaysSchema } from "../lib/lifecycle";
import { engineMajorOf, EngineMajor, supportPhase } from "../lib/rdsEngineVersions";
import { q, T } from "../lib/resources";

/** The engine version of each DB instance that says one, through its parameter group for a replica. */
function versions(resources: PolicyResource[]): { db: PolicyResource; version: EngineMajor }[] {
    const out: { db: PolicyResource; version: EngineMajor }[] = [];
    for (const db of resources.filter((r) => r.type === T.db)) {
        const group = (db.propertyDependencies.parameterGroupName ?? []).find((r) => r.type === T.parameterGroup);
        const version = engineMajorOf(db.props, group?.props.family);
        if (version) {
            out.push({ db, version });
        }
    }
    return out;
}

export const rdsEngineStandardSupport: StackValidationPolicy = {
    name: "rds-engine-standard-support",
    description: "An RDS instance runs an engine major version in RDS standard support on the policy's date, per the dated "
        + "table in the pack (policies/lib/rdsEngineVersions.ts); an unknown version fails too.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { today: TODAY_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const today = todayOf("rds-engine-standard-support", args.getConfig<{ today?: string }>());
        for (const { db, version } of versions(args.resources)) {
            const what = `database ${q(db.name)} runs ${version.engine} ${version.major}`;
            const at = supportPhase(version, today.date);
            switch (at.phase) {
                case "unknown":
                    reportViolation(`${what}, which is not in the pack's engine version table (policies/lib/rdsEngineVersions.ts); `
                        + "add its dates from https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html", db.urn);
                    break;
                case "extended": {
                    const disabled = db.props.engineLifecycleSupport === "open-source-rds-extended-support-disabled"
                        ? " With engineLifecycleSupport disabled, RDS refuses to create it and upgrades an existing one itself." : "";
                    reportViolation(`${what}, out of RDS standard support since ${at.row.standardSupportEnds}: on ${today.date} RDS Extended `
                        + `Support bills it per vCPU-hour at the year ${at.year} rate, until RDS upgrades it itself after `
                        + `${at.row.extendedSupportEnds}.${disabled} Upgrade to a version in standard support (${datesFrom(at.row)})`, db.urn);
                    break;
                }
                case "ended":
                    reportViolation(`${what}, past the end of RDS Extended Support (${at.row.extendedSupportEnds}): RDS upgrades it `
                        + `itself and refuses to create it. Upgrade to a version in standard support (${datesFrom(at.row)})`, db.urn);
                    break;
                case "standard":
                    break;
            }
        }
    },
};

export const rdsEngineSupportEnding: StackValidationPolicy = {
    name: "rds-engine-support-ending",
    description: "An RDS instance's engine major version is not within warnDays (default 180) of its end of RDS standard "
        + "support on the policy's date, per the dated table in the pack (policies/lib/rdsEngineVersions.ts).",
    enforcementLevel: "advisory",
    configSchema: { properties: { today: TODAY_SCHEMA, warnDays: warnDaysSchema("a version's end of RDS standard support") } },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<{ today?: string; warnDays: number }>();
        const today = todayOf("rds-engine-support-ending", config);
        for (const { db, version } of versions(args.resources)) {
            const at = supportPhase(version, today.date);
            if (at.phase !== "standard") {
                continue; // Past the date (or unknown), rds-engine-standard-support fails it instead.
            }
            const left = daysBetween(today.date, at.row.standardSupportEnds);
            if (left <= config.warnDays) {
                reportViolation(`database ${q(db.name)} runs ${version.engine} ${version.major}, whose RDS standard support ends on `
                    + `${at.row.standardSupportEnds} (in ${left} days); after it RDS Extended Support bills it per vCPU-hour. `
                    + `Plan the major version upgrade (${datesFrom(at.row)})`, db.urn);
            }
        }
    },
};

/** The engine lifecycle policies, in report order. */
export const rdsEngineLifecyclePolicies = [rdsEngineStandardSupport, rdsEngineSupportEnding];
