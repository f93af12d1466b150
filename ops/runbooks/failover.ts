// The failover runbook: move the workload from prod to the pilot-light dr stack. Read-only
// preflight checks first (one timeline row each), then the one data-affecting step, promoting
// the dr replica in place and building the app tier with `pilot-light:promote true` and
// `pulumi up`, then verification that the new app tier serves (healthy targets, and the deep
// check writing a marker on the promoted database and reading it back) and that DNS follows.
// Re-running after a partial failure is safe: an already-promoted replica is detected and the
// run resumes at the promote step, which converges the dr stack.
import {
    GetHealthCheckStatusCommand, Route53Client, TestDNSAnswerCommand,
} from "@aws-sdk/client-route-53";
import { configKey, parseValue, ValueOf } from "../../stacks/configSchema";
import type { PlanChangeRequest } from "../diff";
import { awsClient } from "./clients";
import { runSteps, RunbookIO, RunbookReport, Step, StepContext, waitFor } from "./runner";
import { PulumiWorkspace, StackOps } from "./workspace";
import { randomUUID } from "crypto";
import { AppEndpoint, AppHttp, nodeHttp, writeAndReadMarker } from "./appCheck";
import {
    checkBackendRegion, checkCredentials, checkImageAvailable, checkQuotas, checkReplicaAvailable, checkReplicaLag,
    describeDbInstance, isPromoted,
} from "./preflight";
import {
    aliasPrimaryRecord, describeAwsError, findLoadBalancerByDns, loadBalancerAddresses, normaliseDns, targetHealth,
} from "./aws";

/** Config keys this runbook reads or sets, fully qualified (stacks/configSchema.ts). */
export const KEYS = {
    region: "aws:region",
    promote: configKey("promote"),
    appInstanceType: configKey("appInstanceType"),
    appMaxSize: configKey("appMaxSize"),
    replicaLagAlarmSeconds: configKey("replicaLagAlarmSeconds"),
    peerStack: configKey("peerStack"),
    domainName: configKey("domainName"),
    hostedZoneId: configKey("hostedZoneId"),
    replicateToPeer: configKey("replicateToPeer"),
} as const;

// ---------------------------------------------------------------------------------------------
// Offline plans (ops/diff), loaded lazily: the planner pulls in the whole offline engine, which
// only --dry-run and the promote step's plan need.

/** The arguments of `planChange` in ops/diff: config overrides are fully qualified keys. */
export type PlanRequest = PlanChangeRequest;

/** An offline plan: the resource changes, the data-safety problems, and the changes rendered for a terminal. */
export interface OfflinePlan {
    changes: unknown[];
    unsafe: string[];
    text: string;
}

/** Computes an offline plan. Injected in tests; `offlinePlan` is the real one. */
export type OfflinePlanner = (request: PlanRequest) => Promise<OfflinePlan>;

/** The real planner: `planChange` and `renderChanges` from ops/diff, without any cloud or Pulumi CLI call. */
export const offlinePlan: OfflinePlanner = async (request) => {
    const diff = await import("../diff");
    const result = await diff.planChange(request);
    // What `pulumi up` would refuse stops a runbook step the same way as a data-safety problem.
    const refused = result.refused.map((r) => `pulumi up would refuse: ${r}`);
    return { changes: result.changes, unsafe: [...result.unsafe, ...refused], text: diff.renderChanges(result.changes) };
};

/** The config change a failover makes on dr, as planChange overrides. */
export function promotionRequest(dir: string, drStack: string): PlanRequest {
    // The offline planner reads Pulumi.<stack>.yaml, named by the last segment of org/project/stack.
    return { dir, stack: lastSegment(drStack), from: { [KEYS.promote]: "false" }, to: { [KEYS.promote]: "true" } };
}

// ---------------------------------------------------------------------------------------------

