// Builders for policy tests: compliant prod and dr resource sets as the offline engine would
// record them, so each test can break one property and assert the one violation it causes.
import { RecordedResource } from "../../ops/offline/engine";
import { evaluatePolicies, Violation } from "../../ops/policy/evaluate";
import { allPolicies } from "../../policies/all";

export const PROD_REGION = "us-east-1";
export const DR_REGION = "us-west-2";
export const ACCOUNT = "123456789012";

/**
 * A recorded custom resource with the given inputs. Its outputs are the same object, so a test
 * that changes an input changes what stack policies see too.
 */
export function res(type: string, name: string, inputs: Record<string, any> = {}, stack = "prod"): RecordedResource {
    return {
        urn: `urn:pulumi:${stack}::pilot-light::${type}::${name}`,
        type, name, custom: true, inputs, secretInputs: [], outputs: inputs,
        dependencies: [], propertyDependencies: {},
        protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [],
    };
}

/** Records that `from`'s input `key` came from `targets` (as the SDK reports property dependencies). */
export function link(from: RecordedResource, key: string, ...targets: RecordedResource[]): void {
    from.propertyDependencies[key] = [...(from.propertyDependencies[key] ?? []), ...targets.map((t) => t.urn)];
    from.dependencies = [...new Set([...from.dependencies, ...targets.map((t) => t.urn)])];
}

/** A set of recorded resources with lookup by logical name and type. */
export class Stack {
    constructor(readonly resources: RecordedResource[]) {}

    /** The one resource with this name (and type, when names repeat); throws otherwise. */
    get(name: string, type?: string): RecordedResource {
        const found = this.resources.filter((r) => r.name === name && (type === undefined || r.type === type));
        if (found.length !== 1) {
            throw new Error(`expected one resource named ${name}${type ? ` of type ${type}` : ""}, found ${found.length}`);
        }
        return found[0];
    }

    /** A deep copy, so each test breaks its own. */
    clone(): Stack {
        return new Stack(structuredClone(this.resources));
    }

    add(...rs: RecordedResource[]): this {
        this.resources.push(...rs);
        return this;
    }

    remove(name: string, type?: string): this {
        const r = this.get(name, type);
        this.resources.splice(this.resources.indexOf(r), 1);
        return this;
    }
}

const TAGS = { "pilot-light:role": "primary" };
const DR_TAGS = { "pilot-light:role": "dr" };

