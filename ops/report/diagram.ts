// A Mermaid flowchart of the architecture, drawn from the recorded resource graphs: per stack
// and region, one node per layer's principal resources (DNS failover record, load balancer, app
// servers, app image, singleton, database, cache, media bucket, VPC), solid arrows for what
// serves what inside a region, dashed arrows for what crosses regions (the RDS replica with the
// secret replica, S3 replication, the AMI copy, DNS failover), what only the promotion creates
// drawn dashed, and what the promotion deletes in its own red node. The resource list itself is
// in the report's resource table, not here: a node per resource type made a 6,787 px wide
// picture that a pull-request comment (about 880 px) shrank until no text could be read.
//
// Layout: `flowchart TB`, each region's nodes chained top to bottom (DNS → load balancer → app
// servers → data), so a region is three nodes wide and the two regions sit side by side. Mermaid
// ignores a subgraph's own `direction` once edges leave it, so the chain, not `direction`,
// gives the shape. tests/report/diagram.test.ts parses it with the real Mermaid parser and
// renders it in Chromium to check its natural width.
//
// GitHub renders ```mermaid blocks in PR comments.
import type { RecordedResource } from "../offline/engine";
import type { StackPlan } from "../offline/planner";

/** What mermaidDiagram draws. */
export interface DiagramInput {
    /** The primary stack's plan. */
    prod: StackPlan;
    /** The dr stack's plan, usually in standby. */
    dr: StackPlan;
    /**
     * The dr stack promoted. When given, dr is drawn in standby with what promotion creates
     * (dashed), what it changes (in the label) and what it deletes (a red node).
     */
    drPromoted?: StackPlan;
}

/** The principal parts of a region, top to bottom. */
const PARTS = ["dns", "lb", "image", "app", "singleton", "db", "cache", "bucket", "vpc"] as const;
type Part = typeof PARTS[number];

