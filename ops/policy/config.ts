// The CLI's policy pack config (`pulumi preview --policy-pack-config <file>`), read and checked
// the way the CLI does before the pack sees it: each key is "all" or a policy name, each value an
// enforcement level or an object of `enforcementLevel` plus the policy's configSchema properties.
import * as fs from "fs";
import { EnforcementLevel, Policies, Policy } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { allPolicies } from "../../policies/all";

/** Every enforcement level the CLI accepts. */
export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** One policy's effective settings: its enforcement level and config (schema defaults + user values). */
export interface ResolvedPolicyConfig {
    level: EnforcementLevel;
    config: Record<string, any>;
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

/** Why `value` does not fit `schema`, or undefined when it does (the subset of JSON Schema the pack uses). */
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

/**
 * Checks a parsed pack config against the policies; throws one error listing every problem,
 * each line naming the source, the policy and the bad value.
 */
export function validatePolicyConfig(config: unknown, source: string, policies: Policies = allPolicies): Record<string, any> {
    if (!isObject(config)) {
        throw new Error(`${source}: the policy pack config must be a JSON object, got ${JSON.stringify(config)}`);
    }
    const byName = new Map<string, Policy>(policies.map((p) => [p.name, p]));
    const problems: string[] = [];
    for (const [key, value] of Object.entries(config)) {
        const policy = byName.get(key);
        const where = key === "all" ? `${source}: "all"` : `${source}: policy "${key}"`;
        if (key !== "all" && !policy) {
            problems.push(`${source}: unknown policy "${key}"`);
            continue;
        }
        if (typeof value === "string") {
            if (!isLevel(value)) {
                problems.push(`${where}: unknown enforcement level "${value}" (expected ${levelList()})`);
            }
            continue;
        }
        if (!isObject(value)) {
            problems.push(`${where}: expected an enforcement level or an object, got ${JSON.stringify(value)}`);
            continue;
        }
        for (const [prop, v] of Object.entries(value)) {
            if (prop === "enforcementLevel") {
                if (!isLevel(v)) {
                    problems.push(`${where}: unknown enforcement level ${JSON.stringify(v)} (expected ${levelList()})`);
                }
                continue;
            }
            const schema = policy?.configSchema?.properties?.[prop];
            if (!schema) {
                problems.push(`${where}: unknown property "${prop}"`);
                continue;
            }
            const problem = schemaProblem(v, schema);
            if (problem) {
                problems.push(`${where}: "${prop}" ${problem}, got ${JSON.stringify(v)}`);
            }
        }
        for (const required of policy?.configSchema?.required ?? []) {
            if (!(required in value)) {
                problems.push(`${where}: "${required}" is required`);
            }
        }
    }
    if (problems.length > 0) {
        throw new Error(problems.join("\n"));
    }
    return config;
}

/** Reads and validates a `--policy-pack-config` JSON file. */
export function loadPolicyConfig(file: string, policies: Policies = allPolicies): Record<string, any> {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e: any) {
        throw new Error(`${file}: cannot read the policy pack config: ${e.message}`);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e: any) {
        throw new Error(`${file}: not valid JSON: ${e.message}`);
    }
    return validatePolicyConfig(parsed, file, policies);
}

/**
 * A policy's effective level and config: a per-policy level beats "all", which beats the
 * policy's own level (the pack default is advisory); config is the schema defaults overlaid
 * with the user's values.
 */
export function resolvePolicyConfig(policy: Policy, userConfig: Record<string, any> = {}): ResolvedPolicyConfig {
    const entry = userConfig[policy.name];
    const all = userConfig.all;
    const levelOf = (v: unknown): EnforcementLevel | undefined => (typeof v === "string" ? v as EnforcementLevel
        : isObject(v) ? v.enforcementLevel : undefined);
    const level = levelOf(entry) ?? levelOf(all) ?? policy.enforcementLevel ?? "advisory";
    const config: Record<string, any> = {};
    for (const [prop, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (schema.default !== undefined) {
            config[prop] = structuredClone(schema.default);
        }
    }
    if (isObject(entry)) {
        for (const [prop, v] of Object.entries(entry)) {
            if (prop !== "enforcementLevel") {
                config[prop] = v;
            }
        }
    }
    return { level, config };
}
