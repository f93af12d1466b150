// Failback: returning the workload to the original (prod) region after a failover promoted dr.
// A promoted replica cannot be demoted, so failback rebuilds in the other direction: prod's old
// database is snapshotted and retired, prod gets a new cross-region replica of dr's database,
// media written during the outage is copied back, and at a scheduled moment dr's writes are
// frozen, prod's replica is promoted in place and DNS moves back (undoing the failover's fence
// of prod's PRIMARY record). Finally dr's promoted database is retired the same way and dr gets
// a fresh replica of prod: pilot light again.
//
// Steps (the number is what --from-step takes; preflight always runs):
//   0 preflight (read-only)               3 reverse the media sync (data)
//   1 snapshot + retire the old prod DB   4 scheduled switchover (data; the brief write outage)
//   2 build prod's replica (data)         5 retire dr's DB and rebuild dr's replica (data)
// A failing step puts back the config values it set unless what they created already exists;
// its message then says what exists and how to resume. docs/runbooks/failback.md has timings.
//
// The shared pieces (running `up` with progress, config restore, the offline diff, waiting for
// healthy ALB targets) are exported from here for the drill runbook too.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { CONFIG_SCHEMA, ConfigKey, configKey, defaultOf, parseValue } from "../../stacks/configSchema";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import {
    GetHealthCheckStatusCommand, Route53Client, TestDNSAnswerCommand,
} from "@aws-sdk/client-route-53";
import {
    aliasPrimaryRecord, describeAwsError, findLoadBalancerByDns, loadBalancerAddresses, normaliseDns, targetHealth,
} from "./aws";
import { awsClient } from "./clients";
import { checkBackendRegion, checkCredentials, checkReplicaLag, describeDbInstance, isPromoted } from "./preflight";
import { findInstanceUrn, isInstanceProtected, logicalName, retireDatabase, retiredDatabaseNotice, retireSnapshotName } from "./retire";
import { formatDuration, RunbookIO, RunbookReport, runSteps, Step, StepContext } from "./runner";
import { syncBuckets } from "./s3sync";
import { PulumiWorkspace, StackOps, UpOutcome } from "./workspace";
import { lastSegment, offlinePlan, OfflinePlanner, PlanRequest } from "./failover";
// Type-only: index.ts imports this module at run time, so a value import back would be a cycle.
import type { RunbookDefinition } from "./index";

/** A config value as text, or the key's default (stacks/configSchema.ts) when the stack leaves it unset. */
function orDefault(key: ConfigKey, text: string | undefined): string {
    return text ?? String(defaultOf(key));
}

/** Fully qualified config keys this runbook changes (stacks/configSchema.ts). */
export const KEYS = {
    promote: configKey("promote"),
    drill: configKey("drill"),
    reverseReplication: configKey("reverseReplication"),
    rebuildFromPeer: configKey("rebuildFromPeer"),
    databaseGeneration: configKey("databaseGeneration"),
    hostedZoneId: configKey("hostedZoneId"),
} as const;

// ---------------------------------------------------------------------------------------------
// Shared with the drill runbook.

/** The result of `diffText`: what to show, and the data-safety problems that must stop the step. */
export interface DiffSummary {
    text: string;
    unsafe: string[];
}

/**
 * Runs the offline diff (ops/diff through the failover module's planner) and renders it. A
 * diff that cannot be computed is shown as a warning rather than stopping the runbook: it is a
 * safety net on top of the data steps' own checks of the real state, and a planner bug must
 * not block a failback.
 */
export async function diffText(planner: OfflinePlanner | undefined, request: PlanRequest): Promise<DiffSummary> {
    const change = Object.keys(request.to).filter((k) => request.from[k] !== request.to[k])
        .map((k) => `${k}: ${request.from[k] ?? "(unset)"} → ${request.to[k]}`).join(", ");
    try {
        const plan = await (planner ?? offlinePlan)(request);
        return {
            text: [`offline diff of ${request.stack} (${change}):`, plan.text, ...plan.unsafe.map((u) => `UNSAFE: ${u}`)].join("\n"),
            unsafe: plan.unsafe,
        };
    } catch (e) {
        return { text: `offline diff of ${request.stack} (${change}) unavailable: ${describeAwsError(e)}`, unsafe: [] };
    }
}

/** Throws when the diff found data-safety problems, so the step changes nothing. */
export function refuseUnsafe(step: string, summary: DiffSummary | undefined): void {
    if (summary && summary.unsafe.length > 0) {
        throw new Error(`${step}: the offline diff reports ${summary.unsafe.length} data-safety problem(s), so nothing was changed: `
            + `${summary.unsafe.join("; ")}. Check the stack's config and program; a retire is allowed only for the instance this step retires`);
    }
}

/** `pulumi up` on the stack with every engine line shown as progress; returns the outcome. */
export async function upWithProgress(ctx: StepContext, stack: StackOps): Promise<UpOutcome> {
    const outcome = await stack.up((line) => ctx.progress(`${stack.name}: ${line}`));
    return outcome;
}

