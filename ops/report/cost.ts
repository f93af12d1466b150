// Offline monthly cost ESTIMATE of a planned stack, per stack and per top-level component.
//
// It prices what the offline plan recorded (ops/offline/planner.ts): quantities come from the
// resources' inputs (instance types, counts, Multi-AZ, storage) and from three usage keys in
// stack config that no resource carries (media stored, media written per month, DB changes per
// month). Prices come from the bundled table in ./prices.ts. It is a list-price estimate for
// comparing prod with the pilot light, not a bill: data processing, requests, CPU credits,
// support, tax and the free tier are left out, and each estimate says so in its notes.
import type { RecordedResource } from "../offline/engine";
import type { StackPlan } from "../offline/planner";
import { HOURS_PER_MONTH, PRICE_TABLE_DATE, PRICES, PriceTable, regionPrices, RegionPrices } from "./prices";
import { extendedSupportCharge } from "./extendedSupport";
import { currentDate } from "../../policies/lib/lifecycle";

/** One priced line of an estimate. */
export interface CostItem {
    /** URN of the resource the line belongs to. */
    urn: string;
    /** Its Pulumi type token, e.g. `aws:rds/instance:Instance`. */
    type: string;
    /** Its Pulumi resource name. */
    name: string;
    /** Its top-level component as `name (Type)`, e.g. `database (Database)`; `stack` when it has none. */
    component: string;
    /** What is billed, in words. */
    description: string;
    /** Billed quantity per month, in `unit`. */
    quantity: number;
    /** The unit of `quantity` and `unitUsd`, e.g. `instance-hours`, `GB-month`. */
    unit: string;
    /** List price per unit in USD; null when the table lacks it (the line then costs 0 and a note says so). */
    unitUsd: number | null;
    /** quantity × unitUsd, in USD per month; 0 when the price is missing. Not rounded. */
    monthlyUsd: number;
}

/** The monthly cost estimate of one planned stack. */
export interface CostEstimate {
    /** The stack name, e.g. `prod`. */
    stack: string;
    /** The stack's AWS region, whose prices were used. */
    region: string;
    /** Whether the plan was of a promoted dr stack. */
    promote: boolean;
    /** The date the bundled price table represents (PRICE_TABLE_DATE), also when a caller passed its own table. */
    priceTableDate: string;
    /** Sum of every item's monthlyUsd, in USD, not rounded. */
    monthlyUsd: number;
    /** USD per month by top-level component (see CostItem.component). */
    byComponent: Record<string, number>;
    /** Every priced line, grouped by component. */
    items: CostItem[];
    /** Assumptions, exclusions and missing prices, to print with the figures. */
    notes: string[];
}

/** Tuning of {@link estimateCost}. */
export interface CostOptions {
    /**
     * LCUs each Application Load Balancer is assumed to use on average all month. Default `1`
     * (an idle-to-light site). Must be ≥ 0. https://aws.amazon.com/elasticloadbalancing/pricing/
     */
    albLcus?: number;
    /** The price table. Default: the bundled PRICES. Tests pass their own. */
    prices?: PriceTable;
    /**
     * The day the estimate is for, `YYYY-MM-DD`: it decides which RDS engine versions are billed
     * for Extended Support (ops/report/extendedSupport.ts). Default: today (UTC).
     */
    today?: string;
}

/** Default of `pilot-light:mediaStorageGb`: GB of media stored, the same in both regions once replicated. */
export const DEFAULT_MEDIA_STORAGE_GB = 100;
/** Default of `pilot-light:mediaMonthlyWriteGb`: GB of new media per month, which replication transfers. */
export const DEFAULT_MEDIA_MONTHLY_WRITE_GB = 10;
/** Default of `pilot-light:dbMonthlyChangeGb`: GB of binlog per month shipped to the cross-region replica. */
export const DEFAULT_DB_MONTHLY_CHANGE_GB = 20;
/** Default of {@link CostOptions.albLcus}. */
export const DEFAULT_ALB_LCUS = 1;
/** The byComponent key of resources outside any component. */
export const STACK_COMPONENT = "stack";
/** Storage an RDS replica inherits when neither its inputs nor any config says (Pulumi.yaml's default of dbAllocatedStorageGb). */
export const DEFAULT_DB_STORAGE_GB = 50;