interface Node {
    id: string;
    part: Part;
    label: string;
    cylinder: boolean;
    /** The resources it stands for, by URN. */
    urns: string[];
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

/** The short name of a type token: `aws:rds/instance:Instance` → `rds Instance`. */
export function shortType(type: string): string {
    const [, mod = "", name = type] = type.split(":");
    return `${mod.split("/")[0]} ${name}`.trim();
}

const T = {
    vpc: "aws:ec2/vpc:Vpc", subnet: "aws:ec2/subnet:Subnet", rds: "aws:rds/instance:Instance", redis: "aws:elasticache/replicationGroup:ReplicationGroup",
    alb: "aws:lb/loadBalancer:LoadBalancer", listener: "aws:lb/listener:Listener", asg: "aws:autoscaling/group:Group", bucket: "aws:s3/bucket:Bucket",
    replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig", record: "aws:route53/record:Record",
    healthCheck: "aws:route53/healthCheck:HealthCheck", amiCopy: "aws:ec2/amiCopy:AmiCopy", secret: "aws:secretsmanager/secret:Secret",
};

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** The principal nodes of one stack's plan, keyed by part. */
function principalNodes(plan: StackPlan): Map<Part, Node> {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const custom = plan.resources.filter((r) => r.custom);
    const ofType = (type: string) => custom.filter((r) => r.type === type);
    const nodes = new Map<Part, Node>();
    const add = (part: Part, rs: RecordedResource[], lines: (string | undefined)[], cylinder = false) => {
        if (rs.length > 0) nodes.set(part, { id: mermaidId(`${plan.stack}_${part}`), part, label: mermaidLabel(lines), cylinder, urns: rs.map((r) => r.urn) });
    };

    const records = ofType(T.record).filter((r) => (r.inputs.failoverRoutingPolicies ?? []).length > 0);
    const checks = ofType(T.healthCheck);
    add("dns", [...records, ...checks], [`Route 53 ${records.map((r) => r.inputs.failoverRoutingPolicies[0].type).join(", ") || "health check"}`,
        records[0]?.inputs.name, checks.length > 0 ? "health-checked" : undefined]);

    const albs = ofType(T.alb);
    const https = ofType(T.listener).some((l) => l.inputs.protocol === "HTTPS");
    add("lb", albs, ["Load balancer", `${albs.some((a) => a.inputs.internal) ? "internal" : "internet-facing"}${https ? ", HTTPS" : ""}`]);

    const images = plan.resources.filter((r) => !r.custom && layerOf(r, byUrn) === "image" && byUrn.get(r.parent ?? "")?.type === "pulumi:pulumi:Stack");
    const copies = ofType(T.amiCopy);
    const source = copies.length > 0 ? `copy of ${copies[0].inputs.sourceAmiId}` : images[0]?.outputs?.source === "custom" ? "custom AMI" : "public Amazon Linux";
    add("image", [...images, ...copies], ["App image", source]);

    const groups = ofType(T.asg);
    const app = groups.filter((g) => layerOf(g, byUrn) === "app");
    add("app", app, ["App servers", app.map((g) => `${g.inputs.minSize}–${g.inputs.maxSize} instances`).join(", ")]);

    const singleton = custom.filter((r) => layerOf(r, byUrn) === "ha");
    const mode = plan.settings?.role === "primary" ? plan.settings.singletonMode : undefined;
    add("singleton", singleton, ["Singleton service", mode]);

    const dbs = ofType(T.rds);
    add("db", dbs, [...dbs.map((d) => `MySQL ${d.inputs.replicateSourceDb ? "read replica" : "primary"}`),
        [dbs.some((d) => d.inputs.multiAz) ? "Multi-AZ" : undefined, dbs.every((d) => d.inputs.storageEncrypted) ? "encrypted" : undefined].filter(Boolean).join(", ")], true);

    const caches = ofType(T.redis);
    add("cache", caches, ["Redis", caches.map((c) => plural(c.inputs.numCacheClusters ?? 1, "node")).join(", ")], true);

    const buckets = ofType(T.bucket).filter((b) => layerOf(b, byUrn) === "media");
    add("bucket", buckets, ["Media bucket", "S3, versioned"], true);

    const vpcs = ofType(T.vpc);
    const subnets = ofType(T.subnet);
    const azs = new Set(subnets.map((s) => s.inputs.availabilityZone)).size;
    add("vpc", vpcs, [`VPC ${vpcs.map((v) => v.inputs.cidrBlock).join(", ")}`, azs > 0 ? `${azs} AZs` : undefined]);
    return nodes;
}

/** The value's last `:`-separated segment (an RDS ARN's identifier, an S3 ARN's bucket name). */
function arnTail(arn: unknown): string | undefined {
    return typeof arn === "string" ? arn.split(":").pop() : undefined;
}

interface Region {
    plan: StackPlan;
    /** Every resource drawn: the plan's, and what the promotion adds. */
    resources: RecordedResource[];
    nodes: Map<Part, Node>;
    title: string;
    /** Parts that only the promotion creates. */
    onPromotion: Set<Part>;
    /** What the promotion deletes, as a label. */
    deleted?: string;
}

/** dr in standby, with what its promotion creates, changes and deletes. */
function drRegion(dr: StackPlan, promoted: StackPlan | undefined): Region {
    const nodes = principalNodes(dr);
    if (!promoted) {
        return { plan: dr, resources: dr.resources, nodes, title: `${dr.stack} · ${dr.region} · ${dr.promote ? "promoted" : "standby"}`, onPromotion: new Set() };
    }
    const after = principalNodes(promoted);
    const onPromotion = new Set<Part>();
    for (const [part, node] of after) {
        const before = nodes.get(part);
        if (!before) {
            nodes.set(part, { ...node, label: `${node.label}<br/>(on failover)` });
            onPromotion.add(part);
        } else if (before.label !== node.label) {
            nodes.set(part, { ...before, label: `${before.label}<br/>→ ${node.label.split("<br/>")[0]} on failover` });
        }
    }
    const kept = new Set(promoted.resources.map((r) => r.urn));
    const gone = dr.resources.filter((r) => r.custom && !kept.has(r.urn));
    const existing = new Set(dr.resources.map((r) => r.urn));
    return {
        plan: dr, nodes, onPromotion, resources: [...dr.resources, ...promoted.resources.filter((r) => !existing.has(r.urn))],
        title: `${dr.stack} · ${dr.region} · standby (dashed: built on failover)`,
        deleted: gone.length > 0 ? mermaidLabel(["Deleted on failover", ...gone.map((r) => `${shortType(r.type)} ${r.name}`)]) : undefined,
    };
}

/** Arrows inside a region: who serves whom. `~~~` is Mermaid's invisible link, used for placement only. */
function localEdges(nodes: Map<Part, Node>): string[] {
    const id = (p: Part) => nodes.get(p)?.id;
    const out: string[] = [];
    const link = (from: Part, to: Part, arrow = "-->") => {
        if (id(from) && id(to)) out.push(`    ${id(from)} ${arrow} ${id(to)}`);
    };
    link("dns", "lb");
    link("lb", "app");
    link("image", "app");
    link("image", "singleton");
    for (const data of ["db", "cache", "bucket"] as const) link("app", data);
    // Without an app tier (dr standby) the image and the data still stack above the VPC.
    if (!id("app")) for (const data of ["db", "cache", "bucket"] as const) link("image", data, "~~~");
    link("db", "vpc", "~~~");
    return out;
}

/** Arrows between regions, each from the side that sends to the side that receives. */
function crossEdges(regions: Region[]): string[] {
    const out: string[] = [];
    const find = (type: string) => regions.flatMap((g) => g.resources.filter((r) => r.custom && r.type === type).map((r) => ({ g, r })));
    const nodeOf = (g: Region, urn: string) => [...g.nodes.values()].find((n) => n.urns.includes(urn))?.id;
    const edge = (from: string | undefined, to: string | undefined, label: string) => {
        if (from && to && from !== to) out.push(`    ${from} -.->|"${label}"| ${to}`);
    };
    const rds = find(T.rds);
    for (const replica of rds.filter((x) => x.r.inputs.replicateSourceDb)) {
        const src = String(replica.r.inputs.replicateSourceDb);
        const source = rds.find((x) => x.g !== replica.g && (x.r.outputs.arn === src || x.r.inputs.identifier === arnTail(src)));
        if (!source) continue;
        const secretReplicated = find(T.secret).some((s) => s.g === source.g
            && (s.r.inputs.replicas ?? []).some((x: any) => x?.region === replica.g.plan.region));
        edge(nodeOf(source.g, source.r.urn), nodeOf(replica.g, replica.r.urn), `read replica${secretReplicated ? " + secret replica" : ""}`);
    }
    const buckets = find(T.bucket);
    for (const cfg of find(T.replication)) {
        const source = buckets.find((b) => b.g === cfg.g && (b.r.outputs.bucket === cfg.r.inputs.bucket || b.r.id === cfg.r.inputs.bucket));
        for (const rule of cfg.r.inputs.rules ?? []) {
            const arn = rule?.destination?.bucket;
            const dest = buckets.find((b) => b.g !== cfg.g && (b.r.outputs.arn === arn || b.r.outputs.bucket === arnTail(arn)));
            const rtc = rule?.destination?.replicationTime?.status === "Enabled" ? `, RTC ${rule.destination.replicationTime.time?.minutes ?? 15} min` : "";
            if (source && dest) edge(nodeOf(source.g, source.r.urn), nodeOf(dest.g, dest.r.urn), `S3 replication${rtc}`);
        }
    }
    for (const copy of find(T.amiCopy)) {
        const from = regions.find((g) => g !== copy.g && g.plan.region === copy.r.inputs.sourceAmiRegion);
        if (from) edge(from.nodes.get("image")?.id, nodeOf(copy.g, copy.r.urn), "AMI copy");
    }
    const dns = (role: string) => regions.find((g) => g.resources.some((r) => r.type === T.record && r.inputs.failoverRoutingPolicies?.[0]?.type === role));
    const primary = dns("PRIMARY");
    const secondary = dns("SECONDARY");
    if (primary && secondary && primary !== secondary) edge(primary.nodes.get("dns")?.id, secondary.nodes.get("dns")?.id, "fails over to");
    return out;
}

/**
 * The Mermaid `flowchart` of prod and dr: their architecture, not their resource list. Node ids
 * are sanitized, labels quoted; every edge joins declared nodes.
 */
export function mermaidDiagram(input: DiagramInput): string {
    const prod: Region = {
        plan: input.prod, resources: input.prod.resources, nodes: principalNodes(input.prod), onPromotion: new Set(),
        title: `${input.prod.stack} · ${input.prod.region} · ${input.prod.settings?.role ?? "primary"}`,
    };
    const regions = [prod, drRegion(input.dr, input.drPromoted)];
    const out = ["flowchart TB"];
    const dashed: string[] = [];
    const deleted: string[] = [];
    for (const g of regions) {
        out.push(`    subgraph ${mermaidId(`sg_${g.plan.stack}`)}["${mermaidLabel([g.title])}"]`);
        for (const part of PARTS) {
            const n = g.nodes.get(part);
            if (!n) continue;
            out.push(n.cylinder ? `        ${n.id}[("${n.label}")]` : `        ${n.id}["${n.label}"]`);
            if (g.onPromotion.has(part)) dashed.push(n.id);
        }
        if (g.deleted) {
            const id = mermaidId(`${g.plan.stack}_deleted`);
            out.push(`        ${id}["${g.deleted}"]`);
            deleted.push(id);
        }
        out.push("    end");
    }
    for (const g of regions) {
        out.push(...localEdges(g.nodes));
        const db = g.nodes.get("db")?.id;
        if (g.deleted && db) out.push(`    ${db} ~~~ ${mermaidId(`${g.plan.stack}_deleted`)}`);
    }
    out.push(...crossEdges(regions));
    if (dashed.length > 0) out.push("    classDef onPromotion stroke-dasharray: 5 5", `    class ${dashed.join(",")} onPromotion`);
    if (deleted.length > 0) out.push("    classDef deleted stroke:#c00,color:#c00,stroke-dasharray: 2 2", `    class ${deleted.join(",")} deleted`);
    return out.join("\n");
}
