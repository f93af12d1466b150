// Failback: returning the workload to the original (prod) region after a failover promoted dr.
// A promoted replica cannot be demoted, so failback rebuilds in the other direction: prod's old
// database is snapshotted and retired, prod gets a new cross-region replica of dr's database,
// media written during the outage is copied back, and at a scheduled moment dr's writes are
// frozen, prod's replica is promoted in place and DNS moves back (undoing the failover's fence
// of prod's PRIMARY record). Then dr's promoted database is retired the same way and dr gets
// a fresh replica of prod: pilot light again. Last, the old prod generation's automated-backups
// replication into dr is stopped (its copies kept to their retention), once the new one replicates.
//
// Steps (the number is what --from-step takes; preflight always runs):
//   0 preflight (read-only)               3 reverse the media sync (data)
//   1 snapshot + retire the old prod DB   4 scheduled switchover (data; the brief write outage)
//   2 build prod's replica (data)         5 retire dr's DB and rebuild dr's replica (data)
//                                         6 stop the old generation's backups replication into dr (data; copies kept)
// A failing step puts back the config values it set unless what they created already exists;
// its message then says what exists and how to resume. docs/runbooks/failback.md has timings.
//
// One file per step (stepN*.ts), built from the context they share (context.ts); the plans of
// their config changes are pure (plans.ts). The primitives they use are the ones every runbook
// uses: pollUntil (runner.ts), changeConfig (workspace.ts), waitTargetsHealthy (aws.ts), Route 53
// health and the fence (route53.ts), DNS asked of the zone's name servers (dns.ts).
import { RunbookIO, RunbookReport, runSteps, Step } from "../runner";
// Type-only: index.ts imports this module at run time, so a value import back would be a cycle.
import type { RunbookDefinition } from "../index";
import { failbackContext } from "./context";
import { FailbackOptions, FailbackTimeouts } from "./options";
import { failbackDryRunPlans } from "./plans";
import { preflightStep } from "./step0Preflight";
import { retireProdStep } from "./step1RetireProd";
import { buildProdReplicaStep } from "./step2ProdReplica";
import { reverseMediaStep } from "./step3ReverseMedia";
import { switchoverStep } from "./step4Switchover";
import { rebuildDrStep } from "./step5RebuildDr";
import { retireBackupsStep } from "./step6RetireBackups";

export * from "./options";
export * from "./plans";
export * from "./switchoverPieces";
export { diffText, refuseUnsafe, upWithProgress, describeChanges } from "../updates";
export type { DiffSummary } from "../updates";
export { changeConfig } from "../workspace";
export { waitTargetsHealthy } from "../aws";
export { waitHealthCheck } from "../route53";

/**
 * The failback steps, preflight first, then steps `fromStep`..5. With `dryRun` every step only
 * shows its plan (the offline diff, names, counts) and changes nothing.
 */
export function failbackSteps(opts: FailbackOptions): Step[] {
    const c = failbackContext(opts);
    const numbered: Array<[number, Step]> = [[1, retireProdStep(c)], [2, buildProdReplicaStep(c)], [3, reverseMediaStep(c)],
        [4, switchoverStep(c)], [5, rebuildDrStep(c)], [6, retireBackupsStep(c)]];
    const steps = [preflightStep(c), ...numbered.filter(([n]) => n >= c.from).map(([, s]) => s)];
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

/** `--timeout-minutes` bounds the operator-facing waits; snapshot and replica creation keep their hour-scale limits. */
function cliTimeouts(minutes: number | undefined): Partial<FailbackTimeouts> {
    if (minutes === undefined) return {};
    const ms = minutes * 60_000;
    return { freezeMs: ms, drainMs: ms, targetsMs: ms, dnsMs: ms, backupsMs: ms };
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

