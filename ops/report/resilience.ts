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
import type { ResourceChange } from "../diff";
import type { RecordedResource } from "../offline/engine";
import type { StackPlan } from "../offline/planner";
import { defaultOf, NAMESPACE } from "../../stacks/configSchema";
import { DATA_TAG } from "../../components/ha/ebsState/lifecycle";

/** One named duration the estimates are built from. */
export interface ResilienceAssumption {
    /** Stable id that rows cite in `basis`, e.g. `rds-multi-az-failover`. */
    id: string;
    /** What takes this long, in words. */
    what: string;
    /** The minutes the estimates use. Multiples of 0.25 keep the sums exact. */
    minutes: number;
    /** The low end of the documented or observed range, when there is one. */
    low?: number;
    /** The high end of the documented or observed range, when there is one. */
    high?: number;
    /** The AWS documentation page, or the stated basis when AWS publishes no figure. */
    source: string;
    /** Set when the value came from the plan instead of the table: what it was read from. */
    fromPlan?: string;
}

/**
 * The assumption table. `minutes` is what the estimates use: the documented figure where AWS
 * gives one (the high end of its range), otherwise a typical observed value, said so in `source`.
 * Change a value here (and in docs/resilience.md) to change every estimate that cites it.
 */
export const RESILIENCE_ASSUMPTIONS: readonly ResilienceAssumption[] = Object.freeze([
    {
        id: "operator-decision", minutes: 15,
        what: "The on-call confirms a regional outage and starts the failover runbook: the human part of RTO",
        source: "Stated assumption, not an AWS figure: measure it in drills (npm run runbook -- drill) and change it here",
    },
    {
        id: "pulumi-up-overhead", minutes: 2, low: 1, high: 3,
        what: "`pulumi up` of the promotion before the first change: backend login, refresh, preview, engine start",
        source: "Stated assumption (observed for a stack of this size)",
    },
    {
        id: "route53-health-detection", minutes: 0.5, low: 0.5, high: 1.5,
        what: "Route 53 marks the PRIMARY unhealthy: request interval × failure threshold (10 s × 3 by default in components/dns)",
        source: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html",
    },
    {
        id: "dns-alias-ttl", minutes: 1,
        what: "Resolvers drop the cached answer: an alias record to an ALB carries the ALB's 60 s TTL",
        source: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html",
    },
    {
        id: "route53-change-propagation", minutes: 1,
        what: "A created or changed Route 53 record reaches every Route 53 name server (generally within 60 s)",
        source: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-editing.html",
    },
    {
        id: "ec2-recover-alarm", minutes: 2, low: 2, high: 3,
        what: "The recover alarm fires: StatusCheckFailed_System for evaluation periods × 60 s (2 × 1 min in components/ha)",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html",
    },
    {
        id: "ec2-recover-action", minutes: 3, low: 2, high: 5,
        what: "EC2 moves the instance to new hardware and restarts it (same instance ID, IP addresses and EBS volumes)",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html (AWS publishes no duration; observed)",
    },
    {
        id: "ec2-boot", minutes: 5, low: 3, high: 8,
        what: "An instance boots and its user data finishes: about 1 min to the user data, then the app servers' boot installs "
            + "httpd, PHP 8.5 and mount-s3 (90 s), downloads and verifies WordPress and the Redis plugin (45 s), fetches the secrets, "
            + "mounts the media and starts the web stack (30 s); the singleton's short script is faster",
        source: "Stated assumption: the budget of components/app/boot/boot.sh (its step table), not a measurement; a drill's timeline measures it",
    },
    {
        id: "ec2-start", minutes: 2, low: 1, high: 3,
        what: "A stopped standby instance starts and boots (its user data ran at first boot)",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Stop_Start.html (AWS publishes no duration; observed)",
    },
    {
        id: "asg-ec2-health", minutes: 2, low: 1, high: 2,
        what: "Auto Scaling sees the impaired instance (EC2 status checks run every minute) and terminates it",
        source: "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html",
    },
    {
        id: "asg-launch", minutes: 1, low: 0.5, high: 2,
        what: "Auto Scaling launches an instance until it is running (Pulumi waits for this on create, not for the user data)",
        source: "https://docs.aws.amazon.com/autoscaling/ec2/userguide/replace-unhealthy-instance.html (observed)",
    },
    {
        id: "ebs-volume-restore", minutes: 5, low: 1, high: 10,
        what: "The launch hook creates the data volume from the newest snapshot in the new AZ and attaches it",
        source: "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-creating-volume.html (observed; blocks load lazily afterwards)",
    },
    {
        id: "dlm-snapshot-interval", minutes: 60,
        what: "multi-az-asg-ebs: the DLM snapshot interval, the writes lost when the volume's AZ is gone (1 h in components/ha)",
        source: "https://docs.aws.amazon.com/ebs/latest/userguide/snapshot-lifecycle.html",
    },
    {
        id: "standby-failover-alarm", minutes: 5,
        what: "standby-failover: the primary's StatusCheckFailed alarm fires (5 × 60 s in components/ha, longer than the recover alarm)",
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html",
    },
    {
        id: "eip-move", minutes: 0.25,
        what: "The Elastic IP is associated with the replacement (associate-address --allow-reassociation)",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html (observed: seconds)",
    },
    {
        id: "alb-target-unhealthy", minutes: 1,
        what: "The ALB stops routing to a failed target: unhealthy threshold × interval (2 × 30 s in components/app)",
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html",
    },
    {
        id: "alb-target-healthy", minutes: 1,
        what: "The ALB starts routing to a new target: healthy threshold × interval (2 × 30 s in components/app)",
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html",
    },
    {
        id: "rds-multi-az-failover", minutes: 2, low: 1, high: 2,
        what: "RDS Multi-AZ fails over to the synchronous standby (typically 60–120 s)",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.Failover.html",
    },
    {
        id: "rds-replica-promotion", minutes: 10, low: 5, high: 30,
        what: "The cross-region read replica applies its backlog and is promoted, with a reboot (several minutes or longer, by size and backlog)",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html",
    },
    {
        id: "replica-lag", minutes: 5,
        what: "Writes not yet on the cross-region replica: bounded by the ReplicaLag alarm (pilot-light:replicaLagAlarmSeconds, default 300 s)",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Monitoring.html (asynchronous: usually seconds)",
    },
    {
        id: "s3-rtc", minutes: 15,
        what: "S3 Replication Time Control replicates 99.99% of new objects within 15 minutes (the SLA)",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html",
    },
    {
        id: "elasticache-create", minutes: 15, low: 5, high: 20,
        what: "ElastiCache creates a Redis replication group",
        source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.Create.html (AWS publishes no duration; observed)",
    },
    {
        id: "elasticache-failover", minutes: 2, low: 1, high: 3,
        what: "Redis Multi-AZ promotes its replica and moves the primary endpoint",
        source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html (AWS publishes no duration; observed)",
    },
    {
        id: "alb-create", minutes: 3, low: 2, high: 5,
        what: "An Application Load Balancer is provisioned (provisioning → active)",
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-application-load-balancer.html (observed)",
    },
    {
        id: "nat-create", minutes: 2, low: 1, high: 5,
        what: "A NAT gateway is created (pending → available)",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html (observed)",
    },
    {
        id: "acm-dns-validation", minutes: 5, low: 1, high: 30,
        what: "ACM validates a certificate through its DNS record (usually minutes once the CNAME resolves)",
        source: "https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html (observed; ACM retries for up to 72 h)",
    },
    {
        id: "api-resource", minutes: 0.25,
        what: "A resource that exists once its API call returns (IAM, rules, routes, secrets, templates, target groups, listeners, alarms)",
        source: "Stated assumption (observed: seconds)",
    },
    {
        id: "local-resource", minutes: 0,
        what: "A resource the Pulumi engine computes itself, with no cloud call (random passwords)",
        source: "https://www.pulumi.com/registry/packages/random/",
    },
    {
        id: "unlisted-type", minutes: 0.5,
        what: "Any resource type this table does not name (the report lists which types used it)",
        source: "Stated assumption: a small default, so an unknown type neither vanishes nor dominates",
    },
].map((a) => Object.freeze(a)));

