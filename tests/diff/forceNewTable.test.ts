// The force-new table (ops/diff/forceNew/table.json) against the evidence: the reference
// extraction of the AWS provider's schema (../shared/reference/terraform-aws-force-new.json),
// the installed SDKs' input names, and every resource the stacks create in every configuration.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { rulesOf, CONDITIONAL } from "../../ops/diff/conditional";
import { DATA_TYPES, FORCE_NEW, TABLE } from "../../ops/diff/forceNew";
import { RESOURCES } from "../../ops/diff/forceNew/manifest";
import { SdkTypings } from "../../ops/diff/forceNew/sdkInputs";
import { plannedVariants } from "../support/variants";

const ROOT = path.join(__dirname, "..", "..");
const REFERENCE = JSON.parse(fs.readFileSync(path.join(ROOT, "..", "shared", "reference", "terraform-aws-force-new.json"), "utf8"));
const forceNewOf = (type: string) => Object.keys(TABLE.types[type].forceNew);

describe("diff: the force-new table, generated from the providers' source", function () {
    this.timeout(600000);

    it("says which provider versions it was read from and whose input names it uses", () => {
        assert.deepStrictEqual(TABLE.providers, {
            aws: { repository: "hashicorp/terraform-provider-aws", version: "v6.58.0", readFrom: "lonegunmanb/terraform-provider-aws-index @ v6.58.0", sdk: "@pulumi/aws 7.48.0" },
            random: { repository: "hashicorp/terraform-provider-random", version: "v3.9.0", readFrom: "hashicorp/terraform-provider-random source tree @ v3.9.0", sdk: "@pulumi/random 4.21.2" },
        });
        assert.strictEqual(TABLE.generatedBy, "ops/diff/forceNew/generate.ts");
        assert.deepStrictEqual(Object.keys(TABLE.types).sort(), Object.keys(RESOURCES).sort());
    });

    it("has every force-new input of the reference extraction, declared at the same file and line", () => {
        for (const [type, ref] of Object.entries<any>(REFERENCE.types)) {
            if (ref.forceNew === null) continue;
            const entry = TABLE.types[type];
            assert.ok(entry, `${type} is in the reference but not in the table`);
            for (const input of ref.forceNew) {
                assert.ok(entry.forceNew[input], `${type}: the reference says ${input} forces a new resource`);
                assert.deepStrictEqual([...entry.forceNew[input].at].sort(), ref.where[input].map((w: string) => w.split(" ")[0]).sort(), `${type}.${input}`);
            }
        }
    });

    it("adds only what the reference extraction missed: aws_route's destinations, declared with package constants", () => {
        const extra: Record<string, string[]> = {};
        for (const [type, ref] of Object.entries<any>(REFERENCE.types)) {
            const more = ref.forceNew === null ? [] : forceNewOf(type).filter((k) => !ref.forceNew.includes(k));
            if (more.length) extra[type] = more;
        }
        assert.deepStrictEqual(extra, { "aws:ec2/route:Route": ["destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"] });
        assert.deepStrictEqual(TABLE.types["aws:ec2/route:Route"].forceNew.destinationCidrBlock.at, ["func.resourceRoute:50"]);
    });

    it("reads aws_instance to the end, where the reference extraction stopped", () => {
        const instance = TABLE.types["aws:ec2/instance:Instance"].forceNew;
        for (const input of ["ebsOptimized", "enclaveOptions", "hibernation", "instanceMarketOptions", "placementGroupId", "placementPartitionNumber",
            "primaryNetworkInterface", "privateDnsNameOptions", "rootBlockDevice", "secondaryNetworkInterfaces", "securityGroups", "ami", "availabilityZone",
            "subnetId", "keyName", "privateIp", "associatePublicIpAddress", "tenancy", "hostId", "placementGroup", "networkInterfaces", "ebsBlockDevices",
            "ephemeralBlockDevices", "launchTemplate"]) {
            assert.ok(instance[input], input);
        }
        // Only these nested fields replace the instance; resizing the root volume is in place.
        assert.deepStrictEqual(instance.rootBlockDevice.paths, ["encrypted", "kmsKeyId"]);
        assert.deepStrictEqual(instance.cpuOptions.paths, ["amdSevSnp"]);
        assert.strictEqual(instance.ipv6AddressCount, undefined);
        // The reference's "long-known ipv6Addresses" is not ForceNew in v6.58.0 (func.resourceInstanceSchema:441):
        // a CustomizeDiff replaces only on an explicit change without a count change.
        assert.strictEqual(instance.ipv6Addresses, undefined);
        assert.ok(TABLE.types["aws:ec2/instance:Instance"].conditional.some((c) => c.input === "ipv6Addresses" && c.site === "resourceInstance"));
    });

    it("corrects the hand-written table: what it missed, and what it wrongly called a replacement", () => {
        // RDS renames an instance in place since provider v5 (ModifyDBInstance NewDBInstanceIdentifier).
        assert.deepStrictEqual(["identifier", "identifierPrefix"].filter((k) => forceNewOf("aws:rds/instance:Instance").includes(k)), []);
        const missed: [string, string][] = [
            ["aws:rds/instance:Instance", "backupTarget"], ["aws:ebs/volume:Volume", "multiAttachEnabled"],
            ["aws:s3/bucket:Bucket", "objectLockConfiguration"], ["aws:s3/bucket:Bucket", "bucketNamespace"],
            ["aws:secretsmanager/secret:Secret", "type"], ["aws:autoscaling/group:Group", "initialLifecycleHooks"],
            ["aws:acm/certificate:Certificate", "validationMethod"], ["aws:ec2/subnet:Subnet", "ipv6Native"],
            ["aws:ec2/natGateway:NatGateway", "vpcId"], ["aws:elasticache/replicationGroup:ReplicationGroup", "securityGroupNames"],
            ["aws:ec2/instance:Instance", "securityGroups"], ["aws:dlm/lifecyclePolicy:LifecyclePolicy", "policyDetails"],
        ];
        for (const [type, input] of missed) assert.ok(forceNewOf(type).includes(input), `${type} ${input}`);
        const wrong: [string, string][] = [
            ["aws:route53/record:Record", "setIdentifier"], ["aws:autoscaling/lifecycleHook:LifecycleHook", "autoscalingGroupName"],
            ["aws:elasticache/replicationGroup:ReplicationGroup", "preferredCacheClusterAzs"], ["aws:ec2/eip:Eip", "customerOwnedIpv4Pool"],
            ["aws:ec2/amiCopy:AmiCopy", "destinationOutpostArn"],
        ];
        for (const [type, input] of wrong) assert.ok(!forceNewOf(type).includes(input), `${type} ${input}`);
        assert.deepStrictEqual(TABLE.types["aws:s3/bucket:Bucket"].forceNew.objectLockConfiguration.paths, ["objectLockEnabled"]);
        assert.deepStrictEqual(TABLE.types["aws:dlm/lifecyclePolicy:LifecyclePolicy"].forceNew.policyDetails.paths, ["schedules.copyTags"]);
    });

    it("names every input and nested field as the installed SDK declares it", () => {
        const sdks = { aws: new SdkTypings(path.join(ROOT, "node_modules", "@pulumi", "aws")), random: new SdkTypings(path.join(ROOT, "node_modules", "@pulumi", "random")) };
        for (const [type, entry] of Object.entries(TABLE.types)) {
            const sdk = sdks[entry.provider as keyof typeof sdks];
            const args = sdk.args(type)!;
            assert.ok(args, type);
            assert.deepStrictEqual(entry.notInSdk, [], type);
            for (const [input, f] of Object.entries(entry.forceNew)) {
                assert.ok(args.has(input), `${type}: no input ${input}`);
                for (const p of f.paths ?? []) {
                    let props = sdk.nestedOf(args.get(input)!);
                    for (const [i, seg] of p.split(".").entries()) {
                        assert.ok(props?.has(seg), `${type}: no ${input}.${p}`);
                        if (i < p.split(".").length - 1) props = sdk.nestedOf(props!.get(seg)!);
                    }
                }
            }
        }
    });

    it("covers every resource type the stacks create, in every configuration and in the code", async () => {
        const planned = new Set<string>();
        for (const { plan } of await plannedVariants()) {
            plan.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).forEach((r) => planned.add(r.type));
        }
        assert.deepStrictEqual([...planned].filter((t) => !(t in FORCE_NEW)), []);
        assert.ok(planned.has("aws:ec2/amiCopy:AmiCopy") && planned.has("aws:dlm/lifecyclePolicy:LifecyclePolicy"));
        // Every `new aws.<module>.<Class>(` / `new random.<Class>(` in the program, by the type token its SDK class registers.
        const constructed = new Set<string>();
        const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
            .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
        for (const file of [...walk(path.join(ROOT, "components")), ...walk(path.join(ROOT, "stacks"))]) {
            for (const m of fs.readFileSync(file, "utf8").matchAll(/new (aws|random)\.(?:(\w+)\.)?([A-Z]\w+)\(/g)) {
                const js = path.join(ROOT, "node_modules", "@pulumi", m[1], ...(m[2] ? [m[2]] : []), `${m[3][0].toLowerCase()}${m[3].slice(1)}.js`);
                const token = /__pulumiType = '([^']+)'/.exec(fs.readFileSync(js, "utf8"))?.[1];
                if (token && !token.startsWith("pulumi:providers:")) constructed.add(token);
            }
        }
        assert.deepStrictEqual([...constructed].filter((t) => !(t in FORCE_NEW)), []);
        assert.deepStrictEqual([...planned].filter((t) => !constructed.has(t) && t.startsWith("aws:")), []);
        for (const t of DATA_TYPES) if (t !== "aws:rds/cluster:Cluster") assert.ok(t in FORCE_NEW, t);
    });

    it("accounts for every replacement the providers decide in code, and models no rule the source does not have", () => {
        const key = (c: { terraform: string; site: string }) => `${c.terraform}@${c.site}`;
        for (const [type, entry] of Object.entries(TABLE.types)) {
            const rules = new Set(rulesOf(type).map(key));
            for (const site of entry.conditional) assert.ok(rules.has(key(site)), `${type}: ${key(site)} (${site.at}) is neither modelled nor declared unreachable in ops/diff/conditional.ts`);
        }
        for (const [type, rules] of Object.entries(CONDITIONAL)) {
            if (type === "*") continue;
            const sites = new Set(TABLE.types[type].conditional.map(key));
            for (const r of rules) assert.ok(sites.has(key(r)), `${type}: ${key(r)} is not a site of the provider source`);
        }
    });

    it("keeps every unmodelled provider rule out of reach of every planned configuration", async () => {
        for (const { label, plan } of await plannedVariants()) {
            for (const r of plan.resources.filter((x) => x.custom)) {
                for (const rule of rulesOf(r.type).filter((x) => x.unreachable)) {
                    assert.ok(rule.unreachable!.guard(r), `${label}: ${r.type} "${r.name}" reaches ${rule.terraform}@${rule.site}, which ops/diff/conditional.ts does not model (${rule.unreachable!.why})`);
                }
            }
        }
    });
});
