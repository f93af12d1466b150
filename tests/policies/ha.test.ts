// HA policies: EC2 recovery (alarm ↔ instance through property dependencies) and Auto Scaling.
import { strict as assert } from "assert";
import { isInstanceStoreType } from "../../policies/lib/recoverableTypes";
import { compliantProd, findings, link, PROD_REGION, res, Stack } from "./support";

async function only(stack: Stack, policy: string): Promise<{ name: string; message: string }[]> {
    return (await findings(stack, PROD_REGION, policy)).map(({ name, message }) => ({ name, message }));
}

describe("HA policies", () => {
    describe("EC2 recovery", () => {
        it("ec2-recoverable-instance-type passes a t3, an m7i and a metal size, and fails an unlisted family", async () => {
            const s = compliantProd();
            assert.deepEqual(await only(s, "ec2-recoverable-instance-type"), []);
            for (const type of ["m7i.large", "m5.metal"]) {
                s.get("bastion").inputs.instanceType = type;
                assert.deepEqual(await only(s, "ec2-recoverable-instance-type"), [], type);
            }
            s.get("bastion").inputs.instanceType = "p2.xlarge";
            assert.deepEqual(await only(s, "ec2-recoverable-instance-type"), [{ name: "bastion",
                message: "instance \"bastion\" is watched by recover alarm \"bastion-recover\" but its family p2 (p2.xlarge) does not support the recover action" }]);
            s.get("bastion").inputs.instanceType = "large";
            assert.deepEqual(await only(s, "ec2-recoverable-instance-type"), [{ name: "bastion",
                message: "instance \"bastion\" is watched by recover alarm \"bastion-recover\" but its instanceType \"large\" is not a known type" }]);
        });

        it("ec2-recoverable-instance-type reads the family list from config", async () => {
            const s = compliantProd();
            s.get("bastion").inputs.instanceType = "z9q.large";
            const out = await findings(s, PROD_REGION, "ec2-recoverable-instance-type",
                { "ec2-recoverable-instance-type": { recoverableFamilies: ["t3", "z9*"] } });
            assert.deepEqual(out, []);
        });

        it("ec2-recoverable-tenancy fails host tenancy", async () => {
            const s = compliantProd();
            assert.deepEqual(await only(s, "ec2-recoverable-tenancy"), []);
            s.get("bastion").inputs.tenancy = "host";
            assert.deepEqual(await only(s, "ec2-recoverable-tenancy"), [{ name: "bastion",
                message: "instance \"bastion\" is watched by recover alarm \"bastion-recover\" but has tenancy \"host\"; the recover action needs \"default\" or \"dedicated\"" }]);
        });

        it("ec2-recoverable-ebs-only fails instance-store volumes and instance-store families, except those AWS recovers with instance store", async () => {
            const s = compliantProd();
            assert.deepEqual(await only(s, "ec2-recoverable-ebs-only"), []);
            s.get("bastion").inputs.ephemeralBlockDevices = [{ deviceName: "/dev/sdb", virtualName: "ephemeral0" }];
            assert.deepEqual(await only(s, "ec2-recoverable-ebs-only"), [{ name: "bastion",
                message: "instance \"bastion\" is watched by recover alarm \"bastion-recover\" but declares instance-store volumes (ephemeralBlockDevices); the recover action needs EBS-only storage" }]);
            s.get("bastion").inputs.instanceType = "m3.medium";
            assert.deepEqual(await only(s, "ec2-recoverable-ebs-only"), []);
            const t = compliantProd();
            t.get("bastion").inputs.instanceType = "c5d.large";
            assert.deepEqual(await only(t, "ec2-recoverable-ebs-only"), [{ name: "bastion",
                message: "instance \"bastion\" is watched by recover alarm \"bastion-recover\" but c5d.large is an instance-store type; the recover action needs EBS-only storage" }]);
            t.get("bastion").inputs.instanceType = "x2idn.16xlarge";
            assert.deepEqual(await only(t, "ec2-recoverable-ebs-only"), []);
        });

        it("classifies instance-store types by the d attribute and the I/D/H classes", () => {
            const store = ["m5d.large", "r5dn.xlarge", "c6gd.large", "x2iedn.xlarge", "z1d.large", "i3.large", "i4i.large", "im4gn.large", "d3.xlarge", "h1.2xlarge"];
            const ebs = ["t3.micro", "m5.large", "hpc6a.48xlarge", "c7g.large", "m7i-flex.large", "u-6tb1.112xlarge", "inf1.xlarge"];
            assert.deepEqual(store.filter((t) => !isInstanceStoreType(t)), []);
            assert.deepEqual(ebs.filter((t) => isInstanceStoreType(t)), []);
        });

        it("ec2-instance-has-recover-alarm matches alarms through the dimensions property dependency", async () => {
            const s = compliantProd();
            assert.deepEqual(await only(s, "ec2-instance-has-recover-alarm"), []);
            // The alarm names the instance's ID but has no property dependency on it: not matched.
            s.get("bastion-recover").propertyDependencies = {};
            assert.deepEqual(await only(s, "ec2-instance-has-recover-alarm"), [{ name: "bastion",
                message: "instance \"bastion\" has no CloudWatch alarm with an ec2:recover action watching it" }]);
        });

        it("ec2-instance-has-recover-alarm ignores alarms without the recover action", async () => {
            const s = compliantProd();
            s.get("bastion-recover").inputs.alarmActions = ["arn:aws:sns:us-east-1:123456789012:ops"];
            assert.deepEqual(await only(s, "ec2-instance-has-recover-alarm"), [{ name: "bastion",
                message: "instance \"bastion\" has no CloudWatch alarm with an ec2:recover action watching it" }]);
        });

        it("recover-alarm-well-formed checks the metric, the period and the action's region", async () => {
            const s = compliantProd();
            assert.deepEqual(await only(s, "recover-alarm-well-formed"), []);
            const alarm = s.get("bastion-recover").inputs;
            alarm.metricName = "StatusCheckFailed_Instance";
            assert.deepEqual(await only(s, "recover-alarm-well-formed"), [{ name: "bastion-recover",
                message: "recover alarm \"bastion-recover\" watches AWS/EC2 StatusCheckFailed_Instance; the recover action needs AWS/EC2 StatusCheckFailed_System" }]);
            alarm.metricName = "StatusCheckFailed_System";
            alarm.period = 300;
            assert.deepEqual(await only(s, "recover-alarm-well-formed"), [{ name: "bastion-recover",
                message: "recover alarm \"bastion-recover\" has period 300; use 60 seconds" }]);
            alarm.period = 60;
            alarm.alarmActions = ["arn:aws:automate:us-west-2:ec2:recover"];
            assert.deepEqual(await only(s, "recover-alarm-well-formed"), [{ name: "bastion-recover",
                message: "recover alarm \"bastion-recover\" in us-east-1 has the action arn:aws:automate:us-west-2:ec2:recover; it must name us-east-1" }]);
        });
    });

    describe("Auto Scaling", () => {
        it("asg-multi-az resolves subnets to their AZs", async () => {
            const s = compliantProd();
            assert.deepEqual(await only(s, "asg-multi-az"), []);
            s.get("private-us-east-1b").inputs.availabilityZone = "us-east-1a";
            assert.deepEqual(await only(s, "asg-multi-az"), [{ name: "web",
                message: "auto scaling group \"web\" spans 1 availability zone(s) (us-east-1a); spread it over at least 2" }]);
        });

        it("asg-multi-az fails a single subnet and counts availabilityZones when set instead", async () => {
            const s = compliantProd();
            const asg = s.get("web", "aws:autoscaling/group:Group");
            asg.inputs.vpcZoneIdentifiers = ["subnet-a"];
            asg.propertyDependencies = {};
            assert.deepEqual(await only(s, "asg-multi-az"), [{ name: "web",
                message: "auto scaling group \"web\" has 1 subnet(s) in vpcZoneIdentifiers; give it subnets in at least 2 availability zones" }]);
            delete asg.inputs.vpcZoneIdentifiers;
            asg.inputs.availabilityZones = ["us-east-1a", "us-east-1b"];
            assert.deepEqual(await only(s, "asg-multi-az"), []);
            asg.inputs.availabilityZones = ["us-east-1a"];
            assert.deepEqual(await only(s, "asg-multi-az"), [{ name: "web",
                message: "auto scaling group \"web\" spans 1 availability zone(s) (us-east-1a); spread it over at least 2" }]);
        });

        it("asg-elb-health-check fails EC2 health checks behind a target group", async () => {
            const s = compliantProd();
            assert.deepEqual(await only(s, "asg-elb-health-check"), []);
            s.get("web", "aws:autoscaling/group:Group").inputs.healthCheckType = "EC2";
            assert.deepEqual(await only(s, "asg-elb-health-check"), [{ name: "web",
                message: "auto scaling group \"web\" is attached to a load balancer but uses healthCheckType \"EC2\"; set it to \"ELB\"" }]);
        });

        it("asg-launch-template fails launch configurations, on the ASG and as a resource", async () => {
            const s = compliantProd();
            assert.deepEqual(await only(s, "asg-launch-template"), []);
            const asg = s.get("web", "aws:autoscaling/group:Group");
            delete asg.inputs.launchTemplate;
            asg.inputs.launchConfiguration = "web-lc";
            const lc = res("aws:ec2/launchConfiguration:LaunchConfiguration", "web-lc", { imageId: "ami-1", instanceType: "t3.small" });
            link(asg, "launchConfiguration", lc);
            s.add(lc);
            assert.deepEqual(await only(s, "asg-launch-template"), [
                { name: "web", message: "auto scaling group \"web\" uses a launch configuration; use launchTemplate instead" },
                { name: "web-lc", message: "launch configuration \"web-lc\": launch configurations are deprecated; use an aws.ec2.LaunchTemplate" },
            ]);
        });
    });
});