/** How long `pulumi up` spends on one resource: until dependents may start, then until it serves. */
interface TypeDuration {
    /** Assumption ids summed until the engine considers the resource done and starts its dependents. */
    blocking: string[];
    /** Assumption ids after that which still delay service (an ASG's instances booting). */
    tail?: string[];
}

const QUICK: TypeDuration = { blocking: ["api-resource"] };

/** Create durations per type token; types missing here use `unlisted-type` and are reported. */
export const CREATE_DURATIONS: Readonly<Record<string, TypeDuration>> = Object.freeze({
    "aws:ec2/natGateway:NatGateway": { blocking: ["nat-create"] },
    "aws:lb/loadBalancer:LoadBalancer": { blocking: ["alb-create"] },
    "aws:elasticache/replicationGroup:ReplicationGroup": { blocking: ["elasticache-create"] },
    // Pulumi returns once min capacity is running (wait_for_capacity); the site serves after the
    // user data finishes and the ALB counts the targets healthy.
    "aws:autoscaling/group:Group": { blocking: ["asg-launch"], tail: ["ec2-boot", "alb-target-healthy"] },
    "aws:ec2/instance:Instance": { blocking: ["api-resource"], tail: ["ec2-boot"] },
    "aws:route53/record:Record": { blocking: ["route53-change-propagation"] },
    "aws:acm/certificateValidation:CertificateValidation": { blocking: ["acm-dns-validation"] },
    "random:index/randomPassword:RandomPassword": { blocking: ["local-resource"] },
    "random:index/randomId:RandomId": { blocking: ["local-resource"] },
    ...Object.fromEntries([
        "aws:ec2/eip:Eip", "aws:ec2/route:Route", "aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/securityGroup:SecurityGroup",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/instanceProfile:InstanceProfile", "aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretVersion:SecretVersion",
        "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener", "aws:autoscaling/policy:Policy",
        "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:acm/certificate:Certificate", "aws:route53/healthCheck:HealthCheck",
        "aws:ec2/eipAssociation:EipAssociation",
    ].map((t) => [t, QUICK])),
});

