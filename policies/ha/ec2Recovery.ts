// In-place HA for standalone EC2 instances: a CloudWatch alarm on StatusCheckFailed_System with
// the `ec2:recover` action moves the instance to healthy hardware, keeping its ID, IPs and EBS
// volumes. AWS only honours that action for some instance types, tenancies and storage layouts,
// listed in ../lib/recoverableTypes.ts (with its source and the date it was read), which
// components/ha validates against too:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html
// No Checkov/Trivy/AWS Config rule covers these; they mirror AWS's documented requirements.
import { ResourceValidationPolicy, StackValidationPolicy, PolicyResource } from "@pulumi/policy";
import { validateResourceOfToken } from "../lib/ofType";
import { isRecoverAlarm, q, recoverActions, regionOf, arnRegion, T, watchedInstances } from "../lib/resources";
import {
    familyMatches, INSTANCE_STORE_CLASSES, INSTANCE_STORE_RECOVERABLE_FAMILIES, isInstanceStoreType,
    parseInstanceType, RECOVERABLE_FAMILIES, RECOVERABLE_TYPES_SOURCE,
} from "../lib/recoverableTypes";

/** Each instance watched by a recover alarm, once, with the first alarm that watches it. */
function recoveredInstances(resources: PolicyResource[]): { instance: PolicyResource; alarm: PolicyResource }[] {
    const seen = new Map<string, { instance: PolicyResource; alarm: PolicyResource }>();
    for (const alarm of resources.filter(isRecoverAlarm)) {
        for (const instance of watchedInstances(alarm)) {
            if (!seen.has(instance.urn)) {
                seen.set(instance.urn, { instance, alarm });
            }
        }
    }
    return [...seen.values()];
}

export const ec2RecoverableInstanceType: StackValidationPolicy = {
    name: "ec2-recoverable-instance-type",
    description: "An EC2 instance with a CloudWatch recover alarm must be of a family that supports the recover action, "
        + `as AWS lists them (${RECOVERABLE_TYPES_SOURCE.url}, read ${RECOVERABLE_TYPES_SOURCE.read}; no Checkov/Trivy equivalent).`,
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            recoverableFamilies: {
                type: "array", items: { type: "string" }, default: [...RECOVERABLE_FAMILIES],
                description: "Instance families (lower case, `u-*` style prefixes allowed) that support the recover action. "
                    + "Defaults to AWS's list as of the date in policies/lib/recoverableTypes.ts.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const { recoverableFamilies } = args.getConfig<{ recoverableFamilies: string[] }>();
        for (const { instance, alarm } of recoveredInstances(args.resources)) {
            const instanceType = instance.props.instanceType;
            const parts = parseInstanceType(instanceType);
            if (!parts) {
                reportViolation(`instance ${q(instance.name)} is watched by recover alarm ${q(alarm.name)} but its instanceType `
                    + `${JSON.stringify(instanceType)} is not a known type`, instance.urn);
            } else if (!familyMatches(parts.family, recoverableFamilies)) {
                reportViolation(`instance ${q(instance.name)} is watched by recover alarm ${q(alarm.name)} but its family `
                    + `${parts.family} (${instanceType}) does not support the recover action`, instance.urn);
            }
        }
    },
};

export const ec2RecoverableTenancy: StackValidationPolicy = {
    name: "ec2-recoverable-tenancy",
    description: "An EC2 instance with a CloudWatch recover alarm must use default or dedicated tenancy, not host "
        + "(AWS EC2 User Guide, \"Recover your instance\").",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const { instance, alarm } of recoveredInstances(args.resources)) {
            const tenancy = instance.props.tenancy ?? "default";
            if (tenancy !== "default" && tenancy !== "dedicated") {
                reportViolation(`instance ${q(instance.name)} is watched by recover alarm ${q(alarm.name)} but has tenancy `
                    + `"${tenancy}"; the recover action needs "default" or "dedicated"`, instance.urn);
            }
        }
    },
};

