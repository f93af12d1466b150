// Plans a stack offline: loads the project and stack settings, resolves StackReferences by
// planning the peer stack first (in the bootstrap order a real deploy follows), then runs the
// real program under the recording mocks.
//
// Before running anything, the stack's config goes through what `pulumi up` checks first:
// Pulumi's own rules (missing and mistyped keys, ./projectConfig.ts), the AWS provider's
// required `aws:region` (there is no default region: a stack without one is refused, never
// planned somewhere else), and, for this project, the program's own schema (stacks/config.ts).
//
// Peers follow this project's schema (`pilot-light:role` and `pilot-light:peerStack`):
// - dr reads prod's outputs, so prod is planned first as in bootstrap step 1 (no replication,
//   because dr does not exist yet), exactly what dr would see on its first deploy;
// - prod in steady state reads dr's outputs, so dr is planned first (which plans prod step 1).
// Another project is planned on its own, with no peers.
import { NAMESPACE, parseConfig, StackConfig } from "../../stacks/config";
import { OfflineRun, OfflineRunOptions, runOffline } from "./engine";
import { PreviewOptions } from "./preview";
import { loadProject, loadStack, ProjectFileError, PulumiProject } from "./project";

export interface PlanRequest {
    /** The folder holding Pulumi.yaml. */
    dir: string;
    stack: string;
    /** Overrides `<project>:promote` (the plan command's --promote). */
    promote?: boolean;
    /** Fully qualified config overrides, applied last. */
    configOverrides?: Record<string, string>;
    /** The stack's prior state (for this stack only) and fake SSM answers (for every stack planned); see OfflineRunOptions. */
    engine?: Pick<OfflineRunOptions, "priorResources" | "ssmParameters">;
    /** Plan this stack as `pulumi preview` sees it (its peers are deployed stacks: never previews). */
    preview?: PreviewOptions;
    /**
     * Peer plans to reuse across requests (the program is deterministic, so a peer planned with
     * the same overrides and SSM answers has the same outputs); pass the same map to several
     * planStack calls.
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
    /** That config parsed through this project's schema; undefined for another project. */
    settings?: StackConfig;
    /** Plans of the peer stacks this one referenced, in the order they were planned. */
    peers: { stack: string; config: Record<string, string>; settings?: StackConfig }[];
}

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
    stackOutputs: Record<string, Record<string, any>>, engine: PlanRequest["engine"] = {}, preview?: PreviewOptions): Promise<OfflineRun> {
    return runOffline({ project: project.name, stack, region: config["aws:region"], config, secretKeys, stackOutputs, ...engine, preview },
        () => runEntry(project.main));
}

/**
 * The stack's config as `pulumi up` would hand it to the program, refused where Pulumi, the AWS
 * provider or this project's schema would refuse it.
 */
function stackConfig(project: PulumiProject, stack: string, overrides: Record<string, string>) {
    const settings = loadStack(project, stack, overrides);
    if (!settings.config["aws:region"]) {
        // The AWS provider's words (pulumi-aws, the region's schema description); the program refuses it too.
        throw new ProjectFileError(`${settings.file}: missing required configuration key "aws:region": The region where AWS operations `
            + `will take place. Examples are us-east-1, us-west-2, etc. Set a value using the command \`pulumi config set aws:region <value> --stack ${stack}\`.`);
    }
    const parsed = project.name === NAMESPACE ? parseConfig(settings.config, stack) : undefined;
    return { config: settings.config, secretKeys: settings.secretKeys, settings: parsed };
}

/** The peer's stack name as used for its settings file: the last segment of org/project/stack. */
function peerFileName(peerStack: string): string {
    return peerStack.split("/").pop()!;
}

/** Plans `stack` after planning the peers it references; returns its outputs for the caller. */
async function planWithPeers(project: PulumiProject, stack: string, overrides: Record<string, string>,
    trail: StackPlan["peers"], depth: number, engine: PlanRequest["engine"] = {}, preview?: PreviewOptions,
    cache: PeerPlanCache = new Map()): Promise<{ run: OfflineRun; config: Record<string, string>; settings?: StackConfig }> {
    const { config, secretKeys, settings } = stackConfig(project, stack, overrides);
    const stackOutputs: Record<string, Record<string, any>> = {};
    const wantsPeer = settings !== undefined && (settings.role === "dr" || settings.rebuildFromPeer || settings.replicateToPeer);
    if (settings && wantsPeer && depth < 2) {
        const peer = peerFileName(settings.peerStack);
        // The peer as it exists before this stack does: prod at bootstrap step 1 when planning
        // dr; dr in standby (from its own settings) when planning prod in steady state; dr
        // promoted when planning prod rebuilt from it (failback).
        const peerOverrides: Record<string, string> = settings.role === "dr" ? { [`${NAMESPACE}:replicateToPeer`]: "false" }
            : settings.rebuildFromPeer ? { [`${NAMESPACE}:promote`]: "true" } : {};
        // A peer has no prior state here (it is planned as deployed), only the same SSM answers.
        const peerEngine = { ssmParameters: engine.ssmParameters };
        const key = JSON.stringify([peer, peerOverrides, depth + 1, peerEngine.ssmParameters ?? {}]);
        let cached = cache.get(key);
        if (!cached) {
            const peerTrail: StackPlan["peers"] = [];
            const peerPlan = await planWithPeers(project, peer, peerOverrides, peerTrail, depth + 1, peerEngine, undefined, cache);
            cached = { outputs: peerPlan.run.outputs, config: peerPlan.config,
                trail: [...peerTrail, { stack: peer, config: peerPlan.config, settings: peerPlan.settings }] };
            cache.set(key, cached);
        }
        trail.push(...cached.trail);
        stackOutputs[settings.peerStack] = cached.outputs;
    }
    const run = await runStack(project, stack, config, secretKeys, stackOutputs, engine, preview);
    return { run, config, settings };
}

export async function planStack(req: PlanRequest): Promise<StackPlan> {
    const project = loadProject(req.dir);
    const overrides = { ...(req.configOverrides ?? {}) };
    if (req.promote !== undefined) {
        overrides[`${project.name}:promote`] = String(req.promote);
    }
    const peers: StackPlan["peers"] = [];
    const { run, config, settings } = await planWithPeers(project, req.stack, overrides, peers, 0, req.engine, req.preview, req.peerPlans);
    return {
        ...run,
        project: project.name,
        stack: req.stack,
        region: config["aws:region"],
        promote: settings?.promote ?? config[`${project.name}:promote`] === "true",
        config,
        settings,
        peers,
    };
}
