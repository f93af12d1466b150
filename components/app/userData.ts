// Renders the EC2 user data of the app servers (mirrors the original Terraform `app` folder's
// user-data template). Pure: no Pulumi, no I/O, so it is unit-tested and shellchecked directly.
//
// The script holds no secret. It writes where the secrets live (their ARNs) to
// /etc/pilot-light/app.env, installs a boot-time unit that fetches the secret values from
// Secrets Manager into root-only files, and mounts the media bucket with s3fs.
//
// Every value comes from a cloud resource at deploy time (an Output at the call site), so each
// is checked and single-quoted here: a quote, `$`, backtick or newline cannot escape into the
// shell or into the env file.

/** The port the Redis cache listens on (cache.ts configures the replication group with it). */
export const REDIS_PORT = 6379;

/** Where the app reads its generated configuration. */
export const APP_ENV_PATH = "/etc/pilot-light/app.env";
/** Root-only directory that holds the fetched secret values. */
export const SECRETS_DIR = "/etc/pilot-light/secrets";
/** The boot-time secret fetcher the user data installs. */
export const FETCH_SECRETS_PATH = "/usr/local/sbin/pilot-light-fetch-secrets";
/** Default mount point of the media bucket. */
export const DEFAULT_MEDIA_MOUNT_PATH = "/var/www/media";

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
    /** The Redis primary endpoint address. */
    cacheHost: string;
    /** ARN of the Secrets Manager secret with the Redis AUTH token (the ARN, never the value). */
    cacheAuthSecretArn: string;
    /**
     * The media bucket's name. It must follow the S3 naming rules because it goes into
     * /etc/fstab: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
     */
    mediaBucket: string;
    /** Absolute path the bucket is mounted on. Defaults to `/var/www/media`. Letters, digits, `._-/` only (fstab has no quoting). */
    mediaMountPath?: string;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const MOUNT_PATH_PATTERN = /^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** The problems with a user-data config, one message per bad field; empty when it is valid. */
