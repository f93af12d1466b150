// The offline evaluator: config defaults and overrides, enforcement levels, the CLI config file,
// engine-like arguments (components, providers, unknowns) and the violation table.
import { strict as assert } from "assert";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ResourceValidationPolicy, StackValidationPolicy, unknownCheckingProxy } from "@pulumi/policy";
import { evaluatePolicies, formatViolationTable, loadPolicyConfig, Violation } from "../../ops/policy/evaluate";
import { findUserDataSecrets } from "../../policies/ec2/userData";
import { compliantProd, findings, PROD_REGION, res } from "./support";

function configFile(text: string): string {
    const file = join(mkdtempSync(join(tmpdir(), "policy-config-")), "config.json");
    writeFileSync(file, text);
    return file;
}

describe("offline policy evaluator", () => {
    it("a threshold override changes the outcome", async () => {
        const s = compliantProd();
        assert.deepEqual(await findings(s, PROD_REGION, "rds-backup-retention"), []);
        const out = await findings(s, PROD_REGION, "rds-backup-retention", { "rds-backup-retention": { minimumRetentionDays: 14 } });
        assert.deepEqual(out.map((f) => f.message), ["database \"db\" keeps backups for 7 day(s); set backupRetentionPeriod to at least 14"]);
    });

    it("honours enforcement overrides: disabled skips, advisory downgrades, all applies to every policy", async () => {
        const s = compliantProd();
        s.get("db").inputs.publiclyAccessible = true;
        const levels = async (config?: Record<string, any>): Promise<string[]> =>
            (await evaluatePolicies(s.resources, { stackRegion: PROD_REGION, policyConfig: config })).map((v) => `${v.policy}:${v.level}`);
        assert.deepEqual(await levels(), ["rds-not-public:mandatory"]);
        assert.deepEqual(await levels({ "rds-not-public": "disabled" }), []);
        assert.deepEqual(await levels({ "rds-not-public": { enforcementLevel: "advisory" } }), ["rds-not-public:advisory"]);
        assert.deepEqual(await levels({ all: "advisory" }), ["rds-not-public:advisory"]);
        assert.deepEqual(await levels({ all: "disabled", "rds-not-public": "mandatory" }), ["rds-not-public:mandatory"]);
    });

    it("loadPolicyConfig reads the CLI's JSON and rejects bad JSON, unknown levels, policies and values", () => {
        assert.deepEqual(loadPolicyConfig(configFile("{\"all\":\"advisory\",\"rds-backup-retention\":{\"minimumRetentionDays\":14}}")),
            { all: "advisory", "rds-backup-retention": { minimumRetentionDays: 14 } });
        const bad = configFile("{ \"all\": ");
        assert.throws(() => loadPolicyConfig(bad), { message: `${bad}: not valid JSON: Unexpected end of JSON input` });
        const level = configFile("{\"rds-not-public\":\"warn\",\"all\":{\"enforcementLevel\":\"strict\"}}");
        assert.throws(() => loadPolicyConfig(level), { message: [
            `${level}: policy "rds-not-public": unknown enforcement level "warn" (expected advisory, mandatory, remediate or disabled)`,
            `${level}: "all": unknown enforcement level "strict" (expected advisory, mandatory, remediate or disabled)`,
        ].join("\n") });
        const values = configFile("{\"rds-backup-retentoin\":\"advisory\",\"rds-backup-retention\":{\"minimumRetentionDays\":\"seven\",\"days\":1}}");
        assert.throws(() => loadPolicyConfig(values), { message: [
            `${values}: unknown policy "rds-backup-retentoin" (the Pulumi CLI would pass it on and the pack would ignore it; `
                + "the offline check is stricter and refuses it as a likely typo)",
            `${values}: policy "rds-backup-retention": unknown property "days" (the Pulumi CLI would pass it on and the policy `
                + "would ignore it; the offline check is stricter and refuses it as a likely typo)",
        ].join("\n") });
        const types = configFile("{\"rds-backup-retention\":{\"minimumRetentionDays\":\"seven\"}}");
        assert.throws(() => loadPolicyConfig(types),
            { message: `${types}: policy "rds-backup-retention": "minimumRetentionDays" must be an integer, got "seven"` });
        assert.throws(() => loadPolicyConfig("/nonexistent/config.json"),
            { message: "/nonexistent/config.json: cannot read the policy pack config: ENOENT: no such file or directory, open '/nonexistent/config.json'" });
    });

    it("evaluatePolicies rejects an invalid policyConfig", async () => {
        await assert.rejects(evaluatePolicies([], { stackRegion: PROD_REGION, policyConfig: { "rds-not-public": "loud" } }),
            { message: "policyConfig: policy \"rds-not-public\": unknown enforcement level \"loud\" (expected advisory, mandatory, remediate or disabled)" });
    });

    it("passes components and providers to resource policies as the engine does, with the default aws provider synthesized", async () => {
        const component = { ...res("pilot-light:app:App", "app", { anything: 1 }), custom: false };
        const provider = res("pulumi:providers:aws", "west", { region: "us-west-2" });
        const plain = res("aws:sns/topic:Topic", "ops");
        const pinned = { ...res("aws:sns/topic:Topic", "pinned"), provider: `${provider.urn}::id-1`, parent: component.urn };
        const seen: string[] = [];
        const probe: ResourceValidationPolicy = {
            name: "probe", description: "records what it sees", enforcementLevel: "advisory",
            validateResource: (args) => {
                seen.push(`${args.name} ${args.provider ? `${args.provider.name}:${args.provider.type}:${args.provider.props.region ?? "-"}` : "none"} parent=${args.opts.parent ?? "-"}`);
            },
        };
        const stackSeen: string[] = [];
        const stackProbe: StackValidationPolicy = {
            name: "stack-probe", description: "records the stack", enforcementLevel: "advisory",
            validateStack: (args) => {
                for (const r of args.resources) {
                    stackSeen.push(`${r.name} parent=${r.parent?.name ?? "-"}`);
                }
            },
        };
        await evaluatePolicies([component, provider, plain, pinned], { stackRegion: PROD_REGION }, [probe, stackProbe]);
        // The engine registers (and analyzes) the default provider before its first user.
        assert.deepEqual(seen, [
            "app none parent=-",
            "west none parent=-",
            "default none parent=-",
            "ops default:pulumi:providers:aws:us-east-1 parent=-",
            `pinned west:pulumi:providers:aws:us-west-2 parent=${component.urn}`,
        ]);
        assert.deepEqual(stackSeen, ["app parent=-", "west parent=-", "default parent=-", "ops parent=-", "pinned parent=app"]);
    });

    it("turns an unknown value into an advisory, as the engine does during preview", async () => {
        const unknown = res("aws:rds/instance:Instance", "db", { storageEncrypted: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7" });
        const policy: ResourceValidationPolicy = {
            name: "reads-unknown", description: "reads", enforcementLevel: "mandatory",
            validateResource: (args, report) => { if (args.props.storageEncrypted !== true) report("not encrypted"); },
        };
        const out = await evaluatePolicies([unknown], { stackRegion: PROD_REGION }, [policy]);
        // The policy server's wording (@pulumi/policy 1.21.0 server.js), with the pack's name and version.
        const message = "can't run policy 'reads-unknown' from policy pack 'pilot-light-policies@v0.1.0' during preview: "
            + "boolean value at .storageEncrypted can't be known during preview";
        assert.deepEqual(out.filter((v) => v.urn === unknown.urn), [{ policy: "reads-unknown", level: "advisory", urn: unknown.urn, message, cliMessage: message }]);
        assert.equal(typeof unknownCheckingProxy, "function");
    });

    it("formats violations as a table, mandatory first", () => {
        assert.equal(formatViolationTable([]), "No policy violations.");
        const v: Omit<Violation, "cliMessage">[] = [
            { policy: "ec2-detailed-monitoring", level: "advisory", urn: "urn:pulumi:prod::p::aws:ec2/instance:Instance::web", message: "basic" },
            { policy: "rds-not-public", level: "mandatory", urn: "urn:pulumi:prod::p::pulumi:pulumi:Stack$aws:rds/instance:Instance::db", message: "public" },
            { policy: "rds-dr-replica", level: "mandatory", urn: "", message: "no db" },
        ];
        assert.equal(formatViolationTable(v.map((x) => ({ ...x, cliMessage: x.message }))), [
            "LEVEL      POLICY                   RESOURCE                         MESSAGE",
            "---------  -----------------------  -------------------------------  -------",
            "mandatory  rds-dr-replica           (stack)                          no db",
            "mandatory  rds-not-public           db (aws:rds/instance:Instance)   public",
            "advisory   ec2-detailed-monitoring  web (aws:ec2/instance:Instance)  basic",
            "",
            "3 violation(s): 2 mandatory, 1 advisory.",
        ].join("\n"));
    });

    it("finds literal secrets in user data but allows references", () => {
        assert.deepEqual(findUserDataSecrets([
            "DB_PASSWORD=\"$(aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text)\"",
            "export API_TOKEN=${API_TOKEN}",
            "SECRET_ARN=arn:aws:secretsmanager:us-east-1:123456789012:secret:x",
            "mysql -u admin -p\"$DB_PASSWORD\" -h db",
            "docker login --password-stdin -u AWS",
        ].join("\n")), []);
        assert.deepEqual(findUserDataSecrets("PASSWORD=hunter2\nmysql -pSecret\nkey=AKIAABCDEFGHIJKLMNOP"), [
            { line: 1, what: "PASSWORD=…" }, { line: 2, what: "mysql -p…" }, { line: 3, what: "an AWS access key ID" },
        ]);
    });
});
