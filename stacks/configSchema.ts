// The one config schema: every `pilot-light:*` key the program reads, with its Pulumi type,
// default, bounds or allowed values, description, the roles that may set it and whether every
// stack must set it. stacks/config.ts parses through it, ops/ reads keys and defaults from it,
// and a test proves that Pulumi.yaml's `config:` block declares exactly what it says.
//
// Pulumi has no optional project keys: a key declared in Pulumi.yaml without a `default` is
// *missing* on any stack that does not set it, and `pulumi up` refuses the stack
// (pulumi/pulumi pkg/workspace/config.go, missingConfigurationKeys). So Pulumi.yaml declares a
// key only when it is `required` (every stack sets it) or has a `default`; the optional keys
// (no default, not required) are documented in a comment block there and in the README.
//
// Light on purpose (no Pulumi or AWS SDK import): the runbooks read it at start-up.
import { SINGLETON_MODES } from "../components/ha/modes";
import { parseCidr } from "../components/basic/subnetPlan";
import { closestKey } from "./closestKey";
import { AWS_REGIONS } from "../components/regions";
import { DB_INSTANCE_CLASS_PATTERN } from "../components/validate";

export const NAMESPACE = "pilot-light";

export type Role = "primary" | "dr";
export const ROLES: readonly Role[] = Object.freeze(["primary", "dr"] as const);

/**
 * The types Pulumi.yaml may declare that this project uses (pulumi/pulumi
 * sdk/go/common/workspace/project.json, `simpleConfigType`: string, integer, boolean, array,
 * object; `object` since CLI 3.186.0). Pulumi checks every configured value against it.
 */
export type ConfigType = "string" | "integer" | "boolean" | "object";

interface Common {
    /** Meaning, constraint and who sets it: Pulumi.yaml carries the same text. */
    readonly description: string;
    /** The roles whose stacks may set it; on the others only its default is allowed. */
    readonly roles: readonly Role[];
    /** Why the other role may not set it; default: "it is a <role>-only setting". */
    readonly roleNote?: string;
    /** Every stack sets it: declared in Pulumi.yaml without a default (Pulumi then requires it). */
    readonly required?: true;
}

export interface StringKey extends Common {
    readonly type: "string";
    readonly default?: string;
    /** The only values allowed, when there is a fixed list. */
    readonly allowed?: readonly string[];
    /** A check for values without a fixed list. */
    readonly valid?: (value: string) => boolean;
    /** What is allowed, for messages: "an RDS instance class such as db.t4g.medium". */
    readonly expected: string;
}

export interface IntegerKey extends Common {
    readonly type: "integer";
    readonly default: number;
    readonly min: number;
    readonly max: number;
}

export interface BooleanKey extends Common {
    readonly type: "boolean";
    readonly default: boolean;
}

/** A map of strings (tags); its entries are checked by stacks/config.ts. */
export interface ObjectKey extends Common {
    readonly type: "object";
    readonly default: Readonly<Record<string, string>>;
    readonly expected: string;
}

export type KeySpec = StringKey | IntegerKey | BooleanKey | ObjectKey;

const BOTH = ROLES;
const PRIMARY: readonly Role[] = ["primary"];
const DR: readonly Role[] = ["dr"];
const pattern = (re: RegExp) => (v: string) => re.test(v);
const INSTANCE_TYPE = pattern(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/);
/**
 * An RDS DB instance endpoint address: the instance identifier (a letter, then up to 62 letters,
 * digits or hyphens), RDS's per-account label, then the region and the partition's domain.
 * Commercial regions name `<id>.<label>.<region>.rds.amazonaws.com`; the China regions' domain
 * is `amazonaws.com.cn` (https://docs.amazonaws.cn/en_us/general/latest/gr/endpoints-Beijing.html),
 * and both label orders are accepted there. stacks/config.ts checks the region is the stack's.
 */
export const RDS_ENDPOINT = /^[a-z][a-z0-9-]{0,62}\.[a-z0-9]+\.(?:([a-z]{2}(?:-[a-z]+)+-\d)\.rds\.amazonaws\.com|(?:rds\.)?([a-z]{2}(?:-[a-z]+)+-\d)(?:\.rds)?\.amazonaws\.com\.cn)$/;

