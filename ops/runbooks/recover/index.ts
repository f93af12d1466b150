// The recover runbook: undo data corruption or deletion (a `DROP TABLE`, a bad migration, a
// mistaken delete) by restoring to a time T before it. Replication carried the damage to dr
// within seconds, so this is not a failover:
// 1. find where to restore: in prod's region from prod's automated backups while it answers,
//    else in dr's from prod's backups replicated there (dr's output dbBackupsReplicationArn),
//    and check T is inside that source's restore window;
// 2. restore the database to T as a NEW instance beside the current one (never a delete, never a
//    modify of the current one), wait until it is available and check it;
// 3. restore the media bucket of the same region to T (copies of old versions, delete markers);
// 4. report how to compare the two, then (after the operator's yes) point the app at the restored
//    database: pilot-light:databaseHost on the stack in that region and `pulumi up`; the
//    current database is kept, unchanged.
// Every AWS call goes through clients.ts (timeouts, bounded retries, Ctrl-C); waits use pollUntil.
import { configKey } from "../../../stacks/configSchema";
import { describeDbInstance } from "../preflight";
import { RunbookIO, RunbookReport, runSteps, Step, StepContext } from "../runner";
import { outputOf } from "../stackOutputs";
import { describeChanges, upWithProgress } from "../updates";
import { changeConfig, PulumiWorkspace } from "../workspace";
import type { RunbookDefinition } from "../index";
import { prodAnswers, RestoreSource, restoreWindow, startRestore, waitAvailable } from "./database";
import { applyBucketRestore, planBucketRestore } from "./media";
import { describeMediaRestore, MediaRestorePlan } from "./mediaRestore";
import { checkInWindow, parseRecoverTime, restoredIdentifier } from "./window";

/** Options of the recover runbook. */
export interface RecoverOptions {
    workspace: PulumiWorkspace;
    prodStack?: string;
    drStack?: string;
    /** `--to`: the ISO 8601 time to restore to. */
    to: string | undefined;
    /** Longest wait for the restored instance. Defaults to 3 hours (a restore replays up to a day of logs). */
    timeoutMs?: number;
    /** Between two polls. Defaults to 30 s. */
    intervalMs?: number;
}

interface RecoverState {
    src: RestoreSource;
    /** The two stacks' names. */
    stacks: { prod: string; dr: string };
    target: string;
    bucket: string;
    endpoint?: string;
    media?: MediaRestorePlan;
}

