// The runbook CLI: usage errors (exit 2) with messages that say what is allowed, --dry-run that
// touches neither Pulumi nor AWS, --json that keeps stdout one JSON object; then the real
// process (node with ops/register.js, as npm run runbook starts it), with AWS credentials unset and every AWS call or Pulumi CLI
// spawn recorded by a preload hook.
import { strict as assert } from "assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CliEnv, main, usage } from "../../ops/runbook";
import { OfflinePlan, PlanRequest } from "../../ops/runbooks/failover";
import { fakeIO, FakeWorkspace, useAwsMocks } from "./support/fakeWorkspace";

const aws = useAwsMocks();
const ROOT = path.resolve(__dirname, "../..");

function env(opts: { plan?: OfflinePlan; workspace?: FakeWorkspace } = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const planned: PlanRequest[] = [];
    let workspaces = 0;
    const io = fakeIO();
    const cli: CliEnv = {
        stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, ask: async () => "n",
        workspace: () => {
            workspaces++;
            if (!opts.workspace) throw new Error("no workspace in this test");
            return opts.workspace;
        },
        planner: async (r) => { planned.push(r); return opts.plan ?? { changes: [{ op: "create" }], unsafe: [], text: "1 to create" }; },
        now: io.now, sleep: io.sleep,
    };
    return { cli, out, err, planned, workspaces: () => workspaces };
}

