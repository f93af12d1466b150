// Children every HA pattern needs, built the same way everywhere: the service security group,
// the instance role (Session Manager only), the recover alarm, and scoped Lambda functions whose
// TypeScript handlers are bundled with esbuild at program time.
import * as path from "path";
import * as esbuild from "esbuild";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { servicePrincipal } from "../partition";
import { instanceRole } from "../instanceRole";

/** Tag key marking the instances of one singleton (IAM conditions match on it). */
export const SINGLETON_TAG = "pilot-light:singleton";

/** Where the calling account, region and partition come from: the provider, never a literal. */
export interface Environment {
    region: pulumi.Output<string>;
    accountId: pulumi.Output<string>;
    partition: pulumi.Output<string>;
}

export function environment(parent: pulumi.Resource): Environment {
    return {
        region: aws.getRegionOutput({}, { parent }).region,
        accountId: aws.getCallerIdentityOutput({}, { parent }).accountId,
        partition: aws.getPartitionOutput({}, { parent }).partition,
    };
}

/**
 * A security group that admits only `servicePort` from `allowedCidrs` (none by default) and no
 * SSH or RDP. Egress is HTTPS (TCP 443) only: everything the instance calls is HTTPS — the EC2
 * API (Elastic IP, data volume), Session Manager (ssm, ssmmessages, ec2messages) and the AL2023
 * package repositories. The Amazon DNS server, the instance metadata service and the Amazon Time
 * Sync Service need no rule: security groups do not filter traffic to them.
 * https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-prerequisites.html
 */
