// DR policies: the dr standby replica, S3 replication, region pinning and a minimal standby.
import { strict as assert } from "assert";
import { compliantDrStandby, compliantProd, DR_REGION, findings, link, PROD_REGION, res, Stack } from "./support";

async function only(stack: Stack, region: string, policy: string): Promise<{ name: string; message: string }[]> {
    return (await findings(stack, region, policy)).map(({ name, message }) => ({ name, message }));
}

describe("DR policies", () => {
    describe("rds-dr-replica", () => {
        it("passes an encrypted cross-region replica and does not apply to prod", async () => {
            assert.deepEqual(await only(compliantDrStandby(), DR_REGION, "rds-dr-replica"), []);
            assert.deepEqual(await only(compliantProd(), PROD_REGION, "rds-dr-replica"), []);
        });

        it("fails a source in the replica's own region", async () => {
            const s = compliantDrStandby();
            s.get("db-replica").inputs.replicateSourceDb = "arn:aws:rds:us-west-2:123456789012:db:prod-db";
            assert.deepEqual(await only(s, DR_REGION, "rds-dr-replica"), [{ name: "db-replica",
                message: "replica \"db-replica\" replicates from arn:aws:rds:us-west-2:123456789012:db:prod-db in its own region us-west-2; the dr replica's source must be in another region" }]);
        });

        it("fails a source named by identifier", async () => {
            const s = compliantDrStandby();
            s.get("db-replica").inputs.replicateSourceDb = "prod-db";
            assert.deepEqual(await only(s, DR_REGION, "rds-dr-replica"), [{ name: "db-replica",
                message: "replica \"db-replica\": replicateSourceDb \"prod-db\" is not an RDS ARN; a cross-region replica must name its source by ARN" }]);
        });

        it("fails an unencrypted replica and a key from another region", async () => {
            const s = compliantDrStandby();
            s.get("db-replica").inputs.storageEncrypted = false;
            assert.deepEqual(await only(s, DR_REGION, "rds-dr-replica"), [{ name: "db-replica",
                message: "replica \"db-replica\" is not encrypted; set storageEncrypted to true" }]);
            const t = compliantDrStandby();
            t.get("db-replica").inputs.kmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/2222";
            assert.deepEqual(await only(t, DR_REGION, "rds-dr-replica"), [{ name: "db-replica",
                message: "replica \"db-replica\" needs kmsKeyId set to a KMS key ARN in us-west-2 (got \"arn:aws:kms:us-east-1:123456789012:key/2222\")" }]);
        });

        it("judges a key of the stack by the key resource's region (its ARN is unknown in a preview)", async () => {
            const s = compliantDrStandby();
            const key = res("aws:kms/key:Key", "replica-key", { region: "us-east-1" }, "dr");
            s.add(key);
            const replica = s.get("db-replica");
            replica.inputs.kmsKeyId = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
            link(replica, "kmsKeyId", key);
            assert.deepEqual(await only(s, DR_REGION, "rds-dr-replica"), [{ name: "db-replica",
                message: "replica \"db-replica\" is encrypted with KMS key \"replica-key\" in us-east-1; a cross-region replica needs a key in its own region us-west-2" }]);
            key.inputs.region = DR_REGION;
            assert.deepEqual(await only(s, DR_REGION, "rds-dr-replica"), []);
        });

        it("fails a dr stack without any database", async () => {
            const s = compliantDrStandby().remove("db-replica");
            assert.deepEqual(await only(s, DR_REGION, "rds-dr-replica"), [{ name: "",
                message: "the dr stack holds no RDS instance; a pilot-light standby needs a cross-region read replica of the prod database" }]);
        });
    });

    describe("rds-dr-backups-replication", () => {
        const P = "rds-dr-backups-replication";
        it("passes dr with prod's backups replicated into its region, and does not apply to prod", async () => {
            assert.deepEqual(await only(compliantDrStandby(), DR_REGION, P), []);
            assert.deepEqual(await only(compliantProd(), PROD_REGION, P), []);
        });

        it("fails a dr stack with a database and no backups replication, and not one without a database", async () => {
            assert.deepEqual(await only(compliantDrStandby().remove("db-backups-replication"), DR_REGION, P), [{ name: "",
                message: "the dr stack replicates none of prod's automated backups; add an "
                    + "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication of prod's database "
                    + "(pilot-light:backupReplicationRetentionDays), or a corruption replicated to dr cannot be undone there" }]);
            assert.deepEqual(await only(compliantDrStandby().remove("db-backups-replication").remove("db-replica"), DR_REGION, P), []);
        });

        it("fails a source in dr's own region or not an ARN, and a key missing or from another region", async () => {
            const s = compliantDrStandby();
            s.get("db-backups-replication").inputs.sourceDbInstanceArn = "arn:aws:rds:us-west-2:123456789012:db:prod-db";
            s.get("db-backups-replication").inputs.kmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/1111";
            assert.deepEqual(await only(s, DR_REGION, P), [
                { name: "db-backups-replication", message: "backups replication \"db-backups-replication\" copies "
                    + "arn:aws:rds:us-west-2:123456789012:db:prod-db within its own region us-west-2; the source must be prod's database in another region" },
                { name: "db-backups-replication", message: "backups replication \"db-backups-replication\" is encrypted with a key in us-east-1; "
                    + "replicated backups need a key in their own region us-west-2" },
            ]);
            const t = compliantDrStandby();
            t.get("db-backups-replication").inputs.sourceDbInstanceArn = "prod-db";
            delete t.get("db-backups-replication").inputs.kmsKeyId;
            assert.deepEqual(await only(t, DR_REGION, P), [
                { name: "db-backups-replication", message: "backups replication \"db-backups-replication\": sourceDbInstanceArn \"prod-db\" is not an RDS ARN" },
                { name: "db-backups-replication", message: "backups replication \"db-backups-replication\" needs kmsKeyId set to a KMS key of us-west-2 (got null)" },
            ]);
        });

        it("judges a key of the stack by the key resource's region", async () => {
            const s = compliantDrStandby();
            const key = res("aws:kms/key:Key", "backups-key", { region: "us-east-1" }, "dr");
            s.add(key);
            const r = s.get("db-backups-replication");
            r.inputs.kmsKeyId = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
            link(r, "kmsKeyId", key);
            assert.deepEqual(await only(s, DR_REGION, P), [{ name: "db-backups-replication",
                message: "backups replication \"db-backups-replication\" is encrypted with a key in us-east-1; replicated backups need a key in their own region us-west-2" }]);
            key.inputs.region = DR_REGION;
            assert.deepEqual(await only(s, DR_REGION, P), []);
        });
    });

    describe("s3-replication-enabled", () => {
        it("fails a prod bucket without replication unless it is bootstrapping", async () => {
            const s = compliantProd();
            assert.deepEqual(await only(s, PROD_REGION, "s3-replication-enabled"), []);
            s.remove("media", "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
            assert.deepEqual(await only(s, PROD_REGION, "s3-replication-enabled"), [{ name: "media",
                message: "bucket \"media\" has no BucketReplicationConfig; replicate it to the dr region with Replication Time Control (or tag it pilot-light:bootstrap=awaiting-dr until the dr stack exists)" }]);
            s.get("media", "aws:s3/bucket:Bucket").inputs.tags["pilot-light:bootstrap"] = "awaiting-dr";
            assert.deepEqual(await only(s, PROD_REGION, "s3-replication-enabled"), []);
        });

        it("fails replication without Replication Time Control", async () => {
            const s = compliantProd();
            delete s.get("media", "aws:s3/bucketReplicationConfig:BucketReplicationConfig").inputs.rules[0].destination.replicationTime;
            assert.deepEqual(await only(s, PROD_REGION, "s3-replication-enabled"), [{ name: "media",
                message: "replication rule \"all\" of bucket \"media\" does not enable Replication Time Control (destination.replicationTime and destination.metrics must both have status \"Enabled\")" }]);
        });

        it("fails replication within the bucket's own region, and a disabled rule", async () => {
            const s = compliantProd();
            const rule = s.get("media", "aws:s3/bucketReplicationConfig:BucketReplicationConfig").inputs.rules[0];
            rule.destination.encryptionConfiguration.replicaKmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/1111";
            assert.deepEqual(await only(s, PROD_REGION, "s3-replication-enabled"), [{ name: "media",
                message: "replication rule \"all\" of bucket \"media\" replicates within us-east-1; replicate to another region" }]);
            rule.status = "Disabled";
            assert.deepEqual(await only(s, PROD_REGION, "s3-replication-enabled"), [{ name: "media",
                message: "bucket \"media\" has no enabled replication rule" }]);
        });

        it("does not apply to the dr stack", async () => {
            assert.deepEqual(await only(compliantDrStandby(), DR_REGION, "s3-replication-enabled"), []);
        });
    });

    describe("region-pinning", () => {
        it("fails a resource that sets another region than the stack's, and exempts AMI copies and IAM", async () => {
            const s = compliantProd();
            assert.deepEqual(await only(s, PROD_REGION, "region-pinning"), []);
            s.get("db").inputs.region = "eu-west-1";
            s.add(res("aws:ec2/amiCopy:AmiCopy", "image-copy", { sourceAmiId: "ami-1", sourceAmiRegion: "us-west-2", region: "eu-west-1" }));
            s.add(res("aws:iam/role:Role", "global", { assumeRolePolicy: "{}", region: "eu-west-1" }));
            assert.deepEqual(await only(s, PROD_REGION, "region-pinning"), [{ name: "db",
                message: "aws:rds/instance:Instance \"db\" sets region eu-west-1, but this primary stack's region is us-east-1; keep every resource in the stack's region" }]);
        });

        it("fails a resource on an explicit provider of another region, even when it names that region too", async () => {
            const s = compliantProd();
            const provider = res("pulumi:providers:aws", "dr", { region: "us-west-2" });
            s.add(provider);
            const db = s.get("db");
            db.provider = `${provider.urn}::provider-id`;
            assert.deepEqual(await only(s, PROD_REGION, "region-pinning"), [{ name: "db",
                message: "aws:rds/instance:Instance \"db\" is on provider \"dr\" in us-west-2, but this primary stack's region is us-east-1; keep every resource in the stack's region" }]);
            db.inputs.region = "us-west-2";
            assert.deepEqual((await only(s, PROD_REGION, "region-pinning")).length, 1);
        });

        it("fails a dr resource on an explicit provider in the prod region (it would fail with prod)", async () => {
            const s = compliantDrStandby();
            const provider = res("pulumi:providers:aws", "prod-region", { region: PROD_REGION }, "dr");
            s.add(provider);
            s.get("db-replica").provider = `${provider.urn}::provider-id`;
            assert.deepEqual(await only(s, DR_REGION, "region-pinning"), [{ name: "db-replica",
                message: "aws:rds/instance:Instance \"db-replica\" is on provider \"prod-region\" in us-east-1, but this dr stack's region is us-west-2; keep every resource in the stack's region" }]);
        });

        it("does not apply when no resource uses the default aws provider (the stack's region is unknown)", async () => {
            const provider = res("pulumi:providers:aws", "west", { region: DR_REGION });
            const topic = { ...res("aws:sns/topic:Topic", "ops"), provider: `${provider.urn}::id` };
            assert.deepEqual(await only(new Stack([provider, topic]), PROD_REGION, "region-pinning"), []);
        });
    });

    describe("dr-standby-minimal", () => {
        it("flags compute in a standby dr stack", async () => {
            const s = compliantDrStandby();
            assert.deepEqual(await only(s, DR_REGION, "dr-standby-minimal"), []);
            s.add(res("aws:ec2/natGateway:NatGateway", "nat", { subnetId: "subnet-1", tags: { "pilot-light:role": "dr" } }, "dr"));
            const out = await findings(s, DR_REGION, "dr-standby-minimal");
            assert.deepEqual(out, [{ policy: "dr-standby-minimal", name: "nat",
                message: "the dr stack is in standby but runs aws:ec2/natGateway:NatGateway \"nat\"; create it on failover instead" }]);
        });

        it("accepts a NAT gateway or ALB tagged as a standby part, and still flags compute and the cache tagged the same", async () => {
            const s = compliantDrStandby();
            const part = { "pilot-light:role": "dr", "pilot-light:standby-part": "static-stability" };
            s.add(res("aws:ec2/natGateway:NatGateway", "standby-nat", { subnetId: "subnet-1", tags: part }, "dr"));
            s.add(res("aws:lb/loadBalancer:LoadBalancer", "standby-alb", { loadBalancerType: "application", tags: part }, "dr"));
            assert.deepEqual(await only(s, DR_REGION, "dr-standby-minimal"), []);
            s.add(res("aws:ec2/natGateway:NatGateway", "other-nat", { subnetId: "subnet-1", tags: { ...part, "pilot-light:standby-part": "yes" } }, "dr"));
            s.add(res("aws:ec2/instance:Instance", "box", { instanceType: "t3.micro", tags: part }, "dr"));
            s.add(res("aws:elasticache/replicationGroup:ReplicationGroup", "redis", { tags: part }, "dr"));
            assert.deepEqual((await findings(s, DR_REGION, "dr-standby-minimal")).map((f) => f.message), [
                "the dr stack is in standby but runs aws:ec2/natGateway:NatGateway \"other-nat\"; create it on failover instead",
                "the dr stack is in standby but runs aws:ec2/instance:Instance \"box\"; create it on failover instead",
                "the dr stack is in standby but runs aws:elasticache/replicationGroup:ReplicationGroup \"redis\"; create it on failover instead",
            ]);
        });

        it("does not apply once the replica is promoted", async () => {
            const s = compliantDrStandby();
            delete s.get("db-replica").inputs.replicateSourceDb;
            s.add(res("aws:ec2/natGateway:NatGateway", "nat", { subnetId: "subnet-1" }, "dr"));
            assert.deepEqual(await only(s, DR_REGION, "dr-standby-minimal"), []);
        });
    });
});
