// Which AWS services and features the stacks use that a partition may lack, what AWS documents
// about each in the China regions (partition aws-cn), and the plan-time check: a feature
// documented as unavailable is refused as a config error naming the key and value that need
// it, before anything is planned; a feature whose availability could not be confirmed from
// AWS's China documentation is a warning, so the operator checks it before `pulumi up`.
//
// Sources: "Getting Started with Amazon Web Services in China", one page per service
// (https://docs.amazonaws.cn/en_us/aws/latest/userguide/<service>.html, read 2026-12-01).
// Add a fact when the stacks start using a new service or feature.
import { partitionOf } from "../components/regions";

/** What AWS documents about a feature in a partition. */
export type Availability = "available" | "unavailable" | "unverified";

/** The config that decides which features a stack uses (a subset of StackConfig). */
export interface ServiceUse {
    region: string;
    role: "primary" | "dr";
    replicateToPeer: boolean;
    domainName?: string;
    singletonMode: string;
    /** pilot-light:mediaImmutability; absent means none. */
    mediaImmutability?: string;
}

/** One feature the stacks use, and its availability outside the commercial partition. */
export interface ServiceFact {
    /** The feature, e.g. `ACM public certificates with DNS validation`. */
    feature: string;
    /** The config key and value that make this stack use it, or undefined when it does not. */
    usedBy: (use: ServiceUse) => string | undefined;
    /** What AWS documents in the China regions, and where. */
    "aws-cn": { status: Availability; source: string; note: string };
}

const CN = "https://docs.amazonaws.cn/en_us/aws/latest/userguide";
const withDomain = (u: ServiceUse) => (u.domainName ? `pilot-light:domainName=${u.domainName}` : undefined);
const lambdaModes = ["multi-az-asg-ebs", "standby-failover"];

/** The features the stacks use that could differ by partition. */
export const SERVICE_FACTS: readonly ServiceFact[] = [
    {
        feature: "ACM public certificates with DNS validation (HTTPS on the ALB)",
        usedBy: withDomain,
        "aws-cn": { status: "available", source: `${CN}/acm.html`, note: "available in Beijing and Ningxia; \"There are no differences for this service\"" },
    },
    {
        feature: "Route 53 hosted zone records, HTTPS health check and failover alias to the ALB",
        usedBy: withDomain,
        "aws-cn": {
            status: "available", source: `${CN}/route53.html`,
            note: "available; the hosted zone must be one of the China account (domains cannot be registered there), and alias "
                + "records can only target resources in the China regions (ours do). TestDNSAnswer is not available: the failover "
                + "runbook's DNS answer check cannot run there. A website on ports 80/443 in China also needs an ICP filing.",
        },
    },
    {
        feature: "AWS WAF: a REGIONAL web ACL on the ALB with the AWS managed rule groups AWSManagedRulesCommonRuleSet, "
            + "AWSManagedRulesKnownBadInputsRuleSet, AWSManagedRulesWordPressRuleSet and AWSManagedRulesPHPRuleSet, and a rate-based rule",
        // Every stack: prod with its tier, dr from standby on (components/app/waf.ts).
        usedBy: (u) => `pilot-light:role=${u.role}`,
        "aws-cn": {
            status: "available", source: `${CN}/waf.html`,
            note: "available in Beijing and Ningxia, \"supported at a regional level only\" (our web ACL is REGIONAL); the differences "
                + "listed are Firewall Manager, Shield, Marketplace rule groups and Bot Control's targeted level, none of which we use; the "
                + "China WAF guide documents the four managed groups and rate-based rules "
                + "(https://docs.amazonaws.cn/en_us/waf/latest/developerguide/aws-managed-rule-groups-use-case.html)",
        },
    },
    {
        feature: "S3 cross-region replication with Replication Time Control (15 min) from prod to dr",
        usedBy: (u) => (u.role === "primary" && u.replicateToPeer ? "pilot-light:replicateToPeer=true" : undefined),
        "aws-cn": {
            status: "unverified", source: "https://docs.amazonaws.cn/en_us/AmazonS3/latest/userguide/replication-time-control.html",
            note: "the China S3 guide documents S3 RTC and the source article replicates Beijing to Ningxia, but no page states that RTC "
                + "is offered in the China regions; the media RPO of 15 minutes rests on it",
        },
    },
    {
        feature: "RDS cross-Region automated backups replication from prod into dr (point-in-time recovery in dr)",
        usedBy: (u) => (u.role === "dr" ? "pilot-light:role=dr" : undefined),
        "aws-cn": {
            status: "unverified", source: "https://docs.amazonaws.cn/en_us/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html",
            note: "the China RDS guide documents backup replication for RDS for MySQL, but no page read states which China Region pairs it "
                + "supports; dr's point-in-time recovery rests on it",
        },
    },
    {
        feature: "S3 Object Lock enabled on an existing bucket, and replication of locked versions",
        usedBy: (u) => (u.mediaImmutability !== undefined && u.mediaImmutability !== "none" ? `pilot-light:mediaImmutability=${u.mediaImmutability}` : undefined),
        "aws-cn": {
            status: "unverified", source: "https://docs.amazonaws.cn/en_us/AmazonS3/latest/userguide/object-lock-configure.html",
            note: "the China S3 guide documents Object Lock, including \"Enable Object Lock on an existing S3 bucket\" and replication's "
                + "DstBucketObjectLockConfigMissing, but no Getting Started page read confirms it in the China regions; an `up` that "
                + "cannot enable it fails on the lock configuration and leaves the bucket as it was",
        },
    },
    {
        feature: "Lambda functions on the Node.js runtime (prod's app-user function and the singleton's lifecycle hooks or failover)",
        // prod always runs the app-user function (components/database/appUser.ts); some singleton modes add theirs.
        usedBy: (u) => (u.role !== "primary" ? undefined
            : lambdaModes.includes(u.singletonMode) ? `pilot-light:role=primary, pilot-light:singletonMode=${u.singletonMode}` : "pilot-light:role=primary"),
        "aws-cn": {
            status: "unverified", source: `${CN}/lambda.html`,
            note: "Lambda is available, but \"future runtime release dates do not apply to the China Regions\": check that the "
                + "function's runtime is offered there (https://docs.amazonaws.cn/lambda/latest/dg/lambda-runtimes.html)",
        },
    },
    {
        feature: "Data Lifecycle Manager hourly EBS snapshots",
        usedBy: (u) => (u.role === "primary" && u.singletonMode === "multi-az-asg-ebs" ? "pilot-light:singletonMode=multi-az-asg-ebs" : undefined),
        "aws-cn": {
            status: "unverified", source: "https://docs.amazonaws.cn/dlm/latest/APIReference/API_Operations.html",
            note: "its API reference is published for the China regions, but no Getting Started page confirms the service there",
        },
    },
];

