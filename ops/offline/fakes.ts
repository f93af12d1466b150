// Fake cloud answers for the offline engine: deterministic, well-formed IDs, ARNs and computed
// attributes for the resource types this project creates, and answers to the provider
// functions (invokes) the programs call. Nothing here talks to AWS.
//
// Determinism matters: the promotion diff compares two runs of the program, so the same
// resource must get the same fake ID and ARN in both.
import { createHash } from "crypto";
import { dnsSuffix } from "../../components/partition";
import { partitionOf } from "../../components/regions";

/** The fake AWS account every offline run pretends to be in. */
export const FAKE_ACCOUNT_ID = "123456789012";

/**
 * The stack the fakes answer for. Mixed into every digest, so prod and dr get different IDs and
 * bucket names (as in AWS), while two runs of one stack still agree.
 */
let scope = "";

/** A short, stable hex digest of the given parts, within the current stack. */
export function digest(...parts: string[]): string {
    return createHash("sha256").update([scope, ...parts].join("\u0000")).digest("hex");
}

/** The service and resource segment of an ARN for a Pulumi type token. */
interface ArnShape {
    service: string;
    /** Builds the resource part of the ARN from the physical name. */
    resource: (physicalName: string, id: string) => string;
    /** True for services whose ARNs have no region (IAM, S3, Route 53, CloudFront). */
    global?: boolean;
    /** True for ARNs with no account either (S3 buckets). */
    noAccount?: boolean;
}

const ARN_SHAPES: Record<string, ArnShape> = {
    "aws:ec2/vpc:Vpc": { service: "ec2", resource: (_n, id) => `vpc/${id}` },
    "aws:ec2/subnet:Subnet": { service: "ec2", resource: (_n, id) => `subnet/${id}` },
    "aws:ec2/securityGroup:SecurityGroup": { service: "ec2", resource: (_n, id) => `security-group/${id}` },
    "aws:ec2/internetGateway:InternetGateway": { service: "ec2", resource: (_n, id) => `internet-gateway/${id}` },
    "aws:ec2/routeTable:RouteTable": { service: "ec2", resource: (_n, id) => `route-table/${id}` },
    "aws:ec2/natGateway:NatGateway": { service: "ec2", resource: (_n, id) => `natgateway/${id}` },
    "aws:ec2/eip:Eip": { service: "ec2", resource: (_n, id) => `elastic-ip/${id}` },
    "aws:ec2/launchTemplate:LaunchTemplate": { service: "ec2", resource: (_n, id) => `launch-template/${id}` },
    "aws:ec2/instance:Instance": { service: "ec2", resource: (_n, id) => `instance/${id}` },
    "aws:ec2/amiCopy:AmiCopy": { service: "ec2", resource: (_n, id) => `image/${id}`, noAccount: true },
    "aws:ec2/volume:Volume": { service: "ec2", resource: (_n, id) => `volume/${id}` },
    "aws:kms/key:Key": { service: "kms", resource: (_n, id) => `key/${id}` },
    "aws:kms/alias:Alias": { service: "kms", resource: (n) => `alias/${n}` },
    "aws:secretsmanager/secret:Secret": { service: "secretsmanager", resource: (n, id) => `secret:${n}-${id.slice(-6)}` },
    "aws:rds/instance:Instance": { service: "rds", resource: (n) => `db:${n}` },
    "aws:rds/parameterGroup:ParameterGroup": { service: "rds", resource: (n) => `pg:${n}` },
    "aws:rds/subnetGroup:SubnetGroup": { service: "rds", resource: (n) => `subgrp:${n}` },
    "aws:elasticache/replicationGroup:ReplicationGroup": { service: "elasticache", resource: (n) => `replicationgroup:${n}` },
    "aws:elasticache/subnetGroup:SubnetGroup": { service: "elasticache", resource: (n) => `subnetgroup:${n}` },
    "aws:lb/loadBalancer:LoadBalancer": { service: "elasticloadbalancing", resource: (n, id) => `loadbalancer/app/${n}/${id.slice(0, 16)}` },
    "aws:lb/targetGroup:TargetGroup": { service: "elasticloadbalancing", resource: (n, id) => `targetgroup/${n}/${id.slice(0, 16)}` },
    "aws:lb/listener:Listener": { service: "elasticloadbalancing", resource: (n, id) => `listener/app/${n}/${id.slice(0, 16)}` },
    "aws:acm/certificate:Certificate": { service: "acm", resource: (_n, id) => `certificate/${id}` },
    "aws:autoscaling/group:Group": { service: "autoscaling", resource: (n, id) => `autoScalingGroup:${id}:autoScalingGroupName/${n}` },
    "aws:autoscaling/policy:Policy": { service: "autoscaling", resource: (n, id) => `scalingPolicy:${id}:resource/autoscaling/${n}` },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { service: "cloudwatch", resource: (n) => `alarm:${n}` },
    "aws:cloudwatch/eventRule:EventRule": { service: "events", resource: (n) => `rule/${n}` },
    "aws:sns/topic:Topic": { service: "sns", resource: (n) => n },
    "aws:lambda/function:Function": { service: "lambda", resource: (n) => `function:${n}` },
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": { service: "dlm", resource: (_n, id) => `policy/${id}` },
    "aws:iam/role:Role": { service: "iam", resource: (n) => `role/${n}`, global: true },
    "aws:iam/policy:Policy": { service: "iam", resource: (n) => `policy/${n}`, global: true },
    "aws:iam/instanceProfile:InstanceProfile": { service: "iam", resource: (n) => `instance-profile/${n}`, global: true },
    "aws:s3/bucket:Bucket": { service: "s3", resource: (n) => n, global: true, noAccount: true },
    "aws:s3/bucketV2:BucketV2": { service: "s3", resource: (n) => n, global: true, noAccount: true },
    "aws:route53/healthCheck:HealthCheck": { service: "route53", resource: (_n, id) => `healthcheck/${id}`, global: true, noAccount: true },
    "aws:cloudfront/distribution:Distribution": { service: "cloudfront", resource: (_n, id) => `distribution/${id}`, global: true },
    "aws:cloudfront/vpcOrigin:VpcOrigin": { service: "cloudfront", resource: (_n, id) => `vpcorigin/${id}`, global: true },
    "aws:cloudfront/function:Function": { service: "cloudfront", resource: (n) => `function/${n}`, global: true },
};

