// Reads a Terraform resource's schema from its Go declaration into a tree of attributes with
// the facts the force-new table needs: which attributes are inputs, which force a new
// resource, and the shape of nested blocks (list, set, single object). Two schema styles:
// - terraform-plugin-sdk v2: `map[string]*schema.Schema{ "name": { ForceNew: true, ... } }`,
//   nested blocks in `Elem: &schema.Resource{ Schema: ... }`;
//   https://developer.hashicorp.com/terraform/plugin/sdkv2/schemas/schema-behaviors#forcenew
// - terraform-plugin-framework: `schema.Schema{ Attributes: ..., Blocks: ... }` where an
//   attribute forces replacement through a `RequiresReplace()` plan modifier;
//   https://developer.hashicorp.com/terraform/plugin/framework/resources/plan-modification#requiresreplace
// Conditional replacement (`RequiresReplaceIf...`) is reported as such, never as force-new.
import { bodyTokens, Call, Composite, composites, Expr, exprText, field, parseExpr, returned, Token, tokenize } from "./goSyntax";
import { GoDecl } from "./providerSource";

/** One attribute or nested block of a resource schema. */
export interface SchemaAttr {
    /** The Terraform name, e.g. `kms_key_id`. */
    tf: string;
    /** Where it is declared, `file:line`. */
    at: string;
    /** How its value repeats: a list, a set, a map, one nested object, or a plain value. */
    kind: "list" | "set" | "map" | "object" | "value";
    /** A list or set limited to one element (SDKv2 `MaxItems: 1`): the Pulumi bridge flattens it to one object. */
    maxItemsOne: boolean;
    /** Optional or Required: the user can set it. */
    input: boolean;
    forceNew: boolean;
    /** A conditional replacement (framework `RequiresReplaceIf...`), by the modifier's name. */
    conditional?: string;
    children: SchemaAttr[];
}

/** How the reader resolves names it meets: helper functions of the same package, and constants. */
export interface SchemaContext {
    /** A same-package function or method declaration, or undefined. */
    decl(name: string): GoDecl | undefined;
    /** The string value of a constant used as a schema key (`names.AttrBucket`, a package const). */
    constant(ident: string): string | undefined;
    /** Names of helpers the reader could not follow (other packages); recorded in the table. */
    external: Set<string>;
    /** Closures the declaration defines (`shared := func() *schema.Schema {...}`), filled by readSchema. */
    locals?: Map<string, Token[]>;
}

/** The `name := func(...) ... {...}` closures declared in `toks`, by name. */
function closures(toks: Token[]): Map<string, Token[]> {
    const out = new Map<string, Token[]>();
    for (let i = 0; i + 2 < toks.length; i++) {
        if (toks[i].kind === "ident" && toks[i + 1].text === ":=" && toks[i + 2].text === "func") {
            const { expr } = parseExpr(toks, i + 2);
            if (expr.node === "opaque") out.set(toks[i].text, expr.tokens);
        }
    }
    return out;
}

const isSchemaMap = (t: string) => /^map\[string\]\*?schema\.Schema$/.test(t);
const isAttrMap = (t: string) => t === "map[string]schema.Attribute";
const isBlockMap = (t: string) => t === "map[string]schema.Block";

function keyName(key: Expr | undefined, ctx: SchemaContext): string {
    if (key?.node === "opaque" && key.tokens.length === 1 && key.tokens[0].kind === "string") return key.tokens[0].text;
    const text = exprText(key);
    const value = ctx.constant(text);
    if (value === undefined) throw new Error(`schema key ${text} at line ${key?.line}: unknown constant; give its value to the generator (--names)`);
    return value;
}

const isTrue = (e: Expr | undefined) => exprText(e) === "true";

/** Whether a shared schema helper makes an input: `...Optional...`/`...Required...`, or anything not `...Computed`/`...ComputedOnly`. */
const isInputHelper = (name: string) => /Optional|Required/.test(name) || !/Computed(Only)?$/.test(name);

/** The composite a declaration returns or assigns, of the wanted type. */
function literalIn(d: GoDecl, match: (t: string) => boolean): Composite | undefined {
    return returned(bodyTokens(tokenize(d.text)), match);
}

/** Follows `expr` to a literal of the wanted type: itself, a same-package call, a named function, or a function literal's body. */
function resolve(expr: Expr | undefined, match: (t: string) => boolean, ctx: SchemaContext): { lit?: Composite; decl?: GoDecl } {
    if (!expr) return {};
    if (expr.node === "composite") {
        if (match(expr.type) || expr.type === "") return { lit: expr };
        return {};
    }
    const name = expr.node === "call" ? expr.callee : exprText(expr);
    if (expr.node === "opaque" && expr.tokens[0]?.text === "func") {
        return { lit: returned(bodyTokens(expr.tokens), match) };
    }
    const local = ctx.locals?.get(name);
    if (local) return { lit: returned(bodyTokens(local), match) };
    if (/^[A-Za-z_]\w*$/.test(name)) {
        const d = ctx.decl(name);
        if (d) return { lit: literalIn(d, match), decl: d };
    }
    ctx.external.add(name);
    return {};
}

/** Line numbers inside a helper are cited against the helper's own file. */
function at(d: GoDecl, line: number): string {
    return `${d.file}:${d.firstLine + line - 1}`;
}

function sdkAttrs(map: Composite, d: GoDecl, ctx: SchemaContext): SchemaAttr[] {
    return map.entries.filter((e) => e.key).map((e) => sdkAttr(keyName(e.key, ctx), e.value, e.key!.line, d, ctx));
}

