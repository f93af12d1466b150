// `npm test`: the typecheck and the mocha suite at the same time, the suite split over two mocha
// processes ("shards"). On a 2-core machine one mocha process keeps about one core busy, so two
// shards and the typecheck finish in about half the time one process takes alone.
//
// - Files are dealt to the shards by their last measured times (.cache/test-times.json, written
//   at the end of every full run; a fresh clone uses tests/support/test-times.json), heaviest
//   first onto the lighter shard; a file with no record weighs the mean. Each shard is its own
//   process: SDK stubs stay per process, as with one mocha run; plans are made once per run and
//   shared between the shards through a folder of the run's own (tests/support/sharedPlans.ts).
// - The first shard's output streams as it comes; the others' is printed when each ends. Then
//   one timing summary of every file (the shards write theirs, tests/support/timingReporter.ts)
//   and the combined counts, then the typecheck's output and time.
// - Arguments (files, --grep, ...) run one mocha process with them, as before;
//   PILOT_LIGHT_TEST_SHARDS=1 runs the whole suite in one process.
// Exits non-zero when the typecheck or any shard fails.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.join(__dirname, "..");
const CACHE = path.join(ROOT, ".cache");
const TIMES = path.join(CACHE, "test-times.json");
// The times a fresh clone deals by, until its first full run writes its own (update it with
// `cp .cache/test-times.json tests/support/test-times.json` when the suite's shape changes).
const SEED_TIMES = path.join(__dirname, "support", "test-times.json");

/**
 * Node's flags for the mocha processes. A 64 MB young generation (V8's default is 16 MB on 64-bit
 * machines): the suite allocates plans and policy views by the hundred megabytes, and with the
 * default young generation the collector took a sixth of a shard's time. Measured on this 2-core
 * machine over tests/diff and tests/stacks, twice each: 21.4–22.3 s of CPU with the default,
 * 17.8–18.3 s with 64 MB (32 MB: 19.3 s; 128 MB: 17.8 s), at 1.1 GB peak memory per process.
 */
const NODE_FLAGS = ["--max-semi-space-size=64"];

function run(command, args, stdio, env) {
    const started = Date.now();
    const child = spawn(command, args, { stdio, cwd: ROOT, env: { ...process.env, ...env } });
    let output = "";
    child.stdout?.on("data", (d) => { output += d; });
    child.stderr?.on("data", (d) => { output += d; });
    return new Promise((resolve) => {
        child.on("error", (e) => resolve({ code: 1, output: `${output}${e.message}\n`, seconds: (Date.now() - started) / 1000 }));
        child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output, seconds: (Date.now() - started) / 1000 }));
    });
}

/** The suite's files, as .mocharc.json's spec (tests/**\/*.test.ts) selects them, sorted. */
function specFiles() {
    return fs.readdirSync(path.join(ROOT, "tests"), { recursive: true })
        .map((f) => path.join("tests", String(f)).split(path.sep).join("/"))
        .filter((f) => f.endsWith(".test.ts"))
        .sort();
}

/**
 * Mocha's options from .mocharc.json without its spec, for a shard run with --no-config: mocha
 * concatenates a config file's spec with the files on the command line, so a shard would run
 * the whole suite again.
 */
function mochaOptions() {
    const rc = JSON.parse(fs.readFileSync(path.join(ROOT, ".mocharc.json"), "utf8"));
    const args = ["--no-config"];
    for (const [key, value] of Object.entries(rc)) {
        if (key === "spec") continue;
        for (const v of Array.isArray(value) ? value : [value]) {
            if (v === true) args.push(`--${key}`);
            else if (v !== false) args.push(`--${key}`, String(v));
        }
    }
    return args;
}

/** Deals `files` to `n` shards by weight (last measured ms, else 1), heaviest first onto the lightest shard. */
function deal(files, n, weights) {
    const known = Object.values(weights);
    const fallback = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
    const weightOf = (f) => weights[f] ?? fallback;
    const shards = Array.from({ length: n }, () => ({ files: [], weight: 0 }));
    for (const f of [...files].sort((a, b) => weightOf(b) - weightOf(a) || a.localeCompare(b))) {
        const lightest = shards.reduce((a, b) => (b.weight < a.weight ? b : a));
        lightest.files.push(f);
        lightest.weight += weightOf(f);
    }
    return shards.filter((s) => s.files.length > 0);
}

function readJson(file, fallback) {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        return fallback;
    }
}

