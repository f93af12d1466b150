// Lambda handlers of patterns 3 and 4 against mocked SDK v3 clients: the exact commands sent.
import { strict as assert } from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { AutoScalingClient, CompleteLifecycleActionCommand } from "@aws-sdk/client-auto-scaling";
import {
    AssociateAddressCommand, AttachVolumeCommand, CreateSnapshotCommand, CreateTagsCommand, CreateVolumeCommand, DeleteTagsCommand,
    DescribeAddressesCommand, DescribeInstancesCommand, DescribeSnapshotsCommand, DescribeVolumesCommand, EC2Client, StartInstancesCommand,
} from "@aws-sdk/client-ec2";
import { onLaunch } from "../../components/ha/ebsState/launchHandler";
import { onTerminate } from "../../components/ha/ebsState/terminateHandler";
import { HandlerDeps, LifecycleEvent } from "../../components/ha/ebsState/lifecycle";
import { failover, FailoverDeps } from "../../components/ha/standby/failoverHandler";

const ec2 = mockClient(EC2Client);
const asg = mockClient(AutoScalingClient);
const TOKEN = "0b5a4c3e-1111-2222-3333-444455556666";
const DATA = { Key: "pilot-light:singleton-data", Value: "ci" };

function event(kind: "launch" | "terminate"): LifecycleEvent {
    return {
        "detail-type": `EC2 Instance-${kind} Lifecycle Action`,
        detail: {
            LifecycleActionToken: TOKEN, AutoScalingGroupName: "ci-asg", LifecycleHookName: `ci-${kind}`,
            EC2InstanceId: "i-new", LifecycleTransition: `autoscaling:EC2_INSTANCE_${kind === "launch" ? "LAUNCHING" : "TERMINATING"}`,
        },
    };
}

function deps(): HandlerDeps & { logs: string[] } {
    const logs: string[] = [];
    return {
        ec2: new EC2Client({ region: "us-east-1" }), autoscaling: new AutoScalingClient({ region: "us-east-1" }),
        config: { singleton: "ci", deviceName: "/dev/sdf", volumeGb: 20 },
        sleep: async () => undefined, pollMs: 1, maxWaitMs: 200, log: (m) => logs.push(m), logs,
    };
}

function completed(): { result?: string; hook?: string }[] {
    return asg.commandCalls(CompleteLifecycleActionCommand).map((c) => ({
        result: c.args[0].input.LifecycleActionResult, hook: c.args[0].input.LifecycleHookName,
    }));
}

/** The new instance in us-east-1b, and the volume the handler creates or picks becoming available, then attached. */
function stageLaunch(volumeId: string, listed: any[]) {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: "i-new", Placement: { AvailabilityZone: "us-east-1b" } }] }] });
    ec2.on(DescribeVolumesCommand, { Filters: [{ Name: "tag:pilot-light:singleton-data", Values: ["ci"] }] }).resolves({ Volumes: listed });
    ec2.on(DescribeVolumesCommand, { VolumeIds: [volumeId] })
        .resolvesOnce({ Volumes: [{ VolumeId: volumeId, State: "creating" }] })
        .resolvesOnce({ Volumes: [{ VolumeId: volumeId, State: "available" }] })
        .resolves({ Volumes: [{ VolumeId: volumeId, State: "in-use", Attachments: [{ InstanceId: "i-new", State: "attached" }] }] });
    ec2.on(AttachVolumeCommand).resolves({});
    ec2.on(CreateTagsCommand).resolves({});
    ec2.on(DeleteTagsCommand).resolves({});
    asg.on(CompleteLifecycleActionCommand).resolves({});
}

