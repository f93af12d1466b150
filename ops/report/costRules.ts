// The pricing rules of the cost estimate: for each billable resource type, the lines it adds
// (what is billed, how much of it per month, and which figure of the price table prices it).
// ops/report/cost.ts runs them over a plan; a line whose figure the table lacks, and a
// billable type with no rule here, are reported as unpriced, never counted as 0. The S3 storage
// rules are in ./costRulesS3.ts.
import { defaultOf } from "../../stacks/configSchema";
import type { RecordedResource } from "../offline/engine";
import type { StackPlan } from "../offline/planner";
import {
    add, componentOf, figureText, Handler, num, Run, usage,
} from "./costLines";
import { objectLockStorage, s3Storage } from "./costRulesS3";
import { extendedSupportCharge } from "./extendedSupport";
import { HOURS_PER_MONTH } from "./prices";

/**
 * A resource dr made ahead of time under its AppStandby component (components/app/standby.ts),
 * in a plan of dr in standby: it exists, but nothing uses it until promotion.
 */
function isIdleStandby(r: RecordedResource, run: Run): boolean {
    return run.plan.settings?.role === "dr" && !run.plan.promote && !run.plan.settings.drill && r.urn.includes("pilot-light:app:AppStandby$");
}

/** Types that cost nothing by themselves (their usage is billed elsewhere or never). */
export const FREE_TYPES = new Set([
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
    // Rotation has no charge of its own: the secret (priced) and the function's few calls (negligible).
    // https://aws.amazon.com/secrets-manager/pricing/
    "aws:secretsmanager/secretRotation:SecretRotation",
    "aws:sns/topic:Topic", "aws:sns/topicSubscription:TopicSubscription",
    // The web ACL is billed, not its associations (https://aws.amazon.com/waf/pricing/).
    "aws:wafv2/webAclAssociation:WebAclAssociation",
    // Billed by ingestion and storage, which the general note excludes.
    "aws:cloudwatch/logGroup:LogGroup",
    // Standard-tier parameters (the only tier this project creates: components/app/cacheEndpoint.ts)
    // and their standard throughput have no charge; advanced ones would. https://aws.amazon.com/systems-manager/pricing/
    "aws:ssm/parameter:Parameter",
]);

/** EBS volumes, as an instance's root device, a launch template mapping or a volume, × count. */
function addVolume(run: Run, r: RecordedResource, sizeGb: unknown, type: unknown, count: number, what: string): void {
    const size = num(sizeGb);
    if (size === undefined || count <= 0) return;
    // gp3 is what an unset type means for the Amazon Linux 2023 images this repo boots.
    const volumeType = typeof type === "string" && type ? type : "gp3";
    add(run, r, `EBS ${volumeType} ${what}: ${count} × ${size} GB`, count * size, "GB-month",
        { field: "ebsVolumeGbMonth", key: volumeType }, `EBS volume type "${volumeType}"`);
}

function addPublicIpv4(run: Run, r: RecordedResource, count: number, description: string): void {
    if (count <= 0) return;
    add(run, r, description, count * HOURS_PER_MONTH, "IPv4-address-hours", { field: "publicIpv4Hour" }, "public IPv4 address");
}

function ec2Hours(run: Run, r: RecordedResource, instanceType: unknown, count: number, description: string): void {
    const t = typeof instanceType === "string" && instanceType ? instanceType : "(unknown)";
    add(run, r, `EC2 ${t} ${description}`, count * HOURS_PER_MONTH, "instance-hours",
        { field: "ec2InstanceHour", key: t }, `EC2 instance type "${t}"`);
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
    const peer = otherPeers(run).find((p) => (p.settings?.role === "dr" && !p.settings.promote) || p.settings?.rebuildFromPeer === true);
    return peer ? { stack: peer.stack, region: peer.settings!.region } : undefined;
}

