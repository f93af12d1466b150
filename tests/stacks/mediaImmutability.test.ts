// pilot-light:mediaImmutability as pure functions: parsing with exact messages, the mapping to an
// Object Lock default retention, the check that a locked bucket only ever replicates into a
// locked one (stacks/peer.ts), and the China warning.
import * as assert from "assert";
import { ConfigError, mediaObjectLock, parseConfig, RawConfig } from "../../stacks/config";
import { checkPeer } from "../../stacks/peer";
import { unverifiedServiceWarnings } from "../../stacks/services";

const PROD: RawConfig = {
    "aws:region": "us-east-1", "pilot-light:role": "primary", "pilot-light:peerStack": "dr",
    "pilot-light:peerRegion": "us-west-2", "pilot-light:vpcCidr": "10.10.0.0/16",
};
const DR: RawConfig = { "aws:region": "us-west-2", "pilot-light:role": "dr", "pilot-light:peerStack": "prod", "pilot-light:vpcCidr": "10.20.0.0/16" };
const PROD_OUT = {
    role: "primary", promote: false, region: "us-east-1", vpcCidr: "10.10.0.0/16", peerRegion: "us-west-2",
    dbInstanceArn: "arn:aws:rds:us-east-1:123456789012:db:pilot-light-prod",
    dbCredentialsSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
    dbAppCredentialsSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-app-GhIjKl", mediaBucketArn: "arn:aws:s3:::media-prod",
};
const DR_OUT = { role: "dr", promote: false, region: "us-west-2", vpcCidr: "10.20.0.0/16", mediaBucketArn: "arn:aws:s3:::media-dr" };

