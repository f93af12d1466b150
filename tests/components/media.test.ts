import * as assert from "assert";
import type * as pulumi from "@pulumi/pulumi";
import { recordResources, Recording } from "../support/offline";
import type * as mediaModule from "../../components/media";

const BUCKET = "aws:s3/bucket:Bucket";
const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const DR_ARN = "arn:aws:s3:::dr-media-bucket";

function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply(resolve));
}

describe("media validators", () => {
    let media: typeof mediaModule;
    before(async () => {
        media = await import("../../components/media");
    });

    it("accepts valid or absent values", () => {
        assert.deepStrictEqual(media.bucketNameProblems(undefined), []);
        assert.deepStrictEqual(media.bucketNameProblems("prod-media.example-1"), []);
        assert.deepStrictEqual(media.noncurrentDaysProblems(1), []);
        assert.deepStrictEqual(media.noncurrentDaysProblems(3650), []);
        assert.deepStrictEqual(media.storageClassProblems("GLACIER_IR"), []);
        assert.deepStrictEqual(media.bucketArnProblems(DR_ARN), []);
        assert.deepStrictEqual(media.bucketArnProblems({ not: "a string" }), []);
    });

    it("names the field and the bad value", () => {
        assert.deepStrictEqual(media.noncurrentDaysProblems(0),
            ["noncurrentVersionExpirationDays is 0; it must be a whole number from 1 to 3650"]);
        assert.deepStrictEqual(media.noncurrentDaysProblems(2.5),
            ["noncurrentVersionExpirationDays is 2.5; it must be a whole number from 1 to 3650"]);
        assert.deepStrictEqual(media.noncurrentDaysProblems(3651),
            ["noncurrentVersionExpirationDays is 3651; it must be a whole number from 1 to 3650"]);
        for (const bad of ["Media", "ab", "a..b", "192.168.0.1", "-media", "media-"]) {
            assert.strictEqual(media.bucketNameProblems(bad).length, 1, bad);
        }
        assert.deepStrictEqual(media.storageClassProblems("COLD"), [
            "destinationStorageClass \"COLD\" is not one of STANDARD, REDUCED_REDUNDANCY, STANDARD_IA, ONEZONE_IA,"
            + " INTELLIGENT_TIERING, GLACIER, DEEP_ARCHIVE, GLACIER_IR"]);
        assert.deepStrictEqual(media.bucketArnProblems("arn:aws:s3:::dr-media/*"),
            ["destinationBucketArn \"arn:aws:s3:::dr-media/*\" is not an S3 bucket ARN (arn:aws:s3:::<bucket>, no object key)"]);
    });
});

