// The DR drill: proves dr could serve without failing over. It builds dr's app tier against the
// still-replicating, read-only replica (`pilot-light:drill`), checks that the load balancer's
// targets are healthy and that the site answers over HTTP, checks that the database is still a
// replica and that prod was not touched, and then always tears the app tier down again, also
// when a check failed. There is no DNS record in drill mode, so users never reach dr.
//
// The only call on the prod stack is reading its outputs (its region, and a before/after
// comparison): a drill must not be able to change prod.
import { describeAwsError } from "./aws";
import {
    describeChanges, diffText, KEYS, OfflineDiff, upWithProgress, waitTargetsHealthy,
} from "./failback";
import { checkBackendRegion, checkCredentials, checkReplicaLag, describeDbInstance, isPromoted } from "./preflight";
import { RunbookIO, RunbookReport, runSteps, Step, StepRecord } from "./runner";
import { PulumiWorkspace, StackOps } from "./workspace";

/** What the drill needs from an HTTP response. */
export interface HttpResponseLike {
    status: number;
}

/** Makes one HTTP GET. Defaults to the global `fetch`; tests inject a fake. */
export type Fetcher = (url: string, init: { method: "GET"; redirect: "manual"; signal?: AbortSignal }) => Promise<HttpResponseLike>;

/** Limits of the drill's waits. */
export interface DrillTimeouts {
    /** dr's ALB targets becoming healthy after the up. Defaults to 20 minutes (boot, user data, 300 s grace). */
    targetsMs: number;
    /** One HTTP request. Defaults to 10 seconds. */
    httpMs: number;
    /** How often waits poll, and the pause between HTTP attempts. Defaults to 30 seconds. */
    pollMs: number;
}

const DEFAULT_TIMEOUTS: DrillTimeouts = { targetsMs: 20 * 60_000, httpMs: 10_000, pollMs: 30_000 };

/** Options of the drill runbook. */
export interface DrillOptions {
    workspace: PulumiWorkspace;
    /** The project folder, for the offline diff in a dry run. Defaults to the current directory. */
    projectDir?: string;
    /** The prod stack, read for its outputs only. Defaults to `prod`. */
    prodStack?: string;
    /** The dr stack. Defaults to `dr`. */
    drStack?: string;
    /** The replica may be at most this many seconds behind for the drill to start. Defaults to 300. */
    maxReplicaLagSeconds?: number;
    /** HTTP GET used for the smoke test. Defaults to the global `fetch`. */
    fetcher?: Fetcher;
    /** HTTP attempts before the smoke test fails. Defaults to 3. */
    httpAttempts?: number;
    /** Show what the drill would do and change nothing. Defaults to false. */
    dryRun?: boolean;
    /** The offline diff, for the dry run. Defaults to ops/diff. */
    diff?: OfflineDiff;
    timeouts?: Partial<DrillTimeouts>;
}

/** The drill's steps: the checks, run in order and stopping at the first failure, and the teardown that always runs after them. */
export interface DrillSteps {
    checks: Step[];
    teardown: Step;
}

/** True for the statuses the smoke test accepts: 2xx, and 3xx (the app may redirect to its canonical name). */
export function acceptableStatus(status: number): boolean {
    return status >= 200 && status < 400;
}

const defaultFetcher: Fetcher = (url, init) => fetch(url, init);

