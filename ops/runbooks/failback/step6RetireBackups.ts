// Failback Step 6: stop the old database generation's automated-backups replication into dr.
// Step 5's `up` created the replication of prod's new generation beside the old one (the
// resources are keyed by generation; Pulumi forgot the old one without stopping it), and the old
// generation's instance, retired in step 1, still runs: its backups keep being copied into dr and
// billed. Stopping keeps every copy already there to its retention (ops/runbooks/backupReplication.ts),
// and only happens once the new generation's replication is "replicating"; declining leaves it
// running, and the plan shown before the question says what that keeps costing.
import {
    keptNotice, listReplicatedBackups, planBackupRetirement, retireRefusal, stopBackupsReplication, stoppedNotice,
} from "../backupReplication";
import { pollUntil, Step, stepWarning, waiting } from "../runner";
import { FailbackContext, output } from "./context";

export function retireBackupsStep(c: FailbackContext): Step {
    const { env, t } = c;
    const look = async () => {
        const { prod, prodRegion, drRegion } = await env();
        const [arn, identifier] = [await output(prod, "dbInstanceArn"), await output(prod, "dbInstanceIdentifier")];
        const plan = planBackupRetirement(await listReplicatedBackups(drRegion, prodRegion), arn, identifier);
        return { plan, identifier, drRegion, refusal: retireRefusal(plan, identifier, drRegion) };
    };
    return {
        id: "failback.retire-backups",
        title: "Step 6: stop the old generation's backups replication into dr (its copies are kept)",
        dataAffecting: true,
        async plan() {
            const { plan, identifier, drRegion, refusal } = await look();
            if (plan.toStop.length === 0) {
                return `no earlier generation of ${identifier} replicates its backups into ${drRegion}: nothing to stop`
                    + (plan.stopped.length ? ` (${plan.stopped.map((b) => `${b.sourceIdentifier} ${b.status}`).join(", ")}: copies kept to their retention)` : "");
            }
            if (refusal) return `nothing will be stopped: ${refusal}`;
            return [
                ...plan.toStop.map((b) => `stop the replication of ${b.sourceIdentifier}'s automated backups into ${drRegion} (${b.arn}); `
                    + `its copies stay restorable until they pass ${b.retentionDays} days; nothing is deleted`),
                `${identifier}'s own replication is ${plan.current!.status} (${plan.current!.arn}): dr keeps a live recovery source`,
                "If you answer no, it is left running:",
                ...plan.toStop.map((b) => `  ${keptNotice(b, drRegion)}`),
            ].join("\n");
        },
        async run(ctx) {
            let seen = await look();
            const { identifier, drRegion } = seen;
            if (seen.plan.toStop.length === 0) return `no earlier generation of ${identifier} replicates into ${drRegion}; nothing stopped`;
            if (seen.refusal) {
                // The new generation's replication starts "pending" (step 5 created it): wait for it, bounded.
                const start = ctx.io.now();
                try {
                    seen = await pollUntil(ctx, `${identifier}'s backups replication into ${drRegion} to be "replicating"`, async () => {
                        const now = await look();
                        return now.refusal ? waiting(now.plan.current?.status ?? "not replicated yet") : now;
                    }, { timeoutMs: t.backupsMs, intervalMs: t.pollMs });
                } catch (e) {
                    if (ctx.io.signal?.aborted || ctx.io.now() - start < t.backupsMs) throw e;
                    const last = await look();
                    return stepWarning("unchecked", `${last.refusal ?? seen.refusal}. Meanwhile: ${last.plan.toStop.map((b) => keptNotice(b, drRegion)).join(" ")}`);
                }
            }
            const { plan } = seen;
            if (plan.toStop.length === 0) return `no earlier generation of ${identifier} replicates into ${drRegion}; nothing stopped`;
            const done: string[] = [];
            for (const b of plan.toStop) {
                const result = await stopBackupsReplication(drRegion, b);
                ctx.progress(`${b.sourceIdentifier}: replication into ${drRegion} ${result}`);
                ctx.io.log(stoppedNotice(b, drRegion, ctx.io.now()));
                done.push(`${b.sourceIdentifier} ${result}`);
            }
            return `backups replication into ${drRegion}: ${done.join(", ")}; copies kept to their retention, none deleted`;
        },
    };
}
