// Where the generator reads a Terraform provider's Go source: a checkout on disk, or a git
// repository at a tag (what the `fetch` tool brings, read with `git show`, never checked out
// or copied into this project). Two layouts are understood:
// - the provider's own tree (`internal/service/<service>/*.go`), e.g. a checkout of
//   hashicorp/terraform-provider-aws or hashicorp/terraform-provider-random at a tag;
// - lonegunmanb/terraform-provider-aws-index, which mirrors every release of the AWS provider
//   one Go declaration per file (`index/internal/service/<service>/func.<name>.goindex`,
//   `method.<type>.<name>.goindex`), tagged with the provider's version. The full provider
//   repository is larger than `fetch` can bring here; the index is not.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { bodyRange, tokenize } from "./goSyntax";

/** One Go declaration's text and where it was read, for citations (`file:line`). */
export interface GoDecl {
    text: string;
    /** Where it was read: the index file's stem (`func.resourceBucket`) or the tree path. */
    file: string;
    /** The 1-based line of `text`'s first line in `file`. */
    firstLine: number;
}

export interface ProviderSource {
    /** Human-readable origin, for error messages (`git <dir> @ <ref>`). */
    readonly origin: string;
    /** The index's one-declaration-per-file layout, or the provider's own tree. */
    readonly layout: "index" | "tree";
    /** The function or method `name` (`resourceBucket`, `securityGroupRuleResource.Schema`) declared in `dir`. */
    decl(dir: string, name: string): GoDecl | undefined;
    /** The value of a package-level string constant (`routeDestinationCIDRBlock = "destination_cidr_block"`) in `dir`. */
    constant(dir: string, ident: string): string | undefined;
    /** A whole file's text, or undefined when absent. */
    file(p: string): string | undefined;
}

type Reader = { read(p: string): string | undefined; list(dir: string): string[] };

function gitReader(gitDir: string, ref: string): Reader {
    const git = (...args: string[]) => execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "ignore"] });
    return {
        read: (p) => { try { return git("show", `${ref}:${p}`); } catch { return undefined; } },
        list: (dir) => { try { return git("ls-tree", "--name-only", `${ref}:${dir}`).split("\n").filter(Boolean); } catch { return []; } },
    };
}

function dirReader(root: string): Reader {
    return {
        read: (p) => { try { return fs.readFileSync(path.join(root, p), "utf8"); } catch { return undefined; } },
        list: (dir) => { try { return fs.readdirSync(path.join(root, dir)); } catch { return []; } },
    };
}

/** The text of `func name(` or `func (r *T) Name(` in `src`, from the line of `func` to the closing brace. */
export function findDecl(src: string, name: string): { text: string; firstLine: number } | undefined {
    const [recv, method] = name.includes(".") ? name.split(".") : [undefined, name];
    const re = recv
        ? new RegExp(`^func \\(\\w+ \\*?${recv}\\) ${method}\\(`, "m")
        : new RegExp(`^func ${method}\\(`, "m");
    const m = re.exec(src);
    if (!m) return undefined;
    const firstLine = src.slice(0, m.index).split("\n").length;
    const rest = src.slice(m.index);
    const toks = tokenize(rest);
    const body = bodyRange(toks);
    if (!body) return undefined;
    return { text: rest.split("\n").slice(0, toks[body.close].line).join("\n"), firstLine };
}

function source(origin: string, r: Reader): ProviderSource {
    const goFiles = (dir: string) => r.list(dir).filter((x) => x.endsWith(".go") && !x.endsWith("_test.go")).sort();
    return {
        origin,
        layout: r.list("index").length > 0 ? "index" : "tree",
        file: (p) => r.read(p),
        constant(dir, ident) {
            const re = new RegExp(`^\\s*(?:const\\s+)?${ident}\\s*=\\s*"([^"]*)"`, "m");
            // The index keeps a const block in a file named after its first constant (var.<name>);
            // the tree keeps it in one of the package's files.
            const texts = [r.read(`index/${dir}/var.${ident}.goindex`), ...(r.list(`index/${dir}`).length ? [] : goFiles(dir).map((f) => r.read(`${dir}/${f}`)))];
            for (const t of texts) {
                const m = t === undefined ? null : re.exec(t);
                if (m) return m[1];
            }
            return undefined;
        },
        decl(dir, name) {
            // The index layout: one declaration per file, named after it.
            const stem = name.includes(".") ? `method.${name}` : `func.${name}`;
            const indexed = r.read(`index/${dir}/${stem}.goindex`);
            if (indexed !== undefined) {
                const found = findDecl(indexed, name);
                if (found) return { text: found.text, file: stem, firstLine: found.firstLine };
            }
            // The provider's own tree: search the package's files.
            for (const f of goFiles(dir)) {
                const src = r.read(`${dir}/${f}`);
                const found = src === undefined ? undefined : findDecl(src, name);
                if (found) return { text: found.text, file: `${dir}/${f}`, firstLine: found.firstLine };
            }
            return undefined;
        },
    };
}

/** A git repository (bare or not) at `ref`, e.g. a tag such as `v6.58.0`. */
export function gitSource(gitDir: string, ref: string): ProviderSource {
    return source(`git ${gitDir} @ ${ref}`, gitReader(gitDir, ref));
}

/** A checkout on disk. */
export function dirSource(root: string): ProviderSource {
    return source(`dir ${root}`, dirReader(root));
}
