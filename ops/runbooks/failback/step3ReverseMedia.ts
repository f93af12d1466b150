// Failback Step 3: reverse the media sync.
import { describeAwsError } from "../aws";
import { Step } from "../runner";
import { syncBuckets } from "../s3sync";
import { describeChanges, diffText, refuseUnsafe, upWithProgress } from "../updates";
import { changeConfig, UpOutcome } from "../workspace";
import { FailbackContext, output } from "./context";
import { KEYS, orDefault, reverseMediaRequest } from "./plans";

export function reverseMediaStep(c: FailbackContext): Step {
    const { opts, from, dir, env, shown } = c;
    return {
        id: "failback.reverse-media",
        title: "Step 3: reverse the media sync (dr → prod)",
        dataAffecting: true,
        async plan() {
            const { prod, dr, prodRegion, drRegion } = await env();
            const diff = await diffText(opts.planner, reverseMediaRequest(dir, dr.name, orDefault("reverseReplication", await dr.getConfig(KEYS.reverseReplication))));
            shown.set("reverse-media", diff);
            const source = { bucket: await output(dr, "mediaBucketName"), region: drRegion };
            const destination = { bucket: await output(prod, "mediaBucketName"), region: prodRegion };
            const lines = [`set ${KEYS.reverseReplication} true on ${dr.name} and pulumi up (new objects replicate to s3://${destination.bucket})`,
                `then copy objects missing or different in s3://${destination.bucket} from s3://${source.bucket} (never deletes)`, diff.text];
            if (opts.dryRun) {
                const count = await syncBuckets({ source, destination, dryRun: true });
                lines.push(`would copy ${count.copied} of ${count.sourceObjects} objects (${(count.bytes / 1024 ** 3).toFixed(2)} GB), skip ${count.skipped}`);
            }
            return lines.join("\n");
        },
        async run(ctx) {
            refuseUnsafe("step 3", shown.get("reverse-media"));
            const { prod, dr, prodRegion, drRegion } = await env();
            // Replication first, then the copy: an object uploaded meanwhile is caught by one or the other.
            const change = await changeConfig(dr, { [KEYS.reverseReplication]: "true" });
            let up: UpOutcome;
            try {
                up = await upWithProgress(ctx, dr);
            } catch (e) {
                await change.restore();
                throw new Error(`pulumi up on ${dr.name} failed: ${describeAwsError(e)}. ${KEYS.reverseReplication} was put back to `
                    + `${change.previous[KEYS.reverseReplication] ?? "unset"}; a replication rule the update created is removed by the next up. Fix the cause and resume with --from-step 3`);
            }
            const result = await syncBuckets({
                source: { bucket: await output(dr, "mediaBucketName"), region: drRegion },
                destination: { bucket: await output(prod, "mediaBucketName"), region: prodRegion },
                progressEvery: opts.syncProgressEvery,
                progress: (line) => ctx.progress(line),
            });
            return `${describeChanges(up.changes)}; copied ${result.copied}, skipped ${result.skipped}`;
        },
    };
}
