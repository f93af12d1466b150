// The PHP the tests use refuses what the system php refuses, and answers as it does: a broken file
// fails lint with PHP's own message, `php -r` gives PHP's exit status, stdout and stderr, and the
// built-in web server PHP's status, headers and body. The expected values are what Debian's php-cli
// 8.2.36 printed for these inputs (read by hand); the WebAssembly build is checked always, the
// system php too when it is on PATH.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { lintClean, php, phpLint, phpServer, PHP_USED } from "./php";

const systemPresent = !spawnSync("php", ["--version"]).error;

describe(`tests/support/php (the tests use ${PHP_USED})`, () => {
    let dir: string;
    const file = (name: string, text: string) => {
        writeFileSync(join(dir, name), text);
        return join(dir, name);
    };
    before(() => { dir = mkdtempSync(join(tmpdir(), "pilot-light-php-support-")); });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("lint's verdict is PHP's words and its exit status, each file named clean", () => {
        const ok = (file: string) => `No syntax errors detected in ${file}\n`;
        const parseError = "syntax error, unexpected token \"echo\", expecting \",\" or \";\" in /w/b.php on line 3\n";
        assert.equal(lintClean(["/w/a.php", "/w/b.php"], [{ status: 0, stdout: `${ok("/w/a.php")}${ok("/w/b.php")}`, stderr: "" }]), true);
        // What @php-wasm/cli 3.1.54's php-wasm-cli -l prints for a broken file, with exit status 0.
        assert.equal(lintClean(["/w/b.php"], [{ status: 0, stdout: `\nParse error: ${parseError}Errors parsing /w/b.php\n`, stderr: "" }]), false);
        assert.equal(lintClean(["/w/a.php", "/w/b.php"], [{ status: 0, stdout: ok("/w/a.php"), stderr: "" }]), false, "b.php not linted (PHP 8.2 lints only the first file)");
        assert.equal(lintClean(["a.php"], [{ status: 0, stdout: ok("x/a.php"), stderr: "" }]), false, "another file's line");
        assert.equal(lintClean(["/w/a.php"], [{ status: 255, stdout: ok("/w/a.php"), stderr: "" }]), false);
        assert.equal(lintClean(["/w/a.php"], [{ status: 0, stdout: "", stderr: "" }]), false);
        assert.equal(lintClean([], []), false);
    });

    for (const backend of ["wasm", "system"] as const) {
        describe(backend, () => {
            beforeEach(function () { if (backend === "system" && !systemPresent) this.skip(); });

            it("lint: a parse error and a compile error fail with PHP's message; clean files pass", async () => {
                const clean = [file("clean1.php", "<?php\necho 'a';\n"), file("clean2.php", "<?php\nfunction f(): int { return 1; }\n")];
                assert.deepEqual(await phpLint(clean, backend), { clean: true, output: clean.map((f) => `No syntax errors detected in ${f}\n`).join("") });

                const parse = file("parse.php", "<?php\necho 'a'\necho 'b';\n");
                const compile = file("compile.php", "<?php\n$a = [];\n$b = $a[];\n");
                const broken = await phpLint([clean[0], parse, compile], backend);
                assert.equal(broken.clean, false);
                for (const message of [
                    `PHP Parse error:  syntax error, unexpected token "echo", expecting "," or ";" in ${parse} on line 3\n`, `Errors parsing ${parse}\n`,
                    `PHP Fatal error:  Cannot use [] for reading in ${compile} on line 3\n`, `Errors parsing ${compile}\n`,
                ]) assert.ok(broken.output.includes(message), `${message} in:\n${broken.output}`);
            });

            it("-r: PHP's exit status, stdout, stderr, argv and environment; warnings on stderr only", async () => {
                assert.deepEqual(await php(["-r", "fwrite(STDERR, \"to stderr\\n\"); echo $nope; echo json_encode([$argv, getenv('PILOT_LIGHT_TEST_VALUE')]); exit(3);", "a b"],
                    { PILOT_LIGHT_TEST_VALUE: "v'1" }, backend), {
                    status: 3, stdout: `[["Standard input code","a b"],"v'1"]`,
                    stderr: "to stderr\nPHP Warning:  Undefined variable $nope in Command line code on line 1\n",
                });
                const thrown = await php(["-r", "throw new RuntimeException('boom');"], {}, backend);
                assert.equal(thrown.status, 255);
                assert.equal(thrown.stdout, "");
                assert.ok(thrown.stderr.startsWith("PHP Fatal error:  Uncaught RuntimeException: boom in Command line code:1\n"), thrown.stderr);
            });

            it("-S: PHP's status, headers and body; the request's method, query, form and headers reach PHP", async () => {
                const root = join(dir, `web-${backend}`);
                mkdirSync(root);
                writeFileSync(join(root, "answer.php"), `<?php
http_response_code(418);
header('Cache-Control: no-store');
header('X-Echo: ' . ($_SERVER['HTTP_X_IN'] ?? '-'));
echo $nope;
echo json_encode([$_SERVER['REQUEST_METHOD'], $_GET, $_POST, getenv('PILOT_LIGHT_TEST_VALUE')]), "\\n";
`);
                const server = await phpServer(root, { PILOT_LIGHT_TEST_VALUE: "served" }, backend);
                try {
                    const res = await fetch(`${server.base}/answer.php?q=1`, {
                        method: "POST", headers: { "X-In": "hello", "Content-Type": "application/x-www-form-urlencoded" }, body: "a=b%20c",
                    });
                    assert.equal(res.status, 418);
                    assert.equal(res.headers.get("cache-control"), "no-store");
                    assert.equal(res.headers.get("x-echo"), "hello");
                    assert.equal(await res.text(), `["POST",{"q":"1"},{"a":"b c"},"served"]\n`);
                    assert.equal((await fetch(`${server.base}/missing.php`)).status, 404);
                } finally {
                    await server.close();
                }
            });
        });
    }
});
