// The one module that reads stack configuration. It turns the raw strings Pulumi hands the
// program into a typed, validated, frozen `StackConfig` through the config schema
// (./configSchema.ts: types, defaults, bounds, roles), and reports every problem at once in a
// single error that names each key, the bad value and what is allowed. Nothing is planned until
// the config is valid.
import * as pulumi from "@pulumi/pulumi";
import type { SingletonMode } from "../components/ha/modes";
import { closestKey } from "./closestKey";
import {
    CONFIG_KEYS, ConfigKey, configKey, defaultOf, MediaImmutability, NAMESPACE, parseValue, regionOfRdsEndpoint, Role, ROLES, specOf, ValueOf,
} from "./configSchema";
import { AWS_REGIONS, isAwsRegion, partitionOf } from "../components/regions";
import { noDomainProblems, unavailableServiceProblems } from "./services";

export { NAMESPACE };
export type { Role };

/** The validated configuration of one stack. */
export interface StackConfig {
    /** `aws:region`. */
    readonly region: string;
    /** `primary` runs the workload; `dr` keeps the pilot light in another region. */
    readonly role: Role;
    /** The other stack (`org/project/stack` or `stack`). */
    readonly peerStack: string;
    /** prod only: the dr region, where the DB credentials secret is replicated. */
    readonly peerRegion?: string;
    /** prod only: replicate media to dr (needs dr's outputs). False during bootstrap step 1. */
    readonly replicateToPeer: boolean;
    /** dr only: promote the replica in place and build the app tier. */
    readonly promote: boolean;
    /** dr only, not with promote: build the app tier against the un-promoted, read-only replica (a DR drill). */
    readonly drill: boolean;
    /** dr only, with promote: Multi-AZ database, Redis failover, ALB deletion protection (the hardening step). */
    readonly hardened: boolean;
    /** dr only, while promoted: replicate dr's media back to prod's bucket (failback step 3). */
    readonly reverseReplication: boolean;
    /** prod only: rebuild prod's database as a cross-region replica of the promoted dr database (failback step 2). */
    readonly rebuildFromPeer: boolean;
    /** Which database this stack runs. Raising it builds a new DB beside the old one, which is retired (failback). */
    readonly databaseGeneration: number;
    readonly vpcCidr: string;
    readonly azCount: number;
    readonly dbInstanceClass: string;
    readonly dbAllocatedStorageGb: number;
    readonly backupRetentionDays: number;
    /** dr only: days dr keeps prod's replicated automated backups (point-in-time recovery in dr). */
    readonly backupReplicationRetentionDays: number;
    /** S3 Object Lock on the media bucket (none, or its mode), for mediaImmutabilityDays. */
    readonly mediaImmutability: MediaImmutability;
    readonly mediaImmutabilityDays: number;
    readonly replicaLagAlarmSeconds: number;
    readonly appInstanceType: string;
    readonly appMinSize: number;
    readonly appMaxSize: number;
    readonly appDesiredCapacity: number;
    readonly cacheNodeType: string;
    /** prod only: a custom AMI in prod's region; dr copies it. */
    readonly customAmiId?: string;
    readonly domainName?: string;
    readonly hostedZoneId?: string;
    /** A restored RDS instance the app servers use instead of the stack's database (the recover runbook sets it). */
    readonly databaseHost?: string;
    /** dr only, with a domain: the ALB, its listeners and the SECONDARY record exist in standby (static stability). */
    readonly standbyLoadBalancer: boolean;
    /** dr only: the app tier's NAT egress and launch template exist in standby (a shorter promotion). */
    readonly standbyNatGateway: boolean;
    /** Requests per client IP to the login paths in 5 minutes before the web application firewall blocks it (components/app/waf.ts). */
    readonly wafLoginRateLimit: number;
    /** prod only: the HA pattern of the stateful singleton service (components/ha). */
    readonly singletonMode: SingletonMode;
    readonly singletonInstanceType: string;
    /** A NAT gateway per AZ of the app tier (components/app/nat.ts). */
    readonly natGatewayPerAz: boolean;
    /** prod only: the singleton rows' RPO target in the resilience report. */
    readonly singletonRpoTargetMinutes: number;
    readonly tags: Readonly<Record<string, string>>;
    /** Media stored, in GB: the cost estimate's S3 storage on each side. */
    readonly mediaStorageGb: number;
    /** New media per month, in GB: what S3 replication moves across regions. */
    readonly mediaMonthlyWriteGb: number;
    /** Binary log shipped to the cross-region replica per month, in GB. */
    readonly dbMonthlyChangeGb: number;
    /** The recovery time objective the resilience report checks the design against, in minutes. */
    readonly rtoTargetMinutes: number;
    /** The recovery point objective the resilience report checks the design against, in minutes. */
    readonly rpoTargetMinutes: number;
}

/** Raw values as Pulumi passes them: strings, with objects JSON-encoded. */
export type RawConfig = Record<string, string | undefined>;

