// A Mermaid flowchart of the two stacks, generated from the recorded resource graph: one
// subgraph per stack and region, one per layer inside it (the layer is the middle token of the
// top-level component's type, `pilot-light:<layer>:<Component>`), a node per important resource,
// one node per repetitive type with its count, and dashed arrows for what crosses regions:
// the RDS replica and its source, S3 replication, the secret replica, the AMI copy, and the
// Route 53 failover records to the ALBs they answer with.
//
// Nothing is hard-coded about this project's stacks: another program's plan draws too, with
// fewer arrows. GitHub renders ```mermaid blocks in PR comments.
import type { RecordedResource } from "../offline/engine";
import type { StackPlan } from "../offline/planner";

/** What mermaidDiagram draws. */
export interface DiagramInput {
    /** The primary stack's plan. */
    prod: StackPlan;
    /** The dr stack's plan, usually in standby. */
    dr: StackPlan;
    /**
     * The dr stack promoted. When given, what promotion adds is drawn in dr's subgraph with a
     * dashed border, so one picture shows the pilot light and what failover builds.
     */
    drPromoted?: StackPlan;
}

/** A resource as drawn: its stack, its layer, and whether only the promotion creates it. */
interface Placed {
    r: RecordedResource;
    stack: string;
    layer: string;
    onPromotion: boolean;
}

interface Node {
    id: string;
    shape: "rect" | "cylinder" | "hexagon";
    label: string;
    onPromotion: boolean;
}

/** Types drawn one node per resource, with a readable kind and the detail worth a line. */
const INDIVIDUAL: Record<string, { kind: string; shape: Node["shape"]; detail?: (r: RecordedResource) => string | undefined }> = {
    "aws:ec2/vpc:Vpc": { kind: "VPC", shape: "rect", detail: (r) => r.inputs.cidrBlock },
    "aws:rds/instance:Instance": {
        kind: "RDS", shape: "cylinder",
        detail: (r) => [r.inputs.engine, r.inputs.replicateSourceDb ? "read replica" : undefined, r.inputs.multiAz ? "Multi-AZ" : undefined,
            r.inputs.storageEncrypted ? "encrypted" : undefined].filter(Boolean).join(", "),
    },
    "aws:s3/bucket:Bucket": { kind: "S3 bucket", shape: "cylinder" },
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": { kind: "S3 replication", shape: "rect" },
    "aws:lb/loadBalancer:LoadBalancer": { kind: "ALB", shape: "rect", detail: (r) => (r.inputs.internal ? "internal" : "internet-facing") },
    "aws:autoscaling/group:Group": { kind: "Auto Scaling group", shape: "rect", detail: (r) => `min ${r.inputs.minSize} / max ${r.inputs.maxSize}` },
    "aws:elasticache/replicationGroup:ReplicationGroup": { kind: "Redis", shape: "cylinder", detail: (r) => `${r.inputs.numCacheClusters ?? 1} node(s)` },
    "aws:ec2/natGateway:NatGateway": { kind: "NAT gateway", shape: "rect" },
    "aws:kms/key:Key": { kind: "KMS key", shape: "hexagon" },
    "aws:secretsmanager/secret:Secret": {
        kind: "Secret", shape: "hexagon",
        detail: (r) => ((r.inputs.replicas ?? []).length ? `replicated to ${(r.inputs.replicas as any[]).map((x) => x.region).join(", ")}` : undefined),
    },
    "aws:route53/healthCheck:HealthCheck": { kind: "Route 53 health check", shape: "rect", detail: (r) => r.inputs.type },
    "aws:ec2/instance:Instance": { kind: "EC2 instance", shape: "rect", detail: (r) => r.inputs.instanceType },
    "aws:ebs/volume:Volume": { kind: "EBS volume", shape: "cylinder", detail: (r) => r.inputs.availabilityZone },
    "aws:ec2/amiCopy:AmiCopy": { kind: "AMI copy", shape: "rect", detail: (r) => `from ${r.inputs.sourceAmiRegion}` },
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": { kind: "DLM snapshots", shape: "rect" },
};

