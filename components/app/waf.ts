// WebFirewall: the AWS WAF web ACL in front of the site's Application Load Balancer(s). Part of
// the app layer of the original Terraform split (the edge of its `app` folder), in its own file
// so the load balancer's file keeps one job.
//
// Creates: one REGIONAL WAFv2 web ACL (default action allow) with, in priority order,
//  - a rate-based rule that blocks a client sending more than `loginRateLimit` requests in 5
//    minutes to WordPress's login form or XML-RPC endpoint (brute force, credential stuffing);
//  - four AWS managed rule groups (VendorName `AWS`): known bad inputs, the core rule set (CRS),
//    WordPress and PHP;
// one WebAclAssociation per load balancer given in `loadBalancerArns`, and WAF's request logs:
// a CloudWatch Logs group named aws-waf-logs-* (WAF's naming rule for a log destination) kept
// LOG_RETENTION_DAYS, with the Cookie and Authorization headers redacted.
//
// The web ACL is regional: its control plane is the stack's own region (a CLOUDFRONT-scoped one
// would live in us-east-1; ops/diff/controlPlanes.ts), so a dr promotion that only adds an
// association stays statically stable.
// https://docs.aws.amazon.com/waf/latest/developerguide/web-acl.html
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { LOG_RETENTION_DAYS } from "../logs/bucket";
import { assertValid } from "../validate";
import { VIEWER_IP_HEADER } from "./cdn";

/**
 * The AWS managed rule groups, in evaluation order after the rate rule, with their web ACL
 * capacity units (WCU) as AWS documents them. All four are free AWS Managed Rules: no
 * subscription or per-request fee beyond WAF's own per-rule and per-request prices. AWS: "an AWS
 * Managed Rules rule group, most of which are free for AWS WAF customers"
 * (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-managed-rule-group.html);
 * baseline and use-case groups carry "no additional per request costs", Bot Control, Fraud Control
 * and DDoS Protection do (https://aws.github.io/aws-security-services-best-practices/guides/waf/aws-managed-rules/docs/).
 * Baseline (CRS, known bad inputs): https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 * Use-case (WordPress, PHP): https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-use-case.html
 */
export const MANAGED_RULE_GROUPS: readonly { name: string; wcu: number; countOnly?: readonly string[]; why?: string }[] = Object.freeze([
    { name: "AWSManagedRulesKnownBadInputsRuleSet", wcu: 200 },
    {
        name: "AWSManagedRulesCommonRuleSet", wcu: 700,
        // SizeRestrictions_BODY blocks every request body over 8 KB (WAF inspects only the first
        // 8 KB of a body behind an ALB): WordPress's media uploads (wp-admin/async-upload.php) and
        // long posts exceed it. Counted, not blocked; the rest of the group still inspects the
        // first 8 KB. https://repost.aws/knowledge-center/waf-http-request-body-inspection
        countOnly: ["SizeRestrictions_BODY"],
        why: "media uploads and long posts have bodies over 8 KB",
    },
    { name: "AWSManagedRulesWordPressRuleSet", wcu: 100 },
    { name: "AWSManagedRulesPHPRuleSet", wcu: 100 },
]);

/** The paths the rate rule watches: WordPress's login form and its XML-RPC endpoint. */
export const LOGIN_PATHS: readonly string[] = Object.freeze(["/wp-login.php", "/xmlrpc.php"]);

/**
 * The rate rule's bounds: AWS WAF's lowest allowed limit is 10 requests per evaluation window
 * (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html);
 * the provider validates 10 to 2,000,000,000 (hashicorp/terraform-provider-aws v6.58.0,
 * internal/service/wafv2 rateBasedStatementSchema: `validation.IntBetween(10, 2000000000)`).
 */
export const RATE_LIMIT_MIN = 10;
export const RATE_LIMIT_MAX = 2_000_000_000;
/** The window the limit counts over, in seconds: 300 (5 minutes), AWS's default (60, 120, 300 or 600 allowed). */
export const RATE_WINDOW_SECONDS = 300;

