// The link between the prod and dr stacks. Each reads the other's outputs through a
// StackReference named in config (never a literal), and checks them against its own config
// before anything is planned: two stacks that disagree about regions or address space must
// fail loudly, not half-deploy.
import * as pulumi from "@pulumi/pulumi";
import { cidrsOverlap, parseCidr } from "../components/basic/subnetPlan";
import { ConfigError, NAMESPACE, Role, StackConfig } from "./config";
import { isAwsRegion } from "../components/regions";
import { DrPeerView, PEER_READS, PrimaryPeerView } from "./outputs";

/**
 * Keys a stack cannot do without from its peer (stacks/outputs.ts PEER_READS). prod's app tier
 * outputs are not among them: dr builds nothing from them (its app tier has its own load
 * balancer and secret); they stay exported throughout, also while prod is rebuilt from dr
 * during failback (its fleet is parked at 0 instances, the tier kept).
 */
const REQUIRED: Record<Role, readonly string[]> = { dr: PEER_READS.dr.required, primary: PEER_READS.primary.required };

/**
 * Checks the peer's outputs against this stack's config. Pure: returns one line per problem.
 * `outputs` are the plain values of the peer's stack outputs (missing keys are undefined).
 */
export function checkPeer(self: StackConfig, outputs: Record<string, any>): string[] {
    const peer = self.peerStack!;
    const problems: string[] = [];
    const expectedRole: Role = self.role === "dr" ? "primary" : "dr";
    const missing = REQUIRED[self.role].filter((k) => outputs[k] === undefined);
    if (missing.length === REQUIRED[self.role].length) {
        return [self.role === "dr"
            ? `${NAMESPACE}:peerStack: the stack "${peer}" has no outputs; deploy the primary stack first (bootstrap step 1 of 3), then this dr stack.`
            : `${NAMESPACE}:peerStack: the stack "${peer}" has no outputs; deploy the dr stack (bootstrap step 2 of 3) before turning ${NAMESPACE}:replicateToPeer on, `
                + `or set ${NAMESPACE}:replicateToPeer false until it exists.`];
    }
    if (missing.length > 0) {
        problems.push(`${NAMESPACE}:peerStack: the stack "${peer}" lacks the outputs ${missing.join(", ")}; run \`pulumi up\` on it with this version of the program first.`);
    }
    if (outputs.role !== undefined && outputs.role !== expectedRole) {
        problems.push(`${NAMESPACE}:peerStack: the stack "${peer}" has role ${JSON.stringify(outputs.role)}; a ${self.role} stack's peer must have role ${expectedRole}.`);
    }
    if (self.role === "primary" && self.rebuildFromPeer && outputs.promote !== true) {
        problems.push(`${NAMESPACE}:rebuildFromPeer: true needs a promoted dr, but the stack "${peer}" reports promote=${JSON.stringify(outputs.promote ?? null)}; `
            + `rebuilding prod from dr is failback, which only follows a failover.`);
    }
    if (self.role === "primary" && self.rebuildFromPeer && !outputs.dbInstanceArn) {
        problems.push(`${NAMESPACE}:rebuildFromPeer: the stack "${peer}" has no dbInstanceArn output to replicate from; run \`pulumi up\` on it first.`);
    }
    if (self.role === "dr" && outputs.promote === true) {
        problems.push(`${NAMESPACE}:peerStack: the stack "${peer}" reports promote=true; promote is only valid on the dr stack, so the primary's config is wrong.`);
    }
    problems.push(...objectLockPeerProblems(self, outputs.mediaImmutability));
    const region = outputs.region;
    if (region !== undefined && !isAwsRegion(String(region))) {
        problems.push(`${NAMESPACE}:peerStack: the stack "${peer}" reports region ${JSON.stringify(region)}, which is not an AWS region.`);
    } else if (region === self.region) {
        problems.push(`aws:region: ${JSON.stringify(self.region)} is also the region of the peer stack "${peer}"; prod and dr must be in different regions, or a regional outage takes both.`);
    }
    if (outputs.vpcCidr !== undefined && !parseCidr(String(outputs.vpcCidr))) {
        problems.push(`${NAMESPACE}:peerStack: the stack "${peer}" reports vpcCidr ${JSON.stringify(outputs.vpcCidr)}, which is not an IPv4 CIDR.`);
    } else if (outputs.vpcCidr !== undefined && cidrsOverlap(self.vpcCidr, String(outputs.vpcCidr))) {
        problems.push(`${NAMESPACE}:vpcCidr: ${JSON.stringify(self.vpcCidr)} overlaps the peer stack "${peer}"'s VPC CIDR ${JSON.stringify(outputs.vpcCidr)}; `
            + `choose a non-overlapping range so the two VPCs can be peered for failback.`);
    }
    if (self.role === "dr" && outputs.peerRegion !== undefined && outputs.peerRegion !== self.region) {
        problems.push(`aws:region: ${JSON.stringify(self.region)} is not the region the primary "${peer}" replicates its credentials secret to `
            + `(its ${NAMESPACE}:peerRegion is ${JSON.stringify(outputs.peerRegion)}); set them to the same region.`);
    }
    if (self.role === "primary" && region !== undefined && self.peerRegion !== undefined && region !== self.peerRegion) {
        problems.push(`${NAMESPACE}:peerRegion: ${JSON.stringify(self.peerRegion)} is not the region of the dr stack "${peer}" (${JSON.stringify(region)}); set them to the same region.`);
    }
    return problems;
}

