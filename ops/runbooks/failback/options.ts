// The failback runbook's options and wait limits, validated before any step is built.
import type { DnsClient } from "../dns";
import type { OfflinePlanner } from "../failover";
import type { PulumiWorkspace } from "../workspace";

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
    /**
     * Step 6: prod's new generation's backups replication into dr becoming "replicating" before the
     * old generation's is stopped. Defaults to 1 hour; after it the old one is left running (a warning).
     */
    backupsMs: number;
    /** How often every wait polls. Defaults to 30 seconds. */
    pollMs: number;
}

export const DEFAULT_TIMEOUTS: FailbackTimeouts = {
    snapshotMs: 6 * 3600_000, replicaMs: 24 * 3600_000, catchUpMs: 2 * 3600_000, freezeMs: 15 * 60_000,
    drainMs: 20 * 60_000, targetsMs: 20 * 60_000, dnsMs: 10 * 60_000, backupsMs: 3600_000, pollMs: 30_000,
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
    /** Resume at this step, 0 to 6, after a stop; step 0 (preflight, read-only) always runs first. Defaults to 0 (everything). */
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
    /** How DNS is asked at the switchover (the zone's own name servers). Defaults to `systemDns()`. */
    dns?: DnsClient;
}

/** The last failback step number. */
export const LAST_STEP = 6;

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
