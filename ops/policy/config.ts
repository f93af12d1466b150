// The CLI's policy pack config (`pulumi preview --policy-pack-config <file>`), handled the way
// the Pulumi CLI handles it before the pack sees it, ported from pulumi/pulumi v3.248.0
// pkg/resource/analyzer/config.go (facts, not code):
// - parsePolicyPackConfig: an empty file is no config; each value is an enforcement level or an
//   object whose `enforcementLevel` (if any) must be a valid level; anything else is an error.
//   The key "environments" names ESC environments.
// - ReconcilePolicyPackConfig: every policy starts at its own level with its schema's defaults;
//   "all" then sets every policy's level; a policy's own entry wins, and its properties are
//   merged over the defaults.
// - validatePolicyPackConfig: each policy's reconciled properties are checked against its
//   configSchema as a JSON Schema object (`enforcementLevel` injected as an enum), so a required
//   property with a default is satisfied.
// Deliberately stricter than the CLI (it accepts these and the pack never reads them): a key
// that names no policy, and a property a policy's schema does not declare. Both are refused as
// likely typos, and the message says the CLI would have ignored them.
import * as fs from "fs";
import { EnforcementLevel, Policies } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { allPolicies } from "../../policies/all";

/** Every enforcement level the CLI accepts (apitype.EnforcementLevel.IsValid). */
export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** The JSON Schema keywords this check implements; a schema using any other is refused, never half-checked. */
export const SUPPORTED_SCHEMA_KEYWORDS: readonly string[] = ["type", "items", "minimum", "maximum", "pattern", "enum", "default", "description"];

/** What the CLI knows about a policy (from GetAnalyzerInfo): its name, level and config schema. */
export interface PolicyInfo {
    name: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: { properties?: Record<string, PolicyConfigJSONSchema>; required?: string[] };
}

/** One policy's entry in the reconciled config: what the CLI sends the pack in Configure. */
export interface PolicyConfigEntry {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, any>;
}

/** One policy's effective settings: its enforcement level and config (schema defaults + user values). */
export interface ResolvedPolicyConfig {
    level: EnforcementLevel;
    config: Record<string, any>;
}

/** The CLI's view of a pack's policies: a policy without a level takes the pack's (advisory by default). */
export function policyInfos(policies: Policies, packLevel: EnforcementLevel = "advisory"): PolicyInfo[] {
    return policies.map((p) => ({ name: p.name, enforcementLevel: p.enforcementLevel ?? packLevel, configSchema: p.configSchema }));
}

function isLevel(v: unknown): v is EnforcementLevel {
    return typeof v === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(v);
}

function levelList(): string {
    return `${ENFORCEMENT_LEVELS.slice(0, -1).join(", ")} or ${ENFORCEMENT_LEVELS[ENFORCEMENT_LEVELS.length - 1]}`;
}

function isObject(v: unknown): v is Record<string, any> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Why `value` does not fit `schema`, or undefined when it does (the keywords of SUPPORTED_SCHEMA_KEYWORDS). */
function schemaProblem(value: unknown, schema: PolicyConfigJSONSchema): string | undefined {
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    const fits = (t: string): boolean => {
        switch (t) {
            case "integer": return Number.isInteger(value);
            case "number": return typeof value === "number" && Number.isFinite(value);
            case "array": return Array.isArray(value);
            case "object": return isObject(value);
            case "null": return value === null;
            default: return typeof value === t;
        }
    };
    if (types.length > 0 && !types.some(fits)) {
        return `must be ${types.map((t) => (t === "array" || t === "integer" ? `an ${t}` : `a ${t}`)).join(" or ")}`;
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) return `must be at least ${schema.minimum}`;
        if (schema.maximum !== undefined && value > schema.maximum) return `must be at most ${schema.maximum}`;
    }
    // JSON Schema patterns are ECMA-262 regular expressions, not anchored unless they say so.
    if (typeof value === "string" && schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
        return `must match ${schema.pattern}`;
    }
    if (Array.isArray(value) && isObject(schema.items)) {
        const bad = value.findIndex((item) => schemaProblem(item, schema.items as PolicyConfigJSONSchema) !== undefined);
        if (bad >= 0) {
            return `item ${bad} ${schemaProblem(value[bad], schema.items as PolicyConfigJSONSchema)}`;
        }
    }
    if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        return `must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`;
    }
    return undefined;
}

/** Keywords of a schema (and its `items`) this check does not implement. */
function unsupportedKeywords(schema: PolicyConfigJSONSchema): string[] {
    const own = Object.keys(schema).filter((k) => !SUPPORTED_SCHEMA_KEYWORDS.includes(k));
    return isObject(schema.items) ? [...own, ...unsupportedKeywords(schema.items as PolicyConfigJSONSchema)] : own;
}

/** A parsed config file: per key, the level and properties it sets (the CLI's AnalyzerPolicyConfig). */
export type ParsedPolicyConfig = Record<string, { enforcementLevel?: EnforcementLevel; properties?: Record<string, any> }>;

/**
 * Checks a config file's content against the pack; returns it parsed (CLI form) or throws one
 * error listing every problem, each line naming the source, the policy and the bad value.
 */
