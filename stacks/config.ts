// The one module that reads stack configuration. It turns the raw strings Pulumi hands the
// program into a typed, validated, frozen `StackConfig`, and reports every problem at once in a
// single error that names each key, the bad value and what is allowed. Nothing is planned until
// the config is valid. Every key is documented, with its default, in Pulumi.yaml.
import * as pulumi from "@pulumi/pulumi";
import { parseCidr } from "../components/basic/subnetPlan";
import { SINGLETON_MODES, SingletonMode } from "../components/ha";
import { AWS_REGIONS, isAwsRegion, partitionOf } from "./regions";
import { unavailableServiceProblems } from "./services";

export const NAMESPACE = "pilot-light";

export type Role = "primary" | "dr";

/** The validated configuration of one stack. */
export interface StackConfig {
    /** `aws:region`. */
    readonly region: string;
    /** `primary` runs the workload; `dr` keeps the pilot light in another region. */
    readonly role: Role;
    /** The other stack (`org/project/stack` or `stack`). Required on dr; on prod only when `replicateToPeer` is true. */
    readonly peerStack?: string;
    /** prod only: the dr region, where the DB credentials secret is replicated. */
    readonly peerRegion?: string;
    /** prod only: replicate media to dr (needs dr's outputs). False during bootstrap step 1. */
    readonly replicateToPeer: boolean;
    /** dr only: promote the replica in place and build the app tier. */
    readonly promote: boolean;
    /** dr only, not with promote: build the app tier against the un-promoted, read-only replica (a DR drill). */
    readonly drill: boolean;
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
    /** prod only: the HA pattern of the stateful singleton service (components/ha). */
    readonly singletonMode: SingletonMode;
    readonly singletonInstanceType: string;
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

/** Every key this program reads, without the namespace. Unknown keys are rejected as likely typos. */
export const KNOWN_KEYS = [
    "role", "peerStack", "peerRegion", "replicateToPeer", "promote", "vpcCidr", "azCount",
    "dbInstanceClass", "dbAllocatedStorageGb", "backupRetentionDays", "replicaLagAlarmSeconds",
    "appInstanceType", "appMinSize", "appMaxSize", "appDesiredCapacity", "cacheNodeType",
    "customAmiId", "domainName", "hostedZoneId", "singletonMode", "singletonInstanceType", "tags",
    "drill", "reverseReplication", "rebuildFromPeer", "databaseGeneration",
    "mediaStorageGb", "mediaMonthlyWriteGb", "dbMonthlyChangeGb", "rtoTargetMinutes", "rpoTargetMinutes",
] as const;

const DEFAULTS = {
    replicateToPeer: true,
    promote: false,
    azCount: 2,
    dbInstanceClass: "db.t4g.medium",
    dbAllocatedStorageGb: 50,
    backupRetentionDays: 7,
    replicaLagAlarmSeconds: 300,
    appInstanceType: "t3.medium",
    appMinSize: 2,
    appMaxSize: 4,
    appDesiredCapacity: 2,
    cacheNodeType: "cache.t4g.small",
    singletonMode: "recoverable-instance" as SingletonMode,
    singletonInstanceType: "t3.small",
    drill: false,
    reverseReplication: false,
    rebuildFromPeer: false,
    databaseGeneration: 1,
    mediaStorageGb: 100,
    mediaMonthlyWriteGb: 10,
    dbMonthlyChangeGb: 20,
    rtoTargetMinutes: 60,
    rpoTargetMinutes: 15,
};

const key = (k: string) => `${NAMESPACE}:${k}`;
const show = (v: string) => JSON.stringify(v);

/** Collects problems while parsing, so one error can list them all. */
class Parser {
    readonly problems: string[] = [];
    constructor(private readonly raw: RawConfig) {}

    has(k: string): boolean {
        const v = this.raw[key(k)];
        return v !== undefined && v !== "";
    }

    string(k: string, pattern?: RegExp, allowed?: string): string | undefined {
        const v = this.raw[key(k)];
        if (v === undefined || v === "") return undefined;
        if (pattern && !pattern.test(v)) {
            this.problems.push(`${key(k)}: ${show(v)} is not allowed; expected ${allowed}.`);
            return undefined;
        }
        return v;
    }

    int(k: string, def: number, min: number, max: number): number {
        const v = this.raw[key(k)];
        if (v === undefined || v === "") return def;
        const n = Number(v);
        if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
            this.problems.push(`${key(k)}: ${show(v)} is not allowed; expected a whole number from ${min} to ${max}.`);
            return def;
        }
        return n;
    }

