// The secure-by-default rules (issue 17): each case starts from the compliant prod stack, shows
// the policy passes it (and a compliant variant where the rule needs one), then breaks one
// property and asserts the exact violation.
import { strict as assert } from "assert";
import { compliantDrStandby, compliantProd, DR_REGION, findings, PROD_REGION, res, Stack } from "./support";

interface Case {
    title: string;
    policy: string;
    /** Makes the baseline exercise the rule while still passing it. */
    comply?: (s: Stack) => void;
    breakIt: (s: Stack) => void;
    expected: { name: string; message: string }[];
}

const SG = "aws:ec2/securityGroup:SecurityGroup";
const DLM = "aws:dlm/lifecyclePolicy:LifecyclePolicy";
const VOLUME = "aws:ebs/volume:Volume";
const ALB = "aws:lb/loadBalancer:LoadBalancer";
const WAF_MISSING = (name: string) => `internet-facing load balancer "${name}" has no WAF web ACL; associate a REGIONAL aws.wafv2.WebAcl `
    + "with it through an aws.wafv2.WebAclAssociation (components/app/waf.ts)";
const EGRESS_ADVICE = "name the protocol and ports it needs (e.g. tcp 443)";

const dlm = (targetTags: Record<string, string>, extra: Record<string, any> = {}) => res(DLM, "data-snapshots", {
    executionRoleArn: "arn:aws:iam::123456789012:role/dlm", state: "ENABLED",
    policyDetails: { resourceTypes: ["VOLUME"], targetTags, schedules: [{ name: "daily", createRule: { interval: 24, intervalUnit: "HOURS" }, retainRule: { count: 7 } }] },
    ...extra,
});
const volume = (tags: Record<string, string>) => res(VOLUME, "data", { availabilityZone: "us-east-1a", size: 20, encrypted: true, tags });

