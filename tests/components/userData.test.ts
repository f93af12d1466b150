// renderUserData and encodeUserData as pure functions: the script and the boot program pass
// shellcheck, the env file holds only where things are, the embedded files are byte-for-byte
// the ones in components/app/boot/, no value can break out, and the encoded user data fits EC2.
// What the script does when it runs is tests/components/appBoot.test.ts.
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { gunzipSync } from "zlib";
import {
    BOOT_FILE_NAMES, bootFile, encodeUserData, renderUserData, shellQuote, UserDataConfig, userDataProblems,
} from "../../components/app/userData";
import { assertShellcheckClean, SHELLCHECK_USED } from "../support/shellcheck";

const config = (over: Partial<UserDataConfig> = {}): UserDataConfig => ({
    region: "us-east-1",
    dbHost: "pilot-light-prod.cabc123.us-east-1.rds.amazonaws.com",
    dbPort: 3306,
    dbSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-credentials-AbCdEf",
    cacheEndpointParameter: "/pilot-light/prod/cache-endpoint",
    cacheAuthSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod-app-cache-auth-token-XyZ123",
    appSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod-app-app-secret-QwErTy",
    mediaBucket: "pilot-light-prod-media",
    siteUrl: "https://www.example.com",
    ...over,
});

/** The body of the heredoc `cat > "$root<path>" <<'DELIM'` in the script. */
function heredoc(script: string, path: string, delimiter: string): string {
    const start = script.indexOf(`cat > "$root${path}" <<'${delimiter}'\n`);
    assert.ok(start >= 0, `heredoc for ${path} present`);
    const bodyStart = script.indexOf("\n", start) + 1;
    const end = script.indexOf(`\n${delimiter}\n`, bodyStart);
    assert.ok(end >= 0, `heredoc for ${path} terminated`);
    return script.slice(bodyStart, end + 1);
}

