// The region's log bucket (components/logs), under the offline engine, and who may write the
// ALB's access logs per region: ELB's regional account where AWS has one (values from AWS's
// "Attach a policy to your S3 bucket" list, written out here), the log-delivery service
// principal elsewhere.
import { strict as assert } from "assert";
import { elbLogPrincipal } from "../../components/logs/bucket";
import { recordResources, Recording } from "../support/offline";

const S3 = "aws:s3/";

describe("logs/LogBucket", () => {
    let rec: Recording;
    let bucketName: string;
    before(async () => {
        rec = await recordResources("us-west-2");
        const { LogBucket } = await import("../../components/logs/bucket");
        const logs = new LogBucket("logs", { tags: { Project: "pilot-light" } });
        await rec.settle();
        bucketName = await new Promise((resolve) => logs.bucketName.apply(resolve));
    });

    it("registers the bucket and its six settings, nothing else", () => {
        const c = rec.one("pilot-light:logs:LogBucket", "logs");
        assert.deepEqual(rec.childTypes(c.urn), [
            "bucket:Bucket", "bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bucketOwnershipControls:BucketOwnershipControls",
            "bucketPolicy:BucketPolicy", "bucketPublicAccessBlock:BucketPublicAccessBlock",
            "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "bucketVersioning:BucketVersioning",
        ].map((t) => S3 + t));
    });

    it("tags the bucket as logs (still data to the promotion diff) and names it once the policy exists", () => {
        assert.deepEqual(rec.one(`${S3}bucket:Bucket`, "logs-bucket").inputs.tags, { Project: "pilot-light", "pilot-light:data-class": "logs" });
        assert.ok(typeof bucketName === "string" && bucketName !== "", "bucketName resolves");
    });

    it("is private, versioned, SSE-S3 encrypted and expires logs after 90 days", () => {
        assert.deepEqual(rec.one(`${S3}bucketVersioning:BucketVersioning`, "logs-versioning").inputs.versioningConfiguration, { status: "Enabled" });
        assert.deepEqual(rec.one(`${S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration`, "logs-sse").inputs.rules,
            [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        const block = rec.one(`${S3}bucketPublicAccessBlock:BucketPublicAccessBlock`, "logs-public-access").inputs;
        assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
        const [rule] = rec.one(`${S3}bucketLifecycleConfiguration:BucketLifecycleConfiguration`, "logs-lifecycle").inputs.rules;
        assert.deepEqual([rule.status, rule.expiration, rule.noncurrentVersionExpiration], ["Enabled", { days: 90 }, { noncurrentDays: 1 }]);
    });

    it("lets us-west-2's ELB account put access logs under alb/, log delivery put this account's flow logs under vpc/, and denies plain HTTP", () => {
        const policy = JSON.parse(rec.one(`${S3}bucketPolicy:BucketPolicy`, "logs-policy").inputs.policy);
        const [elb, flow, acl, https] = policy.Statement;
        assert.deepEqual([flow.Effect, flow.Principal, flow.Action], ["Allow", { Service: "delivery.logs.amazonaws.com" }, "s3:PutObject"]);
        assert.match(flow.Resource, /\/vpc\/AWSLogs\/[0-9]+\/\*$/);
        assert.equal(flow.Condition.StringEquals["s3:x-amz-acl"], "bucket-owner-full-control");
        assert.deepEqual([acl.Principal, acl.Action, acl.Condition.StringEquals["aws:SourceAccount"]],
            [{ Service: "delivery.logs.amazonaws.com" }, "s3:GetBucketAcl", flow.Condition.StringEquals["aws:SourceAccount"]]);
        assert.deepEqual([elb.Effect, elb.Principal, elb.Action], ["Allow", { AWS: "arn:aws:iam::797873946194:root" }, "s3:PutObject"]);
        assert.match(elb.Resource, /\/alb\/AWSLogs\/[0-9]+\/\*$/);
        assert.deepEqual([https.Effect, https.Principal, https.Action, https.Condition], ["Deny", "*", "s3:*", { Bool: { "aws:SecureTransport": "false" } }]);
    });
});

describe("ALB access logs: the bucket policy's principal", () => {
    it("names ELB's account in a region that has one, in the region's partition", () => {
        assert.deepEqual(elbLogPrincipal("us-east-1", "aws"), { AWS: "arn:aws:iam::127311923021:root" });
        assert.deepEqual(elbLogPrincipal("us-west-2", "aws"), { AWS: "arn:aws:iam::797873946194:root" });
        assert.deepEqual(elbLogPrincipal("cn-north-1", "aws-cn"), { AWS: "arn:aws-cn:iam::638102146993:root" });
        assert.deepEqual(elbLogPrincipal("cn-northwest-1", "aws-cn"), { AWS: "arn:aws-cn:iam::037604701340:root" });
        assert.deepEqual(elbLogPrincipal("us-gov-west-1", "aws-us-gov"), { AWS: "arn:aws-us-gov:iam::048591011584:root" });
    });

    it("names the log-delivery service in the regions opened since August 2022", () => {
        for (const region of ["me-central-1", "ap-southeast-4", "il-central-1", "ca-west-1"]) {
            assert.deepEqual(elbLogPrincipal(region, "aws"), { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, region);
        }
    });
});

describe("logs/vpcFlowLog", () => {
    it("logs all traffic of the VPC to the bucket under vpc/, in 10-minute files", async () => {
        const rec = await recordResources("us-west-2");
        const { vpcFlowLog } = await import("../../components/logs/flowLogs");
        vpcFlowLog("flow", "vpc-0123", "arn:aws:s3:::pilot-light-logs", { Project: "pilot-light" });
        await rec.settle();
        const f = rec.one("aws:ec2/flowLog:FlowLog", "flow").inputs;
        assert.deepEqual([f.vpcId, f.trafficType, f.logDestinationType, f.logDestination, f.maxAggregationInterval],
            ["vpc-0123", "ALL", "s3", "arn:aws:s3:::pilot-light-logs/vpc/", 600]);
    });
});
