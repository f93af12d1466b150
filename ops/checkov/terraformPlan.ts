// A stack plan (ops/offline/planner.ts) as a Terraform plan in `terraform show -json` form, so
// that Checkov's own Terraform-plan runner can read the resource inputs of our stacks (run.py).
// @pulumi/aws and @pulumi/random are bridged from the Terraform providers, so each input is the
// Terraform argument under the bridge's naming (pulumi/pulumi-terraform-bridge, "Naming"):
// camelCase for snake_case, a plural for a repeated block or list, a block limited to one
// element flattened to an object, plus a few explicit renames (ops/diff/forceNew/manifest.ts).
// This file undoes that: snake_case names, a nested object as a block (a list of one object)
// unless the SDK types it as a map, a repeated block under its singular name. Which Terraform
// type a token is comes from the force-new manifest (tests/diff/forceNewTable.test.ts wants
// every planned type there), else from the module rule of terraformType.
//
// Format: https://developer.hashicorp.com/terraform/internals/json-format ("Plan Representation":
// planned_values.root_module.resources[] with address, mode, type, name, values; configuration
// with expressions[].references). Checkov reads `values` as the resource's attributes and the
// `references` of `configuration` as the graph's edges (checkov/terraform/plan_parser.py).
import * as path from "path";
import type { RecordedResource } from "../offline/engine";
import type { StackPlan } from "../offline/planner";
import { PROVIDERS, RESOURCES } from "../diff/forceNew/manifest";
import { Props, SdkTypings } from "../diff/forceNew/sdkInputs";

/**
 * Repeated blocks or list arguments whose Terraform name is already plural: the bridge keeps
 * the name (`blockDeviceMappings` is `block_device_mappings`, not `block_device_mapping`).
 * Every other list of objects under a plural name is a repeated block under its singular name
 * (`rules` → `rule`, `defaultActions` → `default_action`, ASG `tags` → `tag`).
 */
const PLURAL_IN_TERRAFORM = new Set([
    "block_device_mappings", "tag_specifications", "network_interfaces", "license_specifications",
    "elastic_gpu_specifications", "elastic_inference_accelerators",
]);

/** Lists of plain values whose Terraform name is singular (aws_autoscaling_group `vpc_zone_identifier`). */
const SINGULAR_LISTS: Readonly<Record<string, string>> = { vpcZoneIdentifiers: "vpc_zone_identifier" };

/**
 * Modules whose Terraform names are `aws_<module>_<resource>` (the bridge's default module
 * mapping in pulumi-aws provider/resources.go), for a type not in the force-new manifest yet:
 * `aws:ssm/parameter:Parameter` is `aws_ssm_parameter`. Other modules (ec2, rds, lb, ...) have
 * exceptions, so their types must come from the manifest.
 */
const PREFIXED_MODULES = new Set(["acm", "cloudfront", "cloudwatch", "iam", "kms", "lambda", "route53", "secretsmanager", "sns", "sqs", "ssm", "wafv2"]);

/** The Terraform type of `token`: the manifest's, else the module rule above; undefined when neither knows it. */
export function terraformType(token: string): { type: string; provider: "aws" | "random"; derived: boolean } | undefined {
    const spec = RESOURCES[token];
    if (spec) return { type: spec.terraform, provider: spec.provider, derived: false };
    const m = /^aws:(\w+)\/(\w+):\w+$/.exec(token);
    return m && PREFIXED_MODULES.has(m[1]) ? { type: `aws_${m[1]}_${snake(m[2])}`, provider: "aws", derived: true } : undefined;
}

/** camelCase → snake_case, as the bridge maps it back (`kmsKeyId` → `kms_key_id`, `enableHttp2` → `enable_http2`). */
export function snake(name: string): string {
    return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();
}

/** The singular of a Terraform block name the bridge pluralized (`policies` → `policy`, `rules` → `rule`). */
export function singular(name: string): string {
    if (name.endsWith("ies")) return `${name.slice(0, -3)}y`;
    if (/(ss|x|ch|sh)es$/.test(name)) return name.slice(0, -2);
    if (name.endsWith("s") && !name.endsWith("ss")) return name.slice(0, -1);
    return name;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The SDK's declared type of each input (or undefined: no typing known, then objects are blocks). */
type Typing = { props?: Props; sdk: SdkTypings };

function nestedTyping(t: Typing, key: string): Typing {
    const text = t.props?.get(key);
    return { sdk: t.sdk, props: text ? t.sdk.nestedOf(text) : undefined };
}

/**
 * Whether the SDK declares `key` as a map (`pulumi.Input<{` opening `[key: string]: ...`, where a
 * block is `inputs.<module>.<Type>`): kept as an object, not a block. Without typing, tags only.
 */
function isMap(t: Typing, key: string): boolean {
    const text = t.props?.get(key);
    return text !== undefined ? text.includes("{") && !text.includes("inputs.") : key === "tags" || key === "tagsAll";
}

/** One object's inputs as Terraform attributes and blocks. */
export function terraformValues(inputs: Record<string, unknown>, t: Typing, renames: Readonly<Record<string, string>> = {}): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(inputs)) {
        if (value === undefined) continue;
        let name = renames[key] ?? SINGULAR_LISTS[key] ?? snake(key);
        if (isMap(t, key)) {
            out[name] = value;
        } else if (isObject(value)) {
            out[name] = [terraformValues(value, nestedTyping(t, key))];
        } else if (Array.isArray(value) && value.some(isObject)) {
            if (!PLURAL_IN_TERRAFORM.has(name)) name = singular(name);
            out[name] = value.map((v) => (isObject(v) ? terraformValues(v, nestedTyping(t, key)) : v));
        } else {
            out[name] = value;
        }
    }
    return out;
}

