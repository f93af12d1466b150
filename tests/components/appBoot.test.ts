// The app servers' user data run for real with bash under the boot harness (tests/support/
// bootHarness.ts): a scratch root, and stubs for dnf, systemctl, aws, curl, mount and the rest.
// It asserts what the instance would do, in which order, where the secrets go (only the app
// config, 0600, owner apache), that a failed fetch or a bad download stops the boot with a clear
// message, and that a second run (every reboot runs it again) is harmless.
import { strict as assert } from "assert";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { renderUserData, UserDataConfig } from "../../components/app/userData";
import { BootHarness, BootRun, fakeRedisCacheZip, fakeWordPressTarball } from "../support/bootHarness";
import { php, PHP_USED } from "../support/php";

const DB_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-credentials-AbCdEf";
const REDIS_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod-app-cache-auth-token-XyZ123";
const APP_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod-app-app-secret-QwErTy";
const WORDPRESS_URL = "https://wordpress.org/wordpress-7.1.tar.gz";
const CACHE_PARAMETER = "/pilot-light/prod/cache-endpoint";
const CACHE_HOST = "master.prod-app-cache-redis.abc123.use1.cache.amazonaws.com";
const GET_PARAMETER = `aws ssm get-parameter --region us-east-1 --name ${CACHE_PARAMETER} --query Parameter.Value --output text`;
const PLUGIN_URL = "https://downloads.wordpress.org/plugin/redis-cache.2.8.0.zip";
// The pins in components/app/boot/boot.sh, as literals: a changed pin must change this test.
const WORDPRESS_SHA256 = "05a5f89138f632b7329f1202f2a0553c5f7fe4daf8e4b9ca7ebae9b9466b9e86";
const WORDPRESS_SHA1 = "e0ca593bc062f7a8c5a956ca44aff7375b0841e0";
const PLUGIN_SHA256 = "f077ac8b9c154cee936d3872b0734d42f7fd7f350e68fe8b2b20a69e854980cd";

// Secret values with every character that could break out of shell, PHP or JSON quoting.
const DB_PASSWORD = `Pw'"$x\`\\{}-9f3c1`;
const DB_SECRET = JSON.stringify({ username: "admin", password: DB_PASSWORD, engine: "mysql", port: 3306 });
const REDIS_TOKEN = "RedisTokenAbc123DefGhi456JklMno789PqrStu0";
const CHECK_TOKEN = "CheckTokenZyx987Wvu654Tsr321";
const ADMIN_PASSWORD = "AdminPwQaz741Wsx852Edc963";
const APP_SECRET = JSON.stringify({ checkToken: CHECK_TOKEN, adminPassword: ADMIN_PASSWORD });
/** The secrets as the app config holds them (the DB password inside its JSON). */
const STORED = [DB_SECRET, REDIS_TOKEN, APP_SECRET];
/** What must not leak anywhere else: each secret, raw and JSON-escaped. */
const LEAKS = [DB_PASSWORD, JSON.stringify(DB_PASSWORD).slice(1, -1), REDIS_TOKEN, CHECK_TOKEN, ADMIN_PASSWORD];

const config: UserDataConfig = {
    region: "us-east-1",
    dbHost: "pilot-light-prod.cabc123.us-east-1.rds.amazonaws.com",
    dbPort: 3306,
    dbSecretArn: DB_ARN,
    cacheEndpointParameter: "/pilot-light/prod/cache-endpoint",
    cacheAuthSecretArn: REDIS_ARN,
    appSecretArn: APP_ARN,
    mediaBucket: "pilot-light-prod-media",
    siteUrl: "https://www.example.com",
};

/** The boot's "step X" lines, in order. */
const steps = (run: BootRun) => [...run.console.matchAll(/^pilot-light boot: step ([a-z-]+):/gm)].map((m) => m[1]);
/** Index of the first call starting with `prefix`; -1 when there is none. */
const at = (run: BootRun, prefix: string) => run.calls.findIndex((c) => c.startsWith(prefix));