export function userDataProblems(c: UserDataConfig): string[] {
    const problems: string[] = [];
    const text: [keyof UserDataConfig, unknown][] = [
        ["dbHost", c.dbHost], ["dbSecretArn", c.dbSecretArn], ["cacheHost", c.cacheHost], ["cacheAuthSecretArn", c.cacheAuthSecretArn],
    ];
    for (const [field, value] of text) {
        if (typeof value !== "string" || value.length === 0) {
            problems.push(`${field} must be a non-empty string, got ${JSON.stringify(value)}`);
        } else if (CONTROL_CHARS.test(value)) {
            problems.push(`${field} must not contain control characters (newline, tab, ...), got ${JSON.stringify(value)}`);
        }
    }
    if (typeof c.region !== "string" || !REGION_PATTERN.test(c.region)) {
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
    return problems;
}

/** Single-quotes a value for bash (and for a systemd EnvironmentFile, which parses the same quoting). */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The S3 endpoint host of a region; the China partition uses its own DNS suffix. */
function s3Endpoint(region: string): string {
    return `https://s3.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

/**
 * The boot-time secret fetcher. A systemd unit runs it on every boot, so a rotated secret is
 * picked up by a reboot and an instance refresh, not only at first launch.
 */
export function renderFetchSecretsScript(): string {
    return `#!/bin/bash
# Installed by the pilot-light user data. Fetches the app's secrets into root-only files.
set -euo pipefail
# shellcheck source=/dev/null
. ${APP_ENV_PATH}
umask 077
install -d -m 0700 -o root -g root ${SECRETS_DIR}

# fetch_secret ARN FILE: writes the secret's value to FILE (0600) atomically.
fetch_secret() {
  local arn="$1" dest="$2" tmp attempt
  tmp="$(mktemp "${SECRETS_DIR}/.fetch.XXXXXX")"
  # The instance profile's credentials can take a few seconds to appear after launch.
  for attempt in 1 2 3 4 5; do
    if aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$arn" \\
        --query SecretString --output text > "$tmp"; then
      chmod 0600 "$tmp"
      mv -f "$tmp" "$dest"
      return 0
    fi
    echo "fetching $arn failed (attempt $attempt), retrying" >&2
    sleep $((attempt * 5))
  done
  rm -f "$tmp"
  return 1
}

fetch_secret "$DB_SECRET_ARN" "$DB_CREDENTIALS_FILE"
fetch_secret "$REDIS_AUTH_SECRET_ARN" "$REDIS_AUTH_FILE"
`;
}

/**
 * Renders the user data script. Throws an Error naming every bad field when the config is
 * invalid (a value that could not be written safely is refused, never mangled).
 */
export function renderUserData(c: UserDataConfig): string {
    const problems = userDataProblems(c);
    if (problems.length > 0) {
        throw new Error(`renderUserData: invalid config:\n  - ${problems.join("\n  - ")}`);
    }
    const mount = c.mediaMountPath ?? DEFAULT_MEDIA_MOUNT_PATH;
    const env: [string, string][] = [
        ["AWS_REGION", c.region],
        ["DB_HOST", c.dbHost],
        ["DB_PORT", String(c.dbPort)],
        ["DB_SECRET_ARN", c.dbSecretArn],
        ["DB_CREDENTIALS_FILE", `${SECRETS_DIR}/db-credentials.json`],
        ["REDIS_HOST", c.cacheHost],
        ["REDIS_PORT", String(REDIS_PORT)],
        // The replication group enforces in-transit encryption, so clients must use TLS.
        ["REDIS_TLS", "true"],
        ["REDIS_AUTH_SECRET_ARN", c.cacheAuthSecretArn],
        ["REDIS_AUTH_FILE", `${SECRETS_DIR}/redis-auth-token`],
        ["MEDIA_BUCKET", c.mediaBucket],
        ["MEDIA_PATH", mount],
    ];
    const envFile = env.map(([k, v]) => `${k}=${shellQuote(v)}`).join("\n");
    // Bucket and mount path are validated to characters that need no quoting in fstab.
    // iam_role=auto: s3fs takes the instance profile's credentials (IMDSv2), no keys on disk.
    // allow_other: the web server's user, not only root, can read the mounted media.
    const fstabOptions = `_netdev,allow_other,iam_role=auto,url=${s3Endpoint(c.region)},endpoint=${c.region}`;
    const fstabLine = `${c.mediaBucket} ${mount} fuse.s3fs ${fstabOptions} 0 0`;

    return `#!/bin/bash
# pilot-light app server bootstrap, rendered by components/app/userData.ts.
# It inlines no secret value, only the ARNs of the secrets, fetched at boot into root-only files.
set -euo pipefail

install -d -m 0755 -o root -g root /etc/pilot-light
# The quoted heredoc delimiter keeps the shell from expanding anything in the values.
cat > ${APP_ENV_PATH} <<'PILOT_LIGHT_APP_ENV'
${envFile}
PILOT_LIGHT_APP_ENV
chmod 0644 ${APP_ENV_PATH}

cat > ${FETCH_SECRETS_PATH} <<'PILOT_LIGHT_FETCH_SECRETS'
${renderFetchSecretsScript().trimEnd()}
PILOT_LIGHT_FETCH_SECRETS
chmod 0700 ${FETCH_SECRETS_PATH}

cat > /etc/systemd/system/pilot-light-secrets.service <<'PILOT_LIGHT_UNIT'
[Unit]
Description=Fetch the pilot-light app secrets from AWS Secrets Manager
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${FETCH_SECRETS_PATH}

[Install]
WantedBy=multi-user.target
PILOT_LIGHT_UNIT
systemctl daemon-reload
systemctl enable pilot-light-secrets.service
# Run it now as well: this first boot is already past the point where the unit would start.
${FETCH_SECRETS_PATH}

# s3fs is not in every distribution's default repositories; bake it into the AMI where it is not.
if ! command -v s3fs > /dev/null 2>&1; then
  if command -v dnf > /dev/null 2>&1; then
    dnf install -y s3fs-fuse
  elif command -v yum > /dev/null 2>&1; then
    if command -v amazon-linux-extras > /dev/null 2>&1; then
      amazon-linux-extras install -y epel
    fi
    yum install -y s3fs-fuse
  elif command -v apt-get > /dev/null 2>&1; then
    apt-get update -y
    apt-get install -y s3fs
  else
    echo "no package manager found to install s3fs" >&2
    exit 1
  fi
fi

install -d -m 0755 ${shellQuote(mount)}
# The fstab entry makes the mount survive a reboot; grep keeps a re-run from duplicating it.
readonly FSTAB_LINE=${shellQuote(fstabLine)}
if ! grep -qxF "$FSTAB_LINE" /etc/fstab; then
  echo "$FSTAB_LINE" >> /etc/fstab
fi
if ! mountpoint -q ${shellQuote(mount)}; then
  mount ${shellQuote(mount)}
fi
`;
}