/** Options of the failover runbook. */
export interface FailoverOptions {
    workspace: PulumiWorkspace;
    /** The prod stack's name. Defaults to `prod`. */
    prodStack?: string;
    /** The dr stack's name. Defaults to `dr`. */
    drStack?: string;
    /** The project folder, for the offline plan. */
    dir: string;
    /** Largest acceptable replica lag. Defaults to dr's `pilot-light:replicaLagAlarmSeconds`, else 300. */
    maxLagSeconds?: number;
    /** Fail over even when the lag is over the limit or unknown (the source region may be gone). */
    acceptLag?: boolean;
    /** How long each verification waits (healthy targets, DNS). Defaults to 15 minutes. */
    timeoutMs?: number;
    /** Poll interval of the verifications. Defaults to 15 seconds. */
    intervalMs?: number;
    /** Offline planner for the promote step's plan. Defaults to `offlinePlan`. */
    planner?: OfflinePlanner;
    /** The HTTP client of the deep check. Defaults to `nodeHttp`. */
    http?: AppHttp;
    /** The marker's id and value. Defaults to `failover-<ISO time>` and a random UUID. */
    marker?: { id: string; value: string };
}

/** What the steps learn and pass on. Filled in by the first step. */
interface FailoverState {
    prod: StackOps;
    dr: StackOps;
    prodRegion: string;
    drRegion: string;
    prodOutputs: Record<string, any>;
    drOutputs: Record<string, any>;
    dbIdentifier: string;
    instanceType: string;
    maxSize: number;
    maxLagSeconds: number;
    domainName?: string;
    hostedZoneId?: string;
    /** dr's own domain when dr's ALB serves HTTPS (domainName and hostedZoneId set on dr). */
    drDomainName?: string;
    /** The replica was already promoted when the run started (a resumed failover). */
    alreadyPromoted: boolean;
    /** Route 53 health checkers still see prod healthy (DNS keeps answering with prod). */
    prodHealthy?: boolean;
}

/** The failover steps, in order. Nothing runs until the runner calls them. */
export function failoverSteps(opts: FailoverOptions): Step[] {
    const prodName = opts.prodStack ?? "prod";
    const drName = opts.drStack ?? "dr";
    const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
    const intervalMs = opts.intervalMs ?? 15_000;
    const planner = opts.planner ?? offlinePlan;
    let s: FailoverState | undefined;
    const state = (): FailoverState => {
        if (!s) throw new Error("the stacks were not read (step preflight.stacks did not run)");
        return s;
    };

    return [
        {
            id: "preflight.stacks",
            title: `Read the ${prodName} and ${drName} stacks`,
            async run() {
                s = await readStacks(opts, prodName, drName);
                return `prod ${s.prodRegion}, dr ${s.drRegion}, replica ${s.dbIdentifier}, `
                    + `${s.maxSize} × ${s.instanceType}` + (s.domainName ? `, domain ${s.domainName}` : ", no domain configured");
            },
        },
        {
            id: "preflight.credentials",
            title: "Check AWS credentials",
            run: () => checkCredentials(state().drRegion),
        },
        {
            id: "preflight.backend",
            title: "Check the state backend is outside the prod region",
            run: () => checkBackendRegion(opts.workspace, state().prodRegion),
        },
        {
            id: "preflight.replica",
            title: "Check the dr replica",
            async run() {
                const st = state();
                const result = await checkReplicaAvailable(st.drRegion, st.dbIdentifier, { allowPromoted: true });
                const db = await describeDbInstance(st.drRegion, st.dbIdentifier);
                st.alreadyPromoted = db !== undefined && isPromoted(db);
                return result;
            },
        },
        {
            id: "preflight.lag",
            title: "Check replica lag",
            async run(ctx) {
                const st = state();
                if (st.alreadyPromoted) return `skipped: ${st.dbIdentifier} is no longer a replica, so it has no lag`;
                return checkReplicaLag(st.drRegion, st.dbIdentifier, st.maxLagSeconds, ctx.io.now(), { acceptLag: opts.acceptLag });
            },
        },
        {
            id: "preflight.quotas",
            title: "Check EC2 and Auto Scaling quotas in dr",
            async run() {
                const st = state();
                if (st.drOutputs.asgName) {
                    return `skipped: the app tier already exists in ${st.drRegion} (Auto Scaling group ${st.drOutputs.asgName}), its capacity is already counted`;
                }
                return checkQuotas(st.drRegion, st.instanceType, st.maxSize);
            },
        },
        {
            id: "preflight.image",
            title: "Check the app image in dr",
            async run() {
                const st = state();
                if (!st.drOutputs.appImageId) {
                    throw new Error(`the ${drName} stack has no appImageId output; run \`pulumi up\` on ${drName} in standby first`);
                }
                return checkImageAvailable(st.drRegion, st.drOutputs.appImageId);
            },
        },
        {
            id: "promote",
            title: `Promote the ${drName} replica and build the app tier`,
            dataAffecting: true,
            plan: async () => promotePlan(planner, opts.dir, drName),
            run: (ctx) => promote(ctx, state(), drName),
        },
        {
            id: "verify.targets",
            title: "Wait for a healthy target behind the dr load balancer",
            async run(ctx) {
                const st = state();
                const dns = st.drOutputs.albDnsName;
                if (!dns) throw new Error(`the ${drName} stack has no albDnsName output after the update; is pilot-light:promote true on it?`);
                const lb = await findLoadBalancerByDns(st.drRegion, dns);
                const health = await waitFor(ctx, `a healthy target behind ${dns}`, async () => {
                    const h = await targetHealth(st.drRegion, lb.LoadBalancerArn!);
                    const others = Object.entries(h.others).map(([k, v]) => `${v} ${k}`).join(", ");
                    ctx.progress(`${h.healthy} of ${h.total} targets healthy${others ? ` (${others})` : ""}`);
                    return h.healthy >= 1 ? h : undefined;
                }, { timeoutMs, intervalMs });
                return `${health.healthy} of ${health.total} targets healthy behind ${dns}`;
            },
        },
        {
            id: "verify.app",
            title: "Deep check through dr's app: write a marker on the promoted database and read it back",
            run: (ctx) => verifyApp(ctx, state(), drName, opts, { timeoutMs, intervalMs }),
        },
        {
            id: "verify.healthCheck",
            title: "Check what Route 53 health checkers see of prod",
            run: () => checkProdHealth(state(), prodName),
        },
        {
            id: "fence",
            title: "Fence prod out of DNS: point the PRIMARY record at dr",
            run: () => fenceProd(state(), prodName),
        },
        {
            id: "verify.dns",
            title: "Wait for DNS to answer with the dr load balancer",
            run: (ctx) => waitForDns(ctx, state(), { timeoutMs, intervalMs }),
        },
    ];
}

