// Where dr's secrets provider lives: a KMS key in prod's region (or one whose region depends on
// the CLI's settings) is refused with a message saying what to use instead; a multi-Region key's
// replica or a key in dr's region, a passphrase and the backend's default are accepted. The URL
// forms are Pulumi's (https://www.pulumi.com/docs/iac/concepts/secrets/#aws-key-management-service-kms).
import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    describeSecretsProvider, drSecretsProblem, parseSecretsProvider, readSecretsProvider,
} from "../../ops/runbooks/secretsProvider";

const FIX = "use a key in us-west-2 (a multi-Region key's replica there, mrk-..., addressed in us-west-2) or a passphrase the on-call "
    + "can reach: `pulumi stack change-secrets-provider --stack dr \"awskms://alias/<alias>?region=us-west-2\"`";

describe("runbooks: secrets provider of the dr stack", () => {
    it("reads the key's region from an ARN (any partition) or from ?region=", () => {
        assert.deepEqual(parseSecretsProvider("awskms:///arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            { kind: "awskms", url: "awskms:///arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", keyRegion: "us-east-1" });
        assert.equal((parseSecretsProvider("awskms:///arn:aws-cn:kms:cn-north-1:111122223333:key/k") as any).keyRegion, "cn-north-1");
        assert.equal((parseSecretsProvider("awskms://alias/pl-dr?region=us-west-2") as any).keyRegion, "us-west-2");
        assert.equal((parseSecretsProvider("awskms://mrk-1234abcd12ab34cd56ef1234567890ab?awssdk=v2&region=us-west-2") as any).keyRegion, "us-west-2");
        assert.deepEqual(parseSecretsProvider("awskms://alias/pl-dr"), { kind: "awskms", url: "awskms://alias/pl-dr", keyRegion: undefined });
        assert.deepEqual(parseSecretsProvider(undefined), { kind: "default" });
        assert.deepEqual(parseSecretsProvider("default"), { kind: "default" });
        assert.deepEqual(parseSecretsProvider("passphrase"), { kind: "passphrase" });
        assert.deepEqual(parseSecretsProvider("gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k"),
            { kind: "other", url: "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k" });
    });

    it("refuses a KMS key in prod's region, with the exact reason and fix", () => {
        const url = "awskms:///arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert.equal(drSecretsProblem("dr", parseSecretsProvider(url), "us-east-1", "us-west-2"),
            `dr's secrets provider is a KMS key in us-east-1, prod's region (${url}): while that region is down, `
            + `dr's encrypted config cannot be decrypted and no update of dr can run; ${FIX}`);
        // A multi-Region key addressed in prod's region is still a call to prod's region.
        assert.match(drSecretsProblem("dr", parseSecretsProvider("awskms://mrk-1234abcd12ab34cd56ef1234567890ab?region=us-east-1"), "us-east-1", "us-west-2")!,
            /^dr's secrets provider is a KMS key in us-east-1, prod's region/);
    });

    it("refuses a key that names no region (the CLI's AWS region would decide)", () => {
        assert.equal(drSecretsProblem("dr", parseSecretsProvider("awskms://alias/pl-dr"), "us-east-1", "us-west-2"),
            `dr's secrets provider awskms://alias/pl-dr names no region, so it depends on the CLI's AWS region; ${FIX}`);
    });

    it("accepts a multi-Region key's replica in dr, a dr-region key, a passphrase and the default", () => {
        for (const url of [
            "awskms://mrk-1234abcd12ab34cd56ef1234567890ab?region=us-west-2",
            "awskms:///arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
            "awskms://alias/pl-dr?region=us-west-2",
            // A third region is neither prod's nor dr's: it survives prod's outage.
            "awskms://alias/pl-dr?region=eu-west-1",
            "passphrase",
            undefined,
        ]) {
            assert.equal(drSecretsProblem("dr", parseSecretsProvider(url), "us-east-1", "us-west-2"), undefined, String(url));
        }
    });

    it("reads secretsprovider from Pulumi.<stack>.yaml (last segment of org/project/stack); no file is the default", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pl-secrets-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.dr.yaml"), "secretsprovider: awskms://alias/pl-dr?region=us-west-2\nconfig:\n  aws:region: us-west-2\n");
            fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  aws:region: us-east-1\n");
            assert.deepEqual(readSecretsProvider(dir, "acme/pilot-light/dr"),
                { kind: "awskms", url: "awskms://alias/pl-dr?region=us-west-2", keyRegion: "us-west-2" });
            assert.deepEqual(readSecretsProvider(dir, "prod"), { kind: "default" });
            assert.deepEqual(readSecretsProvider(dir, "staging"), { kind: "default" });
            assert.equal(describeSecretsProvider("dr", readSecretsProvider(dir, "dr")), "dr: KMS key in us-west-2");
            assert.equal(describeSecretsProvider("prod", { kind: "passphrase" }), "prod: passphrase (PULUMI_CONFIG_PASSPHRASE must be at hand)");
            assert.equal(describeSecretsProvider("dr", parseSecretsProvider("awskms://alias/x")), "dr: KMS key in an unnamed region");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