/** The region an RDS endpoint address names (RDS_ENDPOINT), or undefined. */
export function regionOfRdsEndpoint(address: string): string | undefined {
    const m = RDS_ENDPOINT.exec(address);
    return m ? (m[1] ?? m[2]) : undefined;
}
const STORAGE_GB = { min: 0, max: 10_000_000 };

/**
 * The values of pilot-light:mediaImmutability. S3 Object Lock only: AWS Backup for S3 is not
 * offered yet (README, "Media you cannot lose": a third, billed copy in the same account, whose
 * immutability needs a vault lock; Object Lock costs no fee and protects both regions' buckets).
 */
export const MEDIA_IMMUTABILITY = ["none", "object-lock-governance", "object-lock-compliance"] as const;
export type MediaImmutability = (typeof MEDIA_IMMUTABILITY)[number];

/** Every key this program reads, without the namespace, in the order Pulumi.yaml lists them. */
export const CONFIG_SCHEMA = Object.freeze({
    role: {
        type: "string", required: true, roles: BOTH, allowed: ROLES, expected: "primary or dr",
        description: "`primary` (the prod stack: runs the workload) or `dr` (the pilot-light stack in another region).",
    },
    peerStack: {
        type: "string", required: true, roles: BOTH,
        valid: pattern(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/),
        expected: "the other stack's name, such as dr or org/pilot-light/dr",
        description: "The other stack, as `org/pilot-light/<stack>` on Pulumi Cloud or `<stack>` on a self-managed backend. "
            + "dr reads prod's DB ARN, secret ARN, bucket ARN and AMI; prod reads dr's bucket ARN (and, in failback, its DB ARN).",
    },
    peerRegion: {
        type: "string", roles: PRIMARY, roleNote: "the dr stack takes it from the primary's outputs",
        allowed: AWS_REGIONS, expected: "an AWS region such as us-west-2",
        description: "prod only, required there: the dr stack's region. The DB credentials secret is replicated there "
            + "so the app in dr can read it while prod is down.",
    },
    replicateToPeer: {
        type: "boolean", default: true, roles: PRIMARY,
        description: "prod only: replicate the media bucket to dr's bucket. Set false for prod's first deploy "
            + "(bootstrap step 1 of 3, before dr exists), then true once dr is up (step 3).",
    },
    promote: {
        type: "boolean", default: false, roles: DR, roleNote: "promote only the dr stack (role dr)",
        description: "dr only: fail over. Promotes the read replica to a standalone DB in place (same resource, never a "
            + "replacement), turns on its backups and builds the app tier.",
    },
    vpcCidr: {
        type: "string", required: true, roles: BOTH,
        valid: (v: string) => { const c = parseCidr(v); return c !== undefined && c.prefix >= 16 && c.prefix <= 24; },
        expected: "an IPv4 CIDR from /16 to /24 with no host bits set, e.g. 10.10.0.0/16",
        description: "The VPC's IPv4 CIDR, /16 to /24 (e.g. 10.10.0.0/16). prod and dr must not overlap.",
    },
    azCount: {
        type: "integer", default: 2, min: 2, max: 3, roles: BOTH,
        description: "How many Availability Zones to spread subnets over: 2 or 3.",
    },
    dbInstanceClass: {
        type: "string", default: "db.t4g.medium", roles: BOTH, valid: pattern(DB_INSTANCE_CLASS_PATTERN),
        expected: "an RDS instance class such as db.t4g.medium",
        description: "RDS instance class of the MySQL primary (prod) or the replica (dr).",
    },
    dbAllocatedStorageGb: {
        type: "integer", default: 50, min: 20, max: 65536, roles: BOTH,
        description: "DB storage in GiB, 20 to 65536 (gp3; autoscaling up to twice this). A replica inherits its source's storage.",
    },
    backupRetentionDays: {
        // RDS keeps automated backups for up to 35 days; below 7 fails the RPO the design promises.
        type: "integer", default: 7, min: 7, max: 35, roles: BOTH,
        description: "Automated backup retention in days, 7 to 35, for prod's DB and for dr's DB once promoted.",
    },
    backupReplicationRetentionDays: {
        // RDS keeps automated backups for up to 35 days; 7 is the floor of backupRetentionDays too.
        type: "integer", default: 7, min: 7, max: 35, roles: DR,
        description: "dr only: days dr keeps prod's replicated automated backups (RDS cross-Region automated backups replication, "
            + "encrypted with dr's key), 7 to 35: dr can restore prod's database to any second in this window while prod's region is dark. "
            + "Changing it replaces the replication (the replicated backups so far are kept to their retention).",
    },
    mediaImmutability: {
        // Object Lock on both buckets: S3 replicates a locked version only into a bucket with Object
        // Lock (DstBucketObjectLockConfigMissing), so stacks/peer.ts refuses prod locked while dr is not.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-replication
        type: "string", default: "none", roles: BOTH, allowed: MEDIA_IMMUTABILITY,
        expected: `one of ${MEDIA_IMMUTABILITY.join(", ")} (AWS Backup for S3 is not offered: README, "Media you cannot lose")`,
        description: "Immutability of the media bucket: none, or S3 Object Lock on every new object version for mediaImmutabilityDays "
            + "(object-lock-governance: someone with s3:BypassGovernanceRetention can still delete a locked version; object-lock-compliance: "
            + "no one can, the root user included). Enabled in place on the existing bucket (never a new bucket) and irreversible: Object Lock "
            + "cannot be turned off again. Set it on dr first, then on prod: a locked source replicates only into a locked destination.",
    },
    mediaImmutabilityDays: {
        type: "integer", default: 30, min: 1, max: 365, roles: BOTH,
        description: "Days each new media object version stays locked with mediaImmutability, 1 to 365 (a compliance lock cannot be "
            + "shortened, so the project caps it at a year). A replaced or deleted version is kept until both its lock and the 30-day noncurrent expiry have passed, billed as storage (the cost report prices the difference).",
    },
    replicaLagAlarmSeconds: {
        type: "integer", default: 300, min: 30, max: 86400, roles: BOTH,
        description: "The ReplicaLag alarm threshold in seconds (30 to 86400): dr's replica, and prod's while it is rebuilt from dr.",
    },
    appInstanceType: {
        type: "string", default: "t3.medium", roles: BOTH, valid: INSTANCE_TYPE, expected: "an EC2 instance type such as t3.medium",
        description: "EC2 instance type of the app servers.",
    },
    appMinSize: {
        type: "integer", default: 2, min: 0, max: 100, roles: BOTH,
        description: "Auto Scaling group minimum size (0 to 100).",
    },
    appMaxSize: {
        type: "integer", default: 4, min: 1, max: 100, roles: BOTH,
        description: "Auto Scaling group maximum size (1 to 100).",
    },
    appDesiredCapacity: {
        type: "integer", default: 2, min: 0, max: 100, roles: BOTH,
        description: "Auto Scaling group desired capacity; min <= desired <= max.",
    },
    cacheNodeType: {
        type: "string", default: "cache.t4g.small", roles: BOTH, valid: pattern(/^cache\.[a-z0-9]+\.[a-z0-9]+$/),
        expected: "an ElastiCache node type such as cache.t4g.small",
        description: "ElastiCache Redis node type. prod runs two nodes (Multi-AZ, automatic failover); promoted dr runs one.",
    },
    customAmiId: {
        type: "string", roles: PRIMARY, roleNote: "the dr stack takes it from the primary's outputs",
        valid: pattern(/^ami-[0-9a-f]{8,17}$/), expected: "an AMI ID such as ami-0123456789abcdef0",
        description: "prod only, optional: a custom AMI in prod's region; dr copies it ahead of time. "
            + "Unset: both regions use the public Amazon Linux 2023 image from SSM.",
    },
    domainName: {
        type: "string", roles: BOTH, valid: pattern(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/),
        expected: "a lower-case DNS name such as www.example.com",
        description: "Optional: the site's DNS name (e.g. www.example.com). With hostedZoneId: an ACM certificate, HTTPS "
            + "on the ALB and Route 53 failover records. Unset: HTTPS through a CloudFront distribution with its default "
            + "certificate (https://dxxxx.cloudfront.net, one per region; after a failover users go to dr's), no DNS. "
            + "Required in the China regions (CloudFront there has no default certificate; the domain needs an ICP filing).",
    },
    hostedZoneId: {
        type: "string", roles: BOTH, valid: pattern(/^Z[A-Z0-9]{1,31}$/), expected: "a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ",
        description: "Optional: the Route 53 hosted zone ID that holds domainName. Set both or neither.",
    },
    databaseHost: {
        type: "string", roles: BOTH, valid: pattern(RDS_ENDPOINT),
        expected: "an RDS instance endpoint address in the stack's region, such as pl-prod-db-r20261201115900.c6c8mwvfdgv0.us-east-1.rds.amazonaws.com",
        description: "Optional, set by the recover runbook (npm run runbook -- recover): the app servers connect to this RDS "
            + "instance (a point-in-time restore beside the stack's database) instead of the stack's own database, which is kept "
            + "unchanged. Unset: the stack's database. Remove it to point the app back.",
    },
    standbyLoadBalancer: {
        type: "boolean", default: true, roles: DR,
        description: "dr only: keep dr's ALB and its listeners in standby, with the SECONDARY failover record (with domainName) "
            + "or the CloudFront distribution in front of it (without), so a failover needs no Route 53 or CloudFront change (their "
            + "control planes are in us-east-1). It costs an idle ALB in standby (README, cost section). false saves that, but "
            + "promotion then creates them and the promotion plan fails (exit 8).",
    },
    standbyNatGateway: {
        type: "boolean", default: true, roles: DR,
        description: "dr only: keep the app tier's egress in standby (one NAT gateway with its Elastic IP, the private subnets' "
            + "default routes through it) and the app servers' launch template, so promotion creates the Auto Scaling group "
            + "alone and serves 10 min after the decision instead of 12.5 (the resilience report's critical path). It costs a "
            + "NAT gateway's hours and a public IPv4 address in standby, $36.50 a month (README, cost section). false saves "
            + "that, and promotion then creates them on its critical path (+2.5 min).",
    },
    wafLoginRateLimit: {
        // AWS WAF's rate-based rule bounds (components/app/waf.ts RATE_LIMIT_MIN/MAX; a test keeps them equal).
        type: "integer", default: 100, min: 10, max: 2_000_000_000, roles: BOTH,
        description: "Requests one client IP may send to /wp-login.php and /xmlrpc.php in 5 minutes before the web application "
            + "firewall blocks it (10 to 2000000000, AWS WAF's bounds; the block lifts when its rate falls below). prod and promoted dr (components/app/waf.ts).",
    },
    singletonMode: {
        type: "string", default: "recoverable-instance", roles: PRIMARY, allowed: SINGLETON_MODES,
        expected: `one of ${SINGLETON_MODES.join(", ")}`,
        description: "prod only: the high-availability pattern of the stateful singleton service (docs/ha-patterns.md): "
            + `${SINGLETON_MODES.join(", ")}. Switching replaces the instance.`,
    },
    natGatewayPerAz: {
        type: "boolean", default: true, roles: BOTH,
        description: "A NAT gateway in every AZ of the app tier (prod; dr once hardened: standby and promotion keep one, "
            + "pilot-light:standbyNatGateway, and hardening adds the others in place), so an AZ "
            + "failure leaves the other AZs their egress: replacement app servers boot (packages, WordPress from wordpress.org, "
            + "secrets) and running ones reach S3 and Secrets Manager. false keeps one NAT gateway for all AZs: cheaper by a "
            + "gateway-hour and a public IPv4 per extra AZ (the cost report prices both), and the resilience report counts the AZ row as not covered.",
    },
    singletonInstanceType: {
        type: "string", default: "t3.small", roles: PRIMARY, valid: INSTANCE_TYPE, expected: "an EC2 instance type such as t3.small",
        description: "prod only: the singleton's EC2 instance type. recoverable-instance and standby-failover need a recoverable, EBS-only family.",
    },
    tags: {
        type: "object", default: {}, roles: BOTH, expected: "a map of tag names to string values",
        description: "Extra tags for every taggable resource, as a map in the stack file (or `pulumi config set --path "
            + "'pilot-light:tags.team' platform`). The aws: and pilot-light: prefixes are reserved.",
    },
    // Disaster operations (docs/runbooks/). The runbooks set these; you rarely set them by hand.
    drill: {
        type: "boolean", default: false, roles: DR,
        description: "dr only, not with promote: build dr's app tier against the still-replicating, read-only replica to rehearse "
            + "a failover. No DNS record is created, so prod traffic is untouched (npm run runbook -- drill).",
    },
    hardened: {
        type: "boolean", default: false, roles: DR, roleNote: "prod is always hardened; only a promoted dr stack (role dr) is hardened by this key",
        description: "dr only, with promote: turn the promoted dr into production (npm run runbook -- harden, after the failover serves): "
            + "Multi-AZ for the promoted database (an online modification, no replacement), a second Redis node with automatic "
            + "failover, ALB deletion protection; backups are on since promotion. Costs the RTO nothing (it runs after dr serves).",
    },
    reverseReplication: {
        type: "boolean", default: false, roles: DR,
        description: "dr only, while promoted: replicate new media from dr's bucket back to prod's bucket (failback step 3).",
    },
    rebuildFromPeer: {
        type: "boolean", default: false, roles: PRIMARY, roleNote: "it rebuilds the primary from a promoted dr (failback)",
        description: "prod only, during failback: prod's database becomes a cross-region replica of the promoted dr database, "
            + "and prod's app fleet is parked at 0 instances (the tier and its DNS record stay; the failing health check "
            + "keeps users on dr) until this is set back to false (switchover).",
    },
    databaseGeneration: {
        type: "integer", default: 1, min: 1, max: 99, roles: BOTH,
        description: "Which database this stack runs, 1 to 99. Raising it creates a new DB instance (identifier suffixed -g<N>) "
            + "beside the old one; the old one is snapshotted and retired by the failback runbook, never deleted by Pulumi.",
    },
    // Inputs of the plan reports (npm run plan): cost estimate and RTO/RPO targets.
    mediaStorageGb: {
        type: "integer", default: 100, ...STORAGE_GB, roles: BOTH,
        description: "Media stored in S3, in GB, for the cost estimate (each side holds a full copy).",
    },
    mediaMonthlyWriteGb: {
        type: "integer", default: 10, ...STORAGE_GB, roles: BOTH,
        description: "New media per month, in GB: what S3 replication moves across regions (cost estimate).",
    },
    dbMonthlyChangeGb: {
        type: "integer", default: 20, ...STORAGE_GB, roles: BOTH,
        description: "Binary log shipped to the cross-region replica per month, in GB (cost estimate).",
    },
    rtoTargetMinutes: {
        type: "integer", default: 60, min: 1, max: 10080, roles: BOTH,
        description: "Recovery time objective, 1 to 10080 minutes. The plan's resilience report compares its estimates with it.",
    },
    singletonRpoTargetMinutes: {
        type: "integer", default: 1440, min: 0, max: 10080, roles: PRIMARY,
        description: "prod only: the singleton's (a CI server's) recovery point objective, 0 to 10080 minutes: its data is restored "
            + "from scheduled snapshots after an AZ or region failure, so the snapshot interval (12 h) plus the copy to dr is its RPO. "
            + "The resilience report holds the singleton's rows to this instead of rpoTargetMinutes.",
    },
    rpoTargetMinutes: {
        type: "integer", default: 15, min: 0, max: 10080, roles: BOTH,
        description: "Recovery point objective, 0 to 10080 minutes. The plan's resilience report compares its estimates with it.",
    },
} as const satisfies Record<string, KeySpec>);

