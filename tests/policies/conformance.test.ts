// The offline evaluator against the real analyzer: the pack (policies/) is started the way the
// Pulumi CLI starts it (run-policy-pack in the pack's folder, its port read from stdout, its
// TypeScript type-checked by ts-node) and driven over gRPC with the requests the engine would
// send for each of our stacks (ops/policy/analyzerHost.ts, ops/policy/analyzerRequests.ts). The
// findings the CLI would show (policy, level, URN, printed message) must equal the offline
// evaluator's for prod in every singleton mode and with a domain, dr standby and promoted,
// their previews, the broken variants, a non-default pack config and the classic-mistakes
// program. One pack process serves every stack, as the pack keeps no state between stacks
// beyond what ConfigureStack and Configure reset.
import { strict as assert } from "assert";
import * as path from "path";
import { runOffline } from "../../ops/offline/engine";
import { AnalyzerInfo, PolicyPackProcess, StackContext } from "../../ops/policy/analyzerHost";
import { analyzerRequests } from "../../ops/policy/analyzerRequests";
import { parsePolicyConfig, reconcilePolicyConfig } from "../../ops/policy/config";
import { evaluatePlan } from "../../ops/policy/evaluate";
import { ALL_POLICIES_PACK, allPolicies } from "../../policies/all";
import { ROOT } from "../support/plans";
import { brokenShapes, cleanShapes, previewShapes, StackShape } from "./stackShapes";

const PACK_DIR = path.join(ROOT, "policies");

/** One finding as the CLI shows it: policy, level, URN and the printed message. */
type Shown = [string, string, string, string];

function sorted(rows: Shown[]): Shown[] {
    return [...rows].sort((a, b) => a.join("\u0000").localeCompare(b.join("\u0000")));
}

function context(shape: StackShape): StackContext {
    return { project: shape.plan.project, stack: shape.plan.stack, dryRun: true, config: shape.plan.config };
}

