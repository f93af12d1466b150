// Media restore-to-time: from a versioned bucket's ListObjectVersions output (versions and delete
// markers) and a time T, what to do per key so the bucket's current objects are what they were at
// T. Pure: no AWS call; the recover runbook lists, plans with this, then acts.
//
// The actions never remove history (S3 user guide, "Restoring previous versions": copying a
// previous version into the same bucket makes it current and keeps every version;
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RestoringPreviousVersions.html):
// - the key existed at T with another version than today's: copy that version over itself
//   (CopyObject with CopySource ...?versionId=V) so it becomes the new current version;
// - the key did not exist at T (created after, or deleted before T and re-created): a DELETE
//   without a version id, which only adds a delete marker
//   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html);
// - the same version is current now as at T (or the key is deleted both then and now): nothing.
// A DELETE with a version id (a permanent delete) is never planned.

/** One entry of ListObjectVersions' `Versions` or `DeleteMarkers` (the fields this uses). */
export interface ObjectVersionEntry {
    Key: string;
    VersionId: string;
    /** When this version or delete marker was made. */
    LastModified: Date;
    /** True for the key's current entry. */
    IsLatest: boolean;
}

/** ListObjectVersions output, all pages merged. */
export interface ObjectVersionListing {
    Versions?: ObjectVersionEntry[];
    DeleteMarkers?: ObjectVersionEntry[];
}

/** What to do to one key. */
export type MediaRestoreAction =
    /** Copy version `versionId` of the key onto the key: it becomes the current version. */
    | { kind: "copy-version"; key: string; versionId: string; versionTime: string }
    /** Add a delete marker (DeleteObject without a version id): the key did not exist at T. */
    | { kind: "add-delete-marker"; key: string };

/** The plan: actions per changed key (sorted by key), and how many keys need nothing. */
export interface MediaRestorePlan {
    to: string;
    actions: MediaRestoreAction[];
    unchanged: number;
}

interface Entry extends ObjectVersionEntry {
    deleteMarker: boolean;
}

/** The entry current at `t` among a key's entries: the newest made at or before t (undefined when none). */
function currentAt(entries: Entry[], t: number): Entry | undefined {
    let best: Entry | undefined;
    for (const e of entries) {
        const at = e.LastModified.getTime();
        if (at <= t && (!best || at > best.LastModified.getTime())) best = e;
    }
    return best;
}

/**
 * Plans the restore of every listed key to time `to`. Entries made at exactly `to` count as
 * existing at it. The newest entry of a key is its current one (IsLatest is checked against it).
 */
export function planMediaRestore(listing: ObjectVersionListing, to: Date): MediaRestorePlan {
    const t = to.getTime();
    if (!Number.isFinite(t)) throw new Error(`media restore: the time ${String(to)} is not a valid date`);
    const byKey = new Map<string, Entry[]>();
    const add = (e: ObjectVersionEntry, deleteMarker: boolean) => {
        const list = byKey.get(e.Key) ?? [];
        list.push({ ...e, deleteMarker });
        byKey.set(e.Key, list);
    };
    (listing.Versions ?? []).forEach((v) => add(v, false));
    (listing.DeleteMarkers ?? []).forEach((d) => add(d, true));
    const actions: MediaRestoreAction[] = [];
    let unchanged = 0;
    for (const key of [...byKey.keys()].sort()) {
        const entries = byKey.get(key)!;
        const latest = entries.find((e) => e.IsLatest) ?? currentAt(entries, Infinity)!;
        const then = currentAt(entries, t);
        const existedThen = then !== undefined && !then.deleteMarker;
        const existsNow = !latest.deleteMarker;
        if (existedThen) {
            if (existsNow && latest.VersionId === then.VersionId) unchanged++;
            else actions.push({ kind: "copy-version", key, versionId: then.VersionId, versionTime: then.LastModified.toISOString() });
        } else if (existsNow) {
            actions.push({ kind: "add-delete-marker", key });
        } else {
            unchanged++;
        }
    }
    return { to: to.toISOString(), actions, unchanged };
}

/** One line per action, for the dry run and the timeline. */
export function describeMediaRestore(plan: MediaRestorePlan, bucket: string): string[] {
    return [
        `media ${bucket}: restore to ${plan.to}: ${plan.actions.length} key(s) to change, ${plan.unchanged} unchanged; no version is deleted`,
        ...plan.actions.map((a) => a.kind === "copy-version"
            ? `  copy ${a.key} version ${a.versionId} (of ${a.versionTime}) as the current version`
            : `  add a delete marker to ${a.key} (it did not exist at ${plan.to})`),
    ];
}
