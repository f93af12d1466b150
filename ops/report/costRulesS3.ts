// The cost estimate's S3 storage rules (./costRules.ts holds the rest): the media bucket (prod's
// in S3 Standard, dr's replicas in the class prod's replication writes), the log buckets (a note:
// their size follows traffic), and what S3 Object Lock keeps longer.
import { LOG_RETENTION_DAYS } from "../../components/logs/bucket";
import { DATA_CLASS_TAG } from "../../components/dataClass";
import { DEFAULT_REPLICA_STORAGE_CLASS } from "../../components/media/replication";
import { DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS } from "../../components/media/bucket";
import type { RecordedResource } from "../offline/engine";
import { add, figureText, num, Run, usage } from "./costLines";

/**
 * S3 Object Lock (pilot-light:mediaImmutability) has no line of its own on the S3 pricing page
 * (https://aws.amazon.com/s3/pricing/); what it costs is storage: "Normal Amazon S3 rates apply for
 * every version of an object stored" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html),
 * and a locked version outlives the noncurrent-version expiry until its lock ends (lifecycle
 * cannot delete it: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html).
 * A version replaced a days after its write was kept 30 + a days; locked for L days it is kept
 * max(30 + a, L), at most L − 30 days longer. Upper bound: every month's new media replaced or
 * deleted at once, each GB kept L − 30 more days, priced in the bucket's storage class.
 */
export function objectLockStorage(r: RecordedResource, run: Run): void {
    const days = num(r.inputs.rule?.defaultRetention?.days);
    const mode = String(r.inputs.rule?.defaultRetention?.mode ?? "?");
    if (days === undefined) {
        run.notes.push(`${r.name}: S3 Object Lock without a default retention in days; its storage cost is not estimated.`);
        return;
    }
    const extra = days - DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS;
    if (extra <= 0) {
        run.notes.push(`${r.name}: S3 Object Lock (${mode}, ${days} days) has no charge of its own, and its lock ends before the `
            + `${DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS}-day noncurrent expiry: it keeps no version longer, so it adds no storage.`);
        return;
    }
    const writeGb = usage(run, "mediaMonthlyWriteGb");
    const description = `S3 Object Lock (${mode}, ${days} days): versions kept ${extra} days beyond the ${DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS}-day `
        + `noncurrent expiry, ${writeGb} GB/month (${run.ns}:mediaMonthlyWriteGb) × ${extra} ÷ 30 (upper bound: all new media replaced or deleted at once)`;
    if (isReplicaBucket(run)) {
        add(run, r, `${description}, as STANDARD_IA replicas`, writeGb * extra / 30, "GB-month", { field: "s3StandardIaGbMonth" }, "S3 Standard-IA storage");
    } else {
        add(run, r, description, writeGb * extra / 30, "GB-month", { field: "s3StandardGbMonth" }, "S3 Standard storage");
    }
}

/** dr's bucket holds replicas in the storage class prod's replication rule writes them in (MediaReplication's default). */
function isReplicaBucket(run: Run): boolean {
    return run.plan.settings?.role === "dr" && DEFAULT_REPLICA_STORAGE_CLASS === "STANDARD_IA";
}

/**
 * S3 storage: the primary's bucket in S3 Standard; the dr bucket, which holds the replicas, in
 * the storage class the primary's replication rule writes them in (MediaReplication's default).
 */
export function s3Storage(r: RecordedResource, run: Run): void {
    if (r.inputs.tags?.[DATA_CLASS_TAG] === "logs") {
        // An access-log bucket (components/app/accessLogs.ts): its size follows the traffic, which
        // the plan does not know; said so with the rate, never counted as 0.
        run.notes.push(`${r.name}: logs are billed as S3 Standard storage at ${figureText(run, { field: "s3StandardGbMonth" })}/GB-month, `
            + `kept ${LOG_RETENTION_DAYS} days, plus the PUT requests that write them; not estimated (traffic unknown offline).`);
        return;
    }
    const gb = usage(run, "mediaStorageGb");
    if (isReplicaBucket(run)) {
        add(run, r, `S3 Standard-IA storage: ${gb} GB of replicas (${run.ns}:mediaStorageGb; the primary's replication rule stores them as STANDARD_IA)`,
            gb, "GB-month", { field: "s3StandardIaGbMonth" }, "S3 Standard-IA storage");
    } else {
        add(run, r, `S3 Standard storage: ${gb} GB (${run.ns}:mediaStorageGb)`, gb, "GB-month", { field: "s3StandardGbMonth" }, "S3 Standard storage");
    }
}
