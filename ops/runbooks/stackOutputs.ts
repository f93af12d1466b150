// The stack outputs the runbooks read, typed by the stacks' own declarations
// (stacks/outputs.ts): a runbook that reads an output the programs do not export, or one this
// list does not declare, fails to compile. tests/stacks/outputs.test.ts plans each stack and
// checks every key below is there, in the configuration where the runbooks read it.
import type { DrOutputs, PrimaryOutputs } from "../../stacks/outputs";

/** Outputs read from each stack, by the role of the stack read and when its program sets them. */
export const OPS_READS = {
    primary: {
        /** Failover, failback and the drill read these in every configuration. */
        // failback's step 6 finds the current generation's backups replication in dr by dbInstanceArn.
        always: ["region", "dbInstanceIdentifier", "dbInstanceArn", "mediaBucketName", "albDnsName", "asgName", "appSecretArn"],
        /** Set only with a domain; the runbooks skip the DNS steps without one. */
        withDomain: ["domainName", "healthCheckId"],
        /** Set only without a domain: the deep check goes through CloudFront. */
        withoutDomain: ["cdnDomainName"],
    },
    dr: {
        // recover reads dbBackupsReplicationArn when prod is dark.
        always: ["region", "dbInstanceIdentifier", "mediaBucketName", "appImageId", "dbBackupsReplicationArn"],
        /** Set while dr runs its app tier (promoted, or a drill). */
        withAppTier: ["albDnsName", "asgName", "appSecretArn"],
        /** Set without a domain (and with the standby ALB, the default): dr's CloudFront distribution. */
        withoutDomain: ["cdnDomainName"],
    },
} as const;

type PrimaryRead = typeof OPS_READS.primary.always[number] | typeof OPS_READS.primary.withDomain[number] | typeof OPS_READS.primary.withoutDomain[number];
type DrRead = typeof OPS_READS.dr.always[number] | typeof OPS_READS.dr.withAppTier[number] | typeof OPS_READS.dr.withoutDomain[number];

/**
 * The outputs of a stack as a runbook sees them: the runbook cannot be sure which program
 * version deployed it (or whether it is deployed at all), so every key may be missing.
 */
export type StackOutputs = Partial<Pick<PrimaryOutputs, PrimaryRead> & Pick<DrOutputs, DrRead>>;

/** The name of an output the runbooks read. */
export type OutputKey = keyof StackOutputs;

/** A stack whose outputs can be read (ops/runbooks/workspace.ts StackOps). */
interface HasOutputs {
    readonly name: string;
    outputs(): Promise<StackOutputs>;
}

/** A non-empty string output, or an error naming the stack and the output and what to do. */
export async function requireOutput(stack: HasOutputs, key: OutputKey): Promise<string> {
    return outputOf(await stack.outputs(), key, stack.name);
}

/** The same check over outputs already read (e.g. the result of `pulumi up`). */
export function outputOf(outputs: StackOutputs, key: OutputKey, stackName: string): string {
    const value = outputs[key];
    if (typeof value !== "string" || value === "") {
        throw new Error(`stack ${stackName} has no ${key} output; run \`pulumi up\` on it with this version of the program, `
            + `or check it is the right stack`);
    }
    return value;
}
