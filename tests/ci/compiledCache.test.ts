// ops/register.js under npm test: a file is compiled once per run and the run's other processes
// read it from PILOT_LIGHT_COMPILED; a changed source is a new entry, never the old code.
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

describe("ci: TypeScript compiled once per test run", () => {
    let dir: string;
    before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilot-light-compiled-test-")); });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes each file once, reads it in the next process, and compiles a changed source afresh", () => {
        const cache = path.join(dir, "cache");
        fs.mkdirSync(cache);
        const source = path.join(dir, "greet.ts");
        const load = () => {
            const r = spawnSync(process.execPath, ["-r", path.join(ROOT, "ops", "register.js"), source],
                { cwd: ROOT, encoding: "utf8", env: { ...process.env, PILOT_LIGHT_COMPILED: cache } });
            assert.equal(r.status, 0, r.stderr);
            return r.stdout.trim();
        };
        fs.writeFileSync(source, "const who: string = \"first\";\nconsole.log(who);\n");
        assert.equal(load(), "first");
        const [entry] = fs.readdirSync(cache);
        assert.match(entry, /^[0-9a-f]{64}\.js$/);
        // The next process takes the compiled file as it is: mark it to see that it did.
        fs.writeFileSync(path.join(cache, entry), fs.readFileSync(path.join(cache, entry), "utf8").replace("\"first\"", "\"from the run's cache\""));
        assert.equal(load(), "from the run's cache");
        fs.writeFileSync(source, "const who: string = \"second\";\nconsole.log(who);\n");
        assert.equal(load(), "second");
        assert.equal(fs.readdirSync(cache).length, 2);
    });
});
