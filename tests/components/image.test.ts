import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { recordResources, Recording } from "../support/offline";
import { digest } from "../../ops/offline/fakes";
import type * as imageModule from "../../components/image";

const AMI_COPY = "aws:ec2/amiCopy:AmiCopy";
const CUSTOM_AMI = "ami-0123456789abcdef0";
const AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply(resolve));
}

describe("image validators", () => {
    let image: typeof imageModule;
    before(async () => {
        image = await import("../../components/image");
    });

    it("chooses custom, copy or public", () => {
        assert.strictEqual(image.imageSource({ region: "us-east-1" }), "public");
        assert.strictEqual(image.imageSource({ region: "us-east-1", customAmiId: CUSTOM_AMI, customAmiRegion: "us-east-1" }), "custom");
        assert.strictEqual(image.imageSource({ region: "ap-northeast-2", customAmiId: CUSTOM_AMI, customAmiRegion: "us-east-1" }), "copy");
    });

    it("accepts 8- and 17-digit AMI IDs, outputs, and GovCloud/China regions", () => {
        assert.deepStrictEqual(image.appImageProblems({ region: "us-gov-west-1", customAmiId: "ami-12345678", customAmiRegion: "cn-north-1" }), []);
        assert.deepStrictEqual(image.appImageProblems({ region: "us-east-1", customAmiId: pulumi.output("anything"), customAmiRegion: "us-east-1" }), []);
    });

    it("names the field and value of each problem", () => {
        const both = " set both to use a custom AMI, or neither for the public image";
        assert.deepStrictEqual(image.appImageProblems({ region: "us-east-1", customAmiRegion: "eu-west-1" }),
            [`customAmiRegion is "eu-west-1" but customAmiId is not set;${both}`]);
        assert.deepStrictEqual(image.appImageProblems({ region: "us-east-1", customAmiId: CUSTOM_AMI }),
            [`customAmiId is "${CUSTOM_AMI}" but customAmiRegion is not set;${both}`]);
        assert.deepStrictEqual(image.appImageProblems({ region: "us-east-1", customAmiId: pulumi.output(CUSTOM_AMI) }),
            [`customAmiId is set (as an output) but customAmiRegion is not set;${both}`]);
        for (const bad of ["ami-1234567", "ami-0123456789abcdef01", "ami-0123456789ABCDEF0", "i-0123456789abcdef0", ""]) {
            assert.deepStrictEqual(image.appImageProblems({ region: "us-east-1", customAmiId: bad, customAmiRegion: "us-east-1" }),
                [`customAmiId "${bad}" is not an AMI ID (ami- followed by 8 to 17 lowercase hex digits)`], bad);
        }
        assert.deepStrictEqual(image.appImageProblems({ region: "useast1", ssmParameterName: " " }), [
            "region \"useast1\" is not an AWS region code such as \"us-east-1\"",
            "ssmParameterName is empty; leave it unset for the Amazon Linux 2023 default",
        ]);
        assert.deepStrictEqual(image.appImageProblems({ region: "us-east-1", customAmiId: CUSTOM_AMI, customAmiRegion: "US-EAST-1" }),
            ["customAmiRegion \"US-EAST-1\" is not an AWS region code such as \"us-east-1\""]);
    });
});

describe("AppImage", () => {
    let rec: Recording;
    let image: typeof imageModule;

    beforeEach(async () => {
        rec = await recordResources("ap-northeast-2");
        image = await import("../../components/image");
    });

    it("public: resolves the default SSM parameter in this region and creates no resource", async () => {
        const img = new image.AppImage("app", { region: "ap-northeast-2" });
        assert.strictEqual(img.source, "public");
        const id = await valueOf(img.imageId);
        await rec.settle();
        // The offline engine's stable fake AMI for this region and parameter.
        assert.strictEqual(id, `ami-${digest("ap-northeast-2", AL2023).slice(0, 17)}`);
        assert.deepStrictEqual(rec.childTypes(rec.one("pilot-light:image:AppImage", "app").urn), []);
    });

    it("public: uses the given SSM parameter", async () => {
        const name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";
        const img = new image.AppImage("arm", { region: "ap-northeast-2", ssmParameterName: name });
        assert.strictEqual(await valueOf(img.imageId), `ami-${digest("ap-northeast-2", name).slice(0, 17)}`);
    });

    it("custom: uses the AMI as is when it lives in this region", async () => {
        const img = new image.AppImage("app", { region: "ap-northeast-2", customAmiId: CUSTOM_AMI, customAmiRegion: "ap-northeast-2" });
        assert.strictEqual(img.source, "custom");
        assert.strictEqual(await valueOf(img.imageId), CUSTOM_AMI);
        await rec.settle();
        assert.deepStrictEqual(rec.childTypes(rec.one("pilot-light:image:AppImage", "app").urn), []);
    });

    it("copy: copies an AMI from another region, encrypted, and uses the copy", async () => {
        const img = new image.AppImage("app", {
            region: "ap-northeast-2", customAmiId: CUSTOM_AMI, customAmiRegion: "us-east-1", tags: { env: "dr" },
        });
        assert.strictEqual(img.source, "copy");
        const id = await valueOf(img.imageId);
        await rec.settle();
        const component = rec.one("pilot-light:image:AppImage", "app");
        assert.deepStrictEqual(rec.childTypes(component.urn), [AMI_COPY]);
        const copy = rec.one(AMI_COPY, "app-copy");
        assert.strictEqual(copy.parent, component.urn);
        assert.strictEqual(copy.inputs.sourceAmiId, CUSTOM_AMI);
        assert.strictEqual(copy.inputs.sourceAmiRegion, "us-east-1");
        assert.strictEqual(copy.inputs.encrypted, true);
        assert.strictEqual(copy.inputs.kmsKeyId, undefined);
        assert.strictEqual(copy.inputs.description, `${CUSTOM_AMI} copied from us-east-1 for app`);
        assert.deepStrictEqual(copy.inputs.tags, { env: "dr" });
        assert.strictEqual(id, copy.id);
        assert.match(id, /^ami-[0-9a-f]{17}$/);
    });

    it("copy: encrypts with the given KMS key", async () => {
        const key = "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        new image.AppImage("app", { region: "ap-northeast-2", customAmiId: CUSTOM_AMI, customAmiRegion: "us-east-1", kmsKeyArn: key });
        await rec.settle();
        assert.strictEqual(rec.one(AMI_COPY, "app-copy").inputs.kmsKeyId, key);
    });

    it("rejects inconsistent arguments with every problem in one error, registering nothing", async () => {
        assert.throws(() => new image.AppImage("bad", { region: "ap-northeast-2", customAmiId: "ami-xyz" }), {
            message: "AppImage \"bad\": invalid arguments:\n  - customAmiId is \"ami-xyz\" but customAmiRegion is not set; set both to use a custom AMI,"
                + " or neither for the public image\n  - customAmiId \"ami-xyz\" is not an AMI ID (ami- followed by 8 to 17 lowercase hex digits)",
        });
        assert.throws(() => new image.AppImage("bad2", { region: "ap-northeast-2", customAmiRegion: "us-east-1" }), {
            message: "AppImage \"bad2\": invalid arguments:\n  - customAmiRegion is \"us-east-1\" but customAmiId is not set; set both to use a custom AMI,"
                + " or neither for the public image",
        });
        await rec.settle();
        assert.deepStrictEqual(rec.records, []);
    });
});