describe("app/renderUserData", () => {
    let dir: string;
    before(() => { dir = mkdtempSync(join(tmpdir(), "pilot-light-userdata-")); });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it(`passes shellcheck (${SHELLCHECK_USED}), and so does the boot program it installs`, async () => {
        await assertShellcheckClean(renderUserData(config()), "user-data.sh");
        await assertShellcheckClean(renderUserData(config({ region: "cn-north-1", mediaMountPath: "/srv/media", siteUrl: "http://a-1.cn-north-1.elb.amazonaws.com.cn" })), "user-data-cn.sh");
        await assertShellcheckClean(bootFile("boot.sh"), "boot.sh");
    });

    it("is a strict bash script that bash itself parses, and so is the boot program", () => {
        const script = renderUserData(config());
        assert.ok(script.startsWith("#!/bin/bash\n"));
        assert.match(script, /^set -euo pipefail$/m);
        execFileSync("bash", ["-n"], { input: script });
        execFileSync("bash", ["-n"], { input: bootFile("boot.sh") });
        assert.match(script, /^exec "\$root\/usr\/local\/libexec\/pilot-light\/boot\.sh"\n$/m);
    });

    it("writes /etc/pilot-light/app.env with the endpoints, bucket, site, region and secret ARNs only", () => {
        assert.equal(heredoc(renderUserData(config()), "/etc/pilot-light/app.env", "PILOT_LIGHT_APP_ENV"), [
            "AWS_REGION='us-east-1'",
            "DB_HOST='pilot-light-prod.cabc123.us-east-1.rds.amazonaws.com'",
            "DB_PORT='3306'",
            "DB_NAME='wordpress'",
            "DB_SECRET_ARN='arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-credentials-AbCdEf'",
            "CACHE_ENDPOINT_PARAMETER='/pilot-light/prod/cache-endpoint'",
            "REDIS_PORT='6379'",
            "REDIS_AUTH_SECRET_ARN='arn:aws:secretsmanager:us-east-1:123456789012:secret:prod-app-cache-auth-token-XyZ123'",
            "APP_SECRET_ARN='arn:aws:secretsmanager:us-east-1:123456789012:secret:prod-app-app-secret-QwErTy'",
            "MEDIA_BUCKET='pilot-light-prod-media'",
            "MEDIA_PATH='/var/www/html/wp-content/uploads'",
            "SITE_URL='https://www.example.com'",
            "",
        ].join("\n"));
    });

    it("embeds the boot program and each of its files byte for byte", () => {
        const script = renderUserData(config());
        assert.equal(heredoc(script, "/usr/local/libexec/pilot-light/boot.sh", "PILOT_LIGHT_FILE"), bootFile("boot.sh"));
        assert.deepEqual([...BOOT_FILE_NAMES], ["httpd.conf", "wp-config.php", "health.php", "deep-check.php", "database.php", "redis.php", "cache.php",
            "pilot-light-boot.service", "pilot-light-cache.service", "pilot-light-cache.timer"]);
        for (const name of BOOT_FILE_NAMES) {
            assert.equal(heredoc(script, `/usr/local/libexec/pilot-light/files/${name}`, "PILOT_LIGHT_FILE"), bootFile(name), name);
        }
    });

    it("installs WordPress 7.1 and Redis Object Cache 2.8.0 pinned by hash, PHP 8.5 and Mountpoint from AL2023, and never s3fs", () => {
        const boot = bootFile("boot.sh");
        assert.match(boot, /^readonly WORDPRESS_VERSION=7\.1$/m);
        assert.match(boot, /^readonly WORDPRESS_SHA256=05a5f89138f632b7329f1202f2a0553c5f7fe4daf8e4b9ca7ebae9b9466b9e86$/m);
        assert.match(boot, /^readonly WORDPRESS_SHA1=e0ca593bc062f7a8c5a956ca44aff7375b0841e0$/m);
        assert.match(boot, /^readonly REDIS_CACHE_VERSION=2\.8\.0$/m);
        assert.match(boot, /^readonly REDIS_CACHE_SHA256=f077ac8b9c154cee936d3872b0734d42f7fd7f350e68fe8b2b20a69e854980cd$/m);
        assert.match(boot, /^readonly PACKAGES=\(httpd php8\.5-cli php8\.5-fpm php8\.5-mysqlnd php8\.5-gd php8\.5-mbstring php8\.5-xml mount-s3 unzip\)$/m);
        assert.doesNotMatch(renderUserData(config()), /s3fs/);
    });

    it("never inlines a secret value: only ARNs, and no secret-bearing commands", () => {
        const script = renderUserData(config());
        assert.doesNotMatch(script, /--secret-string|put-secret-value|set -x/);
        assert.doesNotMatch(heredoc(script, "/etc/pilot-light/app.env", "PILOT_LIGHT_APP_ENV"), /password|token=/i);
    });

    it(`keeps a value with quotes, $, backticks and command substitutions literal when the env file is sourced (${SHELLCHECK_USED})`, async () => {
        const evil = `db'; touch PWNED; echo '$(touch PWNED)\`touch PWNED\`"$HOME\\`;
        const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:x'$(id)`;
        const script = renderUserData(config({ dbHost: evil, cacheAuthSecretArn: arn }));
        const envPath = join(dir, "app.env");
        writeFileSync(envPath, heredoc(script, "/etc/pilot-light/app.env", "PILOT_LIGHT_APP_ENV"));
        const out = execFileSync("bash", ["-c", `set -euo pipefail; . "$1"; printf '%s\\n%s' "$DB_HOST" "$REDIS_AUTH_SECRET_ARN"`, "bash", envPath],
            { cwd: dir, encoding: "utf8" });
        assert.equal(out, `${evil}\n${arn}`);
        assert.equal(spawnSync("test", ["-e", join(dir, "PWNED")]).status, 1, "no command ran");
        await assertShellcheckClean(script, "user-data-evil.sh");
    });

    it("quotes for bash with the '\\'' idiom", () => {
        assert.equal(shellQuote("a'b"), `'a'\\''b'`);
        assert.equal(shellQuote("$x"), `'$x'`);
    });

    it("refuses values that could not be written safely, naming each field and value", () => {
        assert.deepEqual(userDataProblems(config()), []);
        assert.deepEqual(userDataProblems(config({ mediaMountPath: "/a/b_c-1.d", siteUrl: "http://pl-dr-alb-123.us-west-2.elb.amazonaws.com" })), []);
        assert.throws(() => renderUserData(config({
            region: "us east 1",
            dbHost: "db\nPILOT_LIGHT_APP_ENV",
            dbPort: 0,
            dbSecretArn: "",
            appSecretArn: "",
            mediaBucket: "My Bucket",
            mediaMountPath: "media",
            siteUrl: "https://www.example.com/blog",
        })), {
            message: "renderUserData: invalid arguments:\n"
                + "  - dbHost must not contain control characters (newline, tab, ...), got \"db\\nPILOT_LIGHT_APP_ENV\"\n"
                + "  - dbSecretArn must be a non-empty string, got \"\"\n"
                + "  - appSecretArn must be a non-empty string, got \"\"\n"
                + "  - region must be an AWS region name such as \"us-east-1\", got \"us east 1\"\n"
                + "  - dbPort must be an integer from 1 to 65535, got 0\n"
                + "  - mediaBucket must be a valid S3 bucket name (3-63 of a-z 0-9 . -), got \"My Bucket\"\n"
                + "  - mediaMountPath must be an absolute path of letters, digits and . _ - / (not ending in /), got \"media\"\n"
                + "  - siteUrl must be http:// or https:// and a DNS name, nothing after it, e.g. \"https://www.example.com\", got \"https://www.example.com/blog\"",
        });
        assert.deepEqual(userDataProblems(config({ dbPort: 65536, mediaMountPath: "/a/../etc", cacheEndpointParameter: "/x\ty", siteUrl: "ftp://x.example.com" })), [
            "cacheEndpointParameter must be an SSM parameter path such as \"/pilot-light/prod/cache-endpoint\" (a leading /, then letters, digits and _ . - /, at most 1011 characters), got \"/x\\ty\"",
            "dbPort must be an integer from 1 to 65535, got 65536",
            "mediaMountPath must be an absolute path of letters, digits and . _ - / (not ending in /), got \"/a/../etc\"",
            "siteUrl must be http:// or https:// and a DNS name, nothing after it, e.g. \"https://www.example.com\", got \"ftp://x.example.com\"",
        ]);
    });
});