/**
 * Physical-name inputs by type: the input that names the resource in AWS, when set. Pulumi
 * auto-names them in the provider's Check, so they are known while planning a create.
 */
export const PHYSICAL_NAME_INPUTS: readonly string[] = ["identifier", "bucket", "name", "replicationGroupId", "functionName", "roleName"];

/**
 * Pulumi auto-names resources by appending a random suffix; offline we append a short stable
 * digest instead, so that two runs agree.
 */
export function physicalName(type: string, name: string, inputs: Record<string, any>): string {
    for (const key of PHYSICAL_NAME_INPUTS) {
        if (typeof inputs[key] === "string" && inputs[key]) {
            return inputs[key];
        }
    }
    if (typeof inputs.namePrefix === "string") {
        return `${inputs.namePrefix}${digest(type, name).slice(0, 7)}`;
    }
    const base = type.startsWith("aws:rds/") || type.startsWith("aws:s3/") ? name.toLowerCase() : name;
    return `${base}-${digest(type, name).slice(0, 7)}`;
}

const ID_PREFIXES: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
    "aws:ec2/instance:Instance": "i-",
    "aws:ec2/amiCopy:AmiCopy": "ami-",
    "aws:ec2/volume:Volume": "vol-",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule-",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
};

/** A fake but well-formed ID for the resource. */
export function fakeId(type: string, name: string, physical: string): string {
    const prefix = ID_PREFIXES[type];
    if (prefix) {
        return prefix + digest(type, name).slice(0, 17);
    }
    if (type === "aws:cloudfront/distribution:Distribution") {
        // Distribution IDs are 13-14 upper-case letters and digits, e.g. EDFDVBD6EXAMPLE.
        return `E${digest(type, name).slice(0, 13).toUpperCase()}`;
    }
    if (type === "aws:cloudfront/vpcOrigin:VpcOrigin") {
        // VPC origin IDs are `vo_` and 22 letters and digits, e.g. vo_BQwjxxxxxxxxxxxxxxxxxx.
        return `vo_${digest(type, name).slice(0, 22)}`;
    }
    if (type === "aws:kms/key:Key") {
        const h = digest(type, name);
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    }
    if (ARN_SHAPES[type]?.service === "elasticloadbalancing" || type === "aws:secretsmanager/secret:Secret") {
        return fakeArn(type, physical, digest(type, name), regionOf(undefined));
    }
    return physical;
}

