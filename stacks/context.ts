// What every role's composition gets: the validated config, the tags and the chosen AZs.
import * as aws from "@pulumi/aws";
import type { AlbViewers } from "../components/basic";
import { NAMESPACE, StackConfig } from "./config";

/** What every role's composition gets. */
export interface StackContext {
    cfg: StackConfig;
    stack: string;
    tags: Record<string, string>;
    availabilityZones: string[];
}

/**
 * The tag a hardened dr puts on what hardening changed (its database, Redis group and ALB): the
 * policy pack's dr exemptions stop there, and prod's rules apply (policies/lib/resources.ts
 * reads the same tag). Only there: tagging everything would also update the IAM role, whose
 * control plane is outside dr's region.
 */
export const HARDENED_TAG = `${NAMESPACE}:hardened`;

/** True when the stack has a domain (name and zone): HTTPS on the ALB; else HTTPS through CloudFront. */
export function hasDomain(cfg: StackConfig): boolean {
    return cfg.domainName !== undefined && cfg.hostedZoneId !== undefined;
}

/** Who reaches the stack's ALB: anyone with a domain, CloudFront only without (components/app/cdn.ts). */
export function albViewers(cfg: StackConfig): AlbViewers {
    return hasDomain(cfg) ? "internet" : "cloudfront";
}

/** Tags on every taggable resource. The role tag is what the policy pack reads to tell prod from dr. */
export function stackTags(cfg: StackConfig, stack: string): Record<string, string> {
    return { ...cfg.tags, [`${NAMESPACE}:stack`]: stack, [`${NAMESPACE}:role`]: cfg.role, "managed-by": "pulumi" };
}

/**
 * The first `count` available AZs of the region. Sorted by name so that the choice is stable
 * across runs (subnets are keyed by AZ name: a different choice would replace them).
 */
export async function selectAvailabilityZones(cfg: StackConfig): Promise<string[]> {
    const azs = await aws.getAvailabilityZones({
        state: "available",
        // Local Zones and Wavelength Zones cannot hold an RDS Multi-AZ pair or an ALB subnet.
        filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    const names = [...azs.names].sort();
    if (names.length < cfg.azCount) {
        throw new Error(`${NAMESPACE}:azCount: ${cfg.azCount} is more than the ${names.length} available AZs in ${cfg.region} (${names.join(", ")}).`);
    }
    return names.slice(0, cfg.azCount);
}

/**
 * An RDS DB identifier for the stack: 1–63 letters, digits or hyphens, starting with a letter,
 * no double or trailing hyphen (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.Constraints).
 * Deterministic on purpose: a change that would replace the DB then fails on the name instead
 * of silently creating a second database.
 */
export function dbIdentifier(project: string, stack: string): string {
    const cleaned = `${project}-${stack}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^[^a-z]+/, "");
    return cleaned.slice(0, 63).replace(/-+$/, "");
}