/** "create 3, update 1" from an up's counts, leaving out unchanged resources. */
export function describeChanges(changes: Record<string, number>): string {
    const parts = Object.entries(changes).filter(([op, n]) => op !== "same" && n > 0).map(([op, n]) => `${op} ${n}`);
    return parts.length ? parts.join(", ") : "no changes";
}

/** Puts a config key back to what it was: removed when it was unset, set otherwise. */
export async function restoreConfig(stack: StackOps, key: string, previous: string | undefined): Promise<void> {
    if (previous === undefined) await stack.removeConfig(key);
    else await stack.setConfig(key, previous);
}

/**
 * Waits until the ALB with DNS name `albDnsName` has at least one registered target and all of
 * them are healthy. Returns "N/N targets healthy".
 */
export async function waitTargetsHealthy(ctx: StepContext, region: string, albDnsName: string,
    timing: { timeoutMs: number; intervalMs: number }): Promise<string> {
    const lb = await findLoadBalancerByDns(region, albDnsName);
    return pollUntil(ctx, `healthy targets behind ${albDnsName}`, async () => {
        const h = await targetHealth(region, lb.LoadBalancerArn!);
        if (h.total > 0 && h.healthy === h.total) return `${h.healthy}/${h.total} targets healthy behind ${albDnsName}`;
        const others = Object.entries(h.others).map(([s, n]) => `${n} ${s}`).join(", ");
        return { waiting: `${h.healthy}/${h.total} targets healthy${others ? ` (${others})` : ""}` };
    }, timing);
}

/**
 * Polls `check` until it returns a string (done). `{ waiting }` is shown as progress; a timeout
 * error names `what` and the last state seen, which is what the operator needs at that moment.
 */
export async function pollUntil(ctx: StepContext, what: string, check: () => Promise<string | { waiting: string }>,
    timing: { timeoutMs: number; intervalMs: number }): Promise<string> {
    const start = ctx.io.now();
    for (;;) {
        const result = await check();
        if (typeof result === "string") return result;
        if (ctx.io.now() - start >= timing.timeoutMs) {
            throw new Error(`timed out after ${formatDuration(timing.timeoutMs / 1000)} waiting for ${what}; last seen: ${result.waiting}`);
        }
        ctx.progress(`waiting for ${what}: ${result.waiting}`);
        await ctx.io.sleep(timing.intervalMs);
    }
}

// ---------------------------------------------------------------------------------------------
// Failback options.

/** Limits of the waits. Every field defaults as documented; tests shrink them. */
export interface FailbackTimeouts {
    /** A retire snapshot. Defaults to 6 hours: it copies every block changed since the last snapshot. */
    snapshotMs: number;
    /** A new cross-region replica becoming available. Defaults to 24 hours: creation scales with the DB size. */
    replicaMs: number;
    /** The new replica catching up to `maxReplicaLagSeconds`. Defaults to 2 hours. */
    catchUpMs: number;
    /** dr's app servers draining after the freeze. Defaults to 15 minutes (60 s deregistration delay plus shutdown). */
    freezeMs: number;
    /** ReplicaLag reading 0 twice after the freeze. Defaults to 20 minutes. */
    drainMs: number;
    /** prod's ALB targets becoming healthy after the up. Defaults to 20 minutes (boot, user data, 300 s grace). */
    targetsMs: number;
    /** The Route 53 health check turning healthy, and DNS answering with prod. Defaults to 10 minutes. */
    dnsMs: number;
    /** How often every wait polls. Defaults to 30 seconds. */
    pollMs: number;
}

const DEFAULT_TIMEOUTS: FailbackTimeouts = {
    snapshotMs: 6 * 3600_000, replicaMs: 24 * 3600_000, catchUpMs: 2 * 3600_000, freezeMs: 15 * 60_000,
    drainMs: 20 * 60_000, targetsMs: 20 * 60_000, dnsMs: 10 * 60_000, pollMs: 30_000,
};

/** Options of the failback runbook. */
export interface FailbackOptions {
    /** The Pulumi project, through the Automation API (or a fake in tests). */
    workspace: PulumiWorkspace;
    /** The project folder, for the offline diff shown before each data step. */
    projectDir: string;
    /** The prod stack. Defaults to `prod`. */
    prodStack?: string;
    /** The dr stack. Defaults to `dr`. */
    drStack?: string;
    /** Resume at this step, 0 to 5, after a stop; step 0 (preflight, read-only) always runs first. Defaults to 0 (everything). */
    fromStep?: number;
    /**
     * When to switch over (step 4), an ISO 8601 time such as `2025-03-04T02:00:00Z`. The step
     * waits until then showing a countdown. Defaults to now, once the step is confirmed.
     */
    switchoverAt?: string;
    /** Step 2 waits until prod's new replica is at most this many seconds behind. Defaults to 60. */
    maxReplicaLagSeconds?: number;
    /** Show every step's plan and change nothing (preflight and listings still read AWS). Defaults to false. */
    dryRun?: boolean;
    /** Media sync progress after every this many copies. Defaults to 500. */
    syncProgressEvery?: number;
    /** The offline planner for the plans shown before data steps. Defaults to ops/diff (`offlinePlan`). */
    planner?: OfflinePlanner;
    /** Overrides of the wait limits. */
    timeouts?: Partial<FailbackTimeouts>;
}