const cases: Case[] = [
    {
        title: "all traffic to 0.0.0.0/0 inline", policy: "sg-no-all-traffic-egress-to-internet",
        breakIt: (s) => { s.get("web-sg", SG).inputs.egress = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]; },
        expected: [{ name: "web-sg", message: `security group "web-sg" allows all traffic out to 0.0.0.0/0; ${EGRESS_ADVICE}` }],
    },
    {
        title: "an egress rule with protocol -1 and no ports (what Checkov lets through)", policy: "sg-no-all-traffic-egress-to-internet",
        comply: (s) => { s.add(res("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "out", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" })); },
        breakIt: (s) => { Object.assign(s.get("out").inputs, { ipProtocol: "-1", fromPort: undefined, toPort: undefined }); },
        expected: [{ name: "out", message: `security group egress rule "out" allows all traffic out to 0.0.0.0/0; ${EGRESS_ADVICE}` }],
    },
    {
        title: "all traffic to ::/0 in a security group rule", policy: "sg-no-all-traffic-egress-to-internet",
        comply: (s) => { s.add(res("aws:ec2/securityGroupRule:SecurityGroupRule", "out6", { type: "egress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/16"], securityGroupId: "sg-1" })); },
        breakIt: (s) => { s.get("out6").inputs.ipv6CidrBlocks = ["::/0"]; },
        expected: [{ name: "out6", message: `security group rule "out6" allows all traffic out to ::/0; ${EGRESS_ADVICE}` }],
    },
    {
        title: "a data volume no DLM policy targets", policy: "ebs-volume-snapshotted",
        comply: (s) => { s.add(volume({ "pilot-light:snapshots": "ci" }), dlm({ "pilot-light:snapshots": "ci" })); },
        breakIt: (s) => { s.get("data", VOLUME).inputs.tags = { "pilot-light:snapshots": "other" }; },
        expected: [{ name: "data", message: "volume \"data\" is not targeted by any enabled DLM snapshot policy; tag it with a policy's targetTags or add a policy for it" }],
    },
    {
        title: "a data volume whose DLM policy is disabled", policy: "ebs-volume-snapshotted",
        comply: (s) => { s.add(volume({ "pilot-light:snapshots": "ci", team: "ops" }), dlm({ "pilot-light:snapshots": "ci" })); },
        breakIt: (s) => { s.get("data-snapshots", DLM).inputs.state = "DISABLED"; },
        expected: [{ name: "data", message: "volume \"data\" is not targeted by any enabled DLM snapshot policy; tag it with a policy's targetTags or add a policy for it" }],
    },
    {
        title: "a VPC without a flow log", policy: "vpc-flow-logs-enabled",
        breakIt: (s) => { s.get("vpc-flow-log").propertyDependencies.vpcId = []; },
        expected: [{ name: "vpc", message: "VPC \"vpc\" has no flow log; add an aws.ec2.FlowLog with its vpcId (components/logs/flowLogs.ts)" }],
    },
    {
        title: "a second VPC the flow log does not cover", policy: "vpc-flow-logs-enabled",
        breakIt: (s) => { s.add(res("aws:ec2/vpc:Vpc", "vpc-2", { cidrBlock: "10.1.0.0/16" })); },
        expected: [{ name: "vpc-2", message: "VPC \"vpc-2\" has no flow log; add an aws.ec2.FlowLog with its vpcId (components/logs/flowLogs.ts)" }],
    },
    {
        title: "an ALB without access logs", policy: "alb-access-logs",
        breakIt: (s) => { delete s.get("web", "aws:lb/loadBalancer:LoadBalancer").inputs.accessLogs; },
        expected: [{ name: "web", message: "load balancer \"web\" writes no access logs; set accessLogs.enabled to true and accessLogs.bucket" }],
    },
    {
        title: "an ALB whose access logs are turned off", policy: "alb-access-logs",
        breakIt: (s) => { s.get("web", "aws:lb/loadBalancer:LoadBalancer").inputs.accessLogs.enabled = false; },
        expected: [{ name: "web", message: "load balancer \"web\" writes no access logs; set accessLogs.enabled to true and accessLogs.bucket" }],
    },
    {
        title: "a public ALB without a web ACL association", policy: "alb-waf-associated",
        breakIt: (s) => { s.remove("waf-web"); },
        expected: [{ name: "web", message: WAF_MISSING("web") }],
    },
    {
        title: "an association with a CLOUDFRONT-scoped web ACL (which cannot protect an ALB)", policy: "alb-waf-associated",
        breakIt: (s) => { s.get("waf-acl").inputs.scope = "CLOUDFRONT"; },
        expected: [{ name: "web", message: WAF_MISSING("web") }],
    },
    {
        title: "a second public ALB the association does not cover", policy: "alb-waf-associated",
        comply: (s) => { s.add(res(ALB, "internal", { loadBalancerType: "application", internal: true }), res(ALB, "nlb", { loadBalancerType: "network" })); },
        breakIt: (s) => { s.add(res(ALB, "web-2", { loadBalancerType: "application" })); },
        expected: [{ name: "web-2", message: WAF_MISSING("web-2") }],
    },
    {
        title: "an association that names a literal ARN of a CloudFront web ACL", policy: "alb-waf-associated",
        comply: (s) => {
            const a = s.get("waf-web");
            a.propertyDependencies.webAclArn = [];
            a.inputs.webAclArn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/shared/1111";
        },
        breakIt: (s) => { s.get("waf-web").inputs.webAclArn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/shared/1111"; },
        expected: [{ name: "web", message: WAF_MISSING("web") }],
    },
];

describe("secure-by-default policies", () => {
    for (const c of cases) {
        it(`${c.policy}: passes the baseline, fails ${c.title}`, async () => {
            const s = compliantProd();
            c.comply?.(s);
            assert.deepEqual(await findings(s, PROD_REGION, c.policy), []);
            c.breakIt(s);
            const out = (await findings(s, PROD_REGION, c.policy)).map(({ name, message }) => ({ name, message }));
            assert.deepEqual(out, c.expected);
        });
    }
});

describe("alb-waf-associated in dr (the pack's standby exemption)", () => {
    const drAlb = () => res(ALB, "app-standby-web-alb", { loadBalancerType: "application", tags: { "pilot-light:role": "dr" } }, "dr");

    it("exempts dr's public ALB without a web ACL while dr stands by", async () => {
        const s = compliantDrStandby().add(drAlb());
        assert.deepEqual(await findings(s, DR_REGION, "alb-waf-associated"), []);
    });

    it("holds a promoted dr's ALB to the rule from promotion on", async () => {
        const s = compliantDrStandby().add(drAlb());
        delete s.get("db-replica").inputs.replicateSourceDb;
        assert.deepEqual((await findings(s, DR_REGION, "alb-waf-associated")).map(({ name, message }) => ({ name, message })),
            [{ name: "app-standby-web-alb", message: WAF_MISSING("app-standby-web-alb") }]);
    });
});
