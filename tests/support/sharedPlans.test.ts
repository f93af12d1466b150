// tests/support/sharedPlans.ts: the plans npm test's shards share. Two caches on one folder stand
// for the two shards.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { withProgramLogs } from "../../ops/offline/console";
import { planStack, Planned } from "../../ops/offline/planner";
import { ROOT } from "./plans";
import { SharedPlanCache } from "./sharedPlans";

const planned = (key: string): Planned => ({ key, config: { "aws:region": "us-east-1" }, peers: [], run: { resources: [], reads: [], outputs: { a: undefined }, secretOutputs: [] } as any });

/** Whether `p` has settled within a few event-loop turns. */
async function settled(p: Promise<unknown>): Promise<boolean> {
    let done = false;
    p.then(() => { done = true; }, () => { done = true; });
    await new Promise((resolve) => setTimeout(resolve, 100));
    return done;
}

describe("tests/support/sharedPlans: plans shared by the shards of one run", () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilot-light-shared-test-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("plans a configuration once: the other cache reads a plan equal to the one made, and runs nothing", async function () {
        this.timeout(120000);
        const [a, b] = [new SharedPlanCache(dir), new SharedPlanCache(dir)];
        const plan = (cache: SharedPlanCache) => withProgramLogs("silent", () => planStack({ dir: ROOT, stack: "prod", cache }));
        const made = await plan(a);
        const read = await plan(b);
        assert.ok(a.runs >= 1);
        assert.equal(b.runs, 0);
        assert.deepStrictEqual(read, made);
        // The two database functions' bundles, each written once beside the plans that hold them.
        const texts = fs.readdirSync(dir).filter((f) => f.endsWith(".text"));
        assert.equal(texts.length, 2);
        assert.deepEqual(fs.readdirSync(dir).filter((f) => !f.endsWith(".v8") && !f.endsWith(".text")), [], "no lock or partial file left");
    });

    it("waits while the other holds the key, and gets its plan when it is set", async () => {
        const [a, b] = [new SharedPlanCache(dir), new SharedPlanCache(dir)];
        assert.equal(await a.get("k"), undefined);
        const waiting = b.get("k");
        assert.equal(await settled(waiting), false);
        a.set(planned("k"));
        assert.deepStrictEqual(await waiting, planned("k"));
    });

    it("plans itself when the holder gives up (its program failed) or died", async () => {
        const [a, b] = [new SharedPlanCache(dir), new SharedPlanCache(dir)];
        assert.equal(await a.get("k"), undefined);
        const waiting = b.get("k");
        assert.equal(await settled(waiting), false);
        a.abandon("k");
        assert.equal(await waiting, undefined, "b holds the key now");
        b.set(planned("k"));
        const exited = spawnSync(process.execPath, ["-e", ""]).pid!;
        fs.writeFileSync(path.join(dir, "gone.lock"), String(exited));
        assert.equal(await new SharedPlanCache(dir).get("gone"), undefined);
        assert.equal(fs.readFileSync(path.join(dir, "gone.lock"), "utf8"), String(process.pid));
    });

    it("is an ordinary cache without a folder: nothing written", async () => {
        const c = new SharedPlanCache(undefined);
        assert.equal(await c.get("k"), undefined);
        c.set(planned("k"));
        assert.deepStrictEqual(await c.get("k"), planned("k"));
    });
});
