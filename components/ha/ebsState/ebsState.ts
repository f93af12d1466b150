// EbsState: carries a singleton Auto Scaling group's data volume across AZs (pattern 3). The
// lifecycle hooks themselves are declared on the group (so they exist before its first
// instance); this component creates what answers them, and must be created before the group.
//
// Creates: for each hook, an EventBridge rule on the group's lifecycle action events, a Lambda
// function (bundled TypeScript handler next to this file, scoped role, log group with
// retention), its target and invoke permission; a Data Lifecycle Manager policy snapshotting the
// tagged data volume on a schedule, with its service role.
//
// Why DLM as well: the terminate hook only runs on a clean termination. If the instance or its
// AZ dies, the newest scheduled snapshot is what the replacement restores, so the schedule
// bounds the RPO. https://docs.aws.amazon.com/ebs/latest/userguide/snapshot-lifecycle.html
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Environment, handlerPath, scopedFunction, SINGLETON_TAG, Statement } from "../common";
import { DATA_TAG, LAUNCH_TOKEN_TAG, RETIRED_TAG, TERMINATE_TOKEN_TAG } from "./lifecycle";
import { servicePrincipal } from "../../partition";
import { snapshotPolicy, snapshotScheduleProblems, type SnapshotCopy } from "../snapshots";
import { assertValid } from "../../validate";

export interface EbsStateArgs {
    /** Name of the Auto Scaling group (set explicitly on the group, so IAM can name its ARN before it exists). */
    asgName: string;
    /** Names of the launch and terminate lifecycle hooks declared on the group. */
    launchHookName: string;
    terminateHookName: string;
    /** Value of the `pilot-light:singleton-data` tag on the data volumes and snapshots, and of `pilot-light:singleton` on the instances. */
    singleton: string;
    /** Device name the data volume is attached as. Defaults to `/dev/sdf`. */
    deviceName?: string;
    /** Size of a new, empty data volume in GiB. Defaults to `20`. */
    dataVolumeGb?: number;
    /** Hours between scheduled snapshots: 1, 2, 3, 4, 6, 8, 12 or 24 (DLM's allowed intervals). Defaults to `1`. */
    snapshotIntervalHours?: number;
    /** Scheduled snapshots kept, 1–1000. Defaults to `24` (a day of hourly snapshots). */
    snapshotRetainCount?: number;
    /** Retention of the handlers' logs in days. Defaults to `30`. */
    logRetentionDays?: number;
    /** Copy each scheduled snapshot to another region. Defaults to none. */
    snapshotCopy?: SnapshotCopy;
    /** Account, region and partition. */
    env: Environment;
    /** Tags for every taggable child. Defaults to none. */
    tags?: Record<string, string>;
}

/** Seconds the launch handler may run: below the launch hook's heartbeat timeout. */
export const LAUNCH_HANDLER_TIMEOUT = 840;
export const TERMINATE_HANDLER_TIMEOUT = 300;

export class EbsState extends pulumi.ComponentResource {
    readonly launchFunctionArn: pulumi.Output<string>;
    readonly terminateFunctionArn: pulumi.Output<string>;
    readonly snapshotPolicyArn: pulumi.Output<string>;

