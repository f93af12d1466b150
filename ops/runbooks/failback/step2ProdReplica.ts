// Failback Step 2: build prod's replica of dr's promoted database.
import { describeAwsError } from "../aws";
import { checkReplicaLag, describeDbInstance, isPromoted } from "../preflight";
import { isInstanceProtected, retiredDatabaseNotice } from "../retire";
import { pollUntil, Step, waiting } from "../runner";
import { describeChanges, refuseUnsafe, upWithProgress } from "../updates";
import { changeConfig, ConfigEdit, UpOutcome } from "../workspace";
import { FailbackContext, lookupDb, output, requireDb } from "./context";
import { generationIdentifier, KEYS, parseGeneration } from "./plans";

export function buildProdReplicaStep(c: FailbackContext): Step {
    const { t, from, maxLag, env, shown, snapshots, prodRebuildPlan } = c;
    return {
        id: "failback.prod-replica",
        title: "Step 2: build a replica in the prod region from dr's promoted database",
        dataAffecting: true,
        async plan(ctx) {
            const { prod } = await env();
            if ((await prod.getConfig(KEYS.rebuildFromPeer)) === "true") {
                return `${prod.name} already has ${KEYS.rebuildFromPeer} true (an earlier run): run \`pulumi up\` again and wait for the replica`;
            }
            const p = await prodRebuildPlan(ctx);
            shown.set("prod-replica", p.diff);
            return [`set ${KEYS.rebuildFromPeer} true and ${KEYS.databaseGeneration} ${p.k + 1} on ${prod.name}, then pulumi up:`,
                `creates the replica ${p.next} in ${p.prodRegion} from dr's database, drops ${p.identifier} from state (AWS keeps it)`,
                `then waits until ${p.next} is available and at most ${maxLag}s behind`, p.diff.text].join("\n");
        },
        async run(ctx) {
            refuseUnsafe("step 2", shown.get("prod-replica"));
            const { prod, prodRegion } = await env();
            const old = await output(prod, "dbInstanceIdentifier");
            const resuming = (await prod.getConfig(KEYS.rebuildFromPeer)) === "true";
            const prevRebuild = await prod.getConfig(KEYS.rebuildFromPeer);
            const prevGeneration = await prod.getConfig(KEYS.databaseGeneration);
            const k = parseGeneration(prod.name, prevGeneration);
            // On resume the config already names the new generation (the outputs may still name the old DB: a failed up keeps them).
            const expected = generationIdentifier(old, resuming ? k : k + 1);
            let change: ConfigEdit | undefined;
            if (resuming) {
                ctx.progress(`${prod.name} already has ${KEYS.rebuildFromPeer} true (an earlier run set it); running the update again`);
            } else {
                // Checked before any change: with the old DB still protected the update would be refused half-way.
                if (isInstanceProtected(await prod.exportState(), old, `stack ${prod.name}`)) {
                    throw new Error(`${old} is still protected in ${prod.name}'s state, so the update would refuse to drop it: step 1 `
                        + `(snapshot and retire) has not run. Nothing was changed; resume with --from-step 1`);
                }
                change = await changeConfig(prod, { [KEYS.rebuildFromPeer]: "true", [KEYS.databaseGeneration]: String(k + 1) });
            }
            let up: UpOutcome;
            try {
                up = await upWithProgress(ctx, prod);
            } catch (e) {
                const { exists, known } = await lookupDb(prodRegion, expected);
                if (known && !exists && change) {
                    await change.restore();
                    throw new Error(`pulumi up on ${prod.name} failed: ${describeAwsError(e)}. The replica ${expected} was not created, so `
                        + `${KEYS.rebuildFromPeer} and ${KEYS.databaseGeneration} were put back (${prevRebuild ?? "unset"}, ${prevGeneration ?? "unset"}). `
                        + `${old} is still unprotected in state (the next up protects it again). Fix the cause and resume with --from-step 2`);
                }
                throw new Error(`pulumi up on ${prod.name} failed: ${describeAwsError(e)}. The replica ${expected} `
                    + (exists ? `exists in ${prodRegion} (status ${exists.DBInstanceStatus})` : `may exist (it could not be described)`)
                    + `, so the config stays (${KEYS.rebuildFromPeer} true, ${KEYS.databaseGeneration} ${resuming ? k : k + 1}). `
                    + `Wait until it is available, run \`pulumi refresh --stack ${prod.name}\`, then resume with --from-step 2`);
            }
            const replica = typeof up.outputs.dbInstanceIdentifier === "string" ? up.outputs.dbInstanceIdentifier : expected;
            await pollUntil(ctx, `replica ${replica} to be available`, async () => {
                const db = await describeDbInstance(prodRegion, replica);
                if (db?.DBInstanceStatus === "available") return "available";
                return waiting(db ? `status ${db.DBInstanceStatus}` : "not found yet");
            }, { timeoutMs: t.replicaMs, intervalMs: t.pollMs });
            const db = await requireDb(prodRegion, replica, "prod's new replica");
            if (isPromoted(db)) {
                throw new Error(`${replica} in ${prodRegion} is not a read replica; ${KEYS.rebuildFromPeer} should have made it one of dr's database. `
                    + `Check ${prod.name}'s program and config before going on`);
            }
            const lag = await pollUntil(ctx, `${replica} to catch up to ${maxLag}s`, async () => {
                try {
                    return await checkReplicaLag(prodRegion, replica, maxLag, ctx.io.now());
                } catch (e) {
                    return waiting(describeAwsError(e));
                }
            }, { timeoutMs: t.catchUpMs, intervalMs: t.pollMs });
            if (old !== replica && (await describeDbInstance(prodRegion, old).catch(() => undefined))) {
                ctx.io.log(retiredDatabaseNotice({ region: prodRegion, identifier: old }, snapshots.get(old), ctx.io.now()));
            }
            return `${describeChanges(up.changes)}; ${lag}`;
        },
    };
}