/** Storage of a replica that inherits it: the peer's dbAllocatedStorageGb, then this stack's, then the schema's default. */
function inheritedStorageGb(run: Run): number {
    const fromPeer = otherPeers(run).map((p) => p.settings?.dbAllocatedStorageGb).find((n) => n !== undefined);
    return fromPeer ?? run.plan.settings?.dbAllocatedStorageGb ?? defaultOf("dbAllocatedStorageGb")!;
}

function rdsInstance(r: RecordedResource, run: Run): void {
    const cls = String(r.inputs.instanceClass ?? "(unknown)");
    const multiAz = r.inputs.multiAz === true;
    const source = r.inputs.replicateSourceDb;
    const copies = multiAz ? 2 : 1;
    if (r.inputs.engine !== undefined && r.inputs.engine !== "mysql") {
        run.notes.push(`${r.name}: engine "${r.inputs.engine}" is priced at the MySQL rate of ${cls}.`);
    }
    const role = source ? ` read replica of ${source}` : "";
    add(run, r, `RDS MySQL ${cls} ${multiAz ? "Multi-AZ (primary + standby: 2×)" : "Single-AZ"}${role}`, copies * HOURS_PER_MONTH,
        "instance-hours", { field: "rdsMysqlInstanceHour", key: cls }, `RDS MySQL instance class "${cls}"`);
    const extended = extendedSupportCharge(r, run.byUrn, run.plan.region, run.today, copies, HOURS_PER_MONTH);
    if (extended?.kind === "line") {
        add(run, r, extended.description, extended.quantity, extended.unit, { fixed: extended.figure, reason: extended.missing }, extended.what);
    } else if (extended?.kind === "note") {
        run.notes.push(extended.note);
    }
    if (r.inputs.performanceInsightsEnabled === true) {
        // "7 days (the default, free tier)": components/database/monitoring.ts cites it.
        const days = num(r.inputs.performanceInsightsRetentionPeriod) ?? 7;
        run.notes.push(days <= 7 ? `${r.name}: Performance Insights keeps 7 days, AWS's free tier: no charge.`
            : `${r.name}: Performance Insights keeps ${days} days, billed per vCPU-month beyond the free 7 days; not estimated.`);
    }
    const monitoringInterval = num(r.inputs.monitoringInterval) ?? 0;
    if (monitoringInterval > 0) {
        // No figure in the price table, and the volume follows the process count: said so, never 0.
        run.notes.push(`${r.name}: Enhanced Monitoring (every ${monitoringInterval} s) is billed as CloudWatch Logs ingestion and storage `
            + "of the RDSOSMetrics log group beyond the account's free 5 GB a month (https://aws.amazon.com/cloudwatch/pricing/); "
            + "not estimated (the size of each sample follows the instance's process count).");
    }
    const storageType = String(r.inputs.storageType ?? "gp2");
    const own = num(r.inputs.allocatedStorage);
    const gb = own ?? inheritedStorageGb(run);
    add(run, r, `RDS ${storageType} storage ${gb} GB${own === undefined ? " (inherited from the source)" : ""}${multiAz ? " × 2 (Multi-AZ)" : ""}`,
        gb * copies, "GB-month", { field: "rdsStorageGbMonth", key: storageType }, `RDS storage type "${storageType}"`);
    const retention = num(r.inputs.backupRetentionPeriod) ?? (source ? 0 : 1);
    const changeGb = usage(run, "dbMonthlyChangeGb");
    if (retention > 0) {
        // Upper bound: the free allowance (100 % of provisioned storage) is taken to be used up
        // by the full backup of a full database, so only the retained daily changes are billed.
        add(run, r, `RDS backup storage beyond the free allowance: ${retention} days × ${changeGb} GB/month ÷ 30 (upper bound)`,
            retention * changeGb / 30, "GB-month", { field: "rdsBackupGbMonth" }, "RDS backup storage");
    }
    const peer = source ? undefined : replicatingPeer(run);
    if (peer) {
        add(run, r, `Inter-region transfer of ${changeGb} GB/month of binlog to the replica in ${peer.region} (stack ${peer.stack}); counted on the sending side`,
            changeGb, "GB", { field: "interRegionTransferOutGb" }, "inter-region data transfer");
    }
}

