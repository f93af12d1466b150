// PHP for the tests that run the boot program's PHP: the system `php` when it is on PATH (CI
// installs Debian's php-cli, .ci/run), otherwise PHP 8.5 compiled to WebAssembly (@php-wasm/node,
// an exact-pinned devDependency whose .wasm ships in the npm package, so `npm ci` is all a fresh
// machine needs). 8.5 is the PHP the app servers run (php8.5-* on AL2023, components/app/boot/boot.sh).
// PILOT_LIGHT_PHP=wasm forces the WebAssembly build; PILOT_LIGHT_PHP=/path/to/php forces that binary.
//
// Both run the same command line: `php -l`, `php -r` through PHP's own CLI (php.cli(), which
// returns PHP's real exit code: 255 for a parse error or an uncaught exception), and `php -S`
// through a node:http server that hands each request to PHP (php.run(): PHP's status, headers and
// body). The WebAssembly PHP gets the error settings of php.ini-production, which Debian's php-cli
// uses (display_errors off, errors logged to stderr): a warning never lands in stdout or in a
// response body under one backend and not the other.
import { spawn, spawnSync } from "child_process";
import { existsSync, readFileSync, statSync } from "fs";
import { createServer, IncomingMessage, ServerResponse } from "http";
import { AddressInfo } from "net";
import { extname, join, normalize, sep } from "path";
import type { PHP as WasmPhp, PHPResponse } from "@php-wasm/universal";

export const PHP_ENV = "PILOT_LIGHT_PHP";

type Backend = { kind: "system"; binary: string; label: string } | { kind: "wasm"; label: string };

function pick(): Backend {
    const forced = process.env[PHP_ENV];
    if (forced === "wasm") return { kind: "wasm", label: `php-wasm 8.5 (${PHP_ENV}=wasm)` };
    const binary = forced || "php";
    const probe = spawnSync(binary, ["--version"], { encoding: "utf8" });
    if (probe.error || probe.status !== 0) {
        if (forced) throw new Error(`${PHP_ENV}=${forced}: cannot run it (${probe.error?.message ?? `exit ${probe.status}`}); use "wasm" or the path of a php binary`);
        return { kind: "wasm", label: "php-wasm 8.5 (no php on PATH)" };
    }
    const version = /^PHP (\S+)/.exec(probe.stdout)?.[1] ?? "unknown version";
    return { kind: "system", binary, label: `system php ${version}` };
}

const backend = pick();

/** Which PHP the tests use, for their titles: "system php 8.2.36" or "php-wasm 8.5 (…)". */
export const PHP_USED = backend.label;

export type PhpBackend = "system" | "wasm";

export interface PhpResult { status: number; stdout: string; stderr: string }

// php.ini-production's error settings, as in Debian's /etc/php/8.2/cli/php.ini (from
// /usr/lib/php/8.2/php.ini-production: display_errors Off, display_startup_errors Off, log_errors On,
// error_reporting E_ALL & ~E_DEPRECATED & ~E_STRICT; E_STRICT left E_ALL in PHP 8.4, so both give
// error_reporting() 22527, checked on both). log_errors without error_log writes "PHP Warning: ..." to stderr.
const PRODUCTION_INI = { display_errors: "0", display_startup_errors: "0", log_errors: "1", html_errors: "0", error_reporting: "E_ALL & ~E_DEPRECATED" };

let processId = 0;
// The WebAssembly API this file uses (the ES2022 lib without the DOM's has no WebAssembly types).
const WebAssemblyApi = (globalThis as unknown as {
    WebAssembly: { compile(bytes: Uint8Array): Promise<object>; instantiate(module: object, imports: object): Promise<object> };
}).WebAssembly;
let compiled: Promise<object> | undefined;

/** A fresh PHP 8.5 runtime (one per CLI run: PHP's CLI ends its runtime), the host filesystem mounted. */
async function wasmPhp(): Promise<WasmPhp> {
    const { getPHPLoaderModule, loadNodeRuntime, useHostFilesystem } = await import("@php-wasm/node");
    const { PHP, setPhpIniEntries } = await import("@php-wasm/universal");
    // PHP's .wasm (26 MB) compiled once per test process, instantiated anew for each runtime
    // (Emscripten's instantiateWasm hook): a runtime then costs about a third of the CPU.
    compiled ??= getPHPLoaderModule("8.5").then((loader) => WebAssemblyApi.compile(readFileSync(loader.dependencyFilename)));
    const module = await compiled;
    const instantiateWasm = (imports: object, receive: (instance: object, module: object) => void) => {
        WebAssemblyApi.instantiate(module, imports).then((instance) => receive(instance, module))
            .catch((e: Error) => process.nextTick(() => { throw e; }));
    };
    // @php-wasm/node 3.1.54 throws "PHPLoader.processId must be set before init" without one.
    const php = new PHP(await loadNodeRuntime("8.5", { emscriptenOptions: { processId: ++processId, instantiateWasm } }));
    useHostFilesystem(php);
    await setPhpIniEntries(php, PRODUCTION_INI);
    return php;
}

