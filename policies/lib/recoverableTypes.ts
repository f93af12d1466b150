// Which EC2 instance types the CloudWatch recover action (`arn:<partition>:automate:<region>:ec2:recover`)
// supports: the one list the pack's recovery policies and components/ha's validators share. It is
// plain data and pure functions with no import, because the pack is published alone from
// policies/ and components/ha imports this file from here.
//
// Source: Amazon EC2 User Guide, "Configure CloudWatch action based recovery", section
// "Requirements for enabling CloudWatch action based recovery", read on RECOVERABLE_TYPES_SOURCE.read.
// AWS adds families over time; the authoritative answer for one account and region is
//   aws ec2 describe-instance-types --filters Name=auto-recovery-supported,Values=true
// Families missing from the page (P2, retired) are left out; nothing is added that the page does not name.

/** Where RECOVERABLE_FAMILIES comes from, and when it was read. */
export const RECOVERABLE_TYPES_SOURCE = Object.freeze({
    url: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html#requirements-for-cloudwatch-action-based-recovery",
    read: "2026-12-01",
});

/**
 * Families (lower case, the part of the type before the dot) that support the recover action.
 * Every size is supported, metal included ("Any of the above instance types with the metal
 * instance size").
 */
export const RECOVERABLE_FAMILIES: readonly string[] = Object.freeze([
    // General purpose
    "a1", "m3", "m4", "m5", "m5a", "m5n", "m5zn", "m6a", "m6g", "m6i", "m6in", "m7a", "m7g", "m7i", "m7i-flex",
    "m8a", "m8azn", "m8g", "m8gb", "m8gn", "m8i", "m8i-flex", "t1", "t2", "t3", "t3a", "t4g",
    // Compute optimized
    "c3", "c4", "c5", "c5a", "c5n", "c6a", "c6g", "c6gn", "c6i", "c6in", "c7a", "c7g", "c7gn", "c7i", "c7i-flex",
    "c8a", "c8g", "c8gb", "c8gn", "c8i", "c8i-flex",
    // Memory optimized
    "r3", "r4", "r5", "r5a", "r5b", "r5n", "r6a", "r6g", "r6i", "r6in", "r7a", "r7g", "r7i", "r7iz",
    "r8a", "r8g", "r8gb", "r8gn", "r8i", "r8i-flex",
    "u-3tb1", "u-6tb1", "u-9tb1", "u-12tb1", "u-18tb1", "u-24tb1",
    "u7i-6tb", "u7i-8tb", "u7i-12tb", "u7in-16tb", "u7in-24tb", "u7in-32tb", "u7inh-32tb",
    "x1", "x1e", "x2idn", "x2iedn", "x2iezn", "x8g", "x8i",
    // Accelerated computing
    "g3", "g5g", "inf1", "p3", "vt1",
    // High-performance computing
    "hpc6a", "hpc7a", "hpc7g", "hpc8a",
]);

/**
 * The only families the recover action supports with instance store volumes ("If instance
 * store volumes are added at launch: Then only the following instance types are supported").
 */
export const INSTANCE_STORE_RECOVERABLE_FAMILIES: readonly string[] = Object.freeze(["m3", "c3", "r3", "x1", "x1e", "x2idn", "x2iedn"]);

/**
 * Instance classes whose every type carries instance store (storage optimized I, D and H);
 * other families mark instance store with a `d` attribute (m5d, c6gd, r5dn, z1d).
 */
export const INSTANCE_STORE_CLASSES: readonly string[] = Object.freeze(["i", "im", "is", "d", "h"]);

/** An EC2 instance type split into its parts: `m5d.large` is class `m`, generation 5, attributes `d`. */
export interface InstanceTypeParts {
    family: string;
    size: string;
    cls: string;
    attributes: string;
}

/** Splits `m5d.large`; undefined for anything that is not `<family>.<size>`. */
export function parseInstanceType(instanceType: unknown): InstanceTypeParts | undefined {
    if (typeof instanceType !== "string") {
        return undefined;
    }
    const [family, size] = instanceType.toLowerCase().split(".", 2);
    if (!family || !size) {
        return undefined;
    }
    const m = /^([a-z]+)(\d+)([a-z0-9-]*)$/.exec(family);
    return { family, size, cls: m?.[1] ?? family, attributes: m?.[3] ?? "" };
}

/** True when `family` is one of `patterns` (lower case; a trailing `*` matches a prefix, e.g. `u-*`). */
export function familyMatches(family: string, patterns: readonly string[]): boolean {
    return patterns.some((p) => {
        const pattern = p.toLowerCase();
        return pattern.endsWith("*") ? family.startsWith(pattern.slice(0, -1)) : family === pattern;
    });
}

/** True when every type of the family carries instance store (the `d` attribute, or an I/D/H class). */
export function isInstanceStoreType(instanceType: unknown, classes: readonly string[] = INSTANCE_STORE_CLASSES): boolean {
    const parts = parseInstanceType(instanceType);
    if (!parts || parts.family.startsWith("u-")) {
        return false;
    }
    return classes.includes(parts.cls) || parts.attributes.includes("d");
}

/** Why the recover action cannot recover an instance type, or `ok`. */
export type Recoverability =
    | { ok: true; family: string }
    | { ok: false; reason: "malformed" }
    | { ok: false; reason: "instance-store"; family: string }
    | { ok: false; reason: "family"; family: string };

/**
 * The verdict on one instance type: malformed; an instance-store type of a family the recover
 * action does not support with instance store; a family it does not support; or ok.
 */
export function instanceTypeRecoverability(instanceType: unknown, families: readonly string[] = RECOVERABLE_FAMILIES,
    storeClasses: readonly string[] = INSTANCE_STORE_CLASSES): Recoverability {
    const parts = parseInstanceType(instanceType);
    if (!parts) {
        return { ok: false, reason: "malformed" };
    }
    const { family } = parts;
    if (isInstanceStoreType(instanceType, storeClasses) && !INSTANCE_STORE_RECOVERABLE_FAMILIES.includes(family)) {
        return { ok: false, reason: "instance-store", family };
    }
    return familyMatches(family, families) ? { ok: true, family } : { ok: false, reason: "family", family };
}
