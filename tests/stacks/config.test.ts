// Config validation as pure functions: every bad case with its exact message, and the
// checks that span the prod and dr stacks.
import * as assert from "assert";
import { ConfigError, parseConfig, RawConfig } from "../../stacks/config";
import { checkPeer } from "../../stacks/peer";

const PROD: RawConfig = {
    "aws:region": "us-east-1",
    "pilot-light:role": "primary",
    "pilot-light:peerStack": "dr",
    "pilot-light:peerRegion": "us-west-2",
    "pilot-light:vpcCidr": "10.10.0.0/16",
};
const DR: RawConfig = {
    "aws:region": "us-west-2",
    "pilot-light:role": "dr",
    "pilot-light:peerStack": "prod",
    "pilot-light:vpcCidr": "10.20.0.0/16",
};

/** The problems parseConfig reports for `raw`, or [] when it is valid. */
function problems(raw: RawConfig): string[] {
    try {
        parseConfig(raw, "test");
        return [];
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
        return (e as ConfigError).problems;
    }
}

describe("config: parseConfig", () => {
    it("applies the documented defaults to a minimal prod config", () => {
        const cfg = parseConfig(PROD, "prod");
        assert.deepStrictEqual(
            { ...cfg, tags: { ...cfg.tags } },
            {
                region: "us-east-1", role: "primary", peerStack: "dr", peerRegion: "us-west-2", replicateToPeer: true,
                promote: false, vpcCidr: "10.10.0.0/16", azCount: 2, dbInstanceClass: "db.t4g.medium",
                dbAllocatedStorageGb: 50, backupRetentionDays: 7, backupReplicationRetentionDays: 7, replicaLagAlarmSeconds: 300,
                mediaImmutability: "none", mediaImmutabilityDays: 30,
                appInstanceType: "t3.medium", appMinSize: 2, appMaxSize: 4, appDesiredCapacity: 2,
                cacheNodeType: "cache.t4g.small", customAmiId: undefined, domainName: undefined,
                hostedZoneId: undefined, databaseHost: undefined, singletonMode: "recoverable-instance", natGatewayPerAz: true, singletonInstanceType: "t3.small", tags: {},
                drill: false, hardened: false, reverseReplication: false, rebuildFromPeer: false, databaseGeneration: 1, standbyLoadBalancer: false, standbyNatGateway: false, wafLoginRateLimit: 100,
                mediaStorageGb: 100, mediaMonthlyWriteGb: 10, dbMonthlyChangeGb: 20, rtoTargetMinutes: 60, singletonRpoTargetMinutes: 1440, rpoTargetMinutes: 15,
            });
        assert.ok(Object.isFrozen(cfg));
    });

    it("parses a dr config with promote and tags", () => {
        const cfg = parseConfig({ ...DR, "pilot-light:promote": "true", "pilot-light:tags": '{"team":"web"}' }, "dr");
        assert.strictEqual(cfg.role, "dr");
        assert.strictEqual(cfg.promote, true);
        assert.strictEqual(cfg.replicateToPeer, false);
        assert.deepStrictEqual({ ...cfg.tags }, { team: "web" });
        // dr keeps a standby ALB (with a domain) unless told not to; prod has none to keep.
        assert.strictEqual(cfg.standbyLoadBalancer, true);
        assert.strictEqual(parseConfig({ ...DR, "pilot-light:standbyLoadBalancer": "false" }, "dr").standbyLoadBalancer, false);
        // Likewise the app tier's egress and launch template (a shorter promotion).
        assert.strictEqual(cfg.standbyNatGateway, true);
        assert.strictEqual(parseConfig({ ...DR, "pilot-light:standbyNatGateway": "false" }, "dr").standbyNatGateway, false);
    });

    const cases: [string, RawConfig, string[]][] = [
        ["a missing region", { ...PROD, "aws:region": undefined },
            ["aws:region: not set; set it with `pulumi config set aws:region <region>` (e.g. us-east-1)."]],
        ["a misspelt region", { ...PROD, "aws:region": "us-east-7" },
            ['aws:region: "us-east-7" is not an AWS region; did you mean us-east-1? expected one of af-south-1, ']],
        ["a region that is not an AWS region", { ...PROD, "aws:region": "mars-north-1" },
            ['aws:region: "mars-north-1" is not an AWS region; expected one of af-south-1, ']],
        ["an unknown role", { ...PROD, "pilot-light:role": "standby" },
            ['pilot-light:role: "standby" is not allowed; expected primary or dr.']],
        ["a missing role", { ...PROD, "pilot-light:role": undefined },
            ["pilot-light:role: not set; expected primary or dr."]],
        ["promote on prod", { ...PROD, "pilot-light:promote": "true" },
            ["pilot-light:promote: true is not allowed on a primary stack; promote only the dr stack (role dr)."]],
        ["hardened on prod", { ...PROD, "pilot-light:hardened": "true" },
            ["pilot-light:hardened: true is not allowed on a primary stack; prod is always hardened; only a promoted dr stack (role dr) is hardened by this key."]],
        ["hardened on dr in standby", { ...DR, "pilot-light:hardened": "true" },
            ["pilot-light:hardened: true is not allowed while dr is in standby (pilot-light:promote false); only a promoted dr serves production and is hardened. "
                + "Fail over first (npm run runbook -- failover), then harden (npm run runbook -- harden)."]],
        ["promote that is not a boolean", { ...DR, "pilot-light:promote": "yes" },
            ['pilot-light:promote: "yes" is not allowed; expected true or false.']],
        ["azCount 1", { ...PROD, "pilot-light:azCount": "1" },
            ['pilot-light:azCount: "1" is not allowed; expected a whole number from 2 to 3.']],
        ["azCount 4", { ...PROD, "pilot-light:azCount": "4" },
            ['pilot-light:azCount: "4" is not allowed; expected a whole number from 2 to 3.']],
        ["azCount 2.5", { ...PROD, "pilot-light:azCount": "2.5" },
            ['pilot-light:azCount: "2.5" is not allowed; expected a whole number from 2 to 3.']],
        ["a bad CIDR", { ...PROD, "pilot-light:vpcCidr": "10.10.0.0/8" },
            ['pilot-light:vpcCidr: "10.10.0.0/8" is not allowed; expected an IPv4 CIDR from /16 to /24 with no host bits set, e.g. 10.10.0.0/16.']],
        ["a missing CIDR", { ...PROD, "pilot-light:vpcCidr": undefined },
            ["pilot-light:vpcCidr: not set; expected an IPv4 CIDR from /16 to /24 with no host bits set, e.g. 10.10.0.0/16."]],
        ["backups under 7 days", { ...PROD, "pilot-light:backupRetentionDays": "3" },
            ['pilot-light:backupRetentionDays: "3" is not allowed; expected a whole number from 7 to 35.']],
        ["min > desired", { ...PROD, "pilot-light:appMinSize": "3", "pilot-light:appDesiredCapacity": "2" },
            ["pilot-light:appMinSize/pilot-light:appDesiredCapacity/pilot-light:appMaxSize: 3/2/4 is not allowed; expected min <= desired <= max."]],
        ["a bad DB class", { ...PROD, "pilot-light:dbInstanceClass": "t3.medium" },
            ['pilot-light:dbInstanceClass: "t3.medium" is not allowed; expected an RDS instance class such as db.t4g.medium.']],
        ["a bad cache node type", { ...PROD, "pilot-light:cacheNodeType": "t4g.small" },
            ['pilot-light:cacheNodeType: "t4g.small" is not allowed; expected an ElastiCache node type such as cache.t4g.small.']],
        ["a bad AMI ID", { ...PROD, "pilot-light:customAmiId": "ami-XYZ" },
            ['pilot-light:customAmiId: "ami-XYZ" is not allowed; expected an AMI ID such as ami-0123456789abcdef0.']],
        ["a domain without a zone", { ...PROD, "pilot-light:domainName": "www.example.com" },
            ["pilot-light:domainName/pilot-light:hostedZoneId: set both or neither; DNS and HTTPS need the name and the zone that holds it."]],
        ["tags that are not a map", { ...PROD, "pilot-light:tags": '["a"]' },
            ['pilot-light:tags: "[\\"a\\"]" is not allowed; expected a map of tag names to string values.']],
        ["a reserved tag prefix", { ...PROD, "pilot-light:tags": '{"pilot-light:role":"dr"}' },
            ['pilot-light:tags: tag "pilot-light:role" is not allowed; the "aws:" and "pilot-light:" prefixes are reserved.']],
        ["an unknown singleton mode", { ...PROD, "pilot-light:singletonMode": "cluster" },
            ['pilot-light:singletonMode: "cluster" is not allowed; expected one of recoverable-instance, multi-az-asg, multi-az-asg-ebs, standby-failover.']],
        ["a typo in a key", { ...DR, "pilot-light:promte": "true" },
            ["pilot-light:promte: is not a known key; did you mean pilot-light:promote?"]],
        ["a typo in a key, case aside", { ...DR, "pilot-light:VPCcdir": "10.20.0.0/16" },
            ["pilot-light:VPCcdir: is not a known key; did you mean pilot-light:vpcCidr?"]],
        ["an unknown key nothing like ours", { ...DR, "pilot-light:flavour": "vanilla" },
            ["pilot-light:flavour: is not a known key; the keys are listed in Pulumi.yaml and in the README's configuration table."]],
        ["a key of ours in another namespace", { ...DR, "pilot-lite:replicaLagAlarmSeconds": "60" },
            ['pilot-lite:replicaLagAlarmSeconds: "pilot-lite" is not this project\'s namespace; did you mean pilot-light:replicaLagAlarmSeconds?']],
        ["a mode that is almost one", { ...PROD, "pilot-light:singletonMode": "multi-az-asgs" },
            ['pilot-light:singletonMode: "multi-az-asgs" is not allowed; expected one of recoverable-instance, multi-az-asg, multi-az-asg-ebs, standby-failover (did you mean multi-az-asg?).']],
        ["dr without a peer", { ...DR, "pilot-light:peerStack": undefined },
            ["pilot-light:peerStack: not set; expected the other stack's name, such as dr or org/pilot-light/dr."]],
        ["prod without a dr region", { ...PROD, "pilot-light:peerRegion": undefined },
            ["pilot-light:peerRegion: not set; the primary stack needs the dr region to replicate the database credentials secret there."]],
        // Pulumi.yaml declares peerStack without a default, so Pulumi requires it on every stack, even in bootstrap step 1.
        ["prod without a peer in bootstrap step 1", { ...PROD, "pilot-light:peerStack": undefined, "pilot-light:replicateToPeer": "false" },
            ["pilot-light:peerStack: not set; expected the other stack's name, such as dr or org/pilot-light/dr."]],
        ["prod's dr region equal to its own", { ...PROD, "pilot-light:peerRegion": "us-east-1" },
            ['pilot-light:peerRegion: "us-east-1" is the stack\'s own region; the dr region must differ from aws:region.']],
        ["a dr region in another partition", { ...PROD, "pilot-light:peerRegion": "cn-north-1" },
            ['pilot-light:peerRegion: "cn-north-1" is in another partition than us-east-1; cross-region replication works only inside one partition.']],
        ["a prod-only key on dr", { ...DR, "pilot-light:customAmiId": "ami-0123456789abcdef0" },
            ['pilot-light:customAmiId: "ami-0123456789abcdef0" is not allowed on a dr stack; the dr stack takes it from the primary\'s outputs.']],
        ["prod's dr region set on dr", { ...DR, "pilot-light:peerRegion": "us-east-1" },
            ['pilot-light:peerRegion: "us-east-1" is not allowed on a dr stack; the dr stack takes it from the primary\'s outputs.']],
        ["a singleton setting on dr", { ...DR, "pilot-light:singletonMode": "multi-az-asg" },
            ['pilot-light:singletonMode: "multi-az-asg" is not allowed on a dr stack; it is a primary-only setting.']],
        ["replication off on dr", { ...DR, "pilot-light:replicateToPeer": "false" },
            ["pilot-light:replicateToPeer: false is not allowed on a dr stack; it is a primary-only setting."]],
        ["a bad dr region on prod", { ...PROD, "pilot-light:peerRegion": "us-west2" },
            ['pilot-light:peerRegion: "us-west2" is not allowed; expected an AWS region such as us-west-2 (did you mean us-west-2?).']],
    ];
    for (const [what, raw, expected] of cases) {
        it(`rejects ${what}`, () => {
            const got = problems(raw);
            assert.strictEqual(got.length, expected.length, `problems: ${JSON.stringify(got)}`);
            expected.forEach((e, i) => assert.ok(got[i].startsWith(e), `expected ${JSON.stringify(got[i])} to start with ${JSON.stringify(e)}`));
        });
    }

    it("lists every problem in one error naming the stack", () => {
        try {
            parseConfig({ ...PROD, "aws:region": "mars-1", "pilot-light:azCount": "9", "pilot-light:promote": "true" }, "prod");
            assert.fail("expected a ConfigError");
        } catch (e: any) {
            assert.ok(e instanceof ConfigError);
            assert.strictEqual(e.problems.length, 3);
            assert.match(e.message, /^Invalid configuration for stack "prod" \(3 problems\):\n {2}- aws:region: "mars-1" is not an AWS region/);
            assert.match(e.message, /\n {2}- pilot-light:promote: true is not allowed on a primary stack/);
            assert.match(e.message, /\n {2}- pilot-light:azCount: "9" is not allowed/);
        }
    });
});

