// The PHP the boot program installs (components/app/boot/*.php), run by a real PHP: lint, the
// health endpoint, the deep check's refusals and its answer when its dependencies are down
// (served by PHP's built-in web server, so status codes and headers are real), and what
// wp-config.php defines. The system php when on PATH, else PHP 8.5 compiled to WebAssembly
// (tests/support/php.ts; the title says which).
import { strict as assert } from "assert";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { php, phpLint, PhpServer, phpServer, PHP_USED } from "../support/php";

const BOOT = join(__dirname, "../../components/app/boot");
const CHECK_TOKEN = "CheckTokenZyx987Wvu654Tsr321";
const ADMIN_PASSWORD = "AdminPwQaz741Wsx852Edc963";
const DB_PASSWORD = "Pw'\"$x`\\{}-9f3c1";
const REDIS_TOKEN = "RedisTokenAbc123DefGhi456JklMno789PqrStu0";

/** An app config as boot.sh writes it, pointing at nothing that answers; `cacheHost` as boot.sh --cache writes it, when given. */
function appConfig(dir: string, mediaPath: string, cacheHost?: string): string {
    if (cacheHost === undefined) rmSync(join(dir, "cache-endpoint"), { force: true });
    else writeFileSync(join(dir, "cache-endpoint"), `${cacheHost}\n`);
    const entries: Record<string, string> = {
        db_host: "127.0.0.1", db_port: "1", db_name: "wordpress",
        db_secret: JSON.stringify({ username: "admin", password: DB_PASSWORD }),
        redis_port: "1", redis_token: REDIS_TOKEN,
        app_secret: JSON.stringify({ checkToken: CHECK_TOKEN, adminPassword: ADMIN_PASSWORD }),
        media_path: mediaPath, site_url: "https://www.example.com", media_health: "pilot-light media health object",
    };
    const path = join(dir, "app-config.php");
    writeFileSync(path, `<?php\nreturn [\n${Object.entries(entries)
        .map(([k, v]) => `  '${k}' => <<<'PILOT_LIGHT_VALUE'\n${v}\nPILOT_LIGHT_VALUE,\n`).join("")}];\n`);
    return path;
}