/** Builds the drill's steps. They share state (the stacks, what was changed) through a closure. */
export function drillSteps(opts: DrillOptions): DrillSteps {
    const t: DrillTimeouts = { ...DEFAULT_TIMEOUTS, ...(opts.timeouts ?? {}) };
    const maxLag = opts.maxReplicaLagSeconds ?? 300;
    const attempts = opts.httpAttempts ?? 3;
    if (!Number.isInteger(attempts) || attempts < 1) {
        throw new Error(`httpAttempts ${attempts} is not allowed; expected a whole number of at least 1`);
    }
    if (!Number.isFinite(maxLag) || maxLag < 0) {
        throw new Error(`--max-lag-seconds ${maxLag} is not allowed; expected a number of seconds, 0 or more`);
    }
    const fetcher = opts.fetcher ?? defaultFetcher;
    let dr: StackOps | undefined;
    let prod: StackOps | undefined;
    let drRegion = "";
    let prodBefore = "";
    let albDnsName = "";
    // Set once the drill config was touched: from then on the teardown must run.
    let touched = false;

    const stacks = async () => {
        prod ??= await opts.workspace.stack(opts.prodStack ?? "prod");
        dr ??= await opts.workspace.stack(opts.drStack ?? "dr");
        return { prod, dr };
    };
    const replicaIdentifier = async (stack: StackOps) => {
        const id = (await stack.outputs()).dbInstanceIdentifier;
        if (typeof id !== "string" || !id) throw new Error(`stack ${stack.name} has no dbInstanceIdentifier output; run \`pulumi up\` on it first`);
        return id;
    };
    const prodOutputs = async (p: StackOps) => JSON.stringify(sortKeys(await p.outputs()));

    const preflight: Step = {
        id: "drill.preflight",
        title: "Preflight: credentials, state backend, dr replica available and caught up",
        async run(ctx) {
            const { prod: p, dr: d } = await stacks();
            const prodOut = await p.outputs();
            prodBefore = JSON.stringify(sortKeys(prodOut));
            drRegion = (await d.getConfig("aws:region")) ?? (await d.outputs()).region;
            if (!drRegion) throw new Error(`stack ${d.name} has neither aws:region in its config nor a region output`);
            const promote = await d.getConfig(KEYS.promote);
            if (promote === "true") {
                throw new Error(`${d.name} has ${KEYS.promote} true: dr is serving (failed over), so there is nothing to drill; `
                    + `a drill needs the standby replica (${KEYS.promote} false)`);
            }
            const notes = [await checkCredentials(drRegion)];
            if (typeof prodOut.region === "string") notes.push(await checkBackendRegion(opts.workspace, prodOut.region));
            const id = await replicaIdentifier(d);
            const db = await describeDbInstance(drRegion, id);
            if (!db) throw new Error(`dr replica ${id} not found in ${drRegion}; check ${d.name}'s dbInstanceIdentifier output and the account`);
            if (isPromoted(db)) {
                throw new Error(`dr's database ${id} in ${drRegion} is not a read replica (it was promoted); a drill needs the standby replica`);
            }
            if (db.DBInstanceStatus !== "available") {
                throw new Error(`dr replica ${id} in ${drRegion} has status "${db.DBInstanceStatus}", expected "available"; retry when RDS is done`);
            }
            notes.push(await checkReplicaLag(drRegion, id, maxLag, ctx.io.now()));
            if ((await d.getConfig(KEYS.drill)) === "true") {
                touched = true;
                notes.push(`${KEYS.drill} was already true (a drill left running); it is torn down at the end`);
            }
            notes.forEach((n) => ctx.progress(n));
            return `${id} is a replica of ${db.ReadReplicaSourceDBInstanceIdentifier}, available`;
        },
    };

    const build: Step = {
        id: "drill.up",
        title: "Build dr's app tier against the replica (drill mode, no DNS)",
        async run(ctx) {
            const { dr: d } = await stacks();
            touched = true;
            await d.setConfig(KEYS.drill, "true");
            const up = await upWithProgress(ctx, d);
            albDnsName = typeof up.outputs.albDnsName === "string" ? up.outputs.albDnsName : "";
            if (!albDnsName) {
                throw new Error(`${d.name} has no albDnsName output after the drill update; the program did not build the app tier in drill mode`);
            }
            return `${describeChanges(up.changes)}; ALB ${albDnsName}, ASG ${up.outputs.asgName ?? "?"}`;
        },
    };

    const targets: Step = {
        id: "drill.targets",
        title: "Wait for healthy targets behind dr's load balancer",
        run: (ctx) => waitTargetsHealthy(ctx, drRegion, albDnsName, { timeoutMs: t.targetsMs, intervalMs: t.pollMs }),
    };

    const http: Step = {
        id: "drill.http",
        title: "HTTP GET / on dr's load balancer",
        async run(ctx) {
            const url = `http://${albDnsName}/`;
            let last = "";
            for (let i = 1; i <= attempts; i++) {
                try {
                    const res = await fetcher(url, { method: "GET", redirect: "manual", signal: AbortSignal.timeout(t.httpMs) });
                    if (acceptableStatus(res.status)) return `GET ${url} → ${res.status}`;
                    last = `HTTP ${res.status}`;
                } catch (e) {
                    last = describeAwsError(e);
                }
                ctx.progress(`GET ${url} attempt ${i}/${attempts}: ${last}`);
                if (i < attempts) await ctx.io.sleep(t.pollMs);
            }
            throw new Error(`GET ${url} failed ${attempts} time(s), last: ${last}; expected a 2xx or 3xx status. `
                + `Check the app servers' logs (user data, DB connection to the read-only replica)`);
        },
    };

    const verify: Step = {
        id: "drill.verify",
        title: "Verify the database is still a replica and prod is untouched",
        async run() {
            const { prod: p, dr: d } = await stacks();
            const id = await replicaIdentifier(d);
            const db = await describeDbInstance(drRegion, id);
            if (!db || isPromoted(db)) {
                throw new Error(`dr's database ${id} is ${db ? "no longer a read replica" : "gone"} after the drill; `
                    + `the drill must never promote it: stop and check ${d.name}'s program and the RDS events of ${id}`);
            }
            if ((await prodOutputs(p)) !== prodBefore) {
                throw new Error(`prod's outputs changed during the drill; something else updated ${p.name} meanwhile (the drill only reads it)`);
            }
            return `${id} still replicates from ${db.ReadReplicaSourceDBInstanceIdentifier}; prod's outputs unchanged`;
        },
    };

    const teardown: Step = {
        id: "drill.teardown",
        title: "Tear down the drill (always runs)",
        async run(ctx) {
            const { dr: d } = await stacks();
            if (!touched && (await d.getConfig(KEYS.drill)) !== "true") return "nothing to tear down: the drill was not started";
            // Removed, not set false: drill is off by default, and the stack file returns to its steady state.
            await d.removeConfig(KEYS.drill);
            let changes: string;
            try {
                changes = describeChanges((await upWithProgress(ctx, d)).changes);
            } catch (e) {
                throw new Error(`pulumi up on ${d.name} to remove the drill failed: ${describeAwsError(e)}. The drill's app tier may still `
                    + `run (and cost money): fix the cause and run \`pulumi up --stack ${d.name}\` (${KEYS.drill} is already removed)`);
            }
            const region = drRegion || ((await d.getConfig("aws:region")) ?? "");
            const id = await replicaIdentifier(d);
            const db = region ? await describeDbInstance(region, id) : undefined;
            const state = !db ? `could not check ${id}` : isPromoted(db) ? `WARNING: ${id} is NOT a replica` : `${id} is still a replica`;
            return `${changes}; ${state}`;
        },
    };

    const plan: Step = {
        id: "drill.plan",
        title: "What the drill would do",
        async run(ctx) {
            const { dr: d } = await stacks();
            const diff = await diffText(opts.diff, opts.projectDir ?? process.cwd(), d.name,
                { [KEYS.drill]: (await d.getConfig(KEYS.drill)) ?? "false" }, { [KEYS.drill]: "true" });
            ctx.io.log([`set ${KEYS.drill} true on ${d.name} and pulumi up (app tier against the replica, no DNS),`,
                "wait for healthy targets, GET / on the ALB, verify the replica and prod, then remove the drill and pulumi up",
                diff.text, ...diff.unsafe.map((u) => `UNSAFE: ${u}`)].map((l) => `    ${l}`).join("\n"));
            return "dry run: nothing changed";
        },
    };

    if (opts.dryRun) {
        return { checks: [preflight, plan], teardown: { id: "drill.teardown", title: "Tear down (dry run: nothing to do)", run: async () => "dry run" } };
    }
    return { checks: [preflight, build, targets, http, verify], teardown };
}