let defaultRegion = "us-east-1";
function regionOf(inputs: Record<string, any> | undefined): string {
    return typeof inputs?.region === "string" && inputs.region ? inputs.region : defaultRegion;
}

/** Sets the stack and the region used for ARNs of resources that do not name their own. */
export function setFakeScope(stack: string, region: string): void {
    scope = stack;
    defaultRegion = region;
}

/** The DNS suffix of service endpoints in a region's partition (amazonaws.com.cn in China). */
function suffixOf(region: string): string {
    return dnsSuffix(partitionOf(region));
}

/** A fake ARN in the given region and its partition (`arn:aws-cn:` in China). */
export function fakeArn(type: string, physical: string, id: string, region: string): string {
    const shape = ARN_SHAPES[type];
    if (!shape) {
        return `arn:${partitionOf(region)}:pulumi-offline:${region}:${FAKE_ACCOUNT_ID}:${type.split(":")[1]}/${physical}`;
    }
    const reg = shape.global ? "" : region;
    const account = shape.noAccount ? "" : FAKE_ACCOUNT_ID;
    return `arn:${partitionOf(region)}:${shape.service}:${reg}:${account}:${shape.resource(physical, id)}`;
}

/**
 * The attributes the provider would compute for a resource, on top of its inputs. Only what
 * the programs read (endpoints, names, ARNs) is filled in.
 */