describe("ha: launch hook handler", () => {
    beforeEach(() => { ec2.reset(); asg.reset(); });

    it("restores the newest snapshot into the new instance's AZ, attaches it and continues", async () => {
        stageLaunch("vol-new", []);
        ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [
            { SnapshotId: "snap-old", State: "completed", StartTime: new Date("2026-01-01T00:00:00Z"), VolumeSize: 20 },
            { SnapshotId: "snap-new", State: "completed", StartTime: new Date("2026-01-02T00:00:00Z"), VolumeSize: 30 },
        ] });
        ec2.on(CreateVolumeCommand).resolves({ VolumeId: "vol-new" });
        const result = await onLaunch(event("launch"), deps());
        assert.deepEqual(result, { result: "CONTINUE", volumeId: "vol-new", source: "restored" });
        assert.deepEqual(ec2.commandCalls(DescribeSnapshotsCommand)[0].args[0].input, {
            OwnerIds: ["self"], Filters: [{ Name: "tag:pilot-light:singleton-data", Values: ["ci"] }, { Name: "status", Values: ["pending", "completed"] }],
        });
        assert.deepEqual(ec2.commandCalls(CreateVolumeCommand).map((c) => c.args[0].input), [{
            AvailabilityZone: "us-east-1b", SnapshotId: "snap-new", Size: 30, VolumeType: "gp3", Encrypted: true, ClientToken: TOKEN,
            TagSpecifications: [{ ResourceType: "volume", Tags: [DATA, { Key: "pilot-light:launch-token", Value: TOKEN }, { Key: "Name", Value: "ci-data" }] }],
        }]);
        assert.deepEqual(ec2.commandCalls(AttachVolumeCommand).map((c) => c.args[0].input), [{ VolumeId: "vol-new", InstanceId: "i-new", Device: "/dev/sdf" }]);
        assert.deepEqual(asg.commandCalls(CompleteLifecycleActionCommand).map((c) => c.args[0].input), [{
            AutoScalingGroupName: "ci-asg", LifecycleHookName: "ci-launch", LifecycleActionToken: TOKEN, InstanceId: "i-new", LifecycleActionResult: "CONTINUE",
        }]);
    });

    it("first boot: no snapshot yet, creates an empty encrypted gp3 volume", async () => {
        stageLaunch("vol-empty", []);
        ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
        ec2.on(CreateVolumeCommand).resolves({ VolumeId: "vol-empty" });
        const result = await onLaunch(event("launch"), deps());
        assert.equal(result.source, "empty");
        const input = ec2.commandCalls(CreateVolumeCommand)[0].args[0].input;
        assert.equal(input.SnapshotId, undefined);
        assert.deepEqual([input.AvailabilityZone, input.Size, input.VolumeType, input.Encrypted], ["us-east-1b", 20, "gp3", true]);
        assert.deepEqual(completed(), [{ result: "CONTINUE", hook: "ci-launch" }]);
    });

    it("waits for a pending snapshot (the terminate hook's) before restoring it", async () => {
        stageLaunch("vol-new", []);
        ec2.on(DescribeSnapshotsCommand, { OwnerIds: ["self"] }).resolves({ Snapshots: [
            { SnapshotId: "snap-pending", State: "pending", StartTime: new Date("2026-01-03T00:00:00Z"), VolumeSize: 20 },
        ] });
        ec2.on(DescribeSnapshotsCommand, { SnapshotIds: ["snap-pending"] })
            .resolvesOnce({ Snapshots: [{ SnapshotId: "snap-pending", State: "pending" }] })
            .resolves({ Snapshots: [{ SnapshotId: "snap-pending", State: "completed", VolumeSize: 20 }] });
        ec2.on(CreateVolumeCommand).resolves({ VolumeId: "vol-new" });
        await onLaunch(event("launch"), deps());
        assert.equal(ec2.commandCalls(CreateVolumeCommand)[0].args[0].input.SnapshotId, "snap-pending");
        assert.equal(ec2.commandCalls(DescribeSnapshotsCommand, { SnapshotIds: ["snap-pending"] }).length, 2);
    });

    it("never attaches a volume in another AZ: restores into the right one and retires the stale copy", async () => {
        const stale = { VolumeId: "vol-a", AvailabilityZone: "us-east-1a", State: "available", Tags: [DATA], CreateTime: new Date() };
        stageLaunch("vol-b", [stale]);
        ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: "snap-1", State: "completed", StartTime: new Date(), VolumeSize: 20 }] });
        ec2.on(CreateVolumeCommand).resolves({ VolumeId: "vol-b" });
        const result = await onLaunch(event("launch"), deps());
        assert.deepEqual(result, { result: "CONTINUE", volumeId: "vol-b", source: "restored" });
        assert.equal(ec2.commandCalls(CreateVolumeCommand)[0].args[0].input.AvailabilityZone, "us-east-1b");
        assert.deepEqual(ec2.commandCalls(AttachVolumeCommand).map((c) => c.args[0].input.VolumeId), ["vol-b"]);
        assert.deepEqual(ec2.commandCalls(CreateTagsCommand).map((c) => c.args[0].input), [
            { Resources: ["vol-a"], Tags: [{ Key: "pilot-light:singleton-retired", Value: "ci" }] },
        ]);
        assert.deepEqual(ec2.commandCalls(DeleteTagsCommand).map((c) => c.args[0].input), [
            { Resources: ["vol-a"], Tags: [{ Key: "pilot-light:singleton-data" }] },
        ]);
    });

    it("reuses the previous instance's volume when the replacement lands in the same AZ", async () => {
        const previous = { VolumeId: "vol-prev", AvailabilityZone: "us-east-1b", State: "available", Tags: [DATA], CreateTime: new Date() };
        stageLaunch("vol-prev", [previous]);
        const result = await onLaunch(event("launch"), deps());
        assert.deepEqual(result, { result: "CONTINUE", volumeId: "vol-prev", source: "reused" });
        assert.equal(ec2.commandCalls(CreateVolumeCommand).length, 0);
        assert.equal(ec2.commandCalls(DescribeSnapshotsCommand).length, 0);
    });

    it("a retried event creates nothing new: it finds the volume of its token, or the attachment", async () => {
        const own = { VolumeId: "vol-new", AvailabilityZone: "us-east-1b", State: "creating", Tags: [DATA, { Key: "pilot-light:launch-token", Value: TOKEN }] };
        stageLaunch("vol-new", [own]);
        const first = await onLaunch(event("launch"), deps());
        assert.deepEqual(first, { result: "CONTINUE", volumeId: "vol-new", source: "retried" });

        ec2.reset(); asg.reset();
        const attached = { ...own, State: "in-use", Attachments: [{ InstanceId: "i-new", State: "attached" }] };
        stageLaunch("vol-new", [attached]);
        const second = await onLaunch(event("launch"), deps());
        assert.deepEqual(second, { result: "CONTINUE", volumeId: "vol-new", source: "attached" });
        for (const command of [CreateVolumeCommand, AttachVolumeCommand, DescribeSnapshotsCommand, CreateTagsCommand] as const) {
            assert.equal(ec2.commandCalls(command as any).length, 0, command.name);
        }
        assert.deepEqual(completed(), [{ result: "CONTINUE", hook: "ci-launch" }]);
    });

    it("an API error abandons the launch so the group replaces the instance", async () => {
        stageLaunch("vol-new", []);
        ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
        ec2.on(CreateVolumeCommand).rejects(new Error("VolumeLimitExceeded"));
        const d = deps();
        const result = await onLaunch(event("launch"), d);
        assert.deepEqual(result, { result: "ABANDON", error: "Error: VolumeLimitExceeded" });
        assert.equal(ec2.commandCalls(AttachVolumeCommand).length, 0);
        assert.deepEqual(completed(), [{ result: "ABANDON", hook: "ci-launch" }]);
        assert.match(d.logs.join("\n"), /abandoning the launch: Error: VolumeLimitExceeded/);
    });
});