export function parsePolicyConfig(config: unknown, source: string, policies: Policies = allPolicies): ParsedPolicyConfig {
    if (!isObject(config)) {
        throw new Error(`${source}: the policy pack config must be a JSON object, got ${JSON.stringify(config)}`);
    }
    const infos = policyInfos(policies);
    const byName = new Map(infos.map((p) => [p.name, p]));
    const problems: string[] = [];
    const parsed: ParsedPolicyConfig = {};
    for (const [key, value] of Object.entries(config)) {
        const policy = byName.get(key);
        const where = key === "all" ? `${source}: "all"` : `${source}: policy "${key}"`;
        if (key === "environments") {
            problems.push(`${source}: "environments" names Pulumi ESC environments, which only the Pulumi CLI logged in to `
                + "Pulumi Cloud can resolve; the offline check cannot, so it refuses them");
            continue;
        }
        if (key !== "all" && !policy) {
            problems.push(`${source}: unknown policy "${key}" (the Pulumi CLI would pass it on and the pack would ignore it; `
                + "the offline check is stricter and refuses it as a likely typo)");
            continue;
        }
        if (typeof value === "string") {
            if (!isLevel(value)) {
                problems.push(`${where}: unknown enforcement level "${value}" (expected ${levelList()})`);
            } else {
                parsed[key] = { enforcementLevel: value };
            }
            continue;
        }
        if (!isObject(value)) {
            problems.push(`${where}: expected an enforcement level or an object, got ${JSON.stringify(value)}`);
            continue;
        }
        const { enforcementLevel, ...properties } = value;
        if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
            problems.push(`${where}: unknown enforcement level ${JSON.stringify(enforcementLevel)} (expected ${levelList()})`);
        }
        for (const prop of Object.keys(properties)) {
            if (!policy?.configSchema?.properties?.[prop]) {
                problems.push(`${where}: unknown property "${prop}" (the Pulumi CLI would pass it on and the policy would ignore it; `
                    + "the offline check is stricter and refuses it as a likely typo)");
            }
        }
        if (enforcementLevel !== undefined || Object.keys(properties).length > 0) {
            parsed[key] = {
                ...(isLevel(enforcementLevel) ? { enforcementLevel } : {}),
                ...(Object.keys(properties).length > 0 ? { properties } : {}),
            };
        }
    }
    if (problems.length === 0) {
        problems.push(...reconciledProblems(infos, reconcilePolicyConfig(infos, {}, parsed), source));
    }
    if (problems.length > 0) {
        throw new Error(problems.join("\n"));
    }
    return parsed;
}

/** Each policy's reconciled properties checked against its schema, as the CLI does before Configure. */
function reconciledProblems(infos: PolicyInfo[], reconciled: Record<string, PolicyConfigEntry>, source: string): string[] {
    const problems: string[] = [];
    for (const info of infos) {
        const where = `${source}: policy "${info.name}"`;
        const props = reconciled[info.name]?.properties ?? {};
        for (const [prop, schema] of Object.entries(info.configSchema?.properties ?? {})) {
            const unsupported = unsupportedKeywords(schema);
            if (unsupported.length > 0) {
                problems.push(`${where}: the schema of "${prop}" uses ${unsupported.join(", ")}, which the offline check does not implement`);
            } else if (prop in props) {
                const problem = schemaProblem(props[prop], schema);
                if (problem) {
                    problems.push(`${where}: "${prop}" ${problem}, got ${JSON.stringify(props[prop])}`);
                }
            }
        }
        for (const required of info.configSchema?.required ?? []) {
            if (!(required in props)) {
                problems.push(`${where}: "${required}" is required`);
            }
        }
    }
    return problems;
}

/**
 * The config the CLI sends the pack (ReconcilePolicyPackConfig): every policy at its own level
 * with its schema defaults, then the pack's initial config, then the user's, each applying
 * "all" first and a policy's own entry last. Keys naming no policy ("all" included) are kept,
 * as the CLI keeps them.
 */
export function reconcilePolicyConfig(infos: PolicyInfo[], initial: ParsedPolicyConfig, user: ParsedPolicyConfig): Record<string, PolicyConfigEntry> {
    const result: Record<string, PolicyConfigEntry> = {};
    for (const info of infos) {
        const properties: Record<string, any> = {};
        for (const [prop, schema] of Object.entries(info.configSchema?.properties ?? {})) {
            if (schema.default !== undefined) {
                properties[prop] = structuredClone(schema.default);
            }
        }
        result[info.name] = { enforcementLevel: info.enforcementLevel, properties };
    }
    for (const layer of [initial, user]) {
        const all = layer.all?.enforcementLevel;
        if (all) {
            for (const entry of Object.values(result)) {
                entry.enforcementLevel = all;
            }
        }
        for (const [key, given] of Object.entries(layer)) {
            const entry = result[key] ?? { enforcementLevel: given.enforcementLevel ?? ("" as EnforcementLevel), properties: {} };
            result[key] = {
                enforcementLevel: given.enforcementLevel ?? entry.enforcementLevel,
                properties: { ...entry.properties, ...(given.properties ?? {}) },
            };
        }
    }
    return result;
}

/**
 * Reads and checks a `--policy-pack-config` JSON file; returns its JSON (an empty file is no
 * config, as for the CLI).
 */
export function loadPolicyConfig(file: string, policies: Policies = allPolicies): Record<string, any> {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e: any) {
        throw new Error(`${file}: cannot read the policy pack config: ${e.message}`);
    }
    if (text.trim() === "") {
        return {};
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e: any) {
        throw new Error(`${file}: not valid JSON: ${e.message}`);
    }
    parsePolicyConfig(parsed, file, policies);
    return parsed as Record<string, any>;
}
