// Replacements the providers decide from old and new values (ops/diff/conditional.ts), case by
// case as the provider source decides them (the sites are cited in the force-new table).
import * as assert from "assert";
import { diffResources } from "../../ops/diff";
import { instanceArchitectures } from "../../ops/diff/conditional";
import { record } from "../support/records";

/** `replace [keys]` or `update`, for one resource going from `before` to `after` in a us-west-2 stack. */
function op(type: string, before: Record<string, any>, after: Record<string, any>): string {
    const [c] = diffResources([record(type, "x", before)], [record(type, "x", after)], { region: "us-west-2" });
    return c.op === "replace" ? `replace [${c.replaceKeys.join(", ")}]` : c.op;
}

describe("diff: conditional replacements, as the providers decide them", () => {
    const VPC = "aws:ec2/vpc:Vpc";

    it("region: a change replaces, except between unset and the provider's own region (forceNewIfRegionChanges)", () => {
        assert.strictEqual(op(VPC, {}, { region: "us-west-2" }), "update");
        assert.strictEqual(op(VPC, { region: "us-west-2" }, {}), "update");
        assert.strictEqual(op(VPC, {}, { region: "us-east-1" }), "replace [region]");
        assert.strictEqual(op(VPC, { region: "us-east-1" }, { region: "us-west-2" }), "replace [region]");
    });

    it("ACM: new names replace an Amazon-issued certificate, not an imported one", () => {
        const CERT = "aws:acm/certificate:Certificate";
        assert.strictEqual(op(CERT, { domainName: "a.example.com" }, { domainName: "b.example.com" }), "replace [domainName]");
        assert.strictEqual(op(CERT, { domainName: "a", certificateBody: "pem" }, { domainName: "b", certificateBody: "pem" }), "update");
    });

    it("EC2 instance: user data only with userDataReplaceOnChange; a type of another architecture; disabling primary IPv6", () => {
        const I = "aws:ec2/instance:Instance";
        assert.strictEqual(op(I, { userData: "a" }, { userData: "b" }), "update");
        assert.strictEqual(op(I, { userData: "a", userDataReplaceOnChange: true }, { userData: "b", userDataReplaceOnChange: true }), "replace [userData]");
        assert.strictEqual(op(I, { instanceType: "t3.small" }, { instanceType: "t3.medium" }), "update");
        assert.strictEqual(op(I, { instanceType: "t3.small" }, { instanceType: "t4g.small" }), "replace [instanceType]");
        assert.strictEqual(op(I, { instanceType: "m7g.large" }, { instanceType: "c7gn.large" }), "update");
        assert.strictEqual(op(I, { enablePrimaryIpv6: true }, { enablePrimaryIpv6: false }), "replace [enablePrimaryIpv6]");
        assert.strictEqual(op(I, { enablePrimaryIpv6: false }, { enablePrimaryIpv6: true }), "update");
        assert.strictEqual(op(I, { ipv6Addresses: ["::1"] }, { ipv6Addresses: ["::2"] }), "replace [ipv6Addresses]");
        assert.strictEqual(op(I, { ipv6Addresses: ["::1"], ipv6AddressCount: 1 }, { ipv6Addresses: ["::2", "::3"], ipv6AddressCount: 2 }), "update");
        // Nested force-new fields only: a bigger root volume is in place, a new key is not.
        assert.strictEqual(op(I, { rootBlockDevice: { volumeSize: 8 } }, { rootBlockDevice: { volumeSize: 16 } }), "update");
        assert.strictEqual(op(I, { rootBlockDevice: { kmsKeyId: "k1" } }, { rootBlockDevice: { kmsKeyId: "k2" } }), "replace [rootBlockDevice]");
        assert.deepStrictEqual(["t3.micro", "t4g.micro", "a1.large", "m6gd.xlarge", "mac2.metal", "c5n.large"].map(instanceArchitectures),
            [["x86_64"], ["arm64"], ["arm64"], ["arm64"], ["arm64_mac"], ["x86_64"]]);
    });

    it("VPC: tenancy changes replace except dedicated → default; subnets replace on IPv6 changes when created assigning IPv6", () => {
        assert.strictEqual(op(VPC, {}, { instanceTenancy: "dedicated" }), "replace [instanceTenancy]");
        assert.strictEqual(op(VPC, { instanceTenancy: "dedicated" }, { instanceTenancy: "default" }), "update");
        const SUBNET = "aws:ec2/subnet:Subnet";
        assert.strictEqual(op(SUBNET, { ipv6CidrBlock: "a", assignIpv6AddressOnCreation: true }, { ipv6CidrBlock: "b", assignIpv6AddressOnCreation: true }), "replace [ipv6CidrBlock]");
        assert.strictEqual(op(SUBNET, { ipv6CidrBlock: "a" }, { ipv6CidrBlock: "b" }), "update");
    });

    it("ElastiCache: engine downgrades and engine changes other than redis → valkey; in-transit encryption before 7.0.5", () => {
        const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
        assert.strictEqual(op(RG, { engineVersion: "7.1" }, { engineVersion: "7.0" }), "replace [engineVersion]");
        assert.strictEqual(op(RG, { engineVersion: "7.0" }, { engineVersion: "7.1" }), "update");
        assert.strictEqual(op(RG, { engine: "redis" }, { engine: "valkey" }), "update");
        assert.strictEqual(op(RG, { engine: "valkey" }, { engine: "redis" }), "replace [engine]");
        assert.strictEqual(op(RG, { engineVersion: "7.1", transitEncryptionEnabled: false }, { engineVersion: "7.1", transitEncryptionEnabled: true }), "update");
        assert.strictEqual(op(RG, { engineVersion: "6.2", transitEncryptionEnabled: false }, { engineVersion: "6.2", transitEncryptionEnabled: true }), "replace [transitEncryptionEnabled]");
        // 7.0 may run a patch before 7.0.5: assumed to.
        assert.strictEqual(op(RG, { engineVersion: "7.0", transitEncryptionEnabled: false }, { engineVersion: "7.0", transitEncryptionEnabled: true }), "replace [transitEncryptionEnabled]");
    });

    it("NAT gateway: a private one's secondary address count; Lambda: adding or removing durable execution; an invocation's new input (CREATE_ONLY scope)", () => {
        const NAT = "aws:ec2/natGateway:NatGateway";
        assert.strictEqual(op(NAT, { connectivityType: "private", secondaryPrivateIpAddressCount: 1 }, { connectivityType: "private", secondaryPrivateIpAddressCount: 2 }),
            "replace [secondaryPrivateIpAddressCount]");
        const FN = "aws:lambda/function:Function";
        assert.strictEqual(op(FN, {}, { durableConfig: { executionTimeout: 60 } }), "replace [durableConfig]");
        assert.strictEqual(op(FN, { durableConfig: { executionTimeout: 60 } }, { durableConfig: { executionTimeout: 90 } }), "update");
        const INV = "aws:lambda/invocation:Invocation";
        assert.strictEqual(op(INV, { input: "{\"a\":1}" }, { input: "{\"a\":2}" }), "replace [input]");
        assert.strictEqual(op(INV, { input: "{\"a\":1}", lifecycleScope: "CRUD" }, { input: "{\"a\":2}", lifecycleScope: "CRUD" }), "update");
    });

    it("ALB: subnet mappings may be added or removed, but a kept one cannot change", () => {
        const LB = "aws:lb/loadBalancer:LoadBalancer";
        const a = { subnetId: "subnet-a" };
        const b = { subnetId: "subnet-b" };
        assert.strictEqual(op(LB, { subnetMappings: [a] }, { subnetMappings: [a, b] }), "update");
        assert.strictEqual(op(LB, { subnetMappings: [a, b] }, { subnetMappings: [b] }), "update");
        assert.strictEqual(op(LB, { subnetMappings: [a] }, { subnetMappings: [b] }), "replace [subnetMappings]");
    });

    it("secrets, security group rules and passwords: a new secret string, a new kind of rule source, new keepers", () => {
        assert.strictEqual(op("aws:secretsmanager/secretVersion:SecretVersion", { secretString: "a" }, { secretString: "b" }), "replace [secretString]");
        const PARAM = "aws:ssm/parameter:Parameter";
        assert.strictEqual(op(PARAM, { tier: "Advanced" }, { tier: "Standard" }), "replace [tier]");
        assert.strictEqual(op(PARAM, { tier: "Standard" }, { tier: "Advanced" }), "update");
        const RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
        assert.strictEqual(op(RULE, { cidrIpv4: "10.0.0.0/16" }, { cidrIpv4: "10.1.0.0/16" }), "update");
        assert.strictEqual(op(RULE, { cidrIpv4: "10.0.0.0/16" }, { referencedSecurityGroupId: "sg-1" }), "replace [cidrIpv4, referencedSecurityGroupId]");
        const PW = "random:index/randomPassword:RandomPassword";
        assert.strictEqual(op(PW, { keepers: { a: "1" } }, { keepers: { a: "2" } }), "replace [keepers]");
        assert.strictEqual(op(PW, { keepers: { a: "1" } }, { keepers: { a: "1", b: null } }), "update");
        assert.strictEqual(op(PW, { overrideSpecial: "" }, {}), "update");
        assert.strictEqual(op(PW, { overrideSpecial: "!@" }, { overrideSpecial: "#" }), "replace [overrideSpecial]");
        assert.strictEqual(op(PW, { length: 32 }, { length: 40 }), "replace [length]");
    });
});
