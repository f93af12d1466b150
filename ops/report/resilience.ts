// Offline RTO/RPO estimates of the planned stacks, per disruption (instance, Availability Zone,
// region) and per component, compared with the targets in stack config
// (`pilot-light:rtoTargetMinutes`, `pilot-light:rpoTargetMinutes`).
//
// Every number comes from RESILIENCE_ASSUMPTIONS, a table of named durations with the AWS page
// or the stated basis behind each one; the parts a plan records (alarm periods, health-check
// intervals, the replica-lag alarm, the RTC window, DLM intervals) replace the table's defaults
// (effectiveAssumptions). A region failure's RTO includes the critical path of the promotion:
// the longest chain of dependent creates and updates in `pulumi up` of the promoted dr stack.
// These are estimates for design review, not measurements: drills measure the real thing.
// The table is in ./resilienceAssumptions.ts, the renderings in ./resilienceRender.ts.
import type { ResourceChange } from "../diff";
import type { RecordedResource } from "../offline/engine";
import type { StackPlan } from "../offline/planner";
import { defaultOf, NAMESPACE } from "../../stacks/configSchema";
import { DATA_TAG } from "../../components/ha/ebsState/lifecycle";
import { CriticalPath, criticalPath, servesUsers, waitsFor } from "./criticalPath";
import { corruptionRows } from "./resilienceCorruption";
import { lookup, RESILIENCE_ASSUMPTIONS, ResilienceAssumption, roundMinutes } from "./resilienceAssumptions";
import { singletonRegionRow, singletonRows } from "./resilienceSingleton";

export { CREATE_DURATIONS, RESILIENCE_ASSUMPTIONS, roundMinutes } from "./resilienceAssumptions";
export type { ResilienceAssumption } from "./resilienceAssumptions";
export { criticalPath, SERVING_TYPES, servesUsers, waitsFor } from "./criticalPath";
export type { CriticalPath, CriticalPathStep } from "./criticalPath";
export { formatMinutes, renderAssumptionsTable, renderCriticalPath, renderResilienceTable, resilienceJson } from "./resilienceRender";

/** A row of the resilience report. */
export interface ResilienceRow {
    /** `instance failure`, `AZ failure`, `region failure` or `data corruption or deletion`. */
    disruption: string;
    /** What recovers, e.g. `web tier`, `database`, `singleton (recoverable-instance)`. */
    component: string;
    /** Estimated minutes until it serves again; null when this design has no recovery path for it. */
    rtoMinutes: number | null;
    /** Estimated minutes of writes lost; null when the design does not keep them. */
    rpoMinutes: number | null;
    /** The assumption ids the estimates add up. */
    basis: string[];
    rtoTargetMinutes: number;
    rpoTargetMinutes: number;
    meetsRto: boolean;
    meetsRpo: boolean;
    /** `ok`; a miss is an `advisory`, or a `failure` when assessed with `strict`. */
    status: "ok" | "advisory" | "failure";
    /** Why, in words: what dominates, what is not covered. */
    notes: string[];
    /** Region failure of the web tier only: the promotion's critical path to serving (servesUsers). */
    criticalPath?: CriticalPath;
    /** Region failure of the web tier only: the whole promotion's critical path (the cache included). */
    promotionPath?: CriticalPath;
    /**
     * Region failure of the web tier only: minutes from the operator's decision until the site
     * serves (`pulumi up` overhead + the path to serving + the alias TTL), the part a runbook and
     * the design can shorten; detection and the decision come before it.
     */
    fromDecisionMinutes?: number;
}

/** What assessResilience compares: prod, dr in standby, dr promoted, and the promotion diff. */
export interface ResilienceInput {
    prod: StackPlan;
    drStandby: StackPlan;
    drPromoted: StackPlan;
    /** The changes from drStandby to drPromoted (ops/diff diffPlans(...).changes). */
    promotion: ResourceChange[];
    /** Defaults to `rtoTargetMinutes`/`rpoTargetMinutes` of prod's config (targetsFromConfig). */
    targets?: ResilienceTargets;
    /** Misses become failures instead of advisories. Defaults to `false`. */
    strict?: boolean;
    /** Defaults to effectiveAssumptions(input). */
    assumptions?: readonly ResilienceAssumption[];
}

