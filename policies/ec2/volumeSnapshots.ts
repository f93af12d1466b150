// Every EBS data volume is snapshotted on a schedule: a Data Lifecycle Manager policy targets it
// by its tags. A data volume survives a host failure, but not its own loss or corruption, nor a
// mistaken delete; a scheduled snapshot bounds what is lost then. (Root volumes are not
// checked: they are rebuilt from the image.)
// https://docs.aws.amazon.com/ebs/latest/userguide/snapshot-lifecycle.html
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { q, tagsOf } from "../lib/resources";

const VOLUME = "aws:ebs/volume:Volume";
const DLM = "aws:dlm/lifecyclePolicy:LifecyclePolicy";

/** The target tags of a DLM policy that snapshots volumes on a schedule, or undefined if it does not. */
export function volumeTargetTags(policy: PolicyResource): Record<string, string> | undefined {
    const props = policy.props;
    if (props.state === "DISABLED") return undefined;
    const details = props.policyDetails ?? {};
    const types: unknown[] = Array.isArray(details.resourceTypes) ? details.resourceTypes : [];
    const schedules: unknown[] = Array.isArray(details.schedules) ? details.schedules : [];
    const tags = details.targetTags;
    if (!types.includes("VOLUME") || schedules.length === 0 || tags === null || typeof tags !== "object" || Object.keys(tags).length === 0) {
        return undefined;
    }
    return tags;
}

export const ebsVolumeSnapshotted: StackValidationPolicy = {
    name: "ebs-volume-snapshotted",
    description: "Every EBS volume carries the target tags of an enabled Data Lifecycle Manager snapshot policy, so its data "
        + "can be restored (Checkov CKV2_AWS_9 asks for an AWS Backup plan for the same reason; Trivy has no equivalent).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const targets = args.resources.filter((r) => r.type === DLM).map(volumeTargetTags).filter((t): t is Record<string, string> => t !== undefined);
        for (const volume of args.resources.filter((r) => r.type === VOLUME)) {
            const tags = tagsOf(volume.props);
            if (!targets.some((t) => Object.entries(t).every(([k, v]) => tags[k] === v))) {
                reportViolation(`volume ${q(volume.name)} is not targeted by any enabled DLM snapshot policy; tag it with a policy's `
                    + `targetTags or add a policy for it`, volume.urn);
            }
        }
    },
};
