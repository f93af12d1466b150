// Plans a stack offline: loads the project and stack settings, resolves StackReferences by
// planning the peer stack first (in the bootstrap order a real deploy follows), then runs the
// real program under the recording mocks.
//
// Peers follow this project's convention (`<project>:role` and `<project>:peerStack`):
// - dr reads prod's outputs, so prod is planned first as in bootstrap step 1 (no replication,
//   because dr does not exist yet), exactly what dr would see on its first deploy;
// - prod in steady state reads dr's outputs, so dr is planned first (which plans prod step 1).
// A project without these keys is planned on its own, with no peers.
import { OfflineRun, PreviewOptions, runOffline } from "./engine";
import { loadProject, loadStack, PulumiProject } from "./project";

export interface PlanRequest {
    /** The folder holding Pulumi.yaml. */
    dir: string;
    stack: string;
    /** Overrides `<project>:promote` (the plan command's --promote). */
    promote?: boolean;
    /** Fully qualified config overrides, applied last. */
    configOverrides?: Record<string, string>;
    /** Plan this stack as `pulumi preview` sees it (its peers are deployed stacks: never previews). */
    preview?: PreviewOptions;
    /**
     * Peer plans to reuse across requests (the program is deterministic, so a peer planned with
     * the same overrides has the same outputs); pass the same map to several planStack calls.
     */
    peerPlans?: PeerPlanCache;
}

/** Peer plans by stack, overrides and depth: their outputs, config and the peers they planned. */
export type PeerPlanCache = Map<string, { outputs: Record<string, any>; config: Record<string, string>; trail: StackPlan["peers"] }>;

export interface StackPlan extends OfflineRun {
    project: string;
    stack: string;
    region: string;
    promote: boolean;
    /** The config the program saw. */
    config: Record<string, string>;
    /** Plans of the peer stacks this one referenced, in the order they were planned. */
    peers: { stack: string; config: Record<string, string> }[];
}

const FALLBACK_REGION = "us-east-1";

/**
 * Runs the program's entry module as a stack. An entry that exports a function (as
 * stacks/index.ts does) is called; any other module does its work when loaded. Modules the
 * program loaded from its own folder are unloaded afterwards, so the next run starts clean.
 */
async function runEntry(main: string): Promise<any> {
    const before = new Set(Object.keys(require.cache));
    try {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const mod = require(main);
        const fn = typeof mod === "function" ? mod : typeof mod?.default === "function" ? mod.default : undefined;
        return fn ? await fn() : mod;
    } finally {
        for (const k of Object.keys(require.cache)) {
            if (!before.has(k) && !k.includes(`${"/"}node_modules${"/"}`)) {
                delete require.cache[k];
            }
        }
    }
}

async function runStack(project: PulumiProject, stack: string, config: Record<string, string>, secretKeys: string[],
    stackOutputs: Record<string, Record<string, any>>, preview?: PreviewOptions): Promise<OfflineRun> {
    const region = config["aws:region"] || FALLBACK_REGION;
    return runOffline({ project: project.name, stack, region, config, secretKeys, stackOutputs, preview }, () => runEntry(project.main));
}

function stackConfig(project: PulumiProject, stack: string, overrides: Record<string, string>) {
    const settings = loadStack(project, stack);
    return { config: { ...settings.config, ...overrides }, secretKeys: settings.secretKeys };
}

/** The peer's stack name as used for its settings file: the last segment of org/project/stack. */
function peerFileName(peerStack: string): string {
    return peerStack.split("/").pop()!;
}

/** Plans `stack` after planning the peers it references; returns its outputs for the caller. */
async function planWithPeers(project: PulumiProject, stack: string, overrides: Record<string, string>,
    trail: StackPlan["peers"], depth: number, preview?: PreviewOptions, cache: PeerPlanCache = new Map()): Promise<{ run: OfflineRun; config: Record<string, string> }> {
    const ns = project.name;
    const { config, secretKeys } = stackConfig(project, stack, overrides);
    const role = config[`${ns}:role`];
    const peerStack = config[`${ns}:peerStack`];
    const stackOutputs: Record<string, Record<string, any>> = {};
    const rebuildFromPeer = role === "primary" && config[`${ns}:rebuildFromPeer`] === "true";
    const wantsPeer = peerStack && (role === "dr" || rebuildFromPeer || (role === "primary" && config[`${ns}:replicateToPeer`] !== "false"));
    if (wantsPeer && depth < 2) {
        const peer = peerFileName(peerStack);
        // The peer as it exists before this stack does: prod at bootstrap step 1 when planning
        // dr; dr in standby (from its own settings) when planning prod in steady state; dr
        // promoted when planning prod rebuilt from it (failback).
        const peerOverrides = role === "dr" ? { [`${ns}:replicateToPeer`]: "false" }
            : rebuildFromPeer ? { [`${ns}:promote`]: "true" } : {};
        const key = JSON.stringify([peer, peerOverrides, depth + 1]);
        let cached = cache.get(key);
        if (!cached) {
            const peerTrail: StackPlan["peers"] = [];
            const peerPlan = await planWithPeers(project, peer, peerOverrides, peerTrail, depth + 1, undefined, cache);
            cached = { outputs: peerPlan.run.outputs, config: peerPlan.config, trail: [...peerTrail, { stack: peer, config: peerPlan.config }] };
            cache.set(key, cached);
        }
        trail.push(...cached.trail);
        stackOutputs[peerStack] = cached.outputs;
    }
    const run = await runStack(project, stack, config, secretKeys, stackOutputs, preview);
    return { run, config };
}

export async function planStack(req: PlanRequest): Promise<StackPlan> {
    const project = loadProject(req.dir);
    const overrides = { ...(req.configOverrides ?? {}) };
    if (req.promote !== undefined) {
        overrides[`${project.name}:promote`] = String(req.promote);
    }
    const peers: StackPlan["peers"] = [];
    const { run, config } = await planWithPeers(project, req.stack, overrides, peers, 0, req.preview, req.peerPlans);
    return {
        ...run,
        project: project.name,
        stack: req.stack,
        region: config["aws:region"] || FALLBACK_REGION,
        promote: config[`${project.name}:promote`] === "true",
        config,
        peers,
    };
}
