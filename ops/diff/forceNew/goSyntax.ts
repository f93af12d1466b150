// Just enough Go syntax to read a Terraform provider's schema declarations: a tokenizer and a
// parser of expressions into composite literals (`T{ key: value, ... }`), calls and opaque
// text. It does not type-check or evaluate anything; the schema readers (sdkSchema.ts) give
// the literals their meaning. Function literals are kept opaque (their bodies are tokens a
// reader may search), because a schema is declared, not computed, in the providers we read.

export type TokenKind = "ident" | "string" | "number" | "punct";

export interface Token {
    kind: TokenKind;
    /** The token's text; for a string, its value without quotes. */
    text: string;
    /** 1-based line in the source. */
    line: number;
}

const PUNCT3 = ["...", "<<=", ">>=", "&^="];
const PUNCT2 = ["&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=", ":=", "+=", "-=", "*=", "/=", "<<", ">>", "&^"];

/** Splits Go source into tokens, dropping comments and white space and unquoting strings. */
export function tokenize(src: string): Token[] {
    const out: Token[] = [];
    let i = 0;
    let line = 1;
    const n = src.length;
    while (i < n) {
        const c = src[i];
        if (c === "\n") { line++; i++; continue; }
        if (c === " " || c === "\t" || c === "\r") { i++; continue; }
        if (src.startsWith("//", i)) { while (i < n && src[i] !== "\n") i++; continue; }
        if (src.startsWith("/*", i)) {
            const end = src.indexOf("*/", i + 2);
            const stop = end < 0 ? n : end + 2;
            line += (src.slice(i, stop).match(/\n/g) ?? []).length;
            i = stop;
            continue;
        }
        const start = line;
        if (c === "`") {
            const end = src.indexOf("`", i + 1);
            const stop = end < 0 ? n : end;
            const text = src.slice(i + 1, stop);
            line += (text.match(/\n/g) ?? []).length;
            out.push({ kind: "string", text, line: start });
            i = stop + 1;
            continue;
        }
        if (c === "\"" || c === "'") {
            let j = i + 1;
            let text = "";
            while (j < n && src[j] !== c && src[j] !== "\n") {
                if (src[j] === "\\") { text += src[j + 1]; j += 2; } else { text += src[j++]; }
            }
            out.push({ kind: "string", text, line: start });
            i = j + 1;
            continue;
        }
        const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 200));
        if (word) { out.push({ kind: "ident", text: word[0], line }); i += word[0].length; continue; }
        const num = /^[0-9][0-9A-Za-z_.]*/.exec(src.slice(i, i + 100));
        if (num) { out.push({ kind: "number", text: num[0], line }); i += num[0].length; continue; }
        const p = PUNCT3.find((s) => src.startsWith(s, i)) ?? PUNCT2.find((s) => src.startsWith(s, i)) ?? c;
        out.push({ kind: "punct", text: p, line });
        i += p.length;
    }
    return out;
}

/** A composite literal: `T{ k: v, ... }` (also `&T{...}` and the elided `{...}` of a map value). */
export interface Composite {
    node: "composite";
    /** The literal's type as written, e.g. `map[string]*schema.Schema`, `&schema.Resource`, or "" when elided. */
    type: string;
    entries: { key?: Expr; value: Expr }[];
    line: number;
}

/** A call `f(args)` or `pkg.f(args)`, possibly a method chain such as `a.B().C()` (callee is the whole text before the last `(`). */
export interface Call {
    node: "call";
    callee: string;
    args: Expr[];
    line: number;
}

/** Anything else: identifiers, selectors, literals, operators, function literals. */
export interface Opaque {
    node: "opaque";
    tokens: Token[];
    line: number;
}

export type Expr = Composite | Call | Opaque;

const OPEN: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** Index just past the bracket that closes the one at `i`. */
export function skipBalanced(toks: Token[], i: number): number {
    const stack: string[] = [];
    for (let j = i; j < toks.length; j++) {
        const t = toks[j];
        if (t.kind !== "punct") continue;
        if (OPEN[t.text]) stack.push(OPEN[t.text]);
        else if (t.text === stack[stack.length - 1]) {
            stack.pop();
            if (stack.length === 0) return j + 1;
        }
    }
    return toks.length;
}

const isPunct = (t: Token | undefined, s: string) => t !== undefined && t.kind === "punct" && t.text === s;

/**
 * Parses one expression starting at `i`, stopping before a `,`, `:`, or closing bracket at
 * depth 0. Returns the expression and the index after it.
 */
export function parseExpr(toks: Token[], i: number): { expr: Expr; next: number } {
    const start = i;
    let j = i;
    while (j < toks.length) {
        const t = toks[j];
        if (t.kind === "punct" && ([",", ":", ")", "]", "}", ";"].includes(t.text))) break;
        if (isPunct(t, "{")) {
            const prefix = toks.slice(start, j);
            // A function literal's body, or a control-flow block: opaque.
            if (prefix.some((p) => p.kind === "ident" && (p.text === "func" || p.text === "struct" || p.text === "interface"))) {
                j = skipBalanced(toks, j);
                continue;
            }
            const { composite, next } = parseComposite(toks, j, prefix);
            // A literal followed by more (e.g. a method call on it) is kept as it is parsed:
            // the schema readers only need the literal.
            return { expr: composite, next: skipRest(toks, next) };
        }
        if (isPunct(t, "(")) {
            const close = skipBalanced(toks, j);
            const after = toks[close];
            const endsHere = !after || (after.kind === "punct" && [",", ":", ")", "]", "}", ";"].includes(after.text));
            const prefix = toks.slice(start, j);
            if (endsHere && prefix.length > 0 && prefix.every((p) => p.kind === "ident" || isPunct(p, ".") || isPunct(p, "]") || isPunct(p, "[") || isPunct(p, ")") || isPunct(p, "("))) {
                return { expr: { node: "call", callee: prefix.map((p) => p.text).join(""), args: parseList(toks, j + 1, close - 1), line: toks[start].line }, next: close };
            }
            j = close;
            continue;
        }
        if (t.kind === "punct" && OPEN[t.text]) { j = skipBalanced(toks, j); continue; }
        j++;
    }
    return { expr: { node: "opaque", tokens: toks.slice(start, j), line: toks[start]?.line ?? 0 }, next: j };
}

