// MediaBucket's Object Lock (pilot-light:mediaImmutability): the validator's exact messages, the
// lock configured by its own resource after versioning (never the bucket's force-new
// objectLockEnabled), the tag the policy pack reads, and the replication role's extra reads.
import * as assert from "assert";
import { recordResources, Recording } from "../support/offline";
import type * as mediaModule from "../../components/media";
import { OBJECT_LOCK_TAG as POLICY_TAG } from "../../policies/s3/objectLock";
import { FORCE_NEW } from "../../ops/diff/forceNew";

const BUCKET = "aws:s3/bucket:Bucket";
const LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
const POLICY = "aws:iam/rolePolicy:RolePolicy";

describe("media: Object Lock validator", () => {
    let media: typeof mediaModule;
    before(async () => {
        media = await import("../../components/media");
    });

    it("accepts no lock, either mode and 1 to 365 days", () => {
        assert.deepStrictEqual(media.objectLockProblems(undefined), []);
        assert.deepStrictEqual(media.objectLockProblems({ mode: "GOVERNANCE", retentionDays: 1 }), []);
        assert.deepStrictEqual(media.objectLockProblems({ mode: "COMPLIANCE", retentionDays: 365 }), []);
    });

    it("names the field, the bad value and what is allowed", () => {
        assert.deepStrictEqual(media.objectLockProblems({ mode: "governance", retentionDays: 0 }), [
            'objectLock.mode "governance" is not one of GOVERNANCE, COMPLIANCE',
            "objectLock.retentionDays is 0; it must be a whole number from 1 to 365",
        ]);
        assert.deepStrictEqual(media.objectLockProblems({ mode: "COMPLIANCE", retentionDays: 3650 }),
            ["objectLock.retentionDays is 3650; it must be a whole number from 1 to 365"]);
        assert.throws(() => new media.MediaBucket("bad", { objectLock: { mode: "COMPLIANCE", retentionDays: 1.5 } }),
            /objectLock\.retentionDays is 1\.5; it must be a whole number from 1 to 365/);
    });
});

describe("MediaBucket with Object Lock", () => {
    let rec: Recording;
    before(async () => {
        rec = await recordResources("us-east-1");
        const media = await import("../../components/media");
        const locked = new media.MediaBucket("media", { objectLock: { mode: "COMPLIANCE", retentionDays: 60 }, tags: { env: "prod" } });
        new media.MediaReplication("media-repl", { sourceBucket: locked, destinationBucketArn: "arn:aws:s3:::dr-media" });
        const open = new media.MediaBucket("open", {});
        new media.MediaReplication("open-repl", { sourceBucket: open, destinationBucketArn: "arn:aws:s3:::dr-open" });
        await rec.settle();
    });

    it("enables Object Lock with a default retention through its own resource, after versioning", () => {
        const lock = rec.one(LOCK, "media-object-lock");
        assert.deepStrictEqual(lock.inputs.objectLockEnabled, "Enabled");
        assert.deepStrictEqual(lock.inputs.rule, { defaultRetention: { mode: "COMPLIANCE", days: 60 } });
        assert.strictEqual(lock.inputs.bucket, rec.one(BUCKET, "media-bucket").id);
        assert.ok(lock.dependencies.includes(rec.one("aws:s3/bucketVersioning:BucketVersioning", "media-versioning").urn));
        assert.strictEqual(lock.parent, rec.one("pilot-light:media:MediaBucket", "media").urn);
    });

    it("never sets the bucket's objectLockEnabled, which would replace the bucket", () => {
        // The force-new table (terraform-provider-aws v6.58.0) is why: both bucket-level inputs force a new bucket.
        assert.ok(FORCE_NEW[BUCKET].some((f) => f.input === "objectLockEnabled"));
        assert.ok(!FORCE_NEW[LOCK].some((f) => f.input === "rule"), "the retention rule changes in place");
        const bucket = rec.one(BUCKET, "media-bucket");
        assert.strictEqual(bucket.inputs.objectLockEnabled, undefined);
        assert.strictEqual(bucket.inputs.objectLockConfiguration, undefined);
        assert.strictEqual(bucket.protect, true);
    });

    it("tags the locked bucket with its mode, under the tag the policy pack reads, and leaves an open one as it was", () => {
        assert.deepStrictEqual(rec.one(BUCKET, "media-bucket").inputs.tags, { env: "prod", [POLICY_TAG]: "COMPLIANCE" });
        assert.deepStrictEqual(rec.one(BUCKET, "open-bucket").inputs.tags, {});
        assert.strictEqual(rec.ofType(LOCK).length, 1, "no lock on the open bucket");
    });

    it("lets the replication role read a locked source's retention and legal hold, and only then", () => {
        const statements = (name: string) => JSON.parse(rec.one(POLICY, name).inputs.policy).Statement;
        const lockRead = statements("media-repl-policy").find((s: any) => s.Sid === "ReadSourceObjectLock");
        assert.deepStrictEqual(lockRead?.Action, ["s3:GetObjectRetention", "s3:GetObjectLegalHold"]);
        assert.match(lockRead.Resource[0], /^arn:aws:s3:::media-bucket.*\/\*$/);
        assert.deepStrictEqual(statements("open-repl-policy").map((s: any) => s.Sid),
            ["ReadSourceBucketConfiguration", "ReadSourceObjectVersions", "WriteReplicas"]);
    });
});
