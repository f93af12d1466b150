// The runbook CLI: `npm run runbook -- <name> [options]`. It resolves options, wires the
// runner's IO to the terminal (or to stderr with --json), asks before data-affecting steps on a
// terminal, refuses them without --yes when there is no terminal to ask, and exits with a code
// scripts can branch on. --dry-run shows the offline plan and touches nothing: no Pulumi
// workspace is created and no AWS call is made. A real run appends its timeline to a file as it
// goes (--timeline, default runbook-logs/<runbook>-<time>.jsonl), and Ctrl-C cancels it: the
// AWS calls and waits in flight stop, `pulumi up` is sent an interrupt, and the timeline is
// printed and saved before the process exits.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { createInterface } from "node:readline/promises";
import { parseRecoverTime } from "./runbooks/recover/window";
import { RUNBOOKS, RunbookOption, RunbookSettings } from "./runbooks/index";
import { setTimeout as sleepFor } from "node:timers/promises";
import { renderTimeline, RunbookIO, RunbookReport, runSteps, TimelineEvent } from "./runbooks/runner";
import { automationWorkspace, PulumiWorkspace, recordingWorkspace } from "./runbooks/workspace";
import { RunCancelledError, setClientPolicy } from "./runbooks/clients";
import { pulumiCliProblem } from "./runbooks/pulumiCli";
import { withProgramLogs } from "./offline/console";
import { offlinePlan, OfflinePlanner } from "./runbooks/failover";

/**
 * Exit codes. `unfenced`: the failover completed and dr serves, but prod's PRIMARY record could
 * not be repointed at dr, so a recovering prod may take traffic back (split-brain protection is
 * missing; the report's warnings say what to run). `interrupted`: Ctrl-C (128 + SIGINT, the
 * shell's convention).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, declined: 4, unfenced: 5, interrupted: 130 } as const;

/** Where the CLI reads and writes; injected by tests, the process by default. */
export interface CliEnv {
    stdout(text: string): void;
    stderr(text: string): void;
    /** stdin and stderr are a terminal, so the operator can be asked. */
    isTTY: boolean;
    /** Asks on the terminal (used only when isTTY). */
    ask(question: string): Promise<string>;
    /** The Pulumi workspace over `dir`; aborting `signal` interrupts a running update. */
    workspace(dir: string, signal?: AbortSignal): PulumiWorkspace;
    planner: OfflinePlanner;
    now(): number;
    /** Waits; rejects when `signal` aborts. */
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
    /** Appends one line to the timeline file. Omitted: no file is written. */
    appendTimeline?(file: string, line: string): void;
    /** Calls `handler` on Ctrl-C; returns the function that stops listening. Omitted: no interrupt. */
    onInterrupt?(handler: () => void): () => void;
    /** Why the Pulumi CLI cannot run (ops/runbooks/pulumiCli.ts), or undefined. Omitted: not checked (a fake workspace). */
    pulumiCliProblem?(): string | undefined;
}