export type ConfigKey = keyof typeof CONFIG_SCHEMA;

/** Every key, in schema order. */
export const CONFIG_KEYS = Object.freeze(Object.keys(CONFIG_SCHEMA) as ConfigKey[]);

/** The value type a key parses to. */
export type ValueOf<K extends ConfigKey> = (typeof CONFIG_SCHEMA)[K] extends { type: "integer" } ? number
    : (typeof CONFIG_SCHEMA)[K] extends { type: "boolean" } ? boolean
    : (typeof CONFIG_SCHEMA)[K] extends { type: "object" } ? Readonly<Record<string, string>>
    : string;

/** The spec of a key, widened for code that handles every type. */
export function specOf(k: ConfigKey): KeySpec {
    return CONFIG_SCHEMA[k];
}

/** `pilot-light:<k>`. */
export function configKey(k: ConfigKey): string {
    return `${NAMESPACE}:${k}`;
}

/** Declared in Pulumi.yaml: every stack sets it, or it has a default. The rest are optional and undeclared. */
export function isDeclared(k: ConfigKey): boolean {
    const spec = specOf(k);
    return spec.required === true || spec.default !== undefined;
}

/** The keys Pulumi.yaml must not declare: no default and not set by every stack. */
export const OPTIONAL_KEYS = Object.freeze(CONFIG_KEYS.filter((k) => !isDeclared(k)));

