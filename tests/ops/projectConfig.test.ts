// Pulumi's own project-config rules, as facts from its tests, applied by the offline engine
// (ops/offline/projectConfig.ts through project.ts's loadProject/loadStack). Each case names the
// Go test it ports: pulumi/pulumi at 1b5949891b3c, pkg/workspace/config_project_test.go and
// sdk/go/common/workspace/project_test.go. The projects there use `runtime: dotnet`; the offline
// engine runs nodejs programs only, so the ports say nodejs; nothing else differs.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadProject, loadStack } from "../../ops/offline/project";
import { mergeProjectConfig, readProjectConfig, validateConfigValue } from "../../ops/offline/projectConfig";
import { planStack } from "../../ops/offline/planner";

const ROOT = path.join(__dirname, "..", "..");

/** A project named `test` with this config block and a `dev` stack file: the config `pulumi up` would hand the program. */
function stackConfig(configBlock: string, stackYaml: string): Record<string, string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "project-config-"));
    fs.writeFileSync(path.join(dir, "index.js"), "");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: test\nruntime: nodejs\nmain: index.js\n${configBlock}`);
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stackYaml);
    return loadStack(loadProject(dir), "dev").config;
}

/** The message loadProject/loadStack refuse with. */
function refusal(configBlock: string, stackYaml = ""): string {
    try {
        stackConfig(configBlock, stackYaml);
    } catch (e: any) {
        return e.message;
    }
    return assert.fail("expected the project or stack to be refused");
}

describe("offline engine: Pulumi's project config rules (config_project_test.go)", () => {
    it("TestStackConfigIsInheritedFromProjectConfig: shorthand values are defaults; the stack's value wins", () => {
        assert.deepStrictEqual(stackConfig("config:\n  instanceSize: t3.micro\n  instanceCount: 20\n  protect: true\n",
            "config:\n  test:instanceSize: t4.large\n"),
        { "test:instanceSize": "t4.large", "test:instanceCount": "20", "test:protect": "true" });
    });

    it("TestNamespacedConfigValuesAreInheritedCorrectly: another namespace's shorthand is a value, lists as JSON", () => {
        assert.deepStrictEqual(stackConfig("config:\n  aws:region: us-west-1\n  pulumi:disable-default-providers: [\"*\"]\n  instanceSize: t3.micro\n",
            "config:\n  test:instanceSize: t4.large\n"),
        { "test:instanceSize": "t4.large", "aws:region": "us-west-1", "pulumi:disable-default-providers": "[\"*\"]" });
    });

    it("TestLoadingStackConfigWithoutNamespacingTheProject: a bare stack key is the project's", () => {
        assert.deepStrictEqual(stackConfig("config:\n  aws:region: us-west-1\n  instanceSize: t3.micro\n", "config:\n  instanceSize: t4.large\n"),
            { "test:instanceSize": "t4.large", "aws:region": "us-west-1" });
    });

    it("TestUntypedProjectConfigValuesAreNotValidated", () => {
        assert.deepStrictEqual(stackConfig("config:\n  instanceSize: t3.micro\n  aws:region: us-west-1\n", "config:\n  instanceSize: 9999\n  aws:region: 42\n"),
            { "test:instanceSize": "9999", "aws:region": "42" });
    });

    it("TestUntypedProjectConfigValuesWithOnlyDefaultOrOnlyValue", () => {
        assert.deepStrictEqual(stackConfig("config:\n  instanceSize:\n    default: t3.micro\n  region:\n    value: us-west-1\n", "config:\n  aws:answer: 42\n"),
            { "aws:answer": "42", "test:instanceSize": "t3.micro", "test:region": "us-west-1" });
    });

    it("TestUntypedStackConfigValuesDoNeedProjectDeclaration: an undeclared stack key passes", () => {
        assert.deepStrictEqual(stackConfig("config:\n  createVpc: true\n", "config:\n  instanceSize: 42\n"),
            { "test:instanceSize": "42", "test:createVpc": "true" });
    });

    it("TestUntypedProjectConfigObjectValuesPassedDownToStack: object values as JSON", () => {
        assert.deepStrictEqual(stackConfig("config:\n  instanceSize:\n    value:\n      hello: world\n  aws:config:\n    value:\n      region: us-west-1\n",
            "config:\n  aws:whatever: 42\n"),
        { "aws:whatever": "42", "aws:config": "{\"region\":\"us-west-1\"}", "test:instanceSize": "{\"hello\":\"world\"}" });
    });

    it("TestStackConfigErrorsWhenStackValueIsNotCorrectlyTyped", () => {
        assert.match(refusal("config:\n  values:\n    type: array\n    items:\n      type: string\n    default: [value]\n", "config:\n  test:values: someValue\n"),
            /\n {2}- Stack 'dev' with configuration key 'values' must be of type 'array<string>'$/);
    });

    it("TestStackConfigIntegerTypeIsCorrectlyValidated", () => {
        const block = "config:\n  importantNumber:\n    type: integer\n";
        assert.deepStrictEqual(stackConfig(block, "config:\n  test:importantNumber: 20\n"), { "test:importantNumber": "20" });
        assert.match(refusal(block, "config:\n  test:importantNumber: hello\n"), /- Stack 'dev' with configuration key 'importantNumber' must be of type 'integer'$/);
    });

    it("TestStackConfigErrorsWhenMissingStackValueForConfigTypeWithNoDefault: one key", () => {
        assert.match(refusal("config:\n  values:\n    type: array\n    items:\n      type: string\n"), /- Stack 'dev' is missing configuration value 'values'$/);
    });

    it("TestStackConfigErrorsWhenMissingTwoStackValueForConfigTypeWithNoDefault: two keys", () => {
        assert.match(refusal("config:\n  another:\n    type: string\n  values:\n    type: array\n    items:\n      type: string\n"),
            /- Stack 'dev' is missing configuration values 'another' and 'values'$/);
    });

    it("TestStackConfigErrorsWhenMissingMultipleStackValueForConfigTypeWithNoDefault: three keys, sorted", () => {
        assert.match(refusal("config:\n  world:\n    type: string\n  hello:\n    type: integer\n  values:\n    type: array\n    items:\n      type: string\n"),
            /- Stack 'dev' is missing configuration values 'hello', 'values' and 'world'$/);
    });

    it("TestStackConfigDoesNotErrorWhenProjectHasNotDefinedConfig", () => {
        assert.deepStrictEqual(stackConfig("", "config:\n  hello: 21\n  world: 42\n  another: 42\n"),
            { "test:hello": "21", "test:world": "42", "test:another": "42" });
    });

    it("TestStackConfigSecretIsCorrectlyValidated: a secret key must be secure in the stack file", () => {
        const block = "config:\n  importantNumber:\n    type: integer\n    secret: true\n";
        assert.deepStrictEqual(stackConfig(block, "config:\n  test:importantNumber:\n    secure: AAABAKo=\n"), { "test:importantNumber": "[offline-secret]" });
        assert.match(refusal(block, "config:\n  test:importantNumber: 20\n"),
            /- Stack 'dev' with configuration key 'importantNumber' must be encrypted as it's secret$/);
    });

    it("TestStackConfigUInt64: a number beyond 2^53 keeps every digit", () => {
        assert.deepStrictEqual(stackConfig("", "config:\n  test:instanceSize: 18446744073709551615\n"), { "test:instanceSize": "18446744073709551615" });
    });

    it("merges the missing keys before the type errors, as the CLI reports them (one message per line, in key order)", () => {
        const merged = mergeProjectConfig("prod", "test", { b: { type: "integer" }, a: { type: "string" }, c: { type: "integer", default: 1 } },
            { "test:c": { text: "many", secure: false, object: false } });
        assert.deepStrictEqual(merged.problems, [
            "Stack 'prod' is missing configuration values 'a' and 'b'",
            "Stack 'prod' with configuration key 'c' must be of type 'integer'",
        ]);
    });
});

describe("offline engine: Pulumi's checks of the config declarations (project_test.go, project.json)", () => {
    const problems = (block: unknown) => readProjectConfig("test", block, "Pulumi.yaml").problems;

    it("TestProjectValidationSucceedsForObjectConfigType", () => {
        assert.deepStrictEqual(problems({ example: { type: "object", default: { hello: "world" } } }), []);
    });

    it("TestProjectValidationFailsForIncorrectDefaultValueType", () => {
        assert.deepStrictEqual(problems({ instanceSize: { type: "integer", default: "hello" } }),
            ["could not unmarshal 'Pulumi.yaml': The default value specified for configuration key 'instanceSize' is not of the expected type 'integer'"]);
        assert.deepStrictEqual(problems({ values: { type: "array", items: { type: "array", items: { type: "string" } }, default: ["hello"] } }),
            ["could not unmarshal 'Pulumi.yaml': The default value specified for configuration key 'values' is not of the expected type 'array<array<string>>'"]);
    });

    it("TestProjectValidationSucceedsForCorrectDefaultValueType", () => {
        assert.deepStrictEqual(problems({ instanceSize: { type: "integer", default: 1 } }), []);
        assert.deepStrictEqual(problems({ values: { type: "array", items: { type: "array", items: { type: "string" } }, default: [["hello"]] } }), []);
    });

    it("TestProjectLoadsConfigSchemas: full and shorthand declarations of every type", () => {
        const { decls, problems: found } = readProjectConfig("test", {
            integerSchemaFull: { type: "integer", description: "a very important value", default: 1 }, integerSchemaSimple: 20,
            textSchemaFull: { type: "string", default: "t3.micro" }, textSchemaSimple: "t4.large",
            booleanSchemaFull: { type: "boolean", default: true }, booleanSchemaSimple: false,
            simpleArrayOfStrings: { type: "array", items: { type: "string" }, default: ["hello"] },
            arrayOfArrays: { type: "array", items: { type: "array", items: { type: "string" } } },
            secretString: { type: "string", secret: true },
        }, "Pulumi.yaml");
        assert.deepStrictEqual(found, []);
        assert.strictEqual(Object.keys(decls).length, 9);
        assert.deepStrictEqual(decls.integerSchemaSimple, { default: 20 });
        assert.deepStrictEqual(decls.booleanSchemaSimple, { default: false });
    });

    it("TestNamespacedProjectConfigShouldNotBeExplicitlyTyped", () => {
        assert.deepStrictEqual(problems({ "aws:region": { type: "string", value: { region: "us-west-1" } } }),
            ["could not unmarshal 'Pulumi.yaml': Configuration key 'aws:region' is not namespaced by the project and should not define a type"]);
    });

    it("TestProjectConfigCannotHaveBothValueAndDefault", () => {
        assert.deepStrictEqual(problems({ instanceSize: { type: "string", default: "t3.micro", value: "t4.large" } }),
            ["could not unmarshal 'Pulumi.yaml': project config 'instanceSize' cannot have both a 'default' and 'value' attribute"]);
    });

    it("TestProjectConfigCannotBeTypedArrayWithoutItems", () => {
        assert.deepStrictEqual(problems({ instanceSize: { type: "array", default: ["t3.micro", "t4.large"] } }),
            ["could not unmarshal 'Pulumi.yaml': The configuration key 'instanceSize' declares an array but does not specify the underlying type via the 'items' attribute"]);
    });

    it("TestNamespacedProjectConfigShouldNotBeProvideDefault", () => {
        assert.deepStrictEqual(problems({ "aws:region": { default: "us-west-1" } }),
            ["could not unmarshal 'Pulumi.yaml': Configuration key 'aws:region' is not namespaced by the project and should not define a default value. "
                + "Did you mean to use the 'value' attribute instead of 'default'?"]);
    });

    it("project.json: a type outside string, integer, boolean, array and object, or an unknown attribute, fails the schema", () => {
        assert.deepStrictEqual(problems({ tags: { type: "map", defualt: {} } }), [
            "could not validate 'Pulumi.yaml': #/config/tags: additionalProperties 'defualt' not allowed",
            "could not validate 'Pulumi.yaml': #/config/tags/type: value must be one of \"string\", \"integer\", \"boolean\", \"array\", \"object\"",
        ]);
    });

    it("ValidateConfigValue: integers as Go's strconv.Atoi reads them, booleans only as true/false", () => {
        assert.deepStrictEqual(["20", "+20", "-3", "2.5", " 2", "9223372036854775808"].map((v) => validateConfigValue("integer", undefined, v)),
            [true, true, true, false, false, false]);
        assert.deepStrictEqual(["true", "false", "True", "yes"].map((v) => validateConfigValue("boolean", undefined, v)), [true, true, false, false]);
        assert.deepStrictEqual([{}, [], "{}"].map((v) => validateConfigValue("object", undefined, v)), [true, false, false]);
    });
});

describe("offline engine: this project under Pulumi's rules", () => {
    it("the committed stack files pass: nothing declared without a default is missing, every value has its type", () => {
        const project = loadProject(ROOT);
        for (const stack of ["prod", "dr"]) {
            assert.doesNotThrow(() => loadStack(project, stack), `Pulumi would refuse Pulumi.${stack}.yaml`);
        }
        assert.strictEqual(loadStack(project, "prod").config["pilot-light:tags"], "{\"application\":\"wordpress\",\"cost-center\":\"web\"}");
    });

    /** A copy of this project with one stack file of our own. */
    function projectWith(stackFile: string): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilot-light-config-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")
            .replace(/^main: .*$/m, `main: ${path.join(ROOT, "stacks", "index.ts")}`));
        fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), stackFile);
        return dir;
    }

    it("refuses to plan a stack that lacks a declared key without a default, in Pulumi's words", async () => {
        const dir = projectWith("config:\n  aws:region: us-east-1\n  pilot-light:role: primary\n  pilot-light:peerRegion: us-west-2\n"
            + "  pilot-light:replicateToPeer: false\n  pilot-light:vpcCdir: 10.10.0.0/16\n");
        await assert.rejects(planStack({ dir, stack: "bad" }), {
            name: "ProjectFileError",
            message: `validating stack config (${path.join(dir, "Pulumi.bad.yaml")}):\n`
                + "  - Stack 'bad' is missing configuration values 'peerStack' and 'vpcCidr'\n"
                + "  - Pulumi.bad.yaml sets pilot-light:vpcCdir: did you mean pilot-light:vpcCidr?",
        });
    });

    it("refuses to plan a stack without aws:region, naming the file and the key (no default region)", async () => {
        const dir = projectWith("config:\n  pilot-light:role: dr\n  pilot-light:peerStack: prod\n  pilot-light:vpcCidr: 10.20.0.0/16\n");
        await assert.rejects(planStack({ dir, stack: "bad" }), {
            name: "ProjectFileError",
            message: `${path.join(dir, "Pulumi.bad.yaml")}: missing required configuration key "aws:region": The region where AWS operations will take place. `
                + "Examples are us-east-1, us-west-2, etc. Set a value using the command `pulumi config set aws:region <value> --stack bad`.",
        });
    });

    it("refuses a tags value that is not a map, as Pulumi's type check does", async () => {
        const dir = projectWith("config:\n  aws:region: us-west-2\n  pilot-light:role: dr\n  pilot-light:peerStack: prod\n"
            + "  pilot-light:vpcCidr: 10.20.0.0/16\n  pilot-light:tags: team=web\n");
        await assert.rejects(planStack({ dir, stack: "bad" }), /\n {2}- Stack 'bad' with configuration key 'tags' must be of type 'object'$/);
    });
});