export function computedState(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any> } {
    const region = regionOf(inputs);
    const physical = physicalName(type, name, inputs);
    const id = fakeId(type, name, physical);
    const arn = fakeArn(type, physical, id, region);
    const h = digest(type, name);
    const state: Record<string, any> = { ...inputs, arn, region };
    switch (type) {
        case "aws:rds/instance:Instance":
            state.identifier = physical;
            state.address = rdsAddress(physical, region);
            state.port = inputs.port ?? 3306;
            state.endpoint = `${state.address}:${state.port}`;
            state.resourceId = `db-${h.slice(0, 26).toUpperCase()}`;
            break;
        case "aws:elasticache/replicationGroup:ReplicationGroup":
            state.replicationGroupId = physical;
            state.primaryEndpointAddress = `master.${physical}.${h.slice(0, 6)}.${shortRegion(region)}.cache.${suffixOf(region)}`;
            state.readerEndpointAddress = `replica.${physical}.${h.slice(0, 6)}.${shortRegion(region)}.cache.${suffixOf(region)}`;
            break;
        case "aws:lb/loadBalancer:LoadBalancer":
            state.name = physical;
            // An internal ALB's name starts with `internal-` (it resolves to private addresses only).
            // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-scheme
            state.dnsName = `${inputs.internal === true ? "internal-" : ""}${physical}-${parseInt(h.slice(0, 8), 16)}.${region}.elb.${suffixOf(region)}`;
            state.zoneId = ALB_ZONE_IDS[region] ?? "Z35SXDOTRQ7X7K";
            state.arnSuffix = `app/${physical}/${id.slice(-16)}`;
            break;
        case "aws:lb/targetGroup:TargetGroup":
            state.name = physical;
            state.arnSuffix = `targetgroup/${physical}/${h.slice(0, 16)}`;
            break;
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2":
            state.bucket = physical;
            state.bucketRegionalDomainName = `${physical}.s3.${region}.${suffixOf(region)}`;
            break;
        case "aws:ec2/eip:Eip":
            state.allocationId = id;
            state.publicIp = `198.51.100.${parseInt(h.slice(0, 2), 16) % 254 + 1}`;
            break;
        case "aws:ec2/launchTemplate:LaunchTemplate":
            state.latestVersion = 1;
            state.defaultVersion = 1;
            break;
        case "aws:ec2/instance:Instance":
            state.privateIp = `10.0.${parseInt(h.slice(0, 2), 16)}.${parseInt(h.slice(2, 4), 16) % 254 + 1}`;
            break;
        case "aws:acm/certificate:Certificate":
            state.domainValidationOptions = [{
                domainName: inputs.domainName,
                resourceRecordName: `_${h.slice(0, 32)}.${inputs.domainName}.`,
                resourceRecordType: "CNAME",
                resourceRecordValue: `_${h.slice(32, 64)}.acm-validations.aws.`,
            }];
            break;
        case "aws:iam/role:Role":
        case "aws:iam/instanceProfile:InstanceProfile":
        case "aws:autoscaling/group:Group":
        case "aws:lambda/function:Function":
        case "aws:sns/topic:Topic":
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            state.name = physical;
            break;
        case "aws:route53/healthCheck:HealthCheck":
            state.id = id;
            break;
        case "aws:cloudfront/distribution:Distribution":
            state.domainName = `d${h.slice(0, 13)}.cloudfront.net`;
            // CloudFront's one alias-target zone: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-route53-aliastarget.html
            state.hostedZoneId = "Z2FDTNDATAQYW2";
            state.status = "Deployed";
            break;
        case "random:index/randomPassword:RandomPassword":
            // Never a real password: the offline run must not mint anything that looks usable.
            state.result = `offline-${h.slice(0, Math.max(8, Math.min(Number(inputs.length ?? 32), 64) - 8))}`;
            break;
        default:
            if (physical && PHYSICAL_NAME_INPUTS.some((k) => k in inputs) === false && type.startsWith("aws:")) {
                state.name = state.name ?? physical;
            }
    }
    return { id, state };
}

function shortRegion(region: string): string {
    // ElastiCache endpoints abbreviate the region, e.g. use1 for us-east-1.
    const [geo, dir, n] = region.split("-");
    return `${geo}${dir?.[0] ?? ""}${n ?? ""}`;
}

/** The canonical hosted zone IDs of ALBs per region, as AWS documents them (used by alias records). */
export const ALB_ZONE_IDS: Record<string, string> = {
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5",
    "eu-west-1": "Z32O12XQLNTSW2",
    "eu-central-1": "Z215JYRZR1TBD5",
    "ap-northeast-1": "Z14GRHDCWA56QT",
    "ap-northeast-2": "ZWKZPGTI48KDX",
    "ap-southeast-1": "Z1LMS91P8CMLE5",
    "cn-north-1": "Z1GDH35T77C1KE",
    "cn-northwest-1": "ZM7IZAIOVVDZF",
};

/** Zone letters per region, for the fake getAvailabilityZones answer. */
const AZ_LETTERS: Record<string, string[]> = {
    "us-east-1": ["a", "b", "c", "d", "f"],
    "ap-northeast-2": ["a", "b", "c", "d"],
    "cn-north-1": ["a", "b", "d"],
};

/**
 * An RDS instance's endpoint address: `<identifier>.c<hash>.<region>.rds.<suffix>`, the hash from
 * the identifier alone, so the getInstance answer and the resource's state agree (in AWS the
 * middle part is per account and region).
 */
function rdsAddress(identifier: string, region: string): string {
    return `${identifier}.c${digest("aws:rds/instance:Instance", identifier).slice(0, 12)}.${region}.rds.${suffixOf(region)}`;
}

