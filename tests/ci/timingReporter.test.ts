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

    it("is mocha's reporter for `npm test`", () => {
        const rc = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", ".mocharc.json"), "utf8"));
        assert.equal(rc.reporter, "./tests/support/timingReporter.ts");
    });
});
