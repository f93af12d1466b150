// ops/offline/promiseStacks.ts: the SDK still tracks every promise for its leak check, and skips
// only the stack traces it prints with PULUMI_DEBUG_PROMISE_LEAKS, which then changes nothing.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { promiseStacksSkipped } from "../../ops/offline/promiseStacks";

const ROOT = path.join(__dirname, "..", "..");
const debuggable = require("@pulumi/pulumi/runtime/debuggable");
const { getStore } = require("@pulumi/pulumi/runtime/state");

describe("offline engine: the SDK's promise stack traces, captured only when printed", () => {
    it("tracks the promise as a leak candidate until it settles, with no trace captured", async () => {
        assert.equal(debuggable.debugPromiseLeaks, false);
        assert.equal(promiseStacksSkipped(), true);
        let settle!: () => void;
        const p: Promise<void> & { _debugCtx?: unknown; _debugStackTrace?: string } = new Promise<void>((resolve) => { settle = resolve; });
        const tracked = debuggable.debuggablePromise(p, "a test's promise");
        assert.ok(getStore().leakCandidates.has(p));
        assert.equal(p._debugCtx, "a test's promise");
        assert.equal(p._debugStackTrace, "Error");
        assert.ok(Error.stackTraceLimit > 0, "the process's limit is put back");
        settle();
        await tracked;
        assert.ok(!getStore().leakCandidates.has(p));
    });

    it("leaves the SDK alone when PULUMI_DEBUG_PROMISE_LEAKS is set: the trace names its caller", () => {
        const script = `require("./ops/offline/promiseStacks");
            const d = require("@pulumi/pulumi/runtime/debuggable");
            const p = Promise.resolve();
            (function callerOfTheTrackedPromise() { d.debuggablePromise(p, "x"); })();
            console.log(JSON.stringify({ skipped: require("./ops/offline/promiseStacks").promiseStacksSkipped(), trace: p._debugStackTrace }));`;
        const run = (env: Record<string, string>) => {
            const r = spawnSync(process.execPath, ["-r", "./ops/register.js", "-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
            assert.equal(r.status, 0, r.stderr);
            return JSON.parse(r.stdout) as { skipped: boolean; trace: string };
        };
        const debug = run({ PULUMI_DEBUG_PROMISE_LEAKS: "true" });
        assert.equal(debug.skipped, false);
        assert.match(debug.trace, /^Error\n {4}at (Object\.)?debuggablePromise .*debuggable\.js:\d+:\d+\)\n {4}at callerOfTheTrackedPromise /);
    });
});