// Types that cost nothing by themselves (their usage is billed elsewhere or never). Anything
// else that no handler prices is named in a note, so a new billable type cannot slip by.
const FREE_TYPES = new Set([
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/routeTable:RouteTable",
    "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/route:Route", "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:ec2/eipAssociation:EipAssociation", "aws:ec2/volumeAttachment:VolumeAttachment", "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2transitgateway/instanceState:InstanceState", "aws:autoscaling/policy:Policy", "aws:autoscaling/notification:Notification",
    "aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/instanceProfile:InstanceProfile", "aws:kms/alias:Alias", "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:rds/parameterGroup:ParameterGroup", "aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/subnetGroup:SubnetGroup",
    "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule",
    "aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation", "aws:route53/record:Record",
    "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketPolicy:BucketPolicy",
    "aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget", "aws:lambda/permission:Permission",
    "aws:sns/topic:Topic", "aws:sns/topicSubscription:TopicSubscription",
    // Billed by ingestion and storage, which the general note excludes.
    "aws:cloudwatch/logGroup:LogGroup",
]);

/** The working state of one estimate. */
interface Run {
    plan: StackPlan;
    ns: string;
    prices: RegionPrices | undefined;
    albLcus: number;
    byUrn: Map<string, RecordedResource>;
    items: CostItem[];
    notes: string[];
    /** IDs of instances an InstanceState keeps stopped: no compute charge. */
    stopped: Set<string>;
    /** CostOptions.today. */
    today: string;
}

type Handler = (r: RecordedResource, run: Run) => void;

/** The top-level component of `r` as `name (Type)`, or STACK_COMPONENT. */
function componentOf(r: RecordedResource, byUrn: Map<string, RecordedResource>): string {
    let top: RecordedResource | undefined;
    let cur: RecordedResource | undefined = r;
    const seen = new Set<string>();
    while (cur && cur.type !== "pulumi:pulumi:Stack" && !seen.has(cur.urn)) {
        seen.add(cur.urn);
        if (!cur.custom) top = cur;
        cur = cur.parent ? byUrn.get(cur.parent) : undefined;
    }
    return top ? `${top.name} (${top.type.split(":").pop()})` : STACK_COMPONENT;
}

/** Adds a line. `price` picks the unit price from the region's prices; `what` names it in the missing-price note. */
function add(run: Run, r: RecordedResource, description: string, quantity: number, unit: string,
    price: (p: RegionPrices) => number | undefined, what: string): void {
    const unitUsd = run.prices ? price(run.prices) ?? null : null;
    if (unitUsd === null) {
        run.notes.push(`Price missing: ${what} in ${run.plan.region} is not in the bundled price table (ops/report/prices.ts); `
            + `${r.name} is counted as $0.`);
    }
    run.items.push({
        urn: r.urn, type: r.type, name: r.name, component: componentOf(r, run.byUrn), description, quantity, unit,
        unitUsd, monthlyUsd: unitUsd === null ? 0 : quantity * unitUsd,
    });
}

/** A non-negative number from stack config, or the default (with a note when the value is unusable). */
function usage(run: Run, key: string, fallback: number): number {
    const raw = run.plan.config?.[`${run.ns}:${key}`];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (Number.isFinite(n) && n >= 0) return n;
    run.notes.push(`${run.ns}:${key} = "${raw}" is not a non-negative number; the default ${fallback} is used.`);
    return fallback;
}

