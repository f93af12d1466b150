// Loads TypeScript for `npm run plan|runbook|bench|prices` and for mocha: each .ts file is
// compiled on require with esbuild's transform (a dependency already: components/ha bundles the
// Lambda handlers with it). Like `ts-node --transpile-only` it strips types file by file and checks
// none (`npm run typecheck` does), but it is many times faster, and a file the offline planner
// loads again for each stack it plans is compiled once per process.
//
// Each file carries an inline source map, which Node uses only when started with
// `--enable-source-maps` (NODE_OPTIONS=--enable-source-maps npm test): stack traces then give
// TypeScript lines. It is off by default because the Pulumi SDK takes a full stack trace for every
// resource it registers (Resource.callsites), and mapping those traces made planning up to a third slower.
"use strict";
const { createHash } = require("crypto");
const fs = require("fs");
const path = require("path");
const esbuild = require("esbuild");

/** Compiled code by file name, kept while the source is unchanged. */
const compiled = new Map();

/**
 * A folder shared by the processes of one `npm test` run (tests/run.js sets it; the processes the
 * tests start inherit it): each file is compiled once per run, by whichever process loads it
 * first, under the SHA-256 of esbuild's version, the file's name and its source.
 */
const SHARED = process.env.PILOT_LIGHT_COMPILED;

function compile(source, filename) {
    const hit = compiled.get(filename);
    if (hit && hit.source === source) return hit.code;
    const shared = SHARED && path.join(SHARED, `${createHash("sha256").update(`${esbuild.version}\0${filename}\0${source}`).digest("hex")}.js`);
    let code = shared && readIfThere(shared);
    if (code === undefined) {
        code = transform(source, filename);
        if (shared) {
            // Written whole, then renamed: another process sees no file or the complete one.
            fs.writeFileSync(`${shared}.${process.pid}`, code);
            fs.renameSync(`${shared}.${process.pid}`, shared);
        }
    }
    compiled.set(filename, { source, code });
    return code;
}

function readIfThere(file) {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (e) {
        if (e.code === "ENOENT") return undefined;
        throw e;
    }
}

function transform(source, filename) {
    const { code } = esbuild.transformSync(source, {
        loader: "ts", format: "cjs", target: "node20", sourcefile: filename, sourcemap: "inline",
        // `await import("./x")` becomes a require, as tsc's CommonJS output does (tsconfig.json's module).
        supported: { "dynamic-import": false },
        // tsconfig.json's target ES2022 makes class fields define semantics (useDefineForClassFields).
        tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, esModuleInterop: true } },
    });
    return code;
}

require.extensions[".ts"] = function loadTs(module, filename) {
    module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};
