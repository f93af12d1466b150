// AppServers: the EC2 fleet that runs the web app. Mirrors the launch template / Auto Scaling
// group part of the original Terraform `app` folder.
//
// Creates: an IAM role for EC2 (Session Manager managed policy plus an inline policy scoped to
// the app's secrets, the database key and the media bucket) and its instance profile, unless
// given ones made ahead of time (./identity.ts), a launch
// template (IMDSv2 only, encrypted gp3 root volume, no SSH key), an Auto Scaling group over the
// private subnets registered with the ALB target group, and a CPU target-tracking policy.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { encodeUserData } from "./userData";
import { capacityProblems, nonEmptyProblems, requiredTextProblems } from "./validate";
import { assertValid } from "../validate";
import { createServerIdentity, ServerIdentity } from "./identity";

export interface AppServersArgs {
    /** The AMI to launch (in this region). */
    imageId: pulumi.Input<string>;
    /** EC2 instance type, e.g. `t3.medium`. */
    instanceType: string;
    /** Private subnets to launch in: all of them, so the fleet spans every AZ. Must not be empty. */
    subnetIds: pulumi.Input<string>[];
    /** The app servers' security group. */
    securityGroupId: pulumi.Input<string>;
    /** The ALB target group the instances register with; its health check drives replacement. */
    targetGroupArn: pulumi.Input<string>;
    /**
     * Fleet size bounds: 0 <= minSize <= desiredCapacity <= maxSize, maxSize >= 1.
     * https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-capacity-limits.html
     */
    minSize: number;
    /** The most instances the scaling policy may run; at least 1 and >= `desiredCapacity`. */
    maxSize: number;
    /** Instances to start with, between `minSize` and `maxSize`; the scaling policy moves it afterwards. */
    desiredCapacity: number;
    /** The user data script, plain text (this component gzips and base64-encodes it, at most 16 KB gzipped). Must hold no secret. */
    userData: pulumi.Input<string>;
    /** ARNs of the Secrets Manager secrets the instances may read (and nothing else). */
    secretArns: pulumi.Input<string>[];
    /** The customer-managed KMS key that encrypts one of those secrets, if any; Decrypt is allowed via Secrets Manager only. */
    kmsKeyArn?: pulumi.Input<string>;
    /** ARNs of the SSM parameters the instances may read (the cache endpoint's, ./cacheEndpoint.ts). Defaults to none. */
    parameterArns?: pulumi.Input<string>[];
    /** ARN of the media bucket: List on it, Get/Put/Delete/AbortMultipartUpload on its objects (Mountpoint's needs). */
    mediaBucketArn: pulumi.Input<string>;
    /**
     * A role and instance profile created elsewhere (a dr stack's AppStandby, ahead of any
     * disaster). Defaults to creating them here from `secretArns`, `kmsKeyArn` and
     * `mediaBucketArn`; when given, those three only have to describe what it grants.
     */
    identity?: ServerIdentity;
    /** Root volume size in GiB. Defaults to `20`. */
    rootVolumeSize?: number;
    /**
     * A launch template made elsewhere (a dr stack's AppStandby, so that promotion's critical path
     * is the group alone). Defaults to making one here from `imageId`, `instanceType`,
     * `securityGroupId`, `userData` and `rootVolumeSize`, which then only describe it.
     */
    launchTemplate?: AppLaunchTemplate;
    /**
     * Seconds after launch before the ALB health check counts. Defaults to `600`: the user data
     * installs the web stack and WordPress at boot (about 4 minutes, components/app/boot/boot.sh),
     * and a grace period shorter than a slow boot would replace instances in a loop.
     */
    healthCheckGracePeriod?: number;
    /** Average CPU percentage the scaling policy holds the fleet at. Defaults to `70`. */
    cpuTargetUtilization?: number;
    /**
     * Resources that must exist before any instance boots, e.g. the NAT routes the user data
     * needs to reach Secrets Manager and S3. Defaults to none.
     */
    bootDependencies?: pulumi.Resource[];
    /** Tags for every taggable child; propagated to the instances and their volumes. Defaults to none. */
    tags?: Record<string, string>;
}

export class AppServers extends pulumi.ComponentResource {
    /** The Auto Scaling group's name. */
    readonly asgName: pulumi.Output<string>;
    /** The Auto Scaling group's ARN. */
    readonly asgArn: pulumi.Output<string>;
    /** The launch template's ID. */
    readonly launchTemplateId: pulumi.Output<string>;
    /** The instances' role, e.g. for a bucket policy that names it. */
    readonly roleArn: pulumi.Output<string>;
    readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: AppServersArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before super(), so bad arguments register nothing at all.
        assertValid("AppServers", name, [
            ...requiredTextProblems("instanceType", args.instanceType),
            ...nonEmptyProblems("subnetIds", args.subnetIds),
            ...nonEmptyProblems("secretArns", args.secretArns),
            ...capacityProblems(args.minSize, args.desiredCapacity, args.maxSize),
        ]);
        super("pilot-light:app:AppServers", name, {}, opts);
        const tags = args.tags ?? {};
        const rootVolumeSize = args.rootVolumeSize ?? 20;
        const healthCheckGracePeriod = args.healthCheckGracePeriod ?? 600;
        const cpuTargetUtilization = args.cpuTargetUtilization ?? 70;
        // A dr stack passes the identity it created in standby (AppStandby): promotion then makes
        // no IAM call at all.
        const identity = args.identity ?? createServerIdentity(name, {
            secretArns: args.secretArns, kmsKeyArn: args.kmsKeyArn, mediaBucketArn: args.mediaBucketArn, parameterArns: args.parameterArns, tags,
        }, this);

