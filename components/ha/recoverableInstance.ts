// RecoverableInstance (pattern 1, "recoverable-instance"): one EC2 instance that CloudWatch moves
// to new hardware when its host fails. Mirrors the "recovery" template of AWS in Action ch. 11
// (seeds 000/004), without its SSH ingress, admin password in user data or IMDSv1.
//
// Creates: a security group (service port only), an instance role (Session Manager only) and
// profile, the instance (IMDSv2, encrypted gp3 root, detailed monitoring, no key pair), an
// encrypted gp3 data volume and its attachment with daily DLM snapshots (components/ha/snapshots.ts),
// an Elastic IP and association, and the recover alarm (`StatusCheckFailed_System` →
// `arn:aws:automate:<region>:ec2:recover`).
//
// Trade-off: RTO ≈ 10 min (2 min of failed checks, then recovery and boot); RPO = 0, the
// instance keeps its ID, private IP, Elastic IP and EBS volumes. Survives a host failure, NOT an
// AZ failure (the instance and its volume live in one AZ). Cost: one instance + volumes + EIP.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DEFAULT_RECOVER_EVALUATION_PERIODS, environment, singletonRole, recoverAlarm, serviceSecurityGroup, SINGLETON_TAG } from "./common";
import type { HaCommonArgs } from "./args";
import { commonProblems, recoverabilityProblems } from "./recoverability";
import { assertValid } from "../validate";
import { singletonUserData } from "./userData";
import { DAILY_SNAPSHOTS, SNAPSHOT_TAG, snapshotPolicy } from "./snapshots";

export interface RecoverableInstanceArgs extends HaCommonArgs {
    /** The public subnet to launch in, with its AZ name (the data volume must be created in that AZ). */
    subnet: { az: string; subnetId: pulumi.Input<string> };
    /** Root volume size in GiB; must hold the AMI's snapshot. Defaults to `20`. */
    rootVolumeGb?: number;
    /**
     * The Elastic IP to use instead of creating one, and whether to associate it with this
     * instance (a standby leaves it to the failover Lambda). Defaults to a new EIP, associated.
     */
    elasticIp?: { eip: aws.ec2.Eip; associate: boolean };
    /** A security group to use instead of creating one (a standby shares the primary's). */
    securityGroupId?: pulumi.Input<string>;
    /** An instance profile to use instead of creating one. */
    instanceProfileName?: pulumi.Input<string>;
    /** systemd unit started once the data volume is mounted. Defaults to `jenkins`. */
    serviceUnit?: string;
    /** Mount point of the data volume. Defaults to `/var/lib/jenkins`. */
    dataMountPath?: string;
}

/** Device name the data volume is attached as. */
export const DATA_DEVICE = "/dev/sdf";

export class RecoverableInstance extends pulumi.ComponentResource {
    readonly instanceId: pulumi.Output<string>;
    readonly instanceArn: pulumi.Output<string>;
    readonly dataVolumeId: pulumi.Output<string>;
    readonly recoverAlarmArn: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    readonly elasticIpAllocationId: pulumi.Output<string>;
    readonly publicIp: pulumi.Output<string>;