/** The last failback step number. */
export const LAST_STEP = 5;

/** Checks the numeric and time options; one error lists every problem. */
export function validateFailbackOptions(opts: FailbackOptions): void {
    const problems: string[] = [];
    const from = opts.fromStep ?? 0;
    if (!Number.isInteger(from) || from < 0 || from > LAST_STEP) {
        problems.push(`--from-step ${String(opts.fromStep)} is not allowed; expected a whole number from 0 to ${LAST_STEP} (step 0, preflight, always runs)`);
    }
    if (opts.switchoverAt !== undefined && Number.isNaN(Date.parse(opts.switchoverAt))) {
        problems.push(`--switchover-at ${JSON.stringify(opts.switchoverAt)} is not allowed; expected an ISO 8601 time such as 2025-03-04T02:00:00Z`);
    }
    const lag = opts.maxReplicaLagSeconds ?? 60;
    if (!Number.isFinite(lag) || lag < 0) {
        problems.push(`--max-lag-seconds ${lag} is not allowed; expected a number of seconds, 0 or more`);
    }
    if (problems.length) throw new Error(`invalid failback options:\n  - ${problems.join("\n  - ")}`);
}

// ---------------------------------------------------------------------------------------------
// The config changes of the data steps, as offline plan requests. Pure, so `--dry-run` can
// build them from the stack files without a workspace.

/**
 * The logical name of generation `g`'s RDS instance: the stacks name the Database component
 * `database`, and it names its instance `<name>-mysql`, `<name>-mysql-g<N>` from generation 2.
 */
export function instanceLogicalName(g: number): string {
    return g === 1 ? "database-mysql" : `database-mysql-g${g}`;
}

/** Steps 1–2 on prod: become a replica of dr's database in generation k+1, retiring `retire`. */
export function prodRebuildRequest(dir: string, prodStack: string, k: number, currentRebuild: string, retire: string): PlanRequest {
    return {
        dir, stack: lastSegment(prodStack),
        from: { [KEYS.rebuildFromPeer]: currentRebuild, [KEYS.databaseGeneration]: String(k) },
        to: { [KEYS.rebuildFromPeer]: "true", [KEYS.databaseGeneration]: String(k + 1) },
        allowRetire: [retire],
    };
}

/**
 * Step 3 on dr: replicate media back to prod. `promote` is stated on both sides: reverse
 * replication is valid only on a promoted dr, and a dry run may read a dr stack file that is
 * still in standby.
 */
export function reverseMediaRequest(dir: string, drStack: string, current: string): PlanRequest {
    return {
        dir, stack: lastSegment(drStack),
        from: { [KEYS.promote]: "true", [KEYS.reverseReplication]: current },
        to: { [KEYS.promote]: "true", [KEYS.reverseReplication]: "true" },
    };
}

/** Step 4 on prod: promote the replica of generation `g` and start the parked app servers. */
export function switchoverRequest(dir: string, prodStack: string, g: number): PlanRequest {
    return {
        dir, stack: lastSegment(prodStack),
        from: { [KEYS.rebuildFromPeer]: "true", [KEYS.databaseGeneration]: String(g) },
        to: { [KEYS.rebuildFromPeer]: "false", [KEYS.databaseGeneration]: String(g) },
    };
}

/** Step 5 on dr: back to standby as a replica of prod in generation m+1, retiring `retire`. */
export function drRebuildRequest(dir: string, drStack: string, m: number, currentReverse: string, retire: string): PlanRequest {
    return {
        dir, stack: lastSegment(drStack),
        from: { [KEYS.promote]: "true", [KEYS.reverseReplication]: currentReverse, [KEYS.databaseGeneration]: String(m) },
        to: { [KEYS.promote]: "false", [KEYS.reverseReplication]: "false", [KEYS.databaseGeneration]: String(m + 1) },
        allowRetire: [retire],
    };
}

