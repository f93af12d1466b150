// What to ask the AWS Price List Query API (GetProducts) for each figure of the bundled price
// table (ops/report/priceTable.json), and how to read its answer.
//
// GetProducts returns `PriceList`, an array of JSON strings, one per product: the product (SKU,
// product family, attributes such as instanceType, regionCode, usagetype) and its terms; the
// On-Demand term holds price dimensions with `pricePerUnit` in the offer's currency (USD, or
// CNY from the China endpoint) and, for tiered prices, `beginRange`.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html
// https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-service-price-list-files-for-services.html
//
// Attribute names and values are the Price List's own (`Compute Instance`, `General Purpose-GP3`,
// usage types such as `BoxUsage:t3.medium`); usage types carry a region prefix (`USW2-`) outside
// us-east-1, so they are matched by suffix.
import type { Filter } from "@aws-sdk/client-pricing";
import type { KeyedField, ScalarField } from "../report/prices";

/** How to find one figure. */
export interface FigureQuery {
    /** Price List service code, e.g. `AmazonEC2`. */
    serviceCode: string;
    /** TERM_MATCH filters besides the region's. */
    filters: Record<string, string>;
    /** The attribute holding the region: `regionCode` (default), `fromRegionCode` (data transfer), or none (a global service). */
    regionAttribute?: "regionCode" | "fromRegionCode" | null;
    /** Products kept when their usage type ends with this (after the region prefix). */
    usagetypeSuffix?: string;
    /** Multiplier from the API's unit to the table's (Lambda requests: per request → per million). */
    perUnit?: number;
}

const EC2 = "AmazonEC2";
const RDS = "AmazonRDS";

/** The query of each keyed figure, for one key (an instance type, class or volume type). */
export const KEYED_QUERIES: Record<KeyedField, (key: string) => FigureQuery> = {
    ec2InstanceHour: (t) => ({
        serviceCode: EC2,
        filters: { instanceType: t, operatingSystem: "Linux", tenancy: "Shared", preInstalledSw: "NA", capacitystatus: "Used", licenseModel: "No License required" },
    }),
    ebsVolumeGbMonth: (v) => ({ serviceCode: EC2, filters: { productFamily: "Storage", volumeApiName: v } }),
    rdsMysqlInstanceHour: (cls) => ({ serviceCode: RDS, filters: { instanceType: cls, databaseEngine: "MySQL", deploymentOption: "Single-AZ" } }),
    rdsStorageGbMonth: (v) => ({
        serviceCode: RDS,
        filters: { productFamily: "Database Storage", databaseEngine: "MySQL", deploymentOption: "Single-AZ", volumeType: RDS_VOLUME_TYPES[v] ?? v },
    }),
    elasticacheNodeHour: (t) => ({ serviceCode: "AmazonElastiCache", filters: { instanceType: t, cacheEngine: "Redis" } }),
};

/** RDS storage types as the Price List names them. */
const RDS_VOLUME_TYPES: Record<string, string> = { gp2: "General Purpose", gp3: "General Purpose-GP3", io1: "Provisioned IOPS", io2: "Provisioned IOPS-IO2" };

