// Shared by the launch and terminate hook handlers: the EventBridge event shape, configuration
// from the environment, completing the lifecycle action, and an injectable poller.
import { AutoScalingClient, CompleteLifecycleActionCommand } from "@aws-sdk/client-auto-scaling";
import { EC2Client } from "@aws-sdk/client-ec2";

/** Tag key whose value names the singleton a data volume or snapshot belongs to. */
export const DATA_TAG = "pilot-light:singleton-data";
/** Tag on a volume created for one launch lifecycle action (makes a retried event find it). */
export const LAUNCH_TOKEN_TAG = "pilot-light:launch-token";
/** Tag on a snapshot taken for one terminate lifecycle action. */
export const TERMINATE_TOKEN_TAG = "pilot-light:terminate-token";
/** Tag left on a data volume that lost its role to a newer one (out of DLM and of the search). */
export const RETIRED_TAG = "pilot-light:singleton-retired";

/** The `detail` of "EC2 Instance-launch/terminate Lifecycle Action" events. */
export interface LifecycleDetail {
    LifecycleActionToken: string;
    AutoScalingGroupName: string;
    LifecycleHookName: string;
    EC2InstanceId: string;
    LifecycleTransition: string;
}

export interface LifecycleEvent {
    "detail-type": string;
    detail: LifecycleDetail;
}

/** What the handlers need from their environment; tests pass it directly. */
export interface HandlerConfig {
    /** Value of the DATA_TAG on this singleton's volumes and snapshots. */
    singleton: string;
    /** Device name the data volume is attached as, e.g. `/dev/sdf`. */
    deviceName: string;
    /** Size (GiB) of a new, empty volume, and the floor for a restored one. */
    volumeGb: number;
}

/** Clients and timing, injectable so tests run with mocks and millisecond waits. */
export interface HandlerDeps {
    ec2: EC2Client;
    autoscaling: AutoScalingClient;
    config: HandlerConfig;
    sleep: (ms: number) => Promise<void>;
    pollMs: number;
    /** Give up waiting after this long (below the Lambda timeout, so the catch still runs). */
    maxWaitMs: number;
    log: (message: string) => void;
}

export function configFromEnv(env: NodeJS.ProcessEnv): HandlerConfig {
    const singleton = env.SINGLETON_NAME;
    if (!singleton) {
        throw new Error("SINGLETON_NAME is not set");
    }
    return { singleton, deviceName: env.DATA_DEVICE ?? "/dev/sdf", volumeGb: Number(env.DATA_VOLUME_GB ?? "20") };
}

export function defaultDeps(): HandlerDeps {
    return {
        ec2: new EC2Client({}),
        autoscaling: new AutoScalingClient({}),
        config: configFromEnv(process.env),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        pollMs: 5000,
        maxWaitMs: 12 * 60 * 1000,
        log: (message) => console.log(message),
    };
}

export async function complete(deps: HandlerDeps, detail: LifecycleDetail, result: "CONTINUE" | "ABANDON"): Promise<void> {
    await deps.autoscaling.send(new CompleteLifecycleActionCommand({
        AutoScalingGroupName: detail.AutoScalingGroupName,
        LifecycleHookName: detail.LifecycleHookName,
        LifecycleActionToken: detail.LifecycleActionToken,
        InstanceId: detail.EC2InstanceId,
        LifecycleActionResult: result,
    }));
}

/** Polls `probe` until it returns a value, or throws after `maxWaitMs`. */
export async function waitFor<T>(deps: HandlerDeps, what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + deps.maxWaitMs;
    for (;;) {
        const value = await probe();
        if (value !== undefined) {
            return value;
        }
        if (Date.now() >= deadline) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await deps.sleep(deps.pollMs);
    }
}

export function errorMessage(e: unknown): string {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
