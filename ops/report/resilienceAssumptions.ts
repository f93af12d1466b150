// The numbers the RTO/RPO estimates (./resilience.ts) are built from: RESILIENCE_ASSUMPTIONS, a
// table of named durations with the AWS page or the stated basis behind each one, and how long
// `pulumi up` spends creating each resource type (CREATE_DURATIONS).

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
        id: "ebs-snapshot-copy", minutes: 60, low: 10, high: 120,
        what: "DLM's cross-region copy of a new snapshot lands in dr (incremental after the first full copy)",
        source: "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html (AWS publishes no duration; stated assumption, measure it in a drill)",
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
        id: "rds-pitr-restore", minutes: 30, low: 10, high: 120,
        what: "RDS restores the snapshot nearest the chosen time into a new instance, then replays the transaction logs up to it "
            + "(the more logs since that daily snapshot, and the bigger the database, the longer)",
        source: "Stated assumption (AWS publishes no duration; its length is 'based on the number of transaction logs' to replay): "
            + "https://repost.aws/knowledge-center/rds-point-in-time-restore-issues",
    },
    {
        id: "rds-pitr-latest-restorable", minutes: 5,
        what: "The newest second a point-in-time restore reaches: RDS uploads transaction logs every 5 minutes, so the latest "
            + "restorable time is typically within the last 5 minutes",
        source: "https://repost.aws/knowledge-center/rds-point-in-time-restore-issues (and USER_PIT.html: "
            + "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html)",
    },
    {
        id: "app-repoint", minutes: 10, low: 5, high: 20,
        what: "The app is pointed at the restored database: a config change and `pulumi up` that rolls the app servers",
        source: "Stated assumption: a drill of the recover runbook measures it",
    },
    {
        id: "s3-version-restore", minutes: 5, low: 1, high: 60,
        what: "Media restored to a time: one CopyObject of the version current then (or a delete marker) per changed key",
        source: "Stated assumption (seconds per object; grows with the number of changed keys): "
            + "https://docs.aws.amazon.com/AmazonS3/latest/userguide/RestoringPreviousVersions.html",
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
export interface TypeDuration {
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
        "aws:ec2/eipAssociation:EipAssociation", "aws:ssm/parameter:Parameter", "aws:wafv2/webAcl:WebAcl", "aws:wafv2/webAclAssociation:WebAclAssociation",
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "aws:cloudwatch/logGroup:LogGroup",
    ].map((t) => [t, QUICK])),
});

/** Rounds minutes to hundredths, so float noise never shows in a report. */
export function roundMinutes(m: number): number {
    return Math.round(m * 100) / 100;
}

/** Minutes by assumption id; throws for an id the table does not have. */
export function lookup(assumptions: readonly ResilienceAssumption[]): (id: string) => number {
    const table = new Map(assumptions.map((a) => [a.id, a.minutes]));
    return (id) => {
        const m = table.get(id);
        if (m === undefined) throw new Error(`resilience: no assumption "${id}" in the table`);
        return m;
    };
}