function num(v: unknown): number | undefined {
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** EBS volumes, as an instance's root device, a launch template mapping or a volume, × count. */
function addVolume(run: Run, r: RecordedResource, sizeGb: unknown, type: unknown, count: number, what: string): void {
    const size = num(sizeGb);
    if (size === undefined || count <= 0) return;
    // gp3 is what an unset type means for the Amazon Linux 2023 images this repo boots.
    const volumeType = typeof type === "string" && type ? type : "gp3";
    add(run, r, `EBS ${volumeType} ${what}: ${count} × ${size} GB`, count * size, "GB-month",
        (p) => p.ebsVolumeGbMonth[volumeType], `EBS volume type "${volumeType}"`);
}

function addPublicIpv4(run: Run, r: RecordedResource, count: number, description: string): void {
    if (count <= 0) return;
    add(run, r, description, count * HOURS_PER_MONTH, "IPv4-address-hours", (p) => p.publicIpv4Hour, "public IPv4 address");
}

function ec2Hours(run: Run, r: RecordedResource, instanceType: unknown, count: number, description: string): void {
    const t = typeof instanceType === "string" && instanceType ? instanceType : "(unknown)";
    add(run, r, `EC2 ${t} ${description}`, count * HOURS_PER_MONTH, "instance-hours",
        (p) => p.ec2InstanceHour[t], `EC2 instance type "${t}"`);
}

/** The launch template an Auto Scaling group launches from: by ID or name, then by dependency, then the component's only one. */
function launchTemplateOf(asg: RecordedResource, run: Run): RecordedResource | undefined {
    const spec = asg.inputs.launchTemplate ?? asg.inputs.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification ?? {};
    const id = spec.id ?? spec.launchTemplateId;
    const name = spec.name ?? spec.launchTemplateName;
    const lts = [...run.byUrn.values()].filter((x) => x.type === "aws:ec2/launchTemplate:LaunchTemplate");
    const byRef = lts.find((lt) => (id !== undefined && (lt.id === id || lt.outputs.id === id))
        || (name !== undefined && (lt.inputs.name === name || lt.outputs.name === name)));
    if (byRef) return byRef;
    const deps = [...(asg.propertyDependencies.launchTemplate ?? []), ...(asg.propertyDependencies.mixedInstancesPolicy ?? [])];
    const byDep = lts.find((lt) => deps.includes(lt.urn));
    if (byDep) return byDep;
    const mine = lts.filter((lt) => componentOf(lt, run.byUrn) === componentOf(asg, run.byUrn));
    return mine.length === 1 ? mine[0] : undefined;
}

/** The other stacks planned alongside this one (the planner also lists this stack's own bootstrap run). */
function otherPeers(run: Run): StackPlan["peers"] {
    return (run.plan.peers ?? []).filter((p) => p.stack !== run.plan.stack);
}

/**
 * The peer that runs a cross-region replica of this stack's database, from its config: dr in
 * standby (replicating from prod), or prod while it is rebuilt from the promoted dr (failback).
 */
function replicatingPeer(run: Run): { stack: string; region: string } | undefined {
    const ns = run.ns;
    const peer = otherPeers(run).find((p) => (p.config[`${ns}:role`] === "dr" && p.config[`${ns}:promote`] !== "true")
        || (p.config[`${ns}:role`] === "primary" && p.config[`${ns}:rebuildFromPeer`] === "true"));
    return peer ? { stack: peer.stack, region: peer.config["aws:region"] ?? "its region" } : undefined;
}

/** Storage of a replica that inherits it: the peer's dbAllocatedStorageGb, then this stack's, then Pulumi.yaml's default. */
function inheritedStorageGb(run: Run): number {
    const key = `${run.ns}:dbAllocatedStorageGb`;
    const fromPeer = otherPeers(run).map((p) => num(p.config[key])).find((n) => n !== undefined);
    return fromPeer ?? num(run.plan.config?.[key]) ?? DEFAULT_DB_STORAGE_GB;
}

const HANDLERS: Record<string, Handler> = {
    "aws:ec2/instance:Instance": (r, run) => {
        const stopped = r.id !== undefined && run.stopped.has(r.id);
        ec2Hours(run, r, r.inputs.instanceType, stopped ? 0 : 1, stopped ? "(kept stopped by an InstanceState: no compute charge)" : "instance");
        addVolume(run, r, r.inputs.rootBlockDevice?.volumeSize, r.inputs.rootBlockDevice?.volumeType, 1, "root volume");
        for (const d of r.inputs.ebsBlockDevices ?? []) addVolume(run, r, d.volumeSize, d.volumeType, 1, `volume ${d.deviceName ?? ""}`.trim());
        // A stopped instance gives its auto-assigned address back.
        if (r.inputs.associatePublicIpAddress === true && !stopped) addPublicIpv4(run, r, 1, "public IPv4 address of the instance");
    },
    "aws:autoscaling/group:Group": (r, run) => {
        const count = num(r.inputs.desiredCapacity) ?? num(r.inputs.minSize) ?? 0;
        const lt = launchTemplateOf(r, run);
        if (!lt) run.notes.push(`${r.name}: its launch template was not found among the recorded resources; instance type unknown.`);
        ec2Hours(run, r, lt?.inputs.instanceType, count, `× ${count} (Auto Scaling desired capacity)`);
        for (const m of lt?.inputs.blockDeviceMappings ?? []) addVolume(run, r, m.ebs?.volumeSize, m.ebs?.volumeType, count, `volume ${m.deviceName ?? ""}`.trim());
        const eni = (lt?.inputs.networkInterfaces ?? [])[0];
        if (eni && String(eni.associatePublicIpAddress) === "true") {
            // An instance that associates an Elastic IP gives its auto-assigned address back, so
            // with an EIP in the same component only the EIP line is billed.
            // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html
            const component = componentOf(r, run.byUrn);
            const eip = [...run.byUrn.values()].some((x) => x.type === "aws:ec2/eip:Eip" && componentOf(x, run.byUrn) === component);
            if (eip) {
                run.notes.push(`${r.name}: the auto-assigned public IPv4 of its instances is not counted; they take the Elastic IP of ${component}, which releases it.`);
            } else {
                addPublicIpv4(run, r, count, `public IPv4 address per instance × ${count}`);
            }
        }
    },
    "aws:ebs/volume:Volume": (r, run) => addVolume(run, r, r.inputs.size, r.inputs.type, 1, "volume"),
    "aws:rds/instance:Instance": (r, run) => {
        const cls = String(r.inputs.instanceClass ?? "(unknown)");
        const multiAz = r.inputs.multiAz === true;
        const source = r.inputs.replicateSourceDb;
        const copies = multiAz ? 2 : 1;
        if (r.inputs.engine !== undefined && r.inputs.engine !== "mysql") {
            run.notes.push(`${r.name}: engine "${r.inputs.engine}" is priced at the MySQL rate of ${cls}.`);
        }
        const role = source ? ` read replica of ${source}` : "";
        add(run, r, `RDS MySQL ${cls} ${multiAz ? "Multi-AZ (primary + standby: 2×)" : "Single-AZ"}${role}`, copies * HOURS_PER_MONTH,
            "instance-hours", (p) => p.rdsMysqlInstanceHour[cls], `RDS MySQL instance class "${cls}"`);
        const extended = extendedSupportCharge(r, run.byUrn, run.plan.region, run.today, copies, HOURS_PER_MONTH);
        if (extended?.kind === "line") {
            add(run, r, extended.description, extended.quantity, extended.unit, () => extended.unitUsd, extended.what);
        } else if (extended?.kind === "note") {
            run.notes.push(extended.note);
        }
        const storageType = String(r.inputs.storageType ?? "gp2");
        const own = num(r.inputs.allocatedStorage);
        const gb = own ?? inheritedStorageGb(run);
        add(run, r, `RDS ${storageType} storage ${gb} GB${own === undefined ? " (inherited from the source)" : ""}${multiAz ? " × 2 (Multi-AZ)" : ""}`,
            gb * copies, "GB-month", (p) => p.rdsStorageGbMonth[storageType], `RDS storage type "${storageType}"`);
        const retention = num(r.inputs.backupRetentionPeriod) ?? (source ? 0 : 1);
        const changeGb = usage(run, "dbMonthlyChangeGb", DEFAULT_DB_MONTHLY_CHANGE_GB);
        if (retention > 0) {
            // Upper bound: the free allowance (100 % of provisioned storage) is taken to be used up
            // by the full backup of a full database, so only the retained daily changes are billed.
            const backupGb = retention * changeGb / 30;
            add(run, r, `RDS backup storage beyond the free allowance: ${retention} days × ${changeGb} GB/month ÷ 30 (upper bound)`,
                backupGb, "GB-month", (p) => p.rdsBackupGbMonth, "RDS backup storage");
        }
        const peer = source ? undefined : replicatingPeer(run);
        if (peer) {
            add(run, r, `Inter-region transfer of ${changeGb} GB/month of binlog to the replica in ${peer.region} (stack ${peer.stack}); counted on the sending side`,
                changeGb, "GB", (p) => p.interRegionTransferOutGb, "inter-region data transfer");
        }
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": (r, run) => {
        const t = String(r.inputs.nodeType ?? "(unknown)");
        const nodes = num(r.inputs.numCacheClusters) ?? (num(r.inputs.numNodeGroups) ?? 1) * ((num(r.inputs.replicasPerNodeGroup) ?? 0) + 1);
        add(run, r, `ElastiCache ${t} × ${nodes} node${nodes === 1 ? "" : "s"}`, nodes * HOURS_PER_MONTH, "node-hours",
            (p) => p.elasticacheNodeHour[t], `ElastiCache node type "${t}"`);
    },
    "aws:elasticache/cluster:Cluster": (r, run) => {
        if (r.inputs.replicationGroupId) return; // a member of a replication group, priced there
        const t = String(r.inputs.nodeType ?? "(unknown)");
        const nodes = num(r.inputs.numCacheNodes) ?? 1;
        add(run, r, `ElastiCache ${t} × ${nodes} node${nodes === 1 ? "" : "s"}`, nodes * HOURS_PER_MONTH, "node-hours",
            (p) => p.elasticacheNodeHour[t], `ElastiCache node type "${t}"`);
    },
    "aws:ec2/natGateway:NatGateway": (r, run) => {
        add(run, r, "NAT gateway (data processing per GB not included)", HOURS_PER_MONTH, "gateway-hours", (p) => p.natGatewayHour, "NAT gateway");
    },
    "aws:ec2/eip:Eip": (r, run) => addPublicIpv4(run, r, 1, "Elastic IP (public IPv4, billed in use or idle)"),
    "aws:lb/loadBalancer:LoadBalancer": (r, run) => {
        const kind = String(r.inputs.loadBalancerType ?? "application");
        if (kind !== "application") {
            add(run, r, `${kind} load balancer`, HOURS_PER_MONTH, "LB-hours", () => undefined, `${kind} load balancer`);
            return;
        }
        add(run, r, "Application Load Balancer", HOURS_PER_MONTH, "ALB-hours", (p) => p.albHour, "Application Load Balancer");
        add(run, r, `ALB capacity: ${run.albLcus} LCU assumed on average`, run.albLcus * HOURS_PER_MONTH, "LCU-hours",
            (p) => p.albLcuHour, "ALB LCU");
        if (r.inputs.internal !== true) {
            const azs = (r.inputs.subnets ?? r.inputs.subnetMappings ?? []).length;
            addPublicIpv4(run, r, azs, `public IPv4 of the internet-facing ALB: ${azs} (assumed one per AZ subnet)`);
        }
    },
    "aws:kms/key:Key": (r, run) => {
        add(run, r, "KMS customer managed key", 1, "key-months", (p) => p.kmsKeyMonth, "KMS key");
        if (r.inputs.enableKeyRotation === true) {
            run.notes.push(`${r.name}: automatic rotation adds one key-month per rotated version for the first two rotations (yearly by default), so the key costs up to 3× after two years.`);
        }
    },
    "aws:kms/replicaKey:ReplicaKey": (r, run) => add(run, r, "KMS multi-Region replica key", 1, "key-months", (p) => p.kmsKeyMonth, "KMS key"),
    "aws:secretsmanager/secret:Secret": (r, run) => {
        add(run, r, "Secrets Manager secret", 1, "secret-months", (p) => p.secretMonth, "Secrets Manager secret");
        const replicas: any[] = r.inputs.replicas ?? [];
        if (replicas.length > 0) {
            const where = replicas.map((x) => x.region).join(", ");
            add(run, r, `Secrets Manager replica secret${replicas.length === 1 ? "" : "s"} in ${where} (billed like secrets)`, replicas.length,
                "secret-months", (p) => p.secretMonth, "Secrets Manager secret");
        }
    },
    "aws:s3/bucket:Bucket": (r, run) => s3Storage(r, run),
    "aws:s3/bucketV2:BucketV2": (r, run) => s3Storage(r, run),
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": (r, run) => {
        const rules: any[] = (r.inputs.rules ?? []).filter((x: any) => x.status === "Enabled");
        if (rules.length === 0) return;
        const writeGb = usage(run, "mediaMonthlyWriteGb", DEFAULT_MEDIA_MONTHLY_WRITE_GB);
        const destinations = new Set(rules.map((x) => x.destination?.bucket));
        if (rules.some((x) => x.destination?.replicationTime?.status === "Enabled")) {
            add(run, r, `S3 Replication Time Control on ${writeGb} GB/month of new media`, writeGb * destinations.size, "GB",
                (p) => p.s3RtcGb, "S3 Replication Time Control");
        }
        const peerRegion = run.plan.config?.[`${run.ns}:peerRegion`] ?? otherPeers(run)[0]?.config["aws:region"];
        add(run, r, `Inter-region transfer of ${writeGb} GB/month of new media${peerRegion ? ` to ${peerRegion}` : ""} (assumes a bucket in another region)`,
            writeGb * destinations.size, "GB", (p) => p.interRegionTransferOutGb, "inter-region data transfer");
    },
    "aws:route53/healthCheck:HealthCheck": (r, run) => {
        const type = String(r.inputs.type ?? "HTTP");
        const features = [type.startsWith("HTTPS") && "HTTPS", type.endsWith("STR_MATCH") && "string matching",
            num(r.inputs.requestInterval) === 10 && "fast interval", r.inputs.measureLatency === true && "latency measurement"]
            .filter((f): f is string => typeof f === "string");
        // AWS-endpoint pricing applies to endpoints AWS hosts; an ELB or EC2 name is one for sure.
        const fqdn = typeof r.inputs.fqdn === "string" ? r.inputs.fqdn : "";
        const endpoint = fqdn.endsWith(".amazonaws.com") ? `AWS endpoint ${fqdn}` : "AWS endpoint assumed";
        add(run, r, `Route 53 ${type} health check (${endpoint})`, 1, "health-check-months",
            (p) => p.route53HealthCheckAwsMonth, "Route 53 health check");
        if (features.length > 0) {
            add(run, r, `Route 53 health check options: ${features.join(", ")}`, features.length, "feature-months",
                (p) => p.route53HealthCheckFeatureAwsMonth, "Route 53 health check option");
        }
    },
    "aws:route53/zone:Zone": (r, run) => add(run, r, "Route 53 hosted zone", 1, "zone-months", (p) => p.route53HostedZoneMonth, "Route 53 hosted zone"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (r, run) => {
        const queries: any[] = r.inputs.metricQueries ?? [];
        const metrics = Math.max(1, queries.filter((q) => q.metric).length);
        const highRes = (num(r.inputs.period) ?? 60) < 60 || queries.some((q) => (num(q.metric?.period) ?? 60) < 60);
        add(run, r, `CloudWatch ${highRes ? "high-resolution" : "standard"} alarm × ${metrics} metric${metrics === 1 ? "" : "s"}`, metrics,
            "alarm-metric-months", (p) => (highRes ? p.cloudwatchHighResAlarmMonth : p.cloudwatchAlarmMonth), "CloudWatch alarm");
    },
    "aws:lambda/function:Function": (r, run) => {
        add(run, r, "Lambda function: invoked only on rare events, so request and duration charges are negligible", 1, "functions",
            () => 0, "Lambda");
        // The EBS-state singleton's launch hook creates its data volume outside the plan.
        const dataGb = num(r.inputs.environment?.variables?.DATA_VOLUME_GB);
        if (dataGb !== undefined && /launch/.test(r.name)) {
            run.notes.push(`${r.name}: creates a ${dataGb} GB data volume at launch, outside the plan; not priced `
                + `(about $${run.prices?.ebsVolumeGbMonth.gp3 ?? "?"}/GB-month as gp3).`);
        }
    },
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": (r, run) => {
        const keep = (r.inputs.policyDetails?.schedules ?? []).map((s: any) => s.retainRule?.count).filter((c: unknown) => c !== undefined);
        run.notes.push(`${r.name}: DLM snapshots (keeping ${keep.length > 0 ? keep.join("/") : "?"} per schedule) are billed per GB-month of changed blocks `
            + `at $${run.prices?.ebsSnapshotGbMonth ?? "?"}/GB-month; not estimated (change rate unknown offline).`);
    },
    "aws:ec2/amiCopy:AmiCopy": (r, run) => {
        run.notes.push(`${r.name}: the copied AMI's EBS snapshots are billed at $${run.prices?.ebsSnapshotGbMonth ?? "?"}/GB-month of image data; not estimated (image size unknown offline).`);
    },
};