async function wasmCli(args: string[], env: Record<string, string>): Promise<PhpResult> {
    const php = await wasmPhp();
    try {
        const run = await php.cli(["php", ...args], { env: { ...process.env as Record<string, string>, ...env }, cwd: process.cwd() });
        const [status, stdout, stderr] = await Promise.all([run.exitCode, run.stdoutText, run.stderrText]);
        return { status, stdout, stderr };
    } finally {
        // Closes the runtime's outbound network proxy (a listening socket that keeps node alive).
        php.exit();
    }
}

/** `php ARGS` with the environment extended by env: its exit status, stdout and stderr. */
export async function php(args: string[], env: Record<string, string> = {}, only?: PhpBackend): Promise<PhpResult> {
    if ((only ?? backend.kind) === "wasm") return wasmCli(args, env);
    const binary = backend.kind === "system" ? backend.binary : "php";
    const result = spawnSync(binary, args, { encoding: "utf8", env: { ...process.env, ...env } });
    if (result.error) throw new Error(`${binary} ${args.join(" ")}: ${result.error.message}`);
    return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `php -l` on each file: clean when PHP exits 0 and says "No syntax errors detected in FILE" for
 * each (PHP's own verdict, not only its exit status). The output is PHP's, for the failure message.
 */
export async function phpLint(files: string[], only?: PhpBackend): Promise<{ clean: boolean; output: string }> {
    // Debian's PHP 8.2 lints only the first of several files (one run per file); PHP 8.5 lints
    // each it is given (one run, one runtime, for all).
    const runs = (only ?? backend.kind) === "wasm" ? [await php(["-l", ...files], {}, "wasm")] : [];
    if (runs.length === 0) for (const file of files) runs.push(await php(["-l", file], {}, only));
    return { clean: lintClean(files, runs), output: runs.map((run) => `${run.stdout}${run.stderr}`).join("") };
}

/**
 * PHP's verdict on `php -l` runs over files: every run exited 0, none said "Errors parsing FILE", and
 * each file has its "No syntax errors detected in FILE" line. The exit status alone is not enough:
 * php-wasm's own CLI (@php-wasm/cli 3.1.54) exits 0 after "Errors parsing".
 */
export function lintClean(files: string[], runs: PhpResult[]): boolean {
    const lines = new Set(runs.flatMap((run) => run.stdout.split("\n")));
    return runs.length > 0 && runs.every((run) => run.status === 0 && !/^Errors parsing /m.test(run.stdout))
        && files.every((file) => lines.has(`No syntax errors detected in ${file}`));
}

export interface PhpServer { base: string; close(): Promise<void> }

/** `php -S 127.0.0.1:PORT -t root` with the environment extended by env, started and answering. */
export async function phpServer(root: string, env: Record<string, string> = {}, only?: PhpBackend): Promise<PhpServer> {
    return (only ?? backend.kind) === "wasm" ? wasmServer(root, env) : systemServer(root, env);
}

async function systemServer(root: string, env: Record<string, string>): Promise<PhpServer> {
    const binary = backend.kind === "system" ? backend.binary : "php";
    const port = 20000 + Math.floor(Math.random() * 20000);
    const base = `http://127.0.0.1:${port}`;
    const server = spawn(binary, ["-S", `127.0.0.1:${port}`, "-t", root], { env: { ...process.env, ...env }, stdio: "ignore" });
    const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
    const close = async () => {
        if (server.exitCode === null && server.signalCode === null) server.kill();
        await exited;
    };
    for (let i = 0; i < 100; i++) {
        if (server.exitCode !== null) break;
        try {
            await fetch(base);
            return { base, close };
        } catch {
            await new Promise((r) => setTimeout(r, 50));
        }
    }
    await close();
    throw new Error(`${binary} -S 127.0.0.1:${port} -t ${root} did not answer`);
}

/** The PHP file a request path names under root, as `php -S` finds it; undefined when there is none. */
function scriptOf(root: string, pathname: string): string | undefined {
    const file = normalize(join(root, decodeURIComponent(pathname)));
    if (!file.startsWith(normalize(root) + sep) || extname(file) !== ".php") return undefined;
    return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

async function wasmServer(root: string, env: Record<string, string>): Promise<PhpServer> {
    const php = await wasmPhp();
    const answer = async (req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const script = scriptOf(root, url.pathname);
        if (!script) {
            // What `php -S` answers for a file it does not have (PHP files are all these tests serve).
            res.writeHead(404, { "Content-Type": "text/plain" }).end(`Not Found: ${url.pathname}\n`);
            return;
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = String(value);
        let response: PHPResponse;
        try {
            response = await php.run({
                scriptPath: script, relativeUri: `${url.pathname}${url.search}`, method: req.method as "GET", headers,
                body: new Uint8Array(Buffer.concat(chunks)), env: { ...process.env as Record<string, string>, ...env },
            });
        } catch (e) {
            // run() throws on a non-zero exit (an uncaught error: PHP's status, 500, is in the response).
            const failed = (e as { response?: PHPResponse }).response;
            if (!failed) throw e;
            response = failed;
        }
        res.writeHead(response.httpStatusCode, Object.fromEntries(Object.entries(response.headers)));
        res.end(Buffer.from(response.bytes));
    };
    const server = createServer((req, res) => {
        answer(req, res).catch((e: Error) => {
            if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
            res.end(`php-wasm failed: ${e.message}\n`);
        });
    });
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
    return {
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: async () => {
            await new Promise<void>((resolve) => server.close(() => resolve()));
            php.exit();
        },
    };
}
