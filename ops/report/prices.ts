// The bundled price table behind the offline cost estimate (ops/report/cost.ts).
//
// The figures live in ./priceTable.json, one entry per region: the currency the region is billed
// in, the date the figures represent, and for every figure its value and its source (a Price
// List API SKU and offer term, or a published pricing page). `npm run prices -- --region R`
// (ops/prices.ts) rewrites a region's entry from the AWS Price List API; a region or figure the
// table lacks is reported by the estimate as unpriced, never counted as 0.
//
// What the figures are: On-Demand list prices, Linux/UNIX, shared tenancy, no Savings Plans,
// Reserved Instances, free tier, credits or tax. Hourly prices become monthly ones at
// HOURS_PER_MONTH (730 h, the month AWS's own calculator uses).
//
// Currency: the China regions (partition aws-cn) are priced and billed in CNY by their local
// operators; every other region in USD.
// https://docs.amazonaws.cn/en_us/aws/latest/userguide/billing-and-payment.html
import * as fs from "fs";
import * as path from "path";
import { partitionOf } from "../../components/regions";

/** Hours in a billing month, as the AWS Pricing Calculator counts them (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** The currencies AWS bills in: USD, and CNY in the China regions. */
export const CURRENCIES = ["USD", "CNY"] as const;
export type Currency = (typeof CURRENCIES)[number];

/** The file holding the bundled table. */
export const PRICE_TABLE_FILE = path.join(__dirname, "priceTable.json");

/** One figure: a list price in its region's currency, and where it comes from. */
export interface PriceFigure {
    /** Price per unit (the unit is the field's, see PriceFields). */
    value: number;
    /** Where the figure comes from: `Price List API AmazonEC2 SKU … (publication …)`, or a pricing page URL. */
    source: string;
    /** The date the figure represents when it differs from its region's `asOf`. */
    asOf?: string;
}

/** Figures priced per key (instance type, volume type, class): the key is the AWS name. */
export const KEYED_FIELDS = [
    /** EC2 On-Demand Linux, shared tenancy, per instance-hour, by instance type. */
    "ec2InstanceHour",
    /** EBS volume storage per GB-month, by volume type. gp3 includes 3,000 IOPS and 125 MB/s. */
    "ebsVolumeGbMonth",
    /** RDS for MySQL On-Demand, Single-AZ, per instance-hour, by class. Multi-AZ (one standby) is 2×. */
    "rdsMysqlInstanceHour",
    /** RDS storage, Single-AZ, per GB-month, by storage type. Multi-AZ is 2×. */
    "rdsStorageGbMonth",
    /** ElastiCache (Redis OSS) On-Demand, per node-hour, by node type. */
    "elasticacheNodeHour",
] as const;

/** Figures with one price per region. */
export const SCALAR_FIELDS = [
    /** EBS snapshot storage (standard tier) per GB-month; snapshots are incremental. */
    "ebsSnapshotGbMonth",
    /** RDS backup storage beyond the free allowance (100 % of provisioned DB storage), per GB-month. */
    "rdsBackupGbMonth",
    /** NAT gateway, per gateway-hour. */
    "natGatewayHour",
    /** NAT gateway data processing per GB: a note only, never a line. */
    "natGatewayProcessedGb",
    /** Application Load Balancer, per ALB-hour. */
    "albHour",
    /** Application Load Balancer, per LCU-hour. */
    "albLcuHour",
    /** Public IPv4 address per hour, in use or idle, Elastic IPs included. */
    "publicIpv4Hour",
    /** KMS customer managed key, per key-month. */
    "kmsKeyMonth",
    /** Secrets Manager, per secret-month; each replica of a secret is billed as a secret. */
    "secretMonth",
    /** S3 Standard storage, first 50 TB tier, per GB-month. */
    "s3StandardGbMonth",
    /** S3 Standard-Infrequent Access storage per GB-month (30-day minimum). */
    "s3StandardIaGbMonth",
    /** S3 Replication Time Control, per GB replicated. */
    "s3RtcGb",
    /** Data transfer out of this region to another region of the partition, per GB. */
    "interRegionTransferOutGb",
    /** Route 53 basic health check of an AWS endpoint, per month. */
    "route53HealthCheckAwsMonth",
    /** Route 53 optional health-check feature (HTTPS, string matching, fast interval, latency), AWS endpoint, per feature-month. */
    "route53HealthCheckFeatureAwsMonth",
    /** Route 53 basic health check of a non-AWS endpoint, per month. */
    "route53HealthCheckNonAwsMonth",
    /** Route 53 hosted zone, per zone-month (first 25 zones). */
    "route53HostedZoneMonth",
    /** CloudWatch standard-resolution alarm (period ≥ 60 s), per metric-month. */
    "cloudwatchAlarmMonth",
    /** CloudWatch high-resolution alarm (period < 60 s), per metric-month. */
    "cloudwatchHighResAlarmMonth",
    /** AWS WAF web ACL, per web-ACL-month (prorated hourly). */
    "wafWebAclMonth",
    /** AWS WAF rule in a web ACL, per rule-month (prorated hourly); a managed rule group counts as one rule. */
    "wafRuleMonth",
    /** AWS WAF requests inspected, per million (up to 1,500 WCU per web ACL): a note only, never a line. */
    "wafMillionRequests",
    /** Lambda requests, per million (x86). */
    "lambdaMillionRequests",
    /** Lambda duration, per GB-second (x86). */
    "lambdaGbSecond",
    /** CloudFront data transfer out to the internet from edges in the United States, first 10 TB tier, per GB (a note only). */
    "cloudfrontTransferOutGb",
    /** CloudFront HTTPS requests at edges in the United States, per 10,000 (a note only). */
    "cloudfrontHttpsRequests10k",
] as const;