        const launchTemplate = args.launchTemplate ?? appLaunchTemplate(name, {
            imageId: args.imageId, instanceType: args.instanceType, securityGroupId: args.securityGroupId,
            instanceProfileArn: identity.instanceProfileArn, userData: args.userData, rootVolumeSize, tags,
        }, this);

        // dependsOn: instances fetch their secrets at first boot, so the role's permissions must exist first.
        const group = new aws.autoscaling.Group(`${name}-asg`, {
            vpcZoneIdentifiers: args.subnetIds,
            minSize: args.minSize,
            maxSize: args.maxSize,
            desiredCapacity: args.desiredCapacity,
            launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
            targetGroupArns: [args.targetGroupArn],
            // The ALB's health check, not just EC2's: an instance whose app is down is replaced.
            healthCheckType: "ELB",
            healthCheckGracePeriod,
            // A new template version replaces the fleet in batches, keeping half of it serving.
            // https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-refresh.html
            instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 50 } },
            tags: Object.entries({ ...tags, Name: name }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
        }, {
            parent: this,
            dependsOn: [...identity.permissions, ...(args.bootDependencies ?? [])],
            // Target tracking owns the fleet size after creation; without this, every
            // `pulumi up` would reset a scaled-out group to the configured desired capacity.
            ignoreChanges: ["desiredCapacity"],
        });

        new aws.autoscaling.Policy(`${name}-cpu`, {
            autoscalingGroupName: group.name,
            policyType: "TargetTrackingScaling",
            estimatedInstanceWarmup: healthCheckGracePeriod,
            targetTrackingConfiguration: {
                predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
                targetValue: cpuTargetUtilization,
            },
        }, { parent: this });

        this.asgName = group.name;
        this.asgArn = group.arn;
        this.launchTemplateId = launchTemplate.id;
        this.roleArn = identity.roleArn;
        this.roleName = identity.roleName;
        this.registerOutputs({
            asgName: this.asgName,
            asgArn: this.asgArn,
            launchTemplateId: this.launchTemplateId,
            roleArn: this.roleArn,
            roleName: this.roleName,
        });
    }
}

/** What the Auto Scaling group reads of its launch template. */
export interface AppLaunchTemplate {
    id: pulumi.Output<string>;
    latestVersion: pulumi.Output<number>;
}

/** What appLaunchTemplate needs: the AppServersArgs fields of the same names, and the instance profile. */
export interface AppLaunchTemplateArgs {
    imageId: pulumi.Input<string>;
    instanceType: string;
    securityGroupId: pulumi.Input<string>;
    instanceProfileArn: pulumi.Input<string>;
    userData: pulumi.Input<string>;
    /** Root volume size in GiB. Defaults to `20`. */
    rootVolumeSize?: number;
    tags?: Record<string, string>;
}

/**
 * The app servers' launch template `<name>-lt` (IMDSv2 only, encrypted gp3 root volume, no SSH
 * key), under `parent`: AppServers makes it, or a dr stack's AppStandby ahead of promotion.
 */
export function appLaunchTemplate(name: string, args: AppLaunchTemplateArgs, parent: pulumi.Resource): aws.ec2.LaunchTemplate {
    const tags = args.tags ?? {};
    return new aws.ec2.LaunchTemplate(`${name}-lt`, {
        description: `App servers of ${name}`,
        imageId: args.imageId,
        instanceType: args.instanceType,
        iamInstanceProfile: { arn: args.instanceProfileArn },
        vpcSecurityGroupIds: [args.securityGroupId],
        // IMDSv2 only, and a hop limit of 1 so nothing forwarded off the host can reach the
        // instance credentials. https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
        metadataOptions: {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 1,
            instanceMetadataTags: "disabled",
        },
        monitoring: { enabled: true },
        blockDeviceMappings: [{
            deviceName: "/dev/xvda",
            ebs: { volumeType: "gp3", volumeSize: args.rootVolumeSize ?? 20, encrypted: "true", deleteOnTermination: "true" },
        }],
        userData: pulumi.output(args.userData).apply(encodeUserData),
        // Each change becomes the default version, and the group follows the latest.
        updateDefaultVersion: true,
        tagSpecifications: ["instance", "volume"].map((resourceType) => ({ resourceType, tags: { ...tags, Name: name } })),
        tags,
    }, { parent });
}
