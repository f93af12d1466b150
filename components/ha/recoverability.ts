// Pure validation for the HA patterns: which instances EC2 can recover, and the shape of the
// arguments every pattern shares. No Pulumi resources here, so it is unit-tested without mocks.
//
// Recoverable families: the instance types AWS lists for simplified automatic recovery, which
// CloudWatch action based recovery (the `arn:aws:automate:<region>:ec2:recover` alarm action)
// also supports, minus metal sizes and instance-store families, which the recover action does
// not support:
//   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-configuration-recovery.html
//   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html
// The authoritative, always-current answer for an account is
//   aws ec2 describe-instance-types --filters Name=auto-recovery-supported,Values=true
// The previous-generation C3/M3/R3/X1/X1e are left out on purpose: AWS supports them only when
// no instance store volume is mapped, which an AMI's own block device mapping can undo.

/** EBS-only instance families that EC2 can recover with the CloudWatch recover action. */
export const RECOVERABLE_FAMILIES: readonly string[] = Object.freeze([
    // General purpose
    "a1", "m4", "m5", "m5a", "m5n", "m5zn", "m6a", "m6g", "m6i", "m6in", "m7a", "m7g", "m7i", "m7i-flex",
    "t2", "t3", "t3a", "t4g",
    // Compute optimized
    "c4", "c5", "c5a", "c5n", "c6a", "c6g", "c6gn", "c6i", "c6in", "c7a", "c7g", "c7gn", "c7i", "c7i-flex", "hpc6a",
    // Memory optimized
    "r4", "r5", "r5a", "r5b", "r5n", "r6a", "r6g", "r6i", "r6in", "r7a", "r7g", "r7i", "r7iz",
    // Accelerated computing
    "g3", "g5g", "inf1", "p2", "p3", "vt1",
]);

/** Tenancies the recover action supports; `host` (Dedicated Hosts) uses host auto recovery instead. */
export const RECOVERABLE_TENANCIES: readonly string[] = Object.freeze(["default", "dedicated"]);

const INSTANCE_TYPE = /^([a-z][a-z0-9-]*)\.([a-z0-9-]+)$/;

/**
 * Problems with an instance type and tenancy for EC2 automatic recovery: recoverable family,
 * EBS only (no `d` variants such as `m5d`, no storage-optimized `i`/`d`/`h` families), no metal
 * size, `default` or `dedicated` tenancy. Empty when recoverable.
 */
export function recoverabilityProblems(instanceType: string, tenancy: string): string[] {
    const problems: string[] = [];
    const match = INSTANCE_TYPE.exec(instanceType ?? "");
    if (!match) {
        problems.push(`instanceType "${instanceType}": expected <family>.<size>, e.g. "t3.small"`);
    } else {
        const [, family, size] = match;
        if (size.startsWith("metal")) {
            problems.push(`instanceType "${instanceType}": metal sizes cannot be recovered by EC2; use a virtualized size such as "${family}.large"`);
        } else if (/^[a-z]+\d+[a-z-]*d[a-z-]*$/.test(family) && !RECOVERABLE_FAMILIES.includes(family)
            || /^(i|d|h)\d/.test(family)) {
            problems.push(`instanceType "${instanceType}": family "${family}" has instance store volumes; EC2 recovery needs EBS-only instances (e.g. ${suggest(family)})`);
        } else if (!RECOVERABLE_FAMILIES.includes(family)) {
            problems.push(`instanceType "${instanceType}": family "${family}" is not recoverable; allowed families: ${RECOVERABLE_FAMILIES.join(", ")}`);
        }
    }
    if (!RECOVERABLE_TENANCIES.includes(tenancy)) {
        problems.push(`tenancy "${tenancy}": must be "default" or "dedicated" for EC2 recovery (Dedicated Hosts use host recovery instead)`);
    }
    return problems;
}

/** An EBS-only family to suggest instead of an instance-store one: `m5d` → `m5`, else `t3`. */
function suggest(family: string): string {
    const ebsOnly = family.replace(/d(?=[a-z-]*$)/, "");
    return RECOVERABLE_FAMILIES.includes(ebsOnly) && ebsOnly !== family ? `"${ebsOnly}"` : `"t3", "m6i"`;
}

/** The arguments every pattern shares, as the validators see them. */
export interface CommonArgsShape {
    subnets?: { az: string; subnetId: unknown }[];
    servicePort?: number;
    allowedCidrs?: string[];
    dataVolumeGb?: number;
    recoverEvaluationPeriods?: number;
}

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

/** Throws one error listing every problem, naming the component and its name. */
export function assertValid(component: string, name: string, problems: string[]): void {
    if (problems.length > 0) {
        throw new Error(`${component} "${name}": invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
}