/**
 * prod's automated backups replicated into dr (components/database/backupReplication.ts). "DB
 * snapshot copy charges apply to the data transfer. After the DB snapshot is copied, standard
 * charges apply to storage in the destination Region"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html). Upper
 * bounds: dr has no free backup allowance for them (its own instance keeps no backups in standby),
 * so one full copy of prod's storage plus the retained changes is billed; what crosses regions is
 * the month's changes twice (transaction logs, and the daily snapshots' increments).
 */
function backupsReplication(r: RecordedResource, run: Run): void {
    const retention = num(r.inputs.retentionPeriod) ?? 7;
    const changeGb = usage(run, "dbMonthlyChangeGb");
    const fullGb = inheritedStorageGb(run);
    add(run, r, `RDS replicated backup storage: ${fullGb} GB full copy + ${retention} days × ${changeGb} GB/month ÷ 30 (upper bound)`,
        fullGb + retention * changeGb / 30, "GB-month", { field: "rdsBackupGbMonth" }, "RDS backup storage");
    add(run, r, `Cross-region copy of prod's backups into this region: 2 × ${changeGb} GB/month (logs and snapshot increments; `
        + `billed by the source region, priced at this table's inter-region rate)`,
        2 * changeGb, "GB", { field: "interRegionTransferOutGb" }, "inter-region data transfer");
    // After a failback two generations replicate side by side until failback's step 6 stops the
    // old one (ops/runbooks/backupReplication.ts); the plan only ever holds the current one.
    run.notes.push(`${r.name}: after a failback the previous database generation's replication runs beside this one, costing about `
        + `as much, until failback's step 6 stops it (its copies then age out over ${retention} days); declining that step keeps it billed.`);
}

function cacheNodes(r: RecordedResource, run: Run, nodes: number): void {
    const t = String(r.inputs.nodeType ?? "(unknown)");
    add(run, r, `ElastiCache ${t} × ${nodes} node${nodes === 1 ? "" : "s"}`, nodes * HOURS_PER_MONTH, "node-hours",
        { field: "elasticacheNodeHour", key: t }, `ElastiCache node type "${t}"`);
}