describe("conformance: the real policy pack, run as the CLI runs it, agrees with the offline evaluator", function () {
    this.timeout(600000);
    let pack: PolicyPackProcess;
    let info: AnalyzerInfo;
    let broken: StackShape[];
    const fired = new Set<string>();

    /** Both sides over one stack; returns the real findings after asserting they equal the offline ones. */
    async function agree(shape: StackShape): Promise<Shown[]> {
        const { plan } = shape;
        const ctx = context(shape);
        await pack.configureStack(ctx);
        const user = parsePolicyConfig(shape.policyConfig ?? {}, shape.label);
        await pack.configure(reconcilePolicyConfig(info.policies, info.initialConfig, user));
        const real = await pack.analyzeStack(analyzerRequests(plan.resources, plan.reads ?? [], ctx));
        for (const d of real) {
            assert.equal(`${d.packName}@v${d.packVersion}`, `${ALL_POLICIES_PACK.name}@v${ALL_POLICIES_PACK.version}`, shape.label);
            assert.equal(d.description, allPolicies.find((p) => p.name === d.policy)?.description, `${shape.label}: ${d.policy}`);
        }
        const offline = await evaluatePlan(plan, shape.policyConfig);
        const realRows = sorted(real.map((d): Shown => [d.policy, d.level, d.urn, d.message]));
        assert.deepEqual(sorted(offline.map((v): Shown => [v.policy, v.level, v.urn, v.cliMessage])), realRows, shape.label);
        return realRows;
    }

    before(async () => {
        const [first] = await cleanShapes();
        // The pack starts (and ts-node type-checks it) in its own process while the broken variants are planned here.
        const starting = PolicyPackProcess.start(PACK_DIR, context(first));
        try {
            broken = await brokenShapes();
        } finally {
            pack = await starting;
        }
        info = await pack.getAnalyzerInfo();
    });

    after(async () => {
        await pack?.close();
    });

    it("serves the pack the CLI loads: its name, version and every policy with its level and config schema", () => {
        assert.equal(info.name, "pilot-light-policies");
        assert.equal(info.version, "0.1.0");
        assert.equal(info.supportsConfig, true);
        assert.deepEqual(info.initialConfig, {});
        assert.deepEqual(info.policies.map((p) => [p.name, p.enforcementLevel, p.description, p.configSchema?.properties ?? null]),
            allPolicies.map((p) => [p.name, p.enforcementLevel, p.description, p.configSchema?.properties ?? null]));
    });

    it("agrees on prod in every singleton mode and with a domain, dr standby and dr promoted (no findings)", async () => {
        for (const shape of await cleanShapes()) {
            assert.deepEqual(await agree(shape), [], shape.label);
        }
    });

    it("agrees on every broken variant, and every policy of the pack fires for real", async () => {
        for (const shape of broken) {
            (await agree(shape)).forEach(([policy]) => fired.add(policy));
        }
        assert.deepEqual(allPolicies.map((p) => p.name).filter((name) => !fired.has(name)), [], "policies that never fired in the real pack");
        // A stack-wide finding is shown against the root stack, as the CLI shows it.
        const drWithoutReplica = broken.find((s) => s.label === "dr standby without its replica")!;
        assert.deepEqual((await agree(drWithoutReplica)).map(([policy, , urn]) => [policy, urn]),
            [["rds-dr-replica", "urn:pulumi:dr::pilot-light::pulumi:pulumi:Stack::pilot-light-dr"]]);
    });

    it("agrees on previews: the unknown-value advisories carry the policy server's exact wording", async () => {
        let advisories = 0;
        for (const shape of await previewShapes()) {
            const rows = await agree(shape);
            advisories += rows.filter(([, level, , message]) => level === "advisory" && message.startsWith("can't run policy '")).length;
        }
        // dr promoted's user data is known since its launch template is made in standby; prod's first
        // deploy's user data and its app-user and rotation Lambdas' role policies are not, nor dr
        // standby's first deploy's launch template user data.
        assert.equal(advisories, 7);
    });

    it("agrees under a pack config: levels from \"all\", per-policy overrides, remediate shown as mandatory, thresholds, disabled", async () => {
        const prodBroken = broken.find((s) => s.label === "prod, broken")!;
        const rows = await agree({
            ...prodBroken,
            label: "prod, broken, with a pack config",
            policyConfig: {
                all: "advisory",
                "rds-backup-retention": { minimumRetentionDays: 14 },
                "s3-encryption": "disabled",
                "target-group-health-check": { enforcementLevel: "remediate", maxIntervalSeconds: 100 },
                "rds-not-public": { enforcementLevel: "mandatory" },
            },
        });
        assert.deepEqual(rows.filter(([, level]) => level === "mandatory").map(([policy, , , message]) => [policy, message.split("\n")[1]]), [
            ["rds-not-public", "database \"database-mysql\" is publicly accessible; set publiclyAccessible to false"],
            ["target-group-health-check", "target group \"app-web-tg\" checks health every 120 s; use at most 100 s"],
        ]);
        assert.ok(!rows.some(([policy]) => policy === "s3-encryption"));
        assert.ok(rows.some(([policy, , , message]) => policy === "rds-backup-retention" && message.endsWith("set backupRetentionPeriod to at least 14")));
    });

    it("agrees on the classic-mistakes program (another project, run through the offline engine)", async () => {
        const fixture = path.join(ROOT, "tests", "fixtures", "classic-mistakes", "index.ts");
        delete require.cache[require.resolve(fixture)];
        const run = await runOffline({ project: "classic-mistakes", stack: "dev", region: "us-east-1", config: {} }, () => require(fixture));
        const rows = await agree({
            label: "classic mistakes",
            plan: { ...run, project: "classic-mistakes", stack: "dev", region: "us-east-1", promote: false, config: { "aws:region": "us-east-1" }, peers: [] },
        });
        assert.equal(rows.length, 14);
    });
});
