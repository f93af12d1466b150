// The Mermaid diagram, drawn from real plans of prod and dr (with a domain and a custom AMI, so
// every cross-region arrow exists), checked with a small structural parser: balanced
// subgraph/end, valid ids, quoted labels, every edge joining declared nodes, and the arrows.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RecordedResource } from "../../ops/offline/engine";
import { planStack, StackPlan } from "../../ops/offline/planner";
import { layerOf, mermaidDiagram, mermaidId, mermaidLabel } from "../../ops/report/diagram";
import { quietPlan } from "../support/quietPlan";

const ROOT = path.join(__dirname, "..", "..");

interface Parsed {
    nodes: Map<string, { label: string; stack: string; layer: string }>;
    edges: { from: string; to: string; label: string; dashed: boolean }[];
    /** Subgraph labels, top level (the stacks) and nested (the layers, as `stack > layer`). */
    subgraphs: string[];
    classes: Map<string, string[]>;
}

/** Parses the subset of Mermaid flowchart syntax mermaidDiagram emits; throws on anything else. */
function parseMermaid(text: string): Parsed {
    const lines = text.split("\n");
    assert.equal(lines[0], "flowchart LR");
    const stack: string[] = [];
    const out: Parsed = { nodes: new Map(), edges: [], subgraphs: [], classes: new Map() };
    const ID = "[A-Za-z][A-Za-z0-9_]*";
    const LABEL = `"([^"]*)"`;
    for (const raw of lines.slice(1)) {
        const line = raw.trim();
        let match: RegExpMatchArray | null;
        if ((match = line.match(new RegExp(`^subgraph (${ID})\\[${LABEL}\\]$`)))) {
            stack.push(match[2]);
            out.subgraphs.push(stack.join(" > "));
        } else if (line === "end") {
            assert.ok(stack.length > 0, "an `end` without its subgraph");
            stack.pop();
        } else if (line === "direction TB") {
            assert.ok(stack.length > 0);
        } else if ((match = line.match(new RegExp(`^(${ID})(?:\\[\\(${LABEL}\\)\\]|\\{\\{${LABEL}\\}\\}|\\[${LABEL}\\])$`)))) {
            assert.ok(!out.nodes.has(match[1]), `node ${match[1]} declared twice`);
            assert.equal(stack.length, 2, `node ${match[1]} outside a layer subgraph`);
            out.nodes.set(match[1], { label: match[2] ?? match[3] ?? match[4], stack: stack[0], layer: stack[1] });
        } else if ((match = line.match(new RegExp(`^(${ID}) (-\\.->|-->)\\|${LABEL}\\| (${ID})$`)))) {
            out.edges.push({ from: match[1], dashed: match[2] === "-.->", label: match[3], to: match[4] });
        } else if ((match = line.match(/^classDef (\w+) (.+)$/))) {
            out.classes.set(match[1], out.classes.get(match[1]) ?? []);
        } else if ((match = line.match(/^class ([\w,]+) (\w+)$/))) {
            out.classes.set(match[2], [...(out.classes.get(match[2]) ?? []), ...match[1].split(",")]);
        } else {
            assert.fail(`unexpected line: ${JSON.stringify(raw)}`);
        }
    }
    assert.deepEqual(stack, [], "every subgraph is closed");
    for (const e of out.edges) {
        assert.ok(out.nodes.has(e.from), `edge from undeclared ${e.from}`);
        assert.ok(out.nodes.has(e.to), `edge to undeclared ${e.to}`);
    }
    for (const ids of out.classes.values()) for (const id of ids) assert.ok(out.nodes.has(id), `class on undeclared ${id}`);
    return out;
}

/** This project's stack files plus a domain and a custom AMI, in a temp folder. */
function projectWithDomainAndAmi(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilot-light-diagram-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")
        .replace(/^main: .*$/m, `main: ${path.join(ROOT, "stacks", "index.ts")}`));
    const domain = "\n  pilot-light:domainName: www.example.com\n  pilot-light:hostedZoneId: Z0123456789ABCDEFGHIJ\n";
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), `${fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8").trimEnd()}${domain}`
        + "  pilot-light:customAmiId: ami-0123456789abcdef0\n");
    fs.writeFileSync(path.join(dir, "Pulumi.dr.yaml"), `${fs.readFileSync(path.join(ROOT, "Pulumi.dr.yaml"), "utf8").trimEnd()}${domain}`);
    return dir;
}


