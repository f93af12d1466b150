// The suite's timing summary (tests/support/timingReporter.ts, selected in .mocharc.json).
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import TimingReporter = require("../support/timingReporter");

describe("ci: the test suite's timing summary", () => {
    it("lists the slowest files first, with their share of the run and their test count", () => {
        const files = [
            { file: "tests/a.test.ts", ms: 1500, tests: 3 },
            { file: "tests/slow.test.ts", ms: 6000, tests: 1 },
            { file: "tests/b.test.ts", ms: 2500, tests: 12 },
        ];
        assert.deepEqual(TimingReporter.summary(files, 10000, 2), [
            "Slowest test files (of 3; whole run 10.0 s):",
            "  tests/slow.test.ts    6.0 s   60%  1 test",
            "  tests/b.test.ts       2.5 s   25%  12 tests",
        ]);
    });

    it("names the wall time and each shard's under tests/run.js's shards, shares of their sum", () => {
        const files = [{ file: "tests/a.test.ts", ms: 30000, tests: 3 }, { file: "tests/b.test.ts", ms: 10000, tests: 1 }];
        assert.deepEqual(TimingReporter.summary(files, 80000, 10, { wallMs: 42000, shardMs: [41000, 39000] }), [
            "Slowest test files (of 2; whole run 42.0 s in 2 shards of 41.0 s and 39.0 s; shares are of their sum, 80.0 s):",
            "  tests/a.test.ts   30.0 s   38%  3 tests",
            "  tests/b.test.ts   10.0 s   13%  1 test",
        ]);
    });

    it("deals the files to the shards by their last times, heaviest first onto the lighter shard", () => {
        const { deal, specFiles } = require("../run.js");
        const weights = { "t/a": 50, "t/b": 40, "t/c": 30, "t/d": 20, "t/e": 10 };
        assert.deepEqual(deal(Object.keys(weights), 2, weights), [
            { files: ["t/a", "t/d", "t/e"], weight: 80 },
            { files: ["t/b", "t/c"], weight: 70 },
        ]);
        // A file with no record weighs the recorded mean (30); with no record at all, every file weighs 1.
        assert.deepEqual(deal(["t/a", "t/new"], 2, { "t/a": 50, "t/b": 10 }).map((s: any) => s.files), [["t/a"], ["t/new"]]);
        assert.deepEqual(deal(["t/x", "t/y", "t/z"], 2, {}).map((s: any) => s.files), [["t/x", "t/z"], ["t/y"]]);
        // Every test file of the suite, once: what .mocharc.json's spec selects.
        const all: string[] = specFiles();
        assert.ok(all.includes("tests/ci/timingReporter.test.ts") && all.every((f) => /^tests\/.+\.test\.ts$/.test(f)), all.join(", "));
        assert.equal(new Set(all).size, all.length);
    });

    it("runs a shard with .mocharc.json's options but not its spec (mocha would add the whole suite to the shard's files)", () => {
        const { mochaOptions } = require("../run.js");
        assert.deepEqual(mochaOptions(), ["--no-config", "--require", "./ops/register.js", "--extension", "ts",
            "--reporter", "./tests/support/timingReporter.ts", "--timeout", "60000", "--recursive"]);
    });

    it("is mocha's reporter for `npm test`", () => {
        const rc = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", ".mocharc.json"), "utf8"));
        assert.equal(rc.reporter, "./tests/support/timingReporter.ts");
    });
});