/** The query of each scalar figure. */
export const SCALAR_QUERIES: Record<ScalarField, FigureQuery> = {
    ebsSnapshotGbMonth: { serviceCode: EC2, filters: { productFamily: "Storage Snapshot" }, usagetypeSuffix: "EBS:SnapshotUsage" },
    rdsBackupGbMonth: { serviceCode: RDS, filters: { productFamily: "Storage Snapshot" }, usagetypeSuffix: "RDS:ChargedBackupUsage" },
    natGatewayHour: { serviceCode: EC2, filters: { productFamily: "NAT Gateway" }, usagetypeSuffix: "NatGateway-Hours" },
    natGatewayProcessedGb: { serviceCode: EC2, filters: { productFamily: "NAT Gateway" }, usagetypeSuffix: "NatGateway-Bytes" },
    albHour: { serviceCode: "AWSELB", filters: { productFamily: "Load Balancer-Application" }, usagetypeSuffix: "LoadBalancerUsage" },
    albLcuHour: { serviceCode: "AWSELB", filters: { productFamily: "Load Balancer-Application" }, usagetypeSuffix: "LCUUsage" },
    publicIpv4Hour: { serviceCode: "AmazonVPC", filters: {}, usagetypeSuffix: "PublicIPv4:InUseAddress" },
    kmsKeyMonth: { serviceCode: "awskms", filters: {}, usagetypeSuffix: "KMS-Keys" },
    secretMonth: { serviceCode: "AWSSecretsManager", filters: {}, usagetypeSuffix: "AWSSecretsManager-Secrets" },
    s3StandardGbMonth: { serviceCode: "AmazonS3", filters: { volumeType: "Standard" }, usagetypeSuffix: "TimedStorage-ByteHrs" },
    s3StandardIaGbMonth: { serviceCode: "AmazonS3", filters: { volumeType: "Standard - Infrequent Access" }, usagetypeSuffix: "TimedStorage-SIA-ByteHrs" },
    s3RtcGb: { serviceCode: "AmazonS3", filters: {}, usagetypeSuffix: "S3RTC-In-Bytes" },
    interRegionTransferOutGb: { serviceCode: "AWSDataTransfer", filters: { transferType: "InterRegion Outbound" }, regionAttribute: "fromRegionCode" },
    route53HealthCheckAwsMonth: { serviceCode: "AmazonRoute53", filters: {}, regionAttribute: null, usagetypeSuffix: "Health-Check-AWS" },
    route53HealthCheckFeatureAwsMonth: { serviceCode: "AmazonRoute53", filters: {}, regionAttribute: null, usagetypeSuffix: "Health-Check-Option-AWS" },
    route53HealthCheckNonAwsMonth: { serviceCode: "AmazonRoute53", filters: {}, regionAttribute: null, usagetypeSuffix: "Health-Check-Non-AWS" },
    route53HostedZoneMonth: { serviceCode: "AmazonRoute53", filters: {}, regionAttribute: null, usagetypeSuffix: "HostedZone" },
    cloudwatchAlarmMonth: { serviceCode: "AmazonCloudWatch", filters: {}, usagetypeSuffix: "CW:AlarmMonitorUsage" },
    cloudwatchHighResAlarmMonth: { serviceCode: "AmazonCloudWatch", filters: {}, usagetypeSuffix: "CW:HighResAlarmMonitorUsage" },
    // Usage types <prefix>-WebACLV2, -RuleV2, -RequestV2-Tier1 (per request) in product family "Web Application
    // Firewall" (infracost internal/resources/aws/wafv2_web_acl.go reads the same). The Shield-protected variants
    // (-ShieldProtected-WebACLV2) end the same way: with both in the answer the figure is not chosen by guess, and
    // the hand-listed one is kept and reported.
    wafWebAclMonth: { serviceCode: "awswaf", filters: { productFamily: "Web Application Firewall" }, usagetypeSuffix: "WebACLV2" },
    wafRuleMonth: { serviceCode: "awswaf", filters: { productFamily: "Web Application Firewall" }, usagetypeSuffix: "RuleV2" },
    wafMillionRequests: { serviceCode: "awswaf", filters: { productFamily: "Web Application Firewall" }, usagetypeSuffix: "RequestV2-Tier1", perUnit: 1_000_000 },
    lambdaMillionRequests: { serviceCode: "AWSLambda", filters: { group: "AWS-Lambda-Requests" }, usagetypeSuffix: "Request", perUnit: 1_000_000 },
    lambdaGbSecond: { serviceCode: "AWSLambda", filters: { group: "AWS-Lambda-Duration" }, usagetypeSuffix: "Lambda-GB-Second" },
    // CloudFront bills by edge geography, not by the stack's region: the United States' usage types
    // (US-DataTransfer-Out-Bytes, US-Requests-Tier2-HTTPS; the bill's codes:
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/billing-and-usage-interpreting.html).
    cloudfrontTransferOutGb: { serviceCode: "AmazonCloudFront", filters: {}, regionAttribute: null, usagetypeSuffix: "US-DataTransfer-Out-Bytes" },
    cloudfrontHttpsRequests10k: { serviceCode: "AmazonCloudFront", filters: {}, regionAttribute: null, usagetypeSuffix: "US-Requests-Tier2-HTTPS", perUnit: 10_000 },
};

/** The GetProducts filters of a query in a region. */
export function productFilters(query: FigureQuery, region: string): Filter[] {
    const attribute = query.regionAttribute === undefined ? "regionCode" : query.regionAttribute;
    const all = { ...(attribute ? { [attribute]: region } : {}), ...query.filters };
    return Object.entries(all).map(([Field, Value]) => ({ Type: "TERM_MATCH", Field, Value }));
}

/** One product of a PriceList answer, reduced to what a figure needs. */
export interface ProductPrice {
    sku: string;
    usagetype: string;
    /** The On-Demand price per the API's unit, in `currency`; the first non-free tier of a tiered price. */
    price: number;
    currency: string;
    /** The offer term's code, e.g. `JRTCKXETXF`. */
    offerTermCode: string;
    /** The price list's publication date (ISO). */
    publicationDate: string;
}

/**
 * Reads one PriceList entry (a JSON string as GetProducts returns it). Returns undefined for a
 * product without an On-Demand price in `currency`; throws for text that is not a price list
 * product, naming what is wrong.
 */
export function readProduct(entry: string, currency: string): ProductPrice | undefined {
    let doc: any;
    try {
        doc = JSON.parse(entry);
    } catch (e: any) {
        throw new Error(`a PriceList entry is not JSON: ${e.message}`);
    }
    const sku = doc?.product?.sku;
    if (typeof sku !== "string") throw new Error("a PriceList entry has no product.sku");
    const terms = Object.values<any>(doc.terms?.OnDemand ?? {});
    const dimensions = terms.flatMap((t) => Object.values<any>(t.priceDimensions ?? {}).map((d) => ({ term: t, d })))
        .filter(({ d }) => d.pricePerUnit && typeof d.pricePerUnit[currency] === "string")
        .map(({ term, d }) => ({ term, begin: Number(d.beginRange ?? 0), price: Number(d.pricePerUnit[currency]) }))
        .filter((x) => Number.isFinite(x.price))
        .sort((a, b) => a.begin - b.begin);
    // The first tier, unless it is a free allowance: the estimate excludes the free tier.
    const chosen = dimensions.find((x) => x.price > 0) ?? dimensions[0];
    if (!chosen) return undefined;
    return {
        sku, usagetype: String(doc.product.attributes?.usagetype ?? ""), price: chosen.price, currency,
        offerTermCode: String(chosen.term.offerTermCode ?? ""), publicationDate: String(doc.publicationDate ?? ""),
    };
}

/** The products a query keeps: those whose usage type ends with its suffix (after any region prefix). */
export function matching(products: ProductPrice[], query: FigureQuery): ProductPrice[] {
    const suffix = query.usagetypeSuffix;
    return suffix === undefined ? products : products.filter((p) => p.usagetype === suffix || p.usagetype.endsWith(`-${suffix}`));
}
