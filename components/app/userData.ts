// Renders the EC2 user data of the app servers (mirrors the original Terraform `app` folder's
// user-data template). Pure: no Pulumi, so it is unit-tested, shellchecked and run under a
// harness (tests/components/appBoot.test.ts) directly.
//
// The user data holds no secret. It writes where things are (endpoints, bucket, secret ARNs,
// the site's URL) to /etc/pilot-light/app.env, writes the boot program and its files from
// components/app/boot/, and runs the boot program, which installs WordPress on Amazon Linux 2023,
// fetches the secrets at boot and mounts the media bucket with Mountpoint for Amazon S3.
//
// Every value comes from a cloud resource at deploy time (an Output at the call site), so each
// is checked and single-quoted here: a quote, `$`, backtick or newline cannot escape into the
// shell or into the env file.
import { readFileSync } from "fs";
import { join } from "path";
import { gzipSync } from "fflate";
import { assertValid, isAwsRegion } from "../validate";
import { cacheEndpointParameterProblems } from "./validate";

/** The port the Redis cache listens on (cache.ts configures the replication group with it). */
export const REDIS_PORT = 6379;

/** Where the boot program reads its settings (no secret values, only where things are). */
export const APP_ENV_PATH = "/etc/pilot-light/app.env";
/** The app's config, the only file that holds secret values: owner apache, mode 0600. */
export const APP_CONFIG_PATH = "/etc/pilot-light/app-config.php";
/** The boot program (components/app/boot/boot.sh) on the instance. */
export const BOOT_PROGRAM_PATH = "/usr/local/libexec/pilot-light/boot.sh";
/** Where the user data puts the boot program's files; the program installs them from there. */
export const BOOT_FILES_DIR = "/usr/local/libexec/pilot-light/files";
/** WordPress's uploads directory, where the media bucket is mounted by default. */
export const DEFAULT_MEDIA_MOUNT_PATH = "/var/www/html/wp-content/uploads";
/** The database WordPress uses on the RDS instance (created at first boot when missing). */
export const WORDPRESS_DB_NAME = "wordpress";
/** The ALB's health check: web server and PHP, no database (components/app/boot/health.php). */
export const HEALTH_CHECK_PATH = "/pilot-light/health";
/** How the ALB's target group judges an app server: the health path answering 200 (web server and PHP only). */
export const APP_TARGET_HEALTH = Object.freeze({ healthCheckPath: HEALTH_CHECK_PATH, healthCheckMatcher: "200" });
/** Where the app servers keep the Redis endpoint once they know it (boot.sh --cache writes it; not secret). */
export const CACHE_ENDPOINT_PATH = "/etc/pilot-light/cache-endpoint";
/** The deep check drills and failovers use: PHP, database, Redis, media (boot/deep-check.php). */
export const DEEP_CHECK_PATH = "/pilot-light/deep-check";
/**
 * EC2 takes at most 16 KB of user data before base64; cloud-init gunzips gzip user data.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html
 * https://cloudinit.readthedocs.io/en/latest/explanation/format.html
 */
export const USER_DATA_LIMIT_BYTES = 16384;
/** The files the boot program installs, from components/app/boot/. */
export const BOOT_FILE_NAMES = ["httpd.conf", "wp-config.php", "health.php", "deep-check.php", "database.php", "redis.php", "cache.php",
    "pilot-light-boot.service", "pilot-light-cache.service", "pilot-light-cache.timer"] as const;

const BOOT_SOURCE_DIR = join(__dirname, "boot");
const FILE_DELIMITER = "PILOT_LIGHT_FILE";