    constructor(name: string, args: EbsStateArgs, opts?: pulumi.ComponentResourceOptions) {
        const interval = args.snapshotIntervalHours ?? 1;
        const retain = args.snapshotRetainCount ?? 24;
        assertValid("EbsState", name, snapshotScheduleProblems(interval, retain));
        super("pilot-light:ha:EbsState", name, {}, opts);
        const tags = args.tags ?? {};
        const { region, accountId, partition } = args.env;
        const ec2Arn = (resource: string) => pulumi.interpolate`arn:${partition}:ec2:${region}:${accountId}:${resource}`;
        // Snapshot ARNs carry no account ID.
        const snapshotArn = pulumi.interpolate`arn:${partition}:ec2:${region}::snapshot/*`;
        const asgArn = pulumi.interpolate`arn:${partition}:autoscaling:${region}:${accountId}:autoScalingGroup:*:autoScalingGroupName/${args.asgName}`;
        const dataTagged = { StringEquals: { [`ec2:ResourceTag/${DATA_TAG}`]: args.singleton } };
        const environment = {
            SINGLETON_NAME: args.singleton,
            DATA_DEVICE: args.deviceName ?? "/dev/sdf",
            DATA_VOLUME_GB: String(args.dataVolumeGb ?? 20),
        };
        const describe: Statement = {
            // Describe* calls support no resource-level permissions; they are read-only.
            Sid: "Describe", Effect: "Allow",
            Action: ["ec2:DescribeInstances", "ec2:DescribeVolumes", "ec2:DescribeSnapshots"], Resource: "*",
        };
        const completeHook: Statement = {
            Sid: "CompleteThisGroupsHooks", Effect: "Allow", Action: "autoscaling:CompleteLifecycleAction", Resource: asgArn,
        };

        // IAM conditions per resource type: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
        const launchStatements: Statement[] = [
            describe, completeHook,
            {
                Sid: "CreateTaggedVolume", Effect: "Allow", Action: "ec2:CreateVolume", Resource: ec2Arn("volume/*"),
                Condition: { StringEquals: { [`aws:RequestTag/${DATA_TAG}`]: args.singleton } },
            },
            { Sid: "FromOwnSnapshots", Effect: "Allow", Action: "ec2:CreateVolume", Resource: snapshotArn, Condition: dataTagged },
            {
                Sid: "TagOnCreate", Effect: "Allow", Action: "ec2:CreateTags", Resource: ec2Arn("volume/*"),
                Condition: { StringEquals: { "ec2:CreateAction": "CreateVolume" } },
            },
            {
                Sid: "RetireStaleVolumes", Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: ec2Arn("volume/*"),
                Condition: { ...dataTagged, "ForAllValues:StringEquals": { "aws:TagKeys": [DATA_TAG, RETIRED_TAG, LAUNCH_TOKEN_TAG] } },
            },
            { Sid: "AttachDataVolume", Effect: "Allow", Action: "ec2:AttachVolume", Resource: ec2Arn("volume/*"), Condition: dataTagged },
            {
                Sid: "ToOwnInstances", Effect: "Allow", Action: "ec2:AttachVolume", Resource: ec2Arn("instance/*"),
                Condition: { StringEquals: { [`ec2:ResourceTag/${SINGLETON_TAG}`]: args.singleton } },
            },
        ];
        const terminateStatements: Statement[] = [
            describe, completeHook,
            { Sid: "SnapshotDataVolume", Effect: "Allow", Action: "ec2:CreateSnapshot", Resource: ec2Arn("volume/*"), Condition: dataTagged },
            {
                Sid: "CreateTaggedSnapshot", Effect: "Allow", Action: "ec2:CreateSnapshot", Resource: snapshotArn,
                Condition: { StringEquals: { [`aws:RequestTag/${DATA_TAG}`]: args.singleton } },
            },
            {
                Sid: "TagOnCreate", Effect: "Allow", Action: "ec2:CreateTags", Resource: snapshotArn,
                Condition: { StringEquals: { "ec2:CreateAction": "CreateSnapshot" } },
            },
        ];

        const hooks = [
            { key: "launch", hook: args.launchHookName, detailType: "EC2 Instance-launch Lifecycle Action", entry: "ebsState/launchHandler.ts",
                statements: launchStatements, timeout: LAUNCH_HANDLER_TIMEOUT },
            { key: "terminate", hook: args.terminateHookName, detailType: "EC2 Instance-terminate Lifecycle Action", entry: "ebsState/terminateHandler.ts",
                statements: terminateStatements, timeout: TERMINATE_HANDLER_TIMEOUT },
        ];
        const arns: Record<string, pulumi.Output<string>> = {};
        for (const h of hooks) {
            const { fn } = scopedFunction(this, `${name}-${h.key}`, {
                entry: handlerPath(h.entry), description: `${h.key} hook of ${args.asgName}: data volume of ${args.singleton}`,
                statements: h.statements, environment, timeoutSeconds: h.timeout,
                logRetentionDays: args.logRetentionDays ?? 30, tags,
            });
            const rule = new aws.cloudwatch.EventRule(`${name}-${h.key}`, {
                description: `${h.detailType} of ${args.asgName}`,
                eventPattern: JSON.stringify({
                    source: ["aws.autoscaling"],
                    "detail-type": [h.detailType],
                    detail: { AutoScalingGroupName: [args.asgName], LifecycleHookName: [h.hook] },
                }),
                tags,
            }, { parent: this });
            new aws.lambda.Permission(`${name}-${h.key}`, {
                action: "lambda:InvokeFunction", function: fn.name, principal: servicePrincipal("events"), sourceArn: rule.arn,
            }, { parent: this });
            new aws.cloudwatch.EventTarget(`${name}-${h.key}`, { rule: rule.name, arn: fn.arn }, { parent: this });
            arns[h.key] = fn.arn;
        }

        const dlm = snapshotPolicy(this, name, {
            subject: args.singleton, targetTags: { [DATA_TAG]: args.singleton },
            intervalHours: interval, retainCount: retain, partition, copyTo: args.snapshotCopy, tags,
        });

        this.launchFunctionArn = arns.launch;
        this.terminateFunctionArn = arns.terminate;
        this.snapshotPolicyArn = dlm.arn;
        this.registerOutputs({
            launchFunctionArn: this.launchFunctionArn,
            terminateFunctionArn: this.terminateFunctionArn,
            snapshotPolicyArn: this.snapshotPolicyArn,
        });
    }
}

/** Tag keys the handlers use, re-exported for the tests and the docs. */
export { DATA_TAG, LAUNCH_TOKEN_TAG, RETIRED_TAG, TERMINATE_TOKEN_TAG };
