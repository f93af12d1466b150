// MultiAzSingletonAsg (patterns 2 and 3, "multi-az-asg" and "multi-az-asg-ebs"): an Auto Scaling
// group of exactly one instance over subnets in two or more AZs; the instance moves a fixed
// Elastic IP to itself at boot. Mirrors the "multiaz-elasticip" template of AWS in Action ch. 11
// and the lecture's second and third designs (seeds 000/001/004).
//
// Creates: an Elastic IP, a security group (service port only), an instance role (Session
// Manager, plus AssociateAddress on this one allocation) and profile, a launch template (IMDSv2,
// encrypted gp3, no key pair, detailed monitoring), the group (min = max = desired = 1). With
// `ebsState`: launch/terminate lifecycle hooks on the group and an EbsState child that answers
// them (snapshot on terminate, restore in the new AZ on launch, scheduled DLM snapshots).
//
// Trade-off: RTO ≈ 10 min (EC2 health check, replacement boot, EIP move). Survives an AZ
// failure: the group launches in another AZ and the public IP stays. RPO: without `ebsState`
// the instance is stateless (local data is lost with it); with it, 0 on a clean termination,
// else up to the snapshot interval (1 h by default). Cost: one instance + root volume + EIP;
// with `ebsState` also the data volume, snapshots and (≈ free) Lambda invocations.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { environment, singletonRole, serviceSecurityGroup, SINGLETON_TAG } from "./common";
import type { HaCommonArgs } from "./args";
import { EbsState } from "./ebsState/ebsState";
import { commonProblems, subnetProblems } from "./recoverability";
import { assertValid } from "../validate";
import { DATA_DEVICE } from "./recoverableInstance";
import { singletonUserData } from "./userData";

export interface MultiAzSingletonAsgArgs extends HaCommonArgs {
    /** Public subnets keyed by AZ name, at least 2 AZs: the group launches the replacement in a healthy one. */
    subnets: { az: string; subnetId: pulumi.Input<string> }[];
    /** Root volume size in GiB. Defaults to `20`. */
    rootVolumeGb?: number;
    /**
     * Seconds after launch before a failed EC2 health check replaces the instance. Defaults to
     * `600` (the source's value: Jenkins boots slowly).
     */
    healthCheckGracePeriod?: number;
    /**
     * Carry the data volume across AZs with lifecycle hooks and snapshots (pattern 3). `true`
     * uses the defaults (hourly snapshots, 24 kept). Defaults to `false` (stateless, pattern 2).
     */
    ebsState?: boolean | { snapshotIntervalHours?: number; snapshotRetainCount?: number; logRetentionDays?: number };
    /** systemd unit started at boot (after the data volume is mounted). Defaults to `jenkins`. */
    serviceUnit?: string;
    /** Mount point of the data volume with `ebsState`. Defaults to `/var/lib/jenkins`. */
    dataMountPath?: string;
}

/** Launch hook heartbeat: room for a snapshot restore (the handler gives up at 840 s). */
export const LAUNCH_HOOK_HEARTBEAT = 900;
/** Terminate hook heartbeat: CreateSnapshot returns in seconds; never hold a termination long. */
export const TERMINATE_HOOK_HEARTBEAT = 300;

export class MultiAzSingletonAsg extends pulumi.ComponentResource {
    readonly asgName: pulumi.Output<string>;
    readonly asgArn: pulumi.Output<string>;
    readonly launchTemplateId: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    readonly elasticIpAllocationId: pulumi.Output<string>;
    readonly publicIp: pulumi.Output<string>;

