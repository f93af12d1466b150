// VPC flow logs (Checkov CKV2_AWS_11): every packet accepted or rejected in the VPC, delivered to
// the region's log bucket under `vpc/` as plain-text files every 10 minutes. S3 rather than
// CloudWatch Logs: the bucket's lifecycle already keeps logs LOG_RETENTION_DAYS, and S3 delivery
// is billed at the lower vended-logs rate.
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { FLOW_LOG_PREFIX } from "./bucket";

/** Seconds over which flow records are aggregated: 600, the default and the cheaper of the two (60 or 600). */
export const FLOW_LOG_AGGREGATION_SECONDS = 600;

/** A flow log of every accepted and rejected packet of `vpcId`, to `bucketArn` under `vpc/`. */
export function vpcFlowLog(name: string, vpcId: pulumi.Input<string>, bucketArn: pulumi.Input<string>,
    tags: Record<string, string>, opts?: pulumi.CustomResourceOptions): aws.ec2.FlowLog {
    return new aws.ec2.FlowLog(name, {
        vpcId,
        trafficType: "ALL",
        logDestinationType: "s3",
        logDestination: pulumi.interpolate`${bucketArn}/${FLOW_LOG_PREFIX}/`,
        maxAggregationInterval: FLOW_LOG_AGGREGATION_SECONDS,
        tags,
    }, opts);
}