/** The recover steps, in order. `--to` is checked here, before any step runs. */
export function recoverSteps(opts: RecoverOptions): Step[] {
    const to = parseRecoverTime(opts.to);
    const prodName = opts.prodStack ?? "prod";
    const drName = opts.drStack ?? "dr";
    const timing = { timeoutMs: opts.timeoutMs ?? 3 * 3_600_000, intervalMs: opts.intervalMs ?? 30_000 };
    let s: RecoverState | undefined;
    const state = (): RecoverState => {
        if (!s) throw new Error("the source was not chosen (step preflight.source did not run)");
        return s;
    };
    const media = async (): Promise<MediaRestorePlan> => {
        const st = state();
        st.media ??= await planBucketRestore(st.src.region, st.bucket, to);
        return st.media;
    };
    return [
        {
            id: "preflight.source",
            title: `Choose the source: ${prodName}'s backups while its region answers, else ${drName}'s replicated copy; check ${to.toISOString()} is in its window`,
            async run(ctx) {
                const prod = await opts.workspace.stack(prodName);
                const dr = await opts.workspace.stack(drName);
                const [po, dro] = [await prod.outputs(), await dr.outputs()];
                const prodRegion = (await prod.getConfig("aws:region")) ?? outputOf(po, "region", prodName);
                const drRegion = (await dr.getConfig("aws:region")) ?? outputOf(dro, "region", drName);
                const prodDb = outputOf(po, "dbInstanceIdentifier", prodName);
                const up = await prodAnswers(prodRegion, prodDb);
                if (up.answers) {
                    s = {
                        stacks: { prod: prodName, dr: drName },
                        src: { side: "prod", region: prodRegion, currentIdentifier: prodDb, sourceIdentifier: prodDb,
                            label: `${prodName}'s automated backups of ${prodDb} in ${prodRegion}` },
                        target: restoredIdentifier(prodDb, to), bucket: outputOf(po, "mediaBucketName", prodName),
                    };
                } else {
                    ctx.io.log(`${prodName}'s database does not answer in ${prodRegion} (${up.why}): restoring in ${drName}'s region ${drRegion}`);
                    const drDb = outputOf(dro, "dbInstanceIdentifier", drName);
                    s = {
                        stacks: { prod: prodName, dr: drName },
                        src: { side: "dr", region: drRegion, currentIdentifier: drDb, automatedBackupsArn: outputOf(dro, "dbBackupsReplicationArn", drName),
                            label: `${prodName}'s automated backups replicated to ${drRegion} (${configKey("backupReplicationRetentionDays")})` },
                        target: restoredIdentifier(drDb, to), bucket: outputOf(dro, "mediaBucketName", drName),
                    };
                }
                const w = await restoreWindow(s.src);
                checkInWindow(to, w, s.src.label);
                return `${s.src.label}: window ${w.earliest.toISOString()} to ${w.latest.toISOString()} holds ${to.toISOString()}; new instance ${s.target}`;
            },
        },
        {
            id: "restore.database",
            title: `Restore the database to ${to.toISOString()} as a new instance beside the current one`,
            dataAffecting: true,
            plan: async () => {
                const st = state();
                return `RestoreDBInstanceToPointInTime from ${st.src.label} to ${to.toISOString()} as ${st.target} in ${st.src.region}; `
                    + `${st.src.currentIdentifier} is neither changed nor deleted`;
            },
            run: () => startRestore(state().src, state().target, to),
        },
        {
            id: "wait.database",
            title: "Wait until the restored instance is available",
            async run(ctx: StepContext) {
                const st = state();
                st.endpoint = await waitAvailable(ctx, st.src.region, st.target, timing);
                return `${st.target} is available at ${st.endpoint}`;
            },
        },
        {
            id: "check.database",
            title: "Check the restored instance and that the current one is kept",
            async run() {
                const st = state();
                const current = await describeDbInstance(st.src.region, st.src.currentIdentifier);
                if (!current) throw new Error(`${st.src.currentIdentifier} is gone from ${st.src.region}; this runbook never deletes it: find out who did before going on`);
                const restored = await describeDbInstance(st.src.region, st.target);
                if (restored?.DBInstanceStatus !== "available" || restored.DeletionProtection !== true) {
                    throw new Error(`${st.target} is ${restored?.DBInstanceStatus ?? "not found"} with deletion protection ${restored?.DeletionProtection ?? "unknown"}; expected available and protected`);
                }
                return `${st.target} available and protected; ${st.src.currentIdentifier} kept (${current.DBInstanceStatus})`;
            },
        },
        {
            id: "restore.media",
            title: `Restore the media bucket to ${to.toISOString()} (copies of old versions and delete markers; no version deleted)`,
            dataAffecting: true,
            plan: async () => describeMediaRestore(await media(), state().bucket).join("\n"),
            run: async (ctx) => applyBucketRestore(ctx, state().src.region, state().bucket, await media()),
        },
        {
            id: "report",
            title: "Report what the restore made and how to compare it",
            async run(ctx) {
                const st = state();
                for (const line of repointNotes(st, stackOf(st))) ctx.io.log(line);
                return `${st.target} at ${st.endpoint}; ${st.src.currentIdentifier} is kept for comparison and rollback`;
            },
        },
        {
            id: "repoint.app",
            title: "Point the app at the restored database (the current one is kept)",
            dataAffecting: true,
            plan: async () => {
                const st = state();
                return `set ${configKey("databaseHost")} ${addressOf(st)} on ${stackOf(st)} and run pulumi up: the app servers' launch template `
                    + `takes the restored instance and the Auto Scaling group replaces the servers (instance refresh, half kept healthy); `
                    + `${st.src.currentIdentifier} is neither changed nor deleted. Answer no to compare the two first: this step can run later by re-running recover with the same --to.`;
            },
            run: (ctx) => repoint(ctx, state(), opts.workspace, stackOf(state())),
        },
    ];
}

