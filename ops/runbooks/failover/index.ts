// The failover runbook: move the workload from prod to the pilot-light dr stack. Read-only
// preflight checks first (one timeline row each), including what Route 53's checkers see of
// prod (a healthy prod stops the run unless --force) and the replica lag (the RPO), then the one
// data-affecting step: stop prod's app servers if prod's region answers, promote the dr replica
// in place and build the app tier with `pilot-light:promote true` and `pulumi up`. Then
// verification that the new app tier serves (healthy targets, and the deep check writing a
// marker on the promoted database and reading it back), the fence of prod's PRIMARY record, and
// DNS asked of the zone's own name servers. Re-running after a partial failure is safe: an
// already-promoted replica is detected and the run resumes at the promote step.
//
// What depends on which control plane, and when: docs/runbooks/failover.md. Only dr's regional
// APIs and DNS are required; Route 53's API (health-check status, the fence) and prod's region
// (stopping its app servers) are best effort, each a warning when they do not answer.
import { StepWarning, runSteps, RunbookIO, RunbookReport, Step, stepWarning } from "../runner";
import { PulumiWorkspace } from "../workspace";
import { AppHttp } from "../appCheck";
import { waitTargetsHealthy, describeAwsError } from "../aws";
import { isUnreachable } from "../clients";
import { interruptedRecovery } from "../locks";
import { DnsClient, systemDns } from "../dns";
import {
    checkBackendRegion, checkCredentials, checkImageAvailable, checkQuotas, checkReplicaAvailable, checkReplicaLag,
    describeDbInstance, isPromoted,
} from "../preflight";
import { describeSecretsProvider, drSecretsProblem, readSecretsProvider } from "../secretsProvider";
import { offlinePlan, OfflinePlanner, promotePlan } from "./plan";
import { FailoverState, readStacks } from "./stacks";
import { checkProdHealth } from "./prod";
import { fenceProd, promote, verifyApp, waitForDns } from "./verify";

export { KEYS, lastSegment } from "./stacks";
export { offlinePlan, promotionRequest } from "./plan";
export type { OfflinePlan, OfflinePlanner, PlanRequest } from "./plan";

/** Options of the failover runbook. */
export interface FailoverOptions {
    workspace: PulumiWorkspace;
    /** The prod stack's name. Defaults to `prod`. */
    prodStack?: string;
    /** The dr stack's name. Defaults to `dr`. */
    drStack?: string;
    /** The project folder, for the offline plan and the stacks' secrets providers (Pulumi.<stack>.yaml). */
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
    /** Promote even though Route 53's checkers see prod healthy (`--force`). Defaults to false. */
    force?: boolean;
    /** How DNS is asked (the zone's own name servers). Defaults to `systemDns()`. */
    dns?: DnsClient;
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
            async run(): Promise<string | StepWarning> {
                try {
                    return await checkBackendRegion(opts.workspace, state().prodRegion, state().drRegion);
                } catch (e) {
                    // The stacks were just read through the backend, so it works; only its region is unknown.
                    if (isUnreachable(e)) return stepWarning("unchecked", `could not look up the state bucket's region: ${describeAwsError(e)}`);
                    throw e;
                }
            },
        },
        {
            id: "preflight.secrets",
            title: "Check where the stacks' secrets providers live",
            async run() {
                const st = state();
                const dr = readSecretsProvider(opts.dir, drName);
                const problem = drSecretsProblem(drName, dr, st.prodRegion, st.drRegion);
                if (problem) throw new Error(problem);
                return [describeSecretsProvider(drName, dr), describeSecretsProvider(prodName, readSecretsProvider(opts.dir, prodName))].join("; ");
            },
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
            title: "Check replica lag (the RPO)",
            async run(ctx) {
                const st = state();
                if (st.alreadyPromoted) return `skipped: ${st.dbIdentifier} is no longer a replica, so it has no lag`;
                return checkReplicaLag(st.drRegion, st.dbIdentifier, st.maxLagSeconds, ctx.io.now(), { acceptLag: opts.acceptLag });
            },
        },
        {
            id: "preflight.prodHealth",
            title: "Check what Route 53's health checkers see of prod",
            run: () => checkProdHealth(state(), prodName, opts.force ?? false),
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
            title: `Stop prod's app servers if its region answers, promote the ${drName} replica and build the app tier`,
            dataAffecting: true,
            plan: async () => `First scale ${prodName}'s app servers (${state().prodOutputs.asgName ?? "no asgName output"}) to 0 in `
                + `${state().prodRegion}, best effort.\n${await promotePlan(planner, opts.dir, drName)}`,
            run: (ctx) => promote(ctx, state(), prodName, drName),
            onInterrupt: () => (s?.upStarted ? interruptedRecovery(drName) : undefined),
        },
        {
            id: "verify.targets",
            title: "Wait for a healthy target behind the dr load balancer",
            async run(ctx) {
                const st = state();
                const dns = st.drOutputs.albDnsName;
                if (!dns) throw new Error(`the ${drName} stack has no albDnsName output after the update; is pilot-light:promote true on it?`);
                return waitTargetsHealthy(ctx, st.drRegion, dns, { timeoutMs, intervalMs });
            },
        },
        {
            id: "verify.app",
            title: "Deep check through dr's app: write a marker on the promoted database and read it back",
            run: (ctx) => verifyApp(ctx, state(), drName, opts, { timeoutMs, intervalMs }),
        },
        {
            id: "fence",
            title: "Fence prod out of DNS: point the PRIMARY record at dr",
            run: () => fenceProd(state(), prodName),
        },
        {
            id: "verify.dns",
            title: "Wait for the zone's name servers to answer with the dr load balancer",
            run: (ctx) => waitForDns(ctx, state(), opts.dns ?? systemDns(), { timeoutMs, intervalMs }),
        },
    ];
}

/** Runs the failover and returns the runner's report (with the measured timeline). */
export async function runFailover(opts: FailoverOptions, io: RunbookIO): Promise<RunbookReport> {
    return runSteps("failover", failoverSteps(opts), io);
}
