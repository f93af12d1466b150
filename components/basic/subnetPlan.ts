// Pure IPv4 CIDR arithmetic for the basic layer: validates the network inputs and carves a VPC
// into one public and one private subnet per availability zone. No Pulumi here, so the plan is
// unit-tested without mocks and reused by the cross-stack config checks (prod and dr VPCs must
// not overlap if they are ever peered or joined by a transit gateway).
import { assertValid } from "../validate";

/**
 * The largest VPC AWS allows is a /16.
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
 */
export const MIN_VPC_PREFIX = 16;
/**
 * The smallest VPC this plan accepts: a /24 still leaves a /27 per subnet, which is the smallest
 * subnet an Application Load Balancer accepts ("at least a /27 bitmask and at least 8 free IP
 * addresses").
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer
 */
export const MAX_VPC_PREFIX = 24;
/** The smallest subnet the plan hands out (see MAX_VPC_PREFIX). */
export const MAX_SUBNET_PREFIX = 27;
/** An ALB, a Multi-AZ RDS instance and a DB subnet group all need subnets in at least two AZs. */
export const MIN_AZS = 2;
/** Three zones is as far as the plan goes; each half of the VPC keeps a spare slot. */
export const MAX_AZS = 3;

/** One AZ's share of the VPC. */
export interface SubnetPlanEntry {
    /** The availability zone name, e.g. `us-east-1a`. */
    az: string;
    /** The public (load balancer, NAT gateway) subnet's CIDR. */
    publicCidr: string;
    /** The private (app, database, cache) subnet's CIDR. */
    privateCidr: string;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** A decimal without leading zeros: "010" is octal to some parsers and decimal to others. */
function strictInt(text: string): number | undefined {
    if (text.length > 1 && text.startsWith("0")) {
        return undefined;
    }
    return Number(text);
}

/** The netmask for a prefix length, as an unsigned 32-bit number. */
function maskOf(prefix: number): number {
    return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Formats an unsigned 32-bit network address and prefix as `a.b.c.d/n`. */
export function formatCidr(network: number, prefix: number): string {
    const octets = [24, 16, 8, 0].map((shift) => (network >>> shift) & 0xff);
    return `${octets.join(".")}/${prefix}`;
}

/**
 * Parses an IPv4 CIDR; returns undefined when it is not one (no throw). The network address
 * must have no host bits set (`10.0.0.1/16` is rejected), octets are 0–255 and the prefix
 * 0–32, all in plain decimal without leading zeros or whitespace.
 */
export function parseCidr(cidr: string): { network: number; prefix: number } | undefined {
    if (typeof cidr !== "string") {
        return undefined;
    }
    const match = CIDR_PATTERN.exec(cidr);
    if (!match) {
        return undefined;
    }
    const parts = match.slice(1).map(strictInt);
    if (parts.some((p) => p === undefined)) {
        return undefined;
    }
    const [a, b, c, d, prefix] = parts as number[];
    if ([a, b, c, d].some((o) => o > 255) || prefix > 32) {
        return undefined;
    }
    const address = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
    if (((address & ~maskOf(prefix)) >>> 0) !== 0) {
        return undefined;
    }
    return { network: address, prefix };
}

/**
 * Whether two IPv4 CIDRs overlap (used by the cross-stack config checks). Two blocks overlap
 * exactly when they agree on the bits of the shorter prefix. Throws if either is not a CIDR,
 * because answering "no overlap" for a typo would hide the mistake.
 */
export function cidrsOverlap(a: string, b: string): boolean {
    const pa = parseCidr(a);
    const pb = parseCidr(b);
    for (const [text, parsed] of [[a, pa], [b, pb]] as const) {
        if (!parsed) {
            throw new Error(`cidrsOverlap: "${text}" is not an IPv4 CIDR (expected a.b.c.d/n with no host bits set)`);
        }
    }
    const mask = maskOf(Math.min(pa!.prefix, pb!.prefix));
    return ((pa!.network & mask) >>> 0) === ((pb!.network & mask) >>> 0);
}

/**
 * Every problem with the network inputs, one message each; empty when they are valid. Each
 * message names the property, the bad value and what is allowed.
 */
export function validateNetworkInputs(vpcCidr: string, availabilityZones: string[]): string[] {
    const problems: string[] = [];
    const parsed = parseCidr(vpcCidr);
    if (!parsed) {
        problems.push(`vpcCidr ${JSON.stringify(vpcCidr)} is not an IPv4 network in CIDR notation `
            + `(a.b.c.d/n with no host bits set, e.g. "10.10.0.0/16")`);
    } else if (parsed.prefix < MIN_VPC_PREFIX || parsed.prefix > MAX_VPC_PREFIX) {
        problems.push(`vpcCidr "${vpcCidr}" has prefix /${parsed.prefix}; allowed prefixes are `
            + `/${MIN_VPC_PREFIX} to /${MAX_VPC_PREFIX}`);
    }
    if (!Array.isArray(availabilityZones)) {
        problems.push(`availabilityZones must be a list of ${MIN_AZS} to ${MAX_AZS} AZ names, `
            + `got ${JSON.stringify(availabilityZones)}`);
        return problems;
    }
    if (availabilityZones.length < MIN_AZS || availabilityZones.length > MAX_AZS) {
        problems.push(`availabilityZones must list ${MIN_AZS} to ${MAX_AZS} zones, `
            + `got ${availabilityZones.length}: ${JSON.stringify(availabilityZones)}`);
    }
    const seen = new Set<string>();
    availabilityZones.forEach((az, i) => {
        if (typeof az !== "string" || az.trim() === "") {
            problems.push(`availabilityZones[${i}] is ${JSON.stringify(az)}; expected an AZ name such as "us-east-1a"`);
        } else if (seen.has(az)) {
            problems.push(`availabilityZones lists "${az}" more than once; each zone must be distinct`);
        }
        seen.add(az);
    });
    return problems;
}

/**
 * Carves the VPC into one public and one private subnet per AZ, deterministically.
 *
 * Scheme: the VPC is cut into equal blocks of prefix `min(vpcPrefix + 4, 27)`: sixteen blocks
 * for a /16…/23 VPC (a /16 gives /20 subnets), eight /27 blocks for a /24. The first half of
 * the blocks is public, the second half private: public subnet `i` is block `i` and private
 * subnet `i` is block `half + i` (block 8+i for a /16…/23, 4+i for a /24). So for 10.10.0.0/16
 * the public subnets are 10.10.0.0/20, 10.10.16.0/20, … and the private ones start at
 * 10.10.128.0/20. Subnets never overlap, always sit inside the VPC, and keep their CIDR when
 * an AZ is appended (a subnet's CIDR cannot change without replacing it). Most of a large VPC
 * stays unallocated for later tiers.
 *
 * Throws one Error listing every problem when the inputs are invalid (see
 * `validateNetworkInputs`).
 */
export function planSubnets(vpcCidr: string, availabilityZones: string[]): SubnetPlanEntry[] {
    assertValid("planSubnets", undefined, validateNetworkInputs(vpcCidr, availabilityZones));
    const { network, prefix } = parseCidr(vpcCidr)!;
    const subnetPrefix = Math.min(prefix + 4, MAX_SUBNET_PREFIX);
    const blockSize = 2 ** (32 - subnetPrefix);
    const half = 2 ** (subnetPrefix - prefix) / 2;
    return availabilityZones.map((az, i) => ({
        az,
        publicCidr: formatCidr(network + i * blockSize, subnetPrefix),
        privateCidr: formatCidr(network + (half + i) * blockSize, subnetPrefix),
    }));
}
