// Opt-in, real AWS and the real Pulumi CLI: the read-only part of the failover (its preflight
// steps) against deployed stacks. Nothing here changes anything: the promote and verify steps
// are not run, and confirm always answers no. Enable with PILOT_LIGHT_INTEGRATION=1, the
// `pulumi` CLI on PATH (logged in to the stacks' backend) and AWS credentials for both regions.
// Stack names: PILOT_LIGHT_PROD_STACK and PILOT_LIGHT_DR_STACK (defaults `prod` and `dr`).
import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { failoverSteps } from "../../ops/runbooks/failover";
import { renderTimeline, RunbookIO, runSteps } from "../../ops/runbooks/runner";
import { automationWorkspace } from "../../ops/runbooks/workspace";

const ROOT = path.resolve(__dirname, "../..");

function onPath(binary: string): boolean {
    return (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)
        .some((dir) => fs.existsSync(path.join(dir, binary)) || fs.existsSync(path.join(dir, `${binary}.exe`)));
}

/** Whether the SDK's default credential chain has something to find (not whether it works). */
function awsCredentialsConfigured(): boolean {
    const env = process.env;
    if ((env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE
        || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return true;
    const home = os.homedir();
    return [env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, ".aws", "credentials"), env.AWS_CONFIG_FILE ?? path.join(home, ".aws", "config")]
        .some((f) => fs.existsSync(f));
}

/** Why the test cannot run here, or undefined when it can. */
function whySkipped(): string | undefined {
    if (process.env.PILOT_LIGHT_INTEGRATION !== "1") {
        return "PILOT_LIGHT_INTEGRATION is not 1 (this test calls real AWS and the real Pulumi CLI; set it to 1 to opt in)";
    }
    if (!onPath("pulumi")) return "the `pulumi` CLI is not on PATH (the Automation API drives it to read stack config and outputs)";
    if (!awsCredentialsConfigured()) {
        return "no AWS credentials in the environment or the shared config/credentials files (AWS_PROFILE, AWS_ACCESS_KEY_ID, ~/.aws/...)";
    }
    return undefined;
}

describe("runbooks: integration (real AWS, read-only failover preflight)", function () {
    this.timeout(10 * 60_000);

    it("passes every preflight check against the deployed stacks", async function () {
        const why = whySkipped();
        if (why) {
            console.log(`    skipped: ${why}`);
            this.skip();
        }
        const lines: string[] = [];
        const io: RunbookIO = {
            log: (line) => { lines.push(line); console.log(`    ${line}`); },
            confirm: async () => false,
            now: () => Date.now(),
            sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        };
        const all = failoverSteps({
            workspace: automationWorkspace(ROOT), dir: ROOT,
            prodStack: process.env.PILOT_LIGHT_PROD_STACK ?? "prod", drStack: process.env.PILOT_LIGHT_DR_STACK ?? "dr",
        });
        const preflight = all.filter((s) => s.id.startsWith("preflight."));
        // Read-only by construction: the only steps run are checks, none of them data-affecting.
        assert.ok(preflight.length > 0 && preflight.every((s) => !s.dataAffecting));
        const report = await runSteps("failover preflight", preflight, io);
        console.log(renderTimeline(report).split("\n").map((l) => `    ${l}`).join("\n"));
        assert.equal(report.ok, true, report.stoppedBecause);
    });
});