    bool(k: string, def: boolean): boolean {
        const v = this.raw[key(k)];
        if (v === undefined || v === "") return def;
        if (v === "true" || v === "false") return v === "true";
        this.problems.push(`${key(k)}: ${show(v)} is not allowed; expected true or false.`);
        return def;
    }

    tags(k: string): Record<string, string> {
        const v = this.raw[key(k)];
        if (v === undefined || v === "") return {};
        let parsed: unknown;
        try {
            parsed = JSON.parse(v);
        } catch {
            this.problems.push(`${key(k)}: ${show(v)} is not allowed; expected a map of tag names to string values.`);
            return {};
        }
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)
            || Object.values(parsed as object).some((x) => typeof x !== "string")) {
            this.problems.push(`${key(k)}: ${show(v)} is not allowed; expected a map of tag names to string values.`);
            return {};
        }
        const tags = parsed as Record<string, string>;
        for (const [name, value] of Object.entries(tags)) {
            // https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions
            if (name.toLowerCase().startsWith("aws:") || name.startsWith(`${NAMESPACE}:`)) {
                this.problems.push(`${key(k)}: tag ${show(name)} is not allowed; the "aws:" and "${NAMESPACE}:" prefixes are reserved.`);
            } else if (name.length < 1 || name.length > 128 || value.length > 256) {
                this.problems.push(`${key(k)}: tag ${show(name)} is not allowed; names are 1–128 characters and values at most 256.`);
            }
        }
        return tags;
    }
}

const INSTANCE_CLASS = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

/**
 * Validates raw configuration. Pure: tests call it directly. `stack` only labels the error.
 */
