// Renders an offline plan for people: the resource tree (component → children, with type,
// name and the settings that matter for safety and cost), a count per type, and the outputs.
import { RecordedResource, redactedInputs } from "./engine";
import type { StackPlan } from "./planner";

/** The inputs worth showing per type; other types show none. Secrets are never shown. */
const KEY_SETTINGS: Record<string, string[]> = {
    "aws:ec2/vpc:Vpc": ["cidrBlock"],
    "aws:ec2/subnet:Subnet": ["availabilityZone", "cidrBlock"],
    "aws:ec2/route:Route": ["destinationCidrBlock"],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["fromPort", "cidrIpv4"],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["toPort", "cidrIpv4"],
    "aws:rds/instance:Instance": ["identifier", "instanceClass", "multiAz", "storageEncrypted", "replicateSourceDb", "backupRetentionPeriod", "deletionProtection"],
    "aws:kms/key:Key": ["enableKeyRotation"],
    "aws:secretsmanager/secret:Secret": ["replicas"],
    "aws:elasticache/replicationGroup:ReplicationGroup": ["nodeType", "numCacheClusters", "automaticFailoverEnabled", "transitEncryptionEnabled"],
    "aws:lb/loadBalancer:LoadBalancer": ["loadBalancerType", "internal", "enableDeletionProtection"],
    "aws:lb/listener:Listener": ["port", "protocol"],
    "aws:ec2/launchTemplate:LaunchTemplate": ["instanceType", "imageId"],
    "aws:autoscaling/group:Group": ["minSize", "desiredCapacity", "maxSize", "healthCheckType"],
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": ["rules"],
    "aws:ec2/amiCopy:AmiCopy": ["sourceAmiRegion", "encrypted"],
    "aws:cloudwatch/metricAlarm:MetricAlarm": ["metricName", "threshold"],
    "aws:ec2/instance:Instance": ["instanceType", "availabilityZone"],
};

function brief(v: any): string {
    if (v === undefined) return "-";
    const s = typeof v === "string" ? v : JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function keySettings(r: RecordedResource): string {
    const inputs = redactedInputs(r);
    return (KEY_SETTINGS[r.type] ?? [])
        .filter((k) => inputs[k] !== undefined)
        .map((k) => `${k}=${brief(inputs[k])}`)
        .join(" ");
}

/** The resource tree, one line per resource, children indented under their parent. */
export function renderTree(resources: RecordedResource[]): string {
    const children = new Map<string | undefined, RecordedResource[]>();
    for (const r of resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const known = new Set(resources.map((r) => r.urn));
    const roots = resources.filter((r) => !r.parent || !known.has(r.parent));
    const lines: string[] = [];
    const walk = (r: RecordedResource, prefix: string, last: boolean, top: boolean) => {
        const settings = keySettings(r);
        const marks = r.protect ? " [protected]" : "";
        lines.push(`${top ? "" : prefix + (last ? "└─ " : "├─ ")}${r.type} ${r.name}${marks}${settings ? "  " + settings : ""}`);
        const kids = children.get(r.urn) ?? [];
        kids.forEach((k, i) => walk(k, top ? "" : prefix + (last ? "   " : "│  "), i === kids.length - 1, false));
    };
    roots.forEach((r) => walk(r, "", true, true));
    return lines.join("\n");
}

/** Resource counts per type token, most first; components and the stack excluded. */
export function countByType(resources: RecordedResource[]): [string, number][] {
    const counts = new Map<string, number>();
    for (const r of resources.filter((x) => x.custom)) {
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function renderPlan(plan: StackPlan): string {
    const custom = plan.resources.filter((r) => r.custom).length;
    const out: string[] = [];
    out.push(`Offline plan of stack "${plan.stack}" (project ${plan.project}) in ${plan.region}`
        + `${plan.settings?.role === "dr" ? (plan.promote ? ", PROMOTED" : ", standby") : ""}: no AWS call was made.`);
    if (plan.peers.length > 0) {
        out.push(`Peer outputs came from offline plans of: ${plan.peers.map((p) => p.stack).join(", ")}.`);
    }
    out.push("", renderTree(plan.resources), "");
    out.push(`Resources by type (${custom} resources):`);
    for (const [type, n] of countByType(plan.resources)) {
        out.push(`  ${String(n).padStart(3)}  ${type}`);
    }
    out.push("", "Outputs:");
    for (const [k, v] of Object.entries(plan.outputs).sort(([a], [b]) => a.localeCompare(b))) {
        out.push(`  ${k.padEnd(24)} ${plan.secretOutputs.includes(k) ? "[secret]" : brief(v)}`);
    }
    return out.join("\n");
}

/** The plan as one JSON object (the `--json` contract). */
export function planJson(plan: StackPlan): Record<string, any> {
    const outputs: Record<string, any> = {};
    for (const [k, v] of Object.entries(plan.outputs)) {
        outputs[k] = plan.secretOutputs.includes(k) ? "[secret]" : v;
    }
    return {
        stack: plan.stack,
        promote: plan.promote,
        resources: plan.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent ?? null,
            inputs: redactedInputs(r),
        })),
        outputs,
    };
}
