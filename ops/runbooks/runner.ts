// The step runner every runbook uses. A runbook is an ordered list of steps; the runner runs
// them one at a time, measures each, shows progress, and stops at the first failure with a
// message that names the step and says what state things were left in. The timeline it returns
// is the real RTO record of a failover: measured durations, not estimates. Every event is also
// handed to `io.record` as it happens (the CLI appends it to a file), so a run that is killed
// or hangs still leaves its record; an aborted `io.signal` (Ctrl-C) stops the run at once with
// the step in flight marked interrupted.
import { RunCancelledError } from "./clients";

/** Where a runbook talks to the operator. The CLI wires it to the terminal; tests to fakes. */
export interface RunbookIO {
    /** A progress or info line. In --json mode the CLI sends these to stderr. */
    log(line: string): void;
    /** Asks a yes/no question. The CLI answers yes without asking when --yes is given. */
    confirm(question: string): Promise<boolean>;
    /** Milliseconds since the epoch. Injected so tests can drive time. */
    now(): number;
    /** Waits. Injected so tests of polling loops run instantly. Rejects when `signal` aborts. */
    sleep(ms: number): Promise<void>;
    /** Aborted when the operator interrupts the run (Ctrl-C). */
    signal?: AbortSignal;
    /** Receives every timeline event as it happens (the CLI appends them to the timeline file). */
    record?(event: TimelineEvent): void;
}

/** One line of the timeline file: an ISO time and what happened. */
export type TimelineEvent = { at: string } & (
    | { event: "run-start"; runbook: string; steps: string[] }
    | { event: "step-start"; step: string; title: string }
    | { event: "step-end"; step: string; status: StepStatus; durationSeconds: number; detail?: string; error?: string }
    | { event: "log"; line: string }
    | { event: "run-end"; ok: boolean; durationSeconds: number; stoppedBecause?: string; warnings: RunbookWarning[] }
);

/**
 * What a step returns when it finished but could not do all of its job, and the run should go on:
 * the step is recorded with status "warning" and the report lists it. `code` lets a script tell
 * warnings apart (the CLI maps "unfenced" to its own exit code).
 */
export interface StepWarning {
    warning: string;
    code: WarningCode;
}

/** The kinds of warning a runbook step reports. */
export type WarningCode =
    /** The fence of prod's PRIMARY record failed: split-brain protection is missing. */
    | "unfenced"
    /** A check was skipped or could not be completed (best effort): the message says which and why. */
    | "unchecked";

export function stepWarning(code: WarningCode, warning: string): StepWarning {
    return { code, warning };
}

/** A warning as the report lists it. */
export interface RunbookWarning {
    step: string;
    code: WarningCode;
    message: string;
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
    /**
     * Does the work. Returns a one-line result for the timeline, or a StepWarning when it could
     * only do part of it. Throws to stop the runbook.
     */
    run(ctx: StepContext): Promise<string | void | StepWarning>;
    /**
     * What the operator must do when the run is interrupted during this step (for example the
     * recovery of a `pulumi up` cut short), or undefined when nothing is needed. Added to the
     * report's notes.
     */
    onInterrupt?(): string | undefined;
}

export type StepStatus = "ok" | "warning" | "failed" | "declined" | "interrupted" | "not-run";

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
    /** Steps that finished with a warning, in order. */
    warnings: RunbookWarning[];
    /** The run was interrupted (Ctrl-C). */
    interrupted?: boolean;
    /** Notes the runbook adds after its steps (for example the stack config files to commit). */
    notes?: string[];
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
 * later steps are recorded as not run, and the report says which step stopped it and why. An
 * aborted `io.signal` stops it too, without waiting for the step in flight (its own waits and
 * calls are cancelled by the same signal). The runner itself changes nothing; each step is
 * responsible for leaving state as it found it when it fails (for example restoring the config
 * value it set).
 */