/** A stack's config as its `Pulumi.<stack>.yaml` in `dir` holds it (values as strings). */
export function readStackFile(dir: string, stack: string): Record<string, string> {
    const file = path.join(dir, `Pulumi.${lastSegment(stack)}.yaml`);
    let doc: any;
    try {
        doc = parseYaml(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new Error(`cannot read the config of stack ${stack} from ${file}: ${describeAwsError(e)}; --dir must be the project folder`);
    }
    const config = doc?.config ?? {};
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** Every data step's offline plan, from the stack files alone (what `--dry-run` shows). */
export function failbackDryRunPlans(dir: string, prodStack: string, drStack: string): Array<{ what: string; request: PlanRequest }> {
    const prodConfig = readStackFile(dir, prodStack);
    const drConfig = readStackFile(dir, drStack);
    const k = parseGeneration(prodStack, prodConfig[KEYS.databaseGeneration]);
    const m = parseGeneration(drStack, drConfig[KEYS.databaseGeneration]);
    const reverse = orDefault("reverseReplication", drConfig[KEYS.reverseReplication]);
    return [
        { what: `steps 1-2: retire ${instanceLogicalName(k)}, rebuild ${prodStack}'s database as a replica of dr in generation ${k + 1}`,
            request: prodRebuildRequest(dir, prodStack, k, orDefault("rebuildFromPeer", prodConfig[KEYS.rebuildFromPeer]), instanceLogicalName(k)) },
        { what: `step 3: ${KEYS.reverseReplication} ${reverse}→true on ${drStack}`, request: reverseMediaRequest(dir, drStack, reverse) },
        { what: `step 4: ${KEYS.rebuildFromPeer} true→false on ${prodStack} (promote the replica, start the parked app servers)`,
            request: switchoverRequest(dir, prodStack, k + 1) },
        { what: `step 5: retire ${instanceLogicalName(m)}, ${drStack} back to standby in generation ${m + 1}`,
            request: drRebuildRequest(dir, drStack, m, "true", instanceLogicalName(m)) },
    ];
}

// ---------------------------------------------------------------------------------------------
// The environment the steps share, read lazily: outputs change as the steps run.

interface Env {
    prod: StackOps;
    dr: StackOps;
    prodRegion: string;
    drRegion: string;
}

/** A database generation from config: the schema's default when unset; below its maximum so that the next one is allowed. */
export function parseGeneration(stack: string, raw: string | undefined): number {
    const { min, max } = CONFIG_SCHEMA.databaseGeneration;
    const { value, problem } = parseValue("databaseGeneration", raw);
    if (problem !== undefined || value! >= max) {
        throw new Error(`${stack}: ${KEYS.databaseGeneration} is ${JSON.stringify(raw)}; expected a whole number from ${min} to ${max - 1} `
            + `(the next generation must stay within ${max})`);
    }
    return value!;
}

/**
 * The DB identifier of generation `g`, from the identifier of any generation: generation 1 is
 * `<base>`, generation 2 to 99 `<base>-g<N>` (the Database component's naming).
 */
export function generationIdentifier(anyGenerationIdentifier: string, g: number): string {
    const base = anyGenerationIdentifier.replace(/-g([2-9]|[1-9][0-9])$/, "");
    return g === 1 ? base : `${base}-g${g}`;
}

async function regionOf(stack: StackOps): Promise<string> {
    const region = (await stack.getConfig("aws:region")) ?? (await stack.outputs()).region;
    if (!region) throw new Error(`stack ${stack.name} has neither aws:region in its config nor a region output; set aws:region`);
    return region;
}

async function output(stack: StackOps, key: string): Promise<string> {
    const value = (await stack.outputs())[key];
    if (typeof value !== "string" || value === "") {
        throw new Error(`stack ${stack.name} has no ${key} output; run \`pulumi up\` on it with this version of the program, `
            + `or check it is the right stack`);
    }
    return value;
}

async function requireDb(region: string, identifier: string, what: string) {
    const db = await describeDbInstance(region, identifier);
    if (!db) throw new Error(`${what} ${identifier} not found in ${region} (DBInstanceNotFound); check the stack's dbInstanceIdentifier output and the account`);
    return db;
}

/**
 * Whether the instance exists, with `known` false when RDS could not be asked (access denied,
 * throttling): a failed update's config is only put back when RDS has said "not found".
 */
async function lookupDb(region: string, identifier: string) {
    try {
        return { exists: await describeDbInstance(region, identifier), known: true };
    } catch {
        return { exists: undefined, known: false };
    }
}

// ---------------------------------------------------------------------------------------------

/**
 * The failback steps, preflight first, then steps `fromStep`..5. With `dryRun` every step only
 * shows its plan (the offline diff, names, counts) and changes nothing.
 */
export function failbackSteps(opts: FailbackOptions): Step[] {
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

    const preflight: Step = {
        id: "failback.preflight",
        title: "Step 0: preflight (credentials, state backend, dr promoted, prod's databases)",
        async run(ctx) {
            const { prod, dr, prodRegion, drRegion } = await env();
            const notes: string[] = [];
            ctx.progress(`${prodRegion}: ${await checkCredentials(prodRegion)}`);
            ctx.progress(`${drRegion}: ${await checkCredentials(drRegion)}`);
            ctx.progress(await checkBackendRegion(opts.workspace, prodRegion));
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

    const retireProd: Step = {
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

    const buildProdReplica: Step = {
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
            if (resuming) {
                ctx.progress(`${prod.name} already has ${KEYS.rebuildFromPeer} true (an earlier run set it); running the update again`);
            } else {
                // Checked before any change: with the old DB still protected the update would be refused half-way.
                if (isInstanceProtected(await prod.exportState(), old, `stack ${prod.name}`)) {
                    throw new Error(`${old} is still protected in ${prod.name}'s state, so the update would refuse to drop it: step 1 `
                        + `(snapshot and retire) has not run. Nothing was changed; resume with --from-step 1`);
                }
                await prod.setConfig(KEYS.rebuildFromPeer, "true");
                await prod.setConfig(KEYS.databaseGeneration, String(k + 1));
            }
            let up: UpOutcome;
            try {
                up = await upWithProgress(ctx, prod);
            } catch (e) {
                const { exists, known } = await lookupDb(prodRegion, expected);
                if (known && !exists && !resuming) {
                    await restoreConfig(prod, KEYS.rebuildFromPeer, prevRebuild);
                    await restoreConfig(prod, KEYS.databaseGeneration, prevGeneration);
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
                return { waiting: db ? `status ${db.DBInstanceStatus}` : "not found yet" };
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
                    return { waiting: describeAwsError(e) };
                }
            }, { timeoutMs: t.catchUpMs, intervalMs: t.pollMs });
            if (old !== replica && (await describeDbInstance(prodRegion, old).catch(() => undefined))) {
                ctx.io.log(retiredDatabaseNotice({ region: prodRegion, identifier: old }, snapshots.get(old), ctx.io.now()));
            }
            return `${describeChanges(up.changes)}; ${lag}`;
        },
    };

    const reverseMedia: Step = {
        id: "failback.reverse-media",
        title: "Step 3: reverse the media sync (dr → prod)",
        dataAffecting: true,
        async plan() {
            const { prod, dr, prodRegion, drRegion } = await env();
            const diff = await diffText(opts.planner, reverseMediaRequest(dir, dr.name, orDefault("reverseReplication", await dr.getConfig(KEYS.reverseReplication))));
            shown.set("reverse-media", diff);
            const source = { bucket: await output(dr, "mediaBucketName"), region: drRegion };
            const destination = { bucket: await output(prod, "mediaBucketName"), region: prodRegion };
            const lines = [`set ${KEYS.reverseReplication} true on ${dr.name} and pulumi up (new objects replicate to s3://${destination.bucket})`,
                `then copy objects missing or different in s3://${destination.bucket} from s3://${source.bucket} (never deletes)`, diff.text];
            if (opts.dryRun) {
                const count = await syncBuckets({ source, destination, dryRun: true });
                lines.push(`would copy ${count.copied} of ${count.sourceObjects} objects (${(count.bytes / 1024 ** 3).toFixed(2)} GB), skip ${count.skipped}`);
            }
            return lines.join("\n");
        },
        async run(ctx) {
            refuseUnsafe("step 3", shown.get("reverse-media"));
            const { prod, dr, prodRegion, drRegion } = await env();
            const previous = await dr.getConfig(KEYS.reverseReplication);
            // Replication first, then the copy: an object uploaded meanwhile is caught by one or the other.
            await dr.setConfig(KEYS.reverseReplication, "true");
            let up: UpOutcome;
            try {
                up = await upWithProgress(ctx, dr);
            } catch (e) {
                await restoreConfig(dr, KEYS.reverseReplication, previous);
                throw new Error(`pulumi up on ${dr.name} failed: ${describeAwsError(e)}. ${KEYS.reverseReplication} was put back to `
                    + `${previous ?? "unset"}; a replication rule the update created is removed by the next up. Fix the cause and resume with --from-step 3`);
            }
            const result = await syncBuckets({
                source: { bucket: await output(dr, "mediaBucketName"), region: drRegion },
                destination: { bucket: await output(prod, "mediaBucketName"), region: prodRegion },
                progressEvery: opts.syncProgressEvery,
                progress: (line) => ctx.progress(line),
            });
            return `${describeChanges(up.changes)}; copied ${result.copied}, skipped ${result.skipped}`;
        },
    };

    const switchover: Step = {
        id: "failback.switchover",
        title: "Step 4: switch over to prod (freeze dr, promote prod's replica, move DNS)",
        dataAffecting: true,
        async plan() {
            const { prod, dr } = await env();
            // Before step 2 has run (a dry run) the config still names the old generation; the switchover happens on the next one.
            const g = parseGeneration(prod.name, await prod.getConfig(KEYS.databaseGeneration));
            const stepTwoDone = (await prod.getConfig(KEYS.rebuildFromPeer)) === "true";
            const diff = await diffText(opts.planner, switchoverRequest(dir, prod.name, stepTwoDone ? g : g + 1));
            shown.set("switchover", diff);
            const asg = (await dr.outputs()).asgName ?? "(none)";
            return [`at ${opts.switchoverAt ? new Date(opts.switchoverAt).toISOString() : "once confirmed"}:`,
                `scale ${dr.name}'s app servers (${asg}) to 0: the site is down from here until DNS points at prod (see failback.md for how long)`,
                `wait for prod's replica ReplicaLag 0 twice, remove ${KEYS.rebuildFromPeer} on ${prod.name} and pulumi up`,
                `(promotes the replica in place and starts prod's parked app servers), then check targets, health check, DNS`,
                diff.text].join("\n");
        },
        async run(ctx) {
            refuseUnsafe("step 4", shown.get("switchover"));
            const { prod, dr, prodRegion, drRegion } = await env();
            if (opts.switchoverAt) await countdown(ctx, Date.parse(opts.switchoverAt), t.pollMs);
            const replica = await output(prod, "dbInstanceIdentifier");
            const db = await requireDb(prodRegion, replica, "prod's replica");
            const promotedAlready = isPromoted(db);
            const asgName = await output(dr, "asgName");
            const freeze = await freezeAsg(ctx, drRegion, asgName, t);
            const unfreeze = async () => {
                if (freeze.previous) await setAsgSize(drRegion, asgName, freeze.previous.min, freeze.previous.desired);
                return freeze.previous ? `${dr.name}'s app servers were scaled back to min ${freeze.previous.min}, desired ${freeze.previous.desired}` : "";
            };
            if (promotedAlready) {
                ctx.progress(`${replica} is already promoted (an earlier run got past the promotion); skipping the ReplicaLag wait`);
            } else {
                try {
                    await waitLagZero(ctx, prodRegion, replica, freeze.at, t);
                } catch (e) {
                    const restored = await unfreeze();
                    throw new Error(`${describeAwsError(e)}. Nothing on ${prod.name} changed; `
                        + (restored ? `${restored}, so dr serves again` : `${dr.name}'s app servers were already at 0 before this run and stay there`)
                        + `. Find out why replication stalled and resume with --from-step 4`);
                }
            }
            const previous = await prod.getConfig(KEYS.rebuildFromPeer);
            // Removed rather than set false: it is a transient failback flag, and the file returns to its steady state.
            await prod.removeConfig(KEYS.rebuildFromPeer);
            let up: UpOutcome;
            try {
                up = await upWithProgress(ctx, prod);
            } catch (e) {
                const now = await describeDbInstance(prodRegion, replica).catch(() => undefined);
                if (now && !isPromoted(now)) {
                    await restoreConfig(prod, KEYS.rebuildFromPeer, previous);
                    const restored = await unfreeze();
                    throw new Error(`pulumi up on ${prod.name} failed: ${describeAwsError(e)}. ${replica} is still a replica, so `
                        + `${KEYS.rebuildFromPeer} was put back and ${restored || `${dr.name} stays frozen`}. Fix the cause and resume with --from-step 4`);
                }
                throw new Error(`pulumi up on ${prod.name} failed: ${describeAwsError(e)}. ${replica} is ${now ? "promoted" : "in an unknown state"}: `
                    + `${dr.name} stays frozen (writes there would be lost) and the config stays. Fix the cause and resume with --from-step 4, `
                    + `which skips the freeze wait and runs the update again`);
            }
            const outputs = up.outputs;
            const checks: string[] = [describeChanges(up.changes)];
            checks.push(await waitTargetsHealthy(ctx, prodRegion, String(outputs.albDnsName ?? await output(prod, "albDnsName")),
                { timeoutMs: t.targetsMs, intervalMs: t.pollMs }));
            const zone = await prod.getConfig(KEYS.hostedZoneId);
            if (outputs.domainName && zone) {
                // The failover runbook fenced prod by repointing its PRIMARY record at dr, outside
                // Pulumi; the up above does not see that drift, so the record is put back here.
                checks.push(await unfencePrimary(prodRegion, zone, String(outputs.domainName), String(outputs.albDnsName)));
            }
            if (outputs.healthCheckId) checks.push(await waitHealthCheck(ctx, String(outputs.healthCheckId), t));
            if (outputs.domainName && zone) {
                checks.push(await waitDnsPointsAt(ctx, prodRegion, zone, String(outputs.domainName), String(outputs.albDnsName), t));
            } else {
                checks.push("no domain configured: DNS not checked");
            }
            return checks.join("; ");
        },
    };

    const rebuildDr: Step = {
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
                promote: await dr.getConfig(KEYS.promote),
                reverse: await dr.getConfig(KEYS.reverseReplication),
                generation: await dr.getConfig(KEYS.databaseGeneration),
            };
            const m = parseGeneration(dr.name, prev.generation);
            const expected = generationIdentifier(old, resuming ? m : m + 1);
            if (resuming) {
                ctx.progress(`${dr.name} already has ${KEYS.promote} false (an earlier run set it); running the update again`);
            } else {
                const r = await retireDatabase(ctx, dr, { region: drRegion, identifier: old }, { timeoutMs: t.snapshotMs, intervalMs: t.pollMs });
                snapshots.set(old, r.snapshotId);
                // promote is set, not removed: the dr stack file carries it explicitly as the failover switch.
                await dr.setConfig(KEYS.promote, "false");
                await dr.removeConfig(KEYS.reverseReplication);
                await dr.setConfig(KEYS.databaseGeneration, String(m + 1));
            }
            let up: UpOutcome;
            try {
                up = await upWithProgress(ctx, dr);
            } catch (e) {
                const { exists, known } = await lookupDb(drRegion, expected);
                if (known && !exists && !resuming) {
                    await restoreConfig(dr, KEYS.promote, prev.promote);
                    await restoreConfig(dr, KEYS.reverseReplication, prev.reverse);
                    await restoreConfig(dr, KEYS.databaseGeneration, prev.generation);
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
                return { waiting: db ? `status ${db.DBInstanceStatus}${isPromoted(db) ? ", not a replica" : ""}` : "not found yet" };
            }, { timeoutMs: t.replicaMs, intervalMs: t.pollMs });
            if (old !== replica && (await describeDbInstance(drRegion, old).catch(() => undefined))) {
                ctx.io.log(retiredDatabaseNotice({ region: drRegion, identifier: old }, snapshots.get(old), ctx.io.now()));
            }
            return `${describeChanges(up.changes)}; dr replica ${replica} available`;
        },
    };

    const numbered: Array<[number, Step]> = [[1, retireProd], [2, buildProdReplica], [3, reverseMedia], [4, switchover], [5, rebuildDr]];
    const steps = [preflight, ...numbered.filter(([n]) => n >= from).map(([, s]) => s)];
    return opts.dryRun ? steps.map(asDryRun) : steps;
}

/** A step that shows its plan and changes nothing. */
function asDryRun(step: Step): Step {
    if (!step.plan) return step;
    const plan = step.plan;
    return {
        id: step.id,
        title: `${step.title} [dry run]`,
        async run(ctx) {
            ctx.io.log((await plan(ctx)).split("\n").map((l) => `    ${l}`).join("\n"));
            return "dry run: nothing changed";
        },
    };
}

/** Runs the failback and returns the measured timeline. */
export async function runFailback(opts: FailbackOptions, io: RunbookIO): Promise<RunbookReport> {
    return runSteps(opts.dryRun ? "failback (dry run)" : "failback", failbackSteps(opts), io);
}

// ---------------------------------------------------------------------------------------------
// Switchover pieces.

/** Waits until `at` (ms since the epoch), showing the time left at most every `everyMs`. */
export async function countdown(ctx: StepContext, at: number, everyMs: number): Promise<void> {
    for (;;) {
        const left = at - ctx.io.now();
        if (left <= 0) return;
        ctx.progress(`switchover at ${new Date(at).toISOString()}, in ${formatDuration(left / 1000)}`);
        await ctx.io.sleep(Math.min(left, Math.max(1000, everyMs)));
    }
}

async function setAsgSize(region: string, name: string, min: number, desired: number): Promise<void> {
    await awsClient(AutoScalingClient, region).send(new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: name, MinSize: min, DesiredCapacity: desired,
    }));
}

