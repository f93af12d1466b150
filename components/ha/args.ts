// The arguments every HA pattern shares (RecoverableInstance, MultiAzSingletonAsg,
// StandbyFailover and the SingletonService that picks one of them), declared once. Each
// pattern's Args extends this and adds only what is its own (its subnets, its extra knobs).
import type * as pulumi from "@pulumi/pulumi";
import type { SnapshotCopy } from "./snapshots";

export interface HaCommonArgs {
    /** The VPC of the service's security group. */
    vpcId: pulumi.Input<string>;
    /** The AMI; it must boot from EBS only, with the service installed as a systemd unit. */
    imageId: pulumi.Input<string>;
    /**
     * Instance type. Defaults to `t3.small`. The patterns that use the CloudWatch recover action
     * (`recoverable-instance`, `standby-failover`) need a recoverable type: a family in
     * policies/lib/recoverableTypes.ts (AWS's list, metal sizes included), EBS only unless AWS
     * supports the family with instance store. An Auto Scaling group replaces instead, so any
     * type works there. https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html
     */
    instanceType?: string;
    /**
     * `default` or `dedicated`. `host` is rejected by every pattern: the recover action does not
     * support Dedicated Hosts, and a group would need a host resource group. Defaults to `default`.
     */
    tenancy?: "default" | "dedicated" | "host";
    /** TCP port of the service, e.g. `8080` for Jenkins, 1–65535 and never 22 or 3389. Defaults to none (no ingress). */
    servicePort?: number;
    /** IPv4 CIDRs allowed to reach `servicePort`. Defaults to `[]` (nobody). */
    allowedCidrs?: string[];
    /** Data volume size in GiB, 1–16384 (gp3 limits). Defaults to `20`. */
    dataVolumeGb?: number;
    /**
     * Recover alarm evaluation periods of 60 s, 1–60. Defaults to `2`: AWS recommends two
     * one-minute periods for recover alarms (three for reboot alarms, so they never race).
     * Not used by the Auto Scaling patterns (their instance is replaced, not recovered).
     * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/UsingAlarmActions.html#AddingRecoverActions
     */
    recoverEvaluationPeriods?: number;
    /** SNS topic notified by the alarms, the failover and the group's events. Defaults to none. */
    notificationTopicArn?: pulumi.Input<string>;
    /**
     * Copy each scheduled snapshot of the data volume to another region (dr's), encrypted with a
     * key there, so the singleton can be restored in that region (docs/runbooks/singleton-restore.md).
     * Defaults to none. Ignored by `multi-az-asg`, which has no data volume.
     */
    snapshotCopy?: SnapshotCopy;
    /** Tags for every taggable child. Defaults to none. */
    tags?: Record<string, string>;
}
