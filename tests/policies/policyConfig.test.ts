// The policy pack config, held to the Pulumi CLI's handling: cases ported from pulumi/pulumi
// v3.248.0 pkg/resource/analyzer/config_test.go (parse, reconcile, validation), each with what
// the CLI does and what the offline check does; where the offline check is stricter on purpose
// (a key naming no policy, an undeclared property) its message says so.
import { strict as assert } from "assert";
import { Policies, ResourceValidationPolicy } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { loadPolicyConfig, parsePolicyConfig, policyInfos, reconcilePolicyConfig } from "../../ops/policy/config";

function policy(name: string, enforcementLevel: ResourceValidationPolicy["enforcementLevel"],
    properties?: Record<string, PolicyConfigJSONSchema>, required?: string[]): ResourceValidationPolicy {
    return {
        name, description: name, enforcementLevel, validateResource: () => undefined,
        ...(properties ? { configSchema: { properties, ...(required ? { required } : {}) } } : {}),
    };
}

/** A pack whose policies the CLI's test cases name: foo, policy1, policy2 (string properties foo and bar). */
const PACK: Policies = [
    policy("foo", "advisory", { bar: { type: "string" } }),
    policy("policy1", "advisory", { foo: { type: "string" } }),
    policy("policy2", "advisory", { foo: { type: "string" } }),
];

/** The outcome of the offline check: the parsed config, or the error's message. */
function outcome(json: unknown, policies: Policies = PACK): unknown {
    try {
        return parsePolicyConfig(json, "config.json", policies);
    } catch (e: any) {
        return e.message;
    }
}

