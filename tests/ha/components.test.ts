// The four patterns under the offline engine: exact children and the inputs that matter for
// safety (IMDSv2, encryption, no key pair, recover alarms, 1/1/1 over two AZs, hooks, IAM scope).
import { strict as assert } from "assert";
import { bundledCode, Recording, recordResources } from "../support/offline";

const subnets = [{ az: "us-east-1a", subnetId: "subnet-a" }, { az: "us-east-1b", subnetId: "subnet-b" }];
const base = { vpcId: "vpc-1", subnets, imageId: "ami-1", instanceType: "t3.small", servicePort: 8080, allowedCidrs: ["203.0.113.0/24"] };

function statementsOf(rec: Recording, type: string): any[] {
    return rec.ofType(type).flatMap((r) => JSON.parse(r.inputs.policy).Statement);
}

function assertScopedIam(rec: Recording): void {
    for (const s of statementsOf(rec, "aws:iam/rolePolicy:RolePolicy")) {
        const actions: string[] = [].concat(s.Action);
        assert.ok(!actions.includes("*") && !actions.some((a) => a === "ec2:*"), `wildcard action in ${JSON.stringify(s)}`);
        if ([].concat(s.Resource).includes("*" as never)) {
            assert.ok(actions.every((a) => /^ec2:Describe/.test(a)), `mutating action on *: ${JSON.stringify(s)}`);
        }
    }
}

function assertRecoverAlarm(rec: Recording, name: string, instanceUrn: string): void {
    const alarm = rec.one("aws:cloudwatch/metricAlarm:MetricAlarm", `${name}-recover`);
    assert.deepEqual(
        [alarm.inputs.namespace, alarm.inputs.metricName, alarm.inputs.period, alarm.inputs.evaluationPeriods, alarm.inputs.statistic,
            alarm.inputs.comparisonOperator, alarm.inputs.threshold],
        ["AWS/EC2", "StatusCheckFailed_System", 60, 2, "Maximum", "GreaterThanOrEqualToThreshold", 1]);
    assert.deepEqual(alarm.inputs.alarmActions, ["arn:aws:automate:us-east-1:ec2:recover"]);
    assert.ok(alarm.propertyDependencies.dimensions.includes(instanceUrn), "alarm dimensions depend on the instance");
}

