// The figures README.md and docs/ha-patterns.md quote from the plan (the standby cost table, dr
// standby's share of prod, each singleton mode's cost) are the plan's own: a change to the
// program or the price table that moves one fails here until the text is updated.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { CostEstimate, estimateCost } from "../../ops/report/cost";
import { memoPlan, ROOT } from "../support/plans";

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const money = (n: number) => `$${n.toFixed(2)}`;
/** A component's monthly cost in an estimate; the components' labels are "name (Class)". */
const part = (e: CostEstimate, ...names: string[]) => Object.entries(e.byComponent)
    .filter(([label]) => names.includes(label.split(" ")[0])).reduce((sum, [, v]) => sum + v, 0);
/** The cells of the Markdown table row that starts with `first`. */
function row(text: string, first: string): string[] {
    const line = text.split("\n").find((l) => l.startsWith(`| ${first} |`));
    assert.ok(line, `no table row "${first}"`);
    return line.split("|").slice(1, -1).map((c) => c.trim());
}

describe("docs: the figures quoted from the plan", function () {
    this.timeout(600000);

    it("README's standby cost table and dr standby's share of prod", async () => {
        const [prod, standby, promoted] = await Promise.all([memoPlan({ stack: "prod" }), memoPlan({ stack: "dr" }), memoPlan({ stack: "dr", promote: true })])
            .then((plans) => plans.map((p) => estimateCost(p)));
        const cell = (e: CostEstimate, ...names: string[]) => (part(e, ...names) === 0 ? "—" : money(part(e, ...names)));
        const readme = read("README.md");
        const cols = [prod, standby, promoted];
        assert.deepEqual(row(readme, "app tier (NAT, Redis, ALB, instances)").slice(1), cols.map((e) => cell(e, "app")));
        assert.deepEqual(row(readme, "database (RDS, KMS, secrets)").slice(1), cols.map((e) => cell(e, "database")));
        assert.deepEqual(row(readme, "media (+ replication)").slice(1), cols.map((e) => cell(e, "media", "media-replication")));
        assert.deepEqual(row(readme, "singleton").slice(1), cols.map((e) => cell(e, "singleton")));
        assert.deepEqual(row(readme, "web application firewall (web ACL + 5 rules; requests extra)").slice(1), cols.map((e) => cell(e, "waf")));
        assert.deepEqual(row(readme, "**total per month**").slice(1), cols.map((e) => `**${money(e.monthly)}**`));
        assert.ok(readme.includes(`**dr standby costs ${(100 * standby.monthly / prod.monthly).toFixed(1)} % of prod**`));
    });

    it("each singleton mode's cost, in README and docs/ha-patterns.md", async () => {
        for (const file of ["README.md", "docs/ha-patterns.md"]) {
            const text = read(file);
            for (const mode of ["recoverable-instance", "multi-az-asg", "multi-az-asg-ebs", "standby-failover"]) {
                const plan = await memoPlan({ stack: "prod", configOverrides: mode === "recoverable-instance" ? {} : { "pilot-light:singletonMode": mode } });
                const quoted = row(text, `\`${mode}\``).pop()!.match(/\$\d+\.\d\d/)?.[0];
                assert.equal(quoted, money(part(estimateCost(plan), "singleton")), `${file}: ${mode}`);
            }
        }
    });
});