/**
 * Runs the drill: the checks stop at the first failure, then the teardown runs whatever
 * happened. The report lists every step; it is ok only when every check and the teardown
 * passed, and `stoppedBecause` names both a failed check and a failed teardown.
 */
export async function runDrill(opts: DrillOptions, io: RunbookIO): Promise<RunbookReport> {
    const started = io.now();
    const { checks, teardown } = drillSteps(opts);
    const main = await runSteps("drill", checks, io);
    const down = await runSteps("drill teardown", [teardown], io);
    const reasons: string[] = [];
    if (main.stoppedBecause) reasons.push(main.stoppedBecause);
    const td: StepRecord = down.steps[0];
    if (td.status === "failed") reasons.push(`the teardown failed: ${td.error}`);
    else if (!main.ok) reasons.push(`the teardown ran: ${td.detail ?? "ok"}`);
    return {
        runbook: opts.dryRun ? "drill (dry run)" : "drill",
        ok: main.ok && down.ok,
        startedAt: new Date(started).toISOString(),
        durationSeconds: Math.round((io.now() - started) / 100) / 10,
        steps: [...main.steps, td],
        ...(reasons.length ? { stoppedBecause: reasons.join("; ") } : {}),
    };
}

function sortKeys(value: Record<string, any>): Record<string, any> {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]]));
}