/**
 * Where the rate rule reads the client's IP address.
 * - `connection`: the request's source address (clients connect to the ALB directly).
 * - `header`: the first address in `headerName` (a CDN in front of the ALB; the source address is
 *   then the CDN's). WAF reads only the first address of the header, and skips the rule when the
 *   header is absent. A client can put its own address list first in `X-Forwarded-For` (CloudFront
 *   appends the viewer's address to what the client sent), so a header the CDN itself sets and
 *   overwrites is stronger. https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-forwarded-ip-address.html
 */
export type ClientIpSource = { source: "connection" } | { source: "header"; headerName: string };

/** AWS WAF logs only to destinations whose name starts with this. */
export const WAF_LOG_GROUP_PREFIX = "aws-waf-logs-";
/** Headers WAF's logs never hold (lower case, as WAF matches header names). */
export const REDACTED_HEADERS: readonly string[] = Object.freeze(["cookie", "authorization"]);

/**
 * The client IP behind this project's CloudFront distributions: the header their viewer-request
 * function sets from the viewer's address, overwriting whatever the client sent (components/app/cdn.ts).
 */
export const CLOUDFRONT_CLIENT_IP: ClientIpSource = Object.freeze({ source: "header", headerName: VIEWER_IP_HEADER });

export interface WebFirewallArgs {
    /**
     * Requests one client may send to `LOGIN_PATHS` in 5 minutes before WAF blocks it (until its
     * rate falls below the limit again). Whole number from 10 to 2,000,000,000 (AWS WAF's bounds).
     * The stacks set it from `pilot-light:wafLoginRateLimit`.
     */
    loginRateLimit: number;
    /** Where the client's IP is read for the rate rule. Defaults to `{ source: "connection" }`. */
    clientIp?: ClientIpSource;
    /**
     * The load balancers to protect, keyed by a stable name (the association's name is
     * `<name>-<key>`: a key must not change, or the association is replaced). Defaults to none:
     * a dr stack makes the web ACL in standby, before the ALB it will protect exists.
     */
    loadBalancerArns?: Record<string, pulumi.Input<string>>;
    /** Tags for the web ACL. Defaults to none. */
    tags?: Record<string, string>;
}

/** Every problem with WebFirewall arguments, one message each; empty when they are valid. */
export function webFirewallProblems(args: WebFirewallArgs): string[] {
    const problems: string[] = [];
    const limit = args.loginRateLimit;
    if (!Number.isInteger(limit) || limit < RATE_LIMIT_MIN || limit > RATE_LIMIT_MAX) {
        problems.push(`loginRateLimit must be a whole number from ${RATE_LIMIT_MIN} to ${RATE_LIMIT_MAX} (AWS WAF's rate-based rule bounds), got ${JSON.stringify(limit)}`);
    }
    const ip = args.clientIp;
    // ForwardedIPConfig.HeaderName: 1 to 255 letters, digits and hyphens (AWS WAF API reference).
    if (ip?.source === "header" && !/^[A-Za-z0-9-]{1,255}$/.test(ip.headerName)) {
        problems.push(`clientIp.headerName must be an HTTP header name of 1 to 255 letters, digits and hyphens, got ${JSON.stringify(ip.headerName)}`);
    }
    for (const key of Object.keys(args.loadBalancerArns ?? {})) {
        if (!/^[a-z0-9][a-z0-9-]*$/.test(key)) {
            problems.push(`loadBalancerArns key ${JSON.stringify(key)} must be lower-case letters, digits and hyphens (it names the association)`);
        }
    }
    return problems;
}

/** CloudWatch metrics and sampled requests for every rule and the ACL: what to investigate a block with. */
const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

