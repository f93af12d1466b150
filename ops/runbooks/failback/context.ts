// What failback's steps share: the two stacks and their regions (read once, lazily: outputs
// change as the steps run), the diffs each data step showed before its confirmation, the retire
// snapshots taken in this run, and the plans of the two database rebuilds.
import { describeDbInstance } from "../preflight";
import { findInstanceUrn, logicalName, retireSnapshotName } from "../retire";
import { StepContext } from "../runner";
import { diffText, DiffSummary } from "../updates";
import { requireOutput } from "../stackOutputs";
import { StackOps } from "../workspace";
import { DEFAULT_TIMEOUTS, FailbackOptions, FailbackTimeouts, validateFailbackOptions } from "./options";
import { drRebuildRequest, generationIdentifier, KEYS, orDefault, parseGeneration, prodRebuildRequest } from "./plans";

export interface Env {
    prod: StackOps;
    dr: StackOps;
    prodRegion: string;
    drRegion: string;
}

async function regionOf(stack: StackOps): Promise<string> {
    const region = (await stack.getConfig("aws:region")) ?? (await stack.outputs()).region;
    if (!region) throw new Error(`stack ${stack.name} has neither aws:region in its config nor a region output; set aws:region`);
    return region;
}

/** A non-empty string output of a stack (ops/runbooks/stackOutputs.ts: the keys are typed by the stacks' contract). */
export const output = requireOutput;

export async function requireDb(region: string, identifier: string, what: string) {
    const db = await describeDbInstance(region, identifier);
    if (!db) throw new Error(`${what} ${identifier} not found in ${region} (DBInstanceNotFound); check the stack's dbInstanceIdentifier output and the account`);
    return db;
}

/**
 * Whether the instance exists, with `known` false when RDS could not be asked (access denied,
 * throttling): a failed update's config is only put back when RDS has said "not found".
 */
export async function lookupDb(region: string, identifier: string) {
    try {
        return { exists: await describeDbInstance(region, identifier), known: true };
    } catch {
        return { exists: undefined, known: false };
    }
}

/** Everything the step factories share; `failbackContext` builds it. */
export type FailbackContext = ReturnType<typeof failbackContext>;

/** Validates the options and builds the shared context. */
export function failbackContext(opts: FailbackOptions) {
    validateFailbackOptions(opts);
    const t: FailbackTimeouts = { ...DEFAULT_TIMEOUTS, ...(opts.timeouts ?? {}) };
    const from = opts.fromStep ?? 0;
    const maxLag = opts.maxReplicaLagSeconds ?? 60;
    const dir = opts.projectDir;
    let envPromise: Promise<Env> | undefined;
    const env = () => (envPromise ??= (async () => {
        const prod = await opts.workspace.stack(opts.prodStack ?? "prod");
        const dr = await opts.workspace.stack(opts.drStack ?? "dr");
        return { prod, dr, prodRegion: await regionOf(prod), drRegion: await regionOf(dr) };
    })());
    // The diff each data step showed before its confirmation; run() refuses when it is unsafe.
    const shown = new Map<string, DiffSummary>();
    // A retire snapshot taken earlier in this run, for the notice after the update that drops the DB.
    const snapshots = new Map<string, string>();

    /** Step 1's and 2's change: prod becomes a replica of dr, one generation up, the old DB retired. */
    const prodRebuildPlan = async (ctx: StepContext) => {
        const { prod, prodRegion } = await env();
        const identifier = await output(prod, "dbInstanceIdentifier");
        const k = parseGeneration(prod.name, await prod.getConfig(KEYS.databaseGeneration));
        const urn = findInstanceUrn(await prod.exportState(), identifier, `stack ${prod.name}`);
        const diff = await diffText(opts.planner,
            prodRebuildRequest(dir, prod.name, k, orDefault("rebuildFromPeer", await prod.getConfig(KEYS.rebuildFromPeer)), logicalName(urn)));
        return { identifier, k, urn, diff, snapshot: retireSnapshotName(identifier, ctx.io.now()), prodRegion,
            next: generationIdentifier(identifier, k + 1) };
    };

    const drRebuildPlan = async (ctx: StepContext) => {
        const { dr } = await env();
        const identifier = await output(dr, "dbInstanceIdentifier");
        const m = parseGeneration(dr.name, await dr.getConfig(KEYS.databaseGeneration));
        const urn = findInstanceUrn(await dr.exportState(), identifier, `stack ${dr.name}`);
        const diff = await diffText(opts.planner,
            drRebuildRequest(dir, dr.name, m, orDefault("reverseReplication", await dr.getConfig(KEYS.reverseReplication)), logicalName(urn)));
        return { identifier, m, urn, diff, snapshot: retireSnapshotName(identifier, ctx.io.now()), next: generationIdentifier(identifier, m + 1) };
    };

    return { opts, t, from, maxLag, dir, env, shown, snapshots, prodRebuildPlan, drRebuildPlan };
}
