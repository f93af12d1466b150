// What every pilot-light database turns on to be operated: minor version upgrades and
// Performance Insights (Database Insights' Standard mode). Both are the same on every kind, so
// a promotion or a failback changes neither.
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Free retention of Performance Insights: "7 days (the default, free tier)"; longer retention
 * is billed per vCPU-month.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-performanceinsightsretentionperiod
 * Performance Insights' console became CloudWatch Database Insights in 2026; its API and these
 * settings stay ("The Performance Insights API will continue to exist with no changes"), and
 * an instance with them is in Database Insights' Standard mode.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_PerfInsights.Overview.Engines.html
 */
export const PERFORMANCE_INSIGHTS_FREE_RETENTION_DAYS = 7;

/**
 * The RDS for MySQL instance classes Database Insights (Performance Insights) does not support:
 * "db.t2.micro, db.t2.small, db.t3.micro, db.t3.small, db.t4g.micro, db.t4g.small"; every
 * engine version is supported. Read 2026-12-07 from
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Engines.html
 */
export const PERFORMANCE_INSIGHTS_UNSUPPORTED_CLASSES: readonly string[] = [
    "db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small",
];

/** Whether RDS for MySQL offers Performance Insights on `instanceClass`. */
export function performanceInsightsSupported(instanceClass: string): boolean {
    return !PERFORMANCE_INSIGHTS_UNSUPPORTED_CLASSES.includes(instanceClass);
}

/**
 * The instance inputs for operations, on every kind of database (primary, replica standby or
 * promoted, rebuilt):
 *  - `autoMinorVersionUpgrade` explicit (the API default is the same true): RDS applies minor
 *    versions of MySQL 8.4 in the maintenance window (Checkov CKV_AWS_226). A cross-region
 *    replica takes it too (CreateDBInstanceReadReplica has AutoMinorVersionUpgrade).
 *  - Performance Insights at the free 7 days, encrypted with the database's own CMK (Checkov
 *    CKV_AWS_353, CKV_AWS_354), where the class supports it; on a micro or small burstable
 *    class it stays off (RDS refuses it there). RDS never lets the Performance Insights key
 *    change once set: it is the instance's CMK, which never changes either. A change in place
 *    (not a force-new input of aws_db_instance, ops/diff/forceNew/table.json).
 */
export function operationsInputs(instanceClass: string, keyArn: pulumi.Input<string>): Partial<aws.rds.InstanceArgs> {
    return {
        autoMinorVersionUpgrade: true,
        ...(performanceInsightsSupported(instanceClass) ? {
            performanceInsightsEnabled: true,
            performanceInsightsRetentionPeriod: PERFORMANCE_INSIGHTS_FREE_RETENTION_DAYS,
            performanceInsightsKmsKeyId: keyArn,
        } : { performanceInsightsEnabled: false }),
    };
}