describe("ha: terminate hook handler", () => {
    beforeEach(() => { ec2.reset(); asg.reset(); asg.on(CompleteLifecycleActionCommand).resolves({}); });

    it("snapshots the tagged data volume with the token tag, then continues", async () => {
        ec2.on(DescribeVolumesCommand).resolves({ Volumes: [{ VolumeId: "vol-1", AvailabilityZone: "us-east-1a", Tags: [DATA] }] });
        ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
        ec2.on(CreateSnapshotCommand).resolves({ SnapshotId: "snap-1" });
        const result = await onTerminate(event("terminate"), deps());
        assert.deepEqual(result, { result: "CONTINUE", snapshotIds: ["snap-1"] });
        assert.deepEqual(ec2.commandCalls(DescribeVolumesCommand)[0].args[0].input, {
            Filters: [{ Name: "attachment.instance-id", Values: ["i-new"] }, { Name: "tag:pilot-light:singleton-data", Values: ["ci"] }],
        });
        assert.deepEqual(ec2.commandCalls(CreateSnapshotCommand).map((c) => c.args[0].input), [{
            VolumeId: "vol-1", Description: "ci: data of i-new at termination",
            TagSpecifications: [{ ResourceType: "snapshot", Tags: [DATA, { Key: "pilot-light:terminate-token", Value: TOKEN }, { Key: "Name", Value: "ci-data" }] }],
        }]);
        assert.deepEqual(completed(), [{ result: "CONTINUE", hook: "ci-terminate" }]);
    });

    it("a retried event finds its snapshot and creates no second one", async () => {
        ec2.on(DescribeVolumesCommand).resolves({ Volumes: [{ VolumeId: "vol-1", Tags: [DATA] }] });
        ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: "snap-1", State: "pending" }] });
        const result = await onTerminate(event("terminate"), deps());
        assert.deepEqual(result, { result: "CONTINUE", snapshotIds: ["snap-1"] });
        assert.equal(ec2.commandCalls(CreateSnapshotCommand).length, 0);
    });

    it("an API error still continues the termination (DLM bounds the RPO)", async () => {
        ec2.on(DescribeVolumesCommand).resolves({ Volumes: [{ VolumeId: "vol-1", Tags: [DATA] }] });
        ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
        ec2.on(CreateSnapshotCommand).rejects(new Error("SnapshotLimitExceeded"));
        const result = await onTerminate(event("terminate"), deps());
        assert.deepEqual(result, { result: "CONTINUE", snapshotIds: [], error: "Error: SnapshotLimitExceeded" });
        assert.deepEqual(completed(), [{ result: "CONTINUE", hook: "ci-terminate" }]);
    });
});

