// The secure-by-default rules (issue 17): each case starts from the compliant prod stack, shows
// the policy passes it (and a compliant variant where the rule needs one), then breaks one
// property and asserts the exact violation.
import { strict as assert } from "assert";
import { compliantProd, findings, PROD_REGION, res, Stack } from "./support";

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
