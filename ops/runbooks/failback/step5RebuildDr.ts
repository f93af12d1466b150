// Failback Step 5: retire dr's database and rebuild dr's replica.
import { describeAwsError } from "../aws";
import { describeDbInstance, isPromoted } from "../preflight";
import { retireDatabase, retiredDatabaseNotice } from "../retire";
import { pollUntil, Step, StepContext, waiting } from "../runner";
import { describeChanges, refuseUnsafe, upWithProgress } from "../updates";
import { changeConfig, ConfigEdit, StackOps, UpOutcome } from "../workspace";
import { FailbackContext, lookupDb, output, requireDb } from "./context";
import { generationIdentifier, KEYS, parseGeneration } from "./plans";

export function rebuildDrStep(c: FailbackContext): Step {
    const { t, from, env, shown, snapshots, drRebuildPlan } = c;
    return {
        id: "failback.dr-replica",
        title: "Step 5: retire dr's database and rebuild dr's replica",
        dataAffecting: true,
        async plan(ctx) {
            const { dr } = await env();
            if ((await dr.getConfig(KEYS.promote)) !== "true") {
                return `${dr.name} already has ${KEYS.promote} false (an earlier run): run \`pulumi up\` again and wait for the replica`;
            }
            const p = await drRebuildPlan(ctx);
            shown.set("dr-replica", p.diff);
            return [`snapshot ${p.identifier} as ${p.snapshot}, unprotect ${p.urn}`,
                `(hardened: first ${KEYS.hardened} off and pulumi up, so the ALB may be deleted) `,
                `set ${KEYS.promote} false, ${KEYS.reverseReplication} off, ${KEYS.databaseGeneration} ${p.m + 1} on ${dr.name}, then pulumi up:`,
                `creates the replica ${p.next} of prod's database, removes dr's app tier, drops ${p.identifier} from state (AWS keeps it)`,
                p.diff.text].join("\n");
        },
        async run(ctx) {
            refuseUnsafe("step 5", shown.get("dr-replica"));
            const { prod, dr, prodRegion, drRegion } = await env();
            const prodDb = await output(prod, "dbInstanceIdentifier");
            if ((await prod.getConfig(KEYS.rebuildFromPeer)) === "true" || !isPromoted(await requireDb(prodRegion, prodDb, "prod's database"))) {
                throw new Error(`prod's database ${prodDb} is not promoted; dr must not be rebuilt from a replica. Resume with --from-step 4`);
            }
            const old = await output(dr, "dbInstanceIdentifier");
            const resuming = (await dr.getConfig(KEYS.promote)) !== "true";
            const prev = {
                hardened: await dr.getConfig(KEYS.hardened),
                generation: await dr.getConfig(KEYS.databaseGeneration),
            };
            const m = parseGeneration(dr.name, prev.generation);
            const expected = generationIdentifier(old, resuming ? m : m + 1);
            let change: ConfigEdit | undefined;
            if (resuming) {
                ctx.progress(`${dr.name} already has ${KEYS.promote} false (an earlier run set it); running the update again`);
            } else {
                if (prev.hardened === "true") await unharden(ctx, dr);
                const r = await retireDatabase(ctx, dr, { region: drRegion, identifier: old }, { timeoutMs: t.snapshotMs, intervalMs: t.pollMs });
                snapshots.set(old, r.snapshotId);
                // promote is set, not removed: the dr stack file carries it explicitly as the failover switch.
                change = await changeConfig(dr, {
                    [KEYS.promote]: "false", [KEYS.reverseReplication]: undefined, [KEYS.databaseGeneration]: String(m + 1),
                });
            }
            let up: UpOutcome;
            try {
                up = await upWithProgress(ctx, dr);
            } catch (e) {
                const { exists, known } = await lookupDb(drRegion, expected);
                if (known && !exists && change) {
                    await change.restore();
                    throw new Error(`pulumi up on ${dr.name} failed: ${describeAwsError(e)}. The replica ${expected} was not created, so `
                        + `${KEYS.promote}, ${KEYS.reverseReplication} and ${KEYS.databaseGeneration} were put back. ${old} has its snapshot and is `
                        + `unprotected in state (the next up protects it again). Fix the cause and resume with --from-step 5`);
                }
                throw new Error(`pulumi up on ${dr.name} failed: ${describeAwsError(e)}. The replica ${expected} `
                    + (exists ? `exists in ${drRegion} (status ${exists.DBInstanceStatus})` : "may exist (it could not be described)")
                    + `, so the config stays. Wait until it is available, run \`pulumi refresh --stack ${dr.name}\`, then resume with --from-step 5`);
            }
            const replica = typeof up.outputs.dbInstanceIdentifier === "string" ? up.outputs.dbInstanceIdentifier : expected;
            await pollUntil(ctx, `dr replica ${replica} to be available`, async () => {
                const db = await describeDbInstance(drRegion, replica);
                if (db?.DBInstanceStatus === "available" && !isPromoted(db)) return "available";
                return waiting(db ? `status ${db.DBInstanceStatus}${isPromoted(db) ? ", not a replica" : ""}` : "not found yet");
            }, { timeoutMs: t.replicaMs, intervalMs: t.pollMs });
            if (old !== replica && (await describeDbInstance(drRegion, old).catch(() => undefined))) {
                ctx.io.log(retiredDatabaseNotice({ region: drRegion, identifier: old }, snapshots.get(old), ctx.io.now()));
            }
            return `${describeChanges(up.changes)}; dr replica ${replica} available`;
        },
    };
}

/**
 * A hardened dr goes back to its lean shape first, in its own up: its ALB is deletion-protected,
 * and DeleteLoadBalancer refuses a protected load balancer (OperationNotPermitted), so the up
 * that removes the app tier would fail on it. Everything this up changes is in place and online
 * (docs/runbooks/harden.md); the database it turns single-AZ is the one retired next, after its
 * snapshot. A failed up puts hardened back.
 */
async function unharden(ctx: StepContext, dr: StackOps): Promise<void> {
    ctx.progress(`${dr.name} is hardened: taking ${KEYS.hardened} off first (lifts the ALB's deletion protection, in place)`);
    const change = await changeConfig(dr, { [KEYS.hardened]: undefined });
    try {
        await upWithProgress(ctx, dr);
    } catch (e) {
        await change.restore();
        throw new Error(`pulumi up on ${dr.name} without ${KEYS.hardened} failed: ${describeAwsError(e)}. ${KEYS.hardened} is put back; `
            + "nothing was retired. Fix the cause and resume with --from-step 5");
    }
}
