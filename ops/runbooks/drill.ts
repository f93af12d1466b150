// The DR drill: proves dr could serve without failing over. It writes a marker through prod's
// app, builds dr's app tier against the still-replicating, read-only replica (`pilot-light:drill`),
// checks that the load balancer's targets are healthy and that dr's app passes the deep check
// (PHP, the replica, Redis, media) and reads prod's marker back from the replica, checks that
// the database is still a replica and that prod's stack was not touched, and then always tears
// the app tier down again, also when a check failed. There is no DNS record in drill mode, so
// users never reach dr.
//
// The prod stack is only read (its outputs, and a before/after comparison): a drill must not be
// able to change prod's stack. The marker is the drill's one write to prod's data: one row in
// the table `pilot_light_markers` of prod's WordPress database, through prod's own app.
import { randomUUID } from "crypto";
import { AppEndpoint, AppHttp, describeDeepCheck, nodeHttp, waitForDeepCheck } from "./appCheck";
import { configKey, defaultOf } from "../../stacks/configSchema";
import { describeAwsError } from "./aws";
import { describeChanges, diffText, KEYS, upWithProgress, waitTargetsHealthy } from "./failback";
import { lastSegment, OfflinePlanner, PlanRequest } from "./failover";
import { checkBackendRegion, checkCredentials, checkReplicaLag, describeDbInstance, isPromoted } from "./preflight";
import { RunbookIO, RunbookReport, runSteps, Step, StepRecord } from "./runner";
import { PulumiWorkspace, StackOps } from "./workspace";
import { requireOutput } from "./stackOutputs";
// Type-only: index.ts imports this module at run time, so a value import back would be a cycle.
import type { RunbookDefinition } from "./index";

/** Limits of the drill's waits. */
export interface DrillTimeouts {
    /** dr's ALB targets becoming healthy after the up. Defaults to 20 minutes (boot, user data, 600 s grace). */
    targetsMs: number;
    /** One HTTP request. Defaults to 10 seconds. */
    httpMs: number;
    /** An app passing the deep check (and the marker replicating to dr). Defaults to 10 minutes. */
    appMs: number;
    /** How often waits poll, and the pause between HTTP attempts. Defaults to 30 seconds. */
    pollMs: number;
}

const DEFAULT_TIMEOUTS: DrillTimeouts = { targetsMs: 20 * 60_000, httpMs: 10_000, appMs: 10 * 60_000, pollMs: 30_000 };

/** Options of the drill runbook. */
export interface DrillOptions {
    workspace: PulumiWorkspace;
    /** The project folder, for the offline diff in a dry run. Defaults to the current directory. */
    projectDir?: string;
    /** The prod stack, read for its outputs only. Defaults to `prod`. */
    prodStack?: string;
    /** The dr stack. Defaults to `dr`. */
    drStack?: string;
    /** The replica may be at most this many seconds behind for the drill to start. Defaults to replicaLagAlarmSeconds' default. */
    maxReplicaLagSeconds?: number;
    /** The HTTP client of the deep checks. Defaults to `nodeHttp`. */
    http?: AppHttp;
    /** The marker's id and value. Defaults to `drill-<ISO time>` and a random UUID. */
    marker?: { id: string; value: string };
    /** Show what the drill would do and change nothing. Defaults to false. */
    dryRun?: boolean;
    /** The offline planner, for the dry run. Defaults to ops/diff (`offlinePlan`). */
    planner?: OfflinePlanner;
    timeouts?: Partial<DrillTimeouts>;
}

/** The config change of a drill on dr, as an offline plan request. */
export function drillRequest(dir: string, drStack: string): PlanRequest {
    return { dir, stack: lastSegment(drStack), from: { [KEYS.drill]: "false" }, to: { [KEYS.drill]: "true" } };
}

/** How the teardown went when it ran inside a failed check (see `drillSteps`). */
interface InlineTeardown {
    record: StepRecord;
}

const NOTHING_TO_TEAR_DOWN = "nothing to tear down: the drill was not started";

/**
 * The drill's steps, for the runner: the checks, then the teardown. The runner stops at the
 * first failure, so every check is wrapped: when it fails, the teardown runs right there and
 * the check's error says how the teardown went; on success the last step tears down.
 */
export function drillSteps(opts: DrillOptions): Step[] {
    return buildDrill(opts).steps;
}