export function parseConfig(raw: RawConfig, stack: string): StackConfig {
    const p = new Parser(raw);

    const region = raw["aws:region"];
    if (region === undefined || region === "") {
        p.problems.push(`aws:region: not set; set it with \`pulumi config set aws:region <region>\` (e.g. us-east-1).`);
    } else if (!isAwsRegion(region)) {
        p.problems.push(`aws:region: ${show(region)} is not an AWS region; expected one of ${AWS_REGIONS.join(", ")}.`);
    }

    const roleRaw = raw[key("role")];
    let role: Role = "primary";
    if (roleRaw === undefined || roleRaw === "") {
        p.problems.push(`${key("role")}: not set; expected primary or dr.`);
    } else if (roleRaw !== "primary" && roleRaw !== "dr") {
        p.problems.push(`${key("role")}: ${show(roleRaw)} is not allowed; expected primary or dr.`);
    } else {
        role = roleRaw;
    }

    const vpcCidr = raw[key("vpcCidr")];
    const cidr = vpcCidr ? parseCidr(vpcCidr) : undefined;
    if (vpcCidr === undefined || vpcCidr === "") {
        p.problems.push(`${key("vpcCidr")}: not set; expected an IPv4 CIDR from /16 to /24, e.g. 10.10.0.0/16.`);
    } else if (!cidr || cidr.prefix < 16 || cidr.prefix > 24) {
        p.problems.push(`${key("vpcCidr")}: ${show(vpcCidr)} is not allowed; expected an IPv4 CIDR from /16 to /24 with no host bits set, e.g. 10.10.0.0/16.`);
    }

    const promote = p.bool("promote", DEFAULTS.promote);
    const drill = p.bool("drill", DEFAULTS.drill);
    const reverseReplication = p.bool("reverseReplication", DEFAULTS.reverseReplication);
    const rebuildFromPeer = p.bool("rebuildFromPeer", DEFAULTS.rebuildFromPeer);
    const databaseGeneration = p.int("databaseGeneration", DEFAULTS.databaseGeneration, 1, 99);
    const replicateToPeer = p.bool("replicateToPeer", DEFAULTS.replicateToPeer);
    const peerStack = p.string("peerStack", /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/,
        "a stack name such as dr or org/pilot-light/dr");
    const peerRegion = p.string("peerRegion");
    if (peerRegion !== undefined && !isAwsRegion(peerRegion)) {
        p.problems.push(`${key("peerRegion")}: ${show(peerRegion)} is not an AWS region; expected one of ${AWS_REGIONS.join(", ")}.`);
    }

    if (role === "primary" && roleRaw === "primary") {
        if (promote) {
            p.problems.push(`${key("promote")}: true is not allowed on a primary stack; promote only the dr stack (role dr).`);
        }
        for (const k of ["drill", "reverseReplication"]) {
            if (p.has(k) && raw[key(k)] === "true") {
                p.problems.push(`${key(k)}: true is not allowed on a primary stack; it is a dr-only setting.`);
            }
        }
        if (rebuildFromPeer && databaseGeneration < 2) {
            p.problems.push(`${key("databaseGeneration")}: ${databaseGeneration} is not allowed with ${key("rebuildFromPeer")} true; `
                + `generation 1 is the original primary, which cannot become a replica. Raise it by one so a new database is built beside it (the failback runbook does this).`);
        }
        if (rebuildFromPeer && !p.has("peerStack")) {
            p.problems.push(`${key("peerStack")}: not set; with ${key("rebuildFromPeer")} true the primary stack replicates from the dr stack's database.`);
        }
        if (!p.has("peerRegion")) {
            p.problems.push(`${key("peerRegion")}: not set; the primary stack needs the dr region to replicate the database credentials secret there.`);
        }
        if (replicateToPeer && !p.has("peerStack")) {
            p.problems.push(`${key("peerStack")}: not set; with ${key("replicateToPeer")} true the primary stack reads the dr stack's bucket. `
                + `Set it to the dr stack, or set ${key("replicateToPeer")} false for the first deploy (bootstrap step 1).`);
        }
    }
    if (role === "dr" && roleRaw === "dr") {
        if (!p.has("peerStack")) {
            p.problems.push(`${key("peerStack")}: not set; the dr stack reads the primary stack's outputs (its database ARN), e.g. org/pilot-light/prod.`);
        }
        if (rebuildFromPeer) {
            p.problems.push(`${key("rebuildFromPeer")}: true is not allowed on a dr stack; it rebuilds the primary from a promoted dr (failback).`);
        }
        if (drill && promote) {
            p.problems.push(`${key("drill")}: true is not allowed together with ${key("promote")} true; a drill keeps the replica un-promoted. Set one of them.`);
        }
        if (reverseReplication && !promote) {
            p.problems.push(`${key("reverseReplication")}: true is not allowed while dr is in standby (${key("promote")} false); media flows back to prod only from a promoted dr.`);
        }
        // replicateToPeer is not listed: its project default reaches every stack.
        for (const k of ["customAmiId", "peerRegion"]) {
            if (p.has(k)) {
                p.problems.push(`${key(k)}: is only allowed on the primary stack; the dr stack takes it from the primary's outputs.`);
            }
        }
    }
    if (region && peerRegion && region === peerRegion) {
        p.problems.push(`${key("peerRegion")}: ${show(peerRegion)} is the stack's own region; the dr region must differ from aws:region.`);
    } else if (region && peerRegion && isAwsRegion(region) && isAwsRegion(peerRegion) && partitionOf(region) !== partitionOf(peerRegion)) {
        p.problems.push(`${key("peerRegion")}: ${show(peerRegion)} is in another partition than ${region}; cross-region replication works only inside one partition.`);
    }

    const azCount = p.int("azCount", DEFAULTS.azCount, 2, 3);
    const dbInstanceClass = p.string("dbInstanceClass", /^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class such as db.t4g.medium")
        ?? DEFAULTS.dbInstanceClass;
    const dbAllocatedStorageGb = p.int("dbAllocatedStorageGb", DEFAULTS.dbAllocatedStorageGb, 20, 65536);
    // RDS keeps automated backups for up to 35 days; below 7 fails the RPO the design promises.
    const backupRetentionDays = p.int("backupRetentionDays", DEFAULTS.backupRetentionDays, 7, 35);
    const replicaLagAlarmSeconds = p.int("replicaLagAlarmSeconds", DEFAULTS.replicaLagAlarmSeconds, 30, 86400);
    const appInstanceType = p.string("appInstanceType", INSTANCE_CLASS, "an EC2 instance type such as t3.medium")
        ?? DEFAULTS.appInstanceType;
    const appMinSize = p.int("appMinSize", DEFAULTS.appMinSize, 0, 100);
    const appMaxSize = p.int("appMaxSize", DEFAULTS.appMaxSize, 1, 100);
    const appDesiredCapacity = p.int("appDesiredCapacity", DEFAULTS.appDesiredCapacity, 0, 100);
    if (appMinSize > appDesiredCapacity || appDesiredCapacity > appMaxSize) {
        p.problems.push(`${key("appMinSize")}/${key("appDesiredCapacity")}/${key("appMaxSize")}: ${appMinSize}/${appDesiredCapacity}/${appMaxSize} is not allowed; expected min <= desired <= max.`);
    }
    const cacheNodeType = p.string("cacheNodeType", /^cache\.[a-z0-9]+\.[a-z0-9]+$/, "an ElastiCache node type such as cache.t4g.small")
        ?? DEFAULTS.cacheNodeType;
    const customAmiId = p.string("customAmiId", /^ami-[0-9a-f]{8,17}$/, "an AMI ID such as ami-0123456789abcdef0");
    const domainName = p.string("domainName", /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
        "a lower-case DNS name such as www.example.com");
    const hostedZoneId = p.string("hostedZoneId", /^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ");
    if (p.has("domainName") !== p.has("hostedZoneId")) {
        p.problems.push(`${key("domainName")}/${key("hostedZoneId")}: set both or neither; DNS and HTTPS need the name and the zone that holds it.`);
    }
    const singletonModeRaw = p.string("singletonMode");
    let singletonMode = DEFAULTS.singletonMode;
    if (singletonModeRaw !== undefined) {
        if ((SINGLETON_MODES as readonly string[]).includes(singletonModeRaw)) {
            singletonMode = singletonModeRaw as SingletonMode;
        } else {
            p.problems.push(`${key("singletonMode")}: ${show(singletonModeRaw)} is not allowed; expected one of ${SINGLETON_MODES.join(", ")}.`);
        }
    }
    const singletonInstanceType = p.string("singletonInstanceType", INSTANCE_CLASS, "an EC2 instance type such as t3.small")
        ?? DEFAULTS.singletonInstanceType;
    const tags = p.tags("tags");
    const mediaStorageGb = p.int("mediaStorageGb", DEFAULTS.mediaStorageGb, 0, 10_000_000);
    const mediaMonthlyWriteGb = p.int("mediaMonthlyWriteGb", DEFAULTS.mediaMonthlyWriteGb, 0, 10_000_000);
    const dbMonthlyChangeGb = p.int("dbMonthlyChangeGb", DEFAULTS.dbMonthlyChangeGb, 0, 10_000_000);
    const rtoTargetMinutes = p.int("rtoTargetMinutes", DEFAULTS.rtoTargetMinutes, 1, 10080);
    const rpoTargetMinutes = p.int("rpoTargetMinutes", DEFAULTS.rpoTargetMinutes, 0, 10080);

    for (const k of Object.keys(raw)) {
        if (k.startsWith(`${NAMESPACE}:`) && !(KNOWN_KEYS as readonly string[]).includes(k.slice(NAMESPACE.length + 1))) {
            p.problems.push(`${k}: is not a known key; expected one of ${KNOWN_KEYS.map(key).join(", ")}.`);
        }
    }

    // Features the region's partition lacks (stacks/services.ts), refused before anything is planned.
    if (region && isAwsRegion(region)) p.problems.push(...unavailableServiceProblems({ region, role, replicateToPeer, domainName, singletonMode }));

    if (p.problems.length > 0) {
        throw new ConfigError(stack, p.problems);
    }
    return Object.freeze({
        region: region!, role, peerStack, peerRegion, replicateToPeer: role === "primary" && replicateToPeer,
        promote, drill: role === "dr" && drill, reverseReplication: role === "dr" && reverseReplication,
        rebuildFromPeer: role === "primary" && rebuildFromPeer, databaseGeneration, vpcCidr: vpcCidr!, azCount, dbInstanceClass, dbAllocatedStorageGb, backupRetentionDays,
        replicaLagAlarmSeconds, appInstanceType, appMinSize, appMaxSize, appDesiredCapacity, cacheNodeType,
        customAmiId, domainName, hostedZoneId, singletonMode, singletonInstanceType, tags: Object.freeze({ ...tags }),
        mediaStorageGb, mediaMonthlyWriteGb, dbMonthlyChangeGb, rtoTargetMinutes, rpoTargetMinutes,
    });
}

/** Reads and validates the current stack's configuration. */
export function loadConfig(): StackConfig {
    const all = pulumi.runtime.allConfig();
    const raw: RawConfig = {};
    for (const [k, v] of Object.entries(all)) {
        if (k.startsWith(`${NAMESPACE}:`) || k === "aws:region") raw[k] = v;
    }
    return parseConfig(raw, pulumi.getStack());
}
