// RedisCache under the offline engine: children, encryption, the secret AUTH token, HA sizing.
import { strict as assert } from "assert";
import { recordResources, Recording } from "../support/offline";
import type { RedisCacheArgs } from "../../components/app/cache";

const T = {
    component: "pilot-light:app:RedisCache",
    group: "aws:elasticache/replicationGroup:ReplicationGroup",
    password: "random:index/randomPassword:RandomPassword",
    secret: "aws:secretsmanager/secret:Secret",
    version: "aws:secretsmanager/secretVersion:SecretVersion",
};

const args = (over: Partial<RedisCacheArgs> = {}): RedisCacheArgs => ({
    subnetGroupName: "prod-cache-subnets",
    securityGroupIds: ["sg-cache"],
    nodeType: "cache.t4g.small",
    highAvailability: true,
    tags: { Project: "pilot-light" },
    ...over,
});

async function build(name: string, a: RedisCacheArgs): Promise<Recording> {
    const rec = await recordResources("us-east-1");
    const { RedisCache } = await import("../../components/app/cache");
    const cache = new RedisCache(name, a);
    await rec.settle();
    assert.equal(await new Promise((r) => cache.primaryEndpoint.apply(r)), rec.one(T.group).outputs.primaryEndpointAddress);
    assert.equal(await new Promise((r) => cache.authSecretArn.apply(r)), rec.one(T.secret).outputs.arn);
    assert.equal(cache.port, 6379);
    return rec;
}

describe("app/RedisCache", () => {
    describe("highAvailability: true", () => {
        let rec: Recording;
        before(async () => { rec = await build("prod-app-cache", args()); });

        it("registers exactly a password, a secret and its version, and the replication group, named from the component", () => {
            const c = rec.one(T.component, "prod-app-cache");
            assert.deepEqual(rec.childTypes(c.urn), [T.group, T.password, T.secret, T.version].sort());
            for (const [type, name] of [[T.group, "prod-app-cache-redis"], [T.password, "prod-app-cache-auth-token"],
                [T.secret, "prod-app-cache-auth-token"], [T.version, "prod-app-cache-auth-token"]]) {
                assert.equal(rec.one(type, name).parent, c.urn);
            }
        });

        it("runs Redis 7 encrypted at rest and in transit, in the cache subnet group and security group", () => {
            const g = rec.one(T.group).inputs;
            assert.equal(g.engine, "redis");
            assert.equal(g.engineVersion, "7.1");
            assert.equal(g.nodeType, "cache.t4g.small");
            assert.equal(g.port, 6379);
            assert.equal(g.atRestEncryptionEnabled, true);
            assert.equal(g.transitEncryptionEnabled, true);
            assert.equal(g.subnetGroupName, "prod-cache-subnets");
            assert.deepEqual(g.securityGroupIds, ["sg-cache"]);
            assert.deepEqual(g.tags, { Project: "pilot-light" });
        });

        it("is Multi-AZ with automatic failover on two nodes", () => {
            const g = rec.one(T.group).inputs;
            assert.equal(g.numCacheClusters, 2);
            assert.equal(g.automaticFailoverEnabled, true);
            assert.equal(g.multiAzEnabled, true);
        });

        it("uses an alphanumeric 64-character generated AUTH token, secret everywhere it goes", () => {
            const pw = rec.one(T.password);
            assert.equal(pw.inputs.length, 64);
            assert.equal(pw.inputs.special, false);
            const token = pw.outputs.result;
            const g = rec.one(T.group);
            assert.equal(g.inputs.authToken, token);
            assert.ok(g.secretInputs.includes("authToken"), "authToken is a secret input");
            const version = rec.one(T.version);
            assert.equal(version.inputs.secretId, rec.one(T.secret).id);
            assert.equal(version.inputs.secretString, token);
            assert.ok(version.secretInputs.includes("secretString"), "secretString is a secret input");
            assert.ok(!JSON.stringify(rec.one(T.secret).inputs).includes(token), "the secret resource itself holds no token");
        });

        it("keeps the token's secret under the AWS-managed key when given no authKmsKeyArn", () => {
            assert.ok(!("kmsKeyId" in rec.one(T.secret).inputs));
        });
    });

    it("encrypts the token's secret with authKmsKeyArn (the database's CMK, in the stacks)", async () => {
        const key = "arn:aws:kms:us-east-1:123456789012:key/0f0f0f0f-1111-2222-3333-444444444444";
        const rec = await build("keyed-app-cache", args({ authKmsKeyArn: key }));
        assert.equal(rec.one(T.secret, "keyed-app-cache-auth-token").inputs.kmsKeyId, key);
    });

    describe("highAvailability: false", () => {
        let rec: Recording;
        before(async () => { rec = await build("dr-app-cache", args({ highAvailability: false, engineVersion: "7.0" })); });

        it("is one node with neither failover nor Multi-AZ, still encrypted", () => {
            const g = rec.one(T.group, "dr-app-cache-redis").inputs;
            assert.equal(g.numCacheClusters, 1);
            assert.equal(g.automaticFailoverEnabled, false);
            assert.equal(g.multiAzEnabled, false);
            assert.equal(g.engineVersion, "7.0");
            assert.equal(g.transitEncryptionEnabled, true);
            assert.equal(g.atRestEncryptionEnabled, true);
        });
    });

    it("rejects bad arguments in one error, registering nothing", async () => {
        const rec = await recordResources("us-east-1");
        const { RedisCache } = await import("../../components/app/cache");
        assert.throws(() => new RedisCache("bad", args({ nodeType: "", securityGroupIds: [], engineVersion: "6.2" })), {
            message: "RedisCache \"bad\": invalid arguments:\n"
                + "  - nodeType must not be empty\n"
                + "  - securityGroupIds must not be empty\n"
                + "  - engineVersion must be a Redis 7.x version such as \"7.1\", got \"6.2\"",
        });
        await rec.settle();
        assert.deepEqual(rec.records, []);
    });
});