/** Runs the failover and returns the runner's report (with the measured timeline). */
export async function runFailover(opts: FailoverOptions, io: RunbookIO): Promise<RunbookReport> {
    return runSteps("failover", failoverSteps(opts), io);
}

async function readStacks(opts: FailoverOptions, prodName: string, drName: string): Promise<FailoverState> {
    const dr = await opts.workspace.stack(drName);
    const prod = await opts.workspace.stack(prodName);
    const [drOutputs, prodOutputs] = [await dr.outputs(), await prod.outputs()];
    const drRegion = (await dr.getConfig(KEYS.region)) ?? drOutputs.region;
    const prodRegion = prodOutputs.region ?? (await prod.getConfig(KEYS.region));
    if (!drRegion) throw new Error(`the ${drName} stack has no aws:region config and no region output; set aws:region on it`);
    if (!prodRegion) throw new Error(`the ${prodName} stack has no region output and no aws:region config; is --prod-stack ${prodName} the right stack?`);
    if (drRegion === prodRegion) {
        throw new Error(`${drName} and ${prodName} are both in ${drRegion}; a failover must move to another region (check --prod-stack/--dr-stack)`);
    }
    const peer = await dr.getConfig(KEYS.peerStack);
    if (peer && lastSegment(peer) !== lastSegment(prodName)) {
        throw new Error(`${drName}'s pilot-light:peerStack is "${peer}", not "${prodName}"; pass --prod-stack ${lastSegment(peer)} `
            + `(or fix the config) so the checks look at the stack dr actually replicates from`);
    }
    const dbIdentifier = drOutputs.dbInstanceIdentifier;
    if (!dbIdentifier) throw new Error(`the ${drName} stack has no dbInstanceIdentifier output; deploy it in standby first (bootstrap)`);

    const instanceType = await configValue(dr, "appInstanceType");
    const maxSize = await configValue(dr, "appMaxSize");
    const maxLagSeconds = opts.maxLagSeconds ?? await configValue(dr, "replicaLagAlarmSeconds");
    const domainName = (await dr.getConfig(KEYS.domainName)) ?? (await prod.getConfig(KEYS.domainName)) ?? prodOutputs.domainName;
    const hostedZoneId = (await dr.getConfig(KEYS.hostedZoneId)) ?? (await prod.getConfig(KEYS.hostedZoneId));
    // dr's ALB has an HTTPS listener only when dr's own config has both keys (stacks/appTier.ts).
    const drDomainName = (await dr.getConfig(KEYS.hostedZoneId)) ? await dr.getConfig(KEYS.domainName) : undefined;
    return {
        prod, dr, prodRegion, drRegion, prodOutputs, drOutputs, dbIdentifier, instanceType, maxSize, maxLagSeconds,
        domainName, hostedZoneId, drDomainName, alreadyPromoted: false,
    };
}