/** Types drawn as one node per stack and layer, with a count. The rest share an "other" node. */
const AGGREGATED = new Set([
    "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route", "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/eip:Eip", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:lambda/function:Function", "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:lb/listener:Listener", "aws:route53/record:Record",
]);

const LAYER_LABELS: Record<string, string> = {
    basic: "network (basic)", database: "database", app: "app", media: "media", dns: "dns", ha: "ha / singleton", image: "image", stack: "stack",
};

/** The short name of a type token: `aws:rds/instance:Instance` → `rds Instance`. */
export function shortType(type: string): string {
    const [, mod = "", name = type] = type.split(":");
    return `${mod.split("/")[0]} ${name}`.trim();
}

/** A valid Mermaid id: letters, digits and `_`, starting with a letter, never a keyword. */
export function mermaidId(raw: string): string {
    return `n_${raw.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** A label safe inside double quotes (Mermaid's entity for `"`), line breaks as `<br/>`. */
export function mermaidLabel(lines: (string | undefined)[]): string {
    return lines.filter((l): l is string => l !== undefined && l !== "")
        .map((l) => l.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;"))
        .join("<br/>");
}

/** The layer of a resource: the middle token of its top-level component's type, `stack` when it has none. */
export function layerOf(r: RecordedResource, byUrn: Map<string, RecordedResource>): string {
    let top: RecordedResource | undefined;
    for (let cur: RecordedResource | undefined = r; cur; cur = cur.parent ? byUrn.get(cur.parent) : undefined) {
        if (cur.type === "pulumi:pulumi:Stack") break;
        top = cur;
    }
    if (!top || top.custom) return "stack";
    const parts = top.type.split(":");
    return parts.length === 3 && parts[0] !== "pulumi" ? parts[1] : "stack";
}

function place(plan: StackPlan, onPromotion: Set<string>, extra: RecordedResource[] = []): Placed[] {
    const all = [...plan.resources, ...extra];
    const byUrn = new Map(all.map((r) => [r.urn, r]));
    return all.filter((r) => r.custom && !r.type.startsWith("pulumi:"))
        .map((r) => ({ r, stack: plan.stack, layer: layerOf(r, byUrn), onPromotion: onPromotion.has(r.urn) }));
}

class Graph {
    readonly nodes = new Map<string, Node>();
    /** Node ids per stack, then per layer, in first-seen order. */
    readonly layout = new Map<string, Map<string, string[]>>();
    readonly edges: string[] = [];
    /** The node each drawn resource became, by stack and URN. */
    readonly nodeOf = new Map<string, string>();
    private readonly used = new Set<string>();

    uniqueId(raw: string): string {
        let id = mermaidId(raw);
        for (let i = 2; this.used.has(id); i++) id = `${mermaidId(raw)}_${i}`;
        this.used.add(id);
        return id;
    }

    add(stack: string, layer: string, node: Node): void {
        this.nodes.set(node.id, node);
        const layers = this.layout.get(stack) ?? new Map<string, string[]>();
        this.layout.set(stack, layers);
        const ids = layers.get(layer) ?? [];
        layers.set(layer, ids);
        ids.push(node.id);
    }

    link(from: string | undefined, to: string | undefined, label: string, dashed = true): void {
        if (!from || !to || from === to) return;
        this.edges.push(`    ${from} ${dashed ? "-.->" : "-->"}|"${label.replace(/"/g, "#quot;")}"| ${to}`);
    }
}

function drawStack(g: Graph, placed: Placed[]): void {
    const groups = new Map<string, Placed[]>();
    for (const p of placed) {
        const spec = INDIVIDUAL[p.r.type];
        const failover = p.r.type === "aws:route53/record:Record" && (p.r.inputs.failoverRoutingPolicies ?? []).length > 0;
        if (spec || failover) {
            const id = g.uniqueId(`${p.stack}_${p.r.name}_${shortType(p.r.type)}`);
            const label = failover
                ? mermaidLabel([`Route 53 ${p.r.inputs.failoverRoutingPolicies[0].type} record`, p.r.inputs.name, p.onPromotion ? "(on promotion)" : undefined])
                : mermaidLabel([spec.kind, p.r.name, spec.detail?.(p.r), p.onPromotion ? "(on promotion)" : undefined]);
            g.add(p.stack, p.layer, { id, shape: failover ? "rect" : spec.shape, label, onPromotion: p.onPromotion });
            g.nodeOf.set(`${p.stack} ${p.r.urn}`, id);
            continue;
        }
        const key = AGGREGATED.has(p.r.type) ? `${p.layer}|${p.r.type}` : `${p.layer}|other`;
        const list = groups.get(key) ?? [];
        groups.set(key, list);
        list.push(p);
    }
    for (const [key, members] of groups) {
        const [layer, type] = key.split("|");
        const stack = members[0].stack;
        const promoted = members.filter((m) => m.onPromotion).length;
        const partly = promoted > 0 && promoted < members.length ? ` (${promoted} on promotion)` : "";
        let label: string;
        if (type === "other") {
            const counts = new Map<string, number>();
            for (const m of members) counts.set(shortType(m.r.type), (counts.get(shortType(m.r.type)) ?? 0) + 1);
            const listed = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
            const shown = listed.slice(0, 4).map(([t, n]) => `${t} × ${n}`).join(", ");
            label = mermaidLabel([`${members.length} more${partly}`, listed.length > 4 ? `${shown}, …` : shown]);
        } else {
            label = mermaidLabel([`${shortType(type)} × ${members.length}${partly}`]);
        }
        const id = g.uniqueId(`${stack}_${layer}_${type === "other" ? "other" : shortType(type)}`);
        g.add(stack, layer, { id, shape: "rect", label, onPromotion: promoted === members.length });
        for (const m of members) g.nodeOf.set(`${stack} ${m.r.urn}`, id);
    }
}

/** The value's last `:`-separated segment (an RDS ARN's identifier, an S3 ARN's bucket name). */
function arnTail(arn: unknown): string | undefined {
    return typeof arn === "string" ? arn.split(":").pop() : undefined;
}

function drawLinks(g: Graph, stacks: { plan: StackPlan; placed: Placed[] }[]): void {
    const everywhere = stacks.flatMap((s) => s.placed);
    const nodeFor = (p: Placed) => g.nodeOf.get(`${p.stack} ${p.r.urn}`);
    const ofType = (type: string) => everywhere.filter((p) => p.r.type === type);
    const rds = ofType("aws:rds/instance:Instance");
    for (const replica of rds.filter((p) => p.r.inputs.replicateSourceDb)) {
        const src = String(replica.r.inputs.replicateSourceDb);
        const source = rds.find((p) => p !== replica && (p.r.outputs.arn === src || p.r.inputs.identifier === arnTail(src)));
        if (source) g.link(nodeFor(replica), nodeFor(source), "read replica of");
    }
    const buckets = ofType("aws:s3/bucket:Bucket");
    const bucketByArn = (arn: unknown) => buckets.find((b) => b.r.outputs.arn === arn || b.r.outputs.bucket === arnTail(arn) || b.r.id === arnTail(arn));
    for (const cfg of ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")) {
        const source = buckets.find((b) => b.stack === cfg.stack && (b.r.outputs.bucket === cfg.r.inputs.bucket || b.r.id === cfg.r.inputs.bucket));
        if (source) g.link(nodeFor(source), nodeFor(cfg), "source", false);
        for (const rule of cfg.r.inputs.rules ?? []) {
            const dest = bucketByArn(rule?.destination?.bucket);
            const rtc = rule?.destination?.replicationTime?.status === "Enabled" ? `, RTC ${rule.destination.replicationTime.time?.minutes ?? 15} min` : "";
            if (dest) g.link(nodeFor(cfg), nodeFor(dest), `replicates to${rtc}`);
        }
    }
    for (const secret of ofType("aws:secretsmanager/secret:Secret")) {
        for (const replica of secret.r.inputs.replicas ?? []) {
            const target = stacks.find((s) => s.plan.region === replica?.region && s.plan.stack !== secret.stack);
            if (!target) continue;
            const id = g.uniqueId(`${target.plan.stack}_${secret.r.name}_secret_replica`);
            g.add(target.plan.stack, secret.layer, {
                id, shape: "hexagon", label: mermaidLabel(["Secret replica", secret.r.name, `managed by ${secret.stack}`]), onPromotion: false,
            });
            g.link(nodeFor(secret), id, `replica in ${replica.region}`);
        }
    }
    for (const copy of ofType("aws:ec2/amiCopy:AmiCopy")) {
        const target = stacks.find((s) => s.plan.region === copy.r.inputs.sourceAmiRegion && s.plan.stack !== copy.stack);
        if (!target) continue;
        const id = g.uniqueId(`${target.plan.stack}_source_ami`);
        g.add(target.plan.stack, "image", { id, shape: "rect", label: mermaidLabel(["AMI", copy.r.inputs.sourceAmiId]), onPromotion: false });
        g.link(nodeFor(copy), id, "copy of");
    }
    const albs = ofType("aws:lb/loadBalancer:LoadBalancer");
    const albByDns = (dns: unknown) => albs.find((a) => typeof dns === "string" && a.r.outputs.dnsName === dns.replace(/\.$/, ""));
    for (const rec of ofType("aws:route53/record:Record")) {
        const policy = rec.r.inputs.failoverRoutingPolicies?.[0]?.type;
        const alb = albByDns(rec.r.inputs.aliases?.[0]?.name);
        if (policy && alb) g.link(nodeFor(rec), nodeFor(alb), policy);
    }
    for (const hc of ofType("aws:route53/healthCheck:HealthCheck")) {
        const alb = albByDns(hc.r.inputs.fqdn);
        if (alb) g.link(nodeFor(hc), nodeFor(alb), "checks");
    }
}

function shapeOf(n: Node): string {
    switch (n.shape) {
        case "cylinder": return `${n.id}[("${n.label}")]`;
        case "hexagon": return `${n.id}{{"${n.label}"}}`;
        default: return `${n.id}["${n.label}"]`;
    }
}

/**
 * The Mermaid `flowchart` of prod and dr built from their resource graphs. Node ids are
 * sanitized, labels quoted; every edge joins declared nodes.
 */
export function mermaidDiagram(input: DiagramInput): string {
    const { prod, dr, drPromoted } = input;
    const standbyUrns = new Set(dr.resources.map((r) => r.urn));
    const added = (drPromoted?.resources ?? []).filter((r) => !standbyUrns.has(r.urn));
    const stacks = [
        { plan: prod, placed: place(prod, new Set()) },
        { plan: dr, placed: place(dr, new Set(added.map((r) => r.urn)), added) },
    ];
    const g = new Graph();
    for (const s of stacks) drawStack(g, s.placed);
    drawLinks(g, stacks);

    const out = ["flowchart LR"];
    for (const s of stacks) {
        const role = s.plan.settings?.role;
        const state = role === "dr" ? (s.plan.promote ? ", promoted" : drPromoted ? ", standby + what promotion creates (dashed)" : ", standby") : "";
        out.push(`    subgraph ${mermaidId(`sg_${s.plan.stack}`)}["${mermaidLabel([`${s.plan.stack} · ${s.plan.region}${state}`])}"]`);
        out.push("        direction TB");
        for (const [layer, ids] of g.layout.get(s.plan.stack) ?? new Map<string, string[]>()) {
            out.push(`        subgraph ${mermaidId(`sg_${s.plan.stack}_${layer}`)}["${mermaidLabel([LAYER_LABELS[layer] ?? layer])}"]`);
            for (const id of ids) out.push(`            ${shapeOf(g.nodes.get(id)!)}`);
            out.push("        end");
        }
        out.push("    end");
    }
    out.push(...g.edges);
    const promoted = [...g.nodes.values()].filter((n) => n.onPromotion).map((n) => n.id);
    if (promoted.length > 0) {
        out.push("    classDef onPromotion stroke-dasharray: 5 5");
        out.push(`    class ${promoted.join(",")} onPromotion`);
    }
    return out.join("\n");
}