describe("policy pack config, as the Pulumi CLI handles it", () => {
    it("accepts what the CLI's parser accepts (TestParsePolicyPackConfigSuccess)", () => {
        assert.deepEqual(outcome({}), {});
        assert.deepEqual(outcome({ foo: { enforcementLevel: "advisory" } }), { foo: { enforcementLevel: "advisory" } });
        assert.deepEqual(outcome({ foo: { enforcementLevel: "mandatory", bar: "blah" } }),
            { foo: { enforcementLevel: "mandatory", properties: { bar: "blah" } } });
        // An empty object sets nothing, and the CLI drops it.
        assert.deepEqual(outcome({ foo: {} }), {});
        assert.deepEqual(outcome({ foo: { bar: "blah" } }), { foo: { properties: { bar: "blah" } } });
        assert.deepEqual(outcome({ foo: "remediate" }), { foo: { enforcementLevel: "remediate" } });
        assert.deepEqual(outcome({ all: "mandatory", policy1: { foo: "one" }, policy2: { foo: "two" } }), {
            all: { enforcementLevel: "mandatory" }, policy1: { properties: { foo: "one" } }, policy2: { properties: { foo: "two" } },
        });
    });

    it("reads an empty or blank file as no config, as the CLI does", () => {
        for (const text of ["", "    ", "\t", "\n"]) {
            const file = join(mkdtempSync(join(tmpdir(), "policy-config-")), "config.json");
            writeFileSync(file, text);
            assert.deepEqual(loadPolicyConfig(file), {});
        }
    });

    it("refuses what the CLI's parser refuses (TestParsePolicyPackConfigFail, TestExtractEnforcementLevelFail)", () => {
        const levels = "(expected advisory, mandatory, remediate or disabled)";
        assert.deepEqual([[], null, 0, true, false].map((v) => outcome({ foo: v })),
            ["[]", "null", "0", "true", "false"].map((v) => `config.json: policy "foo": expected an enforcement level or an object, got ${v}`));
        assert.deepEqual(["", "bar"].map((v) => outcome({ foo: v })),
            ["", "bar"].map((v) => `config.json: policy "foo": unknown enforcement level "${v}" ${levels}`));
        assert.deepEqual([[], null, 0, true, false, {}, "", "bar"].map((v) => outcome({ foo: { enforcementLevel: v } })),
            ["[]", "null", "0", "true", "false", "{}", "\"\"", "\"bar\""].map((v) => `config.json: policy "foo": unknown enforcement level ${v} ${levels}`));
        assert.equal(outcome([]), "config.json: the policy pack config must be a JSON object, got []");
    });

    it("refuses ESC environments, which only the CLI with Pulumi Cloud can resolve", () => {
        assert.equal(outcome({ environments: ["org/secrets"], foo: "advisory" }),
            "config.json: \"environments\" names Pulumi ESC environments, which only the Pulumi CLI logged in to Pulumi Cloud can resolve; "
            + "the offline check cannot, so it refuses them");
    });

    it("is stricter than the CLI on purpose, and says so: a key naming no policy, a property no schema declares", () => {
        // The CLI passes both on to the pack, whose policies never read them: a typo goes unnoticed.
        assert.equal(outcome({ "rds-backup-retentoin": { minimumRetentionDays: 14 } }),
            "config.json: unknown policy \"rds-backup-retentoin\" (the Pulumi CLI would pass it on and the pack would ignore it; "
            + "the offline check is stricter and refuses it as a likely typo)");
        assert.equal(outcome({ policy1: { fooo: "x" } }),
            "config.json: policy \"policy1\": unknown property \"fooo\" (the Pulumi CLI would pass it on and the policy would ignore it; "
            + "the offline check is stricter and refuses it as a likely typo)");
        assert.equal(outcome({ all: { enforcementLevel: "advisory", foo: 1 } }),
            "config.json: \"all\": unknown property \"foo\" (the Pulumi CLI would pass it on and the policy would ignore it; "
            + "the offline check is stricter and refuses it as a likely typo)");
    });

    it("reconciles as ReconcilePolicyPackConfig: own level, then \"all\", then the policy's entry; defaults under given values", () => {
        const infos = policyInfos([
            policy("policy-one", "advisory", { foo: { type: "string", default: "bar" }, n: { type: "number", default: 42 } }),
            policy("policy-two", "disabled"),
        ]);
        assert.deepEqual(reconcilePolicyConfig(infos, {}, {}), {
            "policy-one": { enforcementLevel: "advisory", properties: { foo: "bar", n: 42 } },
            "policy-two": { enforcementLevel: "disabled", properties: {} },
        });
        assert.deepEqual(reconcilePolicyConfig(infos, {}, { all: { enforcementLevel: "mandatory" } }), {
            "policy-one": { enforcementLevel: "mandatory", properties: { foo: "bar", n: 42 } },
            "policy-two": { enforcementLevel: "mandatory", properties: {} },
            all: { enforcementLevel: "mandatory", properties: {} },
        });
        assert.deepEqual(reconcilePolicyConfig(infos, { "policy-two": { enforcementLevel: "advisory" } },
            { all: { enforcementLevel: "mandatory" }, "policy-one": { enforcementLevel: "advisory", properties: { foo: "overridden" } } }), {
            "policy-one": { enforcementLevel: "advisory", properties: { foo: "overridden", n: 42 } },
            "policy-two": { enforcementLevel: "mandatory", properties: {} },
            all: { enforcementLevel: "mandatory", properties: {} },
        });
    });

    it("validates the reconciled config as the CLI does (TestReconcilePolicyPackConfigValidationErrors)", () => {
        const pack = (properties: Record<string, PolicyConfigJSONSchema>, required?: string[]): Policies => [policy("foo-policy", "advisory", properties, required)];
        // A required property: missing fails, a default satisfies it.
        assert.equal(outcome({}, pack({ foo: { type: "string" } }, ["foo"])), "config.json: policy \"foo-policy\": \"foo\" is required");
        assert.deepEqual(outcome({}, pack({ foo: { type: "string", default: "bar" } }, ["foo"])), {});
        // A bad default fails even when the user sets nothing; so does a bad given value.
        assert.equal(outcome({}, pack({ foo: { type: "string", default: 1 } })), "config.json: policy \"foo-policy\": \"foo\" must be a string, got 1");
        assert.equal(outcome({}, pack({ foo: { type: "string", enum: ["bar", "baz"], default: "blah" } })),
            "config.json: policy \"foo-policy\": \"foo\" must be one of \"bar\", \"baz\", got \"blah\"");
        assert.equal(outcome({ "foo-policy": { foo: 1 } }, pack({ foo: { type: "string" } })),
            "config.json: policy \"foo-policy\": \"foo\" must be a string, got 1");
        assert.equal(outcome({ "foo-policy": { foo: 1.5 } }, pack({ foo: { type: "integer" } })),
            "config.json: policy \"foo-policy\": \"foo\" must be an integer, got 1.5");
        assert.deepEqual(outcome({ "foo-policy": { foo: 42 } }, pack({ foo: { type: "number" } })), { "foo-policy": { properties: { foo: 42 } } });
        // Keywords the offline check does not implement are refused rather than half-checked.
        assert.equal(outcome({}, pack({ foo: { type: "string", maxLength: 3, default: "this value is too long" } })),
            "config.json: policy \"foo-policy\": the schema of \"foo\" uses maxLength, which the offline check does not implement");
    });
});
