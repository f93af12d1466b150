// The runbook CLI: `npm run runbook -- <name> [options]`. It resolves options, wires the
// runner's IO to the terminal (or to stderr with --json), asks before data-affecting steps on a
// terminal, refuses them without --yes when there is no terminal to ask, and exits with a code
// scripts can branch on. --dry-run shows the offline plan and touches nothing: no Pulumi
// workspace is created and no AWS call is made.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { createInterface } from "node:readline/promises";
import { RUNBOOKS, RunbookOption, RunbookSettings } from "./runbooks/index";
import { renderTimeline, RunbookIO, RunbookReport, runSteps } from "./runbooks/runner";
import { automationWorkspace, PulumiWorkspace } from "./runbooks/workspace";
import { offlinePlan, OfflinePlanner } from "./runbooks/failover";

/** Exit codes. */
export const EXIT = { ok: 0, failed: 1, usage: 2, declined: 4 } as const;

/** Where the CLI reads and writes; injected by tests, the process by default. */
export interface CliEnv {
    stdout(text: string): void;
    stderr(text: string): void;
    /** stdin and stderr are a terminal, so the operator can be asked. */
    isTTY: boolean;
    /** Asks on the terminal (used only when isTTY). */
    ask(question: string): Promise<string>;
    workspace(dir: string): PulumiWorkspace;
    planner: OfflinePlanner;
    now(): number;
    sleep(ms: number): Promise<void>;
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
        "",
        "runbooks:",
        ...names.map((r) => `  ${r.name.padEnd(width)}  ${r.summary}${r.options.length ? ` (also: ${r.options.map((o) => `--${o}`).join(", ")})` : ""}`),
        "",
        "  --dry-run   show the offline plan of what would change; no Pulumi or AWS call is made",
        "  --yes       run data-affecting steps without asking (required when stdin is not a terminal)",
        "  --json      print one JSON object (the report) on stdout; progress goes to stderr",
        "exit codes: 0 ok, 1 a step failed, 2 usage or config error, 4 declined",
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
    const extras: RunbookOption[] = ["max-lag-seconds", "accept-lag", "timeout-minutes", "from-step", "switchover-at"];
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
    };
    if (settings.switchoverAt !== undefined && Number.isNaN(Date.parse(settings.switchoverAt))) {
        throw new UsageError(`--switchover-at ${JSON.stringify(settings.switchoverAt)} is not allowed; expected an ISO 8601 time such as 2026-12-01T02:00:00Z`);
    }
    if (settings.prodStack === settings.drStack) {
        throw new UsageError(`--prod-stack and --dr-stack are both ${JSON.stringify(settings.prodStack)}; they must be different stacks`);
    }
    return {
        help: false as const, runbook, settings,
        yes: values.yes ?? false, dryRun: values["dry-run"] ?? false, json: values.json ?? false,
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
        if (json) env.stdout(JSON.stringify({ runbook: runbook.name, dryRun: true, ok, plans }, null, 2));
        return ok ? EXIT.ok : EXIT.failed;
    }

    const io: RunbookIO = {
        log: out,
        now: env.now,
        sleep: env.sleep,
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
    try {
        report = await runSteps(runbook.name, runbook.steps({ workspace: env.workspace(settings.dir), settings, planner: env.planner }), io);
    } catch (e: any) {
        // Steps report their own failures; reaching here means building the run failed (configuration).
        env.stderr(`error: ${e?.message ?? e}`);
        return EXIT.usage;
    }
    out(renderTimeline(report));
    if (json) env.stdout(JSON.stringify(report, null, 2));
    if (report.ok) return EXIT.ok;
    return report.steps.some((s) => s.status === "declined") ? EXIT.declined : EXIT.failed;
}

/**
 * The offline planner with console output routed to stderr: the stack program logs through
 * the Pulumi runtime (console.log/info), which must never mix with the JSON on stdout.
 */
const quietPlanner: OfflinePlanner = async (request) => {
    const { log, info } = console;
    console.log = console.error;
    console.info = console.error;
    try {
        return await offlinePlan(request);
    } finally {
        console.log = log;
        console.info = info;
    }
};

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
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
        process.stderr.write(`error: ${e?.stack ?? e}\n`);
        process.exitCode = EXIT.failed;
    });
}