/** RTO and RPO targets in minutes. */
export interface ResilienceTargets {
    rtoMinutes: number;
    rpoMinutes: number;
}



function ns(plan: StackPlan): string {
    return plan.project ?? NAMESPACE;
}

/** The targets a plan's config sets, with the schema's defaults for a plan planned without it. */
export function targetsFromConfig(plan: StackPlan): ResilienceTargets {
    return {
        rtoMinutes: plan.settings?.rtoTargetMinutes ?? defaultOf("rtoTargetMinutes")!,
        rpoMinutes: plan.settings?.rpoTargetMinutes ?? defaultOf("rpoTargetMinutes")!,
    };
}

const byType = (plan: StackPlan, type: string) => plan.resources.filter((r) => r.custom && r.type === type);
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

function isRecoverAlarm(r: RecordedResource): boolean {
    return (r.inputs.alarmActions ?? []).some((a: unknown) => typeof a === "string" && a.endsWith(":ec2:recover"));
}

function alarmMinutes(r: RecordedResource): number | undefined {
    const periods = Number(r.inputs.evaluationPeriods);
    const period = Number(r.inputs.period);
    return Number.isFinite(periods) && Number.isFinite(period) ? (periods * period) / 60 : undefined;
}

/**
 * The assumption table with the values the plans record instead of the defaults: recover and
 * failover alarm periods, the Route 53 health check, the ALB target health check, the ReplicaLag
 * alarm (or pilot-light:replicaLagAlarmSeconds), the RTC window and the DLM interval.
 */
