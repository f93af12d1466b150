// Reads a Pulumi project the way the CLI does for `pulumi preview`: the project file
// (name, main, config defaults) and a stack's settings file, flattened into the
// `namespace:key` → string map the language host hands the program.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface PulumiProject {
    dir: string;
    name: string;
    /** Absolute path of the program's entry module. */
    main: string;
    /** Defaults declared in Pulumi.yaml's `config:` block, fully qualified. */
    defaults: Record<string, string>;
}

export interface StackSettings {
    name: string;
    file: string;
    /** Fully qualified config, defaults applied; objects JSON-encoded as the CLI does. */
    config: Record<string, string>;
    /** Keys whose value is `secure:` in the file; offline they hold a placeholder. */
    secretKeys: string[];
}

function readYaml(file: string): any {
    if (!fs.existsSync(file)) {
        throw new Error(`${file} does not exist`);
    }
    try {
        return parse(fs.readFileSync(file, "utf8")) ?? {};
    } catch (e: any) {
        throw new Error(`${file} is not valid YAML: ${e.message}`);
    }
}

/** Config values reach the program as strings; maps and lists as JSON, like the CLI passes them. */
function configString(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(v);
}

function qualify(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

export function loadProject(dir: string): PulumiProject {
    const abs = path.resolve(dir);
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(abs, f)).find((f) => fs.existsSync(f));
    if (!file) {
        throw new Error(`${abs} holds no Pulumi.yaml: pass --dir the folder of a Pulumi project`);
    }
    const doc = readYaml(file);
    if (typeof doc.name !== "string") {
        throw new Error(`${file}: the project has no name`);
    }
    const runtime = typeof doc.runtime === "string" ? doc.runtime : doc.runtime?.name;
    if (runtime !== "nodejs") {
        throw new Error(`${file}: runtime ${JSON.stringify(runtime)} is not supported offline; only nodejs (TypeScript/JavaScript) programs can run in-process`);
    }
    const defaults: Record<string, string> = {};
    for (const [key, decl] of Object.entries<any>(doc.config ?? {})) {
        const value = decl !== null && typeof decl === "object" && !Array.isArray(decl)
            ? (decl.value ?? decl.default)
            : decl;
        if (value !== undefined) {
            defaults[qualify(doc.name, key)] = configString(value);
        }
    }
    return { dir: abs, name: doc.name, main: resolveMain(abs, doc.main), defaults };
}

function resolveMain(dir: string, main: string | undefined): string {
    const base = path.resolve(dir, main ?? ".");
    const candidates = [base, `${base}.ts`, `${base}.js`, path.join(base, "index.ts"), path.join(base, "index.js")];
    const pkg = path.join(dir, "package.json");
    if (main === undefined && fs.existsSync(pkg)) {
        const pkgMain = JSON.parse(fs.readFileSync(pkg, "utf8")).main;
        if (typeof pkgMain === "string") candidates.unshift(path.resolve(dir, pkgMain));
    }
    const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
    if (!found) {
        throw new Error(`no program entry found at ${base} (tried ${candidates.map((c) => path.relative(dir, c)).join(", ")})`);
    }
    return found;
}

/** A stack's settings, flattened, with the project's defaults under them. */
export function loadStack(project: PulumiProject, stack: string): StackSettings {
    const file = path.join(project.dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const known = fs.readdirSync(project.dir).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => f.slice(7, -5));
        throw new Error(`no stack "${stack}": ${file} does not exist (stacks here: ${known.join(", ") || "none"})`);
    }
    const doc = readYaml(file);
    const config: Record<string, string> = { ...project.defaults };
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries<any>(doc.config ?? {})) {
        const k = qualify(project.name, key);
        if (value !== null && typeof value === "object" && "secure" in value) {
            // Offline there is no key to decrypt with; the program sees a marked placeholder.
            config[k] = "[offline-secret]";
            secretKeys.push(k);
        } else {
            config[k] = configString(value);
        }
    }
    return { name: stack, file, config, secretKeys };
}
