// Launch hook handler (pattern 3): gives the new instance the singleton's data before it leaves
// Pending:Wait. EBS volumes live in one AZ, so the data follows the instance through snapshots.
//
// Order of preference, in the instance's AZ:
//   1. a data volume already attached to this instance (a redelivered event after the attach);
//   2. the volume created for this very lifecycle action (a retry: same ClientToken, same volume);
//   3. the newest available data volume (the previous instance's, when the new one lands in the
//      same AZ: it is at least as new as any snapshot of it);
//   4. a new volume from the newest snapshot (waiting for a pending one: the terminate hook's);
//   5. a new empty volume (first boot).
// A data volume in another AZ is never attached (EBS cannot cross AZs). Once the chosen volume is
// attached, every other data volume is retired (its data tag swapped for a "retired" tag), so
// DLM stops snapshotting stale copies that would otherwise look newer than the live data.
//
// Errors complete the action with ABANDON: an instance without its data would start the service
// on an empty disk, which is worse than no service; the group terminates it and launches another.
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/completing-lifecycle-hooks.html
import {
    AttachVolumeCommand, CreateTagsCommand, CreateVolumeCommand, DeleteTagsCommand, DescribeInstancesCommand,
    DescribeSnapshotsCommand, DescribeVolumesCommand, Snapshot, Volume,
} from "@aws-sdk/client-ec2";
import {
    complete, DATA_TAG, defaultDeps, errorMessage, HandlerDeps, LAUNCH_TOKEN_TAG, LifecycleEvent, RETIRED_TAG, waitFor,
} from "./lifecycle";

export interface LaunchResult {
    result: "CONTINUE" | "ABANDON";
    volumeId?: string;
    /** How the volume was found: attached, retried, reused, restored or empty. */
    source?: "attached" | "retried" | "reused" | "restored" | "empty";
    error?: string;
}

const newest = <T>(items: T[], time: (t: T) => Date | undefined): T | undefined =>
    [...items].sort((a, b) => (time(b)?.getTime() ?? 0) - (time(a)?.getTime() ?? 0))[0];

const tagOf = (v: Volume, key: string) => v.Tags?.find((t) => t.Key === key)?.Value;

export async function onLaunch(event: LifecycleEvent, deps: HandlerDeps): Promise<LaunchResult> {
    const detail = event.detail;
    const instanceId = detail.EC2InstanceId;
    const token = detail.LifecycleActionToken;
    const { singleton, deviceName } = deps.config;
    try {
        const reservations = await deps.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
        const az = reservations.Reservations?.[0]?.Instances?.[0]?.Placement?.AvailabilityZone;
        if (!az) {
            throw new Error(`instance ${instanceId} not found`);
        }
        const described = await deps.ec2.send(new DescribeVolumesCommand({
            Filters: [{ Name: `tag:${DATA_TAG}`, Values: [singleton] }],
        }));
        const volumes = (described.Volumes ?? []).filter((v) => v.State !== "deleting" && v.State !== "deleted" && v.State !== "error");
        const mine = volumes.find((v) => v.Attachments?.some((a) => a.InstanceId === instanceId));
        if (mine) {
            deps.log(`volume ${mine.VolumeId} is already attached to ${instanceId}`);
            await complete(deps, detail, "CONTINUE");
            return { result: "CONTINUE", volumeId: mine.VolumeId, source: "attached" };
        }
        for (const v of volumes.filter((v) => v.AvailabilityZone !== az)) {
            deps.log(`volume ${v.VolumeId} is in ${v.AvailabilityZone}, not ${az}: left alone`);
        }
        const inAz = volumes.filter((v) => v.AvailabilityZone === az);
        let source: LaunchResult["source"];
        let volumeId: string;
        const retried = inAz.find((v) => tagOf(v, LAUNCH_TOKEN_TAG) === token && (v.State === "available" || v.State === "creating"));
        const reusable = newest(inAz.filter((v) => v.State === "available"), (v) => v.CreateTime);
        if (retried) {
            volumeId = retried.VolumeId!;
            source = "retried";
        } else if (reusable) {
            volumeId = reusable.VolumeId!;
            source = "reused";
        } else {
            const snapshot = await latestSnapshot(deps);
            volumeId = await createVolume(deps, az, token, snapshot);
            source = snapshot ? "restored" : "empty";
        }
        deps.log(`${source} volume ${volumeId} for ${instanceId} in ${az}`);
        await waitFor(deps, `volume ${volumeId} to be available`, async () => {
            const v = (await deps.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes?.[0];
            if (v?.State === "error") {
                throw new Error(`volume ${volumeId} failed to create`);
            }
            return v?.State === "available" ? true : undefined;
        });
        await deps.ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: deviceName }));
        await waitFor(deps, `volume ${volumeId} to attach`, async () => {
            const v = (await deps.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes?.[0];
            return v?.Attachments?.some((a) => a.InstanceId === instanceId && a.State === "attached") ? true : undefined;
        });
        try {
            await retire(deps, volumes.filter((v) => v.VolumeId !== volumeId));
        } catch (e) {
            // The instance has its data: a stale tag is not worth abandoning it for.
            deps.log(`could not retire stale volumes: ${errorMessage(e)}`);
        }
        await complete(deps, detail, "CONTINUE");
        return { result: "CONTINUE", volumeId, source };
    } catch (e) {
        const error = errorMessage(e);
        deps.log(`could not give ${instanceId} its data, abandoning the launch: ${error}`);
        await complete(deps, detail, "ABANDON");
        return { result: "ABANDON", error };
    }
}

