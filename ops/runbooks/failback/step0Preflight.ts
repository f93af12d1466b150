// Failback Step 0: read-only preflight.
import { checkBackendRegion, checkCredentials, isPromoted } from "../preflight";
import { Step } from "../runner";
import { FailbackContext, output, requireDb } from "./context";
import { KEYS } from "./plans";

export function preflightStep(c: FailbackContext): Step {
    const { opts, from, env } = c;
    return {
        id: "failback.preflight",
        title: "Step 0: preflight (credentials, state backend, dr promoted, prod's databases)",
        async run(ctx) {
            const { prod, dr, prodRegion, drRegion } = await env();
            const notes: string[] = [];
            ctx.progress(`${prodRegion}: ${await checkCredentials(prodRegion)}`);
            ctx.progress(`${drRegion}: ${await checkCredentials(drRegion)}`);
            ctx.progress(await checkBackendRegion(opts.workspace, prodRegion, drRegion));
            if (from <= 4) {
                const promote = await dr.getConfig(KEYS.promote);
                if (promote !== "true") {
                    throw new Error(`dr is not promoted (${dr.name} ${KEYS.promote} is ${JSON.stringify(promote ?? "unset")}, expected "true"); `
                        + `failback starts from a completed failover. If step 5 already ran, the failback is finished`);
                }
                const drDb = await output(dr, "dbInstanceIdentifier");
                const db = await requireDb(drRegion, drDb, "dr's database");
                if (!isPromoted(db)) {
                    throw new Error(`dr's database ${drDb} in ${drRegion} is still a read replica of ${db.ReadReplicaSourceDBInstanceIdentifier}; `
                        + `finish the failover (pulumi up on ${dr.name} with ${KEYS.promote} true) before failing back`);
                }
                notes.push(`dr promoted (${drDb})`);
            }
            if (from <= 1) {
                if ((await prod.getConfig(KEYS.rebuildFromPeer)) === "true") {
                    throw new Error(`${prod.name} already has ${KEYS.rebuildFromPeer} true: step 2 has run; resume with --from-step 2 or later`);
                }
                const old = await output(prod, "dbInstanceIdentifier");
                const db = await requireDb(prodRegion, old, "prod's old database");
                notes.push(`old prod DB ${old} is ${db.DBInstanceStatus}`);
            }
            if (from === 5) {
                const id = await output(prod, "dbInstanceIdentifier");
                const db = await requireDb(prodRegion, id, "prod's database");
                if ((await prod.getConfig(KEYS.rebuildFromPeer)) === "true" || !isPromoted(db)) {
                    throw new Error(`prod's database ${id} is not promoted yet; step 4 (switchover) must finish before step 5: resume with --from-step 4`);
                }
                notes.push(`prod DB ${id} is the primary`);
            }
            return notes.join("; ");
        },
    };
}