    constructor(name: string, args: MultiAzSingletonAsgArgs, opts?: pulumi.ComponentResourceOptions) {
        const tenancy = args.tenancy ?? "default";
        assertValid("MultiAzSingletonAsg", name, [
            ...subnetProblems(args.subnets, 2),
            ...commonProblems(args),
            ...(tenancy === "default" || tenancy === "dedicated" ? [] : [`tenancy "${tenancy}": must be "default" or "dedicated"`]),
        ]);
        super("pilot-light:ha:MultiAzSingletonAsg", name, {}, opts);
        const tags = { ...(args.tags ?? {}), [SINGLETON_TAG]: name };
        const env = environment(this);
        const ebs = args.ebsState === true ? {} : args.ebsState === false ? undefined : args.ebsState;
        // An explicit name: the hook Lambdas' IAM and EventBridge patterns must name the group
        // before it exists (the group must not start its first instance before they do).
        const asgName = `${name}-asg`;
        const launchHookName = `${name}-launch`;
        const terminateHookName = `${name}-terminate`;

        const eip = new aws.ec2.Eip(`${name}-eip`, { domain: "vpc", tags: { ...tags, Name: name } }, { parent: this });
        const sg = serviceSecurityGroup(this, name, { vpcId: args.vpcId, servicePort: args.servicePort, allowedCidrs: args.allowedCidrs ?? [], tags });
        const { role, ssm, profile } = singletonRole(this, name, env, tags);
        // AssociateAddress authorizes each resource it touches: the elastic-ip (this allocation
        // only) and the instance (only ones tagged as this singleton's, which the launch template
        // does at launch). https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
        const eipPolicy = new aws.iam.RolePolicy(`${name}-eip`, {
            role: role.name,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ThisElasticIp", Effect: "Allow", Action: "ec2:AssociateAddress",
                        Resource: pulumi.interpolate`arn:${env.partition}:ec2:${env.region}:${env.accountId}:elastic-ip/${eip.allocationId}`,
                    },
                    {
                        Sid: "ToThisSingletonsInstances", Effect: "Allow", Action: "ec2:AssociateAddress",
                        Resource: pulumi.interpolate`arn:${env.partition}:ec2:${env.region}:${env.accountId}:instance/*`,
                        Condition: { StringEquals: { [`ec2:ResourceTag/${SINGLETON_TAG}`]: name } },
                    },
                ],
            }),
        }, { parent: this });

        const userData = eip.allocationId.apply((allocationId) => singletonUserData({
            elasticIpAllocationId: allocationId,
            ...(ebs ? { dataVolume: { deviceName: DATA_DEVICE, mountPath: args.dataMountPath ?? "/var/lib/jenkins", waitSeconds: 900 } } : {}),
            serviceUnit: args.serviceUnit ?? "jenkins",
        }));
        const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-lt`, {
            description: `Singleton ${name}`,
            imageId: args.imageId,
            instanceType: args.instanceType ?? "t3.small",
            iamInstanceProfile: { arn: profile.arn },
            // A public address until the EIP replaces it: the instance must reach the EC2 API to
            // associate the EIP, and a public subnet has no NAT.
            networkInterfaces: [{ associatePublicIpAddress: "true", deviceIndex: 0, securityGroups: [sg.id], deleteOnTermination: "true" }],
            placement: { tenancy },
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
            monitoring: { enabled: true },
            blockDeviceMappings: [{
                deviceName: "/dev/xvda",
                ebs: { volumeType: "gp3", volumeSize: args.rootVolumeGb ?? 20, encrypted: "true", deleteOnTermination: "true" },
            }],
            userData: userData.apply((script) => Buffer.from(script, "utf8").toString("base64")),
            updateDefaultVersion: true,
            tagSpecifications: [
                { resourceType: "instance", tags: { ...tags, Name: name } },
                { resourceType: "volume", tags: { ...tags, Name: `${name}-root` } },
            ],
            tags,
        }, { parent: this });

        const ebsState = ebs === undefined ? undefined : new EbsState(`${name}-ebs`, {
            asgName, launchHookName, terminateHookName, singleton: name, env, tags,
            deviceName: DATA_DEVICE, dataVolumeGb: args.dataVolumeGb ?? 20,
            snapshotIntervalHours: ebs.snapshotIntervalHours, snapshotRetainCount: ebs.snapshotRetainCount,
            logRetentionDays: ebs.logRetentionDays, snapshotCopy: args.snapshotCopy,
        }, { parent: this });

        const group = new aws.autoscaling.Group(`${name}-asg`, {
            name: asgName,
            vpcZoneIdentifiers: args.subnets.map((s) => s.subnetId),
            // Exactly one, ever: the group replaces it, in another AZ if its own is gone.
            minSize: 1, maxSize: 1, desiredCapacity: 1,
            launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
            healthCheckType: "EC2",
            healthCheckGracePeriod: args.healthCheckGracePeriod ?? 600,
            // Declared on the group so they exist before its first instance launches.
            initialLifecycleHooks: ebs === undefined ? [] : [
                { name: launchHookName, lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING", heartbeatTimeout: LAUNCH_HOOK_HEARTBEAT, defaultResult: "ABANDON" },
                { name: terminateHookName, lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING", heartbeatTimeout: TERMINATE_HOOK_HEARTBEAT, defaultResult: "CONTINUE" },
            ],
            tags: Object.entries({ ...tags, Name: name }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
        }, {
            parent: this,
            // Two of a singleton must never run at once, and the name is fixed: delete first.
            deleteBeforeReplace: true,
            dependsOn: [eipPolicy, ssm, ...(ebsState ? [ebsState] : [])],
        });

        if (args.notificationTopicArn !== undefined) {
            new aws.autoscaling.Notification(`${name}-notify`, {
                groupNames: [group.name],
                notifications: [
                    "autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_TERMINATE",
                    "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
                ],
                topicArn: args.notificationTopicArn,
            }, { parent: this });
        }

        this.asgName = group.name;
        this.asgArn = group.arn;
        this.launchTemplateId = launchTemplate.id;
        this.securityGroupId = sg.id;
        this.elasticIpAllocationId = eip.allocationId;
        this.publicIp = eip.publicIp;
        this.registerOutputs({
            asgName: this.asgName,
            asgArn: this.asgArn,
            launchTemplateId: this.launchTemplateId,
            securityGroupId: this.securityGroupId,
            elasticIpAllocationId: this.elasticIpAllocationId,
            publicIp: this.publicIp,
        });
    }
}