/** Terraform's name for a resource: letters, digits, `_` and `-`, starting with a letter or `_`. */
function terraformName(name: string): string {
    const clean = name.replace(/[^A-Za-z0-9_-]/g, "_");
    return /^[A-Za-z_]/.test(clean) ? clean : `_${clean}`;
}

export interface TerraformPlanJson {
    format_version: string;
    /** Checkov reads a file as a plan only when it has this key; no Terraform ran, so it names the bridge. */
    terraform_version: string;
    planned_values: { root_module: { resources: TerraformResource[] } };
    configuration: { root_module: { resources: { address: string; mode: "managed"; type: string; name: string; expressions: Record<string, { references: string[] }> }[] } };
    resource_changes: never[];
    /** Not Terraform's: the Pulumi URN and type of each address, so findings can name our resources. */
    pilot_light: { stack: string; promote: boolean; resources: Record<string, { urn: string; type: string }>; unmapped: string[]; derived: string[] };
}

interface TerraformResource {
    address: string;
    mode: "managed";
    type: string;
    name: string;
    provider_name: string;
    values: Record<string, unknown>;
}

const SDK_DIRS: Record<string, string> = {
    aws: path.dirname(require.resolve("@pulumi/aws/package.json")),
    random: path.dirname(require.resolve("@pulumi/random/package.json")),
};

/**
 * The plan as Terraform would show it. Provider-backed resources of a type in the force-new
 * manifest become resources; components, providers and the engine's own types are left out,
 * and a provider type missing from the manifest is listed in `pilot_light.unmapped`.
 */
export function toTerraformPlan(plan: StackPlan): TerraformPlanJson {
    const sdks: Record<string, SdkTypings> = {};
    const addresses = new Map<string, string>();
    const used = new Set<string>();
    const unmapped = new Set<string>();
    const derived = new Set<string>();
    const kept: { r: RecordedResource; type: string; provider: "aws" | "random"; name: string; address: string }[] = [];
    for (const r of plan.resources) {
        if (!r.custom || r.type.startsWith("pulumi:")) continue;
        const tf = terraformType(r.type);
        if (!tf) {
            unmapped.add(r.type);
            continue;
        }
        if (tf.derived) derived.add(r.type);
        let name = terraformName(r.name);
        for (let i = 2; used.has(`${tf.type}.${name}`); i++) name = `${terraformName(r.name)}_${i}`;
        const address = `${tf.type}.${name}`;
        used.add(address);
        addresses.set(r.urn, address);
        kept.push({ r, type: tf.type, provider: tf.provider, name, address });
    }
    const resources: TerraformResource[] = [];
    const configuration: TerraformPlanJson["configuration"]["root_module"]["resources"] = [];
    const byAddress: TerraformPlanJson["pilot_light"]["resources"] = {};
    for (const { r, type, provider, name, address } of kept) {
        const sdk = (sdks[provider] ??= new SdkTypings(SDK_DIRS[provider]));
        const renames = Object.fromEntries(Object.entries(PROVIDERS[provider].renames[r.type] ?? {}).map(([tf, input]) => [input, tf]));
        const values = terraformValues(r.inputs, { sdk, props: sdk.args(r.type) }, renames);
        resources.push({ address, mode: "managed", type, name, provider_name: `registry.terraform.io/hashicorp/${provider}`, values });
        const expressions: Record<string, { references: string[] }> = {};
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
            const refs = urns.map((u) => addresses.get(u)).filter((a): a is string => a !== undefined);
            if (refs.length > 0) expressions[renames[key] ?? SINGULAR_LISTS[key] ?? snake(key)] = { references: refs.flatMap((a) => [`${a}.id`, a]) };
        }
        configuration.push({ address, mode: "managed", type, name, expressions });
        byAddress[address] = { urn: r.urn, type: r.type };
    }
    return {
        format_version: "1.2",
        terraform_version: "pulumi-terraform-bridge",
        planned_values: { root_module: { resources } },
        configuration: { root_module: { resources: configuration } },
        resource_changes: [],
        pilot_light: { stack: plan.stack, promote: plan.promote, resources: byAddress, unmapped: [...unmapped].sort(), derived: [...derived].sort() },
    };
}
