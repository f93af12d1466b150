// Pulumi's own rules that the mock runtime does not apply, ported from the engine so the
// offline plan refuses what `pulumi up` refuses, with the engine's words. Source:
// pulumi/pulumi at pkg/v3.248.0 (the SDK version this project pins); each rule names the file
// and the engine test its conformance cases come from (tests/offline/pulumiRules.test.ts).
// Not ported: aliases (both sides of an offline diff come from the same program and SDK, so
// they agree on every URN; a resource renamed between the two would show as a delete and a
// create where Pulumi would follow an alias), delete-before-replace chains, --target rules.

/**
 * The engine's builtin resource that saves a value in state: created with output = input, updated
 * keeping its output (pkg/resource/deploy/builtins.go).
 */
export const STASH_TYPE = "pulumi:index:Stash";

/** A registration the engine rejects; the message is the engine's. */
export class RegistrationError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "RegistrationError";
    }
}

/**
 * A custom (or remote component) resource needs a three-part type token `pkg:module:Type`;
 * a component may use any type. sdk/go/common/tokens/tokens.go `ParseTypeToken` (at least two
 * `:` delimiters), called from pkg/resource/deploy/source_eval.go `RegisterResource`, which
 * answers with gRPC InvalidArgument. Test: pkg/engine/lifecycletest/pulumi_test.go
 * TestBadResourceType.
 */
export function typeTokenProblem(type: string, custom: boolean, remote: boolean): string | undefined {
    if (!custom && !remote) return undefined;
    return (type.match(/:/g) ?? []).length > 1 ? undefined
        : `Type '${type}' is not a valid type token (must have format '*:*:*')`;
}

/**
 * A URN may be registered once per deployment. pkg/resource/deploy/step_generator.go
 * `generateURN` with sdk/go/common/diag/errors.go `GetDuplicateResourceURNError` (diag 2001).
 * Test: pkg/engine/lifecycletest/step_generator_test.go TestDuplicateURN.
 */
export function duplicateUrnProblem(urn: string, seen: { has(urn: string): boolean }): string | undefined {
    return seen.has(urn) ? `Duplicate resource URN '${urn}'; try giving it a unique name` : undefined;
}

/**
 * The URN the engine gives a resource: `urn:pulumi:<stack>::<project>::<type>::<name>`, where
 * the type is prefixed with the parent's whole qualified type and `$`, unless the parent is the
 * stack. pkg/resource/deploy/deployment.go `generateURN`, sdk/go/common/resource/urn/urn.go
 * `New`. Test: pkg/engine/lifecycletest/alias_test.go TestSplitUpdateComponentAliases
 * (`pkgA:m:typA$pkgA:m:typB$pkgA:m:typC::resC`). The SDK's MockMonitor differs: it always
 * prefixes, the stack too, and with only the last type of the parent's.
 */
export function engineUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
    const parentType = parentUrn ? parentUrn.split("::")[2] : undefined;
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

// A resource name may contain `::`: the URN's name is everything after its third `::`
// (sdk/go/common/resource/urn/urn.go `Name`; urn_test.go registers
// "a-swell-resource::with_awkward$names"). The engine does not refuse it, so neither do we.

/**
 * `protect` and `retainOnDelete` a child does not set are inherited from its parent
 * (pkg/resource/deploy/source_eval.go `inheritFromParent`; for protect the Node.js SDK also
 * does it, resource.ts). Test: pkg/engine/lifecycletest/protect_test.go TestProtectInheritance.
 */
export function inheritedOption(own: boolean | undefined, parent: boolean | undefined): boolean {
    return own ?? parent ?? false;
}

/**
 * Deleting a resource that is protected in the state fails, in preview and in `pulumi up`.
 * pkg/resource/deploy/step.go `deleteProtectedError`. Test: protect_test.go
 * TestMultipleProtectedDeletes (one error per protected resource, all reported).
 */
export function protectedDeleteError(urn: string): string {
    return `resource "${urn}" cannot be deleted\n`
        + "because it is protected. To unprotect the resource, either remove the `protect` flag from the resource in your Pulumi "
        + "program and run `pulumi up`, or use the command:\n"
        + `\`pulumi state unprotect '${urn}'\``;
}

/**
 * Replacing a resource that is protected both in the state and in the program fails (a
 * replace deletes the old one). Unprotecting it in the program and replacing it in the same
 * update is allowed. pkg/resource/deploy/step_generator.go (`if new.Protect && old.Protect`).
 * Test: pkg/engine/lifecycletest/pulumi_test.go TestProtect.
 */
export function protectedReplaceError(urn: string): string {
    return `unable to replace resource "${urn}"\n`
        + "as it is currently marked for protection. To unprotect the resource, remove the `protect` flag from the resource in "
        + "your Pulumi program and run `pulumi up`";
}

/** What the engine does to the cloud resource when it deletes or replaces one (step.go `DeleteStep.Apply`). */
export function deleteEffect(retainOnDelete: boolean): "deleted" | "retained" {
    // retainOnDelete: removed from the state, left in the cloud, also for the old resource of a
    // replace. Test: pkg/engine/lifecycletest/retain_on_delete_test.go TestRetainOnDelete.
    return retainOnDelete ? "retained" : "deleted";
}
