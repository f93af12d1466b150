// The force-new generator's parts on a made-up provider package (tests/fixtures/provider-source):
// reading SDKv2 and framework schemas, the conditional sites, the bridge's names; and, opt-in,
// regenerating the committed table from the real provider sources.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { conditionalSites } from "../../ops/diff/forceNew/conditionalSites";
import { attrConstant, entriesOf } from "../../ops/diff/forceNew/generate";
import { dirSource } from "../../ops/diff/forceNew/providerSource";
import { readSchema, SchemaAttr, SchemaContext } from "../../ops/diff/forceNew/schemaReader";
import { plural, Props, pulumiName, SdkTypings } from "../../ops/diff/forceNew/sdkInputs";

const ROOT = path.join(__dirname, "..", "..");
const SRC = dirSource(path.join(ROOT, "tests", "fixtures", "provider-source"));
const DIR = "internal/service/demo";
const FILE = `${DIR}/demo.go`;

function context(): SchemaContext {
    return {
        decl: (n) => SRC.decl(DIR, n),
        constant: (i) => (i.startsWith("names.Attr") ? attrConstant(i) : SRC.constant(DIR, i)),
        external: new Set(),
    };
}

/** `name kind[1] in|out FORCENEW|conditional at` per attribute, children indented. */
function outline(attrs: SchemaAttr[], indent = ""): string[] {
    return attrs.flatMap((a) => [
        `${indent}${a.tf} ${a.kind}${a.maxItemsOne ? "1" : ""} ${a.input ? "in" : "out"}${a.forceNew ? " FORCENEW" : ""}${a.conditional ? ` ${a.conditional}` : ""} ${a.at}`,
        ...outline(a.children, `${indent}  `),
    ]);
}