/** A key of the stack's config parsed through the schema: its default when unset, an error naming it when bad. */
async function configValue<K extends "appInstanceType" | "appMaxSize" | "replicaLagAlarmSeconds">(stack: StackOps, key: K): Promise<ValueOf<K>> {
    const { value, problem } = parseValue(key, await stack.getConfig(configKey(key)));
    if (problem !== undefined) throw new Error(`${stack.name}'s ${problem}`);
    return value!;
}

/** `dr` of `org/pilot-light/dr`. */
export function lastSegment(stack: string): string {
    return stack.split("/").pop()!;
}

async function promotePlan(planner: OfflinePlanner, dir: string, drName: string): Promise<string> {
    let plan: OfflinePlan;
    try {
        plan = await planner(promotionRequest(dir, drName));
    } catch (e: any) {
        // A planner bug must not block a failover in a real disaster: say so and let the operator decide.
        return `offline plan unavailable (${e?.message ?? e}); \`pulumi up\` on ${drName} will show the real changes`;
    }
    if (plan.unsafe.length) {
        throw new Error(`the offline plan of promote false→true on ${drName} is unsafe, not promoting: ${plan.unsafe.join("; ")}`);
    }
    return `Offline plan of ${KEYS.promote} false→true on ${drName}:\n${plan.text}`;
}

async function promote(ctx: StepContext, st: FailoverState, drName: string): Promise<string> {
    const previous = await st.dr.getConfig(KEYS.promote);
    await st.dr.setConfig(KEYS.promote, "true");
    try {
        const outcome = await st.dr.up((line) => ctx.progress(line));
        st.drOutputs = outcome.outputs;
        const counts = Object.entries(outcome.changes).filter(([op]) => op !== "same").map(([op, n]) => `${n} ${op}`).join(", ");
        return `pulumi up on ${drName}: ${counts || "no changes"}; ALB ${outcome.outputs.albDnsName ?? "(no albDnsName output)"}`;
    } catch (e: any) {
        const cause = `pulumi up on ${drName} failed: ${e?.message ?? e}`;
        let db;
        try {
            db = await describeDbInstance(st.drRegion, st.dbIdentifier);
        } catch (describeError) {
            throw new Error(`${cause}. Could not tell whether ${st.dbIdentifier} was promoted (${describeAwsError(describeError)}), `
                + `so ${KEYS.promote} is left true: re-running \`failover\` resumes, and setting it back to false could make the next up `
                + `try to turn a promoted database back into a replica`);
        }
        if (db && !isPromoted(db)) {
            await restore(st.dr, KEYS.promote, previous);
            throw new Error(`${cause}. ${st.dbIdentifier} is still a replica, so nothing irreversible happened; `
                + `${KEYS.promote} is restored to ${previous ?? "unset"}. Fix the cause and re-run \`failover\``);
        }
        throw new Error(`${cause}. ${st.dbIdentifier} is already promoted (a standalone database now), so ${KEYS.promote} is kept true: `
            + `setting it back would make the next up try to re-attach replication. Fix the cause and re-run \`failover\`; it resumes here`);
    }
}

/**
 * Puts a config key back to `previous`, removing it when it was not set (and only if it is set
 * now, so nothing depends on how `pulumi config rm` treats a missing key).
 */
export async function restore(stack: StackOps, key: string, previous: string | undefined): Promise<void> {
    if (previous !== undefined) await stack.setConfig(key, previous);
    else if ((await stack.getConfig(key)) !== undefined) await stack.removeConfig(key);
}

