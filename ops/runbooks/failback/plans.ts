// The config changes of failback's data steps, as offline plan requests, and the naming rules
// they need. Pure, so `--dry-run` can build them from the stack files without a workspace.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { CONFIG_SCHEMA, ConfigKey, configKey, defaultOf, parseValue } from "../../../stacks/configSchema";
import { DATABASE_COMPONENT_NAME } from "../../../stacks/names";
import { databaseIdentifierBase, databaseInstanceIdentifier, databaseInstanceName } from "../../../components/database/naming";
import { describeAwsError } from "../aws";
import { lastSegment, PlanRequest } from "../failover";

/** A config value as text, or the key's default (stacks/configSchema.ts) when the stack leaves it unset. */
export function orDefault(key: ConfigKey, text: string | undefined): string {
    return text ?? String(defaultOf(key));
}

/** Fully qualified config keys this runbook changes (stacks/configSchema.ts). */
export const KEYS = {
    promote: configKey("promote"),
    drill: configKey("drill"),
    reverseReplication: configKey("reverseReplication"),
    hardened: configKey("hardened"),
    rebuildFromPeer: configKey("rebuildFromPeer"),
    databaseGeneration: configKey("databaseGeneration"),
    hostedZoneId: configKey("hostedZoneId"),
} as const;

/** The logical name of generation `g`'s RDS instance, as the Database component names it in our stacks. */
export function instanceLogicalName(g: number): string {
    return databaseInstanceName(DATABASE_COMPONENT_NAME, g);
}

/** Steps 1–2 on prod: become a replica of dr's database in generation k+1, retiring `retire`. */
export function prodRebuildRequest(dir: string, prodStack: string, k: number, currentRebuild: string, retire: string): PlanRequest {
    return {
        dir, stack: lastSegment(prodStack),
        from: { [KEYS.rebuildFromPeer]: currentRebuild, [KEYS.databaseGeneration]: String(k) },
        to: { [KEYS.rebuildFromPeer]: "true", [KEYS.databaseGeneration]: String(k + 1) },
        allowRetire: [retire],
    };
}

/**
 * Step 3 on dr: replicate media back to prod. `promote` is stated on both sides: reverse
 * replication is valid only on a promoted dr, and a dry run may read a dr stack file that is
 * still in standby.
 */
export function reverseMediaRequest(dir: string, drStack: string, current: string): PlanRequest {
    return {
        dir, stack: lastSegment(drStack),
        from: { [KEYS.promote]: "true", [KEYS.reverseReplication]: current },
        to: { [KEYS.promote]: "true", [KEYS.reverseReplication]: "true" },
    };
}

/** Step 4 on prod: promote the replica of generation `g` and start the parked app servers. */
export function switchoverRequest(dir: string, prodStack: string, g: number): PlanRequest {
    return {
        dir, stack: lastSegment(prodStack),
        from: { [KEYS.rebuildFromPeer]: "true", [KEYS.databaseGeneration]: String(g) },
        to: { [KEYS.rebuildFromPeer]: "false", [KEYS.databaseGeneration]: String(g) },
    };
}

/** Step 5 on dr: back to standby (not hardened: a standby never is) as a replica of prod in generation m+1, retiring `retire`. */
export function drRebuildRequest(dir: string, drStack: string, m: number, currentReverse: string, retire: string): PlanRequest {
    return {
        dir, stack: lastSegment(drStack),
        from: { [KEYS.promote]: "true", [KEYS.reverseReplication]: currentReverse, [KEYS.databaseGeneration]: String(m) },
        to: { [KEYS.promote]: "false", [KEYS.reverseReplication]: "false", [KEYS.hardened]: "false", [KEYS.databaseGeneration]: String(m + 1) },
        allowRetire: [retire],
    };
}

/** A stack's config as its `Pulumi.<stack>.yaml` in `dir` holds it (values as strings). */
export function readStackFile(dir: string, stack: string): Record<string, string> {
    const file = path.join(dir, `Pulumi.${lastSegment(stack)}.yaml`);
    let doc: any;
    try {
        doc = parseYaml(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new Error(`cannot read the config of stack ${stack} from ${file}: ${describeAwsError(e)}; --dir must be the project folder`);
    }
    const config = doc?.config ?? {};
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** Every data step's offline plan, from the stack files alone (what `--dry-run` shows). */
export function failbackDryRunPlans(dir: string, prodStack: string, drStack: string): Array<{ what: string; request: PlanRequest }> {
    const prodConfig = readStackFile(dir, prodStack);
    const drConfig = readStackFile(dir, drStack);
    const k = parseGeneration(prodStack, prodConfig[KEYS.databaseGeneration]);
    const m = parseGeneration(drStack, drConfig[KEYS.databaseGeneration]);
    const reverse = orDefault("reverseReplication", drConfig[KEYS.reverseReplication]);
    return [
        { what: `steps 1-2: retire ${instanceLogicalName(k)}, rebuild ${prodStack}'s database as a replica of dr in generation ${k + 1}`,
            request: prodRebuildRequest(dir, prodStack, k, orDefault("rebuildFromPeer", prodConfig[KEYS.rebuildFromPeer]), instanceLogicalName(k)) },
        { what: `step 3: ${KEYS.reverseReplication} ${reverse}→true on ${drStack}`, request: reverseMediaRequest(dir, drStack, reverse) },
        { what: `step 4: ${KEYS.rebuildFromPeer} true→false on ${prodStack} (promote the replica, start the parked app servers)`,
            request: switchoverRequest(dir, prodStack, k + 1) },
        { what: `step 5: retire ${instanceLogicalName(m)}, ${drStack} back to standby in generation ${m + 1}`,
            request: drRebuildRequest(dir, drStack, m, "true", instanceLogicalName(m)) },
    ];
}


/** A database generation from config: the schema's default when unset; below its maximum so that the next one is allowed. */
export function parseGeneration(stack: string, raw: string | undefined): number {
    const { min, max } = CONFIG_SCHEMA.databaseGeneration;
    const { value, problem } = parseValue("databaseGeneration", raw);
    if (problem !== undefined || value! >= max) {
        throw new Error(`${stack}: ${KEYS.databaseGeneration} is ${JSON.stringify(raw)}; expected a whole number from ${min} to ${max - 1} `
            + `(the next generation must stay within ${max})`);
    }
    return value!;
}

/** The DB identifier of generation `g`, from the identifier of any generation (the Database component's naming). */
export function generationIdentifier(anyGenerationIdentifier: string, g: number): string {
    return databaseInstanceIdentifier(databaseIdentifierBase(anyGenerationIdentifier), g);
}