describe("app/boot: the user data under the boot harness", () => {
    let fixtures: string;
    let wordpress: Buffer;
    let tampered: Buffer;
    const plugin = fakeRedisCacheZip();
    const script = renderUserData(config);
    const harnesses: BootHarness[] = [];

    before(() => {
        fixtures = mkdtempSync(join(tmpdir(), "pilot-light-fixtures-"));
        wordpress = fakeWordPressTarball(fixtures);
        tampered = fakeWordPressTarball(fixtures, "tampered");
    });
    after(() => {
        rmSync(fixtures, { recursive: true, force: true });
        harnesses.forEach((h) => h.dispose());
    });

    /** An instance where every fetch works, the cache's endpoint included unless `cache` is false. */
    function instance(cache = true): BootHarness {
        const h = new BootHarness()
            .secret(DB_ARN, DB_SECRET).secret(REDIS_ARN, REDIS_TOKEN).secret(APP_ARN, APP_SECRET)
            .serve(WORDPRESS_URL, wordpress, [WORDPRESS_SHA256, WORDPRESS_SHA1])
            .serve(PLUGIN_URL, plugin, [PLUGIN_SHA256]);
        if (cache) h.parameter(CACHE_PARAMETER, CACHE_HOST);
        harnesses.push(h);
        return h;
    }

    describe("first boot", () => {
        let h: BootHarness;
        let run: BootRun;
        before(() => {
            h = instance();
            run = h.run(script);
        });

        it("succeeds and runs the steps in order", () => {
            assert.equal(run.status, 0, run.console);
            assert.deepEqual(steps(run), ["packages", "secrets", "wordpress", "media", "config", "cache", "services", "database"]);
            assert.match(run.console, /^pilot-light boot: done: WordPress 7\.1 serves https:\/\/www\.example\.com$/m);
        });

        it("installs the web stack from AL2023's repositories, never s3fs", () => {
            assert.deepEqual(run.calls.filter((c) => /^(dnf|rpm) /.test(c)), [
                "rpm -q --quiet httpd php8.5-cli php8.5-fpm php8.5-mysqlnd php8.5-gd php8.5-mbstring php8.5-xml mount-s3 unzip",
                "dnf install -y httpd php8.5-cli php8.5-fpm php8.5-mysqlnd php8.5-gd php8.5-mbstring php8.5-xml mount-s3 unzip",
            ]);
            assert.ok(!run.calls.some((c) => c.includes("s3fs")));
            assert.ok(!script.includes("s3fs"));
        });

        it("fetches each secret by ARN, then downloads over HTTPS only, then mounts, then starts the services", () => {
            assert.deepEqual(run.calls.filter((c) => c.startsWith("aws ")), [...[DB_ARN, REDIS_ARN, APP_ARN].map((arn) =>
                `aws secretsmanager get-secret-value --region us-east-1 --secret-id ${arn} --query SecretString --output text`), GET_PARAMETER]);
            const curl = run.calls.filter((c) => c.startsWith("curl "));
            assert.equal(curl.length, 2);
            for (const [i, url] of [WORDPRESS_URL, PLUGIN_URL].entries()) {
                assert.match(curl[i], /^curl --fail --silent --show-error --location --proto =https --proto-redir =https --connect-timeout 10 --max-time 300 --output \S+ (\S+)$/);
                assert.ok(curl[i].endsWith(` ${url}`));
            }
            const order = ["dnf install", "aws secretsmanager", `curl `, "sha256sum", "mount ", "systemctl enable --now php-fpm.service httpd.service", "runuser -u apache -- php"]
                .map((p) => at(run, p));
            assert.ok(order.every((i) => i >= 0), `every step ran: ${order}`);
            assert.deepEqual([...order].sort((a, b) => a - b), order, `in order: ${run.calls.join("\n")}`);
            assert.ok(run.calls.includes(`runuser -u apache -- php ${h.root}/usr/local/libexec/pilot-light/database.php`));
            assert.ok(run.calls.includes("systemctl enable pilot-light-boot.service"));
        });

        it("verifies the downloads against the pinned hashes and installs WordPress with the object-cache drop-in", () => {
            assert.deepEqual(run.calls.filter((c) => /^sha(1|256)sum/.test(c)), ["sha256sum --check --quiet -", "sha1sum --check --quiet -", "sha256sum --check --quiet -"]);
            assert.equal(h.read("/var/www/html/index.php"), "<?php // fake WordPress (genuine)\n");
            assert.equal(h.read("/var/www/html/.pilot-light-wordpress"), `wordpress 7.1 ${WORDPRESS_SHA256}\n`);
            assert.equal(h.read("/var/www/html/wp-content/object-cache.php"), "<?php // fake object-cache drop-in\n");
            assert.equal(h.read("/var/www/html/wp-content/plugins/redis-cache/.pilot-light-version"), `redis-cache 2.8.0 ${PLUGIN_SHA256}\n`);
            assert.deepEqual(h.files().filter((f) => f.path.startsWith("/var/tmp/")), [], "the downloads are cleaned up");
        });

        it("mounts the media bucket with Mountpoint from an fstab entry, as user apache, and writes its health object", () => {
            const fstab = h.read("/etc/fstab");
            assert.equal(fstab, "s3://pilot-light-prod-media/ /var/www/html/wp-content/uploads mount-s3 "
                + "_netdev,nosuid,nodev,nofail,rw,allow-other,allow-delete,allow-overwrite,uid=48,gid=48,region=us-east-1 0 0\n");
            assert.ok(run.calls.includes(`mount ${h.root}/var/www/html/wp-content/uploads`));
            assert.equal(h.read("/var/www/html/wp-content/uploads/pilot-light/health.txt"), "pilot-light media health object\n");
        });

        it("installs the web server config and the endpoints, and enables the boot program for later boots", () => {
            for (const [path, source] of [
                ["/etc/httpd/conf.d/pilot-light.conf", "httpd.conf"], ["/var/www/wp-config.php", "wp-config.php"],
                ["/var/www/pilot-light/health.php", "health.php"], ["/var/www/pilot-light/deep-check.php", "deep-check.php"],
                ["/etc/systemd/system/pilot-light-boot.service", "pilot-light-boot.service"],
                ["/etc/systemd/system/pilot-light-cache.service", "pilot-light-cache.service"],
                ["/etc/systemd/system/pilot-light-cache.timer", "pilot-light-cache.timer"],
                ["/usr/local/libexec/pilot-light/redis.php", "redis.php"], ["/usr/local/libexec/pilot-light/cache.php", "cache.php"],
            ]) {
                assert.equal(h.read(path), h.read(`/usr/local/libexec/pilot-light/files/${source}`), path);
            }
            assert.match(h.read("/etc/httpd/conf.d/pilot-light.conf"), /^Alias "\/pilot-light\/health" "\/var\/www\/pilot-light\/health\.php"$/m);
        });

        it("writes the secrets into the app config only: mode 0600, owner apache, and nowhere else", () => {
            const config = h.files().find((f) => f.path === "/etc/pilot-light/app-config.php")!;
            assert.equal(config.mode, 0o600);
            assert.ok(run.calls.some((c) => /^chown apache:apache \S+\/etc\/pilot-light\/\.app-config\.\w+$/.test(c)));
            for (const stored of STORED) assert.ok(config.text.includes(stored), "the app config has the secret");
            for (const secret of LEAKS) {
                assert.deepEqual(h.files().filter((f) => f.path !== config.path && f.text.includes(secret)).map((f) => f.path), [], "in no other file");
                assert.ok(!run.console.includes(secret), "not on the console");
                assert.ok(!h.read("/var/log/pilot-light-boot.log").includes(secret), "not in the boot log");
                assert.ok(!run.calls.some((c) => c.includes(secret)), "not in any command's argv");
                assert.ok(!script.includes(secret), "not in the user data");
            }
        });

        it(`writes the app config as PHP that gives back every value exactly, whatever its characters (${PHP_USED})`, async () => {
            const run = await php(["-r", "echo json_encode(require $argv[1]);", h.root + "/etc/pilot-light/app-config.php"]);
            assert.equal(run.status, 0, run.stderr);
            assert.deepEqual(JSON.parse(run.stdout), {
                db_host: "pilot-light-prod.cabc123.us-east-1.rds.amazonaws.com", db_port: "3306", db_name: "wordpress",
                db_secret: DB_SECRET, redis_port: "6379",
                redis_token: REDIS_TOKEN, app_secret: APP_SECRET, media_path: "/var/www/html/wp-content/uploads",
                site_url: "https://www.example.com", media_health: "pilot-light media health object",
            });
        });

        it("turns the object cache on from the SSM parameter before starting the web server, with no timer and no flush", () => {
            assert.equal(h.read("/etc/pilot-light/cache-endpoint"), `${CACHE_HOST}\n`);
            assert.equal(h.files().find((f) => f.path === "/etc/pilot-light/cache-endpoint")!.mode, 0o644);
            assert.ok(at(run, GET_PARAMETER) < at(run, "systemctl enable --now php-fpm.service httpd.service"));
            assert.ok(run.calls.includes("systemctl disable --now pilot-light-cache.timer"));
            assert.ok(!run.calls.includes("systemctl enable --now pilot-light-cache.timer"));
            assert.ok(!run.calls.some((c) => c.includes("cache.php")), "nothing was served without the cache: nothing to empty");
            assert.match(run.console, new RegExp(`^pilot-light boot: cache endpoint ${CACHE_HOST.replace(/\./g, "\\.")}: WordPress's object cache is on$`, "m"));
        });

        it("keeps a boot log with the same lines as the console", () => {
            assert.equal(h.read("/var/log/pilot-light-boot.log"), run.console);
        });

        describe("a second run (every later boot runs the program again)", () => {
            let second: BootRun;
            let filesBefore: ReturnType<BootHarness["files"]>;
            before(() => {
                filesBefore = h.files().filter((f) => f.path !== "/var/log/pilot-light-boot.log");
                second = h.run(script);
            });

            it("succeeds, installs and downloads nothing, mounts nothing again, and refreshes the secrets", () => {
                assert.equal(second.status, 0, second.console);
                assert.deepEqual(second.calls.filter((c) => /^(dnf|curl|mount |sha)/.test(c)), []);
                assert.equal(second.calls.filter((c) => c.startsWith("aws secretsmanager get-secret-value")).length, 3);
                assert.equal(second.calls.filter((c) => c === GET_PARAMETER).length, 1);
                assert.deepEqual(second.calls.filter((c) => c.includes("reload-or-restart")), [], "nothing changed, nothing reloaded");
                assert.match(second.console, /^pilot-light boot: already installed$/m);
                assert.match(second.console, /^pilot-light boot: WordPress 7\.1 already installed$/m);
            });

            it("leaves every file as it was: one fstab line, the same app config, mode 0600", () => {
                const after = h.files().filter((f) => f.path !== "/var/log/pilot-light-boot.log");
                assert.deepEqual(after, filesBefore);
                assert.equal(h.read("/etc/fstab").split("\n").filter((l) => l.includes("mount-s3")).length, 1);
            });
        });
    });

    describe("before the cache exists (a promoted dr while ElastiCache creates Redis)", () => {
        let h: BootHarness;
        let run: BootRun;
        before(() => {
            h = instance(false);
            run = h.run(script);
        });

        it("boots and serves from the database, with the object cache off and the timer asking every 30 s", () => {
            assert.equal(run.status, 0, run.console);
            assert.deepEqual(steps(run), ["packages", "secrets", "wordpress", "media", "config", "cache", "services", "database"]);
            assert.match(run.console, /ParameterNotFound/);
            assert.match(run.console, /^pilot-light boot: no cache endpoint in \/pilot-light\/prod\/cache-endpoint yet: WordPress serves from the database; pilot-light-cache\.timer asks every 30 s$/m);
            assert.equal(h.exists("/etc/pilot-light/cache-endpoint"), false);
            assert.ok(run.calls.includes("systemctl enable --now pilot-light-cache.timer"));
            assert.match(run.console, /^pilot-light boot: done: WordPress 7\.1 serves https:\/\/www\.example\.com$/m);
        });

        it("the timer's run waits while the parameter is missing, changing nothing", () => {
            const tick = h.runInstalled("--cache");
            assert.equal(tick.status, 0, tick.console);
            assert.deepEqual(steps(tick), ["cache"]);
            assert.deepEqual(tick.calls.filter((c) => !c.startsWith("systemctl")), [GET_PARAMETER]);
            assert.equal(h.exists("/etc/pilot-light/cache-endpoint"), false);
        });

        it("the timer's run leaves the cache off while Redis does not answer, and asks again", () => {
            h.parameter(CACHE_PARAMETER, CACHE_HOST).cacheStepExits(1);
            const tick = h.runInstalled("--cache");
            assert.equal(tick.status, 0, tick.console);
            assert.ok(tick.calls.includes(`runuser -u apache -- php ${h.root}/usr/local/libexec/pilot-light/cache.php ${CACHE_HOST}`));
            assert.match(tick.console, new RegExp(`^pilot-light boot: cache ${CACHE_HOST.replace(/\./g, "\\.")} does not answer yet: asking again in 30 s$`, "m"));
            assert.equal(h.exists("/etc/pilot-light/cache-endpoint"), false);
            assert.ok(!tick.calls.includes("systemctl disable --now pilot-light-cache.timer"));
        });

        it("once Redis answers, the timer's run empties it, turns the object cache on and stops the timer", () => {
            h.cacheStepExits(0);
            const tick = h.runInstalled("--cache");
            assert.equal(tick.status, 0, tick.console);
            const flush = tick.calls.indexOf(`runuser -u apache -- php ${h.root}/usr/local/libexec/pilot-light/cache.php ${CACHE_HOST}`);
            assert.ok(flush >= 0 && flush < tick.calls.indexOf("systemctl disable --now pilot-light-cache.timer"));
            assert.equal(h.read("/etc/pilot-light/cache-endpoint"), `${CACHE_HOST}\n`);
            // A later tick (the timer stopping) finds it unchanged: no second flush.
            const again = h.runInstalled("--cache");
            assert.ok(!again.calls.some((c) => c.includes("cache.php")));
        });

        it("ignores a parameter that holds no host name", () => {
            const other = instance(false).parameter(CACHE_PARAMETER, "master.x; rm -rf /");
            const r = other.run(script);
            assert.equal(r.status, 0, r.console);
            assert.match(r.console, /^pilot-light boot: WARNING: \/pilot-light\/prod\/cache-endpoint does not hold a host name: ignored; pilot-light-cache\.timer asks every 30 s$/m);
            assert.equal(other.exists("/etc/pilot-light/cache-endpoint"), false);
        });
    });

    it("stops at a secret it cannot fetch, after bounded retries, before downloading or starting anything", () => {
        const h = instance().failSecret(REDIS_ARN);
        const run = h.run(script);
        assert.equal(run.status, 1);
        assert.match(run.console, new RegExp(`^pilot-light boot: FAILED in step secrets: could not fetch secret ${REDIS_ARN.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} from Secrets Manager in us-east-1$`, "m"));
        assert.match(run.console, /AccessDeniedException/);
        assert.equal(run.calls.filter((c) => c.includes(`--secret-id ${REDIS_ARN}`)).length, 4);
        assert.deepEqual(run.calls.filter((c) => c.startsWith("sleep")), ["sleep 1", "sleep 2", "sleep 3"]);
        assert.deepEqual(run.calls.filter((c) => /^(curl|mount |systemctl|runuser)/.test(c)), []);
        assert.equal(h.exists("/etc/pilot-light/app-config.php"), false);
        assert.ok(!run.console.includes(DB_PASSWORD), "the secret fetched before is not shown");
        assert.deepEqual(h.files().filter((f) => LEAKS.some((l) => f.text.includes(l))).map((f) => f.path), [], "nor left in a file");
    });

    it("refuses a download that does not match its pinned hash: nothing extracted, nothing started", () => {
        const h = instance().serve(WORDPRESS_URL, tampered);
        const run = h.run(script);
        assert.equal(run.status, 1);
        assert.match(run.console, new RegExp(`^pilot-light boot: FAILED in step wordpress: ${WORDPRESS_URL.replace(/\./g, "\\.")} does not match its pinned sha256 ${WORDPRESS_SHA256}: refusing to install it$`, "m"));
        assert.equal(h.exists("/var/www/html/index.php"), false);
        assert.deepEqual(run.calls.filter((c) => /^(mount |systemctl enable|runuser)/.test(c)), []);
    });

    it("stops when a download keeps failing, naming the URL", () => {
        const h = new BootHarness().secret(DB_ARN, DB_SECRET).secret(REDIS_ARN, REDIS_TOKEN).secret(APP_ARN, APP_SECRET);
        harnesses.push(h);
        const run = h.run(script);
        assert.equal(run.status, 1);
        assert.match(run.console, new RegExp(`^pilot-light boot: FAILED in step wordpress: downloading ${WORDPRESS_URL.replace(/\./g, "\\.")} failed 4 times; the errors are above$`, "m"));
        assert.match(run.console, /curl: \(22\)/);
    });

    it("stops when dnf cannot install the packages, saying what mount-s3 needs", () => {
        const run = instance().failDnf().run(script);
        assert.equal(run.status, 1);
        assert.match(run.console, /^pilot-light boot: FAILED in step packages: dnf install \(mount-s3 needs AL2023 2023\.9\.20251110 or later\) failed 4 times; the errors are above$/m);
        assert.deepEqual(run.calls.filter((c) => c.startsWith("aws")), []);
    });

    it("finishes the boot when the database step cannot complete (a failover in progress), saying so", () => {
        const run = instance().databaseStepExits(2).run(script);
        assert.equal(run.status, 0, run.console);
        assert.match(run.console, /^pilot-light boot: WARNING: the database step did not complete; the deep check shows the database's state$/m);
    });

    it("on a custom app image, mounts the media and runs the image's hook instead of installing WordPress", () => {
        const h = instance().put("/etc/pilot-light/custom-app", "#!/bin/bash\necho \"custom app started, media at $(. \"$PILOT_LIGHT_ROOT/etc/pilot-light/app.env\"; echo \"$MEDIA_PATH\")\"\n", 0o755);
        const run = h.run(script);
        assert.equal(run.status, 0, run.console);
        assert.deepEqual(steps(run), ["media", "custom-app"]);
        assert.match(run.console, /^custom app started, media at \/var\/www\/html\/wp-content\/uploads$/m);
        assert.deepEqual(run.calls.filter((c) => /^(dnf|aws|curl)/.test(c)), []);
        assert.ok(run.calls.includes(`mount ${h.root}/var/www/html/wp-content/uploads`));
        assert.equal(h.exists("/etc/pilot-light/app-config.php"), false);
    });
});