describe("report: Mermaid diagram", function () {
    this.timeout(180000);
    let parsed: Parsed;
    let text: string;

    before(async () => {
        const dir = projectWithDomainAndAmi();
        const prod = await quietPlan({ dir, stack: "prod" });
        const dr = await quietPlan({ dir, stack: "dr", promote: false });
        const drPromoted = await quietPlan({ dir, stack: "dr", promote: true });
        text = mermaidDiagram({ prod, dr, drPromoted });
        parsed = parseMermaid(text);
    });

    /** The one node in `stack` whose label starts with `kind`. */
    function node(stack: "prod" | "dr", kind: string, name?: string): string {
        const found = [...parsed.nodes].filter(([, n]) => n.stack.startsWith(`${stack} · `) && n.label.startsWith(kind)
            && (name === undefined || n.label.split("<br/>").includes(name)));
        assert.equal(found.length, 1, `one ${kind} ${name ?? ""} in ${stack}: ${found.map(([id]) => id).join(", ")}`);
        return found[0][0];
    }

    function edge(from: string, to: string): { label: string; dashed: boolean } {
        const found = parsed.edges.filter((e) => e.from === from && e.to === to);
        assert.equal(found.length, 1, `one edge ${from} → ${to}; edges: ${parsed.edges.map((e) => `${e.from}→${e.to}`).join(", ")}`);
        return { label: found[0].label, dashed: found[0].dashed };
    }

    it("is a flowchart with a subgraph per stack and region, and one per layer from the component type tokens", () => {
        const top = parsed.subgraphs.filter((s) => !s.includes(" > "));
        assert.deepEqual(top, ["prod · us-east-1", "dr · us-west-2, standby + what promotion creates (dashed)"]);
        const layers = (stack: string) => parsed.subgraphs.filter((s) => s.startsWith(`${stack} > `)).map((s) => s.split(" > ")[1]).sort();
        assert.deepEqual(layers(top[0]), ["app", "database", "dns", "ha / singleton", "image", "media", "network (basic)"]);
        assert.deepEqual(layers(top[1]), ["app", "database", "dns", "image", "media", "network (basic)"]);
    });

    it("draws the important resources one by one and counts the repetitive ones", () => {
        assert.match(parsed.nodes.get(node("prod", "RDS"))!.label, /^RDS<br\/>database-mysql<br\/>mysql, Multi-AZ, encrypted$/);
        assert.match(parsed.nodes.get(node("dr", "RDS"))!.label, /read replica, encrypted$/);
        node("prod", "ALB");
        node("prod", "Redis");
        node("prod", "NAT gateway");
        node("prod", "KMS key");
        node("prod", "Auto Scaling group", "app-servers-asg");
        node("prod", "EC2 instance", "singleton-recoverable-instance-instance");
        node("prod", "Route 53 health check");
        assert.equal(parsed.nodes.get(node("prod", "ec2 Subnet × "))!.label, "ec2 Subnet × 6");
        assert.equal(parsed.nodes.get(node("dr", "ec2 Subnet × "))!.label, "ec2 Subnet × 4");
        assert.equal(parsed.nodes.get(node("prod", "ec2 Subnet × "))!.layer, "network (basic)");
    });

    it("draws the dashed cross-region arrows: replica, media replication, secret replica, AMI copy, failover records", () => {
        const cases: [string, string, string][] = [
            [node("dr", "RDS"), node("prod", "RDS"), "read replica of"],
            [node("prod", "S3 replication"), node("dr", "S3 bucket"), "replicates to, RTC 15 min"],
            [node("prod", "Secret", "database-credentials"), node("dr", "Secret replica"), "replica in us-west-2"],
            [node("dr", "AMI copy"), node("prod", "AMI"), "copy of"],
            [node("prod", "Route 53 PRIMARY record"), node("prod", "ALB"), "PRIMARY"],
            [node("dr", "Route 53 SECONDARY record"), node("dr", "ALB"), "SECONDARY"],
            [node("prod", "Route 53 health check"), node("prod", "ALB"), "checks"],
        ];
        for (const [from, to, label] of cases) assert.deepEqual(edge(from, to), { label, dashed: true }, `${from} → ${to}`);
        assert.deepEqual(edge(node("prod", "S3 bucket"), node("prod", "S3 replication")), { label: "source", dashed: false });
        assert.equal(parsed.nodes.get(node("prod", "AMI"))!.label, "AMI<br/>ami-0123456789abcdef0");
    });

    it("marks what only the promotion creates", () => {
        const promoted = new Set(parsed.classes.get("onPromotion"));
        assert.ok(promoted.has(node("dr", "ALB")));
        assert.ok(promoted.has(node("dr", "Route 53 SECONDARY record")));
        assert.ok(!promoted.has(node("prod", "ALB")));
        assert.ok(!promoted.has(node("dr", "RDS")), "the replica exists in standby");
        assert.match(parsed.nodes.get(node("dr", "Redis"))!.label, /\(on promotion\)$/);
    });

    it("sanitizes ids and labels, and takes layers from any project's type tokens", () => {
        assert.equal(mermaidId("prod-db.main/x y"), "n_prod_db_main_x_y");
        assert.equal(mermaidId("end"), "n_end");
        assert.equal(mermaidLabel(['say "hi"', undefined, "<b>", ""]), "say #quot;hi#quot;<br/>#lt;b#gt;");
        const rec = (urn: string, type: string, parent?: string, custom = false) => ({ urn, type, parent, custom } as RecordedResource);
        const stackRes = rec("s", "pulumi:pulumi:Stack");
        const top = rec("c", "acme:storage:Vault", "s");
        const child = rec("k", "acme:storage:Inner", "c");
        const leaf = rec("b", "aws:s3/bucket:Bucket", "k", true);
        const loose = rec("l", "aws:s3/bucket:Bucket", "s", true);
        const byUrn = new Map([stackRes, top, child, leaf, loose].map((r) => [r.urn, r]));
        assert.equal(layerOf(leaf, byUrn), "storage");
        assert.equal(layerOf(loose, byUrn), "stack");
        assert.doesNotMatch(text, /[^\n]"[^"\n]*"[^"\n]*"[^\n]*\]\n/, "no stray quote inside a label");
    });
});
