// The RDS engine lifecycle policies, judged on fixed dates from the rows of
// policies/lib/rdsEngineVersions.ts: outside standard support fails, 180 days before it warns.
import { strict as assert } from "assert";
import { engineMajorOf, RDS_ENGINE_VERSIONS, supportPhase } from "../../policies/lib/rdsEngineVersions";
import { evaluatePolicies } from "../../ops/policy/evaluate";
import { compliantDrStandby, compliantProd, DR_REGION, link, PROD_REGION, res, Stack } from "./support";

const FAILS = "rds-engine-standard-support";
const WARNS = "rds-engine-support-ending";
const SOURCE = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/MySQL.Concepts.VersionMgmt.html#MySQL.Concepts.VersionMgmt.ReleaseCalendar";

async function on(today: string, stack: Stack, region = PROD_REGION, extra: Record<string, unknown> = {}): Promise<string[]> {
    const violations = await evaluatePolicies(stack.resources, { stackRegion: region, policyConfig: {
        [FAILS]: { today }, [WARNS]: { today, ...extra },
    } });
    return violations.filter((v) => v.policy === FAILS || v.policy === WARNS).map((v) => `${v.level} ${v.urn.split("::").pop()}: ${v.message}`);
}

function prodOn(version: string, extra: Record<string, unknown> = {}): Stack {
    const s = compliantProd();
    Object.assign(s.get("db").inputs, { engineVersion: version, ...extra });
    return s;
}

describe("RDS engine lifecycle policies", () => {
    it("the table holds RDS for MySQL's dates, each row with its source and the date it was read", () => {
        assert.deepEqual(RDS_ENGINE_VERSIONS.map((r) => [r.engine, r.major, r.standardSupportEnds, r.extendedYear3From, r.extendedSupportEnds, r.source, r.read]), [
            ["mysql", "8.4", "2029-07-31", "2031-08-01", "2032-07-31", SOURCE, "2026-12-01"],
            ["mysql", "8.0", "2026-07-31", "2028-08-01", "2029-07-31", SOURCE, "2026-12-01"],
            ["mysql", "5.7", "2024-02-29", "2026-03-01", "2027-02-28", SOURCE, "2026-12-01"],
        ]);
    });

    it("reads the major version from engineVersion, or from a replica's parameter group family", () => {
        assert.deepEqual(engineMajorOf({ engine: "mysql", engineVersion: "8.4.3" }), { engine: "mysql", major: "8.4" });
        assert.deepEqual(engineMajorOf({ engine: "postgres", engineVersion: "16.3" }), { engine: "postgres", major: "16" });
        assert.deepEqual(engineMajorOf({}, "mysql8.0"), { engine: "mysql", major: "8.0" });
        assert.equal(engineMajorOf({ engine: "mysql" }), undefined);
        assert.deepEqual([supportPhase({ engine: "mysql", major: "8.0" }, "2026-07-31").phase, supportPhase({ engine: "mysql", major: "8.0" }, "2026-08-01")],
            ["standard", { phase: "extended", year: "1-2", row: RDS_ENGINE_VERSIONS[1] }]);
        assert.deepEqual(supportPhase({ engine: "mysql", major: "8.0" }, "2028-08-01"), { phase: "extended", year: "3", row: RDS_ENGINE_VERSIONS[1] });
        assert.deepEqual(supportPhase({ engine: "mysql", major: "8.0" }, "2029-08-01"), { phase: "ended", row: RDS_ENGINE_VERSIONS[1] });
    });

    it("passes MySQL 8.4 on 2026-12-01", async () => {
        assert.deepEqual(await on("2026-12-01", prodOn("8.4")), []);
    });

    it("fails MySQL 8.0 on 2026-12-01, in Extended Support since 2026-07-31", async () => {
        assert.deepEqual(await on("2026-12-01", prodOn("8.0")), [
            "mandatory db: database \"db\" runs mysql 8.0, out of RDS standard support since 2026-07-31: on 2026-12-01 RDS Extended Support "
            + "bills it per vCPU-hour at the year 1-2 rate, until RDS upgrades it itself after 2029-07-31. Upgrade to a version in standard "
            + `support (dates read 2026-12-01 from ${SOURCE})`,
        ]);
    });

    it("says that a disabled engineLifecycleSupport makes RDS refuse the version, and fails past the end of Extended Support", async () => {
        const [disabled] = await on("2028-09-01", prodOn("8.0", { engineLifecycleSupport: "open-source-rds-extended-support-disabled" }));
        assert.match(disabled, /at the year 3 rate, until RDS upgrades it itself after 2029-07-31\. With engineLifecycleSupport disabled, RDS refuses to create it and upgrades an existing one itself\. /);
        assert.deepEqual(await on("2029-08-01", prodOn("8.0")), [
            "mandatory db: database \"db\" runs mysql 8.0, past the end of RDS Extended Support (2029-07-31): RDS upgrades it itself and "
            + `refuses to create it. Upgrade to a version in standard support (dates read 2026-12-01 from ${SOURCE})`,
        ]);
    });

    it("warns within 180 days of the end of standard support, from the first day of the window", async () => {
        // 8.4's standard support ends on 2029-07-31: the window opens 180 days before, on 2029-02-01.
        assert.deepEqual(await on("2029-01-31", prodOn("8.4")), []);
        assert.deepEqual(await on("2029-02-01", prodOn("8.4")), [
            "advisory db: database \"db\" runs mysql 8.4, whose RDS standard support ends on 2029-07-31 (in 180 days); after it RDS "
            + `Extended Support bills it per vCPU-hour. Plan the major version upgrade (dates read 2026-12-01 from ${SOURCE})`,
        ]);
        assert.deepEqual(await on("2029-02-01", prodOn("8.4"), PROD_REGION, { warnDays: 30 }), []);
    });

    it("judges a replica by its parameter group's family, and fails a version the table does not know", async () => {
        const dr = compliantDrStandby();
        const group = res("aws:rds/parameterGroup:ParameterGroup", "db-params", { family: "mysql8.0" }, "dr");
        link(dr.get("db-replica"), "parameterGroupName", group);
        dr.add(group);
        assert.equal((await on("2026-12-01", dr, DR_REGION)).length, 1);
        group.inputs.family = "mysql8.4";
        assert.deepEqual(await on("2026-12-01", dr, DR_REGION), []);
        assert.deepEqual(await on("2026-12-01", prodOn("9.9")), [
            "mandatory db: database \"db\" runs mysql 9.9, which is not in the pack's engine version table (policies/lib/rdsEngineVersions.ts); "
            + "add its dates from https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html",
        ]);
    });
});
