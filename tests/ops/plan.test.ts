// The plan command as a user runs it: its stdout, stderr and exit code. Run in process through
// main(argv) (tests/support/cli.ts, sharing the suite's plans); a real process only where the
// process itself is what is tested: through npm, once per exit code.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parsePlanArgs } from "../../ops/plan";
import { planCli as plan } from "../support/cli";

const ROOT = path.join(__dirname, "..", "..");

/** A copy of this project's settings in a temp folder, with one stack file of our own. */
function projectWith(stackFile: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilot-light-plan-"));
    const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")
        .replace(/^main: .*$/m, `main: ${path.join(ROOT, "stacks", "index.ts")}`);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), project);
    fs.copyFileSync(path.join(ROOT, "Pulumi.prod.yaml"), path.join(dir, "Pulumi.prod.yaml"));
    fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), stackFile);
    return dir;
}

describe("ops: the plan command", function () {
    this.timeout(120000);

    it("parses its arguments and rejects unknown ones", () => {
        assert.deepStrictEqual(parsePlanArgs(["--stack", "dr", "--promote", "--json", "--policy-config", "pack.json"]),
            { stack: "dr", dir: ROOT, promote: true, set: {}, allowRetire: [], json: true, policyConfig: path.resolve("pack.json") });
        assert.deepStrictEqual(parsePlanArgs(["--stack", "prod", "--set", "rebuildFromPeer=true", "--set", "pilot-light:databaseGeneration=2",
            "--allow-retire", "database-mysql"]).set, { rebuildFromPeer: "true", "pilot-light:databaseGeneration": "2" });
        assert.throws(() => parsePlanArgs(["--stack", "prod", "--set", "promote"]),
            /^Error: --set "promote": expected KEY=VALUE, e.g. --set databaseGeneration=2/);
        assert.throws(() => parsePlanArgs([]), /^Error: --stack is required/);
        assert.throws(() => parsePlanArgs(["--stack", "dr", "--promte"]), /Unknown option '--promte'/);
    });

    it("prints only JSON on stdout with --json: the stack, promote, resources with type tokens, and outputs", async () => {
        const r = await plan(["--stack", "dr", "--promote", "--json"]);
        assert.strictEqual(r.code, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.deepStrictEqual(Object.keys(doc), ["stack", "promote", "resources", "outputs", "policies", "changes", "dataSafety", "refused", "staticStability", "cost", "resilience"]);
        assert.strictEqual(doc.stack, "dr");
        assert.strictEqual(doc.promote, true);
        const db = doc.resources.find((x: any) => x.type === "aws:rds/instance:Instance");
        assert.deepStrictEqual(Object.keys(db), ["urn", "type", "name", "parent", "inputs"]);
        assert.strictEqual(db.urn, "urn:pulumi:dr::pilot-light::pilot-light:database:Database$aws:rds/instance:Instance::database-mysql");
        // As the engine builds it: a resource at the root has no `pulumi:pulumi:Stack$` prefix.
        assert.strictEqual(db.parent, "urn:pulumi:dr::pilot-light::pilot-light:database:Database::database");
        const token = doc.resources.find((x: any) => x.type === "random:index/randomPassword:RandomPassword");
        assert.ok(token, "the promoted dr creates the cache AUTH token");
        assert.strictEqual(doc.outputs.role, "dr");
    });

    it("runs each configuration once, and labels the program's log lines (on stderr) with the plan that printed them", async () => {
        // A fresh cache, as the CLI starts with: dr standby (and prod at bootstrap step 1, its peer)
        // for the diff; dr promoted; prod in steady state (whose peer, dr standby, is planned already).
        const r = await plan(["--stack", "dr", "--promote", "--json"], {}, { fresh: true });
        assert.strictEqual(r.code, 0, r.stderr);
        assert.strictEqual(r.runs, 4);
        assert.deepStrictEqual(r.stderr.split("\n").filter((l) => l.startsWith("[")).map((l) => l.replace(/^(.*?\[runtime\] [^:]*):.*$/, "$1")), [
            "[prod at bootstrap step 1, dr standby's peer] warning: [runtime] Bootstrap step 1 of 3",
            "[dr standby] info: [runtime] dr is in standby",
            "[dr promoted] info: [runtime] dr is PROMOTED",
        ]);
        assert.deepStrictEqual(JSON.parse(r.stdout).outputs, JSON.parse((await plan(["--stack", "dr", "--promote", "--json"])).stdout).outputs);
    });

    it("plans a drill (--set drill=true) with its reports, whose promoted dr ends the drill; --promote with it stays refused", async () => {
        const drill = await plan(["--stack", "dr", "--set", "drill=true", "--json"]);
        assert.strictEqual(drill.code, 0, drill.stderr);
        assert.ok(JSON.parse(drill.stdout).resources.some((r: { type: string }) => r.type === "aws:autoscaling/group:Group"), "a drill builds the app tier");
        const both = await plan(["--stack", "dr", "--promote", "--set", "drill=true"]);
        assert.strictEqual(both.code, 2);
        assert.match(both.stderr, /pilot-light:drill: true is not allowed together with pilot-light:promote true; a drill keeps the replica un-promoted\. Set one of them\./);
    });

    it("prints its usage on stdout and exits 0 for --help, loading none of the planner", async () => {
        const r = await plan(["--help"]);
        assert.deepStrictEqual([r.code, r.stderr], [0, ""]);
        assert.match(r.stdout, /^usage: npm run plan -- --stack NAME /);
        // What ops/plan.ts loads before it parses the arguments: Node's own modules and the
        // options (ops/planning/args.ts), nothing that loads the Pulumi SDK.
        const staticImports = (file: string) => [...fs.readFileSync(path.join(ROOT, file), "utf8")
            .matchAll(/^(?:import|export) (?!type )[^;]*? from "([^"]+)";$/gm)].map((m) => m[1]);
        assert.deepStrictEqual(staticImports("ops/plan.ts"), ["./planning/args", "./planning/args"]);
        assert.deepStrictEqual(staticImports("ops/planning/args.ts"), ["path", "util"]);
    });

    it("hints at `--` when npm took the options (npm run plan --stack dr): npm passes `dr` on and sets npm_config_stack", async () => {
        const r = await plan(["dr"], { npm_config_stack: "true", npm_config_promote: "true" });
        assert.strictEqual(r.code, 2);
        assert.strictEqual(r.stderr.split("\n")[0], "npm took --stack, --promote as its own config: options for the plan go after `--`, "
            + "as in: npm run plan -- --stack dr --promote");
        const real = spawnSync("npm", ["run", "plan", "--stack", "dr"], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(real.status, 2, real.stderr);
        assert.ok(real.stderr.includes("npm took --stack as its own config: options for the plan go after `--`, as in: npm run plan -- --stack dr\n"
            + "Unexpected argument 'dr'."), real.stderr);
    });

    it("adds the promotion diff with --promote, and exits 4 naming the data resource a --set would delete", async () => {
        const promoted = JSON.parse((await plan(["--stack", "dr", "--promote", "--json"])).stdout);
        const db = promoted.changes.find((c: any) => c.type === "aws:rds/instance:Instance");
        assert.deepStrictEqual(db, {
            urn: "urn:pulumi:dr::pilot-light::pilot-light:database:Database$aws:rds/instance:Instance::database-mysql",
            type: "aws:rds/instance:Instance", op: "update", diff: ["backupRetentionPeriod", "finalSnapshotIdentifier", "replicateSourceDb", "skipFinalSnapshot"],
        });
        assert.deepStrictEqual(promoted.dataSafety, { problems: [] });
        assert.deepStrictEqual(promoted.refused, []);
        const r = await plan(["--stack", "prod", "--set", "rebuildFromPeer=true", "--set", "databaseGeneration=2"]);
        assert.strictEqual(r.code, 4, r.stderr);
        assert.match(r.stderr, /plan failed: unsafe data change \(1\):\n  - DELETE of aws:rds\/instance:Instance "database-mysql" .*--allow-retire database-mysql/);
        assert.match(r.stdout, /- +delete +aws:rds\/instance:Instance +database-mysql \[data\] \(retained in AWS, removed from state\)/);
        const allowed = await plan(["--stack", "prod", "--set", "rebuildFromPeer=true", "--set", "databaseGeneration=2", "--allow-retire", "database-mysql"]);
        assert.strictEqual(allowed.code, 0, allowed.stderr);
    });

    it("exits 7 with the engine's message when `pulumi up` would refuse: a protected resource replaced or deleted", async () => {
        const dir = path.join(ROOT, "tests", "fixtures", "protected-resource");
        const urn = "urn:pulumi:dev::protected-resource::aws:ec2/vpc:Vpc::network";
        const replaced = await plan(["--dir", dir, "--stack", "dev", "--set", "cidr=10.1.0.0/16"]);
        assert.strictEqual(replaced.code, 7, replaced.stderr);
        assert.ok(replaced.stderr.includes(`plan failed: pulumi up would refuse (1):\n  - unable to replace resource "${urn}"\n    as it is currently marked `
            + "for protection. To unprotect the resource, remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`\n"), replaced.stderr);
        const deleted = await plan(["--dir", dir, "--stack", "dev", "--set", "keep=false", "--json"]);
        assert.strictEqual(deleted.code, 7, deleted.stderr);
        assert.deepStrictEqual(JSON.parse(deleted.stdout).refused, [`resource "${urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, `
            + "either remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`, or use the command:\n"
            + `\`pulumi state unprotect '${urn}'\``]);
    });

    it("prints only JSON through `npm run -s` too, with the policy results", () => {
        const r = spawnSync("npm", ["run", "-s", "plan", "--", "--stack", "dr", "--json"], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.deepStrictEqual(Object.keys(doc), ["stack", "promote", "resources", "outputs", "policies", "cost", "resilience"]);
        assert.deepStrictEqual(doc.policies, { violations: [] });
    });

    it("checks another Pulumi program with --dir and exits 3 on mandatory violations", async () => {
        const r = await plan(["--dir", path.join(ROOT, "tests", "fixtures", "classic-mistakes"), "--stack", "dev", "--json"]);
        assert.strictEqual(r.code, 3, r.stderr);
        const doc = JSON.parse(r.stdout);
        const policies = new Set(doc.policies.violations.map((v: any) => v.policy));
        for (const p of ["sg-no-ssh-rdp-from-internet", "secrets-not-in-user-data", "ec2-imdsv2-required", "ec2-recoverable-ebs-only",
            "rds-storage-encrypted", "rds-not-public", "rds-deletion-protection", "s3-versioning-enabled"]) {
            assert.ok(policies.has(p), `expected a ${p} violation, got ${[...policies].join(", ")}`);
        }
        assert.match(r.stderr, /mandatory policy violations?: the real engine would block this deployment\./);
    });

    it("plans a program whose entry this process has already loaded (it runs again, not from the module cache)", async () => {
        const dir = path.join(ROOT, "tests", "fixtures", "classic-mistakes");
        // Another test file (tests/policies/classicMistakes.test.ts) requires the fixture itself; the order must not matter.
        require(path.join(dir, "index.ts"));
        const r = await plan(["--dir", dir, "--stack", "dev", "--json"]);
        assert.strictEqual(r.code, 3, r.stderr);
        assert.ok(JSON.parse(r.stdout).resources.some((x: any) => x.type === "aws:ec2/instance:Instance"));
    });

    it("never prints a secret: secret inputs are redacted", async () => {
        const r = await plan(["--stack", "prod", "--json"]);
        assert.strictEqual(r.code, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        const db = doc.resources.find((x: any) => x.type === "aws:rds/instance:Instance");
        assert.strictEqual(db.inputs.password, "[secret]");
        const version = doc.resources.find((x: any) => x.type === "aws:secretsmanager/secretVersion:SecretVersion");
        assert.strictEqual(version.inputs.secretString, "[secret]");
    });

    it("prints a readable tree and a count per type", async () => {
        const r = await plan(["--stack", "dr"]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.match(r.stdout, /^Offline plan of stack "dr" \(project pilot-light\) in us-west-2, standby: no AWS call was made\./);
        assert.match(r.stdout, /├─ pilot-light:database:Database database\n│ {2}├─ aws:kms\/key:Key database-kms-key \[protected\]/);
        assert.match(r.stdout, /\n {4}1 {2}aws:rds\/instance:Instance\n/);
    });

    it("exits 2 with every config problem, printed once, and plans nothing, on bad config", async () => {
        const dir = projectWith([
            "config:",
            "  aws:region: us-east-1",
            "  pilot-light:role: primary",
            "  pilot-light:peerStack: dr",
            "  pilot-light:promote: \"true\"",
            "  pilot-light:azCount: \"5\"",
            "  pilot-light:vpcCidr: 10.10.0.0/16",
            "  pilot-light:peerRegion: us-west-2",
            "  pilot-light:replicateToPeer: \"false\"",
        ].join("\n"));
        const r = await plan(["--stack", "bad", "--dir", dir, "--json"]);
        assert.strictEqual(r.code, 2);
        assert.strictEqual(r.stdout, "");
        assert.strictEqual(r.stderr, 'Invalid configuration for stack "bad" (2 problems):\n'
            + "  - pilot-light:promote: true is not allowed on a primary stack; promote only the dr stack (role dr).\n"
            + '  - pilot-light:azCount: "5" is not allowed; expected a whole number from 2 to 3.\n');
    });

    it("refuses a bad --set before planning anything, the diff's \"before\" included", async () => {
        const r = await plan(["--stack", "prod", "--set", "pilot-lite:vpcCidr=10.20.0.0/16"], {}, { fresh: true });
        assert.strictEqual(r.code, 2, r.stderr);
        assert.strictEqual(r.runs, 0);
        assert.strictEqual(r.stderr, 'Invalid configuration for stack "prod" (1 problem):\n'
            + '  - pilot-lite:vpcCidr: "pilot-lite" is not this project\'s namespace; did you mean pilot-light:vpcCidr?\n');
    });

    it("exits 2 in Pulumi's words on a missing declared key, with a \"did you mean\" for a key in another namespace", async () => {
        const dir = projectWith([
            "config:",
            "  aws:region: us-west-2",
            "  pilot-light:role: dr",
            "  pilot-light:peerStack: prod",
            "  pilot-lite:vpcCidr: 10.20.0.0/16",
        ].join("\n"));
        const r = await plan(["--stack", "bad", "--dir", dir]);
        assert.strictEqual(r.code, 2, r.stderr);
        assert.strictEqual(r.stderr, `validating stack config (${path.join(dir, "Pulumi.bad.yaml")}):\n`
            + "  - Stack 'bad' is missing configuration value 'vpcCidr'\n"
            + "  - Pulumi.bad.yaml sets pilot-lite:vpcCidr: did you mean pilot-light:vpcCidr?\n");
    });

    it("exits 2 on a stack file without aws:region, on invalid YAML, and on a bad --policy-config", async () => {
        const noRegion = projectWith("config:\n  pilot-light:role: dr\n  pilot-light:peerStack: prod\n  pilot-light:vpcCidr: 10.20.0.0/16\n");
        const r1 = await plan(["--stack", "bad", "--dir", noRegion]);
        assert.strictEqual(r1.code, 2, r1.stderr);
        assert.match(r1.stderr, /^\/.*\/Pulumi\.bad\.yaml: missing required configuration key "aws:region": /);
        const r2 = await plan(["--stack", "bad", "--dir", projectWith("config:\n  aws:region: [us-east-1\n")]);
        assert.strictEqual(r2.code, 2, r2.stderr);
        assert.match(r2.stderr, /^\/.*\/Pulumi\.bad\.yaml is not valid YAML: /);
        const policyConfig = path.join(noRegion, "policy.json");
        fs.writeFileSync(policyConfig, "{ not json");
        const r3 = await plan(["--stack", "prod", "--policy-config", policyConfig]);
        assert.strictEqual(r3.code, 2, r3.stderr);
        assert.match(r3.stderr, /^--policy-config: \/.*\/policy\.json: not valid JSON: /);
    });

    it("exits 2 when dr and prod are in the same region", async () => {
        const dir = projectWith([
            "config:",
            "  aws:region: us-east-1",
            "  pilot-light:role: dr",
            "  pilot-light:peerStack: prod",
            "  pilot-light:vpcCidr: 10.10.0.0/16",
        ].join("\n"));
        const r = await plan(["--stack", "bad", "--dir", dir]);
        assert.strictEqual(r.code, 2);
        assert.strictEqual(r.stderr.split('Invalid configuration for stack "bad"').length, 2, `the error is printed once: ${r.stderr}`);
        assert.match(r.stderr, /aws:region: "us-east-1" is also the region of the peer stack "prod"/);
        assert.match(r.stderr, /pilot-light:vpcCidr: "10\.10\.0\.0\/16" overlaps the peer stack "prod"'s VPC CIDR "10\.10\.0\.0\/16"/);
    });

    it("names the missing stack file", async () => {
        const r = await plan(["--stack", "staging"]);
        assert.strictEqual(r.code, 2);
        assert.match(r.stderr, /no stack "staging": .*Pulumi\.staging\.yaml does not exist \(stacks here: dr, prod\)/);
    });
});
