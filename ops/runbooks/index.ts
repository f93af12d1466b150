// The runbook registry: every runbook the CLI (ops/runbook.ts) can run, with its one-line
// summary, the CLI options it accepts beyond the common ones, how to build its steps, and what
// `--dry-run` plans offline. A runbook module knows nothing about the CLI; this file is the glue.
import { Step } from "./runner";
import { PulumiWorkspace } from "./workspace";
import { failoverSteps, KEYS, lastSegment, OfflinePlanner, PlanRequest, promotionRequest } from "./failover";
import { bootstrapSteps } from "./bootstrap";
import { failbackRunbook } from "./failback";
import { drillRunbook } from "./drill";
import { hardenRunbook } from "./harden";
import { recoverRunbook } from "./recover";

/** CLI options a runbook may accept on top of the common ones (stacks, --dir, --yes, --dry-run, --json). */
export type RunbookOption = "max-lag-seconds" | "accept-lag" | "timeout-minutes" | "from-step" | "switchover-at" | "force" | "to";

/** The settings the CLI resolved, handed to every runbook. */
export interface RunbookSettings {
    /** The prod stack's name (`--prod-stack`, default `prod`). */
    prodStack: string;
    /** The dr stack's name (`--dr-stack`, default `dr`). */
    drStack: string;
    /** The Pulumi project folder (`--dir`, default the repository root). */
    dir: string;
    /** `--max-lag-seconds`; undefined means the runbook's own default. */
    maxLagSeconds?: number;
    /** `--accept-lag`. */
    acceptLag: boolean;
    /** `--timeout-minutes` for each wait; undefined means the runbook's own default. */
    timeoutMinutes?: number;
    /** failback: `--from-step N`, resume at step N (preflight always runs). */
    fromStep?: number;
    /** failback: `--switchover-at <ISO time>`, when step 4 may start. */
    switchoverAt?: string;
    /** failover: `--force`, promote even though Route 53's checkers see prod healthy. */
    force: boolean;
    /** recover: `--to <ISO time>`, the time to restore to. */
    to?: string;
}

/** What a runbook's steps are built from. */
export interface RunbookContext {
    /** The Pulumi workspace (Automation API, or a fake in tests). */
    workspace: PulumiWorkspace;
    settings: RunbookSettings;
    /** The offline planner, for the plan shown before a data-affecting step. */
    planner: OfflinePlanner;
}

/** One offline plan that `--dry-run` computes, with what it stands for. */
export interface DryRunPlan {
    /** e.g. "promote: pilot-light:promote false→true on dr". */
    what: string;
    request: PlanRequest;
}

/** A runbook as the CLI sees it. */
export interface RunbookDefinition {
    /** The CLI name, e.g. `failover`. */
    name: string;
    /** One line for `--help`. */
    summary: string;
    /** The extra options it accepts; any other extra option is a usage error. */
    options: readonly RunbookOption[];
    /** Builds the steps; nothing runs until the runner calls them. */
    steps(ctx: RunbookContext): Step[];
    /** The offline plans `--dry-run` shows; computed without any workspace or AWS call. */
    dryRun(settings: RunbookSettings): DryRunPlan[];
}

const failover: RunbookDefinition = {
    name: "failover",
    summary: "Promote the dr replica, build the app tier in dr, and verify targets and DNS (after read-only preflight checks)",
    options: ["max-lag-seconds", "accept-lag", "timeout-minutes", "force"],
    steps: ({ workspace, settings: s, planner }) => failoverSteps({
        workspace, planner, prodStack: s.prodStack, drStack: s.drStack, dir: s.dir,
        maxLagSeconds: s.maxLagSeconds, acceptLag: s.acceptLag,
        timeoutMs: s.timeoutMinutes === undefined ? undefined : s.timeoutMinutes * 60_000, force: s.force,
    }),
    dryRun: (s) => [{ what: `promote: ${KEYS.promote} false→true on ${s.drStack}`, request: promotionRequest(s.dir, s.drStack) }],
};

const bootstrap: RunbookDefinition = {
    name: "bootstrap",
    summary: "First deploy in order: prod without replication, dr, then prod with replication on",
    options: [],
    steps: ({ workspace, settings: s }) => bootstrapSteps({ workspace, prodStack: s.prodStack, drStack: s.drStack, dir: s.dir }),
    // The first two ups create everything, which a config diff cannot show; the last one is the
    // change worth reviewing: what turning replication on does to a deployed prod.
    dryRun: (s) => [{
        what: `step 3: ${KEYS.replicateToPeer} false→true on ${s.prodStack}`,
        request: { dir: s.dir, stack: lastSegment(s.prodStack), from: { [KEYS.replicateToPeer]: "false" }, to: { [KEYS.replicateToPeer]: "true" } },
    }],
};

/**
 * Every runbook by CLI name. To add one, export a `RunbookDefinition` from its module
 * (`import type { RunbookDefinition } from "./index"` avoids an import cycle) and list it here.
 */
export const RUNBOOKS: Readonly<Record<string, RunbookDefinition>> = {
    failover,
    bootstrap,
    failback: failbackRunbook, drill: drillRunbook, harden: hardenRunbook, recover: recoverRunbook,
};
