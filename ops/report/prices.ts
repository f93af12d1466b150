// The bundled price table behind the offline cost estimate (ops/report/cost.ts).
//
// What the figures are: AWS public list prices in USD, On-Demand, Linux/UNIX, shared tenancy,
// no Savings Plans, Reserved Instances, free tier, credits or tax, as published on the AWS
// pricing pages as of PRICE_TABLE_DATE. Hourly prices become monthly ones at HOURS_PER_MONTH
// (730 h, the month AWS's own calculator uses). The figures were written down offline from the
// public pricing pages, not pulled from the Price List API: before anyone quotes them, re-check
// each against `aws pricing get-products` (the Price List API answers only from us-east-1,
// ap-south-1 and eu-central-1, whatever region it prices), e.g.
//
//   aws pricing get-products --region us-east-1 --service-code AmazonRDS --filters \
//     Type=TERM_MATCH,Field=regionCode,Value=us-west-2 \
//     Type=TERM_MATCH,Field=instanceType,Value=db.t4g.medium \
//     Type=TERM_MATCH,Field=databaseEngine,Value=MySQL \
//     Type=TERM_MATCH,Field=deploymentOption,Value=Single-AZ
//
// Service codes: AmazonEC2 (instances, EBS volumes and snapshots, NAT gateways), AmazonVPC
// (public IPv4 addresses, including Elastic IPs), AWSELB (load balancers and LCUs), AmazonRDS,
// AmazonElastiCache, AmazonS3 (storage, Replication Time Control), AWSDataTransfer (inter-region
// transfer), awskms, AWSSecretsManager, AmazonRoute53, AmazonCloudWatch, AWSLambda.
// Pricing pages: https://aws.amazon.com/ec2/pricing/on-demand/, /ebs/pricing/,
// /vpc/pricing/, /elasticloadbalancing/pricing/, /rds/mysql/pricing/, /elasticache/pricing/,
// /s3/pricing/, /kms/pricing/, /secrets-manager/pricing/, /route53/pricing/,
// /cloudwatch/pricing/, /lambda/pricing/.

/**
 * The date the figures represent: AWS list prices as published on that day. An estimate
 * carries it so nobody mistakes a stale table for a quote. Re-check and bump it together with
 * the figures.
 */
export const PRICE_TABLE_DATE = "2025-01-01";

/** The currency of every figure in the table. */
export const PRICE_CURRENCY = "USD";

/** Hours in a billing month, as the AWS Pricing Calculator counts them (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** The prices of one AWS region. Every figure is a list price in USD. */
export interface RegionPrices {
    /** EC2 On-Demand Linux, shared tenancy, per instance-hour, by instance type. */
    readonly ec2InstanceHour: Readonly<Record<string, number>>;
    /** EBS volume storage per GB-month, by volume type. gp3 includes 3,000 IOPS and 125 MB/s. */
    readonly ebsVolumeGbMonth: Readonly<Record<string, number>>;
    /** EBS snapshot storage (standard tier) per GB-month; snapshots are incremental. */
    readonly ebsSnapshotGbMonth: number;
    /** RDS for MySQL On-Demand, Single-AZ, per instance-hour, by class. Multi-AZ (one standby) is 2×. */
    readonly rdsMysqlInstanceHour: Readonly<Record<string, number>>;
    /** RDS storage, Single-AZ, per GB-month, by storage type. Multi-AZ is 2×. gp3 includes 3,000 IOPS below 400 GB. */
    readonly rdsStorageGbMonth: Readonly<Record<string, number>>;
    /** RDS backup storage beyond the free allowance (100 % of the region's provisioned DB storage), per GB-month. */
    readonly rdsBackupGbMonth: number;
    /** ElastiCache (Redis OSS) On-Demand, per node-hour, by node type. Valkey is about 20 % less. */
    readonly elasticacheNodeHour: Readonly<Record<string, number>>;
    /** NAT gateway, per gateway-hour. */
    readonly natGatewayHour: number;
    /** NAT gateway data processing per GB: reported as a note only, never as a line. */
    readonly natGatewayProcessedGb: number;
    /** Application Load Balancer, per ALB-hour. */
    readonly albHour: number;
    /** Application Load Balancer, per LCU-hour. */
    readonly albLcuHour: number;
    /** Public IPv4 address per hour, in use or idle, Elastic IPs included (charged since 2024-02-01). */
    readonly publicIpv4Hour: number;
    /** KMS customer managed key, per key-month (each of the first two rotations adds the same again). */
    readonly kmsKeyMonth: number;
    /** Secrets Manager, per secret-month; each replica of a secret is billed as a secret. */
    readonly secretMonth: number;
    /** S3 Standard storage, first 50 TB tier, per GB-month. */
    readonly s3StandardGbMonth: number;
    /** S3 Standard-Infrequent Access storage per GB-month (30-day minimum, per-GB retrieval). */
    readonly s3StandardIaGbMonth: number;
    /** S3 Replication Time Control, per GB replicated. */
    readonly s3RtcGb: number;
    /** Data transfer out of this region to another AWS region, per GB (inbound is free). */
    readonly interRegionTransferOutGb: number;
    /** Route 53 basic health check of an AWS endpoint, per month. */
    readonly route53HealthCheckAwsMonth: number;
    /** Route 53 basic health check of a non-AWS endpoint, per month. */
    readonly route53HealthCheckNonAwsMonth: number;
    /** Route 53 optional health-check feature (HTTPS, string matching, fast interval, latency) on an AWS endpoint, per feature-month. */
    readonly route53HealthCheckFeatureAwsMonth: number;
    /** Route 53 hosted zone, per zone-month (first 25 zones). */
    readonly route53HostedZoneMonth: number;
    /** CloudWatch standard-resolution alarm (period ≥ 60 s), per metric per month. */
    readonly cloudwatchAlarmMonth: number;
    /** CloudWatch high-resolution alarm (period < 60 s), per metric per month. */
    readonly cloudwatchHighResAlarmMonth: number;
    /** Lambda requests, per million (x86). */
    readonly lambdaMillionRequests: number;
    /** Lambda duration, per GB-second (x86). */
    readonly lambdaGbSecond: number;
}