describe(`app/boot PHP (${PHP_USED})`, () => {
    let dir: string;
    let server: PhpServer | undefined;
    let base: string;

    before(async function () {
        dir = mkdtempSync(join(tmpdir(), "pilot-light-php-"));
        const web = join(dir, "web");
        mkdirSync(join(dir, "media/pilot-light"), { recursive: true });
        writeFileSync(join(dir, "media/pilot-light/health.txt"), "pilot-light media health object\n");
        mkdirSync(web);
        for (const f of ["health.php", "deep-check.php"]) copyFileSync(join(BOOT, f), join(web, f));
        const config = appConfig(dir, join(dir, "media"), "127.0.0.1");
        server = await phpServer(web, { PILOT_LIGHT_APP_CONFIG: config, PILOT_LIGHT_LIB: BOOT });
        base = server.base;
    });
    after(async () => {
        await server?.close();
        rmSync(dir, { recursive: true, force: true });
    });

    it("lints every PHP file", async () => {
        const lint = await phpLint(["health.php", "deep-check.php", "database.php", "wp-config.php", "redis.php", "cache.php"].map((f) => join(BOOT, f)));
        assert.ok(lint.clean, lint.output);
    });

    it("health: 200 ok, not cached, without touching the database", async () => {
        const res = await fetch(`${base}/health.php`);
        assert.equal(res.status, 200);
        assert.equal(await res.text(), "ok\n");
        assert.equal(res.headers.get("cache-control"), "no-store");
    });

    it("deep check: 403 without the token or with a wrong one, before any check", async () => {
        for (const headers of [{}, { "X-Pilot-Light-Token": "wrong" }, { "X-Pilot-Light-Token": `${CHECK_TOKEN}x` }] as Record<string, string>[]) {
            const res = await fetch(`${base}/deep-check.php?marker=m1`, { headers });
            assert.equal(res.status, 403);
            assert.deepEqual(await res.json(), { status: "forbidden" });
        }
    });

    it("deep check: 405 for other methods, 400 for a bad marker or value", async () => {
        const headers = { "X-Pilot-Light-Token": CHECK_TOKEN };
        assert.equal((await fetch(`${base}/deep-check.php`, { method: "PUT", headers })).status, 405);
        const bad = await fetch(`${base}/deep-check.php?marker=${encodeURIComponent("a b")}`, { headers });
        assert.equal(bad.status, 400);
        assert.deepEqual(await bad.json(), { status: "bad request: marker must be 1-64 of A-Z a-z 0-9 . _ : -" });
        const post = await fetch(`${base}/deep-check.php`, {
            method: "POST", headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" }, body: "marker=m1&value=a%20b",
        });
        assert.equal(post.status, 400);
        assert.deepEqual(await post.json(), { status: "bad request: value must be 1-128 of A-Z a-z 0-9 . _ : -" });
    });

    it("deep check: 503 naming each failed dependency, the media read ok, and no secret in the answer", async () => {
        const res = await fetch(`${base}/deep-check.php?marker=m1`, { headers: { "X-Pilot-Light-Token": CHECK_TOKEN } });
        assert.equal(res.status, 503);
        const text = await res.text();
        const body = JSON.parse(text);
        assert.equal(body.status, "failed");
        assert.deepEqual(Object.keys(body).sort(), ["checks", "marker", "php", "readOnly", "status"]);
        assert.match(body.checks.database, /^failed: /);
        assert.match(body.checks.redis, /^failed: cannot connect: /);
        assert.equal(body.checks.media, "ok");
        assert.equal(body.marker, null);
        for (const secret of [CHECK_TOKEN, ADMIN_PASSWORD, DB_PASSWORD, REDIS_TOKEN]) assert.ok(!text.includes(secret));
    });

    it("deep check: Redis is pending, not failed, before the cache's endpoint is known", async () => {
        appConfig(dir, join(dir, "media"));
        try {
            const res = await fetch(`${base}/deep-check.php`, { headers: { "X-Pilot-Light-Token": CHECK_TOKEN } });
            const body = await res.json() as { checks: Record<string, string> };
            assert.equal(body.checks.redis, "pending: no cache endpoint yet, the app serves from the database");
            // Only the database (nothing listens on 127.0.0.1:1) fails the check.
            assert.deepEqual(Object.entries(body.checks).filter(([, v]) => String(v).startsWith("failed")).map(([k]) => k), ["database"]);
        } finally {
            appConfig(dir, join(dir, "media"), "127.0.0.1");
        }
    });

    it("cache.php (the timer's switch): exit 1 naming the host when Redis does not answer, never the token", async () => {
        const run = await php([join(BOOT, "cache.php"), "127.0.0.1"], { PILOT_LIGHT_APP_CONFIG: appConfig(dir, join(dir, "media"), "127.0.0.1"), PILOT_LIGHT_LIB: BOOT });
        assert.equal(run.status, 1);
        assert.match(run.stderr, /^cache 127\.0\.0\.1 does not answer: cannot connect: /);
        assert.ok(!`${run.stdout}${run.stderr}`.includes(REDIS_TOKEN));
    });

    it("wp-config turns the object cache off (WP_REDIS_DISABLED) until the cache's endpoint is known", async () => {
        const abspath = join(dir, "wordpress-nocache");
        mkdirSync(abspath, { recursive: true });
        writeFileSync(join(abspath, "wp-settings.php"), `<?php\necho json_encode(array_intersect_key(get_defined_constants(true)['user'], array_flip(['WP_REDIS_DISABLED','WP_REDIS_HOST'])));\n`);
        const constants = async (cacheHost?: string) => {
            const run = await php(["-r", `defined('MYSQLI_CLIENT_SSL') || define('MYSQLI_CLIENT_SSL', 2048); define('ABSPATH', '${abspath}/'); require '${join(BOOT, "wp-config.php")}';`],
                { PILOT_LIGHT_APP_CONFIG: appConfig(dir, "/var/www/html/wp-content/uploads", cacheHost) });
            assert.equal(run.status, 0, run.stderr);
            return JSON.parse(run.stdout);
        };
        try {
            assert.deepEqual(await constants(), { WP_REDIS_DISABLED: true, WP_REDIS_HOST: "" });
            assert.deepEqual(await constants("master.dr-app-cache-redis.abc123.usw2.cache.amazonaws.com"),
                { WP_REDIS_DISABLED: false, WP_REDIS_HOST: "master.dr-app-cache-redis.abc123.usw2.cache.amazonaws.com" });
        } finally {
            appConfig(dir, join(dir, "media"), "127.0.0.1");
        }
    });

    it("wp-config defines the database, Redis over TLS, the site URL and the ALB's HTTPS from the app config", async () => {
        const abspath = join(dir, "wordpress");
        mkdirSync(abspath, { recursive: true });
        writeFileSync(join(abspath, "wp-settings.php"), `<?php\necho json_encode(['constants' => array_intersect_key(get_defined_constants(true)['user'],
            array_flip(['DB_NAME','DB_USER','DB_PASSWORD','DB_HOST','MYSQL_CLIENT_FLAGS','WP_REDIS_SCHEME','WP_REDIS_HOST','WP_REDIS_PORT',
            'WP_REDIS_PASSWORD','WP_REDIS_CLIENT','WP_HOME','WP_SITEURL','DISALLOW_FILE_MODS','AUTH_KEY'])),
            'https' => $_SERVER['HTTPS'] ?? null, 'prefix' => $GLOBALS['table_prefix']]);\n`);
        // Without php-mysql (Debian's php-cli has no mysqli; php-wasm has it) the constant is missing; 2048 is its value (CLIENT_SSL).
        const run = await php(["-r", `defined('MYSQLI_CLIENT_SSL') || define('MYSQLI_CLIENT_SSL', 2048); $_SERVER['HTTP_X_FORWARDED_PROTO'] = 'https'; define('ABSPATH', '${abspath}/'); require '${join(BOOT, "wp-config.php")}';`],
            { PILOT_LIGHT_APP_CONFIG: appConfig(dir, "/var/www/html/wp-content/uploads", "127.0.0.1") });
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout), {
            constants: {
                DB_NAME: "wordpress", DB_USER: "admin", DB_PASSWORD, DB_HOST: "127.0.0.1:1", MYSQL_CLIENT_FLAGS: 2048,
                WP_REDIS_SCHEME: "tls", WP_REDIS_HOST: "127.0.0.1", WP_REDIS_PORT: 1, WP_REDIS_PASSWORD: REDIS_TOKEN, WP_REDIS_CLIENT: "predis",
                WP_HOME: "https://www.example.com", WP_SITEURL: "https://www.example.com", DISALLOW_FILE_MODS: true,
            },
            https: "on",
            prefix: "wp_",
        });
    });

    // Without a domain CloudFront reaches the ALB over HTTP: the ALB's header says http, CloudFront's says https.
    for (const [headers, https] of [
        [{ HTTP_X_FORWARDED_PROTO: "http", HTTP_CLOUDFRONT_FORWARDED_PROTO: "https" }, "on"],
        [{ HTTP_X_FORWARDED_PROTO: "http" }, null],
        [{ HTTP_CLOUDFRONT_FORWARDED_PROTO: "http" }, null],
        [{}, null],
    ] as const) {
        it(`wp-config: HTTPS is ${JSON.stringify(https)} with ${JSON.stringify(headers)}`, async () => {
            const abspath = join(dir, "wordpress-proto");
            mkdirSync(abspath, { recursive: true });
            writeFileSync(join(abspath, "wp-settings.php"), "<?php\necho json_encode($_SERVER['HTTPS'] ?? null);\n");
            const set = Object.entries(headers).map(([k, v]) => `$_SERVER['${k}'] = '${v}';`).join(" ");
            const run = await php(["-r", `defined('MYSQLI_CLIENT_SSL') || define('MYSQLI_CLIENT_SSL', 2048); ${set} define('ABSPATH', '${abspath}/'); require '${join(BOOT, "wp-config.php")}';`],
                { PILOT_LIGHT_APP_CONFIG: appConfig(dir, "/var/www/html/wp-content/uploads") });
            assert.equal(run.status, 0, run.stderr);
            assert.equal(JSON.parse(run.stdout), https);
        });
    }
});