    constructor(name: string, args: RecoverableInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
        const instanceType = args.instanceType ?? "t3.small";
        const tenancy = args.tenancy ?? "default";
        assertValid("RecoverableInstance", name, [
            ...recoverabilityProblems(instanceType, tenancy),
            ...commonProblems(args),
        ]);
        super("pilot-light:ha:RecoverableInstance", name, {}, opts);
        const tags = { ...(args.tags ?? {}), [SINGLETON_TAG]: name };
        const env = environment(this);

        const securityGroupId = args.securityGroupId ?? serviceSecurityGroup(this, name, {
            vpcId: args.vpcId, servicePort: args.servicePort, allowedCidrs: args.allowedCidrs ?? [], tags,
        }).id;
        const profileName = args.instanceProfileName ?? singletonRole(this, name, env, tags).profile.name;

        // A changed `ami` replaces the instance (Terraform ForceNew), so a new Amazon Linux
        // release published to the SSM parameter would destroy and recreate this server on the
        // next `pulumi up`. The Stash, a builtin resource, keeps the value it was created with:
        // an update only records the new input, and only a replace of the stash takes it
        // (pulumi/pulumi pkg/resource/deploy/builtins.go; Pulumi CLI 3.208 or later).
        const ami = new pulumi.Stash(`${name}-ami`, { input: args.imageId }, { parent: this });
        pulumi.all([ami.input, ami.output, ami.urn]).apply(([latest, pinned, urn]) => {
            if (latest !== undefined && pinned !== undefined && latest !== pinned) {
                pulumi.log.info(`${name} keeps AMI ${pinned} although its image is now ${latest}. To move to it on purpose `
                    + `(a new instance; the data volume and Elastic IP stay): pulumi up --replace '${urn}'`, this);
            }
        });

        const instance = new aws.ec2.Instance(`${name}-instance`, {
            ami: ami.output,
            instanceType,
            tenancy,
            subnetId: args.subnet.subnetId,
            vpcSecurityGroupIds: [securityGroupId],
            iamInstanceProfile: profileName,
            // The Elastic IP is the public address; an extra auto-assigned one would only cost money.
            associatePublicIpAddress: false,
            // IMDSv2 only, hop limit 1: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            // One-minute metrics: the recover alarm evaluates 60-second periods.
            monitoring: true,
            maintenanceOptions: { autoRecovery: "default" },
            rootBlockDevice: { volumeType: "gp3", volumeSize: args.rootVolumeGb ?? 20, encrypted: true, deleteOnTermination: true },
            userData: singletonUserData({
                dataVolume: { deviceName: DATA_DEVICE, mountPath: args.dataMountPath ?? "/var/lib/jenkins", waitSeconds: 600 },
                serviceUnit: args.serviceUnit ?? "jenkins",
            }),
            tags: { ...tags, Name: name },
            volumeTags: { ...tags, Name: `${name}-root` },
        }, { parent: this });

        // A separate volume, not an inline block device: it outlives a replacement of the
        // instance (new AMI or type), so the state is never deleted with the server.
        const volume = new aws.ebs.Volume(`${name}-data`, {
            availabilityZone: args.subnet.az,
            type: "gp3",
            size: args.dataVolumeGb ?? 20,
            encrypted: true,
            tags: { ...tags, Name: `${name}-data`, [SNAPSHOT_TAG]: name },
        }, { parent: this });
        snapshotPolicy(this, name, { subject: `${name}'s data volume`, targetTags: { [SNAPSHOT_TAG]: name }, ...DAILY_SNAPSHOTS, partition: env.partition, copyTo: args.snapshotCopy, tags });
        new aws.ec2.VolumeAttachment(`${name}-data`, {
            deviceName: DATA_DEVICE,
            instanceId: instance.id,
            volumeId: volume.id,
            stopInstanceBeforeDetaching: true,
        }, { parent: this });

        const eip = args.elasticIp?.eip ?? new aws.ec2.Eip(`${name}-eip`, { domain: "vpc", tags: { ...tags, Name: name } }, { parent: this });
        if (args.elasticIp?.associate ?? true) {
            new aws.ec2.EipAssociation(`${name}-eip`, { allocationId: eip.allocationId, instanceId: instance.id }, { parent: this });
        }

        const alarm = recoverAlarm(this, name, {
            instanceId: instance.id, env, tags,
            evaluationPeriods: args.recoverEvaluationPeriods ?? DEFAULT_RECOVER_EVALUATION_PERIODS,
            notificationTopicArn: args.notificationTopicArn,
        });

        this.instanceId = instance.id;
        this.instanceArn = instance.arn;
        this.dataVolumeId = volume.id;
        this.recoverAlarmArn = alarm.arn;
        this.securityGroupId = pulumi.output(securityGroupId);
        this.elasticIpAllocationId = eip.allocationId;
        this.publicIp = eip.publicIp;
        this.registerOutputs({
            instanceId: this.instanceId,
            instanceArn: this.instanceArn,
            dataVolumeId: this.dataVolumeId,
            recoverAlarmArn: this.recoverAlarmArn,
            securityGroupId: this.securityGroupId,
            elasticIpAllocationId: this.elasticIpAllocationId,
            publicIp: this.publicIp,
        });
    }
}
