// media-object-lock (policies/s3/objectLock.ts): a compliant locked bucket passes; each case
// breaks one property and asserts the one violation, with its exact message.
import { strict as assert } from "assert";
import { compliantProd, findings, link, PROD_REGION, res, Stack } from "./support";

const BUCKET = "aws:s3/bucket:Bucket";
const LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";

/** prod with its media bucket locked in COMPLIANCE mode for 60 days, as components/media/bucket.ts builds it. */
function lockedProd(): Stack {
    const s = compliantProd();
    const bucket = s.get("media", BUCKET);
    bucket.inputs.tags = { ...bucket.inputs.tags, "pilot-light:object-lock": "COMPLIANCE" };
    const lock = res(LOCK, "media", { bucket: "media", objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: 60 } } });
    link(lock, "bucket", bucket);
    return s.add(lock);
}

describe("policy media-object-lock", () => {
    it("passes a locked bucket, an open one, and fires nothing else on the locked stack", async () => {
        assert.deepEqual(await findings(lockedProd(), PROD_REGION), []);
        const inYears = lockedProd();
        inYears.get("media", LOCK).inputs.rule.defaultRetention = { mode: "COMPLIANCE", years: 1 };
        assert.deepEqual(await findings(inYears, PROD_REGION, "media-object-lock"), [], "a retention in years locks too");
        assert.deepEqual(await findings(compliantProd(), PROD_REGION, "media-object-lock"), []);
    });

    const cases: { title: string; breakIt: (s: Stack) => void; expected: { name: string; message: string } }[] = [
        {
            title: "a bucket tagged for a lock without its lock configuration",
            breakIt: (s) => { s.remove("media", LOCK); },
            expected: { name: "media", message: "bucket \"media\" is tagged pilot-light:object-lock=COMPLIANCE but has no BucketObjectLockConfiguration; its versions are not locked" },
        },
        {
            title: "a lock in another mode than the tag asks for",
            breakIt: (s) => { s.get("media", LOCK).inputs.rule.defaultRetention.mode = "GOVERNANCE"; },
            expected: { name: "media", message: "bucket \"media\" is tagged pilot-light:object-lock=COMPLIANCE but its Object Lock default retention mode is \"GOVERNANCE\"; set it to \"COMPLIANCE\"" },
        },
        {
            title: "a lock configuration without a default retention",
            breakIt: (s) => { delete s.get("media", LOCK).inputs.rule; s.get("media", BUCKET).inputs.tags = {}; },
            expected: { name: "media", message: "Object Lock configuration \"media\" has no default retention (rule.defaultRetention with a mode and whole days or years), so it locks nothing by itself" },
        },
        {
            title: "a default retention of 0 days",
            breakIt: (s) => { s.get("media", LOCK).inputs.rule.defaultRetention.days = 0; },
            expected: { name: "media", message: "Object Lock configuration \"media\" has no default retention (rule.defaultRetention with a mode and whole days or years), so it locks nothing by itself" },
        },
        {
            title: "objectLockEnabled not Enabled",
            breakIt: (s) => { s.get("media", LOCK).inputs.objectLockEnabled = "Disabled"; },
            expected: { name: "media", message: "Object Lock configuration \"media\" has objectLockEnabled \"Disabled\"; set it to \"Enabled\"" },
        },
    ];
    for (const c of cases) {
        it(`fires on ${c.title}`, async () => {
            const s = lockedProd();
            c.breakIt(s);
            assert.deepEqual(await findings(s, PROD_REGION), [{ policy: "media-object-lock", ...c.expected }]);
        });
    }
});