function buildDrill(opts: DrillOptions): { steps: Step[]; inline: () => InlineTeardown | undefined } {
    const t: DrillTimeouts = { ...DEFAULT_TIMEOUTS, ...(opts.timeouts ?? {}) };
    const maxLag = opts.maxReplicaLagSeconds ?? defaultOf("replicaLagAlarmSeconds")!;
    if (!Number.isFinite(maxLag) || maxLag < 0) {
        throw new Error(`--max-lag-seconds ${maxLag} is not allowed; expected a number of seconds, 0 or more`);
    }
    const send = opts.http ?? nodeHttp;
    const wait = { send, timeoutMs: t.appMs, intervalMs: t.pollMs, requestTimeoutMs: t.httpMs };
    let dr: StackOps | undefined;
    let prod: StackOps | undefined;
    let drRegion = "";
    let prodBefore = "";
    let albDnsName = "";
    let prodApp: AppEndpoint | undefined;
    let drApp: AppEndpoint | undefined;
    let marker: { id: string; value: string } | undefined;
    // Set once the drill config was touched: from then on the teardown must run.
    let touched = false;

    const stacks = async () => {
        prod ??= await opts.workspace.stack(opts.prodStack ?? "prod");
        dr ??= await opts.workspace.stack(opts.drStack ?? "dr");
        return { prod, dr };
    };
    const replicaIdentifier = async (stack: StackOps) => {
        return requireOutput(stack, "dbInstanceIdentifier");
    };
    const prodOutputs = async (p: StackOps) => JSON.stringify(sortKeys(await p.outputs()));

    const preflight: Step = {
        id: "drill.preflight",
        title: "Preflight: credentials, state backend, dr replica available and caught up",
        async run(ctx) {
            const { prod: p, dr: d } = await stacks();
            const prodOut = await p.outputs();
            prodBefore = JSON.stringify(sortKeys(prodOut));
            drRegion = (await d.getConfig("aws:region")) ?? (await d.outputs()).region ?? "";
            if (!drRegion) throw new Error(`stack ${d.name} has neither aws:region in its config nor a region output`);
            const promote = await d.getConfig(KEYS.promote);
            if (promote === "true") {
                throw new Error(`${d.name} has ${KEYS.promote} true: dr is serving (failed over), so there is nothing to drill; `
                    + `a drill needs the standby replica (${KEYS.promote} false)`);
            }
            prodApp = appEndpoint(p.name, prodOut, prodOut.domainName);
            const notes = [await checkCredentials(drRegion)];
            if (typeof prodOut.region === "string") notes.push(await checkBackendRegion(opts.workspace, prodOut.region, drRegion));
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
            const domain = (await d.getConfig(KEYS.hostedZoneId)) ? await d.getConfig(configKey("domainName")) : undefined;
            drApp = appEndpoint(d.name, { ...up.outputs, region: drRegion }, domain);
            return `${describeChanges(up.changes)}; ALB ${albDnsName}, ASG ${up.outputs.asgName ?? "?"}`;
        },
    };

    const targets: Step = {
        id: "drill.targets",
        title: "Wait for healthy targets behind dr's load balancer",
        run: (ctx) => waitTargetsHealthy(ctx, drRegion, albDnsName, { timeoutMs: t.targetsMs, intervalMs: t.pollMs }),
    };

    const writeMarker: Step = {
        id: "drill.marker",
        title: "Write a marker through prod's app (deep check), for dr to read from its replica",
        async run(ctx) {
            marker = opts.marker ?? { id: `drill-${new Date(ctx.io.now()).toISOString().replace(/[^0-9A-Za-z]/g, "")}`, value: randomUUID() };
            const m = marker;
            const result = await waitForDeepCheck(ctx, prodApp!, { method: "POST", marker: m.id, value: m.value },
                (r) => (r.marker?.value === m.value ? undefined : `marker ${m.id} not read back after the write`), wait);
            return `marker ${m.id} written to prod's database; ${describeDeepCheck(result)}`;
        },
    };

    const deepCheck: Step = {
        id: "drill.deepCheck",
        title: "Deep check through dr's app: PHP, the replica, Redis, media, and prod's marker",
        async run(ctx) {
            const m = marker!;
            const result = await waitForDeepCheck(ctx, drApp!, { method: "GET", marker: m.id },
                (r) => (r.marker?.value === m.value ? undefined : `200 ok, but prod's marker ${m.id} is ${r.marker ? `"${r.marker.value}"` : "not"} in the replica yet`), wait);
            return `${describeDeepCheck(result)}; prod's marker ${m.id} read from the replica`;
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
            if (!touched) {
                // A leftover drill flag this run did not adopt (preflight stopped first, e.g. dr is
                // promoted) is not torn down: an unplanned up on a serving dr is worse than a note.
                if ((await d.getConfig(KEYS.drill)) !== "true") return NOTHING_TO_TEAR_DOWN;
                return `${NOTHING_TO_TEAR_DOWN}; NOTE: ${KEYS.drill} is true on ${d.name}, left by an earlier run: check the stack and `
                    + `run \`pulumi config rm ${KEYS.drill} --stack ${d.name} && pulumi up --stack ${d.name}\``;
            }
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
            const diff = await diffText(opts.planner, drillRequest(opts.projectDir ?? process.cwd(), d.name));
            ctx.io.log([`set ${KEYS.drill} true on ${d.name} and pulumi up (app tier against the replica, no DNS),`,
                "wait for healthy targets, deep-check dr's app for a marker written through prod's app, verify the replica and prod,",
                "then remove the drill and pulumi up",
                diff.text].map((l) => `    ${l}`).join("\n"));
            return "dry run: nothing changed";
        },
    };

    if (opts.dryRun) return { steps: [preflight, plan], inline: () => undefined };

    let inline: InlineTeardown | undefined;
    const guard = (check: Step): Step => ({
        ...check,
        async run(ctx) {
            try {
                return await check.run(ctx);
            } catch (e) {
                const cause = describeAwsError(e);
                const started = ctx.io.now();
                ctx.io.log(`▶ ${teardown.title} (after the failure above)`);
                const record: StepRecord = { id: teardown.id, title: teardown.title, status: "ok", startedAt: new Date(started).toISOString() };
                try {
                    const result = await teardown.run(ctx);
                    record.detail = typeof result === "object" ? `WARNING: ${result.warning}` : result ?? undefined;
                } catch (te) {
                    record.status = "failed";
                    record.error = describeAwsError(te);
                }
                record.durationSeconds = Math.round((ctx.io.now() - started) / 100) / 10;
                inline = { record };
                ctx.io.log(record.status === "ok" ? `✓ ${teardown.title}: ${record.detail}` : `✗ ${teardown.title} failed: ${record.error}`);
                const outcome = record.status === "failed" ? `the teardown ALSO failed: ${record.error}`
                    : record.detail?.startsWith(NOTHING_TO_TEAR_DOWN) ? record.detail : `the drill was torn down: ${record.detail}`;
                throw new Error(`${cause} [${outcome}]`);
            }
        },
    });
    return { steps: [...[preflight, writeMarker, build, targets, deepCheck, verify].map(guard), teardown], inline: () => inline };
}