/**
 * The promoted app end to end: a marker written through dr's app (POST to the deep check, so the
 * database must take writes) and read back by a second request (which may reach another
 * instance). 200 with status "ok" only: a redirect or any failed dependency fails the step.
 */
async function verifyApp(ctx: StepContext, st: FailoverState, drName: string, opts: FailoverOptions,
    timing: { timeoutMs: number; intervalMs: number }): Promise<string> {
    const { albDnsName, appSecretArn } = st.drOutputs;
    if (!albDnsName || !appSecretArn) {
        throw new Error(`the ${drName} stack has no ${albDnsName ? "appSecretArn" : "albDnsName"} output after the update, so its app cannot be `
            + "deep-checked; is pilot-light:promote true on it, and is it running this version of the program?");
    }
    const app: AppEndpoint = { stack: drName, region: st.drRegion, albDnsName, appSecretArn, ...(st.drDomainName ? { domainName: st.drDomainName } : {}) };
    const marker = opts.marker ?? { id: `failover-${new Date(ctx.io.now()).toISOString().replace(/[^0-9A-Za-z]/g, "")}`, value: randomUUID() };
    return writeAndReadMarker(ctx, app, marker, { send: opts.http ?? nodeHttp, ...timing, requestTimeoutMs: 10_000 });
}

/**
 * Route 53 considers an endpoint healthy when more than 18% of its checkers report it healthy,
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
 */
const HEALTHY_FRACTION = 0.18;

async function checkProdHealth(st: FailoverState, prodName: string): Promise<string> {
    if (!st.domainName) return "skipped: no domain is configured (pilot-light:domainName), so there is no DNS failover to check";
    const id = st.prodOutputs.healthCheckId;
    if (!id) {
        throw new Error(`${prodName} has no healthCheckId output, so its PRIMARY failover record has no health check and Route 53 `
            + `treats it as always healthy: DNS for ${st.domainName} will keep answering with prod. Run \`pulumi up\` on ${prodName} with `
            + `this version of the program when its region allows, or change the record by hand`);
    }
    let status;
    try {
        status = await healthCheckStatus(id);
    } catch (e) {
        // Route 53's API (unlike its DNS answers) is served from us-east-1, so it can be what the
        // disaster took; not knowing what the checkers see is no reason to call the failover failed.
        return `WARNING: could not read health check ${id} (${describeAwsError(e)}); the DNS step below shows where traffic goes`;
    }
    if (status.total === 0) return `health check ${id}: no checker observations yet`;
    st.prodHealthy = status.healthy / status.total > HEALTHY_FRACTION;
    if (!st.prodHealthy) {
        return `prod is unhealthy to Route 53 (${status.healthy} of ${status.total} checkers see it healthy), as expected: DNS fails over to dr`;
    }
    return `WARNING: ${status.healthy} of ${status.total} Route 53 checkers see prod healthy (health check ${id}), so DNS keeps `
        + `answering ${st.domainName} with prod: failover records serve the SECONDARY (dr) only while the PRIMARY's health check fails. `
        + `until the next step repoints the PRIMARY record at dr`;
}

/**
 * Points prod's PRIMARY failover record at the dr load balancer, keeping its health check.
 * Without this, the moment prod's region recovers its health check passes and Route 53 sends
 * users back to prod's old app tier and stale (but writable) database: two primaries. With it,
 * both records answer with dr whatever prod's health, until failback's switchover (`pulumi up`
 * on prod) restores the record from prod's own state. Route 53's API is served from
 * us-east-1, so during an outage there this can fail: that is a warning, not a failed
 * failover (SECONDARY already serves while prod is unhealthy), and the step says what to rerun.
 */