/** The stack whose app the restore is for: the one in the restore's region. */
function stackOf(st: Pick<RecoverState, "src" | "stacks">): string {
    return st.src.side === "prod" ? st.stacks.prod : st.stacks.dr;
}

/** The restored instance's address, without the port. */
function addressOf(st: Pick<RecoverState, "endpoint" | "target">): string {
    if (!st.endpoint) throw new Error(`the endpoint of ${st.target} is not known (step wait.database did not finish)`);
    return st.endpoint.replace(/:\d+$/, "");
}

/** What the operator reads before the app is pointed at the restore. */
export function repointNotes(st: Pick<RecoverState, "src" | "target" | "endpoint">, stack: string): string[] {
    return [
        `Restored: ${st.target} at ${st.endpoint} in ${st.src.region}. The current database ${st.src.currentIdentifier} is kept, unchanged.`,
        `Compare the two (the damage should be absent from ${st.target}) before the next step points ${stack}'s app at it `
        + `(${configKey("databaseHost")}); to point it back later: pulumi config rm ${configKey("databaseHost")} -s ${stack}, then pulumi up. `
        + "Delete neither database until the app serves correctly (docs/runbooks/recover.md).",
    ];
}

/**
 * Sets pilot-light:databaseHost on the stack and runs `pulumi up`. A failed up puts the key back
 * (the servers already replaced keep the restore until the next up). dr must be promoted: a
 * standby has no app servers (stacks/config.ts refuses the key there too).
 */
async function repoint(ctx: StepContext, st: RecoverState, workspace: PulumiWorkspace, name: string): Promise<string> {
    const stack = await workspace.stack(name);
    if (st.src.side === "dr" && (await stack.getConfig(configKey("promote"))) !== "true") {
        throw new Error(`${name} is not promoted, so it has no app servers to point at ${st.target}: fail over first (npm run runbook -- failover), `
            + `then re-run recover with the same --to (it finds ${st.target} and goes on)`);
    }
    const key = configKey("databaseHost");
    const change = await changeConfig(stack, { [key]: addressOf(st) });
    try {
        const outcome = await upWithProgress(ctx, stack);
        return `pulumi up on ${name}: ${describeChanges(outcome.changes)}; the app servers are replaced onto ${st.target}, ${st.src.currentIdentifier} kept`;
    } catch (e: any) {
        await change.restore();
        throw new Error(`pulumi up on ${name} failed: ${e?.message ?? e}. ${key} is restored to ${change.previous[key] ?? "unset"}; both databases are unchanged; `
            + "fix the cause and re-run recover with the same --to");
    }
}

/** Runs the recovery and returns the runner's report. */
export function runRecover(opts: RecoverOptions, io: RunbookIO): Promise<RunbookReport> {
    return runSteps("recover", recoverSteps(opts), io);
}

/** The recover runbook as the CLI sees it (ops/runbooks/index.ts lists it). Its dry run needs no offline plan: it changes no stack config. */
export const recoverRunbook: RunbookDefinition = {
    name: "recover",
    summary: "Undo corruption or deletion: restore the database to --to TIME as a new instance (prod, or dr when prod is dark) and media to the same time",
    options: ["to", "timeout-minutes"],
    steps: ({ workspace, settings: s }) => recoverSteps({
        workspace, prodStack: s.prodStack, drStack: s.drStack, to: s.to,
        timeoutMs: s.timeoutMinutes === undefined ? undefined : s.timeoutMinutes * 60_000,
    }),
    dryRun: () => [],
};