/**
 * Freezes writes on dr by scaling its app servers to zero and waiting until none is InService.
 * The site is down from here until DNS answers with prod: the only way to guarantee that no
 * write lands on dr's database after prod's replica has caught up. Returns the sizes to restore
 * (absent when it was already frozen) and when the last server left service.
 */
export async function freezeAsg(ctx: StepContext, region: string, name: string, t: Pick<FailbackTimeouts, "freezeMs" | "pollMs">):
    Promise<{ at: number; previous?: { min: number; desired: number } }> {
    const asg = awsClient(AutoScalingClient, region);
    const describe = async () => {
        const group = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
        if (!group) throw new Error(`Auto Scaling group ${name} not found in ${region}; dr's asgName output is stale (pulumi refresh on dr)`);
        return group;
    };
    const group = await describe();
    const previous = (group.MinSize ?? 0) > 0 || (group.DesiredCapacity ?? 0) > 0
        ? { min: group.MinSize ?? 0, desired: group.DesiredCapacity ?? 0 } : undefined;
    await setAsgSize(region, name, 0, 0);
    ctx.progress(`${name}: MinSize and DesiredCapacity set to 0 (were ${previous ? `${previous.min}/${previous.desired}` : "already 0"}); writes on dr stop as instances drain`);
    await pollUntil(ctx, `${name} to have no InService instances`, async () => {
        const inService = ((await describe()).Instances ?? []).filter((i) => i.LifecycleState === "InService").length;
        return inService === 0 ? `${name} has no InService instances` : { waiting: `${inService} InService` };
    }, { timeoutMs: t.freezeMs, intervalMs: t.pollMs });
    // Measured once the last server has left service (after the ALB's deregistration delay let its
    // requests finish): from here nothing writes to dr's database.
    return { at: ctx.io.now(), previous };
}