const S3_BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);

function s3Storage(r: RecordedResource, run: Run): void {
    const gb = usage(run, "mediaStorageGb", DEFAULT_MEDIA_STORAGE_GB);
    add(run, r, `S3 Standard storage: ${gb} GB (${run.ns}:mediaStorageGb)`, gb, "GB-month", (p) => p.s3StandardGbMonth, "S3 Standard storage");
}

function sum(values: number[]): number {
    return values.reduce((a, b) => a + b, 0);
}

/** The general notes every estimate carries. */
function generalNotes(run: Run): string[] {
    const p = run.prices;
    const usd = (v: number | undefined) => (v === undefined ? "?" : `$${v}`);
    return [
        `Estimate: list prices as of ${PRICE_TABLE_DATE}; excludes data processing, requests, and free tier. Prices are USD On-Demand `
        + `(Linux) at ${HOURS_PER_MONTH} h/month, without CPU credits of burstable (T) instances, support, tax or any Savings Plan or Reserved Instance discount.`,
        `Not priced: NAT gateway data processing (${usd(p?.natGatewayProcessedGb)}/GB), ALB LCUs above ${run.albLcus} per ALB `
        + `(${usd(p?.albLcuHour)}/LCU-hour), internet and cross-AZ data transfer, S3/KMS/Secrets Manager requests, CloudWatch Logs ingestion and storage.`,
        `Usage assumptions from stack config: ${run.ns}:mediaStorageGb = ${usage(run, "mediaStorageGb", DEFAULT_MEDIA_STORAGE_GB)} GB, `
        + `${run.ns}:mediaMonthlyWriteGb = ${usage(run, "mediaMonthlyWriteGb", DEFAULT_MEDIA_MONTHLY_WRITE_GB)} GB/month, `
        + `${run.ns}:dbMonthlyChangeGb = ${usage(run, "dbMonthlyChangeGb", DEFAULT_DB_MONTHLY_CHANGE_GB)} GB/month.`,
        "Cross-region transfer (RDS binlog to a replica in the peer region, S3 replication) is counted on the sending side: in prod's "
        + "estimate in normal operation, in the promoted dr's during failback. Inbound transfer is free, so the receiving stack carries none of it.",
    ];
}

