// LogBucket: the region's log bucket, made by the stack in both roles (dr in standby too), so
// it outlives the app tier that writes to it: failback and the end of a drill tear the tier
// down, and a bucket of evidence must not go with it (ops/diff refuses to delete data). Private,
// versioned, SSE-S3, HTTPS-only, logs expired after LOG_RETENTION_DAYS; its policy lets Elastic
// Load Balancing write ALB access logs under `alb/AWSLogs/<account>/`.
//
// SSE-S3, not KMS: "The only server-side encryption option that's supported is Amazon S3-managed
// keys (SSE-S3)" for ALB access logs.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DATA_CLASS_TAG } from "../dataClass";

/** Days a log is kept: a quarter covers most incident investigations. */
export const LOG_RETENTION_DAYS = 90;
/** The key prefix the ALB writes under (ELB appends `AWSLogs/<account>/elasticloadbalancing/...`). */
export const ACCESS_LOG_PREFIX = "alb";
/** The key prefix VPC flow logs are delivered under (the service appends `AWSLogs/<account>/vpcflowlogs/...`). */
export const FLOW_LOG_PREFIX = "vpc";
/**
 * The service that delivers VPC flow logs to S3, assumed the same name in every partition
 * (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html; the provider's
 * partition table gives `.amazonaws.com.cn` only to logs, codedeploy and elasticmapreduce). Not
 * confirmed against a China-region page: check before the first `pulumi up` in aws-cn.
 */
export const LOG_DELIVERY_SERVICE = "delivery.logs.amazonaws.com";

/**
 * Elastic Load Balancing's account per region, the principal that writes access logs in the
 * regions that have one: terraform-provider-aws v6.58.0 internal/service/elb
 * serviceAccountPerRegionMap (the same IDs as AWS's "Attach a policy to your S3 bucket", step 1,
 * China and GovCloud included). Every other region (those opened from August 2022 on, e.g.
 * me-central-1) grants the service principal `logdelivery.elasticloadbalancing.amazonaws.com`
 * instead. https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export const ELB_LOG_ACCOUNTS: Readonly<Record<string, string>> = {
    "af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-northeast-1": "582318560864", "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331", "ap-south-1": "718504428378", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580", "ca-central-1": "985666609251", "cn-north-1": "638102146993", "cn-northwest-1": "037604701340",
    "eu-central-1": "054676820928", "eu-north-1": "897822967062", "eu-south-1": "635631232127", "eu-west-1": "156460612806",
    "eu-west-2": "652711504416", "eu-west-3": "009996457667", "me-south-1": "076674570225", "sa-east-1": "507241528517",
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-gov-east-1": "190560391635", "us-gov-west-1": "048591011584",
    "us-west-1": "027434742980", "us-west-2": "797873946194",
};

/** The newer regions' log-delivery service principal. */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** Who writes a region's ALB access logs, as an IAM policy Principal. Pure. */
export function elbLogPrincipal(region: string, partition: string): Record<string, string> {
    const account = ELB_LOG_ACCOUNTS[region];
    return account !== undefined ? { AWS: `arn:${partition}:iam::${account}:root` } : { Service: ELB_LOG_DELIVERY_SERVICE };
}

export interface LogBucketArgs {
    /** Tags for every taggable child; the bucket adds pilot-light:data-class=logs. */
    tags?: Record<string, string>;
}

export class LogBucket extends pulumi.ComponentResource {
    /**
     * The bucket's name, resolved only once its policy exists: ELB checks that it may write
     * when access logging is turned on, so whatever logs here must wait for the policy.
     */
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: LogBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("pilot-light:logs:LogBucket", name, {}, opts);
        const tags = args.tags ?? {};
        const parent = this;
        const region = aws.getRegionOutput({}, { parent }).region;
        const accountId = aws.getCallerIdentityOutput({}, { parent }).accountId;
        const partition = aws.getPartitionOutput({}, { parent }).partition;
        // Logs are evidence, not regenerable; they describe this region, so they are not
        // replicated to the peer (policies/dr/replication.ts exempts this class).
        const bucket = new aws.s3.Bucket(`${name}-bucket`, { tags: { ...tags, [DATA_CLASS_TAG]: "logs" } }, { parent });
        const of = { bucket: bucket.id };
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, { ...of, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent });
        new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
            ...of, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        }, { parent });
        new aws.s3.BucketVersioning(`${name}-versioning`, { ...of, versioningConfiguration: { status: "Enabled" } }, { parent });
        new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-sse`, {
            ...of, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        }, { parent });
        new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
            ...of,
            rules: [{
                id: "expire-logs", status: "Enabled", filter: {},
                expiration: { days: LOG_RETENTION_DAYS },
                // Versioning keeps an overwritten or expired log one more day, then drops it.
                noncurrentVersionExpiration: { noncurrentDays: 1 },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
            }],
        }, { parent });
        const policy = new aws.s3.BucketPolicy(`${name}-policy`, {
            ...of,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{
                    Sid: "ElbAccessLogs", Effect: "Allow",
                    Principal: pulumi.all([region, partition]).apply(([r, p]) => elbLogPrincipal(r, p)),
                    Action: "s3:PutObject",
                    Resource: pulumi.interpolate`${bucket.arn}/${ACCESS_LOG_PREFIX}/AWSLogs/${accountId}/*`,
                }, {
                    // AWS's bucket policy for flow logs to S3, scoped to this account's deliveries.
                    // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html
                    Sid: "FlowLogsWrite", Effect: "Allow", Principal: { Service: LOG_DELIVERY_SERVICE }, Action: "s3:PutObject",
                    Resource: pulumi.interpolate`${bucket.arn}/${FLOW_LOG_PREFIX}/AWSLogs/${accountId}/*`,
                    Condition: { StringEquals: { "aws:SourceAccount": accountId, "s3:x-amz-acl": "bucket-owner-full-control" } },
                }, {
                    Sid: "FlowLogsAclCheck", Effect: "Allow", Principal: { Service: LOG_DELIVERY_SERVICE }, Action: "s3:GetBucketAcl",
                    Resource: bucket.arn, Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                }, {
                    Sid: "HttpsOnly", Effect: "Deny", Principal: "*", Action: "s3:*",
                    Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                }],
            }),
        }, { parent });
        this.bucketName = pulumi.all([bucket.bucket, policy.id]).apply(([b]) => b);
        // Also after the policy: a flow log checks it may deliver when it is created.
        this.bucketArn = pulumi.all([bucket.arn, policy.id]).apply(([a]) => a);
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
