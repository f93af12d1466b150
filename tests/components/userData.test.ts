// renderUserData as a pure function: the script passes shellcheck, writes the config and the
// secret fetcher without any secret in it, mounts the bucket, and no value can break out.
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import {
    renderFetchSecretsScript, renderUserData, shellQuote, UserDataConfig, userDataProblems,
} from "../../components/app/userData";

const SHELLCHECK = "/usr/bin/shellcheck";

const config = (over: Partial<UserDataConfig> = {}): UserDataConfig => ({
    region: "us-east-1",
    dbHost: "pilot-light-prod.cabc123.us-east-1.rds.amazonaws.com",
    dbPort: 3306,
    dbSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-credentials-AbCdEf",
    cacheHost: "master.prod-app-cache-redis.abc123.use1.cache.amazonaws.com",
    cacheAuthSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod-app-cache-auth-token-XyZ123",
    mediaBucket: "pilot-light-prod-media",
    ...over,
});

/** The body of the heredoc that starts with `<<'DELIM'` in the script. */
function heredoc(script: string, delimiter: string): string {
    const start = script.indexOf(`<<'${delimiter}'\n`);
    assert.ok(start >= 0, `heredoc ${delimiter} present`);
    const bodyStart = script.indexOf("\n", start) + 1;
    const end = script.indexOf(`\n${delimiter}\n`, bodyStart);
    assert.ok(end >= 0, `heredoc ${delimiter} terminated`);
    return script.slice(bodyStart, end + 1);
}