describe("ha: standby failover handler", () => {
    beforeEach(() => { ec2.reset(); });
    const fdeps = (): FailoverDeps => ({
        ec2: new EC2Client({ region: "us-east-1" }),
        config: { primaryInstanceId: "i-primary", standbyInstanceId: "i-standby", allocationId: "eipalloc-1" },
        sleep: async () => undefined, pollMs: 1, maxWaitMs: 200, log: () => undefined,
    });
    const stateChange = { "detail-type": "EC2 Instance State-change Notification", detail: { "instance-id": "i-primary", state: "stopped" } };

    it("starts the stopped standby, waits for running, then moves the EIP", async () => {
        ec2.on(DescribeAddressesCommand).resolves({ Addresses: [{ AllocationId: "eipalloc-1", InstanceId: "i-primary" }] });
        ec2.on(DescribeInstancesCommand)
            .resolvesOnce({ Reservations: [{ Instances: [{ State: { Name: "stopped" } }] }] })
            .resolvesOnce({ Reservations: [{ Instances: [{ State: { Name: "pending" } }] }] })
            .resolves({ Reservations: [{ Instances: [{ State: { Name: "running" } }] }] });
        ec2.on(StartInstancesCommand).resolves({});
        ec2.on(AssociateAddressCommand).resolves({ AssociationId: "eipassoc-2" });
        assert.deepEqual(await failover(stateChange, fdeps()), { action: "moved", standbyInstanceId: "i-standby" });
        assert.deepEqual(ec2.commandCalls(StartInstancesCommand).map((c) => c.args[0].input), [{ InstanceIds: ["i-standby"] }]);
        assert.deepEqual(ec2.commandCalls(AssociateAddressCommand).map((c) => c.args[0].input), [
            { AllocationId: "eipalloc-1", InstanceId: "i-standby", AllowReassociation: true },
        ]);
    });

    it("does nothing when the EIP is already on the standby", async () => {
        ec2.on(DescribeAddressesCommand).resolves({ Addresses: [{ AllocationId: "eipalloc-1", InstanceId: "i-standby" }] });
        assert.deepEqual(await failover(stateChange, fdeps()), { action: "already-failed-over", standbyInstanceId: "i-standby" });
        assert.equal(ec2.commandCalls(StartInstancesCommand).length, 0);
        assert.equal(ec2.commandCalls(AssociateAddressCommand).length, 0);
    });

    it("a start failure throws and leaves the EIP where it is", async () => {
        ec2.on(DescribeAddressesCommand).resolves({ Addresses: [{ AllocationId: "eipalloc-1", InstanceId: "i-primary" }] });
        ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ State: { Name: "stopped" } }] }] });
        ec2.on(StartInstancesCommand).rejects(new Error("InsufficientInstanceCapacity"));
        await assert.rejects(failover(stateChange, fdeps()), /InsufficientInstanceCapacity/);
        assert.equal(ec2.commandCalls(AssociateAddressCommand).length, 0);
    });
});
