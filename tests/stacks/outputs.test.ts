// The contract between the stacks and ops/ (stacks/outputs.ts, ops/runbooks/stackOutputs.ts):
// each stack planned in the configurations the runbooks meet exports exactly the declared
// outputs, every output ops/ reads is there with a value, and each peer finds what it reads.
import { strict as assert } from "assert";
import { memoPlan } from "../support/plans";
import { OPS_READS } from "../../ops/runbooks/stackOutputs";
import { PEER_READS } from "../../stacks/outputs";

const ns = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`pilot-light:${k}`, v]));
const DOMAIN = ns({ domainName: "www.example.com", hostedZoneId: "Z0123456789ABC" });

/** The keys of PrimaryOutputs, written out: the contract as a reviewer reads it. */
const PRIMARY_KEYS = ["albDnsName", "albZoneId", "appImageId", "appSecretArn", "asgName", "databaseGeneration", "dbAppCredentialsSecretArn", "dbCredentialsSecretArn",
    "dbInstanceArn", "dbInstanceIdentifier", "mediaBucketArn", "mediaBucketName", "mediaImmutability", "peerRegion", "promote", "rebuildFromPeer", "region",
    "replicationEnabled", "role", "singletonMode", "singletonPublicIp", "vpcCidr", "vpcId"];
const DR_STANDBY_KEYS = ["appImageId", "databaseGeneration", "dbAppCredentialsSecretArn", "dbBackupsReplicationArn", "dbBackupsReplicationRetentionDays", "dbCredentialsSecretArn", "dbInstanceArn", "dbInstanceIdentifier", "dbKmsKeyArn", "drill",
    "mediaBucketArn", "mediaBucketName", "mediaImmutability", "promote", "region", "role", "vpcCidr", "vpcId"];
const DR_APP_KEYS = [...DR_STANDBY_KEYS, "albDnsName", "albZoneId", "appSecretArn", "asgName"].sort();

const present = (outputs: Record<string, unknown>, keys: readonly string[]) =>
    keys.filter((k) => outputs[k] === undefined || outputs[k] === null || outputs[k] === "");

describe("stack outputs: the declared contract", function () {
    this.timeout(600_000);

    it("prod exports exactly PrimaryOutputs, with domainName and healthCheckId only with a domain, cdnDomainName only without", async () => {
        assert.deepEqual(Object.keys((await memoPlan({ stack: "prod" })).outputs).sort(), [...PRIMARY_KEYS, "cdnDomainName"].sort());
        assert.deepEqual(Object.keys((await memoPlan({ stack: "prod", configOverrides: DOMAIN })).outputs).sort(),
            [...PRIMARY_KEYS, "domainName", "healthCheckId"].sort());
    });

    it("dr exports DrOutputs: the app tier's keys only when promoted or in a drill, cdnDomainName in every mode without a domain", async () => {
        const cdn = (keys: string[]) => [...keys, "cdnDomainName"].sort();
        assert.deepEqual(Object.keys((await memoPlan({ stack: "dr" })).outputs).sort(), cdn(DR_STANDBY_KEYS));
        assert.deepEqual(Object.keys((await memoPlan({ stack: "dr", promote: true })).outputs).sort(), cdn(DR_APP_KEYS));
        assert.deepEqual(Object.keys((await memoPlan({ stack: "dr", configOverrides: ns({ drill: "true" }) })).outputs).sort(), cdn(DR_APP_KEYS));
        assert.deepEqual(Object.keys((await memoPlan({ stack: "dr", promote: true, configOverrides: DOMAIN })).outputs).sort(), DR_APP_KEYS);
    });

    it("every output ops/ reads from prod is set, also while prod is rebuilt from dr (failback: the tier is parked, not gone)", async () => {
        for (const overrides of [{}, ns({ rebuildFromPeer: "true", databaseGeneration: "2" })]) {
            const plan = await memoPlan({ stack: "prod", configOverrides: overrides });
            assert.deepEqual(present(plan.outputs, [...OPS_READS.primary.always, ...OPS_READS.primary.withoutDomain]), [], JSON.stringify(overrides));
        }
        const withDomain = await memoPlan({ stack: "prod", configOverrides: DOMAIN });
        assert.deepEqual(present(withDomain.outputs, [...OPS_READS.primary.always, ...OPS_READS.primary.withDomain]), []);
    });

    it("every output ops/ reads from dr is set: always, and the app tier's when promoted or in a drill", async () => {
        assert.deepEqual(present((await memoPlan({ stack: "dr" })).outputs, [...OPS_READS.dr.always, ...OPS_READS.dr.withoutDomain]), []);
        for (const plan of [await memoPlan({ stack: "dr", promote: true }), await memoPlan({ stack: "dr", configOverrides: ns({ drill: "true" }) })]) {
            assert.deepEqual(present(plan.outputs, [...OPS_READS.dr.always, ...OPS_READS.dr.withAppTier, ...OPS_READS.dr.withoutDomain]), []);
        }
    });

    it("each stack finds what it reads from its peer (PEER_READS) in the peer's plan", async () => {
        const prod = await memoPlan({ stack: "prod" });
        assert.deepEqual(present(prod.outputs, PEER_READS.dr.required), []);
        const dr = await memoPlan({ stack: "dr", promote: true });
        assert.deepEqual(present(dr.outputs, [...PEER_READS.primary.required, ...PEER_READS.primary.optional]), []);
        assert.deepEqual([...PEER_READS.dr.required], ["role", "promote", "region", "vpcCidr", "peerRegion", "dbInstanceArn", "dbCredentialsSecretArn", "dbAppCredentialsSecretArn", "mediaBucketArn"]);
        assert.deepEqual([...PEER_READS.primary.optional], ["dbInstanceArn", "dbKmsKeyArn", "mediaImmutability"]);
    });
});
