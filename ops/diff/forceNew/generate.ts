// Generates ops/diff/forceNew/table.json, the force-new table the offline diff uses, from the
// Terraform providers' source: for each type in manifest.ts, the inputs whose change replaces
// the resource (schema `ForceNew` / `RequiresReplace`, nested attributes with their path), and
// the places that decide a replacement in code (CustomizeDiff, ModifyPlan). Input names are
// the ones the installed Pulumi SDK declares. Only the derived table is written: no provider
// code is copied.
//
//   npx ts-node --transpile-only ops/diff/forceNew/generate.ts \
//     --aws <git dir or checkout>[@<tag>] --random <git dir or checkout>[@<tag>] [--names attr_constants.csv] [--check]
//
// --aws takes a checkout or git repository of hashicorp/terraform-provider-aws, or of
// lonegunmanb/terraform-provider-aws-index (the same source one declaration per file, tagged
// per provider release; `fetch` can bring it, the provider repository is too large), at the
// tag of the version @pulumi/aws bridges. --random takes hashicorp/terraform-provider-random.
// --names gives the provider's names/attr_constants.csv when the source has no names/ folder
// (the index has none); without it `names.AttrFooBar` is read as `foo_bar`.
// --check compares instead of writing, and exits 1 when the committed table differs.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ConditionalSite, conditionalSites } from "./conditionalSites";
import { PROVIDERS, RESOURCES, ResourceSpec } from "./manifest";
import { dirSource, gitSource, GoDecl, ProviderSource } from "./providerSource";
import { readSchema, SchemaAttr, SchemaContext } from "./schemaReader";
import { Props, pulumiName, SdkTypings } from "./sdkInputs";
import type { ForceNewTable, TableEntry } from "../forceNew";

const TABLE_FILE = path.join(__dirname, "table.json");

/** Acronyms the provider's attribute constants keep in capitals (names/attr_constants.csv). */
const ACRONYMS = ["AWS", "ARN", "CIDR", "DNS", "IAM", "ID", "IOPS", "IP", "JSON", "KMS", "SNS", "URI", "URL", "VPC"];

/** Splits a run of capitals into known acronyms, longest first (`VPCID` → VPC, ID); undefined if it is not made of them. */
function acronyms(run: string): string[] | undefined {
    if (run === "") return [];
    for (const a of [...ACRONYMS].sort((x, y) => y.length - x.length)) {
        if (!run.startsWith(a)) continue;
        const plural = run.slice(a.length) === "s" ? ["s"] : [];
        const rest = plural.length ? [] : acronyms(run.slice(a.length));
        if (rest) return [`${a}${plural.join("")}`, ...rest];
    }
    return undefined;
}

/**
 * `names.AttrX` → its snake_case value when no names/attr_constants.csv is at hand:
 * `AttrKMSKeyID` → `kms_key_id`, `AttrVPCID` → `vpc_id`, `AttrIDs` → `ids`.
 */
export function attrConstant(ident: string): string {
    const words = ident.replace(/^names\.Attr/, "").match(/IPv[46]|CloudWatch|[A-Z]{2,}s?(?=[A-Z][a-z]|$)|[A-Z]{2,}(?=[A-Z][a-z])|[A-Z][a-z0-9]*/g) ?? [];
    return words.flatMap((w) => (/^[A-Z]{2,}s?$/.test(w) ? acronyms(w) ?? [w] : [w])).map((w) => w.toLowerCase()).join("_");
}

function loadNames(csv: string | undefined, src: ProviderSource): Map<string, string> {
    const text = csv ? fs.readFileSync(csv, "utf8") : src.file("names/attr_constants.csv") ?? "";
    return new Map(text.split("\n").filter(Boolean).map((l) => l.split(",")).map(([snake, go]) => [`names.Attr${go}`, snake]));
}

function openSource(arg: string): { src: ProviderSource; ref?: string } {
    const [dir, ref] = arg.split("@");
    const gitDir = fs.existsSync(path.join(dir, "HEAD")) ? dir : fs.existsSync(path.join(dir, ".git")) ? path.join(dir, ".git") : undefined;
    return gitDir && ref ? { src: gitSource(gitDir, ref), ref } : { src: dirSource(dir), ref };
}

