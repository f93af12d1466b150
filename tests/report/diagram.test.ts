// The Mermaid diagram, drawn from real plans of prod and dr (with a domain and a custom AMI, so
// every cross-region arrow exists): Mermaid's own parser accepts it (a syntax error fails the
// suite), it draws the architecture (one node per principal part, the arrows, what failover
// creates and deletes), and rendered by Mermaid with its defaults in a real Chromium it is at
// most 1,800 px wide, so a pull-request comment (about 880 px) shows it readable.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RecordedResource } from "../../ops/offline/engine";
import { layerOf, mermaidDiagram, mermaidId, mermaidLabel } from "../../ops/report/diagram";
import { chromiumPath, mermaidParse, renderedSize } from "../support/mermaid";
import { quietPlan } from "../support/quietPlan";

const ROOT = path.join(__dirname, "..", "..");

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

interface Drawn {
    /** Node id → its label, by subgraph title. */
    nodes: Map<string, { label: string; region: string }>;
    edges: string[];
    classes: Map<string, string[]>;
}

/** Reads back the nodes, edges and classes (Mermaid's parser has already judged the syntax). */
function read(text: string): Drawn {
    const out: Drawn = { nodes: new Map(), edges: [], classes: new Map() };
    let region = "";
    for (const line of text.split("\n").slice(1).map((l) => l.trim())) {
        let m: RegExpMatchArray | null;
        if ((m = line.match(/^subgraph \w+\["(.*)"\]$/))) region = m[1];
        else if (line === "end") region = "";
        else if ((m = line.match(/^(\w+)(?:\[\("(.*)"\)\]|\["(.*)"\])$/))) out.nodes.set(m[1], { label: m[2] ?? m[3], region });
        else if ((m = line.match(/^class ([\w,]+) (\w+)$/))) out.classes.set(m[2], m[1].split(","));
        else if (!line.startsWith("classDef ")) out.edges.push(line);
    }
    return out;
}

describe("report: Mermaid diagram", function () {
    this.timeout(300000);
    let text: string;
    let drawn: Drawn;
    const firstLines = (region: string) => [...drawn.nodes].filter(([, n]) => n.region.startsWith(region)).map(([, n]) => n.label.split("<br/>")[0]);

    before(async () => {
        const dir = projectWithDomainAndAmi();
        const prod = await quietPlan({ dir, stack: "prod" });
        const dr = await quietPlan({ dir, stack: "dr", promote: false });
        const drPromoted = await quietPlan({ dir, stack: "dr", promote: true });
        text = mermaidDiagram({ prod, dr, drPromoted });
        drawn = read(text);
    });

    it("is a flowchart Mermaid's own parser accepts; the same parser rejects a syntax error", async () => {
        assert.equal((await mermaidParse(text)).diagramType, "flowchart-v2");
        await assert.rejects(mermaidParse(text.replace(/\]$/m, "")), /Parse error on line/);
    });

    it("draws the architecture: per region one node per principal part, not a node per resource type", () => {
        assert.deepEqual([...new Set([...drawn.nodes.values()].map((n) => n.region))],
            ["prod · us-east-1 · primary", "dr · us-west-2 · standby (dashed: built on failover)"]);
        assert.deepEqual(firstLines("prod"), ["Route 53 PRIMARY", "Load balancer", "App image", "App servers", "Singleton service",
            "MySQL primary", "Redis", "Media bucket", "VPC 10.10.0.0/16"]);
        assert.deepEqual(firstLines("dr"), ["Route 53 SECONDARY", "Load balancer", "App image", "App servers",
            "MySQL read replica", "Redis", "Media bucket", "VPC 10.20.0.0/16", "Deleted on failover"]);
        assert.equal(drawn.nodes.get("n_prod_db")!.label, "MySQL primary<br/>Multi-AZ, encrypted");
        assert.equal(drawn.nodes.get("n_prod_vpc")!.label, "VPC 10.10.0.0/16<br/>3 AZs");
        assert.equal(drawn.nodes.get("n_dr_image")!.label, "App image<br/>copy of ami-0123456789abcdef0");
        assert.equal(drawn.nodes.get("n_prod_image")!.label, "App image<br/>custom AMI");
    });

    it("draws what serves what in a region, and every cross-region arrow from prod to dr", () => {
        for (const edge of ["n_prod_dns --> n_prod_lb", "n_prod_lb --> n_prod_app", "n_prod_image --> n_prod_app", "n_prod_image --> n_prod_singleton",
            "n_prod_app --> n_prod_db", "n_prod_app --> n_prod_cache", "n_prod_app --> n_prod_bucket", "n_dr_lb --> n_dr_app"]) {
            assert.ok(drawn.edges.includes(edge), edge);
        }
        assert.deepEqual(drawn.edges.filter((e) => e.includes("-.->")), [
            'n_prod_db -.->|"read replica + secret replica"| n_dr_db',
            'n_prod_bucket -.->|"S3 replication, RTC 15 min"| n_dr_bucket',
            'n_prod_image -.->|"AMI copy"| n_dr_image',
            'n_prod_dns -.->|"fails over to"| n_dr_dns',
        ]);
        for (const e of drawn.edges) {
            const [from, , to] = e.replace(/\|"[^"]*"\|/, "").split(/\s+/);
            assert.ok(drawn.nodes.has(from) && drawn.nodes.has(to), `edge between declared nodes: ${e}`);
        }
    });

    it("shows standby against promoted by style: dashed for what failover builds, red for what it deletes", () => {
        // With a domain, dr's load balancer and its SECONDARY record exist in standby (static stability, AppStandby).
        assert.deepEqual(drawn.classes.get("onPromotion"), ["n_dr_app", "n_dr_cache"]);
        assert.ok(drawn.nodes.has("n_dr_lb") && drawn.nodes.has("n_dr_dns"), "drawn in standby");
        assert.deepEqual(drawn.classes.get("deleted"), ["n_dr_deleted"]);
        assert.equal(drawn.nodes.get("n_dr_deleted")!.label, "Deleted on failover<br/>cloudwatch MetricAlarm database-replica-lag");
        assert.equal(drawn.nodes.get("n_dr_db")!.label, "MySQL read replica<br/>encrypted<br/>→ MySQL primary on failover");
        assert.match(drawn.nodes.get("n_dr_cache")!.label, /<br\/>\(on failover\)$/);
    });

    it("renders with Mermaid's defaults in Chromium at most 1,800 px wide (skipped without Chromium, unless CI=true)", async function () {
        const chromium = chromiumPath();
        if (!chromium) {
            if (process.env.CI === "true") assert.fail("CI=true but no Chromium: .ci/run installs Debian's chromium; set CHROMIUM to its path");
            this.skip();
        }
        const size = await renderedSize(text, chromium!);
        assert.ok(size.width > 0 && size.width <= 1800, `natural width ${size.width} px`);
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
    });
});