async function fenceProd(st: FailoverState, prodName: string): Promise<string> {
    if (!st.domainName || !st.hostedZoneId) {
        return "skipped: no domain is configured (pilot-light:domainName/hostedZoneId), so there is no PRIMARY record to fence";
    }
    const retry = `rerun \`npm run runbook -- failover --yes\` (it resumes) before ${prodName}'s region recovers`;
    try {
        const { name, primary, unchanged, lb } = await aliasPrimaryRecord(st.hostedZoneId, st.domainName,
            { region: st.drRegion, albDnsName: st.drOutputs.albDnsName }, `pilot-light failover: fence ${prodName} until failback`);
        if (!primary) {
            return `WARNING: no PRIMARY failover record named ${name} in zone ${st.hostedZoneId}; nothing to fence (was it created by ${prodName}?)`;
        }
        if (unchanged) return `the PRIMARY record already points at dr (${lb!.DNSName})`;
        return `PRIMARY record ${name} now aliases the dr load balancer ${lb!.DNSName} (was ${primary.AliasTarget?.DNSName ?? "?"}); `
            + `failback's switchover restores it`;
    } catch (e) {
        return `WARNING: could not fence prod (${describeAwsError(e)}); when ${prodName} recovers, Route 53 may send users back to it: ${retry}`;
    }
}

async function healthCheckStatus(id: string): Promise<{ healthy: number; total: number }> {
    // Route 53 is a global service whose control plane is addressed in us-east-1.
    const out = await awsClient(Route53Client, "us-east-1").send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
    const observations = out.HealthCheckObservations ?? [];
    const healthy = observations.filter((o) => (o.StatusReport?.Status ?? "").startsWith("Success")).length;
    return { healthy, total: observations.length };
}

/**
 * Waits until Route 53's answer for the domain is the dr ALB. The record is an alias, so the
 * answer (TestDNSAnswer, which asks Route 53's own name servers and applies failover routing)
 * is a list of IP addresses, and an ALB's name is not in our hosted zone to ask the same way.
 * The dr ALB's current addresses are the public IPs of its network interfaces, whose
 * description is "ELB app/<name>/<id>"; the answer matches when every address in it is one of
 * them. Both are read fresh on each poll because ALB addresses change as it scales.
 */
async function waitForDns(ctx: StepContext, st: FailoverState, timing: { timeoutMs: number; intervalMs: number }): Promise<string> {
    if (!st.domainName) return "skipped: no domain is configured (pilot-light:domainName), so DNS was not checked";
    if (!st.hostedZoneId) {
        // Not worth failing a failover that has otherwise worked: the stack config requires both
        // keys together, so this is a half-edited config, and the operator can check by hand.
        return `WARNING: not checked: domain ${st.domainName} is known but pilot-light:hostedZoneId is set on neither stack; `
            + `check \`dig ${st.domainName}\` against the dr load balancer ${st.drOutputs.albDnsName} by hand`;
    }
    const lb = await findLoadBalancerByDns(st.drRegion, st.drOutputs.albDnsName);
    const r53 = awsClient(Route53Client, "us-east-1");
    let lastError: string | undefined;
    try {
        return await waitFor(ctx, `${st.domainName} to resolve to the dr load balancer`, async () => {
            let answer;
            try {
                answer = await r53.send(new TestDNSAnswerCommand({ HostedZoneId: st.hostedZoneId, RecordName: st.domainName, RecordType: "A" }));
            } catch (e) {
                // Keep polling: the Route 53 API may be impaired along with us-east-1 (see checkProdHealth).
                lastError = describeAwsError(e);
                ctx.progress(`TestDNSAnswer failed: ${lastError}`);
                return undefined;
            }
            lastError = undefined;
            const answered = (answer.RecordData ?? []).map(normaliseDns);
            const albIps = await loadBalancerAddresses(st.drRegion, lb.LoadBalancerArn!);
            const matches = answered.length > 0 && answered.every((ip) => albIps.has(ip));
            ctx.progress(`${st.domainName} A → ${answered.join(", ") || `(${answer.ResponseCode ?? "no answer"})`}; `
                + `dr ALB is ${[...albIps].join(", ") || "(no public addresses yet)"}`);
            return matches ? `${st.domainName} answers ${answered.join(", ")}, the dr load balancer ${st.drOutputs.albDnsName}` : undefined;
        }, timing);
    } catch (e: any) {
        const why = st.prodHealthy
            ? ` Route 53 checkers still saw prod healthy, which keeps DNS on prod (see the health check step).`
            : "";
        const last = lastError ? ` The last TestDNSAnswer call failed: ${lastError}.` : "";
        throw new Error(`${e?.message ?? e}.${why}${last} The dr app tier is up; users reach it through ${st.drOutputs.albDnsName} once DNS follows`);
    }
}
