// The web application firewall in the real stacks (components/app/waf.ts, stacks/appTier.ts
// deployFirewall): prod's ALB is associated; dr makes the web ACL in standby, so a promotion
// adds at most the association, through dr's own regional API, and replaces nothing. dr's standby
// ALB (behind the SECONDARY record with a domain, behind dr's CloudFront distribution without) is
// associated in standby, so promotion touches no WAF resource.
import { strict as assert } from "assert";
import type { StackPlan } from "../../ops/offline/planner";
import { diffPlans, stackRegions, staticStabilityProblems } from "../../ops/diff";
import { memoPlan } from "../support/plans";

const ACL = "aws:wafv2/webAcl:WebAcl";
const ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation";
const DOMAIN = { "pilot-light:domainName": "www.example.com", "pilot-light:hostedZoneId": "Z0123456789ABCDEFGHIJ" };

/** Each association's name and the ALB (by logical name) its resourceArn comes from. */
function associations(plan: StackPlan): string[][] {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    return plan.resources.filter((r) => r.type === ASSOCIATION)
        .map((a) => [a.name, ...(a.propertyDependencies.resourceArn ?? []).map((u) => byUrn.get(u)?.name ?? u)]);
}

/** The WAF changes of a promotion: op and name. */
function wafChanges(standby: StackPlan, promoted: StackPlan): string[][] {
    return diffPlans(standby, promoted).changes.filter((c) => c.type === ACL || c.type === ASSOCIATION).map((c) => [c.op, c.name]);
}

describe("stacks: the web application firewall", function () {
    this.timeout(600000);

    it("associates prod's ALB with one REGIONAL web ACL, rate-limited by pilot-light:wafLoginRateLimit", async () => {
        const prod = await memoPlan({ stack: "prod" });
        const [acl] = prod.resources.filter((r) => r.type === ACL);
        assert.equal(acl.inputs.scope, "REGIONAL");
        assert.equal(acl.inputs.rules[0].statement.rateBasedStatement.limit, 100);
        assert.deepEqual(associations(prod), [["waf-app", "app-web-alb"]]);
        const tighter = await memoPlan({ stack: "prod", configOverrides: { "pilot-light:wafLoginRateLimit": "20" } });
        assert.equal(tighter.resources.find((r) => r.type === ACL)!.inputs.rules[0].statement.rateBasedStatement.limit, 20);
    });

    it("counts logins per viewer: from the viewer-IP header CloudFront's function sets without a domain (CloudFront fronts the ALBs), the connection's address with one", async () => {
        const key = (plan: StackPlan) => {
            const rate = plan.resources.find((r) => r.type === ACL)!.inputs.rules[0].statement.rateBasedStatement;
            return [rate.aggregateKeyType, rate.forwardedIpConfig];
        };
        const viaCloudFront = ["FORWARDED_IP", { headerName: "X-Pilot-Light-Viewer-Ip", fallbackBehavior: "MATCH" }];
        assert.deepEqual(key(await memoPlan({ stack: "prod" })), viaCloudFront);
        assert.deepEqual(key(await memoPlan({ stack: "dr" })), viaCloudFront);
        assert.deepEqual(key(await memoPlan({ stack: "dr", promote: true })), viaCloudFront);
        assert.deepEqual(key(await memoPlan({ stack: "prod", configOverrides: DOMAIN })), ["IP", undefined]);
        assert.deepEqual(key(await memoPlan({ stack: "dr", configOverrides: DOMAIN })), ["IP", undefined]);
    });

    it("without a domain: dr's web ACL and its association with the standby ALB (CloudFront's origin) exist in standby; promotion changes no WAF resource", async () => {
        const standby = await memoPlan({ stack: "dr" });
        const promoted = await memoPlan({ stack: "dr", promote: true });
        assert.equal(standby.resources.filter((r) => r.type === ACL).length, 1);
        // Its request logs too: promotion creates no log group or logging configuration.
        assert.deepEqual(standby.resources.filter((r) => r.type === "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration").map((r) => r.name), ["waf-logging"]);
        assert.deepEqual(associations(standby), [["waf-standby", "app-standby-web-alb"]]);
        assert.deepEqual(associations(promoted), [["waf-standby", "app-standby-web-alb"]]);
        assert.deepEqual(wafChanges(standby, promoted), []);
        const change = diffPlans(standby, promoted);
        assert.deepEqual(staticStabilityProblems(change.changes.filter((c) => c.type === ASSOCIATION), stackRegions(standby, promoted)), []);
        assert.ok(change.changes.every((c) => c.op !== "replace" || !c.data));
    });

    it("with a domain: dr's standby ALB is associated in standby, so promotion changes no WAF resource", async () => {
        const standby = await memoPlan({ stack: "dr", configOverrides: DOMAIN });
        const promoted = await memoPlan({ stack: "dr", promote: true, configOverrides: DOMAIN });
        assert.deepEqual(associations(standby), [["waf-standby", "app-standby-web-alb"]]);
        assert.deepEqual(associations(promoted), [["waf-standby", "app-standby-web-alb"]]);
        assert.deepEqual(wafChanges(standby, promoted), []);
    });

    it("a drill's own ALB is associated too (with a domain; without one the drill uses the standby ALB, associated since standby)", async () => {
        const drill = await memoPlan({ stack: "dr", configOverrides: { ...DOMAIN, "pilot-light:drill": "true" } });
        assert.deepEqual(associations(drill).sort(), [["waf-app", "app-web-alb"], ["waf-standby", "app-standby-web-alb"]]);
        const noDomain = await memoPlan({ stack: "dr", configOverrides: { "pilot-light:drill": "true" } });
        assert.deepEqual(associations(noDomain), [["waf-standby", "app-standby-web-alb"]]);
    });
});