const COMMON_OPTIONS = {
    "prod-stack": { type: "string" },
    "dr-stack": { type: "string" },
    dir: { type: "string" },
    yes: { type: "boolean", short: "y" },
    "dry-run": { type: "boolean" },
    json: { type: "boolean" },
    "max-lag-seconds": { type: "string" },
    "accept-lag": { type: "boolean" },
    "timeout-minutes": { type: "string" },
    "from-step": { type: "string" },
    "switchover-at": { type: "string" },
    to: { type: "string" },
    force: { type: "boolean" },
    timeline: { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

const REPO_ROOT = path.resolve(__dirname, "..");

/** The usage text, listing every registered runbook. */
export function usage(): string {
    const names = Object.values(RUNBOOKS);
    const width = Math.max(...names.map((r) => r.name.length));
    return [
        "usage: npm run runbook -- <name> [--prod-stack prod] [--dr-stack dr] [--dir PATH] [--yes] [--dry-run] [--json]",
        "                              [--max-lag-seconds N] [--accept-lag] [--timeout-minutes N] [--from-step N] [--switchover-at TIME]",
        "                              [--force] [--to TIME] [--timeline FILE]",
        "",
        "runbooks:",
        ...names.map((r) => `  ${r.name.padEnd(width)}  ${r.summary}${r.options.length ? ` (also: ${r.options.map((o) => `--${o}`).join(", ")})` : ""}`),
        "",
        "  --dry-run   show the offline plan of what would change; no Pulumi or AWS call is made",
        "  --yes       run data-affecting steps without asking (required when stdin is not a terminal)",
        "  --json      print one JSON object (the report) on stdout; progress goes to stderr",
        "  --timeline  the file the timeline is appended to as the run goes (JSON lines); default runbook-logs/<runbook>-<time>.jsonl under --dir",
        "exit codes: 0 ok (warnings, if any, are in the report), 1 a step failed, 2 usage or config error, 4 declined,",
        "            5 failover completed but prod is NOT fenced out of DNS, 130 interrupted (Ctrl-C)",
    ].join("\n");
}

class UsageError extends Error {}

function wholeNumber(flag: string, raw: string | undefined, min: number): number | undefined {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min) {
        throw new UsageError(`--${flag} ${JSON.stringify(raw)} is not allowed; it must be a whole number of at least ${min}`);
    }
    return n;
}

/** Parses argv into the runbook name, its settings and the output flags; throws UsageError. */
export function parseCli(argv: string[]) {
    let parsed;
    try {
        parsed = parseArgs({ args: argv, options: COMMON_OPTIONS, allowPositionals: true, strict: true });
    } catch (e: any) {
        throw new UsageError(e?.message ?? String(e));
    }
    const { values, positionals } = parsed;
    if (values.help) return { help: true as const };
    if (positionals.length !== 1) {
        throw new UsageError(positionals.length === 0
            ? "no runbook named; give one of: " + Object.keys(RUNBOOKS).join(", ")
            : `one runbook at a time; got ${positionals.map((p) => JSON.stringify(p)).join(", ")}`);
    }
    const name = positionals[0];
    const runbook = RUNBOOKS[name];
    if (!runbook) throw new UsageError(`unknown runbook ${JSON.stringify(name)}; known: ${Object.keys(RUNBOOKS).join(", ")}`);
    const extras: RunbookOption[] = ["max-lag-seconds", "accept-lag", "timeout-minutes", "from-step", "switchover-at", "force", "to"];
    const notForThis = extras.filter((o) => values[o] !== undefined && !runbook.options.includes(o));
    if (notForThis.length) {
        throw new UsageError(`${notForThis.map((o) => `--${o}`).join(", ")} does not apply to ${name}; `
            + `it accepts ${runbook.options.length ? runbook.options.map((o) => `--${o}`).join(", ") : "no extra options"}`);
    }
    const dir = path.resolve(values.dir ?? REPO_ROOT);
    if (!fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
        throw new UsageError(`--dir ${dir} has no Pulumi.yaml; it must be the pilot-light project folder`);
    }
    const settings: RunbookSettings = {
        prodStack: values["prod-stack"] ?? "prod",
        drStack: values["dr-stack"] ?? "dr",
        dir,
        maxLagSeconds: wholeNumber("max-lag-seconds", values["max-lag-seconds"], 0),
        acceptLag: values["accept-lag"] ?? false,
        timeoutMinutes: wholeNumber("timeout-minutes", values["timeout-minutes"], 1),
        fromStep: wholeNumber("from-step", values["from-step"], 0),
        switchoverAt: values["switchover-at"],
        force: values.force ?? false,
        to: values.to,
    };
    if (settings.switchoverAt !== undefined && Number.isNaN(Date.parse(settings.switchoverAt))) {
        throw new UsageError(`--switchover-at ${JSON.stringify(settings.switchoverAt)} is not allowed; expected an ISO 8601 time such as 2026-12-01T02:00:00Z`);
    }
    if (runbook.options.includes("to")) {
        try {
            parseRecoverTime(settings.to);
        } catch (e: any) {
            throw new UsageError(e.message);
        }
    }
    if (settings.prodStack === settings.drStack) {
        throw new UsageError(`--prod-stack and --dr-stack are both ${JSON.stringify(settings.prodStack)}; they must be different stacks`);
    }
    return {
        help: false as const, runbook, settings,
        yes: values.yes ?? false, dryRun: values["dry-run"] ?? false, json: values.json ?? false, timeline: values.timeline,
    };
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[], env: CliEnv = processEnv()): Promise<number> {
    let cli: ReturnType<typeof parseCli>;
    try {
        cli = parseCli(argv);
    } catch (e: any) {
        if (!(e instanceof UsageError)) throw e;
        env.stderr(`error: ${e.message}\n\n${usage()}`);
        return EXIT.usage;
    }
    if (cli.help) {
        env.stdout(usage());
        return EXIT.ok;
    }
    const { runbook, settings, json } = cli;
    const out = json ? env.stderr : env.stdout;

    if (cli.dryRun) {
        // Every step a real run takes, built against a workspace that refuses use: building a
        // runbook's steps runs none of them.
        const offline: PulumiWorkspace = {
            stack: () => Promise.reject(new Error("no stack is opened in a dry run")),
            backendUrl: () => Promise.reject(new Error("no backend is read in a dry run")),
        };
        const steps = runbook.steps({ workspace: offline, settings, planner: env.planner }).map((s) => s.title);
        out(`${runbook.name} --dry-run: a real run takes these steps (none runs now):\n${steps.map((t, i) => `  ${i + 1}. ${t}`).join("\n")}`);
        const plans = [];
        for (const p of runbook.dryRun(settings)) {
            let plan;
            try {
                plan = await env.planner(p.request);
            } catch (e: any) {
                env.stderr(`error: the offline plan for ${p.what} failed: ${e?.message ?? e}`);
                return EXIT.usage;
            }
            out(`${runbook.name} --dry-run: ${p.what}\n${plan.text}${plan.unsafe.length ? `\nUNSAFE:\n${plan.unsafe.map((u) => `  - ${u}`).join("\n")}` : ""}`);
            plans.push({ what: p.what, stack: p.request.stack, from: p.request.from, to: p.request.to, changes: plan.changes, unsafe: plan.unsafe });
        }
        const ok = plans.every((p) => p.unsafe.length === 0);
        if (json) env.stdout(JSON.stringify({ runbook: runbook.name, dryRun: true, ok, steps, plans }, null, 2));
        return ok ? EXIT.ok : EXIT.failed;
    }

    const noCli = env.pulumiCliProblem?.();
    if (noCli) {
        env.stderr(noCli);
        return EXIT.failed;
    }
    const abort = new AbortController();
    const stopListening = env.onInterrupt?.(() => {
        out("interrupt: cancelling the run (the Pulumi CLI, if running, is sent an interrupt and finishes the operations in flight)");
        abort.abort();
    });
    const restorePolicy = setClientPolicy({ signal: abort.signal });
    const stamp = new Date(env.now()).toISOString().replace(/[:.]/g, "-");
    const timelineFile = cli.timeline ? path.resolve(cli.timeline) : path.join(settings.dir, "runbook-logs", `${runbook.name}-${stamp}.jsonl`);
    const io: RunbookIO = {
        log: out,
        now: env.now,
        sleep: (ms) => env.sleep(ms, abort.signal),
        signal: abort.signal,
        record: env.appendTimeline ? (event: TimelineEvent) => env.appendTimeline!(timelineFile, JSON.stringify(event)) : undefined,
        async confirm(question) {
            if (cli.yes) return true;
            if (!env.isTTY) {
                env.stderr(`refusing: "${question}" needs an answer and stdin is not a terminal; pass --yes to run data-affecting steps unattended`);
                return false;
            }
            return /^y(es)?$/i.test((await env.ask(`${question} [y/N] `)).trim());
        },
    };
    let report: RunbookReport;
    const recorded = recordingWorkspace(env.workspace(settings.dir, abort.signal));
    try {
        report = await runSteps(runbook.name, runbook.steps({ workspace: recorded.workspace, settings, planner: env.planner }), io);
    } catch (e: any) {
        // Steps report their own failures; reaching here means building the run failed (configuration).
        env.stderr(`error: ${e?.message ?? e}`);
        return EXIT.usage;
    } finally {
        restorePolicy();
        stopListening?.();
    }
    const changed = recorded.changes();
    if (changed.length) report.notes = [...(report.notes ?? []), ...configNotes(settings.dir, changed)];
    out(renderTimeline(report));
    if (env.appendTimeline) out(`timeline saved to ${timelineFile}`);
    if (json) env.stdout(JSON.stringify({ ...report, ...(env.appendTimeline ? { timelineFile } : {}) }, null, 2));
    return exitCode(report);
}

/** The exit code of a finished run (see EXIT). */
export function exitCode(report: RunbookReport): number {
    if (report.interrupted) return EXIT.interrupted;
    if (!report.ok) return report.steps.some((s) => s.status === "declined") ? EXIT.declined : EXIT.failed;
    return report.warnings.some((w) => w.code === "unfenced") ? EXIT.unfenced : EXIT.ok;
}

/**
 * Runbook state kept in stack config (pilot-light:promote and the failback keys): the Automation
 * API writes it to Pulumi.<stack>.yaml in this checkout, so it must be committed, or the next
 * run from another checkout acts on the old values.
 */
function configNotes(dir: string, changes: Array<{ stack: string; key: string; value?: string }>): string[] {
    const byStack = new Map<string, string[]>();
    for (const c of changes) byStack.set(c.stack, [...(byStack.get(c.stack) ?? []), c.value === undefined ? `${c.key} removed` : `${c.key}=${c.value}`]);
    return [...byStack].map(([stack, keys]) => `Config changed on ${stack}: ${[...new Set(keys)].join(", ")}; commit `
        + `${path.join(dir, `Pulumi.${stack.split("/").pop()}.yaml`)} so another checkout does not act on the old values`);
}

/**
 * The offline planner with console output routed to stderr: the stack program logs through
 * the Pulumi runtime (console.log/info), which must never mix with the JSON on stdout.
 */
const quietPlanner: OfflinePlanner = (request) => withProgramLogs("stderr", () => offlinePlan(request));

function processEnv(): CliEnv {
    return {
        stdout: (t) => process.stdout.write(t + "\n"),
        stderr: (t) => process.stderr.write(t + "\n"),
        isTTY: Boolean(process.stdin.isTTY && process.stderr.isTTY),
        async ask(question) {
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            try { return await rl.question(question); } finally { rl.close(); }
        },
        workspace: automationWorkspace,
        planner: quietPlanner,
        now: () => Date.now(),
        async sleep(ms, signal) {
            try {
                await sleepFor(ms, undefined, { signal });
            } catch (e: any) {
                throw e?.name === "AbortError" ? new RunCancelledError("the next poll") : e;
            }
        },
        appendTimeline(file, line) {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.appendFileSync(file, line + "\n");
        },
        onInterrupt(handler) {
            process.once("SIGINT", handler);
            return () => process.removeListener("SIGINT", handler);
        },
        pulumiCliProblem: () => pulumiCliProblem(process.env.PATH ?? "", os.homedir()),
    };
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
        process.stderr.write(`error: ${e?.stack ?? e}\n`);
        process.exitCode = EXIT.failed;
    });
}
