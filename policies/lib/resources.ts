// Shared helpers for the pack: tag and role lookup, region resolution and recover-alarm detection
// (instance types are in ./recoverableTypes). Pure functions over policy resource shapes, so they
// can be tested without the engine.
import { PolicyProviderResource, PolicyResource } from "@pulumi/policy";

/** The tag every resource of our stacks carries: `primary` or `dr`. */
export const ROLE_TAG = "pilot-light:role";
/**
 * The tag a hardened dr puts on what hardening changed (database, Redis group, ALB; stacks/dr.ts,
 * `pilot-light:hardened` true): from then on prod's rules apply to them.
 */
export const HARDENED_TAG = "pilot-light:hardened";

/**
 * The tag on what a dr stack makes in standby so that promotion needs no global control plane
 * (components/app/standby.ts STANDBY_PART_TAG, `pilot-light:standby-part` = `static-stability`):
 * the standby ALB, which the SECONDARY record or dr's CloudFront distribution points at, and the
 * app tier's NAT gateway (pilot-light:standbyNatGateway).
 */
export const STANDBY_PART_TAG = "pilot-light:standby-part";
/** The data-class tag (components/dataClass.ts): `logs` marks a log bucket, kept in its own region. */
export const DATA_CLASS_TAG = "pilot-light:data-class";
/** The tag prod's buckets carry on the first deploy, before the dr stack exists. */
export const BOOTSTRAP_TAG = "pilot-light:bootstrap";

/** Type tokens the pack inspects, in one place so a typo cannot hide a resource. */
export const T = {
    instance: "aws:ec2/instance:Instance",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    launchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
    volume: "aws:ebs/volume:Volume",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    asg: "aws:autoscaling/group:Group",
    subnet: "aws:ec2/subnet:Subnet",
    db: "aws:rds/instance:Instance",
    parameterGroup: "aws:rds/parameterGroup:ParameterGroup",
    bucket: "aws:s3/bucket:Bucket",
    bucketV2: "aws:s3/bucketV2:BucketV2",
    replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    versioningV2: "aws:s3/bucketVersioningV2:BucketVersioningV2",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    sseV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    natGateway: "aws:ec2/natGateway:NatGateway",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    albLoadBalancer: "aws:alb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    albListener: "aws:alb/listener:Listener",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    certificate: "aws:acm/certificate:Certificate",
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    lambdaFunction: "aws:lambda/function:Function",
} as const;

/** Bucket types: v7's `Bucket` and the deprecated `BucketV2` alias. */
export const BUCKET_TYPES: readonly string[] = [T.bucket, T.bucketV2];

/**
 * The resource's tags as a plain map. ASGs spell tags as a list of `{ key, value }`; every
 * other AWS resource uses a map.
 */
export function tagsOf(props: Record<string, any> | undefined): Record<string, string> {
    const tags = props?.tags;
    if (Array.isArray(tags)) {
        return Object.fromEntries(tags.filter((t) => t && typeof t.key === "string").map((t) => [t.key, String(t.value)]));
    }
    return tags !== null && typeof tags === "object" ? tags : {};
}

/** The `pilot-light:role` tag, or undefined for untagged resources (treated as primary). */
export function roleOf(props: Record<string, any> | undefined): string | undefined {
    return tagsOf(props)[ROLE_TAG];
}

/** True unless the resource is tagged `dr`: untagged resources are held to primary rules (strict). */
export function isPrimaryRole(props: Record<string, any> | undefined): boolean {
    return roleOf(props) !== "dr";
}

/**
 * Held to prod's rules: anything not tagged `dr` (untagged is treated as primary: strict), and a
 * dr resource tagged HARDENED_TAG=true (a promoted dr that has been hardened serves as prod does).
 * A dr resource without it is exempt: in standby or a drill it is the pilot light, and promoted
 * but not hardened it is reported once by dr-promoted-hardening, which names the step to run.
 */
export function heldToProdRules(props: Record<string, any> | undefined): boolean {
    return isPrimaryRole(props) || tagsOf(props)[HARDENED_TAG] === "true";
}

/** A stack is dr when any of its resources is tagged `pilot-light:role = dr`. */
export function isDrStack(resources: PolicyResource[]): boolean {
    return resources.some((r) => roleOf(r.props) === "dr");
}

/** A dr stack is in standby while it holds an RDS read replica (not yet promoted). */
export function isStandby(resources: PolicyResource[]): boolean {
    return resources.some((r) => r.type === T.db && Boolean(r.props.replicateSourceDb));
}

/**
 * The region a resource lives in: its own `region` input (every @pulumi/aws v7 resource has
 * one), else its provider's region.
 */
export function regionOf(props: Record<string, any>, provider?: PolicyProviderResource): string | undefined {
    const own = props.region;
    if (typeof own === "string" && own) {
        return own;
    }
    const fromProvider = provider?.props?.region;
    return typeof fromProvider === "string" && fromProvider ? fromProvider : undefined;
}

/** The region segment of an ARN (`arn:partition:service:region:account:resource`), if any. */
export function arnRegion(arn: unknown): string | undefined {
    if (typeof arn !== "string" || !arn.startsWith("arn:")) {
        return undefined;
    }
    const region = arn.split(":")[3];
    return region ? region : undefined;
}

/** The `arn:aws:automate:<region>:ec2:recover` actions of an alarm. */
export function recoverActions(alarmProps: Record<string, any>): string[] {
    const actions: unknown[] = Array.isArray(alarmProps.alarmActions) ? alarmProps.alarmActions : [];
    return actions.filter((a): a is string => typeof a === "string" && /^arn:aws[a-z-]*:automate:[^:]*:ec2:recover$/.test(a));
}

/** True for a CloudWatch alarm that recovers an EC2 instance. */
export function isRecoverAlarm(r: { type: string; props: Record<string, any> }): boolean {
    return r.type === T.alarm && recoverActions(r.props).length > 0;
}

/** The instances an alarm watches, matched through its `dimensions` property dependencies. */
export function watchedInstances(alarm: PolicyResource): PolicyResource[] {
    return (alarm.propertyDependencies.dimensions ?? []).filter((d) => d.type === T.instance);
}

/** The resource's logical name in quotes, for messages. */
export function q(name: string): string {
    return `"${name}"`;
}
