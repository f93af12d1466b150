// The dr→prod media sync: pagination on both sides, copying only missing or different objects
// with the exact CopyObject input, dry runs, progress, and the 5 GB CopyObject limit.
import { strict as assert } from "assert";
import { CopyObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { AwsMocks, useAwsMocks } from "./support/fakeWorkspace";
import { copySource, MAX_COPY_OBJECT_BYTES, syncBuckets } from "../../ops/runbooks/s3sync";

const source = { bucket: "media-dr", region: "us-west-2" };
const destination = { bucket: "media-prod", region: "us-east-1" };

/** dr has 4 objects (5 with `big`) over two pages; prod has one the same, one changed, one resized and one of its own. */
function stage(s3: AwsMocks["s3"], big = false) {
    s3.on(ListObjectsV2Command, { Bucket: "media-dr", ContinuationToken: undefined }).resolves({
        IsTruncated: true, NextContinuationToken: "t1",
        Contents: [
            { Key: "same.jpg", ETag: "\"a\"", Size: 10 },
            { Key: "changed.jpg", ETag: "\"b2\"", Size: 20 },
        ],
    });
    s3.on(ListObjectsV2Command, { Bucket: "media-dr", ContinuationToken: "t1" }).resolves({
        IsTruncated: false,
        Contents: [
            { Key: "uploads/2025/new photo+1.jpg", ETag: "\"c\"", Size: 30 },
            { Key: "resized.jpg", ETag: "\"d\"", Size: 41 },
            ...(big ? [{ Key: "video/huge.mp4", ETag: "\"e-900\"", Size: MAX_COPY_OBJECT_BYTES + 1 }] : []),
        ],
    });
    s3.on(ListObjectsV2Command, { Bucket: "media-prod", ContinuationToken: undefined }).resolves({
        IsTruncated: true, NextContinuationToken: "p1",
        Contents: [{ Key: "same.jpg", ETag: "\"a\"", Size: 10 }, { Key: "changed.jpg", ETag: "\"b1\"", Size: 20 }],
    });
    s3.on(ListObjectsV2Command, { Bucket: "media-prod", ContinuationToken: "p1" }).resolves({
        IsTruncated: false,
        Contents: [{ Key: "resized.jpg", ETag: "\"d\"", Size: 40 }, { Key: "only-in-prod.jpg", ETag: "\"z\"", Size: 1 }],
    });
    s3.on(CopyObjectCommand).resolves({});
}

describe("runbooks/s3sync", () => {
    // Inside the describe: the stubs are installed for these tests only (see useAwsMocks).
    const mocks = useAwsMocks();
    let s3: typeof mocks.s3;
    beforeEach(() => { mocks.reset(); s3 = mocks.s3; });

    it("URL-encodes the key in CopySource but keeps slashes", () => {
        assert.equal(copySource("b", "uploads/2025/new photo+1.jpg"), "b/uploads/2025/new%20photo%2B1.jpg");
    });

    it("copies only objects missing or different (ETag or size), keeping metadata, and reports counts", async () => {
        stage(s3);
        const lines: string[] = [];
        const result = await syncBuckets({ source, destination, progressEvery: 2, progress: (l) => lines.push(l) });
        assert.deepEqual(result, { sourceObjects: 4, copied: 3, skipped: 1, bytes: 91, dryRun: false });
        assert.deepEqual(s3.commandCalls(CopyObjectCommand).map((c) => c.args[0].input), [
            { Bucket: "media-prod", Key: "changed.jpg", CopySource: "media-dr/changed.jpg", MetadataDirective: "COPY", TaggingDirective: "COPY" },
            { Bucket: "media-prod", Key: "uploads/2025/new photo+1.jpg", CopySource: "media-dr/uploads/2025/new%20photo%2B1.jpg", MetadataDirective: "COPY", TaggingDirective: "COPY" },
            { Bucket: "media-prod", Key: "resized.jpg", CopySource: "media-dr/resized.jpg", MetadataDirective: "COPY", TaggingDirective: "COPY" },
        ]);
        assert.deepEqual(lines, [
            "s3://media-dr has 4 objects; 3 (0.00 GB) missing or different in s3://media-prod, 1 already there",
            "copied 2/3 (0.00 GB)",
            "copied 3, skipped 1 (already in s3://media-prod)",
        ]);
        // Paged on both sides.
        assert.equal(s3.commandCalls(ListObjectsV2Command).length, 4);
    });

    it("counts without copying in a dry run", async () => {
        stage(s3);
        const result = await syncBuckets({ source, destination, dryRun: true });
        assert.deepEqual(result, { sourceObjects: 4, copied: 3, skipped: 1, bytes: 91, dryRun: true });
        assert.equal(s3.commandCalls(CopyObjectCommand).length, 0);
    });

    it("fails before copying anything when an object to copy is over 5 GB, naming it and Batch Replication", async () => {
        stage(s3, true);
        await assert.rejects(syncBuckets({ source, destination }), (e: Error) => {
            assert.match(e.message, /^1 object in s3:\/\/media-dr is over the 5 GB CopyObject limit: video\/huge.mp4 \(5.00 GB\); nothing was copied\./);
            assert.match(e.message, /S3 Batch Replication/);
            return true;
        });
        assert.equal(s3.commandCalls(CopyObjectCommand).length, 0);
    });

    it("names the object and the progress when a copy fails", async () => {
        stage(s3);
        s3.on(CopyObjectCommand, { Key: "uploads/2025/new photo+1.jpg" }).rejects(Object.assign(new Error("Access Denied"), { name: "AccessDenied" }));
        await assert.rejects(syncBuckets({ source, destination }),
            { message: "copying s3://media-dr/uploads/2025/new photo+1.jpg to s3://media-prod failed after 1 of 3 copies: "
                + "AccessDenied: Access Denied; resume this step: objects already copied are skipped" });
    });

    it("rejects a bad progress interval and a bucket synced onto itself", async () => {
        await assert.rejects(syncBuckets({ source, destination, progressEvery: 0 }),
            { message: "progressEvery 0 is not allowed; expected a whole number of at least 1" });
        await assert.rejects(syncBuckets({ source, destination: { ...source } }),
            { message: "source and destination are both s3://media-dr; the sync copies between two different buckets" });
    });
});
