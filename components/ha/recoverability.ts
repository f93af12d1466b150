// Pure validation for the HA patterns: which instances EC2 can recover, and the shape of the
// arguments every pattern shares. No Pulumi resources here, so it is unit-tested without mocks.
//
// Which instance types the recover action supports is one list, kept in the policy pack
// (policies/lib/recoverableTypes.ts, with its AWS source and the date it was read), so that this
// validator and the pack's ec2-recoverable-* policies can never disagree on a type.
import type { HaCommonArgs } from "./args";
import {
    INSTANCE_STORE_RECOVERABLE_FAMILIES, instanceTypeRecoverability, RECOVERABLE_FAMILIES, RECOVERABLE_TYPES_SOURCE,
} from "../../policies/lib/recoverableTypes";

/** Instance families the recover action supports (the pack's list). */
export { RECOVERABLE_FAMILIES };

/** Tenancies the recover action supports; `host` (Dedicated Hosts) uses host auto recovery instead. */
export const RECOVERABLE_TENANCIES: readonly string[] = Object.freeze(["default", "dedicated"]);

/**
 * Problems with an instance type and tenancy for EC2 recovery by the CloudWatch recover action:
 * a family AWS lists (metal sizes included), no instance-store family unless AWS supports it
 * with instance store, `default` or `dedicated` tenancy. Empty when recoverable.
 */
export function recoverabilityProblems(instanceType: string, tenancy: string): string[] {
    const problems: string[] = [];
    const verdict = instanceTypeRecoverability(instanceType);
    if (!verdict.ok) {
        switch (verdict.reason) {
            case "malformed":
                problems.push(`instanceType "${instanceType}": expected <family>.<size>, e.g. "t3.small"`);
                break;
            case "instance-store":
                problems.push(`instanceType "${instanceType}": family "${verdict.family}" has instance store volumes, which the recover `
                    + `action supports only on ${INSTANCE_STORE_RECOVERABLE_FAMILIES.join(", ")}; use an EBS-only family (e.g. ${suggest(verdict.family)})`);
                break;
            case "family":
                problems.push(`instanceType "${instanceType}": family "${verdict.family}" is not one the recover action supports `
                    + `(AWS's list as read ${RECOVERABLE_TYPES_SOURCE.read}: ${RECOVERABLE_TYPES_SOURCE.url})`);
                break;
        }
    }
    if (!RECOVERABLE_TENANCIES.includes(tenancy)) {
        problems.push(`tenancy "${tenancy}": must be "default" or "dedicated" for EC2 recovery (Dedicated Hosts use host recovery instead)`);
    }
    return problems;
}

/** An EBS-only family to suggest instead of an instance-store one: `m5d` → `m5`, else `t3` or `m7i`. */
function suggest(family: string): string {
    const ebsOnly = family.replace(/d(?=[a-z-]*$)/, "");
    return RECOVERABLE_FAMILIES.includes(ebsOnly) && ebsOnly !== family ? `"${ebsOnly}"` : `"t3", "m7i"`;
}

/** The shared arguments (components/ha/args.ts) commonProblems checks. */
export type CommonArgsShape = Pick<HaCommonArgs, "servicePort" | "allowedCidrs" | "dataVolumeGb" | "recoverEvaluationPeriods">;

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Problems with the subnets: at least `minAzs` distinct, non-empty AZ names. */
export function subnetProblems(subnets: { az: string }[] | undefined, minAzs: number): string[] {
    const list = subnets ?? [];
    const azs = list.map((s) => s.az);
    const problems: string[] = [];
    if (azs.some((az) => typeof az !== "string" || az.trim() === "")) {
        problems.push(`subnets: every entry needs an AZ name`);
    }
    const dupes = azs.filter((az, i) => azs.indexOf(az) !== i);
    if (dupes.length > 0) {
        problems.push(`subnets: one subnet per AZ; repeated: ${[...new Set(dupes)].join(", ")}`);
    }
    if (new Set(azs).size < minAzs) {
        problems.push(`subnets: need at least ${minAzs} AZs, got ${new Set(azs).size}`);
    }
    return problems;
}

/** Problems with the port, CIDRs, volume size and alarm periods shared by every pattern. */
export function commonProblems(args: CommonArgsShape): string[] {
    const problems: string[] = [];
    const port = args.servicePort;
    if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
        problems.push(`servicePort ${port}: must be an integer from 1 to 65535`);
    }
    // No SSH or RDP, ever: operators use Session Manager.
    if (port === 22 || port === 3389) {
        problems.push(`servicePort ${port}: SSH/RDP must not be exposed; use Session Manager`);
    }
    for (const cidr of args.allowedCidrs ?? []) {
        const m = CIDR.exec(cidr);
        if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
            problems.push(`allowedCidrs "${cidr}": not an IPv4 CIDR such as "203.0.113.0/24"`);
        }
    }
    const gb = args.dataVolumeGb;
    // gp3 sizes: https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html
    if (gb !== undefined && !(Number.isInteger(gb) && gb >= 1 && gb <= 16384)) {
        problems.push(`dataVolumeGb ${gb}: must be an integer from 1 to 16384 (gp3 limits)`);
    }
    const periods = args.recoverEvaluationPeriods;
    if (periods !== undefined && !(Number.isInteger(periods) && periods >= 1 && periods <= 60)) {
        problems.push(`recoverEvaluationPeriods ${periods}: must be an integer from 1 to 60`);
    }
    return problems;
}
