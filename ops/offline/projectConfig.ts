// Pulumi's own rules for the `config:` block of Pulumi.yaml and for a stack's values against it,
// ported so that the offline plan refuses what `pulumi preview`/`pulumi up` refuse, with the
// CLI's words. Sources (pulumi/pulumi at 1b5949891b3c, 2026-08-21):
// - pkg/workspace/config.go: mergeConfig (project defaults applied, then *missing* keys: a
//   project-namespaced key declared with no `default` or `value` that the stack does not set),
//   validateStackConfigValue (secret and type checks), formatMissingKeys; the CLI wraps the
//   error as "validating stack config: ..." (pkg/cmd/pulumi/operations/up.go, preview.go).
// - sdk/go/common/workspace/project.go: RewriteShorthandConfigValues, ValidateConfigValue,
//   InferFullTypeName, Project.Validate; project.json: the declaration schema (`type` is one of
//   string, integer, boolean, array, object; attributes type, items, description, secret,
//   default, value); loaders.go: "could not validate"/"could not unmarshal" wrapping.
// Pulumi stops at its first error; these validators collect every problem, each in Pulumi's
// words, so one run shows all of them.

/** A config value as Pulumi stores it: its text, whether it is a secret, whether it is an object or list (JSON text). */
export interface ConfigValue {
    text: string;
    secure: boolean;
    object: boolean;
}

/** The element type of an `array` declaration. */
export interface ConfigItemsType {
    type: string;
    items?: ConfigItemsType;
}

/** One declaration of Pulumi.yaml's `config:` block, after the shorthand rewrite. */
export interface ProjectConfigDecl {
    type?: string;
    items?: ConfigItemsType;
    description?: string;
    default?: unknown;
    value?: unknown;
    secret?: boolean;
}

/** project.json `simpleConfigType`. */
export const PULUMI_CONFIG_TYPES = ["string", "integer", "boolean", "array", "object"] as const;
const DECL_ATTRIBUTES = ["type", "items", "description", "secret", "default", "value"];

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Pulumi's namespace rule: a key without a colon, or with the project's prefix, is the project's. */
export function isProjectKey(projectName: string, key: string): boolean {
    return !key.includes(":") || key.startsWith(`${projectName}:`);
}

/** The fully qualified key: the project's namespace added when there is none (config.go parseConfigKey). */
export function qualifyKey(projectName: string, key: string): string {
    return key.includes(":") ? key : `${projectName}:${key}`;
}

/** Go's strconv.Atoi: an optional sign, decimal digits, within int64. */
function isGoInt(text: string): boolean {
    if (!/^[+-]?\d+$/.test(text)) return false;
    const n = BigInt(text);
    return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/** ValidateConfigValue: whether `value` (a string from a stack, or a decoded default) fits `type`. */
export function validateConfigValue(type: string, items: ConfigItemsType | undefined, value: unknown): boolean {
    switch (type) {
    case "string": return typeof value === "string";
    // YAML numbers are floats to Go; a whole one counts, and so does text that parses as an integer.
    case "integer": return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && isGoInt(value));
    case "boolean": return typeof value === "boolean" || value === "true" || value === "false";
    case "object": return isMap(value);
    default:
        return Array.isArray(value) && items !== undefined && value.every((x) => validateConfigValue(items.type, items.items, x));
    }
}

/** InferFullTypeName: `array<array<string>>` for nested items. */
export function inferFullTypeName(type: string, items: ConfigItemsType | undefined): string {
    return items !== undefined ? `array<${inferFullTypeName(items.type, items.items)}>` : type;
}

/** Problems of an `items` declaration, as the JSON schema reports them. */
function itemsProblems(path: string, items: unknown): string[] {
    if (!isMap(items)) return [`${path}: expected object, but got ${Array.isArray(items) ? "array" : typeof items}`];
    const problems = Object.keys(items).filter((a) => a !== "type" && a !== "items")
        .map((a) => `${path}: additionalProperties '${a}' not allowed`);
    if (!(PULUMI_CONFIG_TYPES as readonly string[]).includes(String(items.type))) {
        problems.push(`${path}/type: value must be one of ${PULUMI_CONFIG_TYPES.map((t) => JSON.stringify(t)).join(", ")}`);
    }
    if (items.type === "array") {
        problems.push(...(items.items === undefined ? [`${path}: missing properties: 'items'`] : itemsProblems(`${path}/items`, items.items)));
    }
    return problems;
}

/**
 * Reads Pulumi.yaml's `config:` block as the CLI does: shorthand values become a `default`
 * (project keys) or a `value` (other namespaces), each declaration is checked against the
 * project schema and Project.Validate. `file` names Pulumi.yaml in the messages.
 */