/** A prod stack that every policy passes (a deep copy: shared tag objects must not leak between tests): web tier, standalone instance, database, media bucket, cache, IAM. */
export function compliantProd(): Stack {
    const vpc = res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16", tags: TAGS });
    const flowLog = res("aws:ec2/flowLog:FlowLog", "vpc-flow-log", { vpcId: "vpc-1", trafficType: "ALL", logDestinationType: "s3", logDestination: "arn:aws:s3:::logs/vpc/", tags: TAGS });
    link(flowLog, "vpcId", vpc);
    const subnetA = res("aws:ec2/subnet:Subnet", "private-us-east-1a", { vpcId: "vpc-1", availabilityZone: "us-east-1a", tags: TAGS });
    const subnetB = res("aws:ec2/subnet:Subnet", "private-us-east-1b", { vpcId: "vpc-1", availabilityZone: "us-east-1b", tags: TAGS });
    const sg = res("aws:ec2/securityGroup:SecurityGroup", "web-sg", {
        ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, securityGroups: ["sg-alb"] }],
        egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }], tags: TAGS,
    });
    const lt = res("aws:ec2/launchTemplate:LaunchTemplate", "web", {
        imageId: "ami-1", instanceType: "t3.small", metadataOptions: { httpTokens: "required" }, monitoring: { enabled: true },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20 } }],
        userData: Buffer.from("#!/bin/bash\nDB_PASSWORD=\"$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\"\n").toString("base64"),
        tags: TAGS,
    });
    const tg = res("aws:lb/targetGroup:TargetGroup", "web", {
        port: 80, protocol: "HTTP", vpcId: "vpc-1",
        healthCheck: { enabled: true, path: "/health", matcher: "200", interval: 15 }, tags: TAGS,
    });
    const asg = res("aws:autoscaling/group:Group", "web", {
        minSize: 2, maxSize: 4, vpcZoneIdentifiers: ["subnet-a", "subnet-b"], targetGroupArns: ["arn:tg"],
        healthCheckType: "ELB", launchTemplate: { id: "lt-1", version: "$Latest" },
        tags: [{ key: "pilot-light:role", value: "primary", propagateAtLaunch: true }],
    });
    link(asg, "vpcZoneIdentifiers", subnetA, subnetB);
    const alb = res("aws:lb/loadBalancer:LoadBalancer", "web", {
        loadBalancerType: "application", enableDeletionProtection: true, accessLogs: { enabled: true, bucket: "web-logs", prefix: "alb" }, tags: TAGS,
    });
    const webAcl = res("aws:wafv2/webAcl:WebAcl", "waf-acl", {
        scope: "REGIONAL", defaultAction: { allow: {} }, rules: [], visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: "waf" }, tags: TAGS,
    });
    const wafAssociation = res("aws:wafv2/webAclAssociation:WebAclAssociation", "waf-web", { resourceArn: "arn:alb", webAclArn: "arn:acl" });
    link(wafAssociation, "resourceArn", alb);
    link(wafAssociation, "webAclArn", webAcl);
    const cert = res("aws:acm/certificate:Certificate", "web", { domainName: "www.example.com", validationMethod: "DNS", tags: TAGS });
    const https = res("aws:lb/listener:Listener", "web-https", {
        port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: "arn:cert", defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }],
    });
    const http = res("aws:lb/listener:Listener", "web-http", {
        port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    });
    const bastion = res("aws:ec2/instance:Instance", "bastion", {
        ami: "ami-1", instanceType: "t3.micro", tenancy: "default", monitoring: true,
        metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true },
        userData: "#!/bin/bash\nexport TOKEN=${SSM_TOKEN}\n", tags: TAGS,
    });
    const recover = res("aws:cloudwatch/metricAlarm:MetricAlarm", "bastion-recover", {
        namespace: "AWS/EC2", metricName: "StatusCheckFailed_System", period: 60, statistic: "Maximum",
        evaluationPeriods: 2, threshold: 0, comparisonOperator: "GreaterThanThreshold",
        dimensions: { InstanceId: "i-1" }, alarmActions: [`arn:aws:automate:${PROD_REGION}:ec2:recover`], tags: TAGS,
    });
    link(recover, "dimensions", bastion);
    const db = res("aws:rds/instance:Instance", "db", {
        engine: "mysql", engineVersion: "8.4", instanceClass: "db.t3.medium", storageEncrypted: true, multiAz: true, backupRetentionPeriod: 7,
        deletionProtection: true, publiclyAccessible: false, skipFinalSnapshot: false, finalSnapshotIdentifier: "db-final", tags: TAGS,
    });
    const cache = res("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {
        description: "sessions", atRestEncryptionEnabled: true, transitEncryptionEnabled: true,
        automaticFailoverEnabled: true, numCacheClusters: 2, tags: TAGS,
    });
    const role = res("aws:iam/role:Role", "web", {
        assumeRolePolicy: "{}",
        inlinePolicies: [{ name: "media", policy: JSON.stringify({ Version: "2012-10-17", Statement: [
            { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::media/*" },
            { Effect: "Allow", Action: "s3:Get*", Resource: "*" },
        ] }) }],
        tags: TAGS,
    });
    return new Stack([vpc, flowLog, subnetA, subnetB, sg, lt, tg, asg, alb, webAcl, wafAssociation, cert, https, http, bastion, recover, db, cache, role,
        ...bucketSet("media", TAGS, true)]).clone();
}

const LB = "aws:lb/loadBalancer:LoadBalancer";

/**
 * compliantProd's web tier the way a stack without a domain builds it (components/app/cdn.ts): the
 * ALB internal, its HTTP listener forwarding only CloudFront's origin header, a VPC origin for the
 * ALB and a distribution whose origin names it.
 */
export function behindCloudFront(): Stack {
    const s = compliantProd().remove("web-https").remove("web-http").remove("web", "aws:acm/certificate:Certificate");
    const alb = s.get("web", LB);
    alb.inputs.internal = true;
    const http = res("aws:lb/listener:Listener", "web-http", {
        port: 80, protocol: "HTTP", defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "403" } }],
    });
    link(http, "loadBalancerArn", alb);
    const rule = res("aws:lb/listenerRule:ListenerRule", "web-from-cdn", {
        priority: 1, actions: [{ type: "forward", targetGroupArn: "arn:tg" }],
        conditions: [{ httpHeader: { httpHeaderName: "X-Pilot-Light-Origin-Verify", values: ["secret"] } }],
    });
    link(rule, "listenerArn", http);
    const vpcOrigin = res("aws:cloudfront/vpcOrigin:VpcOrigin", "web-cdn-vpc-origin", {
        vpcOriginEndpointConfig: { name: "web-cdn-alb", arn: "arn:alb", httpPort: 80, httpsPort: 443, originProtocolPolicy: "http-only",
            originSslProtocols: { items: ["TLSv1.2"], quantity: 1 } }, tags: TAGS,
    });
    link(vpcOrigin, "vpcOriginEndpointConfig", alb);
    const cdn = res("aws:cloudfront/distribution:Distribution", "web-cdn", {
        enabled: true, origins: [{ originId: "alb", domainName: "internal-web-1.us-east-1.elb.amazonaws.com", vpcOriginConfig: { vpcOriginId: "vo_1" } }],
        defaultCacheBehavior: { targetOriginId: "alb", viewerProtocolPolicy: "redirect-to-https" },
        orderedCacheBehaviors: [{ pathPattern: "/wp-includes/*", targetOriginId: "alb", viewerProtocolPolicy: "redirect-to-https" }],
        viewerCertificate: { cloudfrontDefaultCertificate: true }, tags: TAGS,
    });
    link(cdn, "origins", alb, vpcOrigin);
    return s.add(http, rule, vpcOrigin, cdn);
}

/** A bucket with versioning, public access block, encryption and (for prod) RTC replication to the dr region. */
export function bucketSet(name: string, tags: Record<string, string>, replicated: boolean, stack = "prod"): RecordedResource[] {
    const bucket = res("aws:s3/bucket:Bucket", name, { tags }, stack);
    const versioning = res("aws:s3/bucketVersioning:BucketVersioning", name, { bucket: name, versioningConfiguration: { status: "Enabled" } }, stack);
    const pab = res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name, {
        bucket: name, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    }, stack);
    const sse = res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", name, {
        bucket: name, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
    }, stack);
    const out = [bucket, versioning, pab, sse];
    for (const r of [versioning, pab, sse]) {
        link(r, "bucket", bucket);
    }
    if (replicated) {
        const replication = res("aws:s3/bucketReplicationConfig:BucketReplicationConfig", name, {
            bucket: name, role: "arn:role",
            rules: [{ id: "all", status: "Enabled", destination: {
                bucket: `arn:aws:s3:::${name}-dr`,
                replicationTime: { status: "Enabled", time: { minutes: 15 } },
                metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
                encryptionConfiguration: { replicaKmsKeyId: `arn:aws:kms:${DR_REGION}:${ACCOUNT}:key/1111` },
            } }],
        }, stack);
        link(replication, "bucket", bucket);
        out.push(replication);
    }
    return out;
}

/** A dr stack in standby that every policy passes: an encrypted cross-region replica, prod's replicated backups and the replica bucket. */
export function compliantDrStandby(): Stack {
    const replica = res("aws:rds/instance:Instance", "db-replica", {
        instanceClass: "db.t3.medium", replicateSourceDb: `arn:aws:rds:${PROD_REGION}:${ACCOUNT}:db:prod-db`,
        storageEncrypted: true, kmsKeyId: `arn:aws:kms:${DR_REGION}:${ACCOUNT}:key/2222`,
        deletionProtection: true, publiclyAccessible: false, skipFinalSnapshot: true, tags: DR_TAGS,
    }, "dr");
    const backups = res("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "db-backups-replication", {
        sourceDbInstanceArn: `arn:aws:rds:${PROD_REGION}:${ACCOUNT}:db:prod-db`, kmsKeyId: `arn:aws:kms:${DR_REGION}:${ACCOUNT}:key/2222`,
        retentionPeriod: 7, region: DR_REGION,
    }, "dr");
    return new Stack([replica, backups, ...bucketSet("media-dr", DR_TAGS, false, "dr")]).clone();
}

/** One violation reduced to what tests assert: policy, resource name ("" for stack-wide: the root stack) and message. */
export interface Finding {
    policy: string;
    name: string;
    message: string;
    level?: string;
}

/**
 * Evaluates `stack` and returns its findings, or only those of the named policies. Only those
 * policies run then (each policy judges alone), unless a pack config is given: it may name any.
 */
export async function findings(stack: Stack, region: string, policy?: string | readonly string[], policyConfig?: Record<string, any>): Promise<Finding[]> {
    const names = policy === undefined ? undefined : typeof policy === "string" ? [policy] : policy;
    const unknown = (names ?? []).filter((n) => !allPolicies.some((p) => p.name === n));
    if (unknown.length > 0) throw new Error(`findings: no policy named ${unknown.join(", ")} in the pack`);
    const policies = names && !policyConfig ? allPolicies.filter((p) => names.includes(p.name)) : allPolicies;
    const violations: Violation[] = await evaluatePolicies(stack.resources, { stackRegion: region, policyConfig }, policies);
    return violations
        .filter((v) => names === undefined || names.includes(v.policy))
        .map((v) => ({ policy: v.policy, name: v.urn.split("::")[2] === "pulumi:pulumi:Stack" ? "" : v.urn.split("::").pop()!, message: v.message }));
}
