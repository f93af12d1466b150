// The hardening runbook: after a failover, once dr serves, make dr production. It sets
// `pilot-light:hardened true` on dr and runs `pulumi up`, which (stacks/dr.ts) converts the
// promoted database to Multi-AZ in place, gives Redis a second node with automatic failover and
// turns on the ALB's deletion protection. Backups are on since the promotion itself. Nothing is
// replaced (the offline diff shown before the step proves it and stops the step otherwise), and
// every call is to dr's regional APIs: no IAM, Route 53 or CloudFront change.
//
// Why a step of its own, after the failover: the failover stays short (promote, serve), and
// every change here is online. RDS converts a Single-AZ instance to Multi-AZ by taking a
// snapshot and restoring a standby in another AZ while the primary keeps serving ("no
// downtime", with higher latency while the snapshot is taken):
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html#Concepts.MultiAZ.Migrating
// Adding a replica to a Redis replication group and enabling automatic failover and Multi-AZ are
// online modifications: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
import { DescribeLoadBalancerAttributesCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { configKey } from "../../stacks/configSchema";
import { findLoadBalancerByDns } from "./aws";
import { awsClient } from "./clients";
import { lastSegment, OfflinePlanner, PlanRequest } from "./failover";
import { describeDbInstance, isPromoted } from "./preflight";
import { RunbookIO, RunbookReport, runSteps, Step, StepContext } from "./runner";
import { outputOf } from "./stackOutputs";
import { describeChanges, diffText, refuseUnsafe, upWithProgress } from "./updates";
import { changeConfig, PulumiWorkspace, StackOps } from "./workspace";
// Type-only: index.ts imports this module at run time, so a value import back would be a cycle.
import type { RunbookDefinition } from "./index";

/** Config keys this runbook reads or sets, fully qualified (stacks/configSchema.ts). */
export const HARDEN_KEYS = { region: "aws:region", promote: configKey("promote"), hardened: configKey("hardened") } as const;

/** Options of the hardening runbook. */
export interface HardenOptions {
    workspace: PulumiWorkspace;
    /** The dr stack. Defaults to `dr`. */
    drStack?: string;
    /** The project folder, for the offline diff. */
    dir: string;
    /** The offline planner. Defaults to ops/diff (`offlinePlan`). */
    planner?: OfflinePlanner;
}

/** The config change of the hardening step, as an offline plan request: promoted → promoted and hardened. */
export function hardenRequest(dir: string, drStack: string): PlanRequest {
    return {
        dir, stack: lastSegment(drStack),
        from: { [HARDEN_KEYS.promote]: "true", [HARDEN_KEYS.hardened]: "false" },
        to: { [HARDEN_KEYS.promote]: "true", [HARDEN_KEYS.hardened]: "true" },
    };
}

interface HardenState {
    dr: StackOps;
    region: string;
    dbIdentifier: string;
    albDnsName: string;
    alreadyHardened: boolean;
}

/** The hardening steps, in order. Nothing runs until the runner calls them. */
export function hardenSteps(opts: HardenOptions): Step[] {
    const drName = opts.drStack ?? "dr";
    let s: HardenState | undefined;
    const state = (): HardenState => {
        if (!s) throw new Error("the dr stack was not read (step preflight.stack did not run)");
        return s;
    };
    return [
        {
            id: "preflight.stack",
            title: `Read the ${drName} stack: promoted, serving`,
            async run() {
                const dr = await opts.workspace.stack(drName);
                const outputs = await dr.outputs();
                if ((await dr.getConfig(HARDEN_KEYS.promote)) !== "true") {
                    throw new Error(`${drName} is not promoted (${HARDEN_KEYS.promote} is not true): hardening makes a promoted dr production; `
                        + "fail over first (npm run runbook -- failover)");
                }
                const region = (await dr.getConfig(HARDEN_KEYS.region)) ?? outputOf(outputs, "region", drName);
                s = {
                    dr, region,
                    dbIdentifier: outputOf(outputs, "dbInstanceIdentifier", drName),
                    albDnsName: outputOf(outputs, "albDnsName", drName),
                    alreadyHardened: (await dr.getConfig(HARDEN_KEYS.hardened)) === "true",
                };
                return `${drName} in ${region}, database ${s.dbIdentifier}, ALB ${s.albDnsName}`
                    + (s.alreadyHardened ? `; ${HARDEN_KEYS.hardened} is already true, the up re-applies it` : "");
            },
        },
        {
            id: "preflight.database",
            title: "Check the promoted database is available",
            async run() {
                const st = state();
                const db = await describeDbInstance(st.region, st.dbIdentifier);
                if (!db) throw new Error(`database ${st.dbIdentifier} not found in ${st.region}; check the ${drName} stack's dbInstanceIdentifier output`);
                if (!isPromoted(db)) {
                    throw new Error(`${st.dbIdentifier} is still a read replica; finish the failover (npm run runbook -- failover) before hardening`);
                }
                if (db.DBInstanceStatus !== "available") {
                    throw new Error(`${st.dbIdentifier} has status "${db.DBInstanceStatus}", expected "available"; wait for RDS to finish and retry`);
                }
                return `${st.dbIdentifier} is a standalone database, available, ${db.MultiAZ ? "already Multi-AZ" : "single-AZ"}`;
            },
        },
        {
            id: "harden",
            title: `Harden ${drName}: Multi-AZ database, Redis failover, ALB deletion protection`,
            dataAffecting: true,
            plan: async () => {
                const summary = await diffText(opts.planner, hardenRequest(opts.dir, drName));
                refuseUnsafe("harden", summary);
                return summary.text;
            },
            run: (ctx) => harden(ctx, state(), drName),
        },
        {
            id: "verify",
            title: "Check the database is Multi-AZ and the ALB is protected",
            run: () => verifyHardened(state()),
        },
    ];
}

/**
 * Sets hardened true and runs `pulumi up`. A failed up puts the key back: every change it makes
 * is online and reversible, and the next run starts from the same config.
 */
async function harden(ctx: StepContext, st: HardenState, drName: string): Promise<string> {
    const change = await changeConfig(st.dr, { [HARDEN_KEYS.hardened]: "true" });
    try {
        const outcome = await upWithProgress(ctx, st.dr);
        return `pulumi up on ${drName}: ${describeChanges(outcome.changes)}`;
    } catch (e: any) {
        await change.restore();
        throw new Error(`pulumi up on ${drName} failed: ${e?.message ?? e}. ${HARDEN_KEYS.hardened} is restored to ${change.previous[HARDEN_KEYS.hardened] ?? "unset"}; `
            + "what the up changed is online and stays (a Multi-AZ conversion under way finishes); fix the cause and re-run `harden`");
    }
}

/** What AWS says after the up: the database Multi-AZ, the ALB with deletion protection. */
async function verifyHardened(st: HardenState): Promise<string> {
    const db = await describeDbInstance(st.region, st.dbIdentifier);
    if (!db?.MultiAZ) {
        throw new Error(`${st.dbIdentifier} is not Multi-AZ after the up (MultiAZ ${db?.MultiAZ ?? "unknown"}, status ${db?.DBInstanceStatus ?? "not found"}); `
            + "see the instance's events in the RDS console");
    }
    const lb = await findLoadBalancerByDns(st.region, st.albDnsName);
    const attrs = await awsClient(ElasticLoadBalancingV2Client, st.region)
        .send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    const protectedLb = attrs.Attributes?.some((a) => a.Key === "deletion_protection.enabled" && a.Value === "true") ?? false;
    if (!protectedLb) throw new Error(`load balancer ${st.albDnsName} has no deletion protection after the up`);
    return `${st.dbIdentifier} is Multi-AZ (secondary in ${db.SecondaryAvailabilityZone ?? "another AZ"}); ALB deletion protection on`;
}

/** Runs the hardening and returns the runner's report. */
export function runHarden(opts: HardenOptions, io: RunbookIO): Promise<RunbookReport> {
    return runSteps("harden", hardenSteps(opts), io);
}

/** The hardening runbook as the CLI sees it (ops/runbooks/index.ts lists it). */
export const hardenRunbook: RunbookDefinition = {
    name: "harden",
    summary: "After a failover: make the promoted dr production (Multi-AZ database in place, Redis failover, ALB deletion protection)",
    options: [],
    steps: ({ workspace, settings: s, planner }) => hardenSteps({ workspace, planner, drStack: s.drStack, dir: s.dir }),
    dryRun: (s) => [{ what: `harden: ${HARDEN_KEYS.hardened} false→true on promoted ${s.drStack}`, request: hardenRequest(s.dir, s.drStack) }],
};
