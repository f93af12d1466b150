// `npm run bench`: how long offline planning takes, as ratios measured in one run. It never
// asserts a timing: machines differ, so only the ratios mean something, and only roughly.
//
// The headline is the whole process a user waits for: `npm run -s plan -- --stack dr --promote
// --json` (npm's start, the TypeScript loader, every plan the command makes and its reports)
// against bare module load, `node -e 'require("@pulumi/pulumi"); require("@pulumi/aws");
// require("@pulumi/policy")'`. Each is run RUNS times and the median taken; the load average is
// printed beside it, since a shared machine slows both. Target: 5× or less.
//
// Then the parts, each a fresh child process (`node -r ops/register.js ops/bench.ts --child
// ...`), so no run profits from another's warm module cache or JIT:
//   (a) baseline: start node and the TypeScript loader, then load what a plan loads without planning anything:
//       @pulumi/pulumi, @pulumi/aws (with every provider submodule the plans below use: the SDK
//       loads those lazily, on first use), @pulumi/random, the program's entry stacks/index.ts
//       compiled and loaded but not called, and the offline tooling (planner, diff, policy pack).
//   (b) plan: the same start, then plan prod, dr standby and dr promoted and evaluate the policy
//       pack on each, as `npm run plan` does. plan ÷ baseline says how much of a plan is work
//       rather than start-up.
//   (c) growth: one Network and N AppTiers (distinct names) run under the offline engine, N = 1
//       and 10, timed in-process after the modules (and submodules) are loaded, so the ratio is
//       planning time beyond the module-load baseline. With resource counts beside it:
//       10× the app-tier resources at ≈ 10× the time means planning grows linearly.
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { withProgramLogs } from "./offline/console";

const ROOT = path.join(__dirname, "..");

/** What a child prints on its last stdout line. */
interface ChildReport {
    loadMs: number;
    planMs?: number;
    plans?: { stack: string; promote: boolean; ms: number; resources: number; violations: number }[];
    /** @pulumi/aws submodules the plans used (`ec2`, `rds`, ...). */
    awsModules?: string[];
    resources?: number;
    appTierResources?: number;
}

/** Loads what planning needs, touching each @pulumi/aws submodule so its lazy load happens here. */
function loadModules(awsModules: string[]): void {
    /* eslint-disable @typescript-eslint/no-var-requires */
    require("@pulumi/pulumi");
    const aws = require("@pulumi/aws");
    for (const m of awsModules) void aws[m];
    require("@pulumi/random");
    require(path.join(ROOT, "stacks", "index.ts"));
    require("./offline/planner");
    require("./diff");
    require("./policy/evaluate");
    /* eslint-enable @typescript-eslint/no-var-requires */
}


async function childBaseline(awsModules: string[]): Promise<ChildReport> {
    const t0 = performance.now();
    loadModules(awsModules);
    return { loadMs: performance.now() - t0 };
}

async function childPlan(): Promise<ChildReport> {
    const t0 = performance.now();
    const { planStack } = require("./offline/planner") as typeof import("./offline/planner");
    const { evaluatePlan } = require("./policy/evaluate") as typeof import("./policy/evaluate");
    const loadMs = performance.now() - t0;
    const plans: NonNullable<ChildReport["plans"]> = [];
    const types = new Set<string>();
    for (const [stack, promote] of [["prod", undefined], ["dr", false], ["dr", true]] as const) {
        const start = performance.now();
        const plan = await withProgramLogs("stderr", () => planStack({ dir: ROOT, stack, promote }));
        const violations = await evaluatePlan(plan);
        plans.push({ stack, promote: plan.promote, ms: performance.now() - start, resources: plan.resources.filter((r) => r.custom).length, violations: violations.length });
        for (const r of plan.resources) types.add(r.type);
    }
    const awsModules = [...new Set([...types].filter((t) => t.startsWith("aws:")).map((t) => t.split(":")[1].split("/")[0]))].sort();
    return { loadMs, plans, awsModules };
}

