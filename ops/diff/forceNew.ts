// Which input changes make a provider replace a resource instead of updating it, for the
// resource types this project creates. @pulumi/aws and @pulumi/random are bridged from the
// Terraform providers, so this is their schemas' `ForceNew` (SDKv2) / `RequiresReplace`
// (plugin framework). The table is generated from the providers' source by
// ops/diff/forceNew/generate.ts into ops/diff/forceNew/table.json, with the file and line of
// every attribute; this module only loads it. Replacements the providers decide in code
// (CustomizeDiff, ModifyPlan) are listed there as `conditional` and modelled in
// conditional.ts, with the one every AWS resource has: its per-resource `region`.
//
// A type missing from the table fails the test that plans every stack
// (tests/diff/forceNewTable.test.ts), so a new resource type cannot slip into the promotion
// diff without being added to manifest.ts and regenerated.
import * as fs from "fs";
import * as path from "path";

/** The inputs of one type whose change forces a new resource. */
export interface TableEntry {
    provider: string;
    /** The Terraform resource, e.g. `aws_db_instance`. */
    terraform: string;
    /** The provider package folder and the file (or index stem) of the schema declaration. */
    declaredIn: string;
    /**
     * Input → where it forces replacement. Without `paths` any change of the input replaces the
     * resource; with `paths` only a change of the value at one of those nested paths
     * (`encrypted` under `rootBlockDevice`) does.
     */
    forceNew: Record<string, { paths?: string[]; at: string[] }>;
    /** Replacements decided in code: the Terraform attribute, its input where it has one, and where. */
    conditional: { terraform: string; input?: string; site: string; at: string }[];
    /** Force-new Terraform attributes with no input in the installed SDK (a schema newer than the SDK). */
    notInSdk: string[];
}

export interface ForceNewTable {
    generatedBy: string;
    /** Per provider: its repository, the version read, how it was read, and the SDK whose names were used. */
    providers: Record<string, { repository: string; version: string; readFrom: string; sdk: string }>;
    types: Record<string, TableEntry>;
}

/** The generated table's path. */
export const TABLE_FILE = path.join(__dirname, "forceNew", "table.json");

/** The generated table, as committed. */
export const TABLE: ForceNewTable = JSON.parse(fs.readFileSync(TABLE_FILE, "utf8"));

/** One force-new input: the whole input, or only the nested paths listed. */
export interface ForceNewInput {
    input: string;
    paths?: readonly string[];
}

/**
 * Resources the Pulumi engine implements itself, with no provider schema to generate from.
 * `pulumi:index:Stash`: a new input is an update that keeps the stashed output; only a replace
 * (`pulumi up --replace <urn>`) stashes the new input (pulumi/pulumi pkg/resource/deploy/builtins.go).
 */
export const ENGINE_BUILTINS: Readonly<Record<string, readonly ForceNewInput[]>> = { "pulumi:index:Stash": [] };

/** Type token → its force-new inputs: the generated provider table plus the engine's builtins. */
export const FORCE_NEW: Readonly<Record<string, readonly ForceNewInput[]>> = {
    ...Object.fromEntries(
        Object.entries(TABLE.types).map(([type, e]) => [type, Object.entries(e.forceNew).map(([input, f]) => (f.paths ? { input, paths: f.paths } : { input }))]),
    ),
    ...ENGINE_BUILTINS,
};

/**
 * Resource types that hold data: replacing or deleting one loses it. The promotion diff fails
 * on either, naming the resource, unless a delete is an explicit, retained retirement.
 */
export const DATA_TYPES: ReadonlySet<string> = new Set([
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    // Backups are data: replacing the replication stops it (components/database/backupReplication.ts).
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret",
    "aws:ebs/volume:Volume",
]);
