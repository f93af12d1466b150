// The program: read and validate config, read and check the peer stack, then compose the
// layers for this stack's role. Branches on the validated role, never on the stack's name.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig, NAMESPACE } from "./config";
import { selectAvailabilityZones, stackTags } from "./context";
import { deployDr } from "./dr";
import type { DrOutputs, PrimaryOutputs, ProgramOutputs } from "./outputs";
import { readDrPeer, readPrimaryPeer } from "./peer";
import { deployPrimary } from "./primary";
import { unverifiedServiceWarnings } from "./services";

/** The stack program: what the Pulumi runtime calls; its result is the stack outputs. */
export async function pilotLight(): Promise<ProgramOutputs<PrimaryOutputs> | ProgramOutputs<DrOutputs>> {
    const cfg = loadConfig();
    const stack = pulumi.getStack();
    for (const warning of unverifiedServiceWarnings(cfg)) pulumi.log.warn(warning);
    const prod = cfg.role === "dr" ? await readPrimaryPeer(cfg) : undefined;
    const dr = cfg.role === "primary" && (cfg.replicateToPeer || cfg.rebuildFromPeer) ? await readDrPeer(cfg) : undefined;
    if (cfg.role === "primary" && cfg.rebuildFromPeer) {
        pulumi.log.warn(`FAILBACK: prod's database generation ${cfg.databaseGeneration} is a replica of the promoted dr database; `
            + `prod's app fleet is parked (0 instances) and serves no traffic until ${NAMESPACE}:rebuildFromPeer is set back to false (switchover, docs/runbooks/failback.md).`);
    }
    if (cfg.role === "dr" && cfg.drill) {
        pulumi.log.info(`dr DRILL: the app tier runs against the un-promoted, read-only replica in ${cfg.region}; no DNS record points at it.`);
    }
    if (cfg.role === "primary" && !dr) {
        pulumi.log.warn(`Bootstrap step 1 of 3: ${NAMESPACE}:replicateToPeer is false, so media is not replicated yet. `
            + `Next: deploy the dr stack (step 2), then set ${NAMESPACE}:replicateToPeer true here and run \`pulumi up\` again (step 3).`);
    }
    if (cfg.role === "dr") {
        pulumi.log.info(cfg.promote
            ? `dr is PROMOTED: the replica becomes a standalone database in place and the app tier is built in ${cfg.region}.`
            : `dr is in standby: only data is kept warm in ${cfg.region} (replica, media copy, image, keys). Set ${NAMESPACE}:promote true to fail over.`);
    }
    const ctx = { cfg, stack, tags: stackTags(cfg, stack), availabilityZones: await selectAvailabilityZones(cfg) };
    return cfg.role === "primary" ? deployPrimary(ctx, dr) : deployDr(ctx, prod!);
}