/** What the user data needs to know; every field is a plain, resolved value. */
export interface UserDataConfig {
    /** The AWS region the instances run in, e.g. `us-east-1`. */
    region: string;
    /** The database endpoint address (host name only, no port). */
    dbHost: string;
    /** The database port, an integer from 1 to 65535. */
    dbPort: number;
    /** ARN of the Secrets Manager secret with the database credentials (the ARN, never the value). */
    dbSecretArn: string;
    /**
     * The SSM parameter that holds the Redis primary endpoint's address once the cache exists
     * (components/app/cacheEndpoint.ts): the servers read it at run time, so they need not wait
     * for the cache, and serve from the database until it is there. TLS on {@link REDIS_PORT}.
     */
    cacheEndpointParameter: string;
    /** ARN of the Secrets Manager secret with the Redis AUTH token (the ARN, never the value). */
    cacheAuthSecretArn: string;
    /** ARN of the app tier's secret: the deep check's token and the WordPress admin password. */
    appSecretArn: string;
    /** The media bucket's name, mounted with Mountpoint. Must follow the S3 naming rules. */
    mediaBucket: string;
    /** Absolute path the bucket is mounted on. Defaults to WordPress's uploads directory. Letters, digits, `._-/` only (fstab has no quoting). */
    mediaMountPath?: string;
    /**
     * The site's address, WordPress's WP_HOME and WP_SITEURL: `https://` + the domain when there
     * is one, otherwise `https://` + this region's CloudFront distribution name. Scheme and host only.
     */
    siteUrl: string;
}

