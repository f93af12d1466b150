// The bootstrap runbook against FakeWorkspace: the order of the three updates, the config each
// one runs with, and that the operator's replicateToPeer is back as it was whenever it stops.
import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runBootstrap } from "../../ops/runbooks/bootstrap";
import { fakeIO, FakeWorkspace } from "./support/fakeWorkspace";

const KEY = "pilot-light:replicateToPeer";
const PROD_OUTPUTS = { region: "us-east-1", dbInstanceArn: "arn:aws:rds:us-east-1:123456789012:db:pl-prod-db" };
const DR_OUTPUTS = { region: "us-west-2", dbInstanceArn: "arn:aws:rds:us-west-2:123456789012:db:pl-dr-db", mediaBucketArn: "arn:aws:s3:::pl-dr-media" };

/** A workspace where nothing is deployed yet; records prod's replicateToPeer as each up sees it. */
function firstDeploy(prodConfig: Record<string, string> = {}) {
    const ws = new FakeWorkspace({
        prod: { config: { "aws:region": "us-east-1", ...prodConfig } },
        dr: { config: { "aws:region": "us-west-2", "pilot-light:promote": "false" } },
    });
    const seen: string[] = [];
    ws.onUp("prod", ({ config }) => { seen.push(`prod up with ${KEY}=${config.get(KEY) ?? "unset"}`); });
    ws.onUp("dr", () => { seen.push("dr up"); });
    ws.scriptUp("prod", { outputs: PROD_OUTPUTS }, { outputs: PROD_OUTPUTS });
    ws.scriptUp("dr", { outputs: DR_OUTPUTS });
    return { ws, seen };
}

const writes = (ws: FakeWorkspace) => ws.summary().filter((c) => /setConfig|removeConfig|\.up/.test(c));