function skipRest(toks: Token[], i: number): number {
    let j = i;
    while (j < toks.length && !(toks[j].kind === "punct" && [",", ":", ")", "]", "}", ";"].includes(toks[j].text))) {
        j = toks[j].kind === "punct" && OPEN[toks[j].text] ? skipBalanced(toks, j) : j + 1;
    }
    return j;
}

/** Comma-separated expressions between `from` and `to` (exclusive). */
function parseList(toks: Token[], from: number, to: number): Expr[] {
    const out: Expr[] = [];
    let j = from;
    while (j < to) {
        const { expr, next } = parseExpr(toks, j);
        out.push(expr);
        j = next;
        if (isPunct(toks[j], ",")) j++;
        else if (next === j && !isPunct(toks[j], ",")) j++;
    }
    return out;
}

function parseComposite(toks: Token[], open: number, prefix: Token[]): { composite: Composite; next: number } {
    const close = skipBalanced(toks, open) - 1;
    const entries: Composite["entries"] = [];
    let j = open + 1;
    while (j < close) {
        const first = parseExpr(toks, j);
        j = first.next;
        if (isPunct(toks[j], ":")) {
            const second = parseExpr(toks, j + 1);
            entries.push({ key: first.expr, value: second.expr });
            j = second.next;
        } else {
            entries.push({ value: first.expr });
        }
        if (isPunct(toks[j], ",")) j++;
        else if (j < close) j++;
    }
    return { composite: { node: "composite", type: prefix.map((p) => p.text).join(""), entries, line: toks[open].line }, next: close + 1 };
}

/** The text of an opaque expression, tokens joined (`names.AttrBucket`, `true`, `schema.TypeList`). */
export function exprText(e: Expr | undefined): string {
    if (!e) return "";
    if (e.node === "opaque") return e.tokens.map((t) => t.text).join("");
    if (e.node === "call") return `${e.callee}(...)`;
    return `${e.type}{...}`;
}

/** A composite's entry value by its (identifier) key, e.g. `ForceNew`, `Elem`, `Attributes`. */
export function field(c: Composite, name: string): Expr | undefined {
    return c.entries.find((e) => e.key?.node === "opaque" && exprText(e.key) === name)?.value;
}

/** The indexes of a function's body braces: the first `{` after its parameter and result lists, and its match. */
export function bodyRange(toks: Token[]): { open: number; close: number } | undefined {
    let depth = 0;
    for (let i = 0; i < toks.length; i++) {
        const t = toks[i];
        if (t.kind !== "punct") continue;
        if (t.text === "(" || t.text === "[") depth++;
        else if (t.text === ")" || t.text === "]") depth--;
        else if (t.text === "{" && depth === 0) return { open: i, close: skipBalanced(toks, i) - 1 };
    }
    return undefined;
}

/** The tokens of a function's body. */
export function bodyTokens(toks: Token[]): Token[] {
    const r = bodyRange(toks);
    return r ? toks.slice(r.open + 1, r.close) : [];
}

/**
 * The composite literal a function body returns at its top level (`return map[...]{...}`), of
 * the wanted type; else the first such literal anywhere in the body. Local closures declared
 * before the return (shared sub-schemas) are skipped that way.
 */
export function returned(body: Token[], match: (type: string) => boolean): Composite | undefined {
    let depth = 0;
    for (let i = 0; i < body.length; i++) {
        const t = body[i];
        if (t.kind === "punct" && (t.text === "{" || t.text === "(" || t.text === "[")) depth++;
        else if (t.kind === "punct" && (t.text === "}" || t.text === ")" || t.text === "]")) depth--;
        else if (depth === 0 && t.kind === "ident" && t.text === "return") {
            const { expr } = parseExpr(body, i + 1);
            if (expr.node === "composite" && match(expr.type)) return expr;
        }
    }
    return composites(body, match)[0];
}

const KEYWORDS = new Set(["return", "func", "if", "else", "for", "range", "case", "default", "go", "defer", "var", "const", "switch", "select"]);

/** Every composite literal in `toks` whose type matches, outermost first, in source order (how a reader finds a function's schema literal). */
export function composites(toks: Token[], typeMatch: (type: string) => boolean): Composite[] {
    const found: Composite[] = [];
    for (let j = 0; j < toks.length; j++) {
        if (!isPunct(toks[j], "{")) continue;
        let k = j - 1;
        while (k >= 0 && ((toks[k].kind === "ident" && !KEYWORDS.has(toks[k].text)) || (toks[k].kind === "punct" && [".", "*", "&", "[", "]"].includes(toks[k].text)))) k--;
        const prefix = toks.slice(k + 1, j);
        const type = prefix.map((p) => p.text).join("");
        if (type && typeMatch(type)) {
            const { composite, next } = parseComposite(toks, j, prefix);
            found.push(composite);
            j = next - 1;
        }
    }
    return found;
}