function context(src: ProviderSource, dir: string, names: Map<string, string>): SchemaContext {
    const cache = new Map<string, GoDecl | undefined>();
    return {
        decl(name) {
            if (!cache.has(name)) cache.set(name, src.decl(dir, name));
            return cache.get(name);
        },
        constant: (ident) => names.get(ident) ?? (ident.startsWith("names.Attr") ? attrConstant(ident)
            : /^[A-Za-z_]\w*$/.test(ident) ? src.constant(dir, ident) : undefined),
        external: new Set(),
    };
}

const hasForceNew = (a: SchemaAttr): boolean => a.forceNew || a.children.some(hasForceNew);
const forceNewLines = (a: SchemaAttr): string[] => [...(a.forceNew ? [a.at] : []), ...a.children.flatMap(forceNewLines)];

/**
 * The table entries of one resource's schema: a top-level input whose own change replaces it
 * (no `paths`), or the nested paths whose change does. A set whose elements hold a force-new
 * attribute counts as a whole: SDKv2 identifies set elements by hash, so changing any field of
 * an element removes it and adds a new one, and the removed force-new value forces the new
 * resource (terraform-plugin-sdk helper/schema `schemaMap.diffSet`, `Schema.finalizeDiff`).
 */
export function entriesOf(attrs: SchemaAttr[], props: Props, sdk: SdkTypings, renames: Readonly<Record<string, string>>,
    notInSdk: string[], tfPrefix = ""): { path: string[]; at: string[] }[] {
    const out: { path: string[]; at: string[] }[] = [];
    for (const a of attrs) {
        if (!a.input || !hasForceNew(a)) continue;
        const name = pulumiName(a.tf, (a.kind === "list" || a.kind === "set") && !a.maxItemsOne, props, renames);
        if (!name) { notInSdk.push(`${tfPrefix}${a.tf}`); continue; }
        if (a.forceNew || a.kind === "set") {
            out.push({ path: [name], at: forceNewLines(a) });
            continue;
        }
        const nested = sdk.nestedOf(props.get(name)!);
        if (!nested) { notInSdk.push(`${tfPrefix}${a.tf}.*`); continue; }
        for (const e of entriesOf(a.children, nested, sdk, {}, notInSdk, `${tfPrefix}${a.tf}.`)) out.push({ path: [name, ...e.path], at: e.at });
    }
    return out;
}