export const ec2RecoverableEbsOnly: StackValidationPolicy = {
    name: "ec2-recoverable-ebs-only",
    description: "An EC2 instance with a CloudWatch recover alarm uses EBS storage only, unless its family is one the recover "
        + `action supports with instance store (${INSTANCE_STORE_RECOVERABLE_FAMILIES.join(", ")}): no instance-store volumes `
        + `and no instance-store family (${RECOVERABLE_TYPES_SOURCE.url}).`,
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            instanceStoreClasses: {
                type: "array", items: { type: "string" }, default: [...INSTANCE_STORE_CLASSES],
                description: "Instance classes (the letters before the generation) whose every type has instance store.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const { instanceStoreClasses } = args.getConfig<{ instanceStoreClasses: string[] }>();
        for (const { instance, alarm } of recoveredInstances(args.resources)) {
            const family = parseInstanceType(instance.props.instanceType)?.family ?? "";
            if (familyMatches(family, INSTANCE_STORE_RECOVERABLE_FAMILIES)) {
                continue;
            }
            const ephemeral: any[] = Array.isArray(instance.props.ephemeralBlockDevices) ? instance.props.ephemeralBlockDevices : [];
            if (ephemeral.some((d) => d?.noDevice !== true)) {
                reportViolation(`instance ${q(instance.name)} is watched by recover alarm ${q(alarm.name)} but declares `
                    + "instance-store volumes (ephemeralBlockDevices); the recover action needs EBS-only storage", instance.urn);
            }
            if (isInstanceStoreType(instance.props.instanceType, instanceStoreClasses)) {
                reportViolation(`instance ${q(instance.name)} is watched by recover alarm ${q(alarm.name)} but `
                    + `${instance.props.instanceType} is an instance-store type; the recover action needs EBS-only storage`, instance.urn);
            }
        }
    },
};

export const ec2InstanceHasRecoverAlarm: StackValidationPolicy = {
    name: "ec2-instance-has-recover-alarm",
    description: "Every standalone EC2 instance is watched by a CloudWatch alarm with the ec2:recover action, matched "
        + "through the alarm's dimensions (AWS EC2 User Guide, \"Recover your instance\").",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const watched = new Set(recoveredInstances(args.resources).map(({ instance }) => instance.urn));
        for (const instance of args.resources.filter((r) => r.type === T.instance)) {
            if (!watched.has(instance.urn)) {
                reportViolation(`instance ${q(instance.name)} has no CloudWatch alarm with an ec2:recover action watching it`,
                    instance.urn);
            }
        }
    },
};

/** What recover-alarm-well-formed reads of an aws.cloudwatch.MetricAlarm's inputs. */
interface MetricAlarmProps {
    alarmActions?: string[];
    namespace?: string;
    metricName?: string;
    period?: number;
    region?: string;
}

export const recoverAlarmWellFormed: ResourceValidationPolicy = {
    name: "recover-alarm-well-formed",
    description: "A recover alarm watches StatusCheckFailed_System in AWS/EC2 every 60 seconds and its action names "
        + "the alarm's own region (AWS CloudWatch User Guide, \"Adding recover actions to alarms\").",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            periodSeconds: { type: "number", default: 60, description: "The period the alarm must evaluate at." },
        },
    },
    validateResource: validateResourceOfToken<MetricAlarmProps>(T.alarm, (alarm, args, reportViolation) => {
        const actions = recoverActions(alarm);
        if (actions.length === 0) {
            return;
        }
        const { periodSeconds } = args.getConfig<{ periodSeconds: number }>();
        const name = q(args.name);
        if (alarm.namespace !== "AWS/EC2" || alarm.metricName !== "StatusCheckFailed_System") {
            reportViolation(`recover alarm ${name} watches ${alarm.namespace ?? "(no namespace)"} `
                + `${alarm.metricName ?? "(no metric)"}; the recover action needs AWS/EC2 StatusCheckFailed_System`);
        }
        if (alarm.period !== periodSeconds) {
            reportViolation(`recover alarm ${name} has period ${alarm.period ?? "(unset)"}; use ${periodSeconds} seconds`);
        }
        const region = regionOf(alarm as Record<string, any>, args.provider);
        for (const action of actions) {
            const actionRegion = arnRegion(action);
            if (region && actionRegion !== region) {
                reportViolation(`recover alarm ${name} in ${region} has the action ${action}; it must name ${region}`);
            }
        }
    }),
};

/** The EC2 recovery policies, in the order they are reported. */
export const ec2RecoveryPolicies = [
    ec2RecoverableInstanceType, ec2RecoverableTenancy, ec2RecoverableEbsOnly, ec2InstanceHasRecoverAlarm, recoverAlarmWellFormed,
];
