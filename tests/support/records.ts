// Synthetic recorded resources for the diff's unit tests: the fields the engine records, with
// an URN built the way Pulumi builds one for a resource at the root of stack `s`, project `p`.
import { RecordedResource } from "../../ops/offline/engine";

export function record(type: string, name: string, inputs: Record<string, any>, extra: Partial<RecordedResource> = {}): RecordedResource {
    return {
        urn: `urn:pulumi:s::p::${type}::${name}`, type, name, custom: true, parent: undefined, id: name, inputs,
        secretInputs: [], outputs: {}, dependencies: [], propertyDependencies: {}, protect: false, retainOnDelete: false,
        deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [], provider: undefined, ...extra,
    } as unknown as RecordedResource;
}

/** The URN `record` gives. */
export const urnOf = (type: string, name: string) => `urn:pulumi:s::p::${type}::${name}`;