/**
 * Waits until the replica's ReplicaLag (CloudWatch, 1-minute Maximum) is 0 in two consecutive
 * datapoints that both start after the freeze: one zero could be a sample taken before the last
 * writes arrived; two whole minutes at zero with no writers left means it has everything.
 */
export async function waitLagZero(ctx: StepContext, region: string, identifier: string, since: number,
    t: Pick<FailbackTimeouts, "drainMs" | "pollMs">): Promise<string> {
    const cw = awsClient(CloudWatchClient, region);
    return pollUntil(ctx, `${identifier} ReplicaLag 0 in two datapoints after the freeze`, async () => {
        const out = await cw.send(new GetMetricStatisticsCommand({
            Namespace: "AWS/RDS", MetricName: "ReplicaLag",
            Dimensions: [{ Name: "DBInstanceIdentifier", Value: identifier }],
            StartTime: new Date(since), EndTime: new Date(ctx.io.now()), Period: 60, Statistics: ["Maximum"],
        }));
        const points = (out.Datapoints ?? [])
            .filter((p) => p.Timestamp && typeof p.Maximum === "number" && new Date(p.Timestamp).getTime() >= since)
            .sort((a, b) => new Date(a.Timestamp!).getTime() - new Date(b.Timestamp!).getTime());
        const last = points.slice(-2);
        if (last.length === 2 && last.every((p) => p.Maximum === 0)) return `${identifier} ReplicaLag 0 for 2 datapoints`;
        return { waiting: points.length ? `latest ${points[points.length - 1].Maximum}s (${points.length} datapoints since the freeze)` : "no datapoints since the freeze yet" };
    }, { timeoutMs: t.drainMs, intervalMs: t.pollMs });
}