describe("diff: the force-new generator", function () {
    this.timeout(120000);

    it("reads an SDKv2 schema: constants as keys, helpers, nested blocks, and the ForceNew line of each attribute", () => {
        const ctx = context();
        assert.deepStrictEqual(outline(readSchema(SRC.decl(DIR, "resourceThing")!, ctx)), [
            `arn value out FORCENEW ${FILE}:23`,
            `destination value in FORCENEW ${FILE}:28`,
            `extra value in FORCENEW ${FILE}:69`,
            `kms_key_id value in FORCENEW ${FILE}:34`,
            `lifecycle_hook set in ${FILE}:36`,
            `  name value in FORCENEW ${FILE}:41`,
            `  timeout value in FORCENEW ${FILE}:17`,
            `policy value in FORCENEW ${FILE}:46`,
            `root_volume list1 in ${FILE}:47`,
            `  encrypted value in FORCENEW ${FILE}:53`,
            `  volume_size value in ${FILE}:54`,
            `size value in ${FILE}:58`,
            `tags value in ${FILE}:59`,
        ]);
        // `shared` is a closure of the declaration, followed like a helper.
        assert.deepStrictEqual([...ctx.external].sort(), ["sdkv2.JSONDocumentSchemaRequiredForceNew", "tftags.TagsSchema"]);
    });

    it("reads a framework schema: RequiresReplace forces a new resource, RequiresReplaceIf is conditional", () => {
        assert.deepStrictEqual(outline(readSchema(SRC.decl(DIR, "ruleResource.Schema")!, context())), [
            `group_id value in FORCENEW ${FILE}:87`,
            `id value out ${FILE}:83`,
            `label value in stringplanmodifier.RequiresReplaceIf ${FILE}:93`,
            `note value in ${FILE}:96`,
            `target list in ${FILE}:101`,
            `  arn value in FORCENEW ${FILE}:106`,
        ]);
    });

    it("finds the replacements decided in code: CustomizeDiff helpers and inline ForceNewIf, ModifyPlan", () => {
        const ctx = context();
        assert.deepStrictEqual(conditionalSites("resourceThing", SRC.decl(DIR, "resourceThing")!, ctx), [
            { terraform: "mode", site: "thingCustomizeDiff", at: `${FILE}:75` },
            { terraform: "size", site: "resourceThing", at: `${FILE}:10` },
        ]);
        const modifyPlan = SRC.decl(DIR, "ruleResource.ModifyPlan")!;
        assert.deepStrictEqual(conditionalSites("ruleResource.Schema", SRC.decl(DIR, "ruleResource.Schema")!, ctx, { name: "ruleResource.ModifyPlan", decl: modifyPlan }),
            [{ terraform: "note", site: "ruleResource.ModifyPlan", at: `${FILE}:117` }]);
    });

    it("turns the schema into table entries: whole inputs, nested paths, and sets as a whole", () => {
        const nested: Record<string, Props> = {
            "demo.ThingRootVolume": new Map([["encrypted", "pulumi.Input<boolean>"], ["volumeSize", "pulumi.Input<number>"]]),
            "demo.ThingLifecycleHook": new Map([["name", "pulumi.Input<string>"], ["timeout", "pulumi.Input<string>"]]),
        };
        const sdk = { nestedOf: (t: string) => nested[/inputs\.(\w+\.\w+)/.exec(t)?.[1] ?? ""] } as unknown as SdkTypings;
        const props: Props = new Map([
            ["destination", "pulumi.Input<string>"], ["extra", "pulumi.Input<string>"], ["kmsKeyId", "pulumi.Input<string>"],
            ["lifecycleHooks", "pulumi.Input<pulumi.Input<inputs.demo.ThingLifecycleHook>[]>"], ["policy", "pulumi.Input<string>"],
            ["rootVolume", "pulumi.Input<inputs.demo.ThingRootVolume>"], ["size", "pulumi.Input<number>"],
        ]);
        const notInSdk: string[] = [];
        const entries = entriesOf(readSchema(SRC.decl(DIR, "resourceThing")!, context()), props, sdk, { destination: "destination" }, notInSdk);
        assert.deepStrictEqual(entries.map((e) => e.path.join(".")), ["destination", "extra", "kmsKeyId", "lifecycleHooks", "policy", "rootVolume.encrypted"]);
        assert.deepStrictEqual(entries.find((e) => e.path[0] === "lifecycleHooks")!.at, [`${FILE}:41`, `${FILE}:17`]);
        assert.deepStrictEqual(notInSdk, []);
    });

    it("names attributes as the Pulumi bridge does: camelCase, plurals for repeated blocks, explicit renames", () => {
        const props: Props = new Map([["validationOptions", ""], ["ipv6CidrBlock", ""], ["name", ""], ["policies", ""]]);
        assert.strictEqual(pulumiName("validation_option", true, props), "validationOptions");
        assert.strictEqual(pulumiName("ipv6_cidr_block", false, props), "ipv6CidrBlock");
        assert.strictEqual(pulumiName("alarm_name", false, props, { alarm_name: "name" }), "name");
        assert.strictEqual(pulumiName("alarm_name", false, props), undefined);
        assert.deepStrictEqual(["policy", "address", "hook", "day"].map(plural), ["policies", "addresses", "hooks", "days"]);
    });

    it("reads the provider's attribute constants like names/attr_constants.csv spells them", () => {
        const cases: [string, string][] = [
            ["names.AttrKMSKeyID", "kms_key_id"], ["names.AttrVPCID", "vpc_id"], ["names.AttrIDs", "ids"], ["names.AttrARNs", "arns"],
            ["names.AttrCIDRBlock", "cidr_block"], ["names.AttrS3Bucket", "s3_bucket"], ["names.AttrCloudWatchLogGroupARN", "cloudwatch_log_group_arn"],
            ["names.AttrAWSAccountID", "aws_account_id"], ["names.AttrIPAddressType", "ip_address_type"], ["names.AttrSecurityGroupIDs", "security_group_ids"],
        ];
        assert.deepStrictEqual(cases.map(([go]) => attrConstant(go)), cases.map(([, snake]) => snake));
        assert.strictEqual(SRC.constant(DIR, "attrDestination"), "destination");
    });

    // Opt-in: needs the providers' source, e.g. `fetch` of lonegunmanb/terraform-provider-aws-index
    // and hashicorp/terraform-provider-random. PROVIDER_SOURCES="<aws git dir>@v6.58.0 <random git dir>@v3.9.0".
    it("regenerates exactly the committed table from the providers' source (PROVIDER_SOURCES)", function () {
        const sources = process.env.PROVIDER_SOURCES?.split(/\s+/).filter(Boolean);
        if (!sources || sources.length !== 2) this.skip();
        const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "ts-node"),
            ["--transpile-only", path.join(ROOT, "ops", "diff", "forceNew", "generate.ts"), "--aws", sources![0], "--random", sources![1], "--check"],
            { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        assert.match(r.stderr, /table\.json is up to date/);
    });
});