function sdkAttr(tf: string, value: Expr, line: number, d: GoDecl, ctx: SchemaContext): SchemaAttr {
    const { lit, decl } = resolve(value, (t) => /^&?schema\.Schema$/.test(t), ctx);
    const here = decl ?? d;
    if (!lit) {
        // A helper from another package (tags, a shared JSON-policy schema, ...): its name says whether it forces new.
        const name = value.node === "call" ? value.callee : exprText(value);
        return { tf, at: at(d, line), kind: "value", maxItemsOne: false, input: isInputHelper(name), forceNew: /ForceNew/.test(name), children: [] };
    }
    const type = exprText(field(lit, "Type"));
    const kind = type.endsWith("TypeList") ? "list" : type.endsWith("TypeSet") ? "set" : type.endsWith("TypeMap") ? "map" : "value";
    let children: SchemaAttr[] = [];
    const elem = field(lit, "Elem");
    if (elem) {
        const res = resolve(elem, (t) => /^&?schema\.Resource$/.test(t), ctx);
        if (res.lit && /Resource$/.test(res.lit.type)) {
            const inner = resolve(field(res.lit, "Schema") ?? field(res.lit, "SchemaFunc"), isSchemaMap, ctx);
            if (inner.lit) children = sdkAttrs(inner.lit, inner.decl ?? res.decl ?? here, ctx);
        }
    }
    // Cite the `ForceNew: true` line itself where there is one.
    const forceNewAt = field(lit, "ForceNew")?.line;
    return {
        tf, at: at(here, forceNewAt ?? (decl ? lit.line : line)), kind, maxItemsOne: exprText(field(lit, "MaxItems")) === "1",
        input: isTrue(field(lit, "Optional")) || isTrue(field(lit, "Required")),
        forceNew: isTrue(field(lit, "ForceNew")), children,
    };
}

/** The plan-modifier calls of a framework attribute or block: force-new, conditional, or neither. */
function replaceModifiers(lit: Composite): { forceNew: boolean; conditional?: string; line?: number } {
    const mods = field(lit, "PlanModifiers");
    const calls = mods?.node === "composite" ? mods.entries.map((e) => e.value).filter((v): v is Call => v.node === "call") : [];
    // RequiresReplaceIfConfigured replaces on any change of a value the user set; that is the
    // only way our inputs change, so it counts as force-new.
    const always = calls.find((c) => /(^|\.)RequiresReplace(IfConfigured)?$/.test(c.callee));
    if (always) return { forceNew: true, line: always.line };
    const cond = calls.find((c) => /RequiresReplace/.test(c.callee));
    return cond ? { forceNew: false, conditional: cond.callee, line: cond.line } : { forceNew: false };
}

function fwKind(type: string): SchemaAttr["kind"] {
    if (/List/.test(type)) return "list";
    if (/Set/.test(type)) return "set";
    if (/Map/.test(type)) return "map";
    if (/Single|Object/.test(type)) return "object";
    return "value";
}

function fwAttrs(obj: Composite, d: GoDecl, ctx: SchemaContext, blocks: boolean): SchemaAttr[] {
    const out: SchemaAttr[] = [];
    for (const [name, isBlock] of [["Attributes", false], ["Blocks", true]] as const) {
        if (isBlock && !blocks) continue;
        const map = resolve(field(obj, name), isBlock ? isBlockMap : isAttrMap, ctx);
        for (const e of map.lit?.entries ?? []) {
            if (!e.key) continue;
            const tf = keyName(e.key, ctx);
            const value = resolve(e.value, (t) => /^schema\.\w+(Attribute|Block)$/.test(t), ctx);
            if (!value.lit) {
                const callee = e.value.node === "call" ? e.value.callee : exprText(e.value);
                out.push({ tf, at: at(d, e.key.line), kind: "value", maxItemsOne: false, input: isInputHelper(callee) && !/IDAttribute/.test(callee), forceNew: false, children: [] });
                continue;
            }
            const lit = value.lit;
            const nested = field(lit, "NestedObject");
            const inner = nested?.node === "composite" ? nested : /SingleNested/.test(lit.type) ? lit : undefined;
            const { line, ...replace } = replaceModifiers(lit);
            out.push({
                tf, at: at(value.decl ?? d, line ?? (value.decl ? lit.line : e.key.line)), kind: fwKind(lit.type), maxItemsOne: false,
                input: isBlock || isTrue(field(lit, "Optional")) || isTrue(field(lit, "Required")),
                ...replace,
                children: inner ? fwAttrs(inner, value.decl ?? d, ctx, true) : [],
            });
        }
    }
    return out.sort((a, b) => a.tf.localeCompare(b.tf));
}

/**
 * The schema of the resource declared by `d`: an SDKv2 resource function (returning
 * `&schema.Resource{...}` or the schema map itself) or a framework `Schema` method or
 * schema function.
 */
export function readSchema(d: GoDecl, ctx: SchemaContext): SchemaAttr[] {
    const toks = bodyTokens(tokenize(d.text));
    ctx.locals = closures(toks);
    const fw = composites(toks, (t) => t === "schema.Schema")[0];
    if (fw) return fwAttrs(fw, d, ctx, true);
    const resource = composites(toks, (t) => /^&?schema\.Resource$/.test(t))[0];
    const map = resource
        ? resolve(field(resource, "Schema") ?? field(resource, "SchemaFunc"), isSchemaMap, ctx)
        : { lit: returned(toks, isSchemaMap) };
    if (!map.lit) throw new Error(`${d.file}: no schema found in the declaration`);
    return sdkAttrs(map.lit, map.decl ?? d, ctx).sort((a, b) => a.tf.localeCompare(b.tf));
}
