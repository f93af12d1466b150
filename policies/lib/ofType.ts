// @pulumi/policy's validateResourceOfType for a type token instead of a provider class, so the pack
// need not import @pulumi/aws: the CLI starts the pack with ts-node type checking on
// (@pulumi/pulumi cmd/run-policy-pack/run.js), and @pulumi/aws's declarations made that start
// slow (policies/README.md gives the numbers).
import { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";

/**
 * The same semantics as @pulumi/policy 1.21.0 policy.js `validateResourceOfType` with a class whose
 * `__pulumiType` is `token`:
 * - it applies when the resource's type is `token`: server.js `isTypeOf(type, cls)` is
 *   `type === getPulumiType(cls)`, and `args.type` is that same `type`;
 * - otherwise it calls `args.notApplicable` with `notApplicableType`'s message;
 * - the returned function carries `__pulumiType`, which server.js reads to skip a policy with a
 *   single validation for other types without calling it.
 * `props` are what the engine sends: plain resolved input values (`Props` names the fields read).
 */
export function validateResourceOfToken<Props>(token: string,
    validate: (props: Props, args: ResourceValidationArgs, reportViolation: ReportViolation) => Promise<void> | void): ResourceValidation {
    const fn: ResourceValidation & { __pulumiType?: string } = (args, reportViolation) => {
        if (args.type === token) {
            return validate(args.props as Props, args, reportViolation);
        }
        return args.notApplicable(`Policy only applies to resources of type '${token}'`);
    };
    fn.__pulumiType = token;
    return fn;
}