/**
 * Runs the drill. The report lists every check and the teardown with its own measured time,
 * also when the teardown ran early because a check failed (the runner alone would show it as
 * not run); it is ok only when every check and the teardown passed.
 */
export async function runDrill(opts: DrillOptions, io: RunbookIO): Promise<RunbookReport> {
    const drill = buildDrill(opts);
    const report = await runSteps(opts.dryRun ? "drill (dry run)" : "drill", drill.steps, io);
    const early = drill.inline();
    if (early) {
        const failed = report.steps.find((s) => s.status === "failed");
        if (failed?.durationSeconds !== undefined) {
            failed.durationSeconds = Math.max(0, Math.round((failed.durationSeconds - (early.record.durationSeconds ?? 0)) * 10) / 10);
        }
        report.steps[report.steps.length - 1] = early.record;
    }
    return report;
}

/** Where a stack's app answers, from its outputs; throws naming the missing output. */
function appEndpoint(stack: string, outputs: Record<string, any>, domainName: string | undefined): AppEndpoint {
    for (const key of ["region", "albDnsName", "appSecretArn"]) {
        if (typeof outputs[key] !== "string" || outputs[key] === "") {
            throw new Error(`stack ${stack} has no ${key} output, so its app cannot be deep-checked; run \`pulumi up\` on it with this version of the program`);
        }
    }
    const cdn = typeof outputs.cdnDomainName === "string" && outputs.cdnDomainName !== "" ? { cdnDomainName: outputs.cdnDomainName } : {};
    return { stack, region: outputs.region, albDnsName: outputs.albDnsName, appSecretArn: outputs.appSecretArn, ...(domainName ? { domainName } : {}), ...cdn };
}

function sortKeys(value: Record<string, any>): Record<string, any> {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]]));
}

/** The drill runbook as the CLI sees it (ops/runbooks/index.ts lists it). */
export const drillRunbook: RunbookDefinition = {
    name: "drill",
    summary: "Write a marker through prod's app, build dr's app tier against the un-promoted replica, check targets and the deep check "
        + "(reading the marker from the replica), verify replica and prod untouched, always tear down",
    options: ["max-lag-seconds", "timeout-minutes"],
    steps: ({ workspace, settings: s, planner }) => drillSteps({
        workspace, planner, projectDir: s.dir, prodStack: s.prodStack, drStack: s.drStack, maxReplicaLagSeconds: s.maxLagSeconds,
        timeouts: s.timeoutMinutes === undefined ? {} : { targetsMs: s.timeoutMinutes * 60_000 },
    }),
    dryRun: (s) => [{ what: `drill: ${KEYS.drill} false→true on ${s.drStack} (torn down again at the end)`, request: drillRequest(s.dir, s.drStack) }],
};