export const HANDLERS: Record<string, Handler> = {
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
    "aws:rds/instance:Instance": rdsInstance,
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": backupsReplication,
    "aws:elasticache/replicationGroup:ReplicationGroup": (r, run) => cacheNodes(r, run,
        num(r.inputs.numCacheClusters) ?? (num(r.inputs.numNodeGroups) ?? 1) * ((num(r.inputs.replicasPerNodeGroup) ?? 0) + 1)),
    "aws:elasticache/cluster:Cluster": (r, run) => {
        if (r.inputs.replicationGroupId) return; // a member of a replication group, priced there
        cacheNodes(r, run, num(r.inputs.numCacheNodes) ?? 1);
    },
    "aws:ec2/natGateway:NatGateway": (r, run) => {
        add(run, r, "NAT gateway (data processing per GB not included)", HOURS_PER_MONTH, "gateway-hours", { field: "natGatewayHour" }, "NAT gateway");
    },
    "aws:ec2/eip:Eip": (r, run) => addPublicIpv4(run, r, 1, "Elastic IP (public IPv4, billed in use or idle)"),
    "aws:lb/loadBalancer:LoadBalancer": (r, run) => {
        const kind = String(r.inputs.loadBalancerType ?? "application");
        if (kind !== "application") {
            add(run, r, `${kind} load balancer`, HOURS_PER_MONTH, "LB-hours",
                { noRule: `no pricing rule for ${kind} load balancers in ops/report/costRules.ts` }, `${kind} load balancer`);
            return;
        }
        add(run, r, "Application Load Balancer", HOURS_PER_MONTH, "ALB-hours", { field: "albHour" }, "Application Load Balancer");
        if (isIdleStandby(r, run)) {
            // LCUs measure connections, bytes and rule evaluations: an ALB no one sends traffic to
            // uses none. https://aws.amazon.com/elasticloadbalancing/pricing/
            run.notes.push(`${r.name}: dr's standby ALB serves no traffic until promotion (only then does the SECONDARY record answer, or dr's CloudFront distribution find a target), so no LCUs are counted in standby.`);
        } else {
            add(run, r, `ALB capacity: ${run.albLcus} LCU assumed on average`, run.albLcus * HOURS_PER_MONTH, "LCU-hours",
                { field: "albLcuHour" }, "ALB LCU");
        }
        if (r.inputs.internal !== true) {
            const azs = (r.inputs.subnets ?? r.inputs.subnetMappings ?? []).length;
            addPublicIpv4(run, r, azs, `public IPv4 of the internet-facing ALB: ${azs} (assumed one per AZ subnet)`);
        }
    },
    "aws:kms/key:Key": (r, run) => {
        add(run, r, "KMS customer managed key", 1, "key-months", { field: "kmsKeyMonth" }, "KMS key");
        if (r.inputs.enableKeyRotation === true) {
            run.notes.push(`${r.name}: automatic rotation adds one key-month per rotated version for the first two rotations (yearly by default), so the key costs up to 3× after two years.`);
        }
    },
    "aws:kms/replicaKey:ReplicaKey": (r, run) => add(run, r, "KMS multi-Region replica key", 1, "key-months", { field: "kmsKeyMonth" }, "KMS key"),
    "aws:secretsmanager/secret:Secret": (r, run) => {
        add(run, r, "Secrets Manager secret", 1, "secret-months", { field: "secretMonth" }, "Secrets Manager secret");
        const replicas: any[] = r.inputs.replicas ?? [];
        if (replicas.length > 0) {
            const where = replicas.map((x) => x.region).join(", ");
            add(run, r, `Secrets Manager replica secret${replicas.length === 1 ? "" : "s"} in ${where} (billed like secrets)`, replicas.length,
                "secret-months", { field: "secretMonth" }, "Secrets Manager secret");
        }
    },
    "aws:s3/bucket:Bucket": s3Storage,
    "aws:s3/bucketV2:BucketV2": s3Storage,
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": objectLockStorage,
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": (r, run) => {
        const rules: any[] = (r.inputs.rules ?? []).filter((x: any) => x.status === "Enabled");
        if (rules.length === 0) return;
        const writeGb = usage(run, "mediaMonthlyWriteGb");
        const destinations = new Set(rules.map((x) => x.destination?.bucket));
        if (rules.some((x) => x.destination?.replicationTime?.status === "Enabled")) {
            add(run, r, `S3 Replication Time Control on ${writeGb} GB/month of new media`, writeGb * destinations.size, "GB",
                { field: "s3RtcGb" }, "S3 Replication Time Control");
        }
        const peerRegion = run.plan.settings?.peerRegion ?? otherPeers(run)[0]?.settings?.region;
        add(run, r, `Inter-region transfer of ${writeGb} GB/month of new media${peerRegion ? ` to ${peerRegion}` : ""} (assumes a bucket in another region)`,
            writeGb * destinations.size, "GB", { field: "interRegionTransferOutGb" }, "inter-region data transfer");
    },
    "aws:route53/healthCheck:HealthCheck": (r, run) => {
        const type = String(r.inputs.type ?? "HTTP");
        const features = [type.startsWith("HTTPS") && "HTTPS", type.endsWith("STR_MATCH") && "string matching",
            num(r.inputs.requestInterval) === 10 && "fast interval", r.inputs.measureLatency === true && "latency measurement"]
            .filter((f): f is string => typeof f === "string");
        // AWS-endpoint pricing applies to endpoints AWS hosts; an ELB or EC2 name is one for sure
        // (amazonaws.com, or amazonaws.com.cn in the China regions).
        const fqdn = typeof r.inputs.fqdn === "string" ? r.inputs.fqdn : "";
        const endpoint = /\.amazonaws\.com(\.cn)?$/.test(fqdn) ? `AWS endpoint ${fqdn}` : "AWS endpoint assumed";
        add(run, r, `Route 53 ${type} health check (${endpoint})`, 1, "health-check-months",
            { field: "route53HealthCheckAwsMonth" }, "Route 53 health check");
        if (features.length > 0) {
            add(run, r, `Route 53 health check options: ${features.join(", ")}`, features.length, "feature-months",
                { field: "route53HealthCheckFeatureAwsMonth" }, "Route 53 health check option");
        }
    },
    "aws:route53/zone:Zone": (r, run) => add(run, r, "Route 53 hosted zone", 1, "zone-months", { field: "route53HostedZoneMonth" }, "Route 53 hosted zone"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (r, run) => {
        const queries: any[] = r.inputs.metricQueries ?? [];
        const metrics = Math.max(1, queries.filter((q) => q.metric).length);
        const highRes = (num(r.inputs.period) ?? 60) < 60 || queries.some((q) => (num(q.metric?.period) ?? 60) < 60);
        add(run, r, `CloudWatch ${highRes ? "high-resolution" : "standard"} alarm × ${metrics} metric${metrics === 1 ? "" : "s"}`, metrics,
            "alarm-metric-months", { field: highRes ? "cloudwatchHighResAlarmMonth" : "cloudwatchAlarmMonth" }, "CloudWatch alarm");
    },
    "aws:lambda/function:Function": (r, run) => {
        add(run, r, "Lambda function: invoked only on rare events, so request and duration charges are negligible", 1, "functions",
            { negligible: true }, "Lambda");
        // The EBS-state singleton's launch hook creates its data volume outside the plan.
        const dataGb = num(r.inputs.environment?.variables?.DATA_VOLUME_GB);
        if (dataGb !== undefined && /launch/.test(r.name)) {
            run.notes.push(`${r.name}: creates a ${dataGb} GB data volume at launch, outside the plan; not priced `
                + `(about ${figureText(run, { field: "ebsVolumeGbMonth", key: "gp3" })}/GB-month as gp3).`);
        }
    },
    // One synchronous invocation per deploy that changes its input or triggers (the app user's
    // function: at most 90 s at 256 MB, about $0.0004 at $0.0000166667 per GB-second plus $0.20 per
    // million requests, https://aws.amazon.com/lambda/pricing/).
    "aws:lambda/invocation:Invocation": (r, run) => add(run, r, "Lambda invocation at deploy time only (one request per change), negligible", 1,
        "invocations", { negligible: true }, "Lambda"),
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": (r, run) => {
        const keep = (r.inputs.policyDetails?.schedules ?? []).map((s: any) => s.retainRule?.count).filter((c: unknown) => c !== undefined);
        run.notes.push(`${r.name}: DLM snapshots (keeping ${keep.length > 0 ? keep.join("/") : "?"} per schedule) are billed per GB-month of changed blocks `
            + `at ${figureText(run, { field: "ebsSnapshotGbMonth" })}/GB-month; not estimated (change rate unknown offline).`);
    },
    "aws:ec2/flowLog:FlowLog": (r, run) => {
        // No figure in the price table yet, and the volume follows the traffic: said so, never 0.
        run.notes.push(`${r.name}: VPC flow logs are billed per GB delivered to S3 as CloudWatch vended logs `
            + "(https://aws.amazon.com/cloudwatch/pricing/), plus their S3 storage; not estimated (traffic unknown offline).");
    },
    "aws:wafv2/webAcl:WebAcl": (r, run) => {
        // Web ACL and rules are billed by the month, prorated hourly; each managed rule group counts
        // as one rule, and the AWS managed groups the stacks use carry no subscription fee of their
        // own (components/app/waf.ts). Requests are per million inspected: traffic unknown offline.
        add(run, r, "AWS WAF web ACL", 1, "web-ACL-months", { field: "wafWebAclMonth" }, "AWS WAF web ACL");
        const rules = Array.isArray(r.inputs.rules) ? r.inputs.rules.length : 0;
        if (rules > 0) {
            add(run, r, `AWS WAF rules: ${rules} (a managed rule group counts as one)`, rules, "rule-months", { field: "wafRuleMonth" }, "AWS WAF rule");
        }
        run.notes.push(`${r.name}: AWS WAF also bills ${figureText(run, { field: "wafMillionRequests" })} per million requests it inspects; `
            + "not estimated (traffic unknown offline).");
    },
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": (r, run) => {
        // Vended logs, like the VPC flow logs: billed per GB delivered, volume follows the traffic.
        run.notes.push(`${r.name}: AWS WAF's request logs are billed per GB delivered to CloudWatch Logs as vended logs `
            + "(https://aws.amazon.com/cloudwatch/pricing/), plus their storage; not estimated (traffic unknown offline).");
    },
    "aws:cloudfront/distribution:Distribution": (r, run) => {
        // No monthly fee: CloudFront bills the bytes and requests it serves (origin fetches from an
        // ALB are free), which follow the traffic, unknown offline; so a note with the rates, never 0.
        // https://aws.amazon.com/cloudfront/pricing/
        const rates = `${figureText(run, { field: "cloudfrontTransferOutGb" })}/GB out to the internet and `
            + `${figureText(run, { field: "cloudfrontHttpsRequests10k" })} per 10,000 HTTPS requests (United States edges; `
            + "the always-free tier covers 1 TB and 10,000,000 requests a month per account)";
        run.notes.push(isIdleStandby(r, run)
            ? `${r.name}: dr's standby CloudFront distribution has no monthly fee and serves nothing until promotion, when it bills ${rates}.`
            : `${r.name}: CloudFront has no monthly fee; it bills ${rates}; not estimated (traffic unknown offline).`);
    },
    "aws:cloudfront/vpcOrigin:VpcOrigin": (r, run) => {
        // AWS announced VPC origins at no additional cost: the distribution's requests and bytes
        // (its own note) are all CloudFront bills, and origin fetches from the ALB stay free.
        // https://aws.amazon.com/blogs/networking-and-content-delivery/introducing-cloudfront-virtual-private-cloud-vpc-origins-shield-your-web-applications-from-public-internet/
        run.notes.push(`${r.name}: a CloudFront VPC origin has no charge of its own (AWS announced VPC origins at no additional cost, `
            + "https://aws.amazon.com/blogs/networking-and-content-delivery/introducing-cloudfront-virtual-private-cloud-vpc-origins-shield-your-web-applications-from-public-internet/); "
            + "the internal ALB behind it has no public IPv4 addresses to pay for.");
    },
    "aws:cloudfront/function:Function": (r, run) => {
        // Billed per invocation, once per page request on the default behaviour: follows the traffic.
        // $0.10 per million as copied from AWS's page by third parties (cur.vantage.sh's CloudFront
        // billing codes, Executions-CloudFrontFunctions); AWS's: https://aws.amazon.com/cloudfront/pricing/
        run.notes.push(`${r.name}: CloudFront Functions bill $0.10 per million invocations (one per page request; not static files), `
            + "no monthly fee (https://aws.amazon.com/cloudfront/pricing/); not estimated (traffic unknown offline).");
    },
    "aws:ec2/amiCopy:AmiCopy": (r, run) => {
        run.notes.push(`${r.name}: the copied AMI's EBS snapshots are billed at ${figureText(run, { field: "ebsSnapshotGbMonth" })}/GB-month of image data; not estimated (image size unknown offline).`);
    },
};
