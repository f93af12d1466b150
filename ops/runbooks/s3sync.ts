// Copies media written while dr was serving back to prod's bucket. S3 replication only moves
// objects written after the rule exists, so turning on dr→prod replication (failback step 3)
// leaves everything uploaded during the outage behind; this copies what is missing in the
// destination or differs from the source, server-side, keeping metadata. It never deletes:
// objects deleted in dr during the outage stay in prod.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html
import { CopyObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { awsClient } from "./clients";
import { describeAwsError } from "./aws";

/** CopyObject copies at most 5 GB in one request. https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html */
export const MAX_COPY_OBJECT_BYTES = 5 * 1024 ** 3;

/** One side of the sync. */
export interface BucketRef {
    bucket: string;
    region: string;
}

/** Options of `syncBuckets`. */
export interface S3SyncOptions {
    /** Where to copy from (the dr media bucket during failback). */
    source: BucketRef;
    /** Where to copy to (prod's media bucket). */
    destination: BucketRef;
    /** Count what would be copied and copy nothing. Defaults to false. */
    dryRun?: boolean;
    /** Report progress after every this many copied objects. Defaults to 500. Must be at least 1. */
    progressEvery?: number;
    /** Receives progress lines. */
    progress?: (line: string) => void;
}

/** What `syncBuckets` found and did. */
export interface S3SyncResult {
    /** Objects listed in the source. */
    sourceObjects: number;
    /** Objects copied (or, in a dry run, that would be copied). */
    copied: number;
    /** Objects already present in the destination with the same ETag and size. */
    skipped: number;
    /** Bytes copied (or that would be). */
    bytes: number;
    dryRun: boolean;
}

interface Listed {
    key: string;
    etag: string;
    size: number;
}

/** Every object in the bucket (ListObjectsV2, 1000 per page, following continuation tokens). */
export async function listObjects(ref: BucketRef): Promise<Listed[]> {
    const s3 = awsClient(S3Client, ref.region);
    const objects: Listed[] = [];
    let token: string | undefined;
    do {
        let page;
        try {
            page = await s3.send(new ListObjectsV2Command({ Bucket: ref.bucket, ContinuationToken: token }));
        } catch (e) {
            throw new Error(`cannot list s3://${ref.bucket} in ${ref.region}: ${describeAwsError(e)}`);
        }
        for (const o of page.Contents ?? []) {
            if (o.Key !== undefined) objects.push({ key: o.Key, etag: o.ETag ?? "", size: o.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects;
}

/**
 * CopySource is `bucket/key` with the key URL-encoded (slashes may stay).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html#API_CopyObject_RequestSyntax
 */
export function copySource(bucket: string, key: string): string {
    return `${bucket}/${encodeURIComponent(key).replace(/%2F/g, "/")}`;
}

const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GB`;

/**
 * Copies every object of `source` that the destination lacks, or holds with another ETag or
 * size, with CopyObject (server-side, cross-region, metadata and tags copied). Objects over
 * 5 GB cannot be copied that way: the sync fails before copying anything, naming them.
 *
 * Idempotent: a second run skips what the first copied. One caveat: an object uploaded in
 * parts has an ETag that is not the MD5 of its content (`"…-N"`), and its single-request copy
 * gets a different one, so such objects are copied again on every run (harmless, just traffic).
 */
export async function syncBuckets(opts: S3SyncOptions): Promise<S3SyncResult> {
    const every = opts.progressEvery ?? 500;
    if (!Number.isInteger(every) || every < 1) {
        throw new Error(`progressEvery ${every} is not allowed; expected a whole number of at least 1`);
    }
    const say = opts.progress ?? (() => undefined);
    const { source, destination } = opts;
    if (source.bucket === destination.bucket) {
        throw new Error(`source and destination are both s3://${source.bucket}; the sync copies between two different buckets`);
    }
    const [from, to] = await Promise.all([listObjects(source), listObjects(destination)]);
    const existing = new Map(to.map((o) => [o.key, o]));
    const todo = from.filter((o) => {
        const there = existing.get(o.key);
        return !there || there.etag !== o.etag || there.size !== o.size;
    });
    const skipped = from.length - todo.length;
    const bytes = todo.reduce((sum, o) => sum + o.size, 0);
    say(`s3://${source.bucket} has ${from.length} objects; ${todo.length} (${gb(bytes)}) missing or different in s3://${destination.bucket}, ${skipped} already there`);

    const tooBig = todo.filter((o) => o.size > MAX_COPY_OBJECT_BYTES);
    if (tooBig.length > 0) {
        const shown = tooBig.slice(0, 10).map((o) => `${o.key} (${gb(o.size)})`).join(", ");
        throw new Error(`${tooBig.length} object${tooBig.length === 1 ? "" : "s"} in s3://${source.bucket} ${tooBig.length === 1 ? "is" : "are"} over the `
            + `5 GB CopyObject limit: ${shown}${tooBig.length > 10 ? ", …" : ""}; nothing was copied. Copy ${tooBig.length === 1 ? "it" : "them"} with `
            + `S3 Batch Replication (replicates existing objects of any size: https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html) `
            + `or a multipart copy (\`aws s3 cp\`), then resume this step`);
    }
    if (opts.dryRun) {
        return { sourceObjects: from.length, copied: todo.length, skipped, bytes, dryRun: true };
    }

    // The client lives in the destination's region: CopyObject is a request to the destination bucket.
    const s3 = awsClient(S3Client, destination.region);
    let copied = 0;
    let copiedBytes = 0;
    for (const o of todo) {
        try {
            await s3.send(new CopyObjectCommand({
                Bucket: destination.bucket,
                Key: o.key,
                CopySource: copySource(source.bucket, o.key),
                MetadataDirective: "COPY",
                TaggingDirective: "COPY",
            }));
        } catch (e) {
            throw new Error(`copying s3://${source.bucket}/${o.key} to s3://${destination.bucket} failed after ${copied} of ${todo.length} copies: `
                + `${describeAwsError(e)}; resume this step: objects already copied are skipped`);
        }
        copied++;
        copiedBytes += o.size;
        if (copied % every === 0 && copied < todo.length) say(`copied ${copied}/${todo.length} (${gb(copiedBytes)})`);
    }
    say(`copied ${copied}, skipped ${skipped} (already in s3://${destination.bucket})`);
    return { sourceObjects: from.length, copied, skipped, bytes: copiedBytes, dryRun: false };
}