/**
 * Estimates the monthly cost of a planned stack from its recorded resources and the bundled
 * price table. Never throws for an unknown type, class or region: the line gets
 * `unitUsd: null`, costs 0, and a note names what is missing.
 */
export function estimateCost(plan: StackPlan, options: CostOptions = {}): CostEstimate {
    const resources = plan.resources ?? [];
    const run: Run = {
        plan,
        ns: plan.project ?? "pilot-light",
        prices: regionPrices(plan.region, options.prices ?? PRICES),
        albLcus: Math.max(0, options.albLcus ?? DEFAULT_ALB_LCUS),
        byUrn: new Map(resources.map((r) => [r.urn, r])),
        items: [],
        notes: [],
        today: options.today ?? currentDate(),
        stopped: new Set(resources.filter((r) => r.type === "aws:ec2transitgateway/instanceState:InstanceState" && r.inputs.state === "stopped")
            .map((r) => String(r.inputs.instanceId))),
    };
    if (!run.prices) {
        run.notes.push(`Price missing: the bundled price table has no prices for region ${plan.region}; every line is counted as $0.`);
    }
    const unpriced = new Map<string, number>();
    for (const r of resources) {
        const handler = HANDLERS[r.type];
        if (handler) {
            handler(r, run);
        } else if (r.custom && r.type.startsWith("aws:") && !FREE_TYPES.has(r.type)) {
            unpriced.set(r.type, (unpriced.get(r.type) ?? 0) + 1);
        }
    }
    if (unpriced.size > 0) {
        run.notes.push(`Not priced (no rule for these types): ${[...unpriced].map(([t, n]) => `${t} × ${n}`).join(", ")}.`);
    }
    if (resources.filter((r) => S3_BUCKET_TYPES.has(r.type)).length > 1) {
        run.notes.push(`Every S3 bucket is priced as holding ${run.ns}:mediaStorageGb of media.`);
    }
    if (plan.config?.[`${run.ns}:role`] === "dr") {
        run.notes.push(`Media replicas arrive in the storage class of the primary's replication rule (STANDARD_IA by default, `
            + `$${run.prices?.s3StandardIaGbMonth ?? "?"}/GB-month with a 30-day minimum); the S3 line uses S3 Standard, an upper bound.`);
    }
    // Grouped by component for reading; within a component, in registration order (stable sort).
    run.items.sort((a, b) => (a.component < b.component ? -1 : a.component > b.component ? 1 : 0));
    const byComponent: Record<string, number> = {};
    for (const item of run.items) {
        byComponent[item.component] = (byComponent[item.component] ?? 0) + item.monthlyUsd;
    }
    return {
        stack: plan.stack,
        region: plan.region,
        promote: plan.promote ?? false,
        priceTableDate: PRICE_TABLE_DATE,
        monthlyUsd: sum(run.items.map((i) => i.monthlyUsd)),
        byComponent,
        items: run.items,
        // A bad usage key is reported by every line that reads it: once is enough.
        notes: [...new Set([...generalNotes(run), ...run.notes])],
    };
}