describe("ha: components offline", function () {
    let rec: Recording;
    let ha: typeof import("../../components/ha");
    before(async () => {
        rec = await recordResources("us-east-1");
        ha = await import("../../components/ha");
        new ha.SingletonService("p1", { ...base, mode: "recoverable-instance" });
        new ha.SingletonService("p2", { ...base, mode: "multi-az-asg" });
        new ha.SingletonService("p3", { ...base, mode: "multi-az-asg-ebs" });
        new ha.SingletonService("p4", { ...base, mode: "standby-failover" });
        await rec.settle();
    });

    it("recoverable-instance: hardened instance, data volume with snapshots every 12 h, EIP and recover alarm", () => {
        const svc = rec.one("pilot-light:ha:SingletonService", "p1");
        assert.deepEqual(rec.childTypes(svc.urn), ["pilot-light:ha:RecoverableInstance"]);
        const comp = rec.one("pilot-light:ha:RecoverableInstance", "p1-recoverable-instance");
        assert.deepEqual(rec.childTypes(comp.urn), [
            "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:dlm/lifecyclePolicy:LifecyclePolicy", "aws:ebs/volume:Volume", "aws:ec2/eip:Eip",
            "aws:ec2/eipAssociation:EipAssociation", "aws:ec2/instance:Instance", "aws:ec2/securityGroup:SecurityGroup",
            "aws:ec2/volumeAttachment:VolumeAttachment", "aws:iam/instanceProfile:InstanceProfile", "aws:iam/role:Role", "aws:iam/role:Role",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "pulumi:index:Stash",
        ]);
        const egress = rec.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "p1-recoverable-instance-out");
        assert.deepEqual([egress.inputs.ipProtocol, egress.inputs.fromPort, egress.inputs.toPort, egress.inputs.cidrIpv4], ["tcp", 443, 443, "0.0.0.0/0"]);
        const dlm = rec.one("aws:dlm/lifecyclePolicy:LifecyclePolicy", "p1-recoverable-instance-snapshots");
        assert.deepEqual(dlm.inputs.policyDetails.targetTags, { "pilot-light:snapshots": "p1-recoverable-instance" });
        assert.deepEqual(dlm.inputs.policyDetails.schedules[0].createRule, { interval: 12, intervalUnit: "HOURS" });
        assert.deepEqual(dlm.inputs.policyDetails.schedules[0].retainRule, { count: 14 });
        assert.equal(rec.one("aws:ebs/volume:Volume", "p1-recoverable-instance-data").inputs.tags["pilot-light:snapshots"], "p1-recoverable-instance");
        const instance = rec.one("aws:ec2/instance:Instance", "p1-recoverable-instance-instance");
        // The AMI comes from the stash, which keeps the value it was created with.
        const ami = rec.one("pulumi:index:Stash", "p1-recoverable-instance-ami");
        assert.deepEqual([ami.inputs.input, ami.outputs.output, instance.inputs.ami], ["ami-1", "ami-1", "ami-1"]);
        assert.deepEqual(instance.propertyDependencies.ami, [ami.urn]);
        assert.equal(instance.inputs.metadataOptions.httpTokens, "required");
        assert.equal(instance.inputs.rootBlockDevice.encrypted, true);
        assert.equal(instance.inputs.monitoring, true);
        assert.equal(instance.inputs.keyName, undefined);
        assert.equal(instance.inputs.tenancy, "default");
        const volume = rec.one("aws:ebs/volume:Volume", "p1-recoverable-instance-data");
        assert.deepEqual([volume.inputs.encrypted, volume.inputs.type, volume.inputs.size, volume.inputs.availabilityZone], [true, "gp3", 20, "us-east-1a"]);
        assertRecoverAlarm(rec, "p1-recoverable-instance", instance.urn);
        const ingress = rec.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "p1-recoverable-instance-in-203-0-113-0-24");
        assert.deepEqual([ingress.inputs.fromPort, ingress.inputs.toPort, ingress.inputs.cidrIpv4], [8080, 8080, "203.0.113.0/24"]);
    });

    it("multi-az-asg: 1/1/1 over two AZs, hardened template, EIP association scoped to one allocation", () => {
        const group = rec.one("aws:autoscaling/group:Group", "p2-multi-az-asg-asg");
        assert.deepEqual([group.inputs.minSize, group.inputs.maxSize, group.inputs.desiredCapacity], [1, 1, 1]);
        assert.deepEqual(group.inputs.vpcZoneIdentifiers, ["subnet-a", "subnet-b"]);
        assert.equal(group.deleteBeforeReplace, true);
        assert.deepEqual(group.inputs.initialLifecycleHooks ?? [], []);
        const lt = rec.one("aws:ec2/launchTemplate:LaunchTemplate", "p2-multi-az-asg-lt");
        assert.equal(lt.inputs.metadataOptions.httpTokens, "required");
        assert.equal(lt.inputs.blockDeviceMappings[0].ebs.encrypted, "true");
        assert.equal(lt.inputs.keyName, undefined);
        assert.equal(lt.inputs.monitoring.enabled, true);
        const script = Buffer.from(lt.inputs.userData, "base64").toString("utf8");
        const eip = rec.one("aws:ec2/eip:Eip", "p2-multi-az-asg-eip");
        assert.ok(script.includes(`--allocation-id "${eip.outputs.allocationId}"`));
        const policy = JSON.parse(rec.one("aws:iam/rolePolicy:RolePolicy", "p2-multi-az-asg-eip").inputs.policy);
        assert.deepEqual(policy.Statement.map((s: any) => [s.Action, s.Resource, s.Condition]), [
            ["ec2:AssociateAddress", `arn:aws:ec2:us-east-1:123456789012:elastic-ip/${eip.outputs.allocationId}`, undefined],
            ["ec2:AssociateAddress", "arn:aws:ec2:us-east-1:123456789012:instance/*", { StringEquals: { "ec2:ResourceTag/pilot-light:singleton": "p2-multi-az-asg" } }],
        ]);
        assert.equal(rec.ofType("aws:lambda/function:Function").filter((f) => f.name.startsWith("p2-")).length, 0);
    });

    it("multi-az-asg-ebs: lifecycle hooks, EventBridge rules, bundled Lambdas with scoped IAM, DLM", () => {
        const group = rec.one("aws:autoscaling/group:Group", "p3-multi-az-asg-ebs-asg");
        assert.deepEqual(group.inputs.initialLifecycleHooks.map((h: any) => [h.name, h.lifecycleTransition, h.heartbeatTimeout, h.defaultResult]), [
            ["p3-multi-az-asg-ebs-launch", "autoscaling:EC2_INSTANCE_LAUNCHING", 900, "ABANDON"],
            ["p3-multi-az-asg-ebs-terminate", "autoscaling:EC2_INSTANCE_TERMINATING", 300, "CONTINUE"],
        ]);
        // dependsOn a component expands to its children: the group waits for the handlers and rules.
        for (const [type, n] of [["aws:lambda/function:Function", "launch-fn"], ["aws:cloudwatch/eventTarget:EventTarget", "launch"],
            ["aws:lambda/permission:Permission", "launch"]]) {
            const urn = rec.one(type, `p3-multi-az-asg-ebs-ebs-${n}`).urn;
            assert.ok(group.dependencies.includes(urn), `the group waits for ${type} ${n}`);
        }
        const rule = rec.one("aws:cloudwatch/eventRule:EventRule", "p3-multi-az-asg-ebs-ebs-launch");
        assert.deepEqual(JSON.parse(rule.inputs.eventPattern), {
            source: ["aws.autoscaling"], "detail-type": ["EC2 Instance-launch Lifecycle Action"],
            detail: { AutoScalingGroupName: ["p3-multi-az-asg-ebs-asg"], LifecycleHookName: ["p3-multi-az-asg-ebs-launch"] },
        });
        for (const key of ["launch", "terminate"]) {
            const fn = rec.one("aws:lambda/function:Function", `p3-multi-az-asg-ebs-ebs-${key}-fn`);
            assert.equal(fn.inputs.runtime, "nodejs24.x");
            assert.ok(bundledCode(fn).includes("CompleteLifecycleActionCommand"), `${key}: bundled index.js`);
            const logs = rec.one("aws:cloudwatch/logGroup:LogGroup", `p3-multi-az-asg-ebs-ebs-${key}-logs`);
            assert.equal(logs.inputs.retentionInDays, 30);
            const statements = JSON.parse(rec.one("aws:iam/rolePolicy:RolePolicy", `p3-multi-az-asg-ebs-ebs-${key}-policy`).inputs.policy).Statement;
            const complete = statements.find((s: any) => s.Action === "autoscaling:CompleteLifecycleAction");
            assert.equal(complete.Resource, "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*:autoScalingGroupName/p3-multi-az-asg-ebs-asg");
            for (const s of statements.filter((s: any) => /^ec2:(Create|Attach)/.test([].concat(s.Action)[0]))) {
                assert.ok(s.Condition, `unconditioned ${JSON.stringify(s)}`);
            }
        }
        const dlm = rec.one("aws:dlm/lifecyclePolicy:LifecyclePolicy", "p3-multi-az-asg-ebs-ebs-snapshots");
        assert.deepEqual(dlm.inputs.policyDetails.targetTags, { "pilot-light:singleton-data": "p3-multi-az-asg-ebs" });
        assert.deepEqual(dlm.inputs.policyDetails.schedules[0].createRule, { interval: 1, intervalUnit: "HOURS" });
        assert.deepEqual(dlm.inputs.policyDetails.schedules[0].retainRule, { count: 24 });
        const script = Buffer.from(rec.one("aws:ec2/launchTemplate:LaunchTemplate", "p3-multi-az-asg-ebs-lt").inputs.userData, "base64").toString("utf8");
        assert.match(script, /\nmount_data_volume\n/);
    });

    it("standby-failover: two recoverable instances in two AZs, both alarmed, failover rules and Lambda", () => {
        const comp = rec.one("pilot-light:ha:StandbyFailover", "p4-standby-failover");
        const children = rec.records.filter((r) => r.parent === comp.urn).map((r) => `${r.type} ${r.name}`).sort();
        assert.ok(children.includes("pilot-light:ha:RecoverableInstance p4-standby-failover-primary"));
        assert.ok(children.includes("pilot-light:ha:RecoverableInstance p4-standby-failover-standby"));
        assert.ok(children.includes("aws:ec2transitgateway/instanceState:InstanceState p4-standby-failover-standby-state"));
        for (const role of ["primary", "standby"]) {
            const instance = rec.one("aws:ec2/instance:Instance", `p4-standby-failover-${role}-instance`);
            assert.equal(instance.inputs.metadataOptions.httpTokens, "required");
            assertRecoverAlarm(rec, `p4-standby-failover-${role}`, instance.urn);
            // Each instance's own data volume is snapshotted every 12 h.
            assert.deepEqual(rec.one("aws:dlm/lifecyclePolicy:LifecyclePolicy", `p4-standby-failover-${role}-snapshots`).inputs.policyDetails.targetTags,
                { "pilot-light:snapshots": `p4-standby-failover-${role}` });
        }
        const standbyInstance = rec.one("aws:ec2/instance:Instance", "p4-standby-failover-standby-instance");
        assert.equal(standbyInstance.inputs.subnetId, "subnet-b");
        // Stopped as soon as it exists, the standby finishes its setup at the failover start: its user data runs at every boot.
        assert.match(standbyInstance.inputs.userData, /\n#cloud-config\ncloud_final_modules:\n- \[scripts-user, always\]\n/);
        assert.match(standbyInstance.inputs.userData, /\nmount_data_volume\nstart_service\n/);
        assert.equal(rec.ofType("aws:ec2/eipAssociation:EipAssociation").filter((r) => r.name.startsWith("p4-")).length, 1);
        const onStop = JSON.parse(rec.one("aws:cloudwatch/eventRule:EventRule", "p4-standby-failover-on-stopped").inputs.eventPattern);
        assert.deepEqual(onStop.detail.state, ["stopped", "terminated"]);
        assert.deepEqual(onStop["detail-type"], ["EC2 Instance State-change Notification"]);
        const onAlarm = JSON.parse(rec.one("aws:cloudwatch/eventRule:EventRule", "p4-standby-failover-on-alarm").inputs.eventPattern);
        assert.deepEqual(onAlarm.detail, { state: { value: ["ALARM"] } });
        const fn = rec.one("aws:lambda/function:Function", "p4-standby-failover-failover-fn");
        assert.ok(bundledCode(fn).includes("AssociateAddressCommand"));
    });

    it("no IAM statement grants * or ec2:*, or a mutating action on every resource", () => assertScopedIam(rec));

    it("every Lambda runs on nodejs24.x, bundled for node24, which the pack's runtime policies pass on 2026-12-01 and fail from its create block", async () => {
        const { BUNDLE_TARGET, LAMBDA_RUNTIME } = await import("../../components/ha/common");
        const { evaluatePolicies } = await import("../../ops/policy/evaluate");
        assert.equal(LAMBDA_RUNTIME, "nodejs24.x");
        assert.equal(BUNDLE_TARGET, "node24");
        const fns = rec.ofType("aws:lambda/function:Function");
        assert.deepEqual(fns.map((f) => f.name).sort(), [
            "p3-multi-az-asg-ebs-ebs-launch-fn", "p3-multi-az-asg-ebs-ebs-terminate-fn", "p4-standby-failover-failover-fn",
        ]);
        assert.deepEqual([...new Set(fns.map((f) => f.inputs.runtime))], ["nodejs24.x"]);
        const lifecycle = async (today: string) => (await evaluatePolicies(fns, { stackRegion: "us-east-1", policyConfig: {
            "lambda-runtime-not-blocked": { today }, "lambda-runtime-deprecation": { today },
        } })).map((v) => `${v.level} ${v.policy} ${v.urn.split("::").pop()}`);
        assert.deepEqual(await lifecycle("2026-12-01"), []);
        assert.deepEqual(await lifecycle("2028-06-01"), [
            "mandatory lambda-runtime-not-blocked p3-multi-az-asg-ebs-ebs-launch-fn",
            "mandatory lambda-runtime-not-blocked p3-multi-az-asg-ebs-ebs-terminate-fn",
            "mandatory lambda-runtime-not-blocked p4-standby-failover-failover-fn",
        ]);
    });

    it("rejects a non-recoverable type or host tenancy before registering anything", () => {
        const before = rec.records.length;
        const cases: [string, string, string][] = [
            ["m5d.large", "default", 'instanceType "m5d.large": family "m5d" has instance store volumes, which the recover action supports only on m3, c3, r3, x1, x1e, x2idn, x2iedn; use an EBS-only family (e.g. "m5")'],
            ["i3.large", "default", 'instanceType "i3.large": family "i3" has instance store volumes, which the recover action supports only on m3, c3, r3, x1, x1e, x2idn, x2iedn; use an EBS-only family (e.g. "t3", "m7i")'],
            ["p2.xlarge", "default", 'instanceType "p2.xlarge": family "p2" is not one the recover action supports (AWS\'s list as read 2026-12-01: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html#requirements-for-cloudwatch-action-based-recovery)'],
            ["t3.small", "host", 'tenancy "host": must be "default" or "dedicated" for EC2 recovery (Dedicated Hosts use host recovery instead)'],
        ];
        for (const [instanceType, tenancy, message] of cases) {
            assert.throws(() => new ha.SingletonService("bad", { ...base, instanceType, tenancy: tenancy as any, mode: "recoverable-instance" }),
                { message: `SingletonService "bad": invalid arguments:\n  - ${message}` });
            assert.throws(() => new ha.RecoverableInstance("bad", { ...base, subnet: subnets[0], instanceType, tenancy: tenancy as any }),
                { message: `RecoverableInstance "bad": invalid arguments:\n  - ${message}` });
        }
        assert.equal(rec.records.length, before);
    });
});
