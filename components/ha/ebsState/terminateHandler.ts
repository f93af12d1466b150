// Terminate hook handler (pattern 3): snapshots the singleton's data volume while the instance
// waits in Terminating:Wait, then lets termination continue.
//
// A snapshot is point-in-time when CreateSnapshot returns, so there is no need to wait for it to
// complete; the launch handler waits for a pending snapshot before restoring from it. The
// snapshot is crash-consistent (the service is still running).
// https://docs.aws.amazon.com/ebs/latest/userguide/ebs-creating-snapshot.html
//
// Errors complete the action with CONTINUE all the same: never block a termination on a backup
// (the instance may be dying anyway); Data Lifecycle Manager's periodic snapshots bound the RPO.
import { CreateSnapshotCommand, DescribeSnapshotsCommand, DescribeVolumesCommand } from "@aws-sdk/client-ec2";
import { complete, DATA_TAG, defaultDeps, errorMessage, HandlerDeps, LifecycleEvent, TERMINATE_TOKEN_TAG } from "./lifecycle";

export interface TerminateResult {
    result: "CONTINUE";
    snapshotIds: string[];
    error?: string;
}

export async function onTerminate(event: LifecycleEvent, deps: HandlerDeps): Promise<TerminateResult> {
    const detail = event.detail;
    const instanceId = detail.EC2InstanceId;
    const snapshotIds: string[] = [];
    let error: string | undefined;
    try {
        const volumes = await deps.ec2.send(new DescribeVolumesCommand({
            Filters: [
                { Name: "attachment.instance-id", Values: [instanceId] },
                { Name: `tag:${DATA_TAG}`, Values: [deps.config.singleton] },
            ],
        }));
        for (const volume of volumes.Volumes ?? []) {
            const volumeId = volume.VolumeId!;
            // A redelivered event finds the snapshot it already started.
            const existing = await deps.ec2.send(new DescribeSnapshotsCommand({
                OwnerIds: ["self"],
                Filters: [
                    { Name: "volume-id", Values: [volumeId] },
                    { Name: `tag:${TERMINATE_TOKEN_TAG}`, Values: [detail.LifecycleActionToken] },
                ],
            }));
            const found = existing.Snapshots?.[0]?.SnapshotId;
            if (found !== undefined) {
                deps.log(`snapshot ${found} of ${volumeId} already started for this termination`);
                snapshotIds.push(found);
                continue;
            }
            const snapshot = await deps.ec2.send(new CreateSnapshotCommand({
                VolumeId: volumeId,
                Description: `${deps.config.singleton}: data of ${instanceId} at termination`,
                TagSpecifications: [{
                    ResourceType: "snapshot",
                    Tags: [
                        { Key: DATA_TAG, Value: deps.config.singleton },
                        { Key: TERMINATE_TOKEN_TAG, Value: detail.LifecycleActionToken },
                        { Key: "Name", Value: `${deps.config.singleton}-data` },
                    ],
                }],
            }));
            deps.log(`snapshot ${snapshot.SnapshotId} of ${volumeId} started`);
            snapshotIds.push(snapshot.SnapshotId!);
        }
        if ((volumes.Volumes ?? []).length === 0) {
            deps.log(`no data volume attached to ${instanceId}; nothing to snapshot`);
        }
    } catch (e) {
        error = errorMessage(e);
        deps.log(`snapshot of ${instanceId} failed, continuing termination: ${error}`);
    }
    await complete(deps, detail, "CONTINUE");
    return { result: "CONTINUE", snapshotIds, ...(error !== undefined ? { error } : {}) };
}

export const handler = (event: LifecycleEvent): Promise<TerminateResult> => onTerminate(event, defaultDeps());
