// StandbyFailover (pattern 4, "standby-failover"): a primary instance and a standby in another
// AZ, both recoverable, both with recover alarms. When the primary stops, terminates or fails
// its status checks, EventBridge runs a Lambda that starts the standby and moves the Elastic IP
// to it. The lecture's first design (seed 001).
//
// Creates: an Elastic IP, a shared security group and instance role, two RecoverableInstance
// children (`-primary` associated with the EIP, `-standby` not), the standby's desired state
// (stopped by default), a `StatusCheckFailed` alarm on the primary, two EventBridge rules
// (primary state change to stopped/terminated; that alarm entering ALARM), and the failover
// Lambda (bundled handler next to this file, scoped role, log group) with its permissions.
//
// Trade-off: RTO ≈ 5–10 min (detection, standby start, EIP move). Survives an AZ failure. RPO:
// the standby has its OWN data volume: what was written on the primary is not on it, so this
// suits a stateless service or one whose state lives elsewhere (RDS, S3, EFS); restore the
// primary's snapshot onto the standby otherwise. Cost: two instances' volumes and one EIP, plus
// the standby's compute only if `standbyState` is `running`.
//
// After a failover, `pulumi up` would move the EIP back and stop the standby: fail back
// deliberately (or refresh and change `standbyState`) rather than by accident.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { environment, handlerPath, singletonRole, scopedFunction, serviceSecurityGroup, SINGLETON_TAG } from "../common";
import type { HaCommonArgs } from "../args";
import { commonProblems, recoverabilityProblems, subnetProblems } from "../recoverability";
import { assertValid } from "../../validate";
import { RecoverableInstance } from "../recoverableInstance";
import { servicePrincipal } from "../../partition";

export interface StandbyFailoverArgs extends HaCommonArgs {
    /** Public subnets keyed by AZ name, at least 2 AZs: the primary uses the first, the standby the second. */
    subnets: { az: string; subnetId: pulumi.Input<string> }[];
    /**
     * Periods of 60 s the primary's `StatusCheckFailed` must fail before failing over. Defaults
     * to `5`: longer than the recover alarm, so recovery in place gets its chance first.
     */
    failoverEvaluationPeriods?: number;
    /** `stopped` (pay only for its volumes) or `running` (faster failover). Defaults to `stopped`. */
    standbyState?: "stopped" | "running";
    /** Retention of the failover Lambda's logs in days. Defaults to `30`. */
    logRetentionDays?: number;
    /** systemd unit started at boot. Defaults to `jenkins`. */
    serviceUnit?: string;
}

export class StandbyFailover extends pulumi.ComponentResource {
    readonly primaryInstanceId: pulumi.Output<string>;
    readonly standbyInstanceId: pulumi.Output<string>;
    readonly failoverFunctionArn: pulumi.Output<string>;
    readonly elasticIpAllocationId: pulumi.Output<string>;
    readonly publicIp: pulumi.Output<string>;

