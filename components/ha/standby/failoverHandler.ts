// Failover handler (pattern 4): when the primary fails, start the standby in the other AZ, wait
// until it runs, then move the Elastic IP to it. Idempotent: if the EIP is already on the
// standby it does nothing, so redelivered events and the two triggers (state change and alarm)
// cannot fight. A start failure throws: the invocation fails visibly (and is retried by Lambda's
// asynchronous retries) instead of moving the address to an instance that is not running.
import {
    AssociateAddressCommand, DescribeAddressesCommand, DescribeInstancesCommand, EC2Client, StartInstancesCommand,
} from "@aws-sdk/client-ec2";

export interface FailoverConfig {
    primaryInstanceId: string;
    standbyInstanceId: string;
    allocationId: string;
}

export interface FailoverDeps {
    ec2: EC2Client;
    config: FailoverConfig;
    sleep: (ms: number) => Promise<void>;
    pollMs: number;
    maxWaitMs: number;
    log: (message: string) => void;
}

export interface FailoverResult {
    action: "already-failed-over" | "moved";
    standbyInstanceId: string;
}

async function standbyState(deps: FailoverDeps): Promise<string | undefined> {
    const found = await deps.ec2.send(new DescribeInstancesCommand({ InstanceIds: [deps.config.standbyInstanceId] }));
    return found.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

export async function failover(event: unknown, deps: FailoverDeps): Promise<FailoverResult> {
    const { standbyInstanceId, allocationId, primaryInstanceId } = deps.config;
    deps.log(`failover from ${primaryInstanceId} triggered by ${JSON.stringify((event as any)?.["detail-type"] ?? "event")}`);
    const addresses = await deps.ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
    if (addresses.Addresses?.[0]?.InstanceId === standbyInstanceId) {
        deps.log(`${allocationId} is already on the standby ${standbyInstanceId}`);
        return { action: "already-failed-over", standbyInstanceId };
    }
    const deadline = Date.now() + deps.maxWaitMs;
    for (;;) {
        const state = await standbyState(deps);
        if (state === "running") {
            break;
        }
        if (state === "stopped") {
            deps.log(`starting the standby ${standbyInstanceId}`);
            await deps.ec2.send(new StartInstancesCommand({ InstanceIds: [standbyInstanceId] }));
        } else if (state !== "pending" && state !== "stopping") {
            throw new Error(`standby ${standbyInstanceId} is ${state ?? "missing"}; cannot fail over to it`);
        }
        if (Date.now() >= deadline) {
            throw new Error(`standby ${standbyInstanceId} still ${state} after ${deps.maxWaitMs} ms`);
        }
        await deps.sleep(deps.pollMs);
    }
    await deps.ec2.send(new AssociateAddressCommand({
        AllocationId: allocationId, InstanceId: standbyInstanceId, AllowReassociation: true,
    }));
    deps.log(`${allocationId} moved to the standby ${standbyInstanceId}`);
    return { action: "moved", standbyInstanceId };
}

export const handler = (event: unknown): Promise<FailoverResult> => failover(event, {
    ec2: new EC2Client({}),
    config: {
        primaryInstanceId: process.env.PRIMARY_INSTANCE_ID ?? "",
        standbyInstanceId: process.env.STANDBY_INSTANCE_ID ?? "",
        allocationId: process.env.ALLOCATION_ID ?? "",
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    pollMs: 5000,
    maxWaitMs: 4 * 60 * 1000,
    log: (message) => console.log(message),
});