describe("runbooks: bootstrap", () => {
    it("first deploy: prod with replication off, then dr, then prod with the override removed", async () => {
        const { ws, seen } = firstDeploy();
        const io = fakeIO();
        const report = await runBootstrap({ workspace: ws }, io);
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.deepEqual(report.steps.map((s) => s.id), ["bootstrap.stacks", "bootstrap.prod", "bootstrap.dr", "bootstrap.replication"]);
        assert.deepEqual(seen, [`prod up with ${KEY}=false`, "dr up", `prod up with ${KEY}=unset`]);
        assert.deepEqual(writes(ws), [`prod.setConfig ${KEY}=false`, "prod.up", `prod.removeConfig ${KEY}`, "dr.up", "prod.up"]);
        assert.equal(ws.config("prod").has(KEY), false);
        assert.equal(io.questions.length, 3);
    });

    it("an explicit false (the README's first-deploy setting) ends as true", async () => {
        const { ws, seen } = firstDeploy({ [KEY]: "false" });
        const report = await runBootstrap({ workspace: ws }, fakeIO());
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.deepEqual(seen, [`prod up with ${KEY}=false`, "dr up", `prod up with ${KEY}=true`]);
        assert.equal(ws.configObject("prod")[KEY], "true");
    });

    it("dr already deployed: step 1 is skipped, replication is never turned off", async () => {
        const { ws, seen } = firstDeploy();
        ws.setOutputs("dr", DR_OUTPUTS).setOutputs("prod", PROD_OUTPUTS);
        const report = await runBootstrap({ workspace: ws }, fakeIO());
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.match(report.steps[1].detail!, /^skipped: dr already has outputs/);
        assert.deepEqual(seen, ["dr up", `prod up with ${KEY}=unset`]);
        assert.deepEqual(writes(ws), ["dr.up", "prod.up"]);
    });

    it("dr's up fails: prod's config is as it was and step 3 does not run", async () => {
        const { ws } = firstDeploy({ [KEY]: "true" });
        ws.failUpOn("dr", 1, new Error("KMS key pending import"));
        const report = await runBootstrap({ workspace: ws }, fakeIO());
        assert.equal(report.ok, false);
        assert.deepEqual(report.steps.map((s) => s.status), ["ok", "ok", "failed", "not-run"]);
        assert.equal(report.stoppedBecause, "step 3 (Deploy dr (bootstrap step 2 of 3)) failed: pulumi up on dr failed: KMS key pending import. "
            + `prod's ${KEY} is left as it was (true); fix the cause and re-run \`bootstrap\``);
        assert.equal(ws.configObject("prod")[KEY], "true");
        assert.equal(ws.callsTo("prod", "up").length, 1);
    });

    it("prod's first up fails: the override is removed again", async () => {
        const { ws } = firstDeploy();
        ws.failUpOn("prod", 1, new Error("VPC limit"));
        const report = await runBootstrap({ workspace: ws }, fakeIO());
        assert.deepEqual(report.steps.map((s) => s.status), ["ok", "failed", "not-run", "not-run"]);
        assert.equal(ws.config("prod").has(KEY), false);
        assert.equal(ws.callsTo("dr", "up").length, 0);
    });

    it("step 3 fails: the explicit false comes back", async () => {
        const { ws } = firstDeploy({ [KEY]: "false" });
        ws.failUpOn("prod", 2, new Error("replication role not assumable"));
        const report = await runBootstrap({ workspace: ws }, fakeIO());
        assert.deepEqual(report.steps.map((s) => s.status), ["ok", "ok", "ok", "failed"]);
        assert.equal(ws.configObject("prod")[KEY], "false");
    });

    it("declining dr's update leaves prod's config as the operator had it", async () => {
        const { ws } = firstDeploy();
        const report = await runBootstrap({ workspace: ws }, fakeIO({ answers: [true, false] }));
        assert.deepEqual(report.steps.map((s) => s.status), ["ok", "ok", "declined", "not-run"]);
        assert.equal(ws.config("prod").has(KEY), false);
    });

    it("refuses a promoted dr", async () => {
        const { ws } = firstDeploy();
        ws.config("dr").set("pilot-light:promote", "true");
        const report = await runBootstrap({ workspace: ws }, fakeIO());
        assert.equal(report.steps[0].status, "failed");
        assert.match(report.stoppedBecause!, /dr has pilot-light:promote true: .*use the failback runbook instead/);
        assert.deepEqual(writes(ws), []);
    });

    describe("dr's secrets provider", () => {
        let dir: string;
        beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "pl-bootstrap-")); });
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
        const stackFile = (stack: string, provider: string) => fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), `secretsprovider: ${provider}\n`);

        it("a KMS key in prod's region stops the first step, before any update", async () => {
            stackFile("dr", "awskms://alias/pl-dr?region=us-east-1");
            const { ws } = firstDeploy();
            const report = await runBootstrap({ workspace: ws, dir }, fakeIO());
            assert.deepEqual(report.steps.map((s) => s.status), ["failed", "not-run", "not-run", "not-run"]);
            assert.equal(report.steps[0].error, "dr's secrets provider is a KMS key in us-east-1, prod's region (awskms://alias/pl-dr?region=us-east-1): "
                + "while that region is down, dr's encrypted config cannot be decrypted and no update of dr can run; use a key in us-west-2 "
                + "(a multi-Region key's replica there, mrk-..., addressed in us-west-2) or a passphrase the on-call can reach: "
                + "`pulumi stack change-secrets-provider --stack dr \"awskms://alias/<alias>?region=us-west-2\"`");
            assert.deepEqual(writes(ws), []);
        });

        it("a key in dr's region is accepted and named in the first step's record", async () => {
            stackFile("dr", "awskms://mrk-1234abcd12ab34cd56ef1234567890ab?region=us-west-2");
            const { ws } = firstDeploy();
            const report = await runBootstrap({ workspace: ws, dir }, fakeIO());
            assert.equal(report.ok, true, report.stoppedBecause);
            assert.equal(report.steps[0].detail, `dr not deployed yet; prod ${KEY} is unset (default true); secrets: dr: KMS key in us-west-2`);
        });
    });
});