    constructor(name: string, args: StandbyFailoverArgs, opts?: pulumi.ComponentResourceOptions) {
        const failoverPeriods = args.failoverEvaluationPeriods ?? 5;
        assertValid("StandbyFailover", name, [
            ...recoverabilityProblems(args.instanceType ?? "t3.small", args.tenancy ?? "default"),
            ...subnetProblems(args.subnets, 2),
            ...commonProblems(args),
            ...(Number.isInteger(failoverPeriods) && failoverPeriods >= 1 && failoverPeriods <= 60 ? []
                : [`failoverEvaluationPeriods ${failoverPeriods}: must be an integer from 1 to 60`]),
        ]);
        super("pilot-light:ha:StandbyFailover", name, {}, opts);
        const tags = { ...(args.tags ?? {}), [SINGLETON_TAG]: name };
        const env = environment(this);
        const [primarySubnet, standbySubnet] = args.subnets;

        const eip = new aws.ec2.Eip(`${name}-eip`, { domain: "vpc", tags: { ...tags, Name: name } }, { parent: this });
        const sg = serviceSecurityGroup(this, name, { vpcId: args.vpcId, servicePort: args.servicePort, allowedCidrs: args.allowedCidrs ?? [], tags });
        const { profile } = singletonRole(this, name, env, tags);
        const common = {
            vpcId: args.vpcId, imageId: args.imageId, instanceType: args.instanceType, tenancy: args.tenancy,
            dataVolumeGb: args.dataVolumeGb, recoverEvaluationPeriods: args.recoverEvaluationPeriods,
            notificationTopicArn: args.notificationTopicArn, securityGroupId: sg.id, instanceProfileName: profile.name,
            serviceUnit: args.serviceUnit, snapshotCopy: args.snapshotCopy, tags: args.tags,
        };
        const primary = new RecoverableInstance(`${name}-primary`, { ...common, subnet: primarySubnet, elasticIp: { eip, associate: true } }, { parent: this });
        const standby = new RecoverableInstance(`${name}-standby`, { ...common, subnet: standbySubnet, elasticIp: { eip, associate: false } }, { parent: this });
        // This stops the standby as soon as it exists, which can be before its data volume is
        // attached or its first-boot setup has run (or finished). That is safe because the setup
        // runs at every boot (components/ha/userData.ts): the failover start finishes it.
        new aws.ec2transitgateway.InstanceState(`${name}-standby-state`, {
            instanceId: standby.instanceId, state: args.standbyState ?? "stopped",
        }, { parent: this });

        const failed = new aws.cloudwatch.MetricAlarm(`${name}-primary-failed`, {
            alarmDescription: `Fail ${name} over to the standby: the primary fails its status checks`,
            namespace: "AWS/EC2",
            metricName: "StatusCheckFailed",
            dimensions: { InstanceId: primary.instanceId },
            statistic: "Maximum",
            period: 60,
            evaluationPeriods: failoverPeriods,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
            // A primary that stops reporting is as good as failed.
            treatMissingData: "breaching",
            alarmActions: args.notificationTopicArn !== undefined ? [args.notificationTopicArn] : [],
            tags,
        }, { parent: this });

        const { region, accountId, partition } = env;
        const ec2Arn = (resource: pulumi.Input<string>) => pulumi.interpolate`arn:${partition}:ec2:${region}:${accountId}:${resource}`;
        const { fn } = scopedFunction(this, `${name}-failover`, {
            entry: handlerPath("standby/failoverHandler.ts"),
            description: `Fail ${name} over: start the standby, move the EIP`,
            statements: [
                { Sid: "Describe", Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:DescribeAddresses"], Resource: "*" },
                { Sid: "StartStandby", Effect: "Allow", Action: "ec2:StartInstances", Resource: ec2Arn(pulumi.interpolate`instance/${standby.instanceId}`) },
                {
                    Sid: "MoveEipToStandby", Effect: "Allow", Action: "ec2:AssociateAddress",
                    Resource: [ec2Arn(pulumi.interpolate`elastic-ip/${eip.allocationId}`), ec2Arn(pulumi.interpolate`instance/${standby.instanceId}`)],
                },
            ],
            environment: { PRIMARY_INSTANCE_ID: primary.instanceId, STANDBY_INSTANCE_ID: standby.instanceId, ALLOCATION_ID: eip.allocationId },
            timeoutSeconds: 300,
            logRetentionDays: args.logRetentionDays ?? 30,
            tags,
        });

        const triggers: Record<string, pulumi.Input<string>> = {
            stopped: pulumi.jsonStringify({
                source: ["aws.ec2"],
                "detail-type": ["EC2 Instance State-change Notification"],
                detail: { "instance-id": [primary.instanceId], state: ["stopped", "terminated"] },
            }),
            alarm: pulumi.jsonStringify({
                source: ["aws.cloudwatch"],
                "detail-type": ["CloudWatch Alarm State Change"],
                resources: [failed.arn],
                detail: { state: { value: ["ALARM"] } },
            }),
        };
        for (const [key, eventPattern] of Object.entries(triggers)) {
            const rule = new aws.cloudwatch.EventRule(`${name}-on-${key}`, {
                description: `Fail ${name} over to the standby (${key})`, eventPattern, tags,
            }, { parent: this });
            new aws.lambda.Permission(`${name}-on-${key}`, {
                action: "lambda:InvokeFunction", function: fn.name, principal: servicePrincipal("events"), sourceArn: rule.arn,
            }, { parent: this });
            new aws.cloudwatch.EventTarget(`${name}-on-${key}`, { rule: rule.name, arn: fn.arn }, { parent: this });
        }

        this.primaryInstanceId = primary.instanceId;
        this.standbyInstanceId = standby.instanceId;
        this.failoverFunctionArn = fn.arn;
        this.elasticIpAllocationId = eip.allocationId;
        this.publicIp = eip.publicIp;
        this.registerOutputs({
            primaryInstanceId: this.primaryInstanceId,
            standbyInstanceId: this.standbyInstanceId,
            failoverFunctionArn: this.failoverFunctionArn,
            elasticIpAllocationId: this.elasticIpAllocationId,
            publicIp: this.publicIp,
        });
    }
}
