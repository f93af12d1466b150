// Well-known EC2 hardening rules for instances and launch templates: IMDSv2, encrypted EBS and
// detailed monitoring.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { validateResourceOfToken } from "../lib/ofType";
import { q, T } from "../lib/resources";

/** The metadata options of an instance or launch template. */
interface MetadataOptions {
    httpTokens?: string;
    httpEndpoint?: string;
}

/** What these policies read of an aws.ec2.Instance's inputs. */
interface InstanceProps {
    metadataOptions?: MetadataOptions;
    rootBlockDevice?: { encrypted?: boolean };
    ebsBlockDevices?: { deviceName?: string; encrypted?: boolean }[];
    monitoring?: boolean;
}

/** What these policies read of an aws.ec2.LaunchTemplate's inputs (`ebs.encrypted` is a string in the provider's schema). */
interface LaunchTemplateProps {
    metadataOptions?: MetadataOptions;
    blockDeviceMappings?: { deviceName?: string; ebs?: { encrypted?: string } }[];
    monitoring?: { enabled?: boolean };
}

/** What ebs-encrypted reads of an aws.ebs.Volume's inputs. */
interface VolumeProps {
    encrypted?: boolean;
}

/** True when the instance metadata options require IMDSv2 tokens or turn the endpoint off. */
export function requiresImdsV2(metadataOptions: MetadataOptions | undefined): boolean {
    return metadataOptions?.httpTokens === "required" || metadataOptions?.httpEndpoint === "disabled";
}

export const ec2ImdsV2Required: ResourceValidationPolicy = {
    name: "ec2-imdsv2-required",
    description: "Instances and launch templates require IMDSv2 (metadataOptions.httpTokens = \"required\"), which "
        + "blocks SSRF-style credential theft (Checkov CKV_AWS_79, Trivy AVD-AWS-0028 / AVD-AWS-0130, AWS Config ec2-imdsv2-check).",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfToken<InstanceProps>(T.instance, (instance, args, reportViolation) => {
            if (!requiresImdsV2(instance.metadataOptions)) {
                reportViolation(`instance ${q(args.name)} allows IMDSv1: metadataOptions.httpTokens is `
                    + `"${instance.metadataOptions?.httpTokens ?? "optional"}"; set it to "required"`);
            }
        }),
        validateResourceOfToken<LaunchTemplateProps>(T.launchTemplate, (lt, args, reportViolation) => {
            if (!requiresImdsV2(lt.metadataOptions)) {
                reportViolation(`launch template ${q(args.name)} allows IMDSv1: metadataOptions.httpTokens is `
                    + `"${lt.metadataOptions?.httpTokens ?? "optional"}"; set it to "required"`);
            }
        }),
    ],
};

export const ebsEncrypted: ResourceValidationPolicy = {
    name: "ebs-encrypted",
    description: "EBS volumes are encrypted: standalone volumes, instance root and EBS block devices, and launch "
        + "template block device mappings (Checkov CKV_AWS_3 / CKV_AWS_8, Trivy AVD-AWS-0026 / AVD-AWS-0131, "
        + "AWS Config encrypted-volumes, AWSGuard encrypted-volumes).",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfToken<VolumeProps>(T.volume, (volume, args, reportViolation) => {
            if (volume.encrypted !== true) {
                reportViolation(`volume ${q(args.name)} is not encrypted; set encrypted to true`);
            }
        }),
        validateResourceOfToken<InstanceProps>(T.instance, (instance, args, reportViolation) => {
            if (instance.rootBlockDevice?.encrypted !== true) {
                reportViolation(`instance ${q(args.name)} has an unencrypted root volume; set rootBlockDevice.encrypted to true`);
            }
            for (const device of instance.ebsBlockDevices ?? []) {
                if (device.encrypted !== true) {
                    reportViolation(`instance ${q(args.name)} has an unencrypted EBS volume at ${device.deviceName}; set encrypted to true`);
                }
            }
        }),
        validateResourceOfToken<LaunchTemplateProps>(T.launchTemplate, (lt, args, reportViolation) => {
            for (const mapping of lt.blockDeviceMappings ?? []) {
                // Mappings without `ebs` are instance-store or suppressed devices.
                if (mapping.ebs && String(mapping.ebs.encrypted) !== "true") {
                    reportViolation(`launch template ${q(args.name)} maps an unencrypted EBS volume at ${mapping.deviceName}; `
                        + "set ebs.encrypted to \"true\"");
                }
            }
        }),
    ],
};

export const ec2DetailedMonitoring: ResourceValidationPolicy = {
    name: "ec2-detailed-monitoring",
    description: "Instances and launch templates turn on detailed (one-minute) monitoring, so alarms react within a "
        + "minute (Checkov CKV_AWS_126, AWS Config ec2-instance-detailed-monitoring-enabled, AWSGuard ec2-instance-detailed-monitoring-enabled).",
    enforcementLevel: "advisory",
    validateResource: [
        validateResourceOfToken<InstanceProps>(T.instance, (instance, args, reportViolation) => {
            if (instance.monitoring !== true) {
                reportViolation(`instance ${q(args.name)} has basic monitoring only; set monitoring to true`);
            }
        }),
        validateResourceOfToken<LaunchTemplateProps>(T.launchTemplate, (lt, args, reportViolation) => {
            if (lt.monitoring?.enabled !== true) {
                reportViolation(`launch template ${q(args.name)} has basic monitoring only; set monitoring.enabled to true`);
            }
        }),
    ],
};

/** The instance hardening policies. */
export const ec2InstancePolicies = [ec2ImdsV2Required, ebsEncrypted, ec2DetailedMonitoring];
