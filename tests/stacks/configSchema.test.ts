// The config schema is the single source: Pulumi.yaml declares exactly what it says, the README
// documents every key, and the program's StackConfig carries every key.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseConfig } from "../../stacks/config";
import { CONFIG_KEYS, CONFIG_SCHEMA, ConfigKey, isDeclared, OPTIONAL_KEYS, parseValue, specOf } from "../../stacks/configSchema";

const ROOT = path.join(__dirname, "..", "..");
const PROJECT_TEXT = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
const PROJECT = parse(PROJECT_TEXT);

describe("config schema: Pulumi.yaml agrees with it", () => {
    it("declares exactly the keys every stack sets or that have a default, and nothing else", () => {
        assert.deepStrictEqual(Object.keys(PROJECT.config), CONFIG_KEYS.filter(isDeclared));
        // Pulumi has no optional keys: these would make every stack that leaves them out "missing".
        assert.deepStrictEqual([...OPTIONAL_KEYS], ["peerRegion", "customAmiId", "domainName", "hostedZoneId", "databaseHost"]);
        // What every stack must set (no default), as Pulumi will require it.
        assert.deepStrictEqual(CONFIG_KEYS.filter((k) => specOf(k).required), ["role", "peerStack", "vpcCidr"]);
    });

    for (const k of CONFIG_KEYS.filter(isDeclared)) {
        it(`declares ${k} with the schema's type, default and description`, () => {
            const spec = specOf(k);
            const decl = PROJECT.config[k];
            assert.deepStrictEqual(Object.keys(decl).sort(), [...(spec.default !== undefined ? ["default"] : []), "description", "type"]);
            assert.strictEqual(decl.type, spec.type);
            assert.deepStrictEqual(decl.default, spec.default);
            assert.strictEqual(decl.description, spec.description);
        });
    }

    it("documents every undeclared key, and aws:region, in its comment block", () => {
        for (const k of [...OPTIONAL_KEYS.map((o) => `pilot-light:${o}`), "aws:region"]) {
            assert.match(PROJECT_TEXT, new RegExp(`^#   ${k}\\b`, "m"), `${k} is not documented in Pulumi.yaml's comment block`);
        }
    });

    it("types tags as an object with an empty default (the shape stacks set it in)", () => {
        assert.deepStrictEqual(PROJECT.config.tags, { type: "object", default: {}, description: CONFIG_SCHEMA.tags.description });
    });
});

describe("config schema: the README and the program", () => {
    it("the README's configuration table names every key", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Architecture"));
        for (const k of CONFIG_KEYS) {
            assert.match(section, new RegExp(`\`(pilot-light:)?${k}\``), `the README's configuration table lacks ${k}`);
        }
    });

    it("StackConfig carries every key (and aws:region as region)", () => {
        const cfg = parseConfig({
            "aws:region": "us-east-1", "pilot-light:role": "primary", "pilot-light:peerStack": "dr",
            "pilot-light:peerRegion": "us-west-2", "pilot-light:vpcCidr": "10.10.0.0/16",
        }, "prod");
        assert.deepStrictEqual(Object.keys(cfg).sort(), [...CONFIG_KEYS, "region"].sort());
    });
});

describe("config schema: parseValue", () => {
    const cases: [ConfigKey, string | undefined, unknown, string | undefined][] = [
        ["azCount", undefined, 2, undefined],
        ["azCount", "", 2, undefined],
        ["azCount", "3", 3, undefined],
        ["azCount", "03", 3, undefined],
        ["azCount", "three", 2, 'pilot-light:azCount: "three" is not allowed; expected a whole number from 2 to 3.'],
        ["promote", "true", true, undefined],
        ["promote", "True", false, 'pilot-light:promote: "True" is not allowed; expected true or false.'],
        ["role", undefined, undefined, "pilot-light:role: not set; expected primary or dr."],
        ["customAmiId", undefined, undefined, undefined],
        ["tags", '{"team":"web"}', { team: "web" }, undefined],
        ["tags", '{"team":1}', {}, 'pilot-light:tags: "{\\"team\\":1}" is not allowed; expected a map of tag names to string values.'],
        ["singletonMode", "standby-failover", "standby-failover", undefined],
        ["wafLoginRateLimit", undefined, 100, undefined],
        ["wafLoginRateLimit", "10", 10, undefined],
        ["wafLoginRateLimit", "9", 100, 'pilot-light:wafLoginRateLimit: "9" is not allowed; expected a whole number from 10 to 2000000000.'],
        ["wafLoginRateLimit", "2000000001", 100, 'pilot-light:wafLoginRateLimit: "2000000001" is not allowed; expected a whole number from 10 to 2000000000.'],
        ["wafLoginRateLimit", "1e3", 100, 'pilot-light:wafLoginRateLimit: "1e3" is not allowed; expected a whole number from 10 to 2000000000.'],
    ];
    for (const [k, raw, value, problem] of cases) {
        it(`${k} = ${JSON.stringify(raw)}`, () => {
            const got = parseValue(k, raw);
            assert.deepStrictEqual({ value: got.value, problem: got.problem }, { value, problem });
        });
    }
});