async function sharded(count, npmTypecheck) {
    fs.mkdirSync(CACHE, { recursive: true });
    const weights = readJson(TIMES, undefined) ?? readJson(SEED_TIMES, {});
    const shards = deal(specFiles(), count, weights);
    const started = Date.now();
    // The run's plans, made once by whichever shard asks first (tests/support/sharedPlans.ts), and
    // its compiled TypeScript, shared by every process of the run (ops/register.js).
    const plans = fs.mkdtempSync(path.join(os.tmpdir(), "pilot-light-plans-"));
    const compiled = fs.mkdtempSync(path.join(os.tmpdir(), "pilot-light-compiled-"));
    const removeFolders = () => [plans, compiled].forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
    // Ctrl-C reaches the shards too (one process group); the folders go with the run.
    for (const signal of ["SIGINT", "SIGTERM"]) {
        process.once(signal, () => {
            removeFolders();
            process.exit(128 + os.constants.signals[signal]);
        });
    }
    const results = shards.map((shard, i) => {
        const out = path.join(CACHE, `test-times-${i + 1}.json`);
        fs.rmSync(out, { force: true });
        // In path order within the shard, as one mocha process runs them (the deal decides only which shard).
        const args = [...NODE_FLAGS, require.resolve("mocha/bin/mocha.js"), ...mochaOptions(), ...[...shard.files].sort()];
        const done = run(process.execPath, args, i === 0 ? "inherit" : ["ignore", "pipe", "pipe"], { PILOT_LIGHT_TIMES_OUT: out, PILOT_LIGHT_SHARED_PLANS: plans, PILOT_LIGHT_COMPILED: compiled });
        return done.then((r) => {
            if (i > 0) process.stdout.write(`\n--- shard ${i + 1} of ${shards.length} (${shard.files.length} files) ---\n${r.output}`);
            return { ...r, out };
        });
    });
    const [tc, ...ms] = await Promise.all([npmTypecheck, ...results]);
    const wallMs = Date.now() - started;
    removeFolders();
    const reports = ms.map((m) => readJson(m.out, undefined));
    const files = reports.flatMap((r) => r?.files ?? []);
    const sum = (k) => reports.reduce((a, r) => a + (r?.stats?.[k] ?? 0), 0);
    // The reporter's own summary, loaded through the project's TypeScript loader.
    require("../ops/register.js");
    const shardMs = ms.map((m) => m.seconds * 1000);
    const summary = require("./support/timingReporter").summary(files, shardMs.reduce((a, b) => a + b, 0), 10, { wallMs, shardMs });
    process.stdout.write(`\n${summary.join("\n")}\n`);
    process.stdout.write(`mocha, ${shards.length} shards: ${sum("passes")} passing, ${sum("failures")} failing, ${sum("pending")} pending`
        + `${reports.some((r) => !r) ? " (a shard wrote no report: it crashed; see its output)" : ""}\n\n`);
    if (ms.every((m) => m.code === 0) && files.length) {
        fs.writeFileSync(TIMES, `${JSON.stringify(Object.fromEntries(files.map((f) => [f.file, f.ms])), null, 1)}\n`);
    }
    return { tc, code: ms.find((m) => m.code !== 0)?.code ?? (reports.some((r) => !r) ? 1 : 0) };
}

async function main() {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const typecheck = run(npm, ["run", "-s", "typecheck"], ["ignore", "pipe", "pipe"]);
    const extra = process.argv.slice(2);
    const count = Number(process.env.PILOT_LIGHT_TEST_SHARDS ?? 2);
    if (!Number.isInteger(count) || count < 1) {
        process.stderr.write(`PILOT_LIGHT_TEST_SHARDS=${process.env.PILOT_LIGHT_TEST_SHARDS}: expected a whole number of mocha processes, 1 or more\n`);
        process.exit(2);
    }
    let result;
    if (extra.length > 0 || count === 1) {
        const [tc, m] = await Promise.all([typecheck, run(process.execPath, [...NODE_FLAGS, require.resolve("mocha/bin/mocha.js"), ...extra], "inherit")]);
        result = { tc, code: m.code };
    } else {
        result = await sharded(count, typecheck);
    }
    const { tc } = result;
    process.stdout.write(`${tc.output}typecheck (npm run typecheck, alongside mocha): ${tc.code === 0 ? "ok" : "FAILED"} in ${tc.seconds.toFixed(1)} s\n`);
    process.exitCode = tc.code !== 0 ? tc.code : result.code;
}

if (require.main === module) main();
module.exports = { deal, mochaOptions, specFiles };
