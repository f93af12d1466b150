// Both stacks end to end through the offline engine: prod in steady state, dr in standby and
// dr promoted. These run the real program (stacks/index.ts) with the real stack files.
import * as assert from "assert";
import * as path from "path";
import type { RecordedResource } from "../../ops/offline/engine";
import type { StackPlan } from "../../ops/offline/planner";
import { quietPlan } from "../support/quietPlan";

const ROOT = path.join(__dirname, "..", "..");

function ofType(plan: StackPlan, type: string): RecordedResource[] {
    return plan.resources.filter((r) => r.type === type);
}

function one(plan: StackPlan, type: string): RecordedResource {
    const found = ofType(plan, type);
    assert.strictEqual(found.length, 1, `expected one ${type} in ${plan.stack}, found ${found.length}`);
    return found[0];
}

describe("stacks: prod, dr standby and dr promoted, planned offline", function () {
    let prod: StackPlan;
    let standby: StackPlan;
    let promoted: StackPlan;

    before(async () => {
        prod = await quietPlan({ dir: ROOT, stack: "prod" });
        standby = await quietPlan({ dir: ROOT, stack: "dr" });
        promoted = await quietPlan({ dir: ROOT, stack: "dr", promote: true });
    });

    describe("prod", () => {
        it("plans prod in steady state from dr's offline outputs, after prod's bootstrap step", () => {
            assert.deepStrictEqual(prod.peers.map((p) => [p.stack, p.config["pilot-light:replicateToPeer"]]), [["prod", "false"], ["dr", "true"]]);
            assert.strictEqual(prod.region, "us-east-1");
        });

        it("runs a Multi-AZ, encrypted, protected MySQL primary that replicas can be made from", () => {
            const db = one(prod, "aws:rds/instance:Instance");
            assert.strictEqual(db.name, "database-mysql");
            assert.strictEqual(db.inputs.engine, "mysql");
            // MySQL 8.4 (LTS): 8.0 left RDS standard support on 2026-07-31.
            assert.strictEqual(db.inputs.engineVersion, "8.4");
            assert.strictEqual(db.inputs.engineLifecycleSupport, "open-source-rds-extended-support");
            assert.strictEqual(one(prod, "aws:rds/parameterGroup:ParameterGroup").inputs.family, "mysql8.4");
            assert.strictEqual(db.inputs.multiAz, true);
            assert.strictEqual(db.inputs.storageEncrypted, true);
            assert.match(db.inputs.kmsKeyId, /^arn:aws:kms:us-east-1:/);
            assert.ok(db.inputs.backupRetentionPeriod >= 7);
            assert.strictEqual(db.inputs.deletionProtection, true);
            assert.strictEqual(db.inputs.publiclyAccessible, false);
            assert.strictEqual(db.inputs.skipFinalSnapshot, false);
            assert.strictEqual(db.inputs.finalSnapshotIdentifier, "pilot-light-prod-final");
            assert.strictEqual(db.inputs.replicateSourceDb, undefined);
            assert.ok(db.secretInputs.includes("password"), "the master password must be a secret input");
            assert.strictEqual(db.protect, true);
        });

        it("replicates the credentials secret to the dr region, encrypted there with dr's database key", () => {
            const secret = prod.resources.find((r) => r.type === "aws:secretsmanager/secret:Secret" && r.name === "database-credentials")!;
            const drKey = standby.resources.find((r) => r.type === "aws:kms/key:Key" && r.name === "database-kms-key")!;
            assert.match(drKey.outputs.arn, /^arn:aws:kms:us-west-2:/);
            assert.deepStrictEqual(secret.inputs.replicas, [{ region: "us-west-2", kmsKeyId: drKey.outputs.arn }]);
            assert.strictEqual(standby.outputs.dbKmsKeyArn, drKey.outputs.arn);
        });

        it("lets each region's app servers decrypt the secret they read with the key that encrypts it (the database's credentialsKeyArn)", () => {
            // dr's servers' policy is made in standby, under AppStandby (static stability).
            const decryptOn = (plan: StackPlan, name = "app-servers-app") => {
                const policy = plan.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === name)!;
                const statement = JSON.parse(policy.inputs.policy).Statement.find((st: any) => st.Sid === "DecryptDatabaseSecret");
                return statement?.Resource;
            };
            const keyOf = (plan: StackPlan) => plan.resources.find((r) => r.type === "aws:kms/key:Key" && r.name === "database-kms-key")!.outputs.arn;
            assert.strictEqual(decryptOn(prod), keyOf(prod));
            // dr's replica of prod's secret is encrypted with dr's database key (the test above).
            assert.strictEqual(decryptOn(promoted, "app-standby-servers-app"), keyOf(promoted));
            assert.match(decryptOn(promoted, "app-standby-servers-app"), /^arn:aws:kms:us-west-2:/);
            assert.strictEqual(decryptOn(standby, "app-standby-servers-app"), keyOf(standby));
        });

        it("before dr exists (bootstrap step 1) the secret's replica uses the dr region's AWS-managed key", async () => {
            const step1 = await quietPlan({ dir: ROOT, stack: "prod", configOverrides: { "pilot-light:replicateToPeer": "false" } });
            const secret = step1.resources.find((r) => r.type === "aws:secretsmanager/secret:Secret" && r.name === "database-credentials")!;
            assert.deepStrictEqual(secret.inputs.replicas, [{ region: "us-west-2" }]);
        });

        it("replicates media to dr's bucket with Replication Time Control", () => {
            const config = one(prod, "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
            const dr = prod.peers.find((p) => p.stack === "dr");
            assert.ok(dr);
            const rule = config.inputs.rules[0];
            assert.strictEqual(rule.destination.bucket, standby.outputs.mediaBucketArn);
            assert.notStrictEqual(rule.destination.bucket, prod.outputs.mediaBucketArn);
            assert.deepStrictEqual(rule.destination.replicationTime, { status: "Enabled", time: { minutes: 15 } });
            assert.deepStrictEqual(rule.deleteMarkerReplication, { status: "Enabled" });
        });

        it("runs the whole app tier: Multi-AZ Redis, ALB, NAT, launch template and ASG over every private subnet", () => {
            const redis = one(prod, "aws:elasticache/replicationGroup:ReplicationGroup");
            assert.strictEqual(redis.inputs.automaticFailoverEnabled, true);
            assert.strictEqual(redis.inputs.multiAzEnabled, true);
            one(prod, "aws:lb/loadBalancer:LoadBalancer");
            assert.strictEqual(ofType(prod, "aws:ec2/natGateway:NatGateway").length, 3, "a NAT gateway per AZ");
            const asg = one(prod, "aws:autoscaling/group:Group");
            assert.strictEqual(asg.inputs.vpcZoneIdentifiers.length, 3);
            assert.strictEqual(asg.inputs.healthCheckType, "ELB");
            assert.strictEqual(ofType(prod, "aws:ec2/route:Route").filter((r) => r.name.startsWith("app-nat-default-")).length, 3);
        });

        it("exports what dr needs, and no secret", () => {
            for (const k of ["role", "promote", "region", "vpcCidr", "peerRegion", "dbInstanceArn", "dbCredentialsSecretArn", "mediaBucketArn", "albDnsName", "albZoneId"]) {
                assert.ok(prod.outputs[k] !== undefined, `prod must export ${k}`);
            }
            assert.deepStrictEqual(prod.secretOutputs, []);
            assert.strictEqual(prod.outputs.customAmiId, undefined);
        });

        it("tags every taggable resource with its role", () => {
            const tagged = prod.resources.filter((r) => r.custom && r.inputs.tags);
            assert.ok(tagged.length > 20);
            for (const r of tagged) {
                // ASGs take a list of {key, value, propagateAtLaunch}; everything else a map.
                const role = Array.isArray(r.inputs.tags)
                    ? r.inputs.tags.find((t: any) => t.key === "pilot-light:role")?.value
                    : r.inputs.tags["pilot-light:role"];
                assert.strictEqual(role, "primary", `${r.type} ${r.name}`);
            }
        });
    });

    describe("dr standby", () => {
        it("keeps only data warm: no instances or cache; its one load balancer and one NAT gateway are standby parts", () => {
            for (const type of ["aws:ec2/instance:Instance", "aws:autoscaling/group:Group", "aws:elasticache/replicationGroup:ReplicationGroup"]) {
                assert.deepStrictEqual(ofType(standby, type), [], `dr standby must not run ${type}`);
            }
            const alb = one(standby, "aws:lb/loadBalancer:LoadBalancer");
            assert.deepStrictEqual([alb.name, alb.inputs.tags["pilot-light:standby-part"]], ["app-standby-web-alb", "static-stability"]);
            // pilot-light:standbyNatGateway (default true): one gateway for both AZs until hardened.
            const nat = one(standby, "aws:ec2/natGateway:NatGateway");
            const eip = one(standby, "aws:ec2/eip:Eip");
            assert.deepStrictEqual([nat.name, nat.inputs.tags["pilot-light:standby-part"], eip.name, eip.inputs.tags["pilot-light:standby-part"]],
                ["app-standby-nat-gateway", "static-stability", "app-standby-nat-eip", "static-stability"]);
            const routes = ofType(standby, "aws:ec2/route:Route").filter((r) => r.inputs.destinationCidrBlock === "0.0.0.0/0" && r.name !== "network-public-default");
            assert.deepStrictEqual(routes.map((r) => [r.name, r.propertyDependencies.natGatewayId]),
                [["app-standby-nat-default-us-west-2a", [nat.urn]], ["app-standby-nat-default-us-west-2b", [nat.urn]]]);
            assert.deepStrictEqual(ofType(standby, "aws:ec2/launchTemplate:LaunchTemplate").map((r) => r.name), ["app-standby-servers-lt"]);
        });

        it("makes the app tier's egress and the servers' launch template now, so promotion creates, replaces and deletes none of them", () => {
            const types = ["aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip", "aws:ec2/route:Route", "aws:ec2/launchTemplate:LaunchTemplate"];
            for (const type of types) {
                const before = ofType(standby, type);
                assert.deepStrictEqual(ofType(promoted, type).map((r) => [r.urn, r.inputs]), before.map((r) => [r.urn, r.inputs]), `${type} unchanged at promotion`);
            }
            const lt = one(standby, "aws:ec2/launchTemplate:LaunchTemplate");
            assert.deepStrictEqual(one(promoted, "aws:autoscaling/group:Group").propertyDependencies.launchTemplate, [lt.urn]);
        });

        it("with standbyNatGateway false, keeps neither, and promotion makes them under the tier", async () => {
            const off = { "pilot-light:standbyNatGateway": "false" };
            const lean = await quietPlan({ dir: ROOT, stack: "dr", configOverrides: off });
            for (const type of ["aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip", "aws:ec2/launchTemplate:LaunchTemplate"]) {
                assert.deepStrictEqual(ofType(lean, type), [], `dr standby without standbyNatGateway holds no ${type}`);
            }
            const up = await quietPlan({ dir: ROOT, stack: "dr", promote: true, configOverrides: off });
            assert.deepStrictEqual(ofType(up, "aws:ec2/natGateway:NatGateway").map((r) => r.name), ["app-nat-gateway"]);
            assert.deepStrictEqual(ofType(up, "aws:ec2/launchTemplate:LaunchTemplate").map((r) => r.name), ["app-servers-lt"]);
            // The template made in standby launches what the tier's own would: same user data, image, profile, network, disks.
            const own = one(up, "aws:ec2/launchTemplate:LaunchTemplate");
            const ahead = one(promoted, "aws:ec2/launchTemplate:LaunchTemplate");
            const launches = (r: RecordedResource) => ["userData", "imageId", "instanceType", "iamInstanceProfile", "vpcSecurityGroupIds", "metadataOptions",
                "blockDeviceMappings", "monitoring", "updateDefaultVersion"].map((k) => r.inputs[k]);
            assert.deepStrictEqual(launches(ahead), launches(own));
        });

        it("without a standby ALB and a domain, keeps the egress but no launch template: the site's address is the promoted tier's", async () => {
            const noAlb = { "pilot-light:standbyLoadBalancer": "false" };
            const lean = await quietPlan({ dir: ROOT, stack: "dr", configOverrides: noAlb });
            assert.deepStrictEqual(ofType(lean, "aws:ec2/natGateway:NatGateway").map((r) => r.name), ["app-standby-nat-gateway"]);
            assert.deepStrictEqual(ofType(lean, "aws:ec2/launchTemplate:LaunchTemplate"), []);
            const up = await quietPlan({ dir: ROOT, stack: "dr", promote: true, configOverrides: noAlb });
            assert.deepStrictEqual(ofType(up, "aws:ec2/natGateway:NatGateway").map((r) => r.name), ["app-standby-nat-gateway"]);
            assert.deepStrictEqual(ofType(up, "aws:ec2/launchTemplate:LaunchTemplate").map((r) => r.name), ["app-servers-lt"]);
        });

        it("without a domain, makes dr's CloudFront distribution, its VPC origin and the internal ALB behind it now, so promotion creates none", () => {
            const alb = one(standby, "aws:lb/loadBalancer:LoadBalancer");
            const cdn = one(standby, "aws:cloudfront/distribution:Distribution");
            const vpcOrigin = one(standby, "aws:cloudfront/vpcOrigin:VpcOrigin");
            assert.strictEqual(cdn.name, "app-standby-cdn-distribution");
            assert.strictEqual(vpcOrigin.name, "app-standby-cdn-vpc-origin");
            // Internal, in the private subnets: CloudFront reaches it over the VPC origin, not the internet.
            assert.strictEqual(alb.inputs.internal, true);
            const subnets = alb.propertyDependencies.subnets.map((u) => standby.resources.find((r) => r.urn === u)!.name);
            assert.deepStrictEqual(subnets, ["network-private-us-west-2a", "network-private-us-west-2b"]);
            assert.match(alb.outputs.dnsName, /^internal-/);
            assert.deepStrictEqual(vpcOrigin.inputs.vpcOriginEndpointConfig, {
                name: "app-standby-cdn-alb", arn: alb.outputs.arn, httpPort: 80, httpsPort: 443, originProtocolPolicy: "http-only",
                originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
            });
            assert.deepStrictEqual(vpcOrigin.propertyDependencies.vpcOriginEndpointConfig, [alb.urn]);
            const secret = ofType(standby, "random:index/randomPassword:RandomPassword").find((r) => r.name === "app-standby-origin-secret");
            assert.ok(secret, "the origin header's value is a RandomPassword");
            assert.deepStrictEqual(cdn.propertyDependencies.origins, [alb.urn, vpcOrigin.urn, secret!.urn]);
            assert.strictEqual(cdn.inputs.origins[0].domainName, alb.outputs.dnsName);
            assert.deepStrictEqual(Object.keys(cdn.inputs.origins[0].vpcOriginConfig), ["vpcOriginId"]);
            assert.match(cdn.inputs.origins[0].vpcOriginConfig.vpcOriginId, /^vo_[0-9a-f]{22}$/);
            assert.strictEqual(cdn.inputs.origins[0].customOriginConfig, undefined);
            assert.match(standby.outputs.cdnDomainName, /^d[0-9a-f]{13}\.cloudfront\.net$/);
            // Promotion keeps all three, unchanged (same URN, same inputs).
            assert.deepStrictEqual(ofType(promoted, "aws:cloudfront/vpcOrigin:VpcOrigin").map((r) => r.urn), [vpcOrigin.urn]);
            for (const r of [alb, vpcOrigin, cdn]) {
                const after = promoted.resources.find((x) => x.urn === r.urn);
                assert.ok(after, `${r.name} is kept at promotion`);
                assert.deepStrictEqual(after!.inputs, r.inputs, `${r.name} is unchanged at promotion`);
            }
            assert.deepStrictEqual(ofType(promoted, "aws:cloudfront/distribution:Distribution").map((r) => r.urn), [cdn.urn]);
            assert.deepStrictEqual(ofType(promoted, "aws:lb/loadBalancer:LoadBalancer").map((r) => r.urn), [alb.urn]);
        });

        it("without a domain, the ALB answers only CloudFront: 403 by default, forwarding only the secret origin header, from the origin-facing prefix list", () => {
            const http = one(standby, "aws:lb/listener:Listener");
            assert.deepStrictEqual([http.inputs.port, http.inputs.protocol, http.inputs.defaultActions.map((a: any) => [a.type, a.fixedResponse?.statusCode])],
                [80, "HTTP", [["fixed-response", "403"]]]);
            const rule = one(standby, "aws:lb/listenerRule:ListenerRule");
            assert.deepStrictEqual(rule.propertyDependencies.listenerArn, [http.urn]);
            assert.deepStrictEqual([rule.inputs.priority, rule.inputs.actions[0].type, rule.inputs.conditions[0].httpHeader.httpHeaderName],
                [1, "forward", "X-Pilot-Light-Origin-Verify"]);
            // The header's value is a secret on both sides: never in plain text in the plan.
            assert.ok(rule.secretInputs.includes("conditions"), JSON.stringify(rule.secretInputs));
            const cdn = one(standby, "aws:cloudfront/distribution:Distribution");
            assert.ok(cdn.secretInputs.includes("origins"), JSON.stringify(cdn.secretInputs));
            const ingress = ofType(standby, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("network-alb-"));
            assert.deepStrictEqual(ingress.map((r) => [r.name, r.inputs.fromPort, r.inputs.cidrIpv4, /^pl-/.test(r.inputs.prefixListId)]),
                [["network-alb-in-http-cloudfront", 80, undefined, true]]);
        });

        it("holds an encrypted cross-region read replica of prod's DB, with a ReplicaLag alarm", () => {
            const db = one(standby, "aws:rds/instance:Instance");
            assert.strictEqual(db.name, "database-mysql");
            assert.match(db.inputs.replicateSourceDb, /^arn:aws:rds:us-east-1:123456789012:db:pilot-light-prod$/);
            assert.strictEqual(db.inputs.storageEncrypted, true);
            assert.match(db.inputs.kmsKeyId, /^arn:aws:kms:us-west-2:/);
            assert.strictEqual(db.inputs.backupRetentionPeriod, 0);
            // The replica inherits prod's lifecycle setting and version: the same value, a group of the same family.
            assert.strictEqual(db.inputs.engineLifecycleSupport, "open-source-rds-extended-support");
            assert.strictEqual(one(standby, "aws:rds/parameterGroup:ParameterGroup").inputs.family, "mysql8.4");
            assert.strictEqual(db.protect, true);
            const alarm = one(standby, "aws:cloudwatch/metricAlarm:MetricAlarm");
            assert.strictEqual(alarm.inputs.metricName, "ReplicaLag");
            assert.strictEqual(alarm.inputs.namespace, "AWS/RDS");
        });

        it("reads the credentials from the secret's replica in its own region", () => {
            assert.match(standby.outputs.dbCredentialsSecretArn, /^arn:aws:secretsmanager:us-west-2:123456789012:secret:/);
        });

        it("resolves the public image in its own region when prod runs no custom AMI", () => {
            assert.deepStrictEqual(ofType(standby, "aws:ec2/amiCopy:AmiCopy"), []);
            assert.match(standby.outputs.appImageId, /^ami-[0-9a-f]{17}$/);
        });
    });

    describe("the policy pack", () => {
        it("finds no mandatory violation in prod, dr standby or dr promoted", async () => {
            const { evaluatePolicies } = await import("../../ops/policy/evaluate");
            for (const plan of [prod, standby, promoted]) {
                const violations = await evaluatePolicies(plan.resources, { stackRegion: plan.region });
                assert.deepStrictEqual(violations.filter((v) => v.level === "mandatory"), [], `${plan.stack} promote=${plan.promote}`);
            }
        });
    });

    describe("the singleton service's four HA modes", () => {
        const modes: [string, string][] = [
            ["recoverable-instance", "pilot-light:ha:RecoverableInstance"],
            ["multi-az-asg", "pilot-light:ha:MultiAzSingletonAsg"],
            ["multi-az-asg-ebs", "pilot-light:ha:MultiAzSingletonAsg"],
            ["standby-failover", "pilot-light:ha:StandbyFailover"],
        ];
        for (const [mode, component] of modes) {
            it(`plans prod with singletonMode ${mode}, with no mandatory policy violation`, async () => {
                const plan = mode === "recoverable-instance" ? prod
                    : await quietPlan({ dir: ROOT, stack: "prod", configOverrides: { "pilot-light:singletonMode": mode } });
                const service = one(plan, "pilot-light:ha:SingletonService");
                const children = plan.resources.filter((r) => r.parent === service.urn).map((r) => r.type);
                assert.deepStrictEqual(children, [component]);
                assert.strictEqual(plan.outputs.singletonMode, mode);
                const { evaluatePolicies } = await import("../../ops/policy/evaluate");
                const violations = await evaluatePolicies(plan.resources, { stackRegion: plan.region });
                assert.deepStrictEqual(violations.filter((v) => v.level === "mandatory"), []);
            });
        }
    });

    describe("dr promoted", () => {
        it("promotes the same replica resource in place: replicateSourceDb is dropped, backups and the final snapshot are set", () => {
            const before = one(standby, "aws:rds/instance:Instance");
            const after = one(promoted, "aws:rds/instance:Instance");
            assert.strictEqual(after.urn, before.urn);
            assert.strictEqual(after.inputs.replicateSourceDb, undefined);
            assert.strictEqual(after.inputs.backupRetentionPeriod, 7);
            const keys = new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)]);
            const changed = [...keys].filter((k) => JSON.stringify(before.inputs[k]) !== JSON.stringify(after.inputs[k])).sort();
            assert.deepStrictEqual(changed, ["backupRetentionPeriod", "finalSnapshotIdentifier", "replicateSourceDb", "skipFinalSnapshot"]);
            assert.deepStrictEqual([before.inputs.skipFinalSnapshot, before.inputs.finalSnapshotIdentifier], [true, undefined]);
            assert.deepStrictEqual([after.inputs.skipFinalSnapshot, after.inputs.finalSnapshotIdentifier], [false, "pilot-light-dr-final"]);
        });

        it("keeps every standby data resource, with the same URN and inputs", () => {
            const data = ["aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:rds/parameterGroup:ParameterGroup", "aws:ec2/vpc:Vpc"];
            for (const type of data) {
                for (const before of ofType(standby, type)) {
                    const after = ofType(promoted, type).find((r) => r.urn === before.urn);
                    assert.ok(after, `${before.urn} is kept`);
                    assert.deepStrictEqual(after.inputs, before.inputs, type);
                }
            }
            // The log bucket exists in standby, so promotion creates no bucket and failback deletes none.
            assert.deepStrictEqual(ofType(standby, data[0]).map((b) => b.name).sort(), ["logs-bucket", "media-bucket"]);
            assert.deepStrictEqual(ofType(promoted, data[0]).map((b) => b.name).sort(), ["logs-bucket", "media-bucket"]);
        });

        it("builds the app tier in dr, single-AZ cache, against the promoted DB", () => {
            const redis = one(promoted, "aws:elasticache/replicationGroup:ReplicationGroup");
            assert.strictEqual(redis.inputs.automaticFailoverEnabled, false);
            one(promoted, "aws:lb/loadBalancer:LoadBalancer");
            const asg = one(promoted, "aws:autoscaling/group:Group");
            assert.strictEqual(asg.inputs.vpcZoneIdentifiers.length, 2);
            assert.ok(promoted.outputs.albDnsName.endsWith(".us-west-2.elb.amazonaws.com"));
        });

        it("leaves prod untouched: every output prod reads from dr is unchanged by promotion", () => {
            for (const k of ["role", "region", "vpcCidr", "mediaBucketArn"]) {
                assert.deepStrictEqual(promoted.outputs[k], standby.outputs[k], k);
            }
        });
    });
});