export function readProjectConfig(projectName: string, block: unknown, file: string): { decls: Record<string, ProjectConfigDecl>; problems: string[] } {
    const decls: Record<string, ProjectConfigDecl> = {};
    const schema: string[] = [];
    const invalid: string[] = [];
    if (block === undefined || block === null) return { decls, problems: [] };
    if (!isMap(block)) {
        return { decls, problems: [`could not validate '${file}': #/config: expected object, string or null, but got ${Array.isArray(block) ? "array" : typeof block}`] };
    }
    for (const key of Object.keys(block).sort()) {
        const raw = block[key];
        const path = `#/config/${key}`;
        if (!isMap(raw)) {
            decls[key] = isProjectKey(projectName, key) ? { default: raw } : { value: raw };
            continue;
        }
        for (const attr of Object.keys(raw).filter((a) => !DECL_ATTRIBUTES.includes(a))) {
            schema.push(`${path}: additionalProperties '${attr}' not allowed`);
        }
        if (raw.type !== undefined && !(PULUMI_CONFIG_TYPES as readonly string[]).includes(String(raw.type))) {
            schema.push(`${path}/type: value must be one of ${PULUMI_CONFIG_TYPES.map((t) => JSON.stringify(t)).join(", ")}`);
        }
        if (raw.items !== undefined) schema.push(...itemsProblems(`${path}/items`, raw.items));
        const decl = raw as ProjectConfigDecl;
        decls[key] = decl;
        if (decl.default !== undefined && decl.value !== undefined) {
            invalid.push(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
        }
        if (isProjectKey(projectName, key)) {
            if (decl.type === "array" && decl.items === undefined) {
                invalid.push(`The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
            } else if (decl.type !== undefined && decl.default !== undefined && !validateConfigValue(decl.type, decl.items, decl.default)) {
                invalid.push(`The default value specified for configuration key '${key}' is not of the expected type '${inferFullTypeName(decl.type, decl.items)}'`);
            }
        } else if (decl.type !== undefined) {
            invalid.push(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
        } else if (decl.default !== undefined) {
            invalid.push(`Configuration key '${key}' is not namespaced by the project and should not define a default value. `
                + "Did you mean to use the 'value' attribute instead of 'default'?");
        } else if (decl.value === undefined) {
            invalid.push(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
        }
    }
    return {
        decls,
        problems: [...schema.map((p) => `could not validate '${file}': ${p}`), ...invalid.map((p) => `could not unmarshal '${file}': ${p}`)],
    };
}

/** JSON with object keys sorted, as Go's encoding/json writes maps; big integers keep every digit. */
export function goJson(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(goJson).join(",")}]`;
    if (isMap(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${goJson(v[k])}`).join(",")}}`;
    return typeof v === "bigint" ? v.toString() : JSON.stringify(v);
}

/** createConfigValue: strings, whole numbers and booleans as text; anything else as a JSON object value. */
export function configValueOf(raw: unknown): ConfigValue {
    if (typeof raw === "string" || typeof raw === "boolean" || (typeof raw === "number" && Number.isInteger(raw))) {
        return { text: String(raw), secure: false, object: false };
    }
    return { text: goJson(raw), secure: false, object: true };
}

/** formatMissingKeys: 'a'; 'a' and 'b'; 'a', 'b' and 'c' (sorted). */
function formatMissingKeys(keys: string[]): string {
    const quoted = [...keys].sort().map((k) => `'${k}'`);
    return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/** The result of applying the project's config to a stack's. */
export interface MergedConfig {
    /** The stack's values with the project's defaults and values under them. */
    config: Record<string, ConfigValue>;
    /** Missing keys, in Pulumi's words; empty when none. */
    missing: string[];
    /** Pulumi's problems: the missing keys (one line), then secret and type errors, in key order. */
    problems: string[];
}

/**
 * mergeConfig with validation (ValidateStackConfigAndApplyProjectConfig). Pure. Secure values
 * cannot be decrypted offline, so their type is not checked.
 */
export function mergeProjectConfig(stackName: string, projectName: string, decls: Record<string, ProjectConfigDecl>,
    stackConfig: Record<string, ConfigValue>): MergedConfig {
    const config = { ...stackConfig };
    const missing: string[] = [];
    const keys = Object.keys(decls).sort();
    for (const declKey of keys) {
        const decl = decls[declKey];
        const key = qualifyKey(projectName, declKey);
        if (key in config) continue;
        if (decl.default === undefined && decl.value === undefined) {
            if (key.startsWith(`${projectName}:`)) missing.push(declKey);
            continue;
        }
        config[key] = configValueOf(decl.default ?? decl.value);
    }
    const problems: string[] = [];
    if (missing.length > 0) {
        problems.push(`Stack '${stackName}' is missing configuration value${missing.length > 1 ? "s" : ""} ${formatMissingKeys(missing)}`);
    }
    for (const declKey of keys) {
        const decl = decls[declKey];
        if (decl.type === undefined || missing.includes(declKey)) continue;
        const value = config[qualifyKey(projectName, declKey)] ?? { text: "", secure: false, object: false };
        if (decl.secret === true && !value.secure) {
            problems.push(`Stack '${stackName}' with configuration key '${declKey}' must be encrypted as it's secret`);
            continue;
        }
        if (value.secure) continue;
        const content = value.object ? JSON.parse(value.text) : value.text;
        if (!validateConfigValue(decl.type, decl.items, content)) {
            problems.push(`Stack '${stackName}' with configuration key '${declKey}' must be of type '${inferFullTypeName(decl.type, decl.items)}'`);
        }
    }
    return { config, missing, problems };
}