export function effectiveAssumptions(input: Pick<ResilienceInput, "prod" | "drStandby" | "drPromoted">): ResilienceAssumption[] {
    const { prod, drStandby, drPromoted } = input;
    const found: Record<string, { minutes: number; fromPlan: string }> = {};
    const recover = byType(prod, ALARM).find(isRecoverAlarm);
    const recoverMinutes = recover ? alarmMinutes(recover) : undefined;
    if (recover && recoverMinutes !== undefined) {
        found["ec2-recover-alarm"] = { minutes: recoverMinutes, fromPlan: `${recover.name}: ${recover.inputs.evaluationPeriods} × ${recover.inputs.period} s` };
    }
    const failover = byType(prod, ALARM).find((r) => !isRecoverAlarm(r) && r.inputs.metricName === "StatusCheckFailed");
    const failoverMinutes = failover ? alarmMinutes(failover) : undefined;
    if (failover && failoverMinutes !== undefined) {
        found["standby-failover-alarm"] = { minutes: failoverMinutes, fromPlan: `${failover.name}: ${failover.inputs.evaluationPeriods} × ${failover.inputs.period} s` };
    }
    const hc = byType(prod, "aws:route53/healthCheck:HealthCheck")[0];
    if (hc && Number.isFinite(Number(hc.inputs.requestInterval)) && Number.isFinite(Number(hc.inputs.failureThreshold))) {
        found["route53-health-detection"] = {
            minutes: (Number(hc.inputs.requestInterval) * Number(hc.inputs.failureThreshold)) / 60,
            fromPlan: `${hc.name}: ${hc.inputs.requestInterval} s × ${hc.inputs.failureThreshold}`,
        };
    }
    const targetHealth = (plan: StackPlan, key: "unhealthyThreshold" | "healthyThreshold", id: string) => {
        const tg = byType(plan, "aws:lb/targetGroup:TargetGroup")[0];
        const h = tg?.inputs.healthCheck;
        if (h && Number.isFinite(Number(h[key])) && Number.isFinite(Number(h.interval))) {
            found[id] = { minutes: (Number(h[key]) * Number(h.interval)) / 60, fromPlan: `${plan.stack} ${tg.name}: ${h[key]} × ${h.interval} s` };
        }
    };
    targetHealth(prod, "unhealthyThreshold", "alb-target-unhealthy");
    targetHealth(drPromoted, "healthyThreshold", "alb-target-healthy");
    const lagAlarm = byType(drStandby, ALARM).find((r) => r.inputs.metricName === "ReplicaLag");
    const lagSeconds = lagAlarm && Number.isFinite(Number(lagAlarm.inputs.threshold)) ? Number(lagAlarm.inputs.threshold)
        : drStandby.settings?.replicaLagAlarmSeconds;
    if (lagSeconds !== undefined) {
        found["replica-lag"] = {
            minutes: lagSeconds / 60,
            fromPlan: lagAlarm ? `${drStandby.stack} ${lagAlarm.name}: threshold ${lagSeconds} s` : `${ns(drStandby)}:replicaLagAlarmSeconds = ${lagSeconds}`,
        };
    }
    const rtc = rtcMinutes(prod);
    if (rtc !== undefined) {
        found["s3-rtc"] = { minutes: rtc, fromPlan: `${prod.stack} replication rule: replicationTime ${rtc} min` };
    }
    // The assumption is the EBS-following singleton's interval (multi-az-asg-ebs): the policy that
    // targets its data tag, not the daily snapshots of the other modes' volumes.
    const dlm = byType(prod, "aws:dlm/lifecyclePolicy:LifecyclePolicy").find((p) => p.inputs.policyDetails?.targetTags?.[DATA_TAG] !== undefined);
    const rule = dlm?.inputs.policyDetails?.schedules?.[0]?.createRule;
    if (rule && Number.isFinite(Number(rule.interval))) {
        const hours = Number(rule.interval) * (rule.intervalUnit === "HOURS" || rule.intervalUnit === undefined ? 1 : NaN);
        if (Number.isFinite(hours)) found["dlm-snapshot-interval"] = { minutes: hours * 60, fromPlan: `${dlm.name}: every ${rule.interval} h` };
    }
    return RESILIENCE_ASSUMPTIONS.map((a) => {
        const f = found[a.id];
        if (!f) return { ...a };
        // A plan value replaces the table's, and its range no longer applies.
        const { low: _low, high: _high, ...rest } = a;
        return { ...rest, minutes: f.minutes, fromPlan: f.fromPlan };
    });
}