/** Answers to the provider functions the programs call; `ssmParameters` overrides parameter values by name. */
export function fakeInvoke(token: string, inputs: Record<string, any>, region: string, ssmParameters: Record<string, string> = {}): Record<string, any> {
    switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const letters = AZ_LETTERS[region] ?? ["a", "b", "c"];
            const names = letters.map((l) => `${region}${l}`);
            const zoneIds = names.map((_n, i) => `${shortRegion(region)}-az${i + 1}`);
            return { id: region, names, zoneIds, groupNames: [region], state: inputs.state };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: FAKE_ACCOUNT_ID, arn: `arn:${partitionOf(region)}:iam::${FAKE_ACCOUNT_ID}:user/offline`, userId: "AIDAOFFLINE", id: FAKE_ACCOUNT_ID };
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region, endpoint: `ec2.${region}.${suffixOf(region)}`, description: region };
        case "aws:index/getPartition:getPartition":
            // As the provider answers: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/partition
            return { partition: partitionOf(region), dnsSuffix: suffixOf(region), id: partitionOf(region),
                reverseDnsPrefix: partitionOf(region) === "aws-cn" ? "cn.com.amazonaws" : "com.amazonaws" };
        case "aws:ssm/getParameter:getParameter":
            return {
                name: inputs.name,
                type: "String",
                // An AMI ID that is stable per region and parameter, like the real public parameter.
                value: ssmParameters[String(inputs.name)] ?? `ami-${digest(region, String(inputs.name)).slice(0, 17)}`,
                arn: `arn:${partitionOf(region)}:ssm:${region}::parameter${inputs.name}`,
                version: 1,
                id: inputs.name,
                insecureValue: "",
                withDecryption: inputs.withDecryption ?? true,
            };
        case "aws:rds/getInstance:getInstance": {
            // The instance as DescribeDBInstances reports it: what the programs read of it.
            const id = String(inputs.dbInstanceIdentifier);
            const address = rdsAddress(id, region);
            return { id, dbInstanceIdentifier: id, address, port: 3306, endpoint: `${address}:3306`, dbInstancePort: 3306,
                dbInstanceArn: `arn:${partitionOf(region)}:rds:${region}:${FAKE_ACCOUNT_ID}:db:${id}` };
        }
        case "aws:iam/getPolicyDocument:getPolicyDocument":
            return { json: JSON.stringify(policyDocument(inputs)), id: "policy" };
        case "aws:route53/getZone:getZone":
            return { zoneId: inputs.zoneId ?? "Z0FAKEZONE", name: inputs.name ?? "example.com", id: inputs.zoneId ?? "Z0FAKEZONE" };
        case "aws:ec2/getManagedPrefixList:getManagedPrefixList":
            // AWS-managed lists have a per-region ID (pl-...) and the same name everywhere.
            return { id: `pl-${digest(region, String(inputs.name)).slice(0, 8)}`, name: inputs.name, addressFamily: "IPv4", maxEntries: 55,
                arn: `arn:${partitionOf(region)}:ec2:${region}:aws:prefix-list/pl-${digest(region, String(inputs.name)).slice(0, 8)}`,
                ownerId: "AWS", entries: [], filters: [], tags: {}, version: 1 };
        case "aws:elb/getHostedZoneId:getHostedZoneId":
            return { id: ALB_ZONE_IDS[inputs.region ?? region] ?? "Z35SXDOTRQ7X7K" };
        default:
            throw new Error(`offline engine: no fake answer for the provider function ${token}; add one to ops/offline/fakes.ts`);
    }
}

/** Renders getPolicyDocument's statements the way IAM JSON spells them. */
function policyDocument(inputs: Record<string, any>): Record<string, any> {
    const statements = (inputs.statements ?? []).map((s: any) => {
        const out: Record<string, any> = { Effect: s.effect ?? "Allow" };
        if (s.sid) out.Sid = s.sid;
        if (s.actions) out.Action = s.actions;
        if (s.resources) out.Resource = s.resources;
        if (s.principals) {
            out.Principal = Object.fromEntries(s.principals.map((p: any) => [p.type, p.identifiers]));
        }
        if (s.conditions) {
            out.Condition = {};
            for (const c of s.conditions) {
                out.Condition[c.test] = { ...(out.Condition[c.test] ?? {}), [c.variable]: c.values };
            }
        }
        return out;
    });
    return { Version: "2012-10-17", Statement: statements };
}
