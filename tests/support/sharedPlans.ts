// Plans shared by the test processes of one `npm test` run. tests/run.js runs the suite in two
// mocha processes ("shards") and names a fresh folder in PILOT_LIGHT_SHARED_PLANS; each plan is
// made by whichever shard asks first and read by the other, instead of being made once per
// shard. A plan is a deterministic function of the configuration (PlanCache's key) and of the
// source, which a run does not change; the folder is the run's own and removed after it, so
// nothing outlives the run. Written with v8's serializer, which gives back an equal plan
// (tests/support/sharedPlans.test.ts).
//
// One process plans a key at a time: the first to ask takes `<key>.lock` (created exclusively,
// holding its pid) and plans; the others wait for `<key>.v8`, and plan themselves if the holder
// gave up (the program failed: PlanCache.abandon) or died. A holder plans its peers before it
// takes its own key's lock (planWithPeers), so it never waits while holding one.
import * as fs from "fs";
import * as path from "path";
import * as v8 from "v8";
import { PlanCache, Planned } from "../../ops/offline/planner";

/** How often a waiting process looks for the plan another is making. */
const POLL_MS = 25;

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e: any) {
        return e.code === "EPERM";
    }
}

export class SharedPlanCache extends PlanCache {
    /** Keys this process holds the lock of. */
    private readonly held = new Set<string>();

    /** `dir` undefined: an ordinary PlanCache (one process, e.g. mocha run directly). */
    constructor(private readonly dir: string | undefined) {
        super();
    }

    private file(key: string, ext: string): string {
        return path.join(this.dir!, `${key}.${ext}`);
    }

    /** The plan from memory or the run's folder; undefined once this process holds the key's lock. */
    override async get(key: string): Promise<Planned | undefined> {
        const mine = await super.get(key);
        if (mine || this.dir === undefined) return mine;
        for (;;) {
            const shared = this.read(key);
            if (shared) return shared;
            try {
                fs.writeFileSync(this.file(key, "lock"), String(process.pid), { flag: "wx" });
                // Made between the read and the lock: the holder wrote the plan, then let the lock go.
                const late = this.read(key);
                if (late) {
                    fs.rmSync(this.file(key, "lock"), { force: true });
                    return late;
                }
                this.held.add(key);
                return undefined;
            } catch (e: any) {
                if (e.code !== "EEXIST") throw e;
            }
            const holder = this.holder(key);
            if (holder === undefined) continue;
            // An empty lock is one being written: its holder is alive.
            if (holder > 0 && !alive(holder)) fs.rmSync(this.file(key, "lock"), { force: true });
            else await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
    }

    /** The pid in the key's lock (0 while it is being written); undefined when there is no lock. */
    private holder(key: string): number | undefined {
        try {
            return Number(fs.readFileSync(this.file(key, "lock"), "utf8"));
        } catch (e: any) {
            if (e.code === "ENOENT") return undefined;
            throw e;
        }
    }

    private read(key: string): Planned | undefined {
        let bytes: Buffer;
        try {
            bytes = fs.readFileSync(this.file(key, "v8"));
        } catch (e: any) {
            if (e.code === "ENOENT") return undefined;
            throw e;
        }
        const planned = v8.deserialize(bytes) as Planned;
        super.set(planned);
        return planned;
    }

    override set(planned: Planned): void {
        super.set(planned);
        if (this.dir === undefined) return;
        // Written whole, then renamed: a reader sees no file or the complete plan.
        const partial = this.file(planned.key, `v8.${process.pid}.partial`);
        fs.writeFileSync(partial, v8.serialize(planned));
        fs.renameSync(partial, this.file(planned.key, "v8"));
        this.release(planned.key);
    }

    override abandon(key: string): void {
        this.release(key);
    }

    private release(key: string): void {
        if (this.held.delete(key)) fs.rmSync(this.file(key, "lock"), { force: true });
    }
}