async function childGrowth(tiers: number, awsModules: string[]): Promise<ChildReport> {
    const t0 = performance.now();
    loadModules(awsModules);
    const { runOffline } = require("./offline/engine") as typeof import("./offline/engine");
    const { Network } = require("../components/basic") as typeof import("../components/basic");
    const { AppTier } = require("../components/app") as typeof import("../components/app");
    const loadMs = performance.now() - t0;
    const start = performance.now();
    const run = await withProgramLogs("stderr", () => runOffline({ project: "pilot-light", stack: "bench", region: "us-east-1", config: {} }, () => {
        const network = new Network("network", { vpcCidr: "10.30.0.0/16", availabilityZones: ["us-east-1a", "us-east-1b"] });
        for (let i = 1; i <= tiers; i++) {
            new AppTier(`app${i}`, {
                network,
                database: { address: "db.bench.internal", port: 3306, credentialsSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-db" },
                media: { bucketName: "bench-media", bucketArn: "arn:aws:s3:::bench-media" },
                accessLogBucket: "bench-logs",
                imageId: "ami-0123456789abcdef0",
                instanceType: "t3.medium",
                minSize: 2, maxSize: 4, desiredCapacity: 2,
                cacheNodeType: "cache.t4g.small",
                cacheEndpointParameter: `/bench/app${i}/cache-endpoint`,
                highAvailability: true,
            });
        }
        return {};
    }));
    const planMs = performance.now() - start;
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const inTier = (urn: string | undefined): boolean => {
        const r = urn ? byUrn.get(urn) : undefined;
        return r !== undefined && (r.type === "pilot-light:app:AppTier" || inTier(r.parent));
    };
    const custom = run.resources.filter((r) => r.custom);
    return { loadMs, planMs, resources: custom.length, appTierResources: custom.filter((r) => inTier(r.parent)).length };
}

/** Runs this file as a child in `mode`; returns its report and its wall time from spawn to exit. */
function child(mode: string, ...args: string[]): ChildReport & { wallMs: number } {
    const start = performance.now();
    const r = spawnSync(process.execPath, ["-r", path.join(__dirname, "register.js"), __filename, "--child", mode, ...args],
        { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
    const wallMs = performance.now() - start;
    if (r.status !== 0) throw new Error(`bench child "${mode}" failed (exit ${r.status}):\n${r.stderr}`);
    const last = r.stdout.trim().split("\n").pop() ?? "";
    return { ...(JSON.parse(last) as ChildReport), wallMs };
}

function ms(n: number | undefined): string {
    return n === undefined ? "-" : `${Math.round(n)}`;
}

function ratio(a: number, b: number): string {
    return b > 0 ? `${(a / b).toFixed(2)}×` : "-";
}

/** How many times each whole process is run; the median counts. */
const RUNS = 3;

/** The median wall time of `command args` run RUNS times; throws when a run fails. */
function medianWallMs(command: string, args: string[]): number {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        const r = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
        times.push(performance.now() - start);
        if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr}`);
    }
    return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

/** The headline: the plan command as a user runs it, against bare module load (see the header). */
function wholeProcess(): string[] {
    const bareMs = medianWallMs(process.execPath, ["-e", 'require("@pulumi/pulumi"); require("@pulumi/aws"); require("@pulumi/policy")']);
    const planMs = medianWallMs(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "-s", "plan", "--", "--stack", "dr", "--promote", "--json"]);
    const load = os.loadavg()[0];
    return [
        `Whole process (median of ${RUNS}, load average ${load.toFixed(1)} on ${os.cpus().length} cores):`,
        `  npm run -s plan -- --stack dr --promote --json  ${ms(planMs).padStart(6)} ms`,
        `  bare module load (@pulumi/pulumi, @pulumi/aws, @pulumi/policy)  ${ms(bareMs).padStart(6)} ms`,
        `  plan ÷ bare load = ${ratio(planMs, bareMs)} (target: 5× or less)`,
        "",
    ];
}

async function main(): Promise<void> {
    process.stdout.write(`${wholeProcess().join("\n")}\n`);
    const plan = child("plan");
    const modules = plan.awsModules ?? [];
    const baseline = child("baseline", modules.join(","));
    const one = child("growth", "1", modules.join(","));
    const ten = child("growth", "10", modules.join(","));
    const planMs = (plan.plans ?? []).reduce((s, p) => s + p.ms, 0);

    const rows: string[][] = [
        ["(a) baseline: start + load modules", ms(baseline.wallMs), `load ${ms(baseline.loadMs)}`, "1.00×", ""],
        ["(b) plan prod, dr standby, dr promoted + policies", ms(plan.wallMs), `plans ${ms(planMs)}`, ratio(plan.wallMs, baseline.wallMs),
            (plan.plans ?? []).map((p) => `${p.stack}${p.stack === "dr" ? (p.promote ? " promoted" : " standby") : ""} ${ms(p.ms)} ms/${p.resources} res`).join(", ")],
        ["(c) growth: Network + 1 AppTier", ms(one.wallMs), `plan ${ms(one.planMs)}`, "1.00×", `${one.resources} resources (${one.appTierResources} in the tier)`],
        ["    growth: Network + 10 AppTiers", ms(ten.wallMs), `plan ${ms(ten.planMs)}`, ratio(ten.planMs ?? 0, one.planMs ?? 0),
            `${ten.resources} resources (${ten.appTierResources} in the tiers, ${ratio(ten.appTierResources ?? 0, one.appTierResources ?? 0)})`],
    ];
    const headers = ["measurement", "wall ms", "in-process ms", "ratio", "detail"];
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
    const marginal = ((ten.planMs ?? 0) - (one.planMs ?? 0)) / 9;
    const perResource = (r: ChildReport) => ((r.planMs ?? 0) / Math.max(1, r.resources ?? 0)).toFixed(1);
    process.stdout.write([
        "Offline planning benchmark: one run, fresh child process per line; ratios, never assertions.",
        "",
        line(headers),
        line(widths.map((w) => "-".repeat(w))),
        ...rows.map(line),
        "",
        `plan ÷ baseline = ${ratio(plan.wallMs, baseline.wallMs)}: planning the trio with the policy pack takes that many times the start-up `
        + `and module loading it needs (${Math.round(100 * (1 - baseline.wallMs / plan.wallMs))}% of its wall time is planning).`,
        `growth 10× ÷ 1× = ${ratio(ten.planMs ?? 0, one.planMs ?? 0)} for ${ratio(ten.resources ?? 0, one.resources ?? 0)} the resources `
        + `(${ratio(ten.appTierResources ?? 0, one.appTierResources ?? 0)} the app-tier resources): ${perResource(one)} → ${perResource(ten)} ms per resource, `
        + `≈ ${ms(marginal)} ms per extra AppTier. Time tracking resources (a flat ms per resource) means linear growth.`,
        `@pulumi/aws submodules preloaded in (a) and (c): ${modules.join(", ")}.`,
        "",
    ].join("\n"));
}

if (require.main === module) {
    const [flag, mode, ...rest] = process.argv.slice(2);
    if (flag === "--child") {
        const modules = (arg: string | undefined) => (arg ? arg.split(",").filter(Boolean) : []);
        const run = mode === "baseline" ? childBaseline(modules(rest[0]))
            : mode === "plan" ? childPlan()
            : mode === "growth" ? childGrowth(Number(rest[0]), modules(rest[1]))
            : Promise.reject(new Error(`unknown child mode ${mode}`));
        run.then((report) => process.stdout.write(`\n${JSON.stringify(report)}\n`, () => process.exit(0)),
            (e) => {
                process.stderr.write(`${e?.stack ?? e}\n`);
                process.exit(1);
            });
    } else {
        main().catch((e) => {
            process.stderr.write(`bench failed: ${e?.message ?? e}\n`);
            process.exitCode = 1;
        });
    }
}