function problems(raw: RawConfig): string[] {
    try {
        parseConfig(raw, "test");
        return [];
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
}

describe("config: pilot-light:mediaImmutability", () => {
    it("defaults to none for 30 days, which asks for no lock", () => {
        const cfg = parseConfig(PROD, "prod");
        assert.deepStrictEqual([cfg.mediaImmutability, cfg.mediaImmutabilityDays], ["none", 30]);
        assert.strictEqual(mediaObjectLock(cfg), undefined);
    });

    it("maps each Object Lock value to its S3 retention mode, with the days", () => {
        const governance = parseConfig({ ...DR, "pilot-light:mediaImmutability": "object-lock-governance", "pilot-light:mediaImmutabilityDays": "45" }, "dr");
        assert.deepStrictEqual(mediaObjectLock(governance), { mode: "GOVERNANCE", retentionDays: 45 });
        const compliance = parseConfig({ ...DR, "pilot-light:mediaImmutability": "object-lock-compliance" }, "dr");
        assert.deepStrictEqual(mediaObjectLock(compliance), { mode: "COMPLIANCE", retentionDays: 30 });
    });

    it("names the key, the bad value and what is allowed", () => {
        assert.deepStrictEqual(problems({ ...PROD, "pilot-light:mediaImmutability": "object-lock-governence" }), [
            'pilot-light:mediaImmutability: "object-lock-governence" is not allowed; expected one of none, object-lock-governance, object-lock-compliance (AWS Backup for S3 is not offered: README, "Media you cannot lose") (did you mean object-lock-governance?).',
        ]);
        assert.deepStrictEqual(problems({ ...PROD, "pilot-light:mediaImmutability": "aws-backup" }), [
            'pilot-light:mediaImmutability: "aws-backup" is not allowed; expected one of none, object-lock-governance, object-lock-compliance '
            + '(AWS Backup for S3 is not offered: README, "Media you cannot lose").',
        ]);
        assert.deepStrictEqual(problems({ ...PROD, "pilot-light:mediaImmutabilityDays": "366" }), [
            'pilot-light:mediaImmutabilityDays: "366" is not allowed; expected a whole number from 1 to 365.',
        ]);
        assert.deepStrictEqual(problems({ ...PROD, "pilot-light:mediaImmutabilityDays": "0" }), [
            'pilot-light:mediaImmutabilityDays: "0" is not allowed; expected a whole number from 1 to 365.',
        ]);
    });
});

describe("config: a locked bucket replicates only into a locked bucket", () => {
    const lockedProd = parseConfig({ ...PROD, "pilot-light:mediaImmutability": "object-lock-compliance" }, "prod");
    const lockedDr = parseConfig({ ...DR, "pilot-light:mediaImmutability": "object-lock-governance" }, "dr");
    const openDr = parseConfig(DR, "dr");

    it("accepts both locked, both open, and a locked destination under an open source", () => {
        assert.deepStrictEqual(checkPeer(lockedProd, { ...DR_OUT, mediaImmutability: "object-lock-governance" }), []);
        assert.deepStrictEqual(checkPeer(parseConfig(PROD, "prod"), { ...DR_OUT, mediaImmutability: "object-lock-compliance" }), []);
        assert.deepStrictEqual(checkPeer(lockedDr, { ...PROD_OUT, mediaImmutability: "none" }), []);
        assert.deepStrictEqual(checkPeer(lockedDr, PROD_OUT), [], "a prod of an older program exports nothing: none");
        assert.deepStrictEqual(checkPeer(openDr, PROD_OUT), []);
    });

    it("refuses prod locked while dr is not, telling the order", () => {
        assert.deepStrictEqual(checkPeer(lockedProd, { ...DR_OUT, mediaImmutability: "none" }), [
            'pilot-light:mediaImmutability: "object-lock-compliance" is not allowed while the dr stack "dr" has none; prod\'s locked versions would fail to replicate '
            + 'into dr\'s unlocked bucket (DstBucketObjectLockConfigMissing). Set pilot-light:mediaImmutability on dr and run `pulumi up` there first.',
        ]);
        assert.strictEqual(checkPeer(lockedProd, DR_OUT).length, 1, "a dr of an older program counts as none");
        const bootstrap = parseConfig({ ...PROD, "pilot-light:mediaImmutability": "object-lock-compliance", "pilot-light:replicateToPeer": "false" }, "prod");
        assert.deepStrictEqual(checkPeer(bootstrap, { ...DR_OUT, mediaImmutability: "none" }), [], "nothing replicates at bootstrap step 1");
    });

    it("refuses dr unlocked under a locked prod", () => {
        assert.deepStrictEqual(checkPeer(openDr, { ...PROD_OUT, mediaImmutability: "object-lock-governance" }), [
            'pilot-light:mediaImmutability: "none" is not allowed while the primary "prod" has "object-lock-governance"; dr\'s bucket receives prod\'s '
            + 'locked versions and must have Object Lock too (DstBucketObjectLockConfigMissing). Set pilot-light:mediaImmutability on dr (e.g. "object-lock-governance").',
        ]);
    });

    it("refuses failback's reverse replication from a locked dr into an open prod", () => {
        const reversing = parseConfig({ ...DR, "pilot-light:promote": "true", "pilot-light:reverseReplication": "true",
            "pilot-light:mediaImmutability": "object-lock-governance" }, "dr");
        assert.deepStrictEqual(checkPeer(reversing, { ...PROD_OUT, mediaImmutability: "none" }), [
            'pilot-light:mediaImmutability: "object-lock-governance" is not allowed with pilot-light:reverseReplication true while the primary "prod" has none; '
            + 'dr\'s locked versions would fail to replicate into prod\'s unlocked bucket. Set pilot-light:mediaImmutability on prod first (its `pulumi up` locks the bucket in place).',
        ]);
        assert.deepStrictEqual(checkPeer(reversing, { ...PROD_OUT, mediaImmutability: "object-lock-compliance" }), []);
    });
});

describe("services: Object Lock in the China regions", () => {
    it("warns that AWS's China pages do not confirm it, only when a lock is asked for", () => {
        const use = { region: "cn-northwest-1", role: "dr" as const, replicateToPeer: false, singletonMode: "recoverable-instance" };
        const features = (mediaImmutability?: string) => unverifiedServiceWarnings({ ...use, mediaImmutability }).map((w) => w.split(" uses ")[0]);
        assert.deepStrictEqual(features("object-lock-compliance"), ["pilot-light:role=dr", "pilot-light:mediaImmutability=object-lock-compliance"]);
        assert.deepStrictEqual(features("none"), ["pilot-light:role=dr"]);
        assert.deepStrictEqual(features(undefined), ["pilot-light:role=dr"]);
        assert.deepStrictEqual(unverifiedServiceWarnings({ ...use, region: "us-west-2", mediaImmutability: "object-lock-compliance" }), []);
    });
});
