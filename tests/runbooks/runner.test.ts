// The step runner's record: every event handed to io.record as it happens (what the CLI appends
// to the timeline file), a step that ends with a warning, and an interrupt in the middle of a
// step that never returns by itself; and the CLI's exit code for each outcome.
import { strict as assert } from "assert";
import { runSteps, Step, stepWarning, TimelineEvent } from "../../ops/runbooks/runner";
import { exitCode } from "../../ops/runbook";
import { fakeIO } from "./support/fakeWorkspace";

const START = Date.UTC(2025, 0, 15, 3, 0, 0);

describe("runbooks: runner timeline, warnings and interrupts", () => {
    it("records each event as it happens, with ISO times; a warning step does not stop the run", async () => {
        const events: TimelineEvent[] = [];
        const io = { ...fakeIO({ start: START }), record: (e: TimelineEvent) => events.push(e) };
        const steps: Step[] = [
            { id: "a", title: "A", async run(ctx) { await ctx.io.sleep(30_000); ctx.progress("half way"); return "done"; } },
            { id: "b", title: "B", async run() { return stepWarning("unfenced", "could not fence"); } },
        ];
        const report = await runSteps("demo", steps, io);
        assert.equal(report.ok, true);
        assert.deepEqual(report.warnings, [{ step: "b", code: "unfenced", message: "could not fence" }]);
        assert.deepEqual(report.steps.map((s) => s.status), ["ok", "warning"]);
        assert.equal(exitCode(report), 5);
        assert.deepEqual(events.map((e) => [e.at, e.event]), [
            ["2025-01-15T03:00:00.000Z", "run-start"],
            ["2025-01-15T03:00:00.000Z", "log"],
            ["2025-01-15T03:00:00.000Z", "step-start"],
            ["2025-01-15T03:00:30.000Z", "log"],
            ["2025-01-15T03:00:30.000Z", "step-end"],
            ["2025-01-15T03:00:30.000Z", "log"],
            ["2025-01-15T03:00:30.000Z", "log"],
            ["2025-01-15T03:00:30.000Z", "step-start"],
            ["2025-01-15T03:00:30.000Z", "step-end"],
            ["2025-01-15T03:00:30.000Z", "log"],
            ["2025-01-15T03:00:30.000Z", "run-end"],
        ]);
        assert.deepEqual(events[4], { at: "2025-01-15T03:00:30.000Z", event: "step-end", step: "a", status: "ok", durationSeconds: 30, detail: "done" });
        assert.deepEqual(events[3], { at: "2025-01-15T03:00:30.000Z", event: "log", line: "  [30.0s] half way" });
    });

    it("an abort stops a step that would never return: interrupted, the rest not run, exit 130", async () => {
        const abort = new AbortController();
        const events: TimelineEvent[] = [];
        const io = { ...fakeIO({ start: START }), signal: abort.signal, record: (e: TimelineEvent) => events.push(e) };
        const steps: Step[] = [
            { id: "hang", title: "Hang", run: () => { setImmediate(() => abort.abort()); return new Promise<never>(() => undefined); } },
            { id: "next", title: "Next", async run() { throw new Error("must not run"); } },
        ];
        const report = await runSteps("demo", steps, io);
        assert.equal(report.ok, false);
        assert.equal(report.interrupted, true);
        assert.deepEqual(report.steps.map((s) => s.status), ["interrupted", "not-run"]);
        assert.equal(report.stoppedBecause, "interrupted (Ctrl-C) during step 1 (Hang) after 0.0s");
        assert.equal(exitCode(report), 130);
        assert.deepEqual(events[events.length - 1], {
            at: "2025-01-15T03:00:00.000Z", event: "run-end", ok: false, durationSeconds: 0, warnings: [],
            stoppedBecause: "interrupted (Ctrl-C) during step 1 (Hang) after 0.0s",
        });
    });

    it("exit codes: failed 1, declined 4, ok 0", async () => {
        const io = fakeIO({ start: START, answers: [false] });
        const failed = await runSteps("x", [{ id: "f", title: "F", async run() { throw new Error("boom"); } }], io);
        assert.equal(exitCode(failed), 1);
        const declined = await runSteps("x", [{ id: "d", title: "D", dataAffecting: true, async run() { return "ran"; } }], io);
        assert.equal(exitCode(declined), 4);
        const ok = await runSteps("x", [{ id: "o", title: "O", async run() { return stepWarning("unchecked", "skipped"); } }], io);
        assert.equal(exitCode(ok), 0);
    });
});