/**
 * Waits until Route 53 considers the health check healthy: more than 18% of its checkers
 * report success, the rule Route 53 itself applies.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
 */
export async function waitHealthCheck(ctx: StepContext, healthCheckId: string, t: Pick<FailbackTimeouts, "dnsMs" | "pollMs">): Promise<string> {
    // Route 53 is a global service served from us-east-1.
    const r53 = awsClient(Route53Client, "us-east-1");
    return pollUntil(ctx, `Route 53 health check ${healthCheckId} to be healthy`, async () => {
        const obs = (await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }))).HealthCheckObservations ?? [];
        const ok = obs.filter((o) => o.StatusReport?.Status?.startsWith("Success")).length;
        if (obs.length > 0 && ok / obs.length > 0.18) return `health check ${healthCheckId} healthy (${ok}/${obs.length} checkers)`;
        return { waiting: `${ok}/${obs.length} checkers report success` };
    }, { timeoutMs: t.dnsMs, intervalMs: t.pollMs });
}

/**
 * Points prod's PRIMARY failover record back at prod's ALB. The failover runbook "fences" prod
 * by aliasing that record to dr's ALB with a direct Route 53 change, so that a recovering prod
 * region cannot pull users back to a stale database. Pulumi's state still holds the original
 * alias, so `pulumi up` sees no difference and would leave the fence in place; this UPSERT
 * restores exactly what the FailoverDns component declares (alias to the ALB, evaluate target
 * health, same set identifier and health check). A record that already aliases prod is left alone.
 */
