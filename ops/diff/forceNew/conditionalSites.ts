// Finds where a resource decides a replacement in code rather than in its schema: SDKv2
// `CustomizeDiff` functions calling `ForceNew`, `customdiff.ForceNewIf`/`ForceNewIfChange`, and
// framework `ModifyPlan` methods setting `RequiresReplace`. These cannot be turned into a table
// mechanically (they depend on old and new values); the generator lists them so that
// ops/diff/conditional.ts must account for every one (tests/diff/forceNewTable.test.ts).
import { bodyTokens, composites, field, skipBalanced, Token, tokenize } from "./goSyntax";
import { GoDecl } from "./providerSource";
import { SchemaContext } from "./schemaReader";

/** One place that may force a replacement depending on values. */
export interface ConditionalSite {
    /** The Terraform attribute path it names (`ipv6_cidr_block`, `launch_template.0.version`), or `(computed)`. */
    terraform: string;
    /** The function or method it is in. */
    site: string;
    at: string;
}

const isPunct = (t: Token | undefined, s: string) => t?.kind === "punct" && t.text === s;

/** The attribute a ForceNew-style call names: its first string (or `names.AttrX`) argument. */
function attrArg(toks: Token[], open: number, ctx: SchemaContext): string {
    const close = skipBalanced(toks, open);
    for (let j = open + 1; j < close; j++) {
        const t = toks[j];
        if (t.kind === "string") return t.text;
        if (t.text === "names" && isPunct(toks[j + 1], ".") && toks[j + 2]?.kind === "ident") {
            return ctx.constant(`names.${toks[j + 2].text}`) ?? "(computed)";
        }
        // A nested call (a condition function) ends the search: its strings are not the attribute.
        if (isPunct(t, "(") || t.text === "func") break;
    }
    return "(computed)";
}

function scan(d: GoDecl, name: string, toks: Token[], ctx: SchemaContext, out: ConditionalSite[], seen: Set<string>, depth: number): void {
    const at = (line: number) => `${d.file}:${d.firstLine + line - 1}`;
    for (let i = 0; i < toks.length; i++) {
        const t = toks[i];
        if (t.kind !== "ident") continue;
        if (/^ForceNew(If|IfChange|IfChanged)?$/.test(t.text) && isPunct(toks[i + 1], "(")) {
            out.push({ terraform: attrArg(toks, i + 1, ctx), site: name, at: at(t.line) });
        } else if (t.text === "RequiresReplace" && isPunct(toks[i - 1], ".") && !isPunct(toks[i + 1], "(")) {
            // response.RequiresReplace = ...: collect the path.Root("x") it names, if literal.
            let j = i + 1;
            const roots: string[] = [];
            while (j < toks.length && toks[j].line === t.line) {
                if (toks[j].text === "Root" && isPunct(toks[j + 1], "(")) roots.push(attrArg(toks, j + 1, ctx));
                j++;
            }
            for (const r of roots.length ? roots : ["(computed)"]) out.push({ terraform: r, site: name, at: at(t.line) });
        } else if (depth < 3 && !isPunct(toks[i - 1], ".") && !seen.has(t.text) && /^[a-z]/.test(t.text)) {
            // A same-package helper (CustomizeDiff functions are named, then called in sequence).
            const helper = ctx.decl(t.text);
            if (helper) {
                seen.add(t.text);
                scan(helper, t.text, bodyTokens(tokenize(helper.text)), ctx, out, seen, depth + 1);
            }
        }
    }
}

/**
 * The conditional replacement sites of the resource declared by `d`: what its `CustomizeDiff`
 * reaches (SDKv2), or its type's `ModifyPlan` method (framework). Sites are named by function
 * (`resourceInstance`, `resourceVPCCustomizeDiff`, `securityGroupRuleResource.ModifyPlan`), so
 * the names do not depend on how the source was laid out.
 */
export function conditionalSites(name: string, d: GoDecl, ctx: SchemaContext, modifyPlan?: { name: string; decl: GoDecl }): ConditionalSite[] {
    const out: ConditionalSite[] = [];
    const seen = new Set<string>();
    const unique = () => out.filter((s, i) => out.findIndex((o) => o.at === s.at && o.terraform === s.terraform) === i);
    if (modifyPlan) {
        scan(modifyPlan.decl, modifyPlan.name, bodyTokens(tokenize(modifyPlan.decl.text)), ctx, out, seen, 3);
        return unique();
    }
    const resource = composites(bodyTokens(tokenize(d.text)), (t) => /^&?schema\.Resource$/.test(t))[0];
    const custom = resource ? field(resource, "CustomizeDiff") : undefined;
    if (!custom) return out;
    const toks = custom.node === "opaque" ? custom.tokens
        : custom.node === "call" ? tokenize(d.text).filter((t) => t.line >= custom.line && t.line <= lastLine(custom)) : [];
    scan(d, name, toks, ctx, out, seen, 0);
    // One site can be reached through several paths; keep each once.
    return unique();
}

function lastLine(e: { line: number; args?: unknown[] }): number {
    let max = e.line;
    const visit = (x: any) => {
        if (!x || typeof x !== "object") return;
        if (typeof x.line === "number") max = Math.max(max, x.line);
        if (Array.isArray(x.tokens)) for (const t of x.tokens) max = Math.max(max, t.line);
        for (const v of Object.values(x)) if (v && typeof v === "object") visit(v);
    };
    visit(e);
    return max;
}