export async function runSteps(runbook: string, steps: Step[], io: RunbookIO): Promise<RunbookReport> {
    const started = io.now();
    const records: StepRecord[] = steps.map((s) => ({ id: s.id, title: s.title, status: "not-run" as StepStatus }));
    const warnings: RunbookWarning[] = [];
    const at = () => new Date(io.now()).toISOString();
    const emit = (event: DistributiveOmit<TimelineEvent, "at">) => io.record?.({ at: at(), ...event } as TimelineEvent);
    const log = (line: string) => { io.log(line); emit({ event: "log", line }); };
    const logged: RunbookIO = { ...io, log };
    emit({ event: "run-start", runbook, steps: steps.map((s) => s.id) });
    let stoppedBecause: string | undefined;
    let interrupted = false;
    const notes: string[] = [];
    for (let i = 0; i < steps.length; i++) {
        const step = steps[i];
        const record = records[i];
        const stepStart = io.now();
        const ctx: StepContext = {
            io: logged,
            progress: (message) => log(`  [${formatDuration(seconds(io.now() - stepStart))}] ${message}`),
        };
        const finish = (status: StepStatus) => {
            record.status = status;
            record.startedAt ??= new Date(stepStart).toISOString();
            record.durationSeconds = seconds(io.now() - stepStart);
            emit({ event: "step-end", step: step.id, status, durationSeconds: record.durationSeconds,
                ...(record.detail ? { detail: record.detail } : {}), ...(record.error ? { error: record.error } : {}) });
        };
        if (io.signal?.aborted) {
            interrupted = true;
            stoppedBecause = `interrupted before step ${i + 1} (${step.title})`;
            break;
        }
        log(`▶ ${i + 1}/${steps.length} ${step.title}`);
        emit({ event: "step-start", step: step.id, title: step.title });
        try {
            const result = await untilAborted(io.signal, (async () => {
                if (step.dataAffecting) {
                    if (step.plan) {
                        log((await step.plan(ctx)).split("\n").map((l) => `    ${l}`).join("\n"));
                    }
                    if (!(await io.confirm(`${step.title}: this changes data. Continue?`))) return DECLINED;
                }
                record.startedAt = at();
                return step.run(ctx);
            })());
            if (result === DECLINED) {
                finish("declined");
                stoppedBecause = `step ${i + 1} (${step.title}) was declined; nothing in it ran`;
                log(`✗ declined: ${step.title}`);
                break;
            }
            if (isWarning(result)) {
                record.detail = `WARNING: ${result.warning}`;
                warnings.push({ step: step.id, code: result.code, message: result.warning });
                finish("warning");
                log(`⚠ ${step.title} (${formatDuration(record.durationSeconds!)}): ${record.detail}`);
                continue;
            }
            if (result) record.detail = result;
            finish("ok");
            log(`✓ ${step.title} (${formatDuration(record.durationSeconds!)})${result ? `: ${result}` : ""}`);
        } catch (e: any) {
            record.error = e?.message ?? String(e);
            if (io.signal?.aborted || e instanceof RunCancelledError) {
                interrupted = true;
                finish("interrupted");
                stoppedBecause = `interrupted (Ctrl-C) during step ${i + 1} (${step.title}) after ${formatDuration(record.durationSeconds!)}`;
                log(`✗ ${step.title}: interrupted`);
                const note = step.onInterrupt?.();
                if (note) notes.push(note);
                break;
            }
            finish("failed");
            stoppedBecause = `step ${i + 1} (${step.title}) failed: ${record.error}`;
            log(`✗ ${step.title} failed after ${formatDuration(record.durationSeconds!)}: ${record.error}`);
            break;
        }
    }
    const report: RunbookReport = {
        runbook,
        ok: stoppedBecause === undefined,
        startedAt: new Date(started).toISOString(),
        durationSeconds: seconds(io.now() - started),
        steps: records,
        warnings,
        ...(stoppedBecause ? { stoppedBecause } : {}),
        ...(interrupted ? { interrupted } : {}),
        ...(notes.length ? { notes } : {}),
    };
    emit({ event: "run-end", ok: report.ok, durationSeconds: report.durationSeconds, warnings,
        ...(stoppedBecause ? { stoppedBecause } : {}) });
    return report;
}

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

const DECLINED = Symbol("declined");

function isWarning(value: unknown): value is StepWarning {
    return typeof value === "object" && value !== null && typeof (value as StepWarning).warning === "string";
}

/**
 * `work`, or a RunCancelledError as soon as `signal` aborts, whichever comes first. The work is
 * not awaited after an abort: its own calls see the same signal and stop on their own.
 */
export function untilAborted<T>(signal: AbortSignal | undefined, work: Promise<T>): Promise<T> {
    if (!signal) return work;
    if (signal.aborted) {
        work.catch(() => undefined);
        return Promise.reject(new RunCancelledError("the current step"));
    }
    return new Promise<T>((resolve, reject) => {
        const onAbort = () => { work.catch(() => undefined); reject(new RunCancelledError("the current step")); };
        signal.addEventListener("abort", onAbort, { once: true });
        work.then((v) => { signal.removeEventListener("abort", onAbort); resolve(v); },
            (e) => { signal.removeEventListener("abort", onAbort); reject(e); });
    });
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
        `${report.runbook}: ${report.ok ? (report.warnings.length ? "completed WITH WARNINGS" : "completed") : report.interrupted ? "INTERRUPTED" : "STOPPED"} in ${formatDuration(report.durationSeconds)} (started ${report.startedAt})`,
        line(header),
        ...rows.map(line),
        ...(report.stoppedBecause ? [`Stopped: ${report.stoppedBecause}`] : []),
        ...report.warnings.map((w) => `Warning (${w.code}, ${w.step}): ${w.message}`),
        ...(report.notes ?? []),
    ].join("\n");
}

const WAITING = Symbol("waiting");

/** What a poll's check returns while the condition does not hold yet; `state` is what it saw. */
export interface Waiting {
    readonly [WAITING]: true;
    readonly state?: string;
}

/** "Not yet", with what was seen (shown as progress and in the timeout message). */
export function waiting(state?: string): Waiting {
    return { [WAITING]: true, ...(state === undefined ? {} : { state }) };
}

function isWaiting(value: unknown): value is Waiting {
    return typeof value === "object" && value !== null && WAITING in value;
}

/**
 * The one polling primitive of the runbooks: calls `check` until it returns something other
 * than `waiting(...)`, sleeping `intervalMs` between calls (never past the deadline), and throws
 * after `timeoutMs` naming `what` and the last state seen. The sleep is the IO's, so Ctrl-C
 * (the run's signal) cancels it; a check that hangs is bounded by the AWS clients' own timeouts
 * (clients.ts), which is the most the deadline can be overrun by.
 */
export async function pollUntil<T>(ctx: StepContext, what: string, check: () => Promise<T | Waiting>,
    timing: { timeoutMs: number; intervalMs: number }): Promise<T> {
    const start = ctx.io.now();
    for (;;) {
        const result = await check();
        if (!isWaiting(result)) return result;
        const elapsed = ctx.io.now() - start;
        if (elapsed >= timing.timeoutMs) {
            throw new Error(`timed out after ${formatDuration(timing.timeoutMs / 1000)} waiting for ${what}`
                + (result.state === undefined ? "" : `; last seen: ${result.state}`));
        }
        ctx.progress(result.state === undefined ? `waiting for ${what}` : `waiting for ${what}: ${result.state}`);
        await ctx.io.sleep(Math.min(timing.intervalMs, timing.timeoutMs - elapsed));
    }
}
