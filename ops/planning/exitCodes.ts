// The plan command's exit codes. When several apply, ./command.ts returns the first of 4, 7, 8,
// 3, 5, 6: data loss first, then what blocks or endangers the deploy (`pulumi up` refusing it, a
// failover that depends on a failed region's control plane, a mandatory policy), then the
// estimates. Documented the same way in the usage text (./args.ts), ops/plan.ts and the README.
export const PLAN_EXIT = Object.freeze({
    ok: 0,
    /** The program (or the planner) failed. */
    programFailed: 1,
    /** Bad configuration, project or stack file, policy config, or usage. */
    badInput: 2,
    /** A mandatory policy violation: the real engine would block the deployment. */
    mandatoryPolicy: 3,
    /** A change that would replace or delete data (the data-safety rule, ops/diff/diff.ts). */
    dataLoss: 4,
    /** With --strict: an RTO/RPO estimate misses its target. */
    rtoRpoMiss: 5,
    /** With --strict: a planned item the cost estimate has no price for. */
    unpriced: 6,
    /** A change `pulumi up` itself would refuse (ops/diff/refusals.ts). */
    refused: 7,
    /** --promote: the promotion needs a control plane outside the stack's region (ops/diff/staticStability.ts). */
    notStaticallyStable: 8,
});
