// Failback Step 1: snapshot and retire prod's old database.
import { retireDatabase } from "../retire";
import { Step } from "../runner";
import { refuseUnsafe } from "../updates";
import { FailbackContext, output } from "./context";
import { KEYS } from "./plans";

export function retireProdStep(c: FailbackContext): Step {
    const { t, from, env, shown, snapshots, prodRebuildPlan } = c;
    return {
        id: "failback.retire-prod",
        title: "Step 1: snapshot and retire prod's old database",
        dataAffecting: true,
        async plan(ctx) {
            const p = await prodRebuildPlan(ctx);
            shown.set("retire-prod", p.diff);
            return [`snapshot ${p.identifier} in ${p.prodRegion} as ${p.snapshot} and wait until available`,
                `unprotect ${p.urn} in ${(await env()).prod.name}'s state (only that resource)`,
                `(step 2 then sets ${KEYS.rebuildFromPeer} true and ${KEYS.databaseGeneration} ${p.k + 1}; the up drops it from state, AWS keeps it)`,
                p.diff.text].join("\n");
        },
        async run(ctx) {
            refuseUnsafe("step 1", shown.get("retire-prod"));
            const { prod, prodRegion } = await env();
            if ((await prod.getConfig(KEYS.rebuildFromPeer)) === "true") {
                throw new Error(`${prod.name} already has ${KEYS.rebuildFromPeer} true, so its dbInstanceIdentifier output is the new replica, `
                    + `not the old database; step 1 is done: resume with --from-step 2`);
            }
            const identifier = await output(prod, "dbInstanceIdentifier");
            const r = await retireDatabase(ctx, prod, { region: prodRegion, identifier }, { timeoutMs: t.snapshotMs, intervalMs: t.pollMs });
            snapshots.set(identifier, r.snapshotId);
            return `snapshot ${r.snapshotId}; ${r.urn} ${r.changed ? "unprotected" : "already unprotected"}`;
        },
    };
}
