// The media half of the recover runbook: list every version and delete marker of the bucket,
// plan the restore to a time (./mediaRestore.ts, pure), then apply it with CopyObject (the old
// version becomes the new current one) and DeleteObject WITHOUT a version id (a delete marker).
// No call here names a version to delete, so every version stays.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RestoringPreviousVersions.html
import { CopyObjectCommand, DeleteObjectCommand, ListObjectVersionsCommand, S3Client } from "@aws-sdk/client-s3";
import { describeAwsError } from "../aws";
import { awsClient } from "../clients";
import { StepContext } from "../runner";
import { MediaRestorePlan, ObjectVersionEntry, ObjectVersionListing, planMediaRestore } from "./mediaRestore";

/** Every version and delete marker of `bucket`, all pages. */
export async function listAllVersions(region: string, bucket: string): Promise<ObjectVersionListing> {
    const s3 = awsClient(S3Client, region);
    const out: Required<ObjectVersionListing> = { Versions: [], DeleteMarkers: [] };
    const entry = (e: { Key?: string; VersionId?: string; LastModified?: Date; IsLatest?: boolean }): ObjectVersionEntry => ({
        Key: e.Key!, VersionId: e.VersionId ?? "null", LastModified: new Date(e.LastModified!), IsLatest: e.IsLatest === true,
    });
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
        const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
        out.Versions.push(...(page.Versions ?? []).map(entry));
        out.DeleteMarkers.push(...(page.DeleteMarkers ?? []).map(entry));
        if (!page.IsTruncated) return out;
        keyMarker = page.NextKeyMarker;
        versionMarker = page.NextVersionIdMarker;
    }
}

/** Lists and plans the restore of `bucket` to `to`. */
export async function planBucketRestore(region: string, bucket: string, to: Date): Promise<MediaRestorePlan> {
    return planMediaRestore(await listAllVersions(region, bucket), to);
}

/**
 * Applies the plan, one key at a time, with progress every 100 keys. Stops at the first failure,
 * naming the key and how many were done (a re-run plans again from the versions: the keys done
 * are then unchanged). CopyObject copies up to 5 GB in one call, the media's uploads are smaller.
 */
export async function applyBucketRestore(ctx: StepContext, region: string, bucket: string, plan: MediaRestorePlan): Promise<string> {
    const s3 = awsClient(S3Client, region);
    let done = 0;
    for (const a of plan.actions) {
        try {
            if (a.kind === "copy-version") {
                await s3.send(new CopyObjectCommand({
                    Bucket: bucket, Key: a.key, CopySource: `${bucket}/${encodeURIComponent(a.key)}?versionId=${encodeURIComponent(a.versionId)}`,
                }));
            } else {
                await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: a.key }));
            }
        } catch (e) {
            throw new Error(`media ${bucket}: ${a.kind} of ${a.key} failed after ${done} of ${plan.actions.length} key(s): ${describeAwsError(e)}; `
                + "no version was deleted; re-run recover with the same --to to finish");
        }
        done++;
        if (done % 100 === 0) ctx.progress(`${done}/${plan.actions.length} keys restored in ${bucket}`);
    }
    return `media ${bucket}: ${done} key(s) restored to ${plan.to}, ${plan.unchanged} unchanged; no version deleted`;
}