/** A key's default, or undefined for a key without one. */
export function defaultOf<K extends ConfigKey>(k: K): ValueOf<K> | undefined {
    return specOf(k).default as ValueOf<K> | undefined;
}

/** What a key allows, in words, for messages. */
export function expectedOf(spec: KeySpec): string {
    switch (spec.type) {
    case "integer": return `a whole number from ${spec.min} to ${spec.max}`;
    case "boolean": return "true or false";
    default: return spec.expected;
    }
}

/** One key's value: the parsed value (the default when unset or bad), and the problem with it, if any. */
export interface ParsedValue<T> {
    value: T | undefined;
    problem?: string;
}

/**
 * Parses one raw value as Pulumi hands it to the program (a string; objects as JSON). Unset or
 * empty gives the default; a required key that is unset, or a bad value, gives a problem line
 * naming the key, the value and what is allowed. Pure.
 */
export function parseValue<K extends ConfigKey>(k: K, raw: string | undefined): ParsedValue<ValueOf<K>> {
    const spec = specOf(k);
    const fallback = spec.default as ValueOf<K> | undefined;
    if (raw === undefined || raw === "") {
        return spec.required ? { value: undefined, problem: `${configKey(k)}: not set; expected ${expectedOf(spec)}.` } : { value: fallback };
    }
    const bad = (): ParsedValue<ValueOf<K>> => ({
        value: fallback, problem: `${configKey(k)}: ${JSON.stringify(raw)} is not allowed; expected ${expectedOf(spec)}.`,
    });
    switch (spec.type) {
    case "integer": {
        const n = Number(raw);
        return /^-?\d+$/.test(raw.trim()) && Number.isSafeInteger(n) && n >= spec.min && n <= spec.max ? { value: n as ValueOf<K> } : bad();
    }
    case "boolean":
        return raw === "true" || raw === "false" ? { value: (raw === "true") as ValueOf<K> } : bad();
    case "object": {
        let parsed: unknown;
        try {
            parsed = JSON.parse(raw);
        } catch {
            return bad();
        }
        const isMap = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
            && Object.values(parsed as object).every((x) => typeof x === "string");
        return isMap ? { value: Object.freeze({ ...(parsed as Record<string, string>) }) as ValueOf<K> } : bad();
    }
    default: {
        const ok = spec.allowed !== undefined ? spec.allowed.includes(raw) : spec.valid === undefined || spec.valid(raw);
        if (ok) return { value: raw as ValueOf<K> };
        const near = spec.allowed !== undefined ? closestKey(raw, spec.allowed) : undefined;
        const result = bad();
        return near === undefined ? result : { ...result, problem: `${result.problem!.slice(0, -1)} (did you mean ${near}?).` };
    }
    }
}