/**
 * S3 replicates a version locked by Object Lock only into a bucket with Object Lock; into one
 * without, it fails with DstBucketObjectLockConfigMissing and the version stays in the source
 * alone. So whichever bucket is a replication destination must be locked whenever its source is:
 * dr's while prod's is (prod's replication), prod's while dr's is during failback's reverse
 * replication. A peer of an older program (no output) counts as none. An unlocked source into a
 * locked destination is fine. Object Lock cannot be turned off, so this only orders the two `up`s.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-failure-codes.html
 */
function objectLockPeerProblems(self: StackConfig, peerValue: unknown): string[] {
    const peer = typeof peerValue === "string" ? peerValue : "none";
    const key = `${NAMESPACE}:mediaImmutability`;
    const mine = JSON.stringify(self.mediaImmutability);
    if (self.role === "primary" && self.replicateToPeer && self.mediaImmutability !== "none" && peer === "none") {
        return [`${key}: ${mine} is not allowed while the dr stack "${self.peerStack}" has none; prod's locked versions would fail to replicate `
            + `into dr's unlocked bucket (DstBucketObjectLockConfigMissing). Set ${key} on dr and run \`pulumi up\` there first.`];
    }
    if (self.role === "dr" && self.mediaImmutability === "none" && peer !== "none") {
        return [`${key}: "none" is not allowed while the primary "${self.peerStack}" has ${JSON.stringify(peer)}; dr's bucket receives prod's `
            + `locked versions and must have Object Lock too (DstBucketObjectLockConfigMissing). Set ${key} on dr (e.g. ${JSON.stringify(peer)}).`];
    }
    if (self.role === "dr" && self.reverseReplication && self.mediaImmutability !== "none" && peer === "none") {
        return [`${key}: ${mine} is not allowed with ${NAMESPACE}:reverseReplication true while the primary "${self.peerStack}" has none; `
            + `dr's locked versions would fail to replicate into prod's unlocked bucket. Set ${key} on prod first (its \`pulumi up\` locks the bucket in place).`];
    }
    return [];
}

/**
 * Reads the peer stack's outputs (PEER_READS of this stack's role) and validates them. Throws a
 * ConfigError listing every problem before any resource is registered.
 */
async function readPeer(self: StackConfig): Promise<Record<string, unknown>> {
    const ref = new pulumi.StackReference(self.peerStack!);
    const reads = PEER_READS[self.role];
    const outputs: Record<string, unknown> = {};
    for (const k of [...reads.required, ...reads.optional]) {
        outputs[k] = (await ref.getOutputDetails(k)).value;
    }
    const problems = checkPeer(self, outputs);
    if (problems.length > 0) {
        throw new ConfigError(pulumi.getStack(), problems);
    }
    return outputs;
}

/** dr's view of prod, validated: every required key is there (checkPeer). */
export async function readPrimaryPeer(self: StackConfig): Promise<PrimaryPeerView> {
    return await readPeer(self) as unknown as PrimaryPeerView;
}

/** prod's view of dr, validated: every required key is there (checkPeer). */
export async function readDrPeer(self: StackConfig): Promise<DrPeerView> {
    return await readPeer(self) as unknown as DrPeerView;
}