/** The newest snapshot of this singleton's data, waiting for it if it is still pending. */
async function latestSnapshot(deps: HandlerDeps): Promise<Snapshot | undefined> {
    const found = await deps.ec2.send(new DescribeSnapshotsCommand({
        OwnerIds: ["self"],
        Filters: [
            { Name: `tag:${DATA_TAG}`, Values: [deps.config.singleton] },
            { Name: "status", Values: ["pending", "completed"] },
        ],
    }));
    const latest = newest(found.Snapshots ?? [], (s) => s.StartTime);
    if (latest === undefined || latest.State === "completed") {
        return latest;
    }
    return waitFor(deps, `snapshot ${latest.SnapshotId} to complete`, async () => {
        const s = (await deps.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [latest.SnapshotId!] }))).Snapshots?.[0];
        if (s?.State === "error") {
            throw new Error(`snapshot ${latest.SnapshotId} failed`);
        }
        return s?.State === "completed" ? s : undefined;
    });
}

async function createVolume(deps: HandlerDeps, az: string, token: string, snapshot: Snapshot | undefined): Promise<string> {
    const { singleton, volumeGb } = deps.config;
    const created = await deps.ec2.send(new CreateVolumeCommand({
        AvailabilityZone: az,
        ...(snapshot ? { SnapshotId: snapshot.SnapshotId } : {}),
        Size: Math.max(volumeGb, snapshot?.VolumeSize ?? 0),
        VolumeType: "gp3",
        Encrypted: true,
        // Idempotency: a retried event with the same lifecycle token gets the same volume back.
        // https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html
        ClientToken: token.slice(0, 64),
        TagSpecifications: [{
            ResourceType: "volume",
            Tags: [
                { Key: DATA_TAG, Value: singleton },
                { Key: LAUNCH_TOKEN_TAG, Value: token },
                { Key: "Name", Value: `${singleton}-data` },
            ],
        }],
    }));
    return created.VolumeId!;
}

async function retire(deps: HandlerDeps, others: Volume[]): Promise<void> {
    for (const v of others) {
        deps.log(`retiring stale data volume ${v.VolumeId} (${v.AvailabilityZone}, ${v.State})`);
        await deps.ec2.send(new CreateTagsCommand({
            Resources: [v.VolumeId!], Tags: [{ Key: RETIRED_TAG, Value: deps.config.singleton }],
        }));
        await deps.ec2.send(new DeleteTagsCommand({ Resources: [v.VolumeId!], Tags: [{ Key: DATA_TAG }] }));
    }
}

export const handler = (event: LifecycleEvent): Promise<LaunchResult> => onLaunch(event, defaultDeps());