/** Region prices by region code (`us-east-1`). */
export type PriceTable = Readonly<Record<string, RegionPrices>>;

function frozen(p: RegionPrices): RegionPrices {
    for (const v of Object.values(p)) {
        if (v !== null && typeof v === "object") Object.freeze(v);
    }
    return Object.freeze(p);
}

// us-east-1 (N. Virginia). The types this repo deploys (t3.medium app servers, t3.small
// singleton, db.t4g.medium, cache.t4g.small) and the likely alternatives an operator would
// switch to through config.
const US_EAST_1: RegionPrices = frozen({
    ec2InstanceHour: {
        "t3.micro": 0.0104, "t3.small": 0.0208, "t3.medium": 0.0416, "t3.large": 0.0832, "t3.xlarge": 0.1664,
        "t4g.micro": 0.0084, "t4g.small": 0.0168, "t4g.medium": 0.0336, "t4g.large": 0.0672, "t4g.xlarge": 0.1344,
        "m5.large": 0.096, "m6i.large": 0.096, "m6i.xlarge": 0.192, "m7i.large": 0.1008, "m7i.xlarge": 0.2016,
        "m6g.large": 0.077, "m7g.large": 0.0816,
        "c5.large": 0.085, "c6i.large": 0.085, "c6i.xlarge": 0.17, "c7i.large": 0.08925, "c7i.xlarge": 0.1785,
    },
    ebsVolumeGbMonth: { gp3: 0.08, gp2: 0.10 },
    ebsSnapshotGbMonth: 0.05,
    rdsMysqlInstanceHour: {
        "db.t4g.micro": 0.016, "db.t4g.small": 0.032, "db.t4g.medium": 0.065, "db.t4g.large": 0.129,
        "db.t3.micro": 0.017, "db.t3.small": 0.034, "db.t3.medium": 0.068, "db.t3.large": 0.136,
        "db.m6g.large": 0.152, "db.r6g.large": 0.225,
    },
    rdsStorageGbMonth: { gp3: 0.115, gp2: 0.115 },
    rdsBackupGbMonth: 0.095,
    elasticacheNodeHour: {
        "cache.t4g.micro": 0.016, "cache.t4g.small": 0.032, "cache.t4g.medium": 0.065,
        "cache.t3.micro": 0.017, "cache.t3.small": 0.034, "cache.t3.medium": 0.068,
        "cache.m6g.large": 0.149, "cache.r6g.large": 0.206,
    },
    natGatewayHour: 0.045,
    natGatewayProcessedGb: 0.045,
    albHour: 0.0225,
    albLcuHour: 0.008,
    publicIpv4Hour: 0.005,
    kmsKeyMonth: 1.0,
    secretMonth: 0.40,
    s3StandardGbMonth: 0.023,
    s3StandardIaGbMonth: 0.0125,
    s3RtcGb: 0.015,
    interRegionTransferOutGb: 0.02,
    route53HealthCheckAwsMonth: 0.50,
    route53HealthCheckNonAwsMonth: 0.75,
    route53HealthCheckFeatureAwsMonth: 1.00,
    route53HostedZoneMonth: 0.50,
    cloudwatchAlarmMonth: 0.10,
    cloudwatchHighResAlarmMonth: 0.30,
    lambdaMillionRequests: 0.20,
    lambdaGbSecond: 0.0000166667,
});

// us-west-2 (Oregon): AWS publishes the same list prices as us-east-1 for every entry here,
// as far as the pages read on PRICE_TABLE_DATE showed. It is still its own entry, so a
// divergence is fixed in one place without touching the other region.
const US_WEST_2: RegionPrices = frozen({
    ...US_EAST_1,
    ec2InstanceHour: { ...US_EAST_1.ec2InstanceHour },
    ebsVolumeGbMonth: { ...US_EAST_1.ebsVolumeGbMonth },
    rdsMysqlInstanceHour: { ...US_EAST_1.rdsMysqlInstanceHour },
    rdsStorageGbMonth: { ...US_EAST_1.rdsStorageGbMonth },
    elasticacheNodeHour: { ...US_EAST_1.elasticacheNodeHour },
});

/**
 * The bundled table: us-east-1 (prod) and us-west-2 (dr). A stack in any other region gets
 * every line with `unitUsd: null` and a note, never a guess.
 */
export const PRICES: PriceTable = Object.freeze({
    "us-east-1": US_EAST_1,
    "us-west-2": US_WEST_2,
});

/** The prices of `region` in `table` (default: the bundled table), or undefined when the table lacks the region. */
export function regionPrices(region: string, table: PriceTable = PRICES): RegionPrices | undefined {
    return Object.prototype.hasOwnProperty.call(table, region) ? table[region] : undefined;
}