describe("MediaBucket", () => {
    let rec: Recording;
    let media: typeof mediaModule;
    let bucket: mediaModule.MediaBucket;

    before(async () => {
        rec = await recordResources("us-east-1");
        media = await import("../../components/media");
        bucket = new media.MediaBucket("media", { tags: { "pilot-light:bootstrap": "true", env: "prod" } });
        await rec.settle();
    });

    it("creates exactly the expected children", () => {
        const component = rec.one("pilot-light:media:MediaBucket", "media");
        assert.deepStrictEqual(rec.childTypes(component.urn), [
            "aws:s3/bucket:Bucket",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketVersioning:BucketVersioning",
        ]);
        assert.deepStrictEqual(rec.records.filter((r) => r.parent === component.urn).map((r) => r.name).sort(), [
            "media-bucket", "media-lifecycle", "media-ownership", "media-public-access", "media-sse", "media-versioning",
        ]);
    });

    it("protects the bucket, never force-destroys it, and tags it", () => {
        const b = rec.one(BUCKET, "media-bucket");
        assert.strictEqual(b.protect, true);
        assert.strictEqual(b.inputs.forceDestroy, false);
        assert.strictEqual(b.inputs.bucket, undefined);
        assert.deepStrictEqual(b.inputs.tags, { "pilot-light:bootstrap": "true", env: "prod" });
        // Only the bucket holds data; its configuration children stay replaceable.
        assert.strictEqual(rec.one("aws:s3/bucketVersioning:BucketVersioning", "media-versioning").protect, false);
    });

    it("enables versioning, SSE-S3, the full public access block and BucketOwnerEnforced on this bucket", () => {
        const id = rec.one(BUCKET, "media-bucket").id;
        const versioning = rec.one("aws:s3/bucketVersioning:BucketVersioning", "media-versioning");
        assert.strictEqual(versioning.inputs.bucket, id);
        assert.deepStrictEqual(versioning.inputs.versioningConfiguration, { status: "Enabled" });
        const sse = rec.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "media-sse");
        assert.strictEqual(sse.inputs.bucket, id);
        assert.deepStrictEqual(sse.inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        const pab = rec.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "media-public-access");
        assert.strictEqual(pab.inputs.bucket, id);
        for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
            assert.strictEqual(pab.inputs[flag], true, flag);
        }
        const own = rec.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "media-ownership");
        assert.strictEqual(own.inputs.bucket, id);
        assert.deepStrictEqual(own.inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
    });

    it("expires noncurrent versions after 30 days by default and aborts uploads after 7, after versioning", () => {
        const lc = rec.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "media-lifecycle");
        assert.deepStrictEqual(lc.inputs.rules, [{
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: 30 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        }]);
        assert.ok(lc.dependencies.includes(rec.one("aws:s3/bucketVersioning:BucketVersioning", "media-versioning").urn));
    });

    it("exposes the bucket's name and ARN", async () => {
        const b = rec.one(BUCKET, "media-bucket");
        assert.strictEqual(await valueOf(bucket.bucketName), b.outputs.bucket);
        assert.strictEqual(await valueOf(bucket.bucketArn), b.outputs.arn);
        assert.match(await valueOf(bucket.bucketArn), /^arn:aws:s3:::media-bucket-[0-9a-f]{7}$/);
    });

    it("honours an explicit name and retention, including the bounds", async () => {
        new media.MediaBucket("named", { bucketName: "prod-media-123", noncurrentVersionExpirationDays: 1 });
        await rec.settle();
        assert.strictEqual(rec.one(BUCKET, "named-bucket").inputs.bucket, "prod-media-123");
        const lc = rec.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "named-lifecycle");
        assert.deepStrictEqual(lc.inputs.rules[0].noncurrentVersionExpiration, { noncurrentDays: 1 });
    });

    it("rejects bad arguments with every problem in one error, registering nothing", async () => {
        assert.throws(() => new media.MediaBucket("bad", { bucketName: "Bad_Name", noncurrentVersionExpirationDays: 0 }), {
            message: "MediaBucket \"bad\": invalid arguments:\n  - bucketName \"Bad_Name\" is not a valid S3 bucket name (3-63 characters of a-z, 0-9,"
                + " \".\" and \"-\", starting and ending with a letter or digit, no \"..\", not an IP address)"
                + "\n  - noncurrentVersionExpirationDays is 0; it must be a whole number from 1 to 3650",
        });
        await rec.settle();
        assert.deepStrictEqual(rec.records.filter((r) => r.name.startsWith("bad")), []);
    });
});