/** The monthly totals of prod and dr in both states, in USD, not rounded. */
export interface CostComparison {
    prodUsd: number;
    drStandbyUsd: number;
    drPromotedUsd: number;
    /** drStandbyUsd ÷ prodUsd, a fraction from 0 to 1 for a pilot light; 0 when prod's estimate is 0. */
    standbyShareOfProd: number;
}

/** The three totals side by side, and what the pilot light costs as a share of prod. */
export function compareCosts(prod: CostEstimate, drStandby: CostEstimate, drPromoted: CostEstimate): CostComparison {
    return {
        prodUsd: prod.monthlyUsd,
        drStandbyUsd: drStandby.monthlyUsd,
        drPromotedUsd: drPromoted.monthlyUsd,
        standbyShareOfProd: prod.monthlyUsd > 0 ? drStandby.monthlyUsd / prod.monthlyUsd : 0,
    };
}

/** Rounds USD to cents, half away from zero for positive amounts. */
export function roundUsd(usd: number): number {
    return Math.round((usd + Number.EPSILON) * 100) / 100;
}

function money(usd: number): string {
    return `$${roundUsd(usd).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/**
 * A plain-text table of prod, dr standby and dr promoted per top-level component, headed
 * "ESTIMATE" and "dr standby costs X% of prod". Components absent from a stack show `-`.
 */
export function renderCostTable(prod: CostEstimate, drStandby: CostEstimate, drPromoted: CostEstimate): string {
    const cmp = compareCosts(prod, drStandby, drPromoted);
    const estimates = [prod, drStandby, drPromoted];
    const headers = ["component", `prod (${prod.region})`, `dr standby (${drStandby.region})`, `dr promoted (${drPromoted.region})`];
    const components = [...new Set(estimates.flatMap((e) => Object.keys(e.byComponent)))].sort();
    const rows = components.map((c) => [c, ...estimates.map((e) => (c in e.byComponent ? money(e.byComponent[c]) : "-"))]);
    rows.push(["total per month", ...estimates.map((e) => money(e.monthlyUsd))]);
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("   ");
    return [
        `ESTIMATE of the monthly AWS cost (USD list prices as of ${prod.priceTableDate}; excludes data processing, requests, and free tier)`,
        `dr standby costs ${(cmp.standbyShareOfProd * 100).toFixed(1)}% of prod (${money(cmp.drStandbyUsd)} of ${money(cmp.prodUsd)} per month); `
        + `promoted, dr costs ${money(cmp.drPromotedUsd)} per month.`,
        "",
        line(headers),
        line(widths.map((w) => "-".repeat(w))),
        ...rows.slice(0, -1).map(line),
        line(widths.map((w) => "-".repeat(w))),
        line(rows[rows.length - 1]),
    ].join("\n");
}

/** The plan command's `--json` "cost" value: totals and item costs rounded to cents (unit prices kept exact). */
export function costJson(estimate: CostEstimate): { monthlyUsd: number; byComponent: Record<string, number>; items: CostItem[] } {
    return {
        monthlyUsd: roundUsd(estimate.monthlyUsd),
        byComponent: Object.fromEntries(Object.entries(estimate.byComponent).map(([k, v]) => [k, roundUsd(v)])),
        items: estimate.items.map((i) => ({ ...i, monthlyUsd: roundUsd(i.monthlyUsd) })),
    };
}