/** One resource on the critical path. */
export interface CriticalPathStep {
    urn: string;
    type: string;
    name: string;
    op: ResourceChange["op"];
    /** When it starts, in minutes after the first change. */
    startMinutes: number;
    /** Minutes until its dependents may start. */
    blockingMinutes: number;
    /** Minutes after that until it serves (0 for most types). */
    tailMinutes: number;
    /** The assumption ids behind its duration. */
    basis: string[];
}

/** The longest chain of dependent changes in the promotion. */
export interface CriticalPath {
    /** First to last; the last step's tail ends the chain. */
    steps: CriticalPathStep[];
    /** Minutes from the first change until the last step serves. */
    minutes: number;
    /** Types that had no entry in CREATE_DURATIONS and used `unlisted-type`, sorted. */
    defaultedTypes: string[];
}

/** A row of the resilience report. */
export interface ResilienceRow {
    /** `instance failure`, `AZ failure` or `region failure`. */
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
    /** Region failure of the web tier only: the promotion's critical path. */
    criticalPath?: CriticalPath;
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


/** Rounds minutes to hundredths, so float noise never shows in a report. */
export function roundMinutes(m: number): number {
    return Math.round(m * 100) / 100;
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

function lookup(assumptions: readonly ResilienceAssumption[]): (id: string) => number {
    const table = new Map(assumptions.map((a) => [a.id, a.minutes]));
    return (id) => {
        const m = table.get(id);
        if (m === undefined) throw new Error(`resilience: no assumption "${id}" in the table`);
        return m;
    };
}

/** The duration of one change: a promotion for an RDS update that drops its replication source. */
function changeDuration(change: ResourceChange): TypeDuration & { defaulted: boolean } {
    if (change.op === "update" || change.op === "replace") {
        if (change.type === "aws:rds/instance:Instance" && change.diff.includes("replicateSourceDb")) {
            return { blocking: ["rds-replica-promotion"], defaulted: false };
        }
        if (change.op === "update") return { blocking: ["api-resource"], defaulted: false };
    }
    const known = CREATE_DURATIONS[change.type];
    return known ? { ...known, defaulted: false } : { blocking: ["unlisted-type"], defaulted: true };
}

/**
 * The longest chain of dependent creates/updates/replaces in `changes`, using the dependencies
 * `after` recorded (only among the changed resources: unchanged ones already exist). Ties go to
 * the resource registered first, so the answer is stable.
 */
export function criticalPath(changes: ResourceChange[], after: StackPlan,
    assumptions: readonly ResilienceAssumption[] = RESILIENCE_ASSUMPTIONS): CriticalPath {
    const minutes = lookup(assumptions);
    const sum = (ids: string[] = []) => ids.reduce((s, id) => s + minutes(id), 0);
    const active = changes.filter((c) => c.op !== "delete");
    const changed = new Map(active.map((c) => [c.urn, c]));
    const records = new Map(after.resources.map((r) => [r.urn, r]));
    const durations = new Map(active.map((c) => [c.urn, changeDuration(c)]));
    // Earliest start of each change: when the last changed dependency has finished blocking.
    const start = new Map<string, number>();
    const via = new Map<string, string | undefined>();
    const visiting = new Set<string>();
    const startOf = (urn: string): number => {
        const known = start.get(urn);
        if (known !== undefined) return known;
        if (visiting.has(urn)) throw new Error(`resilience: dependency cycle through ${urn}`);
        visiting.add(urn);
        let best = 0;
        let from: string | undefined;
        for (const dep of new Set(records.get(urn)?.dependencies ?? [])) {
            if (!changed.has(dep) || dep === urn) continue;
            const ready = startOf(dep) + sum(durations.get(dep)!.blocking);
            if (from === undefined || ready > best) {
                best = ready;
                from = dep;
            }
        }
        visiting.delete(urn);
        start.set(urn, best);
        via.set(urn, from);
        return best;
    };
    let end: string | undefined;
    let endAt = 0;
    for (const c of active) {
        const d = durations.get(c.urn)!;
        const done = startOf(c.urn) + sum(d.blocking) + sum(d.tail);
        if (end === undefined || done > endAt) {
            end = c.urn;
            endAt = done;
        }
    }
    const steps: CriticalPathStep[] = [];
    for (let urn = end; urn !== undefined; urn = via.get(urn)) {
        const c = changed.get(urn)!;
        const d = durations.get(urn)!;
        steps.unshift({
            urn, type: c.type, name: c.name, op: c.op,
            startMinutes: roundMinutes(start.get(urn)!),
            blockingMinutes: roundMinutes(sum(d.blocking)),
            tailMinutes: urn === end ? roundMinutes(sum(d.tail)) : 0,
            basis: [...d.blocking, ...(urn === end ? d.tail ?? [] : [])],
        });
    }
    const defaultedTypes = [...new Set(active.filter((c) => durations.get(c.urn)!.defaulted).map((c) => c.type))].sort();
    return { steps, minutes: roundMinutes(endAt), defaultedTypes };
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
    const { prod, drPromoted, promotion } = input;
    const assumptions = input.assumptions ?? effectiveAssumptions(input);
    const targets = input.targets ?? targetsFromConfig(prod);
    const minutes = lookup(assumptions);
    const rows: ResilienceRow[] = [];
    const add = (disruption: string, component: string, rto: string[] | null, rpo: { minutes: number; basis: string[] } | null,
        notes: string[], extra: { rtoMinutes?: number; criticalPath?: CriticalPath } = {}) => {
        const rtoMinutes = rto === null ? null : roundMinutes(extra.rtoMinutes ?? rto.reduce((s, id) => s + minutes(id), 0));
        const rpoMinutes = rpo === null ? null : roundMinutes(rpo.minutes);
        const meetsRto = rtoMinutes !== null && rtoMinutes <= targets.rtoMinutes;
        const meetsRpo = rpoMinutes !== null && rpoMinutes <= targets.rpoMinutes;
        rows.push({
            disruption, component, rtoMinutes, rpoMinutes,
            basis: [...new Set([...(rto ?? []), ...(rpo?.basis ?? [])])],
            rtoTargetMinutes: targets.rtoMinutes, rpoTargetMinutes: targets.rpoMinutes,
            meetsRto, meetsRpo,
            status: meetsRto && meetsRpo ? "ok" : input.strict ? "failure" : "advisory",
            notes,
            ...(extra.criticalPath ? { criticalPath: extra.criticalPath } : {}),
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
            [perAz ? `${nats.length} NAT gateways for ${azCount} AZs: each AZ keeps its own egress.`
                : `${nats.length} NAT gateway for ${azCount} AZs: if its AZ fails, app servers in the other AZs lose egress `
                + "(S3 media, Secrets Manager) until it recovers; a cost trade-off documented in components/app/nat.ts."]);
    }

    const mode = singletonMode(prod);
    if (mode) singletonRows(mode, add, minutes);

    // Region failure: detection, the human decision, `pulumi up` of the promotion (its critical
    // path) and resolvers' caches; data lost is what replication had not yet carried over.
    const path = criticalPath(promotion, drPromoted, assumptions);
    const hasDns = byType(prod, "aws:route53/record:Record").some((r) => (r.inputs.failoverRoutingPolicies ?? []).some((p: any) => p?.type === "PRIMARY"));
    const fixed = ["route53-health-detection", "operator-decision", "pulumi-up-overhead"];
    const rtoIds = [...fixed, ...path.steps.flatMap((s) => s.basis), "dns-alias-ttl"];
    const rtoTotal = fixed.reduce((s, id) => s + minutes(id), 0) + path.minutes + minutes("dns-alias-ttl");
    const lag = minutes("replica-lag");
    const replicated = byType(prod, "aws:s3/bucketReplicationConfig:BucketReplicationConfig").length > 0;
    const rtc = rtcMinutes(prod) !== undefined;
    const siteNotes = [
        `Critical path of the promotion (${path.minutes} min): ${path.steps.map((s) => `${s.name} (${s.blockingMinutes + s.tailMinutes} min)`).join(" → ")}.`,
    ];
    if (path.defaultedTypes.length > 0) siteNotes.push(`Types without a duration in the table (${minutes("unlisted-type")} min each): ${path.defaultedTypes.join(", ")}.`);
    if (!hasDns) {
        siteNotes.push("No failover DNS in prod (pilot-light:domainName/hostedZoneId unset): clients must be pointed at dr's ALB by hand; "
            + "the estimate counts DNS failover as if it were configured.");
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
    siteNotes.push("The promoted cache starts empty (Redis is rebuilt, not replicated).");
    add("region failure", "web tier", rtoIds, siteRpo, siteNotes, { rtoMinutes: rtoTotal, criticalPath: path });

    const dbPromotion = promotion.find((c) => c.type === "aws:rds/instance:Instance" && c.diff.includes("replicateSourceDb"));
    add("region failure", "database", dbPromotion ? [...fixed, "rds-replica-promotion"] : null,
        dbPromotion ? { minutes: lag, basis: ["replica-lag"] } : null,
        [dbPromotion ? "The dr replica is promoted in place (same resource, never a replacement); asynchronous replication loses the lag."
            : "The promotion diff promotes no database replica."]);
    if (mode) {
        add("region failure", `singleton (${mode})`, null, null, ["Not covered: the singleton runs in prod only; the dr stack has no copy of it or its data."]);
    }
    return rows;
}

type AddRow = (disruption: string, component: string, rto: string[] | null, rpo: { minutes: number; basis: string[] } | null, notes: string[]) => void;

/** The singleton's rows for its HA pattern (docs/ha-patterns.md). */
function singletonRows(mode: string, add: AddRow, minutes: (id: string) => number): void {
    const c = `singleton (${mode})`;
    switch (mode) {
        case "recoverable-instance":
            add("instance failure", c, ["ec2-recover-alarm", "ec2-recover-action", "ec2-boot"], { minutes: 0, basis: [] },
                ["Same instance ID, IPs and EBS volumes on new hardware; covers host (system status check) failures."]);
            add("AZ failure", c, null, null, ["Not covered: recovery stays in the instance's AZ, and its EBS volumes live there."]);
            return;
        case "multi-az-asg":
            for (const d of ["instance failure", "AZ failure"]) {
                add(d, c, ["asg-ec2-health", "asg-launch", "ec2-boot", "eip-move"], null,
                    ["The replacement starts from the image: whatever was on the instance is lost (stateless services only)."]);
            }
            return;
        case "multi-az-asg-ebs":
            add("instance failure", c, ["asg-ec2-health", "asg-launch", "ebs-volume-restore", "ec2-boot", "eip-move"], { minutes: 0, basis: [] },
                ["The terminate hook snapshots the data volume; the launch hook restores it in the new AZ."]);
            add("AZ failure", c, ["asg-ec2-health", "asg-launch", "ebs-volume-restore", "ec2-boot", "eip-move"],
                { minutes: minutes("dlm-snapshot-interval"), basis: ["dlm-snapshot-interval"] },
                ["The volume's AZ is gone: the newest scheduled DLM snapshot is restored."]);
            return;
        case "standby-failover":
            for (const d of ["instance failure", "AZ failure"]) {
                add(d, c, ["standby-failover-alarm", "ec2-start", "eip-move"], null,
                    ["The standby in another AZ starts with its own volume: state must live outside the instance (RDS, S3, EFS)."]);
            }
            return;
        default:
            add("instance failure", c, null, null, [`Unknown singleton mode "${mode}": no estimate.`]);
    }
}

/** Rows that fail the plan: misses assessed with `strict`. */
export function resilienceFailures(rows: ResilienceRow[]): ResilienceRow[] {
    return rows.filter((r) => r.status === "failure");
}

/** Minutes for people: `not covered` for null, otherwise `N min` without trailing zeros. */
export function formatMinutes(m: number | null): string {
    return m === null ? "not covered" : `${roundMinutes(m)} min`;
}

function table(headers: string[], rows: string[][]): string[] {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** The rows as a plain-text table, then each row's notes and the promotion's critical path. */
export function renderResilienceTable(rows: ResilienceRow[]): string {
    if (rows.length === 0) return "Resilience: no rows (needs a primary and a dr stack).";
    const t = rows[0];
    const misses = rows.filter((r) => r.status !== "ok").length;
    const out = [
        `ESTIMATED RTO/RPO vs targets (RTO ${t.rtoTargetMinutes} min, RPO ${t.rpoTargetMinutes} min): `
        + `${rows.length - misses} of ${rows.length} rows meet both${misses ? `, ${misses} miss` : ""}.`,
        "",
        ...table(["disruption", "component", "RTO", "RPO", "status"], rows.map((r) => [
            r.disruption, r.component,
            `${formatMinutes(r.rtoMinutes)}${r.meetsRto ? "" : " ✗"}`, `${formatMinutes(r.rpoMinutes)}${r.meetsRpo ? "" : " ✗"}`,
            r.status,
        ])),
        "",
    ];
    for (const r of rows) {
        for (const n of r.notes) out.push(`  ${r.disruption} / ${r.component}: ${n}`);
        if (r.basis.length > 0) out.push(`  ${r.disruption} / ${r.component}: basis ${r.basis.join(", ")}`);
    }
    const path = rows.find((r) => r.criticalPath)?.criticalPath;
    if (path) out.push("", renderCriticalPath(path));
    return out.join("\n");
}

/** The critical path, one step per line with its start and duration. */
export function renderCriticalPath(path: CriticalPath): string {
    const lines = [`Critical path of the promotion: ${path.minutes} min`];
    for (const s of path.steps) {
        const tail = s.tailMinutes > 0 ? ` + ${s.tailMinutes} min until it serves` : "";
        lines.push(`  at ${String(s.startMinutes).padStart(5)} min  ${s.op} ${s.type} ${s.name}: ${s.blockingMinutes} min${tail} [${s.basis.join(", ")}]`);
    }
    if (path.defaultedTypes.length > 0) lines.push(`  Types without a duration in the table: ${path.defaultedTypes.join(", ")}`);
    return lines.join("\n");
}

/** The assumption table as plain text. */
export function renderAssumptionsTable(assumptions: readonly ResilienceAssumption[] = RESILIENCE_ASSUMPTIONS): string {
    return table(["id", "minutes", "range", "what", "source"], assumptions.map((a) => [
        a.id, String(a.minutes), a.low !== undefined || a.high !== undefined ? `${a.low ?? "?"}–${a.high ?? "?"}` : "-",
        a.what, a.fromPlan ? `this plan: ${a.fromPlan}` : a.source,
    ])).join("\n");
}

/** The plan command's `--json` "resilience" array: the rows as plain data. */
export function resilienceJson(rows: ResilienceRow[]): Record<string, unknown>[] {
    return rows.map((r) => ({
        disruption: r.disruption, component: r.component,
        rtoMinutes: r.rtoMinutes, rpoMinutes: r.rpoMinutes,
        rtoTargetMinutes: r.rtoTargetMinutes, rpoTargetMinutes: r.rpoTargetMinutes,
        meetsRto: r.meetsRto, meetsRpo: r.meetsRpo, status: r.status,
        basis: r.basis, notes: r.notes,
        ...(r.criticalPath ? {
            criticalPath: {
                minutes: r.criticalPath.minutes,
                steps: r.criticalPath.steps.map((s) => ({ type: s.type, name: s.name, op: s.op, startMinutes: s.startMinutes, minutes: roundMinutes(s.blockingMinutes + s.tailMinutes) })),
                defaultedTypes: r.criticalPath.defaultedTypes,
            },
        } : {}),
    }));
}
