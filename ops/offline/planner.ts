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
import { createHash } from "crypto";
import { NAMESPACE, parseConfig, StackConfig } from "../../stacks/config";
import { withLogLabel } from "./console";
import { OfflineRun, OfflineRunOptions, priorStateKey, runOffline } from "./engine";
import { PreviewOptions } from "./preview";
import { loadProject, loadStack, ProjectFileError, PulumiProject } from "./project";

export interface PlanRequest {
    /** The folder holding Pulumi.yaml. */
    dir: string;
    stack: string;
    /** Overrides `<project>:promote` (the plan command's --promote); false also sets `<project>:hardened` false where declared. */
    promote?: boolean;
    /** Fully qualified config overrides, applied last. */
    configOverrides?: Record<string, string>;
    /** The stack's prior state (for this stack only) and fake SSM answers (for every stack planned); see OfflineRunOptions. */
    engine?: Pick<OfflineRunOptions, "priorResources" | "ssmParameters">;
    /** Plan this stack as `pulumi preview` sees it (its peers are deployed stacks: never previews). */
    preview?: PreviewOptions;
    /**
     * Plans to reuse across requests (see PlanCache): pass the same cache to every planStack
     * call of one command or test process, and each configuration is planned once.
     */
    cache?: PlanCache;
}

/** A stack planned with its peers: the run, the config it saw, and the peers planned first. */
export interface Planned {
    run: OfflineRun;
    config: Record<string, string>;
    settings?: StackConfig;
    peers: StackPlan["peers"];
    /** Its PlanCache key: a peer's key is part of the key of the stack that reads it. */
    key: string;
}

/**
 * Plans already made in this process, by configuration: the program, the stack, the config it
 * resolved to (stack file plus overrides), the fake SSM answers, for a preview what exists, and
 * the same of the peer it read (so a changed peer stack file is a new configuration). The
 * program is deterministic, so the same configuration gives the same plan, whether it was asked
 * for or planned as another stack's peer. `npm run plan -- --stack dr` needs prod at bootstrap
 * step 1 three times (dr's peer, dr promoted's peer, and dr standby's peer when prod in steady
 * state is planned for the reports), and runs it once. Of a prior state (`engine.priorResources`)
 * the key holds what the engine reads (priorStateKey). Callers must not change a plan they get: others share it.
 */
export class PlanCache {
    private readonly plans = new Map<string, Planned>();
    /** How many times the program ran for a plan not found here. */
    runs = 0;

    /** The key of a configuration; `peerKey` is the key of the peer it read, null when it read none. */
    static key(project: PulumiProject, stack: string, config: Record<string, string>, secretKeys: string[],
        engine: PlanRequest["engine"], preview: PreviewOptions | undefined, peerKey: string | null): string {
        const sorted = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
        return createHash("sha256").update(JSON.stringify([project.main, project.name, stack, sorted(config), [...secretKeys].sort(),
            sorted(engine?.ssmParameters ?? {}), preview ? [...preview.existing].sort() : null,
            engine?.priorResources ? priorStateKey(engine.priorResources) : null, peerKey]))
            .digest("hex");
    }

    /** The plan of this configuration if there is one; undefined tells the caller to plan it and `set` it (or `abandon` it). */
    get(key: string): Planned | undefined | Promise<Planned | undefined> {
        return this.plans.get(key);
    }

    set(planned: Planned): void {
        this.plans.set(planned.key, planned);
    }

    /** The program failed for a key `get` gave undefined for: nothing will be `set` for it. */
    abandon(_key: string): void {}
}

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
 * stacks/index.ts does) is called; any other module does its work when loaded, so the entry
 * is always evaluated afresh, even when another caller loaded it before (a test that required
 * the program, then the plan command on the same folder). Modules the program loaded from its
 * own folder are unloaded afterwards, so the next run starts clean.
 */