export async function unfencePrimary(region: string, hostedZoneId: string, domainName: string, albDnsName: string): Promise<string> {
    const { name, primary, unchanged } = await aliasPrimaryRecord(hostedZoneId, domainName, { region, albDnsName },
        "pilot-light failback: point the PRIMARY record at prod again (undo the failover fence)");
    if (!primary) {
        throw new Error(`no PRIMARY failover record ${name} in hosted zone ${hostedZoneId}, although prod has a domain configured; `
            + `run \`pulumi refresh\` and \`pulumi up\` on prod to recreate it, then resume with --from-step 4`);
    }
    if (unchanged) return `PRIMARY record ${name} already aliases prod's ALB`;
    return `PRIMARY record ${name} aliases prod's ALB again (was ${primary.AliasTarget?.DNSName ?? "no alias"})`;
}

/**
 * Waits until Route 53's answer for `domainName` (TestDNSAnswer, type A, which applies the
 * failover routing) is only addresses of prod's ALB.
 */
export async function waitDnsPointsAt(ctx: StepContext, region: string, hostedZoneId: string, domainName: string,
    albDnsName: string, t: Pick<FailbackTimeouts, "dnsMs" | "pollMs">): Promise<string> {
    const lb = await findLoadBalancerByDns(region, albDnsName);
    const r53 = awsClient(Route53Client, "us-east-1");
    return pollUntil(ctx, `${domainName} to answer with prod's ALB`, async () => {
        const ips = await loadBalancerAddresses(region, lb.LoadBalancerArn!);
        const answer = await r53.send(new TestDNSAnswerCommand({ HostedZoneId: hostedZoneId, RecordName: domainName, RecordType: "A" }));
        const data = answer.RecordData ?? [];
        if (answer.ResponseCode === "NOERROR" && data.length > 0 && data.every((ip) => ips.has(ip))) {
            return `${normaliseDns(domainName)} → ${data.join(", ")} (prod's ALB)`;
        }
        return { waiting: `Route 53 answers ${answer.ResponseCode ?? "?"} ${data.join(", ") || "(no records)"}; prod's ALB has ${[...ips].join(", ") || "no addresses yet"}` };
    }, { timeoutMs: t.dnsMs, intervalMs: t.pollMs });
}

// ---------------------------------------------------------------------------------------------
// Registration with the runbook CLI (ops/runbooks/index.ts lists it).

/** `--timeout-minutes` bounds the operator-facing waits; snapshot and replica creation keep their hour-scale limits. */
function cliTimeouts(minutes: number | undefined): Partial<FailbackTimeouts> {
    if (minutes === undefined) return {};
    const ms = minutes * 60_000;
    return { freezeMs: ms, drainMs: ms, targetsMs: ms, dnsMs: ms };
}

/** The failback runbook as the CLI sees it. */
export const failbackRunbook: RunbookDefinition = {
    name: "failback",
    summary: "Return to the prod region after a failover: retire and rebuild prod's DB as a replica, copy media back, "
        + "switch over on a schedule, rebuild dr's replica",
    options: ["max-lag-seconds", "timeout-minutes", "from-step", "switchover-at"],
    steps: ({ workspace, settings: s, planner }) => {
        return failbackSteps({
            workspace, planner, projectDir: s.dir, prodStack: s.prodStack, drStack: s.drStack,
            maxReplicaLagSeconds: s.maxLagSeconds, fromStep: s.fromStep, switchoverAt: s.switchoverAt,
            timeouts: cliTimeouts(s.timeoutMinutes),
        });
    },
    dryRun: (s) => failbackDryRunPlans(s.dir, s.prodStack, s.drStack),
};
