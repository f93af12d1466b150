// WebFirewall under the offline engine: the web ACL's rules as AWS receives them, the client-IP
// source of the rate rule, the associations, and the validator's exact messages.
import { strict as assert } from "assert";
import { recordResources, Recording } from "../support/offline";
import type { WebFirewallArgs } from "../../components/app/waf";
import { webFirewallProblems } from "../../components/app/waf";
import { CONFIG_SCHEMA } from "../../stacks/configSchema";

const ACL = "aws:wafv2/webAcl:WebAcl";
const ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation";

async function build(name: string, a: WebFirewallArgs): Promise<Recording> {
    const rec = await recordResources("us-west-2");
    const { WebFirewall } = await import("../../components/app/waf");
    new WebFirewall(name, a);
    await rec.settle();
    return rec;
}

/** The scope-down statement AWS documents for "path contains X", URL-decoded first. */
const path = (p: string) => ({
    byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: "CONTAINS", searchString: p, textTransformations: [{ priority: 0, type: "URL_DECODE" }] },
});
const SCOPE = { orStatement: { statements: [path("/wp-login.php"), path("/xmlrpc.php")] } };
const metrics = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

describe("app/WebFirewall", () => {
    it("makes a REGIONAL web ACL: the login rate rule first, then the four AWS managed groups, CRS's body-size rule counted", async () => {
        const rec = await build("waf", { loginRateLimit: 100, tags: { Project: "pilot-light" } });
        const acl = rec.one(ACL, "waf-acl").inputs;
        assert.equal(acl.scope, "REGIONAL");
        assert.deepEqual(acl.defaultAction, { allow: {} });
        assert.deepEqual(acl.visibilityConfig, metrics("waf-acl"));
        assert.deepEqual(acl.tags, { Project: "pilot-light" });
        assert.deepEqual(acl.rules[0], {
            name: "login-rate-limit", priority: 0, action: { block: {} },
            statement: { rateBasedStatement: { limit: 100, evaluationWindowSec: 300, aggregateKeyType: "IP", scopeDownStatement: SCOPE } },
            visibilityConfig: metrics("waf-login-rate-limit"),
        });
        assert.deepEqual(acl.rules.slice(1).map((r: any) => [r.priority, r.statement.managedRuleGroupStatement.vendorName,
            r.statement.managedRuleGroupStatement.name, r.overrideAction, r.statement.managedRuleGroupStatement.ruleActionOverrides]), [
            [1, "AWS", "AWSManagedRulesKnownBadInputsRuleSet", { none: {} }, undefined],
            [2, "AWS", "AWSManagedRulesCommonRuleSet", { none: {} }, [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]],
            [3, "AWS", "AWSManagedRulesWordPressRuleSet", { none: {} }, undefined],
            [4, "AWS", "AWSManagedRulesPHPRuleSet", { none: {} }, undefined],
        ]);
        assert.deepEqual(rec.ofType(ASSOCIATION), []);
    });

    it("logs WAF's requests to an aws-waf-logs-* log group kept 90 days, with cookies and Authorization redacted", async () => {
        const rec = await build("waf", { loginRateLimit: 100, tags: { Project: "pilot-light" } });
        const group = rec.one("aws:cloudwatch/logGroup:LogGroup", "waf-logs");
        // WAF's naming rule for a log destination; 90 days, as the region's other logs.
        assert.deepEqual([group.inputs.namePrefix, group.inputs.retentionInDays, group.inputs.tags], ["aws-waf-logs-", 90, { Project: "pilot-light" }]);
        const logging = rec.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "waf-logging");
        assert.deepEqual(logging.inputs.redactedFields, [{ singleHeader: { name: "cookie" } }, { singleHeader: { name: "authorization" } }]);
        assert.deepEqual([logging.propertyDependencies.resourceArn, logging.propertyDependencies.logDestinationConfigs],
            [[rec.one(ACL, "waf-acl").urn], [group.urn]]);
    });

    it("behind CloudFront, counts by the viewer-IP header its function sets (never X-Forwarded-For, which a client can seed) and blocks a login request without it", async () => {
        const { CLOUDFRONT_CLIENT_IP } = await import("../../components/app/waf");
        const rec = await build("waf", { loginRateLimit: 250, clientIp: CLOUDFRONT_CLIENT_IP });
        assert.deepEqual(rec.one(ACL, "waf-acl").inputs.rules[0].statement.rateBasedStatement, {
            limit: 250, evaluationWindowSec: 300, aggregateKeyType: "FORWARDED_IP",
            forwardedIpConfig: { headerName: "X-Pilot-Light-Viewer-Ip", fallbackBehavior: "MATCH" }, scopeDownStatement: SCOPE,
        });
    });

    it("associates each load balancer under its stable key", async () => {
        const rec = await build("waf", { loginRateLimit: 100, loadBalancerArns: { app: "arn:alb/app", standby: "arn:alb/standby" } });
        const arns = rec.ofType(ASSOCIATION).map((a) => [a.name, a.inputs.resourceArn]).sort();
        assert.deepEqual(arns, [["waf-app", "arn:alb/app"], ["waf-standby", "arn:alb/standby"]]);
        assert.ok(rec.ofType(ASSOCIATION).every((a) => a.propertyDependencies.webAclArn?.includes(rec.one(ACL, "waf-acl").urn)));
    });

    it("refuses bad arguments before registering anything, naming each one", async () => {
        const rec = await recordResources("us-west-2");
        const { WebFirewall } = await import("../../components/app/waf");
        assert.throws(() => new WebFirewall("waf", { loginRateLimit: 9, clientIp: { source: "header", headerName: "X Forwarded" }, loadBalancerArns: { App: "arn" } }), {
            message: 'WebFirewall "waf": invalid arguments:\n'
                + "  - loginRateLimit must be a whole number from 10 to 2000000000 (AWS WAF's rate-based rule bounds), got 9\n"
                + '  - clientIp.headerName must be an HTTP header name of 1 to 255 letters, digits and hyphens, got "X Forwarded"\n'
                + '  - loadBalancerArns key "App" must be lower-case letters, digits and hyphens (it names the association)',
        });
        await rec.settle();
        assert.deepEqual(rec.ofType(ACL), []);
    });

    it("accepts the bounds themselves and rejects a fraction", () => {
        assert.deepEqual(webFirewallProblems({ loginRateLimit: 10 }), []);
        assert.deepEqual(webFirewallProblems({ loginRateLimit: 2_000_000_000 }), []);
        assert.deepEqual(webFirewallProblems({ loginRateLimit: 2_000_000_001 }),
            ["loginRateLimit must be a whole number from 10 to 2000000000 (AWS WAF's rate-based rule bounds), got 2000000001"]);
        assert.deepEqual(webFirewallProblems({ loginRateLimit: 10.5 }),
            ["loginRateLimit must be a whole number from 10 to 2000000000 (AWS WAF's rate-based rule bounds), got 10.5"]);
    });

    it("the config key's bounds are the component's (pilot-light:wafLoginRateLimit)", () => {
        // 10: the lowest limit AWS WAF allows; 2,000,000,000: the API's highest (see waf.ts).
        assert.deepEqual([CONFIG_SCHEMA.wafLoginRateLimit.min, CONFIG_SCHEMA.wafLoginRateLimit.max], [10, 2_000_000_000]);
    });
});