function tableEntry(token: string, spec: ResourceSpec, src: ProviderSource, sdk: SdkTypings, names: Map<string, string>): TableEntry {
    const ctx = context(src, spec.dir, names);
    const d = ctx.decl(spec.decl);
    if (!d) throw new Error(`${token}: ${spec.decl} not found in ${spec.dir} of ${src.origin}`);
    // The index also maps each Terraform resource to its package and CRUD functions: check the manifest against it.
    const indexed = src.file(`index/resources/${spec.terraform}.json`);
    if (indexed !== undefined) {
        const { namespace, create_index: create, schema_index: schema } = JSON.parse(indexed);
        // The schema's own function names it when the CRUD functions do not (aws_flow_log:
        // schema func.resourceFlowLog, create func.resourceLogFlowCreate).
        const declared = schema === `func.${spec.decl}.goindex` || !/^func\./.test(create) || String(create).startsWith(`func.${spec.decl}`);
        if (!String(namespace).endsWith(spec.dir) || !declared) {
            throw new Error(`${token}: the index puts ${spec.terraform} in ${namespace} with ${create}, not ${spec.dir} ${spec.decl}`);
        }
    }
    const props = sdk.args(token);
    if (!props) throw new Error(`${token}: no ${token.split(":").pop()}Args in ${sdk.packageDir}`);
    const attrs = readSchema(d, ctx);
    const notInSdk: string[] = [];
    const grouped = new Map<string, { at: string[]; paths: string[]; whole: boolean }>();
    for (const e of entriesOf(attrs, props, sdk, PROVIDERS[spec.provider].renames[token] ?? {}, notInSdk)) {
        const [input, ...rest] = e.path;
        const g = grouped.get(input) ?? { at: [], paths: [], whole: false };
        g.at.push(...e.at);
        if (rest.length === 0) g.whole = true;
        else g.paths.push(rest.join("."));
        grouped.set(input, g);
    }
    const forceNew = Object.fromEntries([...grouped].sort(([a], [b]) => a.localeCompare(b))
        .map(([input, g]) => [input, g.whole ? { at: g.at } : { paths: g.paths, at: g.at }]));
    const recv = spec.decl.includes(".") ? spec.decl.split(".")[0] : undefined;
    const modifyPlan = recv ? ctx.decl(`${recv}.ModifyPlan`) : undefined;
    const sites: ConditionalSite[] = conditionalSites(spec.decl, d, ctx, modifyPlan ? { name: `${recv}.ModifyPlan`, decl: modifyPlan } : undefined);
    const conditional = sites.map((s) => {
        const top = s.terraform.split(".")[0];
        const attr = attrs.find((a) => a.tf === top);
        const input = attr ? pulumiName(attr.tf, (attr.kind === "list" || attr.kind === "set") && !attr.maxItemsOne, props, PROVIDERS[spec.provider].renames[token] ?? {}) : undefined;
        return { terraform: s.terraform, ...(input ? { input } : {}), site: s.site, at: s.at };
    });
    // Framework RequiresReplaceIf... modifiers are conditional too.
    const walk = (as: SchemaAttr[], prefix: string): void => as.forEach((a) => {
        if (a.conditional) conditional.push({ terraform: `${prefix}${a.tf}`, ...(prefix ? {} : { input: pulumiName(a.tf, false, props) }), site: a.conditional, at: a.at });
        walk(a.children, `${prefix}${a.tf}.`);
    });
    walk(attrs, "");
    return {
        provider: spec.provider, terraform: spec.terraform, declaredIn: `${spec.dir} ${d.file}`,
        forceNew, conditional, notInSdk,
    };
}

async function main(argv: string[]): Promise<number> {
    const { values: v } = parseArgs({ args: argv, options: {
        aws: { type: "string" }, random: { type: "string" }, names: { type: "string" }, check: { type: "boolean" },
    } });
    if (!v.aws || !v.random) {
        process.stderr.write("usage: generate.ts --aws DIR[@TAG] --random DIR[@TAG] [--names attr_constants.csv] [--check]\n");
        return 2;
    }
    const root = path.join(__dirname, "..", "..", "..");
    const sources = { aws: openSource(v.aws), random: openSource(v.random) };
    const providers: ForceNewTable["providers"] = {};
    const sdks: Record<string, SdkTypings> = {};
    for (const [key, p] of Object.entries(PROVIDERS)) {
        const sdk = sdks[key] = new SdkTypings(path.join(root, "node_modules", p.sdkPackage));
        const s = sources[key as keyof typeof sources];
        const layout = s.src.layout === "index" ? "lonegunmanb/terraform-provider-aws-index" : `${p.repository} source tree`;
        providers[key] = { repository: p.repository, version: s.ref ?? "(checkout)", readFrom: `${layout} @ ${s.ref ?? "(checkout)"}`, sdk: `${p.sdkPackage} ${sdk.version()}` };
    }
    const names = loadNames(v.names, sources.aws.src);
    const types: ForceNewTable["types"] = {};
    for (const [token, spec] of Object.entries(RESOURCES)) {
        types[token] = tableEntry(token, spec, sources[spec.provider].src, sdks[spec.provider], names);
    }
    const table: ForceNewTable = { generatedBy: "ops/diff/forceNew/generate.ts", providers, types };
    const text = `${JSON.stringify(table, null, 1)}\n`;
    if (v.check) {
        const same = fs.readFileSync(TABLE_FILE, "utf8") === text;
        process.stderr.write(same ? "table.json is up to date\n" : "table.json differs from what the sources generate; run without --check\n");
        return same ? 0 : 1;
    }
    fs.writeFileSync(TABLE_FILE, text);
    process.stderr.write(`wrote ${path.relative(root, TABLE_FILE)}: ${Object.keys(types).length} types\n`);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code), (e) => { process.stderr.write(`${e?.stack ?? e}\n`); process.exit(1); });
}
