// What `pulumi preview` holds for a resource it has not created yet: the engine's dry run hands
// the program no ID and leaves every attribute only the provider computes on create unknown, so
// everything derived from it is unknown too. The offline engine (./engine.ts) applies this to the
// mock provider's answers when it runs a stack as a preview.
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { PHYSICAL_NAME_INPUTS } from "./fakes";
import { STASH_TYPE } from "./pulumiRules";

/**
 * A preview, as `pulumi preview` runs the program: resources that do not exist yet (planned
 * creates) get no ID and their provider-computed outputs are unknown, so everything derived
 * from them is unknown too. Existing resources keep their known outputs.
 */
export interface PreviewOptions {
    /** URNs of the resources the stack already holds; every other resource is a planned create. */
    existing: ReadonlySet<string>;
}

/** Attributes a provider knows while planning a create: the per-resource region (filled from its configuration) and the auto-names Check assigns. */
const KNOWN_WHILE_PLANNING = new Set(["region", ...PHYSICAL_NAME_INPUTS]);

/** True for a resource a preview plans to create: a custom resource, not a provider, that the stack does not hold yet. */
export function isPlannedCreate(preview: PreviewOptions | undefined, r: { urn: string; type: string; custom: boolean }): boolean {
    return preview !== undefined && r.custom && !r.type.startsWith("pulumi:providers:") && !preview.existing.has(r.urn);
}

/**
 * What a preview holds for a planned create (the provider's planned state): its inputs as sent,
 * and every attribute only the provider computes on create as unknown. The engine's Stash is
 * the exception: its builtin provider answers a preview Create with output = input, known
 * (pulumi/pulumi pkg/resource/deploy/builtins.go, Create, v3.248.0).
 */
export function plannedCreateState(type: string, inputs: Record<string, any>, computed: Record<string, any>): Record<string, any> {
    if (type === STASH_TYPE) return computed;
    const state: Record<string, any> = { ...inputs };
    for (const k of Object.keys(computed)) {
        if (!(k in state)) {
            state[k] = KNOWN_WHILE_PLANNING.has(k) ? computed[k] : unknownValue;
        }
    }
    return state;
}