/** Thrown for invalid configuration; `problems` holds one line per bad key. */
export class ConfigError extends Error {
    constructor(readonly stack: string, readonly problems: string[]) {
        super(`Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n`
            + problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "ConfigError";
    }
}

/** Config namespaces of the providers this program uses: their keys are theirs, not typos of ours. */
const PROVIDER_NAMESPACES = new Set(["aws", "random", "pulumi"]);

const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : String(v));

/** Keys of this program that are misspelt or in the wrong namespace, with a "did you mean". */
function unknownKeyProblems(raw: RawConfig): string[] {
    const problems: string[] = [];
    for (const k of Object.keys(raw)) {
        const colon = k.indexOf(":");
        const [ns, name] = colon < 0 ? ["", k] : [k.slice(0, colon), k.slice(colon + 1)];
        if (ns === NAMESPACE) {
            if ((CONFIG_KEYS as readonly string[]).includes(name)) continue;
            const near = closestKey(name, CONFIG_KEYS);
            problems.push(`${k}: is not a known key; ${near ? `did you mean ${configKey(near as ConfigKey)}?`
                : "the keys are listed in Pulumi.yaml and in the README's configuration table."}`);
        } else if (!PROVIDER_NAMESPACES.has(ns)) {
            const near = closestKey(name, CONFIG_KEYS);
            if (near) problems.push(`${k}: "${ns}" is not this project's namespace; did you mean ${configKey(near as ConfigKey)}?`);
        }
    }
    return problems;
}

/** Tag names and values AWS accepts, and not our reserved prefixes. */
function tagProblems(tags: Readonly<Record<string, string>>): string[] {
    const problems: string[] = [];
    for (const [name, value] of Object.entries(tags)) {
        // https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions
        if (name.toLowerCase().startsWith("aws:") || name.startsWith(`${NAMESPACE}:`)) {
            problems.push(`${configKey("tags")}: tag ${show(name)} is not allowed; the "aws:" and "${NAMESPACE}:" prefixes are reserved.`);
        } else if (name.length < 1 || name.length > 128 || value.length > 256) {
            problems.push(`${configKey("tags")}: tag ${show(name)} is not allowed; names are 1–128 characters and values at most 256.`);
        }
    }
    return problems;
}

/** A value another role set: anything but the default (or, without one, anything at all). */
function setOffRole(k: ConfigKey, value: unknown, raw: string | undefined): boolean {
    const def = defaultOf(k);
    if (def === undefined) return raw !== undefined && raw !== "";
    return typeof def === "object" ? JSON.stringify(value) !== JSON.stringify(def) : value !== def;
}

/**
 * Validates raw configuration through CONFIG_SCHEMA. Pure: tests call it directly. `stack` only
 * labels the error. Throws one ConfigError listing every problem.
 */
