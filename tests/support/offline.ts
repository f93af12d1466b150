// Test support: points the Pulumi runtime at the offline engine's recording mocks, so a test
// can construct components and then assert the exact resources they registered.
import { strict as assert } from "assert";
import { specialAssetSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { RecordedResource, startOffline } from "../../ops/offline/engine";

/** A recording of the resources registered since `recordResources` was called. */
export interface Recording {
    /** Every registration so far, in order. */
    readonly records: RecordedResource[];
    /** Waits until every pending registration has completed. */
    settle(): Promise<void>;
    /** Registrations of one type token, e.g. `aws:ec2/subnet:Subnet`. */
    ofType(type: string): RecordedResource[];
    /** The one registration with this type and logical name; throws if there is not exactly one. */
    one(type: string, name?: string): RecordedResource;
    /** The type tokens of the children of the resource with this URN, sorted. */
    childTypes(parentUrn: string): string[];
}

/**
 * Starts a fresh offline runtime for a test. Call it in `before`, then import the code under
 * test, as Pulumi's own testing guide does.
 */
export async function recordResources(region = "us-east-1", config: Record<string, string> = {},
    stackOutputs: Record<string, Record<string, any>> = {}): Promise<Recording> {
    const { records, settle } = await startOffline({ project: "pilot-light", stack: "test", region, config, stackOutputs });
    return {
        records,
        settle,
        ofType: (type) => records.filter((r) => r.type === type),
        one(type, name) {
            const found = records.filter((r) => r.type === type && (name === undefined || r.name === name));
            if (found.length !== 1) {
                throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: `
                    + found.map((r) => r.name).join(", "));
            }
            return found[0];
        },
        childTypes: (parentUrn) => records.filter((r) => r.parent === parentUrn).map((r) => r.type).sort(),
    };
}

/**
 * The code of a function made by scopedFunction (components/ha/common.ts): its archive's one file,
 * `index.js`, a StringAsset of the bundle. Fails otherwise.
 */
export function bundledCode(fn: RecordedResource): string {
    const assets = fn.inputs.code?.assets;
    assert.deepEqual(Object.keys(assets ?? {}), ["index.js"], `${fn.name}: one file in the archive`);
    assert.equal(assets["index.js"][specialSigKey], specialAssetSig, `${fn.name}: index.js is an asset`);
    assert.equal(typeof assets["index.js"].text, "string", `${fn.name}: a StringAsset`);
    return assets["index.js"].text;
}