export type KeyedField = (typeof KEYED_FIELDS)[number];
export type ScalarField = (typeof SCALAR_FIELDS)[number];
export type PriceField = KeyedField | ScalarField;

/** The figures of one region; any may be missing. */
export type PriceFigures = { [F in KeyedField]?: Record<string, PriceFigure> } & { [F in ScalarField]?: PriceFigure };

/** The prices of one region. */
export interface RegionPriceTable {
    /** The currency of every figure: the region's billing currency (see currencyOf). */
    currency: Currency;
    /** The date the figures represent (ISO date, or a year when only that is known). */
    asOf: string;
    figures: PriceFigures;
}

/** Region prices by region code (`us-east-1`). */
export type PriceTable = Readonly<Record<string, RegionPriceTable>>;

/** What to price: a scalar field, or a keyed field with its key. */
export type PriceRef = { field: ScalarField } | { field: KeyedField; key: string };

/** The billing currency of a region: CNY in the aws-cn partition, USD elsewhere. */
export function currencyOf(region: string): Currency {
    return partitionOf(region) === "aws-cn" ? "CNY" : "USD";
}

/** The sign amounts in a currency are printed with: `$` or `¥`. */
export function currencySign(currency: Currency): string {
    return currency === "CNY" ? "¥" : "$";
}

/** Every problem of a table read from JSON, one line each (empty when valid). */
export function priceTableProblems(table: unknown): string[] {
    if (table === null || typeof table !== "object" || Array.isArray(table)) return ["the price table is not a JSON object of regions"];
    const problems: string[] = [];
    const figure = (where: string, f: any) => {
        if (f === null || typeof f !== "object" || typeof f.value !== "number" || !Number.isFinite(f.value) || f.value < 0) {
            problems.push(`${where}: expected { "value": a non-negative number, "source": text }`);
        } else if (typeof f.source !== "string" || f.source.trim() === "") {
            problems.push(`${where}: the figure ${f.value} has no source`);
        }
    };
    for (const [region, entry] of Object.entries<any>(table)) {
        if (entry?.currency !== currencyOf(region)) {
            problems.push(`${region}.currency: ${JSON.stringify(entry?.currency)} is not allowed; ${region} is billed in ${currencyOf(region)}`);
        }
        if (typeof entry?.asOf !== "string" || !/^\d{4}(-\d{2}-\d{2})?$/.test(entry.asOf)) {
            problems.push(`${region}.asOf: ${JSON.stringify(entry?.asOf)} is not a date (YYYY-MM-DD or YYYY)`);
        }
        for (const [field, value] of Object.entries<any>(entry?.figures ?? {})) {
            if ((KEYED_FIELDS as readonly string[]).includes(field)) {
                for (const [key, f] of Object.entries<any>(value ?? {})) figure(`${region}.${field}.${key}`, f);
            } else if ((SCALAR_FIELDS as readonly string[]).includes(field)) {
                figure(`${region}.${field}`, value);
            } else {
                problems.push(`${region}.${field}: not a known price field; expected one of ${[...KEYED_FIELDS, ...SCALAR_FIELDS].join(", ")}`);
            }
        }
    }
    return problems;
}

/** Reads and validates a price table file; throws naming the file and every problem. */
export function loadPriceTable(file: string = PRICE_TABLE_FILE): PriceTable {
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e: any) {
        throw new Error(`price table ${file} cannot be read: ${e.message}`);
    }
    const problems = priceTableProblems(parsed);
    if (problems.length > 0) throw new Error(`price table ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    return deepFreeze(parsed as PriceTable);
}

function deepFreeze<T>(o: T): T {
    if (o !== null && typeof o === "object") {
        for (const v of Object.values(o)) deepFreeze(v);
        Object.freeze(o);
    }
    return o;
}

/** The bundled table (./priceTable.json), read once. */
export const PRICES: PriceTable = loadPriceTable();

/** The prices of `region` in `table`, or undefined when the table lacks the region. */
export function regionPrices(region: string, table: PriceTable = PRICES): RegionPriceTable | undefined {
    return Object.prototype.hasOwnProperty.call(table, region) ? table[region] : undefined;
}

/** The figure `ref` names in a region's table, or undefined. */
export function priceFigure(prices: RegionPriceTable | undefined, ref: PriceRef): PriceFigure | undefined {
    const entry = prices?.figures[ref.field];
    if (entry === undefined) return undefined;
    if ("key" in ref) {
        const byKey = entry as Record<string, PriceFigure>;
        return Object.prototype.hasOwnProperty.call(byKey, ref.key) ? byKey[ref.key] : undefined;
    }
    return entry as PriceFigure;
}