describe("app/renderUserData", () => {
    let dir: string;
    before(() => { dir = mkdtempSync(join(tmpdir(), "pilot-light-userdata-")); });
    after(() => rmSync(dir, { recursive: true, force: true }));

    function shellcheck(script: string, file: string): void {
        const probe = spawnSync(SHELLCHECK, ["--version"]);
        if (probe.error || probe.status !== 0) {
            assert.fail(`shellcheck is required for this test but was not found at ${SHELLCHECK}; install it (apt-get install shellcheck)`);
        }
        const path = join(dir, file);
        writeFileSync(path, script);
        const result = spawnSync(SHELLCHECK, ["-s", "bash", path], { encoding: "utf8" });
        assert.equal(result.status, 0, `shellcheck -s bash reported problems in ${file}:\n${result.stdout}${result.stderr}`);
    }

    it("passes shellcheck, and so does the secret fetcher it installs", () => {
        shellcheck(renderUserData(config()), "user-data.sh");
        shellcheck(renderUserData(config({ region: "cn-north-1", mediaMountPath: "/srv/media" })), "user-data-cn.sh");
        shellcheck(renderFetchSecretsScript(), "fetch-secrets.sh");
        shellcheck(heredoc(renderUserData(config()), "PILOT_LIGHT_FETCH_SECRETS"), "fetch-secrets-embedded.sh");
    });

    it("is a strict bash script that bash itself parses", () => {
        const script = renderUserData(config());
        assert.ok(script.startsWith("#!/bin/bash\n"));
        assert.match(script, /^set -euo pipefail$/m);
        execFileSync("bash", ["-n"], { input: script });
    });

    it("renders /etc/pilot-light/app.env with the endpoints, bucket, region and secret ARNs", () => {
        assert.equal(heredoc(renderUserData(config()), "PILOT_LIGHT_APP_ENV"), [
            "AWS_REGION='us-east-1'",
            "DB_HOST='pilot-light-prod.cabc123.us-east-1.rds.amazonaws.com'",
            "DB_PORT='3306'",
            "DB_SECRET_ARN='arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-credentials-AbCdEf'",
            "DB_CREDENTIALS_FILE='/etc/pilot-light/secrets/db-credentials.json'",
            "REDIS_HOST='master.prod-app-cache-redis.abc123.use1.cache.amazonaws.com'",
            "REDIS_PORT='6379'",
            "REDIS_TLS='true'",
            "REDIS_AUTH_SECRET_ARN='arn:aws:secretsmanager:us-east-1:123456789012:secret:prod-app-cache-auth-token-XyZ123'",
            "REDIS_AUTH_FILE='/etc/pilot-light/secrets/redis-auth-token'",
            "MEDIA_BUCKET='pilot-light-prod-media'",
            "MEDIA_PATH='/var/www/media'",
            "",
        ].join("\n"));
        assert.match(renderUserData(config()), /^cat > \/etc\/pilot-light\/app\.env <<'PILOT_LIGHT_APP_ENV'$/m);
    });

    it("fetches both secrets by ARN with the CLI into 0600 files in a 0700 root-only directory, on every boot", () => {
        const fetcher = renderFetchSecretsScript();
        assert.match(fetcher, /^umask 077$/m);
        assert.match(fetcher, /^install -d -m 0700 -o root -g root \/etc\/pilot-light\/secrets$/m);
        assert.match(fetcher, /aws secretsmanager get-secret-value --region "\$AWS_REGION" --secret-id "\$arn"/);
        assert.match(fetcher, /chmod 0600 "\$tmp"\n\s+mv -f "\$tmp" "\$dest"/);
        assert.match(fetcher, /^fetch_secret "\$DB_SECRET_ARN" "\$DB_CREDENTIALS_FILE"$/m);
        assert.match(fetcher, /^fetch_secret "\$REDIS_AUTH_SECRET_ARN" "\$REDIS_AUTH_FILE"$/m);
        const script = renderUserData(config());
        assert.equal(heredoc(script, "PILOT_LIGHT_FETCH_SECRETS"), fetcher);
        assert.match(script, /^chmod 0700 \/usr\/local\/sbin\/pilot-light-fetch-secrets$/m);
        assert.match(heredoc(script, "PILOT_LIGHT_UNIT"), /^ExecStart=\/usr\/local\/sbin\/pilot-light-fetch-secrets$/m);
        assert.match(script, /^systemctl enable pilot-light-secrets\.service$/m);
        assert.match(script, /^\/usr\/local\/sbin\/pilot-light-fetch-secrets$/m);
    });

    it("never inlines a secret value: only ARNs, and no secret-bearing commands or variables", () => {
        const script = renderUserData(config());
        assert.doesNotMatch(script, /SecretString\s*=|password|auth_token=|AUTH_TOKEN=/i);
        assert.doesNotMatch(script, /--secret-string|put-secret-value/);
    });

    it("mounts the bucket with s3fs using the instance role, allow_other and an idempotent fstab entry", () => {
        const script = renderUserData(config());
        assert.match(script, /dnf install -y s3fs-fuse/);
        assert.match(script, /^install -d -m 0755 '\/var\/www\/media'$/m);
        assert.match(script, /^readonly FSTAB_LINE='pilot-light-prod-media \/var\/www\/media fuse\.s3fs _netdev,allow_other,iam_role=auto,url=https:\/\/s3\.us-east-1\.amazonaws\.com,endpoint=us-east-1 0 0'$/m);
        assert.match(script, /^if ! grep -qxF "\$FSTAB_LINE" \/etc\/fstab; then\n {2}echo "\$FSTAB_LINE" >> \/etc\/fstab\nfi$/m);
        assert.match(script, /^ {2}mount '\/var\/www\/media'$/m);
        const cn = renderUserData(config({ region: "cn-north-1", mediaMountPath: "/srv/media" }));
        assert.match(cn, /url=https:\/\/s3\.cn-north-1\.amazonaws\.com\.cn,endpoint=cn-north-1 0 0'$/m);
        assert.match(cn, /^MEDIA_PATH='\/srv\/media'$/m);
    });

    it("keeps a value with quotes, $, backticks and command substitutions literal when the env file is sourced", () => {
        const evil = `db'; touch PWNED; echo '$(touch PWNED)\`touch PWNED\`"$HOME\\`;
        const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:x'$(id)`;
        const script = renderUserData(config({ dbHost: evil, cacheAuthSecretArn: arn }));
        const envPath = join(dir, "app.env");
        writeFileSync(envPath, heredoc(script, "PILOT_LIGHT_APP_ENV"));
        const out = execFileSync("bash", ["-c", `set -euo pipefail; . "$1"; printf '%s\\n%s' "$DB_HOST" "$REDIS_AUTH_SECRET_ARN"`, "bash", envPath],
            { cwd: dir, encoding: "utf8" });
        assert.equal(out, `${evil}\n${arn}`);
        assert.equal(spawnSync("test", ["-e", join(dir, "PWNED")]).status, 1, "no command ran");
        shellcheck(script, "user-data-evil.sh");
    });

    it("quotes for bash with the '\\'' idiom", () => {
        assert.equal(shellQuote("a'b"), `'a'\\''b'`);
        assert.equal(shellQuote("$x"), `'$x'`);
    });

    it("refuses values that could not be written safely, naming each field and value", () => {
        assert.deepEqual(userDataProblems(config()), []);
        assert.deepEqual(userDataProblems(config({ mediaMountPath: "/a/b_c-1.d" })), []);
        assert.throws(() => renderUserData(config({
            region: "us east 1",
            dbHost: "db\nPILOT_LIGHT_APP_ENV",
            dbPort: 0,
            dbSecretArn: "",
            mediaBucket: "My Bucket",
            mediaMountPath: "media",
        })), {
            message: "renderUserData: invalid config:\n"
                + "  - dbHost must not contain control characters (newline, tab, ...), got \"db\\nPILOT_LIGHT_APP_ENV\"\n"
                + "  - dbSecretArn must be a non-empty string, got \"\"\n"
                + "  - region must be an AWS region name such as \"us-east-1\", got \"us east 1\"\n"
                + "  - dbPort must be an integer from 1 to 65535, got 0\n"
                + "  - mediaBucket must be a valid S3 bucket name (3-63 of a-z 0-9 . -), got \"My Bucket\"\n"
                + "  - mediaMountPath must be an absolute path of letters, digits and . _ - / (not ending in /), got \"media\"",
        });
        assert.deepEqual(userDataProblems(config({ dbPort: 65536, mediaMountPath: "/a/../etc", cacheHost: "x\ty" })), [
            "cacheHost must not contain control characters (newline, tab, ...), got \"x\\ty\"",
            "dbPort must be an integer from 1 to 65535, got 65536",
            "mediaMountPath must be an absolute path of letters, digits and . _ - / (not ending in /), got \"/a/../etc\"",
        ]);
        assert.deepEqual(userDataProblems(config({ mediaBucket: "a..b", mediaMountPath: "/media/" })), [
            "mediaBucket must be a valid S3 bucket name (3-63 of a-z 0-9 . -), got \"a..b\"",
            "mediaMountPath must be an absolute path of letters, digits and . _ - / (not ending in /), got \"/media/\"",
        ]);
    });
});