/** The RTC window of prod's media replication rules, or undefined when no rule has RTC on. */
function rtcMinutes(prod: StackPlan): number | undefined {
    for (const cfg of byType(prod, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")) {
        for (const rule of cfg.inputs.rules ?? []) {
            const rt = rule?.destination?.replicationTime;
            if (rule?.status === "Enabled" && rt?.status === "Enabled") return Number(rt.time?.minutes ?? 15);
        }
    }
    return undefined;
}

/** The singleton's HA pattern: from config, else from the component the plan recorded. */
function singletonMode(prod: StackPlan): string | undefined {
    const configured = prod.settings?.singletonMode;
    if (configured) return configured;
    const types = new Set(prod.resources.map((r) => r.type));
    if (types.has("pilot-light:ha:StandbyFailover")) return "standby-failover";
    if (types.has("pilot-light:ha:EbsState")) return "multi-az-asg-ebs";
    if (types.has("pilot-light:ha:MultiAzSingletonAsg")) return "multi-az-asg";
    if (types.has("pilot-light:ha:RecoverableInstance")) return "recoverable-instance";
    return undefined;
}

/** Subnet ids an ASG spans, and the AZs they are in (from the plan's subnet records). */
function asgAzs(plan: StackPlan, asg: RecordedResource): string[] {
    const subnets = new Map(byType(plan, "aws:ec2/subnet:Subnet").map((s) => [s.id ?? s.outputs.id, s.inputs.availabilityZone as string]));
    const ids: string[] = asg.inputs.vpcZoneIdentifiers ?? [];
    return [...new Set(ids.map((id) => subnets.get(id) ?? id))];
}

/**
 * RTO/RPO rows for instance, AZ and region failures of the web tier, the database, the cache,
 * egress and the singleton service, compared with the targets. A row whose estimate exceeds a
 * target, or whose component this design cannot recover, is an advisory (a failure with `strict`).
 */
export function assessResilience(input: ResilienceInput): ResilienceRow[] {
    const { prod, drStandby, drPromoted, promotion } = input;
    const assumptions = input.assumptions ?? effectiveAssumptions(input);
    const targets = input.targets ?? targetsFromConfig(prod);
    const minutes = lookup(assumptions);
    const rows: ResilienceRow[] = [];
    const add = (disruption: string, component: string, rto: string[] | null, rpo: { minutes: number; basis: string[] } | null,
        notes: string[], extra: { rtoMinutes?: number; criticalPath?: CriticalPath; promotionPath?: CriticalPath; fromDecisionMinutes?: number;
            rpoTargetMinutes?: number; } = {}) => {
        const rtoMinutes = rto === null ? null : roundMinutes(extra.rtoMinutes ?? rto.reduce((s, id) => s + minutes(id), 0));
        const rpoMinutes = rpo === null ? null : roundMinutes(rpo.minutes);
        const meetsRto = rtoMinutes !== null && rtoMinutes <= targets.rtoMinutes;
        const rpoTarget = extra.rpoTargetMinutes ?? targets.rpoMinutes;
        const meetsRpo = rpoMinutes !== null && rpoMinutes <= rpoTarget;
        rows.push({
            disruption, component, rtoMinutes, rpoMinutes,
            basis: [...new Set([...(rto ?? []), ...(rpo?.basis ?? [])])],
            rtoTargetMinutes: targets.rtoMinutes, rpoTargetMinutes: rpoTarget,
            meetsRto, meetsRpo,
            status: meetsRto && meetsRpo ? "ok" : input.strict ? "failure" : "advisory",
            notes,
            ...(extra.criticalPath ? { criticalPath: extra.criticalPath } : {}),
            ...(extra.promotionPath ? { promotionPath: extra.promotionPath } : {}),
            ...(extra.fromDecisionMinutes !== undefined ? { fromDecisionMinutes: extra.fromDecisionMinutes } : {}),
        });
    };
    const none = { minutes: 0, basis: [] as string[] };

    // Web tier: the ALB stops sending to a failed target while the others serve; a fleet of one
    // must wait for its replacement instead.
    const asg = byType(prod, "aws:autoscaling/group:Group").find((r) => !r.urn.includes("pilot-light:ha:"));
    if (asg) {
        const min = Number(asg.inputs.minSize ?? 0);
        const azs = asgAzs(prod, asg);
        const spare = min >= 2;
        const replace = ["alb-target-unhealthy", "asg-launch", "ec2-boot", "alb-target-healthy"];
        add("instance failure", "web tier", spare ? ["alb-target-unhealthy"] : replace, none,
            [spare ? `${min} instances minimum: the others serve while Auto Scaling replaces the failed one in the background.`
                : `minSize ${min}: nothing serves until the replacement boots.`, "App servers keep no state (RDS, Redis and S3 do)."]);
        const azSpare = spare && azs.length >= 2;
        add("AZ failure", "web tier", azSpare ? ["alb-target-unhealthy"] : replace, none,
            [azSpare ? `The group spans ${azs.length} AZs (${azs.join(", ")}); the ALB routes to the instances left.`
                : `The group spans ${azs.length} AZ(s) with minSize ${min}: an AZ can take every instance.`]);
    }

    const db = byType(prod, "aws:rds/instance:Instance")[0];
    if (db) {
        const multiAz = db.inputs.multiAz === true;
        for (const disruption of ["instance failure", "AZ failure"]) {
            add(disruption, "database", multiAz ? ["rds-multi-az-failover"] : null, multiAz ? { minutes: 0, basis: ["rds-multi-az-failover"] } : null,
                [multiAz ? "Multi-AZ: the synchronous standby takes over under the same endpoint; no committed write is lost."
                    : "Not Multi-AZ: no standby in another AZ; recovery is a restore or the region failover."]);
        }
    }

    const cache = byType(prod, "aws:elasticache/replicationGroup:ReplicationGroup")[0];
    if (cache) {
        const ha = cache.inputs.automaticFailoverEnabled === true && Number(cache.inputs.numCacheClusters ?? 1) >= 2;
        for (const disruption of ["instance failure", "AZ failure"]) {
            add(disruption, "cache", ha ? ["elasticache-failover"] : null, ha ? none : null,
                [ha ? "Automatic failover to the replica; a cache is not the system of record, so writes it drops are rebuilt from the database."
                    : "One node, no automatic failover: the cache is gone until ElastiCache replaces the node."]);
        }
    }

    const nats = byType(prod, "aws:ec2/natGateway:NatGateway");
    if (nats.length > 0) {
        // The AZs the network spans, from its subnets rather than config: what was planned is what counts.
        const azCount = new Set(byType(prod, "aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone)).size;
        const perAz = nats.length >= azCount;
        add("AZ failure", "egress (NAT gateway)", perAz ? [] : null, none,
            [perAz ? `${nats.length} NAT gateways for ${azCount} AZs (pilot-light:natGatewayPerAz), each AZ routed through its own: `
                + "the AZs left keep egress both to serve (S3 media, Secrets Manager) and to boot replacements (packages, wordpress.org, secrets)."
                : `${nats.length} NAT gateway for ${azCount} AZs: if its AZ fails, app servers in the other AZs lose egress `
                + "(S3 media, Secrets Manager) and replacements cannot boot (packages, wordpress.org) until it recovers; "
                + "pilot-light:natGatewayPerAz false, a cost trade-off documented in components/app/nat.ts."]);
    }

    const mode = singletonMode(prod);
    const singletonRpo = prod.settings?.singletonRpoTargetMinutes ?? defaultOf("singletonRpoTargetMinutes")!;
    if (mode) singletonRows(prod, mode, (d, c, rto, rpo, notes) => add(d, c, rto, rpo, notes, { rpoTargetMinutes: singletonRpo }), minutes);

    // Region failure: detection, the human decision, `pulumi up` of the promotion (its critical
    // path to serving) and resolvers' caches; data lost is what replication had not yet carried
    // over. Serving waits for the fleet, the load balancer and DNS, not for what only completes the
    // promotion (the cache: the servers pick its endpoint up when it exists).
    const path = criticalPath(promotion, drPromoted, assumptions, servesUsers);
    const whole = criticalPath(promotion, drPromoted, assumptions);
    const hasDns = byType(prod, "aws:route53/record:Record").some((r) => (r.inputs.failoverRoutingPolicies ?? []).some((p: any) => p?.type === "PRIMARY"));
    const detect = ["route53-health-detection", "operator-decision"];
    const fixed = [...detect, "pulumi-up-overhead"];
    const rtoIds = [...fixed, ...path.steps.flatMap((s) => s.basis), "dns-alias-ttl"];
    const fromDecision = roundMinutes(minutes("pulumi-up-overhead") + path.minutes + minutes("dns-alias-ttl"));
    const rtoTotal = detect.reduce((s, id) => s + minutes(id), 0) + fromDecision;
    const lag = minutes("replica-lag");
    const replicated = byType(prod, "aws:s3/bucketReplicationConfig:BucketReplicationConfig").length > 0;
    const rtc = rtcMinutes(prod) !== undefined;
    const chain = (p: CriticalPath) => p.steps.map((s) => `${s.name} (${s.blockingMinutes + s.tailMinutes} min)`).join(" → ") || "no change";
    const siteNotes = [
        `Critical path to serving (${path.minutes} min): ${chain(path)}.`,
        `From the decision to serving: ${fromDecision} min (pulumi up ${minutes("pulumi-up-overhead")} + the path ${path.minutes} + DNS TTL ${minutes("dns-alias-ttl")}).`,
    ];
    if (whole.minutes > path.minutes) {
        siteNotes.push(`The whole promotion takes ${whole.minutes} min (${chain(whole)}); serving does not wait for the rest.`);
    }
    if (path.defaultedTypes.length > 0) siteNotes.push(`Types without a duration in the table (${minutes("unlisted-type")} min each): ${path.defaultedTypes.join(", ")}.`);
    if (!hasDns) {
        siteNotes.push("No failover DNS in prod (pilot-light:domainName/hostedZoneId unset): users must be sent to dr's own address "
            + "(its CloudFront distribution, which the failover runbook prints) by hand; the estimate counts DNS failover as if it were configured.");
    }
    // A promoted replica keeps its endpoint ("During promotion, the DNS endpoint that you use to
    // connect to the database will remain the same":
    // https://docs.aws.amazon.com/r53recovery/latest/dg/rds-promote-read-replica-block.html), and
    // RDS reboots it before it is available (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html).
    // The ALB's health check needs no database (components/app/boot/health.php), so the site
    // serves as soon as the fleet is healthy, read-only until the promotion completes.
    const dbUpdate = promotion.find((c) => c.type === "aws:rds/instance:Instance" && c.diff.includes("replicateSourceDb"));
    if (dbUpdate && !waitsFor(promotion, drPromoted, dbUpdate.urn, servesUsers)) {
        const writable = roundMinutes(minutes("pulumi-up-overhead") + minutes("rds-replica-promotion"));
        siteNotes.push(`Pages are served from the replica while it is promoted (the app servers take its endpoint, which promotion keeps); `
            + `writes (logins, comments, the admin) wait for the promotion, ${writable} min after the decision (database row), `
            + "and RDS reboots the instance once during it, dropping connections briefly.");
    }
    let siteRpo: { minutes: number; basis: string[] } | null;
    if (!replicated || !rtc) {
        siteRpo = null;
        siteNotes.push(replicated ? "Media replication has no Replication Time Control: no bound on the media lost."
            : "Media is not replicated to dr (pilot-light:replicateToPeer false): media written since the last copy is lost.");
    } else {
        const media = minutes("s3-rtc");
        siteRpo = { minutes: Math.max(lag, media), basis: ["replica-lag", "s3-rtc"] };
        siteNotes.push(media >= lag ? `RPO dominated by media: S3 RTC ${media} min ≥ database replica lag bound ${lag} min.`
            : `RPO dominated by the database: replica lag bound ${lag} min > S3 RTC ${media} min.`);
    }
    const cacheCreate = promotion.find((c) => c.op === "create" && c.type === "aws:elasticache/replicationGroup:ReplicationGroup");
    siteNotes.push(cacheCreate && !waitsFor(promotion, drPromoted, cacheCreate.urn, servesUsers)
        ? "The cache is created off the path to serving: the app serves from the database until the cache's endpoint exists, then uses it; it starts empty (Redis is rebuilt, not replicated)."
        : "The promoted cache starts empty (Redis is rebuilt, not replicated).");
    add("region failure", "web tier", rtoIds, siteRpo, siteNotes, { rtoMinutes: rtoTotal, criticalPath: path, promotionPath: whole, fromDecisionMinutes: fromDecision });

    const dbPromotion = dbUpdate;
    add("region failure", "database", dbPromotion ? [...fixed, "rds-replica-promotion"] : null,
        dbPromotion ? { minutes: lag, basis: ["replica-lag"] } : null,
        [dbPromotion ? "The dr replica is promoted in place (same resource, never a replacement); asynchronous replication loses the lag."
            : "The promotion diff promotes no database replica."]);
    if (mode) singletonRegionRow(prod, drStandby, mode, (d, c, rto, rpo, notes) => add(d, c, rto, rpo, notes, { rpoTargetMinutes: singletonRpo }), minutes);
    corruptionRows(input, add, minutes);
    return rows;
}

export type { AddRow } from "./resilienceSingleton";

/** Rows that fail the plan: misses assessed with `strict`. */
export function resilienceFailures(rows: ResilienceRow[]): ResilienceRow[] {
    return rows.filter((r) => r.status === "failure");
}