describe("config: checks across the prod and dr stacks", () => {
    const prodOutputs = {
        role: "primary", promote: false, region: "us-east-1", vpcCidr: "10.10.0.0/16", peerRegion: "us-west-2",
        dbInstanceArn: "arn:aws:rds:us-east-1:123456789012:db:pilot-light-prod",
        dbCredentialsSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
        dbAppCredentialsSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-app-GhIjKl",
        mediaBucketArn: "arn:aws:s3:::media-prod", albDnsName: "alb.example", albZoneId: "Z35SXDOTRQ7X7K",
    };
    const dr = parseConfig(DR, "dr");

    it("accepts a consistent pair", () => {
        assert.deepStrictEqual(checkPeer(dr, prodOutputs), []);
    });

    const cases: [string, Record<string, any>, string][] = [
        ["the same region", { region: "us-west-2", peerRegion: "us-west-2" },
            'aws:region: "us-west-2" is also the region of the peer stack "prod"; prod and dr must be in different regions, or a regional outage takes both.'],
        ["overlapping CIDRs", { vpcCidr: "10.20.128.0/17" },
            'pilot-light:vpcCidr: "10.20.0.0/16" overlaps the peer stack "prod"\'s VPC CIDR "10.20.128.0/17"; choose a non-overlapping range so the two VPCs can be peered for failback.'],
        ["promote set on prod", { promote: true },
            'pilot-light:peerStack: the stack "prod" reports promote=true; promote is only valid on the dr stack, so the primary\'s config is wrong.'],
        ["an unknown role", { role: "standby" },
            'pilot-light:peerStack: the stack "prod" has role "standby"; a dr stack\'s peer must have role primary.'],
        ["a region that is not an AWS region", { region: "us-moon-1" },
            'pilot-light:peerStack: the stack "prod" reports region "us-moon-1", which is not an AWS region.'],
        ["a CIDR output that is not a CIDR", { vpcCidr: "10.10.0.0" },
            'pilot-light:peerStack: the stack "prod" reports vpcCidr "10.10.0.0", which is not an IPv4 CIDR.'],
        ["a secret replicated to another region", { peerRegion: "eu-west-1" },
            'aws:region: "us-west-2" is not the region the primary "prod" replicates its credentials secret to (its pilot-light:peerRegion is "eu-west-1"); set them to the same region.'],
    ];
    for (const [what, change, message] of cases) {
        it(`rejects ${what}`, () => {
            assert.deepStrictEqual(checkPeer(dr, { ...prodOutputs, ...change }), [message]);
        });
    }

    it("tells dr to wait for prod when prod has no outputs yet", () => {
        assert.deepStrictEqual(checkPeer(dr, {}), [
            'pilot-light:peerStack: the stack "prod" has no outputs; deploy the primary stack first (bootstrap step 1 of 3), then this dr stack.',
        ]);
    });

    it("checks prod against dr's outputs in steady state", () => {
        const prod = parseConfig(PROD, "prod");
        const drOutputs = { role: "dr", promote: false, region: "us-west-2", vpcCidr: "10.20.0.0/16", mediaBucketArn: "arn:aws:s3:::media-dr" };
        assert.deepStrictEqual(checkPeer(prod, drOutputs), []);
        assert.deepStrictEqual(checkPeer(prod, { ...drOutputs, region: "eu-west-1" }), [
            'pilot-light:peerRegion: "us-west-2" is not the region of the dr stack "dr" ("eu-west-1"); set them to the same region.',
        ]);
        assert.deepStrictEqual(checkPeer(prod, { ...drOutputs, role: "primary" }), [
            'pilot-light:peerStack: the stack "dr" has role "primary"; a primary stack\'s peer must have role dr.',
        ]);
        assert.deepStrictEqual(checkPeer(prod, {}), [
            'pilot-light:peerStack: the stack "dr" has no outputs; deploy the dr stack (bootstrap step 2 of 3) before turning pilot-light:replicateToPeer on, '
            + "or set pilot-light:replicateToPeer false until it exists.",
        ]);
    });

    it("checks that prod is rebuilt only from a promoted dr (failback)", () => {
        const prod = parseConfig({ ...PROD, "pilot-light:rebuildFromPeer": "true", "pilot-light:databaseGeneration": "2" }, "prod");
        const drOutputs = { role: "dr", promote: true, region: "us-west-2", vpcCidr: "10.20.0.0/16", mediaBucketArn: "arn:aws:s3:::media-dr",
            dbInstanceArn: "arn:aws:rds:us-west-2:123456789012:db:pilot-light-dr" };
        assert.deepStrictEqual(checkPeer(prod, drOutputs), []);
        assert.deepStrictEqual(checkPeer(prod, { ...drOutputs, promote: false }), [
            'pilot-light:rebuildFromPeer: true needs a promoted dr, but the stack "dr" reports promote=false; rebuilding prod from dr is failback, which only follows a failover.',
        ]);
        assert.deepStrictEqual(checkPeer(prod, { ...drOutputs, dbInstanceArn: undefined }), [
            'pilot-light:rebuildFromPeer: the stack "dr" has no dbInstanceArn output to replicate from; run `pulumi up` on it first.',
        ]);
    });
});