async function runEntry(main: string): Promise<any> {
    delete require.cache[require.resolve(main)];
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

/**
 * What a run's log lines are labelled with: the stack, its state in this project's schema, and
 * whose peer it is, e.g. "prod at bootstrap step 1, dr's peer".
 */
export function planLabel(stack: string, settings: StackConfig | undefined, peerOf: string | undefined, preview: boolean): string {
    const state = !settings ? ""
        : settings.role === "dr" ? (settings.promote ? " promoted" : settings.drill ? " drill" : " standby")
        : settings.rebuildFromPeer ? " rebuilt from its peer" : settings.replicateToPeer ? "" : " at bootstrap step 1";
    return `${stack}${state}${preview ? " (preview)" : ""}${peerOf ? `, ${peerOf}'s peer` : ""}`;
}

/** Plans `stack` after planning the peers it references (each configuration at most once per cache). */
async function planWithPeers(project: PulumiProject, stack: string, overrides: Record<string, string>, depth: number,
    engine: PlanRequest["engine"] = {}, preview: PreviewOptions | undefined, cache: PlanCache, peerOf?: string): Promise<Planned> {
    const { config, secretKeys, settings } = stackConfig(project, stack, overrides);
    const stackOutputs: Record<string, Record<string, any>> = {};
    const peers: StackPlan["peers"] = [];
    let peerKey: string | null = null;
    const wantsPeer = settings !== undefined && (settings.role === "dr" || settings.rebuildFromPeer || settings.replicateToPeer);
    if (settings && wantsPeer && depth < 2) {
        const peer = peerFileName(settings.peerStack);
        // The peer as it exists before this stack does: prod at bootstrap step 1 when planning
        // dr; dr in standby (from its own settings) when planning prod in steady state; dr
        // promoted when planning prod rebuilt from it (failback).
        const peerOverrides: Record<string, string> = settings.role === "dr" ? { [`${NAMESPACE}:replicateToPeer`]: "false" }
            : settings.rebuildFromPeer ? { [`${NAMESPACE}:promote`]: "true" } : {};
        // A peer has no prior state here (it is planned as deployed), only the same SSM answers.
        const planned = await planWithPeers(project, peer, peerOverrides, depth + 1, { ssmParameters: engine.ssmParameters }, undefined, cache,
            planLabel(stack, settings, undefined, false));
        peers.push(...planned.peers, { stack: peer, config: planned.config, settings: planned.settings });
        stackOutputs[settings.peerStack] = planned.run.outputs;
        peerKey = planned.key;
    }
    const key = PlanCache.key(project, stack, config, secretKeys, engine, preview, peerKey);
    const cached = await cache.get(key);
    if (cached) return cached;
    cache.runs++;
    let run: OfflineRun;
    try {
        run = await withLogLabel(planLabel(stack, settings, peerOf, preview !== undefined),
            () => runStack(project, stack, config, secretKeys, stackOutputs, engine, preview));
    } catch (e) {
        cache.abandon(key);
        throw e;
    }
    const planned: Planned = { run, config, settings, peers, key };
    cache.set(planned);
    return planned;
}

/** The config a request sets on its stack: its overrides, and `promote` as the key it stands for. */
function requestOverrides(project: PulumiProject, req: Pick<PlanRequest, "promote" | "configOverrides">): Record<string, string> {
    const overrides = { ...(req.configOverrides ?? {}) };
    if (req.promote !== undefined) {
        overrides[`${project.name}:promote`] = String(req.promote);
        // dr as in standby is not hardened (hardening needs promote; stacks/config.ts refuses it otherwise).
        if (req.promote === false && "hardened" in project.config) overrides[`${project.name}:hardened`] = "false";
    }
    return overrides;
}

/**
 * Throws what planStack would throw for the request's own stack files and config (a project or
 * stack file Pulumi refuses, a config the program refuses), planning nothing: a command that plans
 * other configurations first (the "before" of a diff) checks the one asked for before them.
 */
export function checkRequest(req: Pick<PlanRequest, "dir" | "stack" | "promote" | "configOverrides">): void {
    const project = loadProject(req.dir);
    stackConfig(project, req.stack, requestOverrides(project, req));
}

export async function planStack(req: PlanRequest): Promise<StackPlan> {
    const project = loadProject(req.dir);
    const overrides = requestOverrides(project, req);
    const { run, config, settings, peers } = await planWithPeers(project, req.stack, overrides, 0, req.engine, req.preview, req.cache ?? new PlanCache());
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
