// RDS Enhanced Monitoring: the instance's OS metrics (CPU per process, memory, file system, disk
// I/O) every 60 seconds into CloudWatch Logs (log group RDSOSMetrics), sent by RDS with a role of
// this account. The role is made with the database in every kind, so a dr standby already has
// it: promotion creates nothing in IAM, a control plane outside dr's region (ops/diff's static
// stability rule, exit 8).
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { servicePrincipal } from "../partition";

/**
 * Seconds between samples: 60, the longest RDS offers (valid 1, 5, 10, 15, 30, 60), so the
 * fewest log events to ingest. https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
 */
export const ENHANCED_MONITORING_INTERVAL_SECONDS = 60;

/**
 * The role RDS assumes to write the metrics: trusted by `monitoring.rds.amazonaws.com` for this
 * account only (aws:SourceAccount, AWS's guard against the confused deputy), with AWS's
 * managed AmazonRDSEnhancedMonitoringRole (CreateLogGroup/PutRetentionPolicy on `RDS*` log
 * groups, CreateLogStream/PutLogEvents on their streams). `attachment` must exist before the
 * instance names the role; the provider also retries RDS's "IAM role ARN value is invalid"
 * while the role propagates (terraform-provider-aws internal/service/rds: dbInstanceModify,
 * dbInstanceCreateReadReplica).
 */
export function createMonitoringRole(name: string, tags: Record<string, string>, parent: pulumi.Resource): { role: aws.iam.Role; attachment: aws.iam.RolePolicyAttachment } {
    const accountId = aws.getCallerIdentityOutput({}, { parent }).accountId;
    const partition = aws.getPartitionOutput({}, { parent }).partition;
    const role = new aws.iam.Role(`${name}-monitoring-role`, {
        description: `RDS Enhanced Monitoring of ${name}: writes OS metrics to CloudWatch Logs`,
        assumeRolePolicy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [{
                Effect: "Allow", Principal: { Service: servicePrincipal("monitoring.rds") }, Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            }],
        }),
        tags,
    }, { parent });
    const attachment = new aws.iam.RolePolicyAttachment(`${name}-monitoring`, {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    }, { parent });
    return { role, attachment };
}
