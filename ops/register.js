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
const fs = require("fs");
const esbuild = require("esbuild");

/** Compiled code by file name, kept while the source is unchanged. */
const compiled = new Map();

function compile(source, filename) {
    const hit = compiled.get(filename);
    if (hit && hit.source === source) return hit.code;
    const { code } = esbuild.transformSync(source, {
        loader: "ts", format: "cjs", target: "node20", sourcefile: filename, sourcemap: "inline",
        // `await import("./x")` becomes a require, as tsc's CommonJS output does (tsconfig.json's module).
        supported: { "dynamic-import": false },
        // tsconfig.json's target ES2022 makes class fields define semantics (useDefineForClassFields).
        tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, esModuleInterop: true } },
    });
    compiled.set(filename, { source, code });
    return code;
}

require.extensions[".ts"] = function loadTs(module, filename) {
    module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};