/** The rate rule's statement: a limit per client IP, counted only on the login paths. */
export function loginRateStatement(limit: number, clientIp: ClientIpSource) {
    // CONTAINS, URL-decoded: Apache runs /wp-login.php/anything as wp-login.php (PATH_INFO), and
    // decodes %2e before it maps the path, so neither form escapes the count.
    const paths = LOGIN_PATHS.map((p) => ({
        byteMatchStatement: {
            fieldToMatch: { uriPath: {} },
            positionalConstraint: "CONTAINS",
            searchString: p,
            textTransformations: [{ priority: 0, type: "URL_DECODE" }],
        },
    }));
    return {
        rateBasedStatement: {
            limit,
            evaluationWindowSec: RATE_WINDOW_SECONDS,
            ...(clientIp.source === "header"
                // MATCH: a login request whose header holds no valid address is blocked, not let through.
                ? { aggregateKeyType: "FORWARDED_IP", forwardedIpConfig: { headerName: clientIp.headerName, fallbackBehavior: "MATCH" } }
                : { aggregateKeyType: "IP" }),
            scopeDownStatement: { orStatement: { statements: paths } },
        },
    };
}

export class WebFirewall extends pulumi.ComponentResource {
    /** The web ACL's ARN. */
    readonly webAclArn: pulumi.Output<string>;
    /** The web ACL's ID. */
    readonly webAclId: pulumi.Output<string>;
    /** The log group WAF writes its request logs to. */
    readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: WebFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before super(), so bad arguments register nothing at all.
        assertValid("WebFirewall", name, webFirewallProblems(args));
        super("pilot-light:app:WebFirewall", name, {}, opts);
        const tags = args.tags ?? {};
        const clientIp = args.clientIp ?? { source: "connection" };

        const rules = [
            {
                name: "login-rate-limit",
                priority: 0,
                action: { block: {} },
                statement: loginRateStatement(args.loginRateLimit, clientIp),
                visibilityConfig: visibility(`${name}-login-rate-limit`),
            },
            ...MANAGED_RULE_GROUPS.map((g, i) => ({
                name: g.name,
                priority: i + 1,
                // The group's own actions apply (none overridden as a whole).
                overrideAction: { none: {} },
                statement: {
                    managedRuleGroupStatement: {
                        vendorName: "AWS",
                        name: g.name,
                        ...(g.countOnly ? { ruleActionOverrides: g.countOnly.map((r) => ({ name: r, actionToUse: { count: {} } })) } : {}),
                    },
                },
                visibilityConfig: visibility(`${name}-${g.name}`),
            })),
        ];

        const acl = new aws.wafv2.WebAcl(`${name}-acl`, {
            scope: "REGIONAL",
            description: "WordPress: login rate limit, AWS managed rules (known bad inputs, core, WordPress, PHP)",
            defaultAction: { allow: {} },
            rules,
            visibilityConfig: visibility(`${name}-acl`),
            tags,
        }, { parent: this });

        // WAF's own request logs (Checkov CKV2_AWS_31): a log destination's name must start with
        // aws-waf-logs-, which the region's log bucket's does not, so they go to a log group of
        // their own. CloudWatch Logs adds the log group's resource policy for WAF's delivery when
        // logging is turned on (the deployer needs logs:PutResourcePolicy and DescribeResourcePolicies).
        // https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
        // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            namePrefix: WAF_LOG_GROUP_PREFIX,
            retentionInDays: LOG_RETENTION_DAYS,
            tags,
        }, { parent: this });
        new aws.wafv2.WebAclLoggingConfiguration(`${name}-logging`, {
            resourceArn: acl.arn,
            logDestinationConfigs: [logGroup.arn],
            // WordPress's session cookies and any Basic credentials: never written to a log.
            redactedFields: REDACTED_HEADERS.map((h) => ({ singleHeader: { name: h } })),
        }, { parent: this });

        for (const [key, arn] of Object.entries(args.loadBalancerArns ?? {})) {
            new aws.wafv2.WebAclAssociation(`${name}-${key}`, { resourceArn: arn, webAclArn: acl.arn }, { parent: this });
        }

        this.webAclArn = acl.arn;
        this.webAclId = acl.id;
        this.logGroupName = logGroup.name;
        this.registerOutputs({ webAclArn: this.webAclArn, webAclId: this.webAclId, logGroupName: this.logGroupName });
    }
}
