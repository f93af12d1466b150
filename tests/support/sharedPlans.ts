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
//
// A long string (a Lambda bundle's text, about 1.5 MB, in most plans) is written once, to a file
// named by its SHA-256, and the plan holds a reference to it.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as v8 from "v8";
import { PlanCache, Planned } from "../../ops/offline/planner";

/** How often a waiting process looks for the plan another is making. */
const POLL_MS = 25;
/** Strings this long or longer are kept apart from the plans that hold them. */
const LONG = 64 * 1024;
/** The key of a reference to a long string; no plan has it (it is not a valid config or property name). */
const REF = "\u0000sharedText";

/**
 * A copy of `value` (arrays and plain objects; anything else as it is) with each string `swap`
 * answers for replaced by its answer, and each object `unswap` answers for by its answer.
 */
function mapStrings(value: unknown, swap: (s: string) => unknown, unswap: (o: Record<string, unknown>) => string | undefined): unknown {
    if (typeof value === "string") return swap(value) ?? value;
    if (Array.isArray(value)) return value.map((v) => mapStrings(v, swap, unswap));
    const proto = value !== null && typeof value === "object" ? Object.getPrototypeOf(value) : undefined;
    if (proto === Object.prototype || proto === null) {
        const object = value as Record<string, unknown>;
        const restored = unswap(object);
        if (restored !== undefined) return restored;
        return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, mapStrings(v, swap, unswap)]));
    }
    return value;
}

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
        const planned = mapStrings(v8.deserialize(bytes), () => undefined,
            (o) => (typeof o[REF] === "string" ? fs.readFileSync(this.file(o[REF] as string, "text"), "utf8") : undefined)) as Planned;
        super.set(planned);
        return planned;
    }

    override set(planned: Planned): void {
        super.set(planned);
        if (this.dir === undefined) return;
        const shared = mapStrings(planned, (text) => {
            if (text.length < LONG) return undefined;
            const sha = createHash("sha256").update(text).digest("hex");
            if (!fs.existsSync(this.file(sha, "text"))) this.writeWhole(this.file(sha, "text"), text);
            return { [REF]: sha };
        }, () => undefined);
        this.writeWhole(this.file(planned.key, "v8"), v8.serialize(shared));
        this.release(planned.key);
    }

    /** Written whole, then renamed: a reader sees no file or the complete one. */
    private writeWhole(file: string, data: string | Buffer): void {
        const partial = `${file}.${process.pid}.partial`;
        fs.writeFileSync(partial, data);
        fs.renameSync(partial, file);
    }

    override abandon(key: string): void {
        this.release(key);
    }

    private release(key: string): void {
        if (this.held.delete(key)) fs.rmSync(this.file(key, "lock"), { force: true });
    }
}