describe("MediaReplication", () => {
    let rec: Recording;
    let media: typeof mediaModule;
    let replication: mediaModule.MediaReplication;

    before(async () => {
        rec = await recordResources("us-east-1");
        media = await import("../../components/media");
        const source = new media.MediaBucket("media", {});
        replication = new media.MediaReplication("media-repl", {
            sourceBucket: source,
            destinationBucketArn: DR_ARN,
            tags: { env: "prod" },
        });
        await rec.settle();
    });

    it("creates exactly a role, its inline policy and the replication configuration", () => {
        const component = rec.one("pilot-light:media:MediaReplication", "media-repl");
        assert.deepStrictEqual(rec.records.filter((r) => r.parent === component.urn).map((r) => `${r.type} ${r.name}`).sort(), [
            "aws:iam/role:Role media-repl-role",
            "aws:iam/rolePolicy:RolePolicy media-repl-policy",
            `${REPLICATION} media-repl-config`,
        ]);
    });

    it("lets only S3 assume the role", () => {
        const role = rec.one("aws:iam/role:Role", "media-repl-role");
        assert.deepStrictEqual(JSON.parse(role.inputs.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        assert.deepStrictEqual(role.inputs.tags, { env: "prod" });
    });

    it("scopes the policy to exactly the two buckets, with no wildcard action or resource", () => {
        const sourceArn = rec.one(BUCKET, "media-bucket").outputs.arn;
        const policy = rec.one("aws:iam/rolePolicy:RolePolicy", "media-repl-policy");
        assert.strictEqual(policy.inputs.role, rec.one("aws:iam/role:Role", "media-repl-role").id);
        const doc = JSON.parse(policy.inputs.policy);
        const grants = doc.Statement.map((s: any) => ({ effect: s.Effect, actions: s.Action, resources: s.Resource }));
        assert.deepStrictEqual(grants, [
            { effect: "Allow", actions: ["s3:GetReplicationConfiguration", "s3:ListBucket"], resources: [sourceArn] },
            {
                effect: "Allow",
                actions: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                resources: [`${sourceArn}/*`],
            },
            { effect: "Allow", actions: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], resources: [`${DR_ARN}/*`] },
        ]);
        for (const s of doc.Statement) {
            for (const a of s.Action) assert.ok(!a.includes("*"), `wildcard action ${a}`);
            for (const r of s.Resource) assert.ok(r !== "*" && !r.startsWith("arn:aws:s3:::*"), `wildcard resource ${r}`);
        }
    });

    it("replicates the whole bucket with delete markers, RTC and metrics at 15 minutes into STANDARD_IA", () => {
        const config = rec.one(REPLICATION, "media-repl-config");
        assert.strictEqual(config.inputs.bucket, rec.one(BUCKET, "media-bucket").id);
        assert.strictEqual(config.inputs.role, rec.one("aws:iam/role:Role", "media-repl-role").outputs.arn);
        assert.deepStrictEqual(config.inputs.rules, [{
            id: "media-to-dr",
            status: "Enabled",
            filter: {},
            deleteMarkerReplication: { status: "Enabled" },
            destination: {
                bucket: DR_ARN,
                storageClass: "STANDARD_IA",
                replicationTime: { status: "Enabled", time: { minutes: 15 } },
                metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
            },
        }]);
    });

    it("waits for the source's versioning and the role policy", () => {
        const config = rec.one(REPLICATION, "media-repl-config");
        assert.ok(config.dependencies.includes(rec.one("aws:s3/bucketVersioning:BucketVersioning", "media-versioning").urn));
        assert.ok(config.dependencies.includes(rec.one("aws:iam/rolePolicy:RolePolicy", "media-repl-policy").urn));
    });

    it("exposes the role ARN", async () => {
        assert.strictEqual(await valueOf(replication.roleArn), rec.one("aws:iam/role:Role", "media-repl-role").outputs.arn);
    });

    it("uses the given storage class", async () => {
        new media.MediaReplication("glacier", {
            sourceBucket: new media.MediaBucket("other", {}),
            destinationBucketArn: DR_ARN,
            destinationStorageClass: "GLACIER_IR",
        });
        await rec.settle();
        assert.strictEqual(rec.one(REPLICATION, "glacier-config").inputs.rules[0].destination.storageClass, "GLACIER_IR");
    });

    it("rejects a bad destination ARN and storage class in one error, registering nothing", async () => {
        const source = new media.MediaBucket("src", {});
        assert.throws(() => new media.MediaReplication("bad", {
            sourceBucket: source, destinationBucketArn: "dr-media", destinationStorageClass: "standard_ia",
        }), {
            message: "MediaReplication \"bad\": invalid arguments:\n  - destinationBucketArn \"dr-media\" is not an S3 bucket ARN"
                + " (arn:aws:s3:::<bucket>, no object key)\n  - destinationStorageClass \"standard_ia\" is not one of"
                + " STANDARD, REDUCED_REDUNDANCY, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, DEEP_ARCHIVE, GLACIER_IR",
        });
        await rec.settle();
        assert.deepStrictEqual(rec.records.filter((r) => r.name.startsWith("bad")), []);
    });
});
