// The stateful singleton's rows of the resilience report (ops/report/resilience.ts): per HA
// pattern (docs/ha-patterns.md) its instance and AZ failures, and its region failure, restored in
// dr from the newest cross-region copy of its data volume's snapshots
// (docs/runbooks/singleton-restore.md). Its RPO is the snapshot schedule's, held to
// pilot-light:singletonRpoTargetMinutes.
import type { StackPlan } from "../offline/planner";
import type { RecordedResource } from "../offline/engine";

type Rpo = { minutes: number; basis: string[] } | null;
export type AddRow = (disruption: string, component: string, rto: string[] | null, rpo: Rpo, notes: string[]) => void;

const DLM = "aws:dlm/lifecyclePolicy:LifecyclePolicy";
const RESTORE = ["operator-decision", "ebs-volume-restore", "ec2-boot", "eip-move"];

/** The singleton's snapshot policies in the plan (one per data volume; standby-failover has two). */
function policies(prod: StackPlan): RecordedResource[] {
    return prod.resources.filter((r) => r.custom && r.type === DLM && r.urn.includes("pilot-light:ha:"));
}

/** Hours between the first policy's snapshots, from its create rule (DLM's HOURS unit). */
function intervalHours(policy: RecordedResource | undefined): number | undefined {
    const rule = policy?.inputs.policyDetails?.schedules?.[0]?.createRule;
    const hours = Number(rule?.interval);
    return rule && (rule.intervalUnit ?? "HOURS") === "HOURS" && Number.isFinite(hours) ? hours : undefined;
}

/** The copy rule of a policy's first schedule into `region`, if it has one. */
function copyRule(policy: RecordedResource, region: string | undefined): any {
    const rules: any[] = policy.inputs.policyDetails?.schedules?.[0]?.crossRegionCopyRules ?? [];
    return rules.find((r) => (r.target ?? r.targetRegion) === region);
}

/** The singleton's rows for instance and AZ failures. */
export function singletonRows(prod: StackPlan, mode: string, add: AddRow, minutes: (id: string) => number): void {
    const c = `singleton (${mode})`;
    const policy = policies(prod)[0];
    const hours = intervalHours(policy);
    switch (mode) {
        case "recoverable-instance":
            add("instance failure", c, ["ec2-recover-alarm", "ec2-recover-action", "ec2-boot"], { minutes: 0, basis: [] },
                ["Same instance ID, IPs and EBS volumes on new hardware; covers host (system status check) failures."]);
            // Recovery stays in the instance's AZ; an AZ failure is a restore into another AZ from
            // the newest snapshot (docs/runbooks/singleton-restore.md), not a second, always-on
            // instance: the singleton is a CI server, and a 12 h RPO is its stated target.
            if (hours === undefined) {
                add("AZ failure", c, null, null, ["Not covered: no snapshot policy on its data volume, and its EBS volumes live in its AZ."]);
            } else {
                add("AZ failure", c, RESTORE, { minutes: hours * 60, basis: [] },
                    [`Restored into another AZ from the newest scheduled snapshot (every ${hours} h, ${policy!.name}) by the `
                        + "runbook docs/runbooks/singleton-restore.md; the writes since that snapshot are lost."]);
            }
            return;
        case "multi-az-asg":
            for (const d of ["instance failure", "AZ failure"]) {
                add(d, c, ["asg-ec2-health", "asg-launch", "ec2-boot", "eip-move"], null,
                    ["The replacement starts from the image: whatever was on the instance is lost (stateless services only)."]);
            }
            return;
        case "multi-az-asg-ebs":
            add("instance failure", c, ["asg-ec2-health", "asg-launch", "ebs-volume-restore", "ec2-boot", "eip-move"], { minutes: 0, basis: [] },
                ["The terminate hook snapshots the data volume; the launch hook restores it in the new AZ."]);
            add("AZ failure", c, ["asg-ec2-health", "asg-launch", "ebs-volume-restore", "ec2-boot", "eip-move"],
                { minutes: minutes("dlm-snapshot-interval"), basis: ["dlm-snapshot-interval"] },
                ["The volume's AZ is gone: the newest scheduled DLM snapshot is restored."]);
            return;
        case "standby-failover":
            for (const d of ["instance failure", "AZ failure"]) {
                add(d, c, ["standby-failover-alarm", "ec2-start", "eip-move"], null,
                    ["The standby in another AZ starts with its own volume: state must live outside the instance (RDS, S3, EFS)."]);
            }
            return;
        default:
            add("instance failure", c, null, null, [`Unknown singleton mode "${mode}": no estimate.`]);
    }
}

/**
 * The singleton's region-failure row: covered when its snapshot policy copies each snapshot to
 * dr's region (encrypted), so dr restores it from the newest copy; RPO = interval + the copy.
 */
export function singletonRegionRow(prod: StackPlan, drStandby: StackPlan, mode: string, add: AddRow, minutes: (id: string) => number): void {
    const c = `singleton (${mode})`;
    const drRegion = drStandby.region ?? prod.settings?.peerRegion;
    const policy = policies(prod).find((p) => copyRule(p, drRegion) !== undefined);
    const hours = intervalHours(policy);
    if (!policy || hours === undefined) {
        add("region failure", c, null, null, [mode === "multi-az-asg"
            ? "Not covered: multi-az-asg keeps no data volume, so there is nothing to copy; dr has no singleton."
            : `Not covered: no snapshot policy copies the singleton's data volume to dr's region (${drRegion ?? "unknown"}).`]);
        return;
    }
    const rule = copyRule(policy, drRegion);
    const copy = minutes("ebs-snapshot-copy");
    add("region failure", c, RESTORE, { minutes: hours * 60 + copy, basis: ["ebs-snapshot-copy"] }, [
        `${policy.name} copies each snapshot (every ${hours} h) to ${drRegion}, encrypted=${rule.encrypted === true} with dr's key, `
        + `kept ${rule.retainRule?.interval ?? "?"} ${String(rule.retainRule?.intervalUnit ?? "").toLowerCase()}; dr restores the newest copy `
        + "(docs/runbooks/singleton-restore.md). RPO: the interval plus the copy's time.",
    ]);
}