describe("config: disaster-operation keys", () => {
    const cases: [string, RawConfig, string[]][] = [
        ["drill together with promote", { ...DR, "pilot-light:drill": "true", "pilot-light:promote": "true" },
            ["pilot-light:drill: true is not allowed together with pilot-light:promote true; a drill keeps the replica un-promoted. Set one of them."]],
        ["reverse replication while standby", { ...DR, "pilot-light:reverseReplication": "true" },
            ["pilot-light:reverseReplication: true is not allowed while dr is in standby (pilot-light:promote false); media flows back to prod only from a promoted dr."]],
        ["rebuildFromPeer on dr", { ...DR, "pilot-light:rebuildFromPeer": "true" },
            ["pilot-light:rebuildFromPeer: true is not allowed on a dr stack; it rebuilds the primary from a promoted dr (failback)."]],
        ["drill on prod", { ...PROD, "pilot-light:drill": "true" },
            ["pilot-light:drill: true is not allowed on a primary stack; it is a dr-only setting."]],
        ["standbyLoadBalancer on prod", { ...PROD, "pilot-light:standbyLoadBalancer": "false" },
            ["pilot-light:standbyLoadBalancer: false is not allowed on a primary stack; it is a dr-only setting."]],
        ["standbyLoadBalancer not a boolean", { ...DR, "pilot-light:standbyLoadBalancer": "yes" },
            ['pilot-light:standbyLoadBalancer: "yes" is not allowed; expected true or false.']],
        ["standbyNatGateway on prod", { ...PROD, "pilot-light:standbyNatGateway": "false" },
            ["pilot-light:standbyNatGateway: false is not allowed on a primary stack; it is a dr-only setting."]],
        ["standbyNatGateway not a boolean", { ...DR, "pilot-light:standbyNatGateway": "1" },
            ['pilot-light:standbyNatGateway: "1" is not allowed; expected true or false.']],
        ["rebuildFromPeer on generation 1", { ...PROD, "pilot-light:rebuildFromPeer": "true" },
            ["pilot-light:databaseGeneration: 1 is not allowed with pilot-light:rebuildFromPeer true; generation 1 is the original primary, which cannot become a replica. "
                + "Raise it by one so a new database is built beside it (the failback runbook does this)."]],
        ["generation 100", { ...PROD, "pilot-light:databaseGeneration": "100" },
            ['pilot-light:databaseGeneration: "100" is not allowed; expected a whole number from 1 to 99.']],
        ["a negative RTO target", { ...PROD, "pilot-light:rtoTargetMinutes": "-5" },
            ['pilot-light:rtoTargetMinutes: "-5" is not allowed; expected a whole number from 1 to 10080.']],
        ["a databaseHost that is not an RDS endpoint", { ...PROD, "pilot-light:databaseHost": "10.0.0.5" },
            ['pilot-light:databaseHost: "10.0.0.5" is not allowed; expected an RDS instance endpoint address in the stack\'s region, '
                + "such as pl-prod-db-r20261201115900.c6c8mwvfdgv0.us-east-1.rds.amazonaws.com."]],
        ["a databaseHost in another region", { ...PROD, "pilot-light:databaseHost": "pl-prod-db-r1.c6c8mwvfdgv0.us-west-2.rds.amazonaws.com" },
            ['pilot-light:databaseHost: "pl-prod-db-r1.c6c8mwvfdgv0.us-west-2.rds.amazonaws.com" is an RDS endpoint in us-west-2, not in the stack\'s region us-east-1; '
                + "the app servers connect only to a database in their own region (the recover runbook restores beside the stack's database)."]],
        ["a databaseHost on a dr in standby", { ...DR, "pilot-light:databaseHost": "pl-dr-db-r1.c6c8mwvfdgv0.us-west-2.rds.amazonaws.com" },
            ['pilot-light:databaseHost: "pl-dr-db-r1.c6c8mwvfdgv0.us-west-2.rds.amazonaws.com" is not allowed while dr is in standby (pilot-light:promote false); '
                + "dr has no app servers to point at it until it is promoted."]],
    ];
    for (const [title, raw, expected] of cases) {
        it(`rejects ${title}`, () => assert.deepStrictEqual(problems(raw), expected));
    }

    it("accepts a restored database's endpoint on prod and on a promoted dr, in either partition's form", () => {
        assert.strictEqual(parseConfig({ ...PROD, "pilot-light:databaseHost": "pl-prod-db-r1.c6c8mwvfdgv0.us-east-1.rds.amazonaws.com" }, "prod").databaseHost,
            "pl-prod-db-r1.c6c8mwvfdgv0.us-east-1.rds.amazonaws.com");
        assert.strictEqual(parseConfig({ ...DR, "pilot-light:promote": "true", "pilot-light:databaseHost": "pl-dr-db-r1.c6c8mwvfdgv0.us-west-2.rds.amazonaws.com" }, "dr").databaseHost,
            "pl-dr-db-r1.c6c8mwvfdgv0.us-west-2.rds.amazonaws.com");
        const china = { ...PROD, "aws:region": "cn-north-1", "pilot-light:peerRegion": "cn-northwest-1" };
        for (const host of ["pl-prod-db-r1.c6c8mwvfdgv0.rds.cn-north-1.amazonaws.com.cn", "pl-prod-db-r1.c6c8mwvfdgv0.cn-north-1.rds.amazonaws.com.cn"]) {
            assert.deepStrictEqual(problems({ ...china, "pilot-light:databaseHost": host }).filter((p) => p.includes("databaseHost")), [], host);
        }
        assert.strictEqual(parseConfig(PROD, "prod").databaseHost, undefined);
    });

    it("accepts a drill on dr, and failback settings on prod", () => {
        assert.strictEqual(parseConfig({ ...DR, "pilot-light:drill": "true" }, "dr").drill, true);
        const prod = parseConfig({ ...PROD, "pilot-light:rebuildFromPeer": "true", "pilot-light:databaseGeneration": "2" }, "prod");
        assert.deepStrictEqual([prod.rebuildFromPeer, prod.databaseGeneration], [true, 2]);
    });
});