const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const MOUNT_PATH_PATTERN = /^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/;
const SITE_URL_PATTERN = /^https?:\/\/([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** The problems with a user-data config, one message per bad field; empty when it is valid. */
export function userDataProblems(c: UserDataConfig): string[] {
    const problems: string[] = [];
    const text: [keyof UserDataConfig, unknown][] = [
        ["dbHost", c.dbHost], ["dbSecretArn", c.dbSecretArn], ["cacheAuthSecretArn", c.cacheAuthSecretArn],
        ["appSecretArn", c.appSecretArn],
    ];
    for (const [field, value] of text) {
        if (typeof value !== "string" || value.length === 0) {
            problems.push(`${field} must be a non-empty string, got ${JSON.stringify(value)}`);
        } else if (CONTROL_CHARS.test(value)) {
            problems.push(`${field} must not contain control characters (newline, tab, ...), got ${JSON.stringify(value)}`);
        }
    }
    problems.push(...cacheEndpointParameterProblems("cacheEndpointParameter", c.cacheEndpointParameter));
    if (!isAwsRegion(c.region)) {
        problems.push(`region must be an AWS region name such as "us-east-1", got ${JSON.stringify(c.region)}`);
    }
    if (!Number.isInteger(c.dbPort) || c.dbPort < 1 || c.dbPort > 65535) {
        problems.push(`dbPort must be an integer from 1 to 65535, got ${JSON.stringify(c.dbPort)}`);
    }
    if (typeof c.mediaBucket !== "string" || !BUCKET_PATTERN.test(c.mediaBucket) || c.mediaBucket.includes("..")) {
        problems.push(`mediaBucket must be a valid S3 bucket name (3-63 of a-z 0-9 . -), got ${JSON.stringify(c.mediaBucket)}`);
    }
    const mount = c.mediaMountPath ?? DEFAULT_MEDIA_MOUNT_PATH;
    if (typeof mount !== "string" || !MOUNT_PATH_PATTERN.test(mount) || mount.split("/").includes("..")) {
        problems.push(`mediaMountPath must be an absolute path of letters, digits and . _ - / (not ending in /), got ${JSON.stringify(mount)}`);
    }
    if (typeof c.siteUrl !== "string" || !SITE_URL_PATTERN.test(c.siteUrl)) {
        problems.push(`siteUrl must be http:// or https:// and a DNS name, nothing after it, e.g. "https://www.example.com", got ${JSON.stringify(c.siteUrl)}`);
    }
    return problems;
}

/** Single-quotes a value for bash (a sourced env file parses the same quoting). */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A file of components/app/boot/, as the instance gets it. */
export function bootFile(name: "boot.sh" | typeof BOOT_FILE_NAMES[number]): string {
    return readFileSync(join(BOOT_SOURCE_DIR, name), "utf8");
}

/** `cat > PATH <<'PILOT_LIGHT_FILE'` with the file's text; the quoted delimiter keeps it literal. */
function embed(path: string, text: string, name: string): string {
    if (text.split("\n").includes(FILE_DELIMITER)) {
        throw new Error(`renderUserData: components/app/boot/${name} has a line "${FILE_DELIMITER}", which would end its heredoc early`);
    }
    return `cat > "$root${path}" <<'${FILE_DELIMITER}'\n${text.endsWith("\n") ? text : `${text}\n`}${FILE_DELIMITER}\n`;
}

/**
 * Renders the user data script. Throws an Error naming every bad field when the config is
 * invalid (a value that could not be written safely is refused, never mangled).
 */
export function renderUserData(c: UserDataConfig): string {
    assertValid("renderUserData", undefined, userDataProblems(c));
    const env: [string, string][] = [
        ["AWS_REGION", c.region],
        ["DB_HOST", c.dbHost],
        ["DB_PORT", String(c.dbPort)],
        ["DB_NAME", WORDPRESS_DB_NAME],
        ["DB_SECRET_ARN", c.dbSecretArn],
        ["CACHE_ENDPOINT_PARAMETER", c.cacheEndpointParameter],
        ["REDIS_PORT", String(REDIS_PORT)],
        ["REDIS_AUTH_SECRET_ARN", c.cacheAuthSecretArn],
        ["APP_SECRET_ARN", c.appSecretArn],
        ["MEDIA_BUCKET", c.mediaBucket],
        ["MEDIA_PATH", c.mediaMountPath ?? DEFAULT_MEDIA_MOUNT_PATH],
        ["SITE_URL", c.siteUrl],
    ];
    const envFile = env.map(([k, v]) => `${k}=${shellQuote(v)}`).join("\n");
    const files = BOOT_FILE_NAMES.map((name) => embed(`${BOOT_FILES_DIR}/${name}`, bootFile(name), name)).join("");

    return `#!/bin/bash
# pilot-light app server user data, rendered by components/app/userData.ts. It holds no secret:
# only where things are. It writes ${APP_ENV_PATH} and the boot program with its files
# (components/app/boot/), then runs the program: WordPress, secrets fetched at boot, media on S3.
set -euo pipefail
umask 022
# Empty on an instance; the test harness points it at a scratch directory.
root="\${PILOT_LIGHT_ROOT:-}"
install -d -m 0755 "$root/etc/pilot-light" "$root${BOOT_FILES_DIR}"
cat > "$root${APP_ENV_PATH}" <<'PILOT_LIGHT_APP_ENV'
${envFile}
PILOT_LIGHT_APP_ENV
chmod 0644 "$root${APP_ENV_PATH}"
${embed(BOOT_PROGRAM_PATH, bootFile("boot.sh"), "boot.sh")}chmod 0755 "$root${BOOT_PROGRAM_PATH}"
${files}exec "$root${BOOT_PROGRAM_PATH}"
`;
}

/**
 * The launch template's `userData`: the script gzipped (cloud-init unpacks it), then base64.
 * fflate is pure JavaScript, so the same script gives the same bytes on every machine and Node
 * version; Node's zlib can differ by CPU, and a changed byte would roll the whole fleet.
 * Throws when even the compressed script is over EC2's 16 KB.
 */
export function encodeUserData(script: string): string {
    const gzipped = gzipSync(new TextEncoder().encode(script), { level: 9, mtime: 0 });
    if (gzipped.length > USER_DATA_LIMIT_BYTES) {
        throw new Error(`encodeUserData: the user data is ${gzipped.length} bytes gzipped, over EC2's ${USER_DATA_LIMIT_BYTES}-byte limit`);
    }
    return Buffer.from(gzipped).toString("base64");
}
