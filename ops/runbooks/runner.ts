// The step runner every runbook uses. A runbook is an ordered list of steps; the runner runs
// them one at a time, measures each, shows progress, and stops at the first failure with a
// message that names the step and says what state things were left in. The timeline it returns
// is the real RTO record of a failover: measured durations, not estimates.

/** Where a runbook talks to the operator. The CLI wires it to the terminal; tests to fakes. */
export interface RunbookIO {
    /** A progress or info line. In --json mode the CLI sends these to stderr. */
    log(line: string): void;
    /** Asks a yes/no question. The CLI answers yes without asking when --yes is given. */
    confirm(question: string): Promise<boolean>;
    /** Milliseconds since the epoch. Injected so tests can drive time. */
    now(): number;
    /** Waits. Injected so tests of polling loops run instantly. */
    sleep(ms: number): Promise<void>;
}

/** What a step's body receives. */
export interface StepContext {
    io: RunbookIO;
    /** A progress line for a long step, prefixed with the step's title and elapsed time. */
    progress(message: string): void;
}

export interface Step {
    /** Stable identifier, used in --json output and tests, e.g. "preflight.replica". */
    id: string;
    /** What the operator reads, e.g. "Promote the dr replica and build the app tier". */
    title: string;
    /**
     * A step that changes or could lose data (promote, retire a DB, reverse replication). The
     * runner shows `plan` (when given) and asks before running it, unless --yes.
     */
    dataAffecting?: boolean;
    /** What the step will do, shown before a data-affecting step asks for confirmation. */
    plan?: (ctx: StepContext) => Promise<string>;
    /** Does the work. Returns a one-line result for the timeline. Throws to stop the runbook. */
    run(ctx: StepContext): Promise<string | void>;
}

export type StepStatus = "ok" | "failed" | "declined" | "not-run";

export interface StepRecord {
    id: string;
    title: string;
    status: StepStatus;
    /** ISO time the step started (absent when not run). */
    startedAt?: string;
    durationSeconds?: number;
    detail?: string;
    error?: string;
}

export interface RunbookReport {
    runbook: string;
    ok: boolean;
    startedAt: string;
    durationSeconds: number;
    steps: StepRecord[];
    /** Why the runbook stopped early, naming the step; absent when every step ran. */
    stoppedBecause?: string;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

export function formatDuration(totalSeconds: number): string {
    const s = Math.round(totalSeconds);
    if (s < 60) return `${totalSeconds.toFixed(1)}s`;
    const m = Math.floor(s / 60);
    return m < 60 ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * Runs the steps in order. A thrown error, or a "no" to a data-affecting step, stops the run:
 * later steps are recorded as not run, and the report says which step stopped it and why.
 * The runner itself changes nothing; each step is responsible for leaving state as it found it
 * when it fails (for example restoring the config value it set).
 */
export async function runSteps(runbook: string, steps: Step[], io: RunbookIO): Promise<RunbookReport> {
    const started = io.now();
    const records: StepRecord[] = steps.map((s) => ({ id: s.id, title: s.title, status: "not-run" as StepStatus }));
    let stoppedBecause: string | undefined;
    for (let i = 0; i < steps.length; i++) {
        const step = steps[i];
        const record = records[i];
        const stepStart = io.now();
        const ctx: StepContext = {
            io,
            progress: (message) => io.log(`  [${formatDuration(seconds(io.now() - stepStart))}] ${message}`),
        };
        io.log(`▶ ${i + 1}/${steps.length} ${step.title}`);
        try {
            if (step.dataAffecting) {
                if (step.plan) {
                    io.log((await step.plan(ctx)).split("\n").map((l) => `    ${l}`).join("\n"));
                }
                if (!(await io.confirm(`${step.title}: this changes data. Continue?`))) {
                    record.status = "declined";
                    stoppedBecause = `step ${i + 1} (${step.title}) was declined; nothing in it ran`;
                    io.log(`✗ declined: ${step.title}`);
                    break;
                }
            }
            record.startedAt = new Date(io.now()).toISOString();
            const detail = await step.run(ctx);
            record.status = "ok";
            if (detail) record.detail = detail;
            record.durationSeconds = seconds(io.now() - stepStart);
            io.log(`✓ ${step.title} (${formatDuration(record.durationSeconds)})${detail ? `: ${detail}` : ""}`);
        } catch (e: any) {
            record.status = "failed";
            record.startedAt ??= new Date(stepStart).toISOString();
            record.durationSeconds = seconds(io.now() - stepStart);
            record.error = e?.message ?? String(e);
            stoppedBecause = `step ${i + 1} (${step.title}) failed: ${record.error}`;
            io.log(`✗ ${step.title} failed after ${formatDuration(record.durationSeconds)}: ${record.error}`);
            break;
        }
    }
    return {
        runbook,
        ok: stoppedBecause === undefined,
        startedAt: new Date(started).toISOString(),
        durationSeconds: seconds(io.now() - started),
        steps: records,
        ...(stoppedBecause ? { stoppedBecause } : {}),
    };
}

/** The timeline as a table: the measured duration of each step and the total. */
export function renderTimeline(report: RunbookReport): string {
    const rows = report.steps.map((s, i) => [
        String(i + 1),
        s.status,
        s.durationSeconds === undefined ? "-" : formatDuration(s.durationSeconds),
        s.title + (s.detail ? ` — ${s.detail}` : "") + (s.error ? ` — ${s.error}` : ""),
    ]);
    const header = ["#", "status", "took", "step"];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((v, c) => (c === r.length - 1 ? v : v.padEnd(widths[c]))).join("  ");
    return [
        `${report.runbook}: ${report.ok ? "completed" : "STOPPED"} in ${formatDuration(report.durationSeconds)} (started ${report.startedAt})`,
        line(header),
        ...rows.map(line),
        ...(report.stoppedBecause ? [`Stopped: ${report.stoppedBecause}`] : []),
    ].join("\n");
}

/** Polls `check` until it returns a value, or throws after `timeoutMs` with `what` in the message. */
export async function waitFor<T>(ctx: StepContext, what: string, check: () => Promise<T | undefined>,
    opts: { timeoutMs: number; intervalMs: number }): Promise<T> {
    const start = ctx.io.now();
    for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (ctx.io.now() - start >= opts.timeoutMs) {
            throw new Error(`timed out after ${formatDuration(opts.timeoutMs / 1000)} waiting for ${what}`);
        }
        ctx.progress(`waiting for ${what}`);
        await ctx.io.sleep(opts.intervalMs);
    }
}
