// Reads a Pulumi project the way the CLI does for `pulumi preview`: the project file (name,
// main, the `config:` declarations, checked as Pulumi checks them) and a stack's settings file,
// merged and validated with Pulumi's own rules (./projectConfig.ts), then flattened into the
// `namespace:key` → string map the language host hands the program.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigValue, goJson, mergeProjectConfig, ProjectConfigDecl, qualifyKey, readProjectConfig } from "./projectConfig";
import { closestKey } from "../../stacks/closestKey";

/**
 * A project or stack file that `pulumi` itself would refuse (or that does not exist): bad
 * input, not a failed program. The plan command exits 2 on it.
 */
export class ProjectFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProjectFileError";
    }
}

export interface PulumiProject {
    dir: string;
    name: string;
    /** Absolute path of the program's entry module. */
    main: string;
    /** Pulumi.yaml's `config:` declarations, shorthand rewritten, keyed as written there. */
    config: Record<string, ProjectConfigDecl>;
}

export interface StackSettings {
    name: string;
    file: string;
    /** Fully qualified config, project defaults applied; objects JSON-encoded as the CLI does. */
    config: Record<string, string>;
    /** Keys whose value is `secure:` in the file; offline they hold a placeholder. */
    secretKeys: string[];
}

/** A YAML file; `intAsBigInt` keeps integers beyond 2^53 exact, as Go reads them. */
function readYaml(file: string, intAsBigInt = false): any {
    if (!fs.existsSync(file)) {
        throw new ProjectFileError(`${file} does not exist`);
    }
    try {
        return parse(fs.readFileSync(file, "utf8"), { intAsBigInt }) ?? {};
    } catch (e: any) {
        throw new ProjectFileError(`${file} is not valid YAML: ${e.message}`);
    }
}

export function loadProject(dir: string): PulumiProject {
    const abs = path.resolve(dir);
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(abs, f)).find((f) => fs.existsSync(f));
    if (!file) {
        throw new ProjectFileError(`${abs} holds no Pulumi.yaml: pass --dir the folder of a Pulumi project`);
    }
    const doc = readYaml(file);
    if (typeof doc.name !== "string" || doc.name === "") {
        throw new ProjectFileError(`${file}: project is missing a non-empty string 'name' attribute`);
    }
    const runtime = typeof doc.runtime === "string" ? doc.runtime : doc.runtime?.name;
    if (runtime !== "nodejs") {
        throw new ProjectFileError(`${file}: runtime ${JSON.stringify(runtime)} is not supported offline; only nodejs (TypeScript/JavaScript) programs can run in-process`);
    }
    if (typeof doc.config === "string") {
        throw new ProjectFileError(`${file}: \`config: ${doc.config}\` (a stack config folder, now stackConfigDir) is not supported offline`);
    }
    const { decls, problems } = readProjectConfig(doc.name, doc.config, file);
    if (problems.length > 0) {
        throw new ProjectFileError(problems.join("\n"));
    }
    return { dir: abs, name: doc.name, main: resolveMain(abs, doc.main), config: decls };
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

/** A stack file's value as Pulumi stores it: scalars as text, maps and lists as JSON, `secure:` as a secret. */
function storedValue(value: unknown): ConfigValue {
    if (value === null || value === undefined) {
        // The CLI warns and treats an empty value as "" (sdk/go/common/workspace/loaders.go, checkForEmptyConfig).
        return { text: "", secure: false, object: false };
    }
    if (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as any).secure === "string") {
        // Offline there is no key to decrypt with; the program sees a marked placeholder.
        return { text: "[offline-secret]", secure: true, object: false };
    }
    if (typeof value === "object") return { text: goJson(value), secure: false, object: true };
    return { text: String(value), secure: false, object: false };
}

/** Reads Pulumi.<stack>.yaml into fully qualified, stored values (no project defaults yet). */
export function readStackFile(project: PulumiProject, stack: string): { file: string; values: Record<string, ConfigValue> } {
    const file = path.join(project.dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const known = fs.readdirSync(project.dir).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => f.slice(7, -5));
        throw new ProjectFileError(`no stack "${stack}": ${file} does not exist (stacks here: ${known.join(", ") || "none"})`);
    }
    const doc = readYaml(file, true);
    const config = doc?.config ?? {};
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
        throw new ProjectFileError(`${file}: \`config\` must be a map of keys to values`);
    }
    const values: Record<string, ConfigValue> = {};
    for (const [key, value] of Object.entries<unknown>(config)) {
        values[qualifyKey(project.name, key)] = storedValue(value);
    }
    return { file, values };
}

/**
 * A stack's settings as the program would get them from `pulumi up`: the stack file, then
 * `overrides` (as `pulumi config set` would store them: text), then Pulumi.yaml's defaults and
 * values, validated with Pulumi's rules. Throws ProjectFileError with Pulumi's message when the
 * CLI would refuse the stack, plus a "did you mean" for a stack key that looks like a missing one.
 */
export function loadStack(project: PulumiProject, stack: string, overrides: Record<string, string> = {}): StackSettings {
    const { file, values } = readStackFile(project, stack);
    for (const [k, text] of Object.entries(overrides)) values[k] = { text, secure: false, object: false };
    const merged = mergeProjectConfig(stack, project.name, project.config, values);
    if (merged.problems.length > 0) {
        const declared = new Set(Object.keys(project.config).map((k) => qualifyKey(project.name, k)));
        const undeclared = Object.keys(values).filter((k) => !declared.has(k));
        const hints = merged.missing.flatMap((name) => {
            const wanted = qualifyKey(project.name, name);
            const near = undeclared.find((k) => closestKey(k.slice(k.indexOf(":") + 1), [wanted.slice(wanted.indexOf(":") + 1)]) !== undefined);
            return near ? [`${path.basename(file)} sets ${near}: did you mean ${wanted}?`] : [];
        });
        throw new ProjectFileError(`validating stack config (${file}):\n${[...merged.problems, ...hints].map((p) => `  - ${p}`).join("\n")}`);
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [k, v] of Object.entries(merged.config)) {
        config[k] = v.text;
        if (v.secure) secretKeys.push(k);
    }
    return { name: stack, file, config, secretKeys };
}