describe("app/encodeUserData", () => {
    it("gzips the script for cloud-init and base64-encodes it, well under EC2's 16 KB", () => {
        const script = renderUserData(config());
        const encoded = encodeUserData(script);
        const gzipped = Buffer.from(encoded, "base64");
        assert.deepEqual([gzipped[0], gzipped[1]], [0x1f, 0x8b]);
        assert.equal(gunzipSync(gzipped).toString("utf8"), script);
        assert.ok(gzipped.length < 12 * 1024, `${gzipped.length} bytes gzipped leaves room to grow`);
        assert.ok(Buffer.byteLength(script) > 16384, "uncompressed, it would not fit: the reason for gzip");
    });

    it("gives the same bytes every time (no timestamp), so a plan shows no change to the launch template", () => {
        const script = renderUserData(config());
        const gzipped = Buffer.from(encodeUserData(script), "base64");
        assert.deepEqual([...gzipped.subarray(4, 8)], [0, 0, 0, 0], "gzip MTIME is zero");
        assert.equal(encodeUserData(script), encodeUserData(renderUserData(config())));
    });

    it("refuses user data that is over 16 KB even gzipped", () => {
        // Random bytes do not compress.
        assert.throws(() => encodeUserData(`#!/bin/bash\n# ${randomBytes(20000).toString("base64")}\n`),
            /^Error: encodeUserData: the user data is \d+ bytes gzipped, over EC2's 16384-byte limit$/);
    });
});
