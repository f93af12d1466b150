// `npm test`: the typecheck and the mocha suite at the same time. They are independent (mocha
// strips types without checking them, ops/register.js) and each mostly keeps one core busy, so
// on a 2-core machine the suite takes about as long as the slower of the two rather than their
// sum. mocha's output streams as it comes; the typecheck's is printed when both are done, then
// the typecheck's time. Exits non-zero when either fails. Arguments go to mocha.
"use strict";
const { spawn } = require("child_process");

function run(command, args, stdio) {
    const started = Date.now();
    const child = spawn(command, args, { stdio });
    let output = "";
    child.stdout?.on("data", (d) => { output += d; });
    child.stderr?.on("data", (d) => { output += d; });
    return new Promise((resolve) => {
        child.on("error", (e) => resolve({ code: 1, output: `${output}${e.message}\n`, seconds: (Date.now() - started) / 1000 }));
        child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output, seconds: (Date.now() - started) / 1000 }));
    });
}

(async () => {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const typecheck = run(npm, ["run", "-s", "typecheck"], ["ignore", "pipe", "pipe"]);
    const mocha = run(process.execPath, [require.resolve("mocha/bin/mocha.js"), ...process.argv.slice(2)], "inherit");
    const [tc, m] = await Promise.all([typecheck, mocha]);
    process.stdout.write(`${tc.output}typecheck (npm run typecheck, alongside mocha): ${tc.code === 0 ? "ok" : "FAILED"} in ${tc.seconds.toFixed(1)} s\n`);
    process.exitCode = tc.code !== 0 ? tc.code : m.code;
})();
