// What the failover reads from the two stacks before it checks anything: regions, outputs, the
// replica, the app tier's size and the domain, validated through the config schema.
import { configKey, parseValue, ValueOf } from "../../../stacks/configSchema";
import { StackOps } from "../workspace";
import type { StackOutputs } from "../stackOutputs";
import type { FailoverOptions } from "./index";

/** Config keys this runbook reads or sets, fully qualified (stacks/configSchema.ts). */
export const KEYS = {
    region: "aws:region",
    promote: configKey("promote"),
    appInstanceType: configKey("appInstanceType"),
    appMaxSize: configKey("appMaxSize"),
    replicaLagAlarmSeconds: configKey("replicaLagAlarmSeconds"),
    peerStack: configKey("peerStack"),
    domainName: configKey("domainName"),
    hostedZoneId: configKey("hostedZoneId"),
    replicateToPeer: configKey("replicateToPeer"),
} as const;

/** What the steps learn and pass on. Filled in by the first step. */
export interface FailoverState {
    prod: StackOps;
    dr: StackOps;
    prodRegion: string;
    drRegion: string;
    prodOutputs: StackOutputs;
    drOutputs: StackOutputs;
    dbIdentifier: string;
    instanceType: string;
    maxSize: number;
    maxLagSeconds: number;
    domainName?: string;
    hostedZoneId?: string;
    /** dr's own domain when dr's ALB serves HTTPS (domainName and hostedZoneId set on dr). */
    drDomainName?: string;
    /** The replica was already promoted when the run started (a resumed failover). */
    alreadyPromoted: boolean;
    /** `pulumi up` on dr has been started by this run (an interrupt then needs the lock recovery). */
    upStarted?: boolean;
    /** What Route 53's checkers saw of prod before the promotion; undefined when it could not be read. */
    prodHealthy?: boolean;
}

export async function readStacks(opts: FailoverOptions, prodName: string, drName: string): Promise<FailoverState> {
    const dr = await opts.workspace.stack(drName);
    const prod = await opts.workspace.stack(prodName);
    const [drOutputs, prodOutputs] = [await dr.outputs(), await prod.outputs()];
    const drRegion = (await dr.getConfig(KEYS.region)) ?? drOutputs.region;
    const prodRegion = prodOutputs.region ?? (await prod.getConfig(KEYS.region));
    if (!drRegion) throw new Error(`the ${drName} stack has no aws:region config and no region output; set aws:region on it`);
    if (!prodRegion) throw new Error(`the ${prodName} stack has no region output and no aws:region config; is --prod-stack ${prodName} the right stack?`);
    if (drRegion === prodRegion) {
        throw new Error(`${drName} and ${prodName} are both in ${drRegion}; a failover must move to another region (check --prod-stack/--dr-stack)`);
    }
    const peer = await dr.getConfig(KEYS.peerStack);
    if (peer && lastSegment(peer) !== lastSegment(prodName)) {
        throw new Error(`${drName}'s pilot-light:peerStack is "${peer}", not "${prodName}"; pass --prod-stack ${lastSegment(peer)} `
            + `(or fix the config) so the checks look at the stack dr actually replicates from`);
    }
    const dbIdentifier = drOutputs.dbInstanceIdentifier;
    if (!dbIdentifier) throw new Error(`the ${drName} stack has no dbInstanceIdentifier output; deploy it in standby first (bootstrap)`);

    const instanceType = await configValue(dr, "appInstanceType");
    const maxSize = await configValue(dr, "appMaxSize");
    const maxLagSeconds = opts.maxLagSeconds ?? await configValue(dr, "replicaLagAlarmSeconds");
    const domainName = (await dr.getConfig(KEYS.domainName)) ?? (await prod.getConfig(KEYS.domainName)) ?? prodOutputs.domainName;
    const hostedZoneId = (await dr.getConfig(KEYS.hostedZoneId)) ?? (await prod.getConfig(KEYS.hostedZoneId));
    // dr's ALB has an HTTPS listener only when dr's own config has both keys (stacks/appTier.ts).
    const drDomainName = (await dr.getConfig(KEYS.hostedZoneId)) ? await dr.getConfig(KEYS.domainName) : undefined;
    return {
        prod, dr, prodRegion, drRegion, prodOutputs, drOutputs, dbIdentifier, instanceType, maxSize, maxLagSeconds,
        domainName, hostedZoneId, drDomainName, alreadyPromoted: false,
    };
}

/** A key of the stack's config parsed through the schema: its default when unset, an error naming it when bad. */
async function configValue<K extends "appInstanceType" | "appMaxSize" | "replicaLagAlarmSeconds">(stack: StackOps, key: K): Promise<ValueOf<K>> {
    const { value, problem } = parseValue(key, await stack.getConfig(configKey(key)));
    if (problem !== undefined) throw new Error(`${stack.name}'s ${problem}`);
    return value!;
}

/** `dr` of `org/pilot-light/dr`. */
export function lastSegment(stack: string): string {
    return stack.split("/").pop()!;
}