export function parseConfig(raw: RawConfig, stack: string): StackConfig {
    const problems: string[] = [];
    const region = raw["aws:region"];
    if (region === undefined || region === "") {
        problems.push(`aws:region: not set; set it with \`pulumi config set aws:region <region>\` (e.g. us-east-1).`);
    } else if (!isAwsRegion(region)) {
        const near = closestKey(region, AWS_REGIONS);
        problems.push(`aws:region: ${show(region)} is not an AWS region; ${near ? `did you mean ${near}? ` : ""}expected one of ${AWS_REGIONS.join(", ")}.`);
    }

    const v = {} as { -readonly [K in ConfigKey]: ValueOf<K> | undefined };
    const roleParsed = parseValue("role", raw[configKey("role")]);
    const role = roleParsed.value as Role | undefined;
    for (const k of CONFIG_KEYS) {
        const rawValue = raw[configKey(k)];
        const { value, problem } = k === "role" ? roleParsed : parseValue(k, rawValue);
        (v as Record<ConfigKey, unknown>)[k] = value;
        const spec = specOf(k);
        if (problem !== undefined) {
            problems.push(problem);
        } else if (role !== undefined && !spec.roles.includes(role) && setOffRole(k, value, rawValue)) {
            const other = ROLES.find((r) => r !== role)!;
            problems.push(`${configKey(k)}: ${show(value)} is not allowed on a ${role} stack; ${spec.roleNote ?? `it is a ${other}-only setting`}.`);
        }
    }

    if (role === "primary") {
        if (v.rebuildFromPeer && v.databaseGeneration! < 2) {
            problems.push(`${configKey("databaseGeneration")}: ${v.databaseGeneration} is not allowed with ${configKey("rebuildFromPeer")} true; `
                + `generation 1 is the original primary, which cannot become a replica. Raise it by one so a new database is built beside it (the failback runbook does this).`);
        }
        if (v.peerRegion === undefined && !problems.some((p) => p.startsWith(`${configKey("peerRegion")}:`))) {
            problems.push(`${configKey("peerRegion")}: not set; the primary stack needs the dr region to replicate the database credentials secret there.`);
        }
    }
    if (role === "dr") {
        if (v.drill && v.promote) {
            problems.push(`${configKey("drill")}: true is not allowed together with ${configKey("promote")} true; a drill keeps the replica un-promoted. Set one of them.`);
        }
        if (v.hardened && !v.promote) {
            problems.push(`${configKey("hardened")}: true is not allowed while dr is in standby (${configKey("promote")} false); `
                + "only a promoted dr serves production and is hardened. Fail over first (npm run runbook -- failover), then harden (npm run runbook -- harden).");
        }
        if (v.reverseReplication && !v.promote) {
            problems.push(`${configKey("reverseReplication")}: true is not allowed while dr is in standby (${configKey("promote")} false); media flows back to prod only from a promoted dr.`);
        }
    }
    const peerRegion = role === "primary" ? v.peerRegion : undefined;
    if (region && peerRegion && region === peerRegion) {
        problems.push(`${configKey("peerRegion")}: ${show(peerRegion)} is the stack's own region; the dr region must differ from aws:region.`);
    } else if (region && peerRegion && isAwsRegion(region) && partitionOf(region) !== partitionOf(peerRegion)) {
        problems.push(`${configKey("peerRegion")}: ${show(peerRegion)} is in another partition than ${region}; cross-region replication works only inside one partition.`);
    }
    const [min, desired, max] = [v.appMinSize!, v.appDesiredCapacity!, v.appMaxSize!];
    if (min > desired || desired > max) {
        problems.push(`${configKey("appMinSize")}/${configKey("appDesiredCapacity")}/${configKey("appMaxSize")}: ${min}/${desired}/${max} is not allowed; expected min <= desired <= max.`);
    }
    if ((v.domainName === undefined) !== (v.hostedZoneId === undefined)) {
        problems.push(`${configKey("domainName")}/${configKey("hostedZoneId")}: set both or neither; DNS and HTTPS need the name and the zone that holds it.`);
    }
    if (v.databaseHost !== undefined && region && isAwsRegion(region) && regionOfRdsEndpoint(v.databaseHost) !== region) {
        problems.push(`${configKey("databaseHost")}: ${show(v.databaseHost)} is an RDS endpoint in ${regionOfRdsEndpoint(v.databaseHost)}, not in the stack's region ${region}; `
            + "the app servers connect only to a database in their own region (the recover runbook restores beside the stack's database).");
    }
    if (v.databaseHost !== undefined && role === "dr" && !v.promote && !v.drill) {
        problems.push(`${configKey("databaseHost")}: ${show(v.databaseHost)} is not allowed while dr is in standby (${configKey("promote")} false); `
            + "dr has no app servers to point at it until it is promoted.");
    }
    problems.push(...tagProblems(v.tags ?? {}), ...unknownKeyProblems(raw));

    // Features the region's partition lacks (stacks/services.ts), refused before anything is planned.
    if (region && isAwsRegion(region) && role !== undefined) {
        const use = {
            region, role, replicateToPeer: v.replicateToPeer!, domainName: v.domainName, singletonMode: v.singletonMode as SingletonMode,
            mediaImmutability: v.mediaImmutability,
        };
        problems.push(...unavailableServiceProblems(use), ...noDomainProblems(use));
    }

    if (problems.length > 0) {
        throw new ConfigError(stack, problems);
    }
    return Object.freeze({
        ...(v as { [K in ConfigKey]: ValueOf<K> }),
        region: region!,
        role: role!,
        // Settings of the other role are only ever their defaults here; the program must not act on them.
        replicateToPeer: role === "primary" && v.replicateToPeer!,
        drill: role === "dr" && v.drill!,
        standbyLoadBalancer: role === "dr" && v.standbyLoadBalancer!,
        standbyNatGateway: role === "dr" && v.standbyNatGateway!,
        reverseReplication: role === "dr" && v.reverseReplication!,
        hardened: role === "dr" && v.hardened!,
        rebuildFromPeer: role === "primary" && v.rebuildFromPeer!,
        singletonMode: v.singletonMode as SingletonMode,
        mediaImmutability: v.mediaImmutability as MediaImmutability,
        tags: v.tags ?? Object.freeze({}),
    });
}

/** The media bucket's Object Lock default retention that `mediaImmutability` asks for, or undefined for none. */
export function mediaObjectLock(cfg: Pick<StackConfig, "mediaImmutability" | "mediaImmutabilityDays">):
    { mode: "GOVERNANCE" | "COMPLIANCE"; retentionDays: number } | undefined {
    switch (cfg.mediaImmutability) {
    case "object-lock-governance": return { mode: "GOVERNANCE", retentionDays: cfg.mediaImmutabilityDays };
    case "object-lock-compliance": return { mode: "COMPLIANCE", retentionDays: cfg.mediaImmutabilityDays };
    default: return undefined;
    }
}

/** Reads and validates the current stack's configuration. */
export function loadConfig(): StackConfig {
    const all = pulumi.runtime.allConfig();
    const raw: RawConfig = {};
    // Every key, not only this namespace's: a key in a misspelt namespace gets a "did you mean".
    for (const [k, v] of Object.entries(all)) raw[k] = v;
    return parseConfig(raw, pulumi.getStack());
}
