// The one validation style shared by every component (components/validate.ts), as pure functions.
import { strict as assert } from "assert";
import { assertValid, DB_INSTANCE_CLASS_PATTERN, isAwsRegion } from "../../components/validate";

describe("components/validate", () => {
    it("assertValid: one error listing every problem, or nothing", () => {
        assert.doesNotThrow(() => assertValid("AppTier", "x", []));
        assert.throws(() => assertValid("AppTier", "prod-app", ["a must not be empty", "b is wrong"]),
            { message: "AppTier \"prod-app\": invalid arguments:\n  - a must not be empty\n  - b is wrong" });
        assert.throws(() => assertValid("planSubnets", undefined, ["one"]),
            { message: "planSubnets: invalid arguments:\n  - one" });
    });

    it("isAwsRegion: the region list, for every partition, and nothing that only looks like a region", () => {
        for (const region of ["us-east-1", "cn-north-1", "us-gov-west-1", "ap-southeast-7", "mx-central-1"]) {
            assert.equal(isAwsRegion(region), true, region);
        }
        for (const region of ["us-east1", "xx-east-1", "US-EAST-1", "", "us-east-1 ", 1, undefined]) {
            assert.equal(isAwsRegion(region), false, String(region));
        }
    });

    it("DB_INSTANCE_CLASS_PATTERN: db.<family>.<size> only", () => {
        for (const cls of ["db.t4g.medium", "db.r6gd.xlarge", "db.m5d.24xlarge"]) {
            assert.equal(DB_INSTANCE_CLASS_PATTERN.test(cls), true, cls);
        }
        for (const cls of ["t4g.medium", "db.t4g", "db.T4G.medium", "db.t4g.medium.x", "rds.t4g.medium"]) {
            assert.equal(DB_INSTANCE_CLASS_PATTERN.test(cls), false, cls);
        }
    });
});
