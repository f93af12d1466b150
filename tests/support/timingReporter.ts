// Mocha's spec reporter plus the suite's own timing summary: after the results it prints the
// slowest test files (each file's wall time, its before/after hooks included, where the shared
// plans are made), so a file that starts re-planning or spawning shows up at once. Wall time
// only: no test asserts a timing. .mocharc.json selects it; `--reporter spec` turns it off.
// Under tests/run.js's shards (PILOT_LIGHT_TIMES_OUT set) it writes the files' times and the
// counts to that JSON file instead, and run.js prints one summary for all shards.
import { writeFileSync } from "fs";
import * as path from "path";
import Mocha = require("mocha");

const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_RUN_BEGIN, EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

/** How many files the summary lists. */
const SHOWN = 10;

/** One test file's time and test count. */
interface FileTime {
    file: string;
    ms: number;
    tests: number;
}

/**
 * The summary's lines: the slowest files first, with their share of `totalMs`: the whole run, or
 * for tests/run.js's shards the sum of their times (`shards` then names the wall time and each
 * shard's).
 */
function timingSummary(files: FileTime[], totalMs: number, shown = SHOWN, shards?: { wallMs: number; shardMs: number[] }): string[] {
    const slowest = [...files].sort((a, b) => b.ms - a.ms || a.file.localeCompare(b.file)).slice(0, shown);
    const width = Math.max(0, ...slowest.map((f) => f.file.length));
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return [
        shards
            ? `Slowest test files (of ${files.length}; whole run ${seconds(shards.wallMs)} in ${shards.shardMs.length} shards of `
                + `${shards.shardMs.map(seconds).join(" and ")}; shares are of their sum, ${seconds(totalMs)}):`
            : `Slowest test files (of ${files.length}; whole run ${seconds(totalMs)}):`,
        ...slowest.map((f) => `  ${f.file.padEnd(width)}  ${seconds(f.ms).padStart(7)}  ${`${Math.round((100 * f.ms) / Math.max(1, totalMs))}%`.padStart(4)}`
            + `  ${f.tests} test${f.tests === 1 ? "" : "s"}`),
    ];
}

class TimingReporter extends Mocha.reporters.Spec {
    static readonly summary = timingSummary;

    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        const files = new Map<string, FileTime>();
        const started = new Map<Mocha.Suite, number>();
        let runStart = Date.now();
        const fileOf = (file: string | undefined) => {
            const name = path.relative(process.cwd(), file ?? "(no file)");
            let entry = files.get(name);
            if (!entry) files.set(name, (entry = { file: name, ms: 0, tests: 0 }));
            return entry;
        };
        // A file's top-level suites: the root suite's children (hooks outside any describe are rare here).
        const isTop = (suite: Mocha.Suite) => suite.parent !== undefined && suite.parent.root;
        runner.once(EVENT_RUN_BEGIN, () => { runStart = Date.now(); });
        runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => { if (isTop(suite)) started.set(suite, Date.now()); });
        runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
            const start = started.get(suite);
            if (start !== undefined) fileOf(suite.file).ms += Date.now() - start;
        });
        for (const event of [EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING]) {
            runner.on(event, (test: Mocha.Test) => { if (test.type === "test") fileOf(test.file).tests++; });
        }
        // After the spec reporter's epilogue (registered first, in the constructor above).
        runner.once(EVENT_RUN_END, () => {
            const out = process.env.PILOT_LIGHT_TIMES_OUT;
            if (out) {
                const { passes, failures, pending } = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
                writeFileSync(out, JSON.stringify({ files: [...files.values()], stats: { passes, failures, pending }, ms: Date.now() - runStart }));
                return;
            }
            process.stdout.write(`${timingSummary([...files.values()], Date.now() - runStart).join("\n")}\n\n`);
        });
    }
}

export = TimingReporter;