export function serviceSecurityGroup(parent: pulumi.Resource, name: string, args: {
    vpcId: pulumi.Input<string>; servicePort?: number; allowedCidrs: string[]; tags: Record<string, string>;
}): aws.ec2.SecurityGroup {
    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
        vpcId: args.vpcId,
        description: `Service port of ${name}; no SSH (Session Manager instead)`,
        tags: { ...args.tags, Name: `${name}-sg` },
    }, { parent });
    if (args.servicePort !== undefined) {
        for (const cidr of args.allowedCidrs) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-in-${cidr.replace(/[./]/g, "-")}`, {
                securityGroupId: sg.id,
                ipProtocol: "tcp",
                fromPort: args.servicePort,
                toPort: args.servicePort,
                cidrIpv4: cidr,
                description: `Service port from ${cidr}`,
                tags: args.tags,
            }, { parent });
        }
    }
    // Same rule, narrowed in place (only securityGroupId and the kind of destination replace it).
    new aws.vpc.SecurityGroupEgressRule(`${name}-out`, {
        securityGroupId: sg.id,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        description: "HTTPS to the EC2/SSM APIs and package repositories",
        tags: args.tags,
    }, { parent });
    return sg;
}

/** A singleton's EC2 role (Session Manager only, components/instanceRole.ts) and its instance profile. */
export function singletonRole(parent: pulumi.Resource, name: string, env: Environment, tags: Record<string, string>) {
    return instanceRole(parent, name, { description: `Instances of ${name}`, partition: env.partition, tags });
}

/**
 * Default recover alarm evaluation periods: AWS recommends two one-minute periods for recover
 * alarms (and three for reboot alarms, so the two never race).
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/UsingAlarmActions.html#AddingRecoverActions
 */
export const DEFAULT_RECOVER_EVALUATION_PERIODS = 2;

/**
 * The CloudWatch alarm that moves an instance to healthy hardware when the system status check
 * fails: `StatusCheckFailed_System` ≥ 1 (Maximum over 60 s) for `evaluationPeriods` periods.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html
 */
export function recoverAlarm(parent: pulumi.Resource, name: string, args: {
    instanceId: pulumi.Input<string>; env: Environment; evaluationPeriods: number;
    notificationTopicArn?: pulumi.Input<string>; tags: Record<string, string>;
}): aws.cloudwatch.MetricAlarm {
    const actions: pulumi.Input<string>[] = [pulumi.interpolate`arn:${args.env.partition}:automate:${args.env.region}:ec2:recover`];
    if (args.notificationTopicArn !== undefined) {
        actions.push(args.notificationTopicArn);
    }
    return new aws.cloudwatch.MetricAlarm(`${name}-recover`, {
        alarmDescription: `Recover ${name} onto new hardware when the system status check fails`,
        namespace: "AWS/EC2",
        metricName: "StatusCheckFailed_System",
        dimensions: { InstanceId: args.instanceId },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: args.evaluationPeriods,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        // A stopped standby reports nothing: that is not a failure.
        treatMissingData: "missing",
        alarmActions: actions,
        okActions: args.notificationTopicArn !== undefined ? [args.notificationTopicArn] : [],
        tags: args.tags,
    }, { parent });
}

/**
 * The Lambda runtime of every HA function: the generally available Node.js runtime with the
 * longest support left (deprecation 2028-04-30, per the pack's dated table in
 * policies/lambda/runtimes.ts, which fails a blocked runtime and warns 180 days ahead).
 * `nodejs26.x` is public preview only, without an SLA, and not in @pulumi/aws 7.48's `Runtime`.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
 */
export const LAMBDA_RUNTIME = aws.lambda.Runtime.NodeJS24dX;

/** esbuild's target for the bundles: the Node.js major of LAMBDA_RUNTIME (`nodejs24.x` → `node24`). */
export const BUNDLE_TARGET = `node${/^nodejs(\d+)\.x$/.exec(LAMBDA_RUNTIME)![1]}`;

const bundles = new Map<string, string>();

/**
 * Bundles a TypeScript handler and its imports into one CommonJS file. The AWS SDK v3 stays
 * external: every Node.js runtime from nodejs18.x on ships it.
 *
 * The code is a StringAsset, so the stack's state holds it (the database functions bundle mysql2,
 * about 1.5 MB each). Not a FileAsset of a file written here: the state would then hold only the
 * file's path, and the AWS provider reads the previous code again from that path when it diffs
 * the function (pulumi-terraform-bridge v3.136.0 pkg/tfbridge/info/assets.go TranslateArchive,
 * from the state in pkg/tfbridge/provider.go Diff; read, not run; pulumi/pulumi#6235), so a
 * `pulumi up` on a machine that never built the previous bundle (a fresh CI runner, an operator's
 * laptop during a failback) would fail with "failed to open asset file".
 */
export function bundleHandler(entry: string): pulumi.asset.AssetArchive {
    let code = bundles.get(entry);
    if (code === undefined) {
        const result = esbuild.buildSync({
            entryPoints: [entry], bundle: true, platform: "node", target: BUNDLE_TARGET, format: "cjs",
            write: false, external: ["@aws-sdk/*"], logLevel: "silent",
        });
        code = result.outputFiles[0].text;
        bundles.set(entry, code);
    }
    return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(code) });
}

/** A handler file next to this module, by path relative to `components/ha`. */
export function handlerPath(relative: string): string {
    return path.join(__dirname, relative);
}

/** One IAM policy statement. */
export type Statement = pulumi.Input<Record<string, unknown>>;

/** Where a function in a VPC puts its network interfaces. */
export interface FunctionVpc {
    subnetIds: pulumi.Input<string>[];
    securityGroupIds: pulumi.Input<string>[];
    /** The function's account, region and partition, which scope its network-interface permissions. */
    env: Environment;
}

/**
 * What Lambda needs in a function's role to manage its network interfaces in a VPC: the
 * Describe actions on `*` (they support no resource), the others on this account and region's
 * EC2 resources. These are the actions of AWSLambdaVPCAccessExecutionRole.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
 */
export function vpcAccessStatements(env: Environment): Statement[] {
    return [
        { Sid: "DescribeNetwork", Effect: "Allow", Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"], Resource: "*" },
        {
            Sid: "ManageOwnInterfaces", Effect: "Allow",
            Action: ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
            Resource: pulumi.interpolate`arn:${env.partition}:ec2:${env.region}:${env.accountId}:*`,
        },
    ];
}

/**
 * A Lambda function with its own role (only `statements` plus writing to its own log group,
 * and with `vpc` managing its network interfaces), a log group with retention, and the bundled handler.
 */
export function scopedFunction(parent: pulumi.Resource, name: string, args: {
    entry: string; description: string; statements: Statement[]; environment: Record<string, pulumi.Input<string>>;
    timeoutSeconds: number; logRetentionDays: number; tags: Record<string, string>; vpc?: FunctionVpc;
}) {
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
        retentionInDays: args.logRetentionDays,
        tags: args.tags,
    }, { parent });
    const role = new aws.iam.Role(`${name}-role`, {
        description: args.description,
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: servicePrincipal("lambda") }, Action: "sts:AssumeRole" }],
        }),
        tags: args.tags,
    }, { parent });
    const policy = new aws.iam.RolePolicy(`${name}-policy`, {
        role: role.name,
        policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
                ...args.statements,
                ...(args.vpc ? vpcAccessStatements(args.vpc.env) : []),
                { Sid: "OwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroup.arn}:*` },
            ],
        }),
    }, { parent });
    const fn = new aws.lambda.Function(`${name}-fn`, {
        description: args.description,
        runtime: LAMBDA_RUNTIME,
        handler: "index.handler",
        role: role.arn,
        code: bundleHandler(args.entry),
        timeout: args.timeoutSeconds,
        memorySize: 256,
        environment: { variables: args.environment },
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        ...(args.vpc ? { vpcConfig: { subnetIds: args.vpc.subnetIds, securityGroupIds: args.vpc.securityGroupIds } } : {}),
        tags: args.tags,
    }, { parent, dependsOn: [policy] });
    return { fn, role, policy, logGroup };
}