/**
 * CloudFront in the China regions: "You can't use the default CloudFront domain, *.cloudfront.cn,
 * to serve content. You must add an alternate domain name ... You also must have an ICP
 * registration." So a stack without a domain, which serves HTTPS through CloudFront's default
 * certificate (components/app/cdn.ts), cannot serve there.
 */
export const CN_CLOUDFRONT_SOURCE = `${CN}/cloudfront.html`;

/**
 * Config errors: a stack in the China regions without a domain (domainName and hostedZoneId
 * unset). Pure. Every role: prod serves, and dr makes its distribution in standby.
 */
export function noDomainProblems(use: ServiceUse): string[] {
    if (partitionOf(use.region) !== "aws-cn" || use.domainName !== undefined) return [];
    return [`pilot-light:domainName/pilot-light:hostedZoneId: not set, which is not allowed in ${use.region}: without a domain the site `
        + "serves HTTPS through CloudFront's default certificate, and CloudFront in the China regions serves no content on its default "
        + `domain (*.cloudfront.cn; ${CN_CLOUDFRONT_SOURCE}). Set both: a domain with an ICP filing (ICP recordal, required for a website on `
        + "ports 80/443 in China; see \"Signup, Accounts, and Credentials\" in Getting Started with Amazon Web Services in China) and the "
        + "Route 53 hosted zone of the China account that holds it; the ALB then serves HTTPS with an ACM certificate."];
}

/** The facts a stack in a partition other than `aws` depends on, with the config that uses each. */
function factsInUse(use: ServiceUse, facts: readonly ServiceFact[]) {
    const partition = partitionOf(use.region);
    if (partition !== "aws-cn") return [];
    return facts.flatMap((f) => {
        const by = f.usedBy(use);
        return by === undefined ? [] : [{ fact: f, by, doc: f[partition] }];
    });
}

/** Config errors: every feature the stack's config uses that its partition lacks. Pure. */
export function unavailableServiceProblems(use: ServiceUse, facts: readonly ServiceFact[] = SERVICE_FACTS): string[] {
    return factsInUse(use, facts).filter((x) => x.doc.status === "unavailable").map((x) =>
        `${x.by.split("=")[0]}: ${JSON.stringify(x.by.slice(x.by.indexOf("=") + 1))} is not allowed in ${use.region}; it needs ${x.fact.feature}, `
        + `which the China regions do not offer (${x.doc.note}; ${x.doc.source}). Unset it or choose another value.`);
}

/** Warnings: every feature the stack uses whose availability in its partition is not confirmed. Pure. */
export function unverifiedServiceWarnings(use: ServiceUse, facts: readonly ServiceFact[] = SERVICE_FACTS): string[] {
    return factsInUse(use, facts).filter((x) => x.doc.status === "unverified").map((x) =>
        `${x.by} uses ${x.fact.feature}; not confirmed in ${use.region}: ${x.doc.note} (${x.doc.source}). Check before \`pulumi up\`.`);
}
