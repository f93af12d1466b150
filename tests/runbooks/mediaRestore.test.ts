// Media restore-to-time over literal ListObjectVersions output: per key the version current at T,
// and only copies or delete markers, never a permanent delete.
import * as assert from "node:assert/strict";
import { describeMediaRestore, planMediaRestore } from "../../ops/runbooks/recover/mediaRestore";

const d = (s: string) => new Date(s);

describe("runbooks: media restore to a time", () => {
    const listing = {
        Versions: [
            // Overwritten after T: v1 was current at T.
            { Key: "a.jpg", VersionId: "a1", LastModified: d("2026-12-01T10:00:00Z"), IsLatest: false },
            { Key: "a.jpg", VersionId: "a2", LastModified: d("2026-12-01T12:30:00Z"), IsLatest: true },
            // Untouched since before T.
            { Key: "b.jpg", VersionId: "b1", LastModified: d("2026-11-30T09:00:00Z"), IsLatest: true },
            // Created after T.
            { Key: "c.jpg", VersionId: "c1", LastModified: d("2026-12-01T13:00:00Z"), IsLatest: true },
            // Deleted after T (a delete marker is current).
            { Key: "d.jpg", VersionId: "d1", LastModified: d("2026-12-01T08:00:00Z"), IsLatest: false },
            // Deleted before T, re-created after.
            { Key: "e.jpg", VersionId: "e1", LastModified: d("2026-11-01T08:00:00Z"), IsLatest: false },
            { Key: "e.jpg", VersionId: "e2", LastModified: d("2026-12-02T08:00:00Z"), IsLatest: true },
            // Written exactly at T: it counts as existing at T.
            { Key: "f.jpg", VersionId: "f1", LastModified: d("2026-12-01T12:00:00Z"), IsLatest: false },
            { Key: "f.jpg", VersionId: "f2", LastModified: d("2026-12-01T12:00:01Z"), IsLatest: true },
        ],
        DeleteMarkers: [
            { Key: "d.jpg", VersionId: "dm1", LastModified: d("2026-12-01T12:45:00Z"), IsLatest: true },
            { Key: "e.jpg", VersionId: "em1", LastModified: d("2026-11-15T08:00:00Z"), IsLatest: false },
            // Deleted before T and still deleted: nothing to do.
            { Key: "g.jpg", VersionId: "gm1", LastModified: d("2026-11-20T08:00:00Z"), IsLatest: true },
        ],
    };
    const g = { Key: "g.jpg", VersionId: "g1", LastModified: d("2026-11-10T08:00:00Z"), IsLatest: false };

    it("copies back the version current at T, and adds delete markers for keys that did not exist then", () => {
        const plan = planMediaRestore({ ...listing, Versions: [...listing.Versions, g] }, d("2026-12-01T12:00:00Z"));
        assert.deepEqual(plan, {
            to: "2026-12-01T12:00:00.000Z",
            actions: [
                { kind: "copy-version", key: "a.jpg", versionId: "a1", versionTime: "2026-12-01T10:00:00.000Z" },
                { kind: "add-delete-marker", key: "c.jpg" },
                { kind: "copy-version", key: "d.jpg", versionId: "d1", versionTime: "2026-12-01T08:00:00.000Z" },
                { kind: "add-delete-marker", key: "e.jpg" },
                { kind: "copy-version", key: "f.jpg", versionId: "f1", versionTime: "2026-12-01T12:00:00.000Z" },
            ],
            unchanged: 2, // b.jpg, g.jpg
        });
    });

    it("changes nothing when restoring to now, and describes the plan", () => {
        const plan = planMediaRestore(listing, d("2026-12-03T00:00:00Z"));
        assert.deepEqual(plan.actions, []);
        assert.equal(plan.unchanged, 7);
        assert.deepEqual(describeMediaRestore(planMediaRestore(listing, d("2026-12-01T12:00:00Z")), "media-prod").slice(0, 3), [
            "media media-prod: restore to 2026-12-01T12:00:00.000Z: 5 key(s) to change, 2 unchanged; no version is deleted",
            "  copy a.jpg version a1 (of 2026-12-01T10:00:00.000Z) as the current version",
            "  add a delete marker to c.jpg (it did not exist at 2026-12-01T12:00:00.000Z)",
        ]);
    });

    it("refuses an invalid time", () => {
        assert.throws(() => planMediaRestore(listing, new Date("nonsense")), { message: "media restore: the time Invalid Date is not a valid date" });
    });
});