describe("runbooks: CLI", () => {
    beforeEach(() => aws.reset());

    describe("usage errors exit 2 and say what is allowed", () => {
        const cases: [string[], RegExp][] = [
            [[], /^error: no runbook named; give one of: failover, bootstrap/],
            [["nope"], /^error: unknown runbook "nope"; known: failover, bootstrap/],
            [["failover", "bootstrap"], /^error: one runbook at a time; got "failover", "bootstrap"/],
            [["failover", "--frobnicate"], /^error: Unknown option '--frobnicate'/],
            [["failover", "--max-lag-seconds", "soon"], /^error: --max-lag-seconds "soon" is not allowed; it must be a whole number of at least 0/],
            [["failover", "--timeout-minutes", "0"], /^error: --timeout-minutes "0" is not allowed; it must be a whole number of at least 1/],
            [["failover", "--prod-stack"], /^error: Option '--prod-stack <value>' argument missing/],
            [["bootstrap", "--accept-lag"], /^error: --accept-lag does not apply to bootstrap; it accepts no extra options/],
            [["failover", "--dir", "/nonexistent"], /^error: --dir \/nonexistent has no Pulumi.yaml; it must be the pilot-light project folder/],
            [["failover", "--prod-stack", "dr"], /^error: --prod-stack and --dr-stack are both "dr"; they must be different stacks/],
            [["failover", "--from-step", "2"], /^error: --from-step does not apply to failover; it accepts --max-lag-seconds, --accept-lag, --timeout-minutes/],
            [["failback", "--from-step", "two"], /^error: --from-step "two" is not allowed; it must be a whole number of at least 0/],
            [["failback", "--switchover-at", "tomorrow"], /^error: --switchover-at "tomorrow" is not allowed; expected an ISO 8601 time such as 2026-12-01T02:00:00Z/],
        ];
        for (const [argv, message] of cases) {
            it(argv.join(" ") || "(nothing)", async () => {
                const e = env();
                assert.equal(await main(argv, e.cli), 2);
                assert.match(e.err.join("\n"), message);
                assert.match(e.err.join("\n"), /usage: npm run runbook -- <name>/);
                assert.deepEqual(e.out, []);
                assert.equal(e.workspaces(), 0);
            });
        }
    });

    it("--help lists every runbook and exits 0", async () => {
        const e = env();
        assert.equal(await main(["--help"], e.cli), 0);
        assert.equal(e.out.join("\n"), usage());
        assert.match(usage(), /^  failover .*\(also: --max-lag-seconds, --accept-lag, --timeout-minutes, --force\)$/m);
        assert.match(usage(), /^  bootstrap /m);
    });

    it("--dry-run plans offline and creates no workspace and sends no AWS command", async () => {
        const e = env();
        assert.equal(await main(["failover", "--dry-run", "--dr-stack", "acme/pilot-light/dr", "--prod-stack", "acme/pilot-light/prod"], e.cli), 0);
        assert.deepEqual(e.planned, [{ dir: ROOT, stack: "dr", from: { "pilot-light:promote": "false" }, to: { "pilot-light:promote": "true" } }]);
        assert.equal(e.out.slice(1).join("\n"), "failover --dry-run: promote: pilot-light:promote false→true on acme/pilot-light/dr\n1 to create");
        assert.match(e.out[0], /^failover --dry-run: a real run takes these steps \(none runs now\):\n  1\. Read the acme\/pilot-light\/prod and acme\/pilot-light\/dr stacks\n/);
        assert.equal(e.workspaces(), 0);
        assert.deepEqual(aws.commandNames(), []);
    });

    it("--dry-run --json prints one JSON object; an unsafe plan exits 1", async () => {
        const e = env({ plan: { changes: [{ op: "replace" }], unsafe: ["database-mysql would be replaced"], text: "1 to replace" } });
        assert.equal(await main(["failover", "--dry-run", "--json"], e.cli), 1);
        assert.equal(e.out.length, 1);
        const { steps, ...report } = JSON.parse(e.out[0]);
        assert.deepEqual([steps.length, steps[0], steps[13]], [14, "Read the prod and dr stacks", "Wait for the zone's name servers to answer with the dr load balancer"]);
        assert.deepEqual(report, {
            runbook: "failover", dryRun: true, ok: false,
            plans: [{
                what: "promote: pilot-light:promote false→true on dr", stack: "dr",
                from: { "pilot-light:promote": "false" }, to: { "pilot-light:promote": "true" },
                changes: [{ op: "replace" }], unsafe: ["database-mysql would be replaced"],
            }],
        });
        assert.match(e.err.join("\n"), /UNSAFE:\n  - database-mysql would be replaced/);
    });

    it("bootstrap --dry-run lists all its steps and plans step 3 on prod (steps 1 and 2 create everything)", async () => {
        const e = env();
        assert.equal(await main(["bootstrap", "--dry-run"], e.cli), 0);
        assert.equal(e.out[0], "bootstrap --dry-run: a real run takes these steps (none runs now):\n"
            + "  1. Read the prod and dr stacks\n"
            + "  2. Deploy prod with media replication off (bootstrap step 1 of 3)\n"
            + "  3. Deploy dr (bootstrap step 2 of 3)\n"
            + "  4. Deploy prod with media replication on (bootstrap step 3 of 3)");
        assert.equal(e.workspaces(), 0);
        assert.deepEqual(e.planned.map((p) => [p.stack, p.from, p.to]),
            [["prod", { "pilot-light:replicateToPeer": "false" }, { "pilot-light:replicateToPeer": "true" }]]);
    });

    it("--json runs put the report alone on stdout and progress on stderr", async () => {
        const ws = new FakeWorkspace({ prod: { config: {} }, dr: { config: { "pilot-light:promote": "true" } } });
        const e = env({ workspace: ws });
        assert.equal(await main(["bootstrap", "--json", "--yes"], e.cli), 1);
        assert.equal(e.out.length, 1);
        const report = JSON.parse(e.out[0]);
        assert.equal(report.runbook, "bootstrap");
        assert.deepEqual(report.steps.map((s: any) => s.status), ["failed", "not-run", "not-run", "not-run"]);
        assert.match(e.err.join("\n"), /^▶ 1\/4 Read the prod and dr stacks/m);
        assert.match(e.err.join("\n"), /^bootstrap: STOPPED in /m);
    });

    describe("as a process (npm run runbook's command), with AWS credentials unset", function () {
        this.timeout(120_000);
        let dir: string;
        let hook: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "runbook-cli-"));
            hook = path.join(dir, "record.js");
            // Records every AWS SDK send and every spawn of a `pulumi` binary in the runbook process
            // (npx's own process loads the hook too, so it checks argv first), then fails them.
            fs.writeFileSync(hook, `
const fs = require("fs");
if (process.argv.some((a) => a.endsWith("ops/runbook.ts"))) {
    const log = (what) => fs.appendFileSync(process.env.RUNBOOK_CALL_LOG, what + "\\n");
    const { Client } = require(require.resolve("@smithy/core/client", { paths: [process.cwd()] }));
    Client.prototype.send = function (command) { log("aws " + command.constructor.name); return Promise.reject(new Error("AWS call in a test")); };
    const cp = require("child_process");
    for (const fn of ["spawn", "execFile", "exec", "spawnSync", "execFileSync", "execSync"]) {
        const real = cp[fn];
        cp[fn] = function (cmd, ...rest) {
            if (require("path").basename(String(cmd)).split(" ")[0] === "pulumi") log("spawn " + cmd);
            return real.call(this, cmd, ...rest);
        };
    }
}
`);
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        function run(args: string[], env: NodeJS.ProcessEnv = {}) {
            const callLog = path.join(dir, `calls-${Date.now()}.log`);
            fs.writeFileSync(callLog, "");
            const childEnv: NodeJS.ProcessEnv = {};
            for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AWS_") && k !== "NODE_OPTIONS") childEnv[k] = v;
            Object.assign(childEnv, {
                AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: path.join(dir, "none"), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "none"),
                NODE_OPTIONS: `--require ${hook}`, RUNBOOK_CALL_LOG: callLog, PULUMI_CONFIG_PASSPHRASE: "",
            }, env);
            const r = spawnSync(process.execPath, ["-r", "./ops/register.js", "ops/runbook.ts", ...args], { cwd: ROOT, env: childEnv, encoding: "utf8" });
            return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: fs.readFileSync(callLog, "utf8").split("\n").filter(Boolean) };
        }

        it("failover --dry-run --json plans offline: exit 0, one JSON object, no AWS call, no pulumi spawn", () => {
            const r = run(["failover", "--dry-run", "--json"]);
            assert.equal(r.status, 0, r.stderr);
            assert.deepEqual(r.calls, []);
            const out = JSON.parse(r.stdout);
            assert.equal(out.runbook, "failover");
            assert.equal(out.dryRun, true);
            assert.equal(out.ok, true);
            assert.deepEqual(out.plans[0].unsafe, []);
            const ops = out.plans[0].changes.map((c: any) => `${c.op} ${c.name}`);
            // The replica is updated in place, never replaced, and the app servers are created; the ALB
            // they serve from (CloudFront's origin, without a domain) was made in standby.
            assert.ok(ops.includes("update database-mysql"), ops.join(", "));
            assert.ok(ops.includes("create app-servers-asg"), ops.join(", "));
            assert.ok(!ops.some((o: string) => o.endsWith("-alb") || o.includes("cdn")), ops.join(", "));
            assert.ok(!out.plans[0].changes.some((c: any) => c.op === "replace"));
            assert.match(r.stderr, /failover --dry-run: promote: pilot-light:promote false→true on dr/);
            assert.equal(out.steps.length, 14);
            assert.equal(out.steps[9], "Stop prod's app servers if its region answers, promote the dr replica and build the app tier");
        });

        it("without a Pulumi CLI on PATH, says so in one line and exits 1 before any step runs", () => {
            const home = path.join(dir, "home");
            const r = run(["drill", "--yes"], { PATH: path.dirname(process.execPath), HOME: home });
            assert.equal(r.status, 1, r.stderr);
            assert.equal(r.stderr, "error: this runbook needs the Pulumi CLI (`pulumi`), which is not on PATH; install it (curl -fsSL "
                + "https://get.pulumi.com | sh, or see https://www.pulumi.com/docs/iac/download-install/) and put it on PATH. "
                + "--dry-run needs no CLI: it plans offline.\n");
            assert.equal(r.stdout, "");
            assert.deepEqual(r.calls, []);
        });

        it("a usage error exits 2", () => {
            const r = run(["failover", "--max-lag-seconds", "-5"]);
            assert.equal(r.status, 2, r.stderr);
            assert.match(r.stderr, /error: /);
            assert.equal(r.stdout, "");
            assert.deepEqual(r.calls, []);
        });
    });
});
