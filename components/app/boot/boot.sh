#!/bin/bash
# pilot-light app server boot: WordPress on Amazon Linux 2023, media on S3 through Mountpoint.
# The user data (components/app/userData.ts) writes /etc/pilot-light/app.env and this program
# with its files, then runs it; pilot-light-boot.service runs it again on every later boot.
# Every step is idempotent: a second run installs nothing, refreshes the secrets, changes nothing else.
#
# Steps, and their budget on a first boot from the stock AL2023 image (docs/resilience.md,
# `ec2-boot`, 5 min with the OS boot; the ASG grace period is 10 min):
#   packages   httpd, PHP 8.5 and mount-s3 from AL2023's repositories (dnf checks signatures)  90 s
#   secrets    DB credentials, Redis AUTH token, app secret -> the app config (0600)               5 s
#   wordpress  WordPress + Redis Object Cache downloads, checked against pinned hashes            45 s
#   media      the media bucket mounted with Mountpoint, its health object                        10 s
#   config     wp-config.php, the web server config, the health and deep-check endpoints           1 s
#   cache      the Redis endpoint from its SSM parameter, if the cache exists yet                  2 s
#   services   php-fpm and httpd started, this program enabled for later boots                     5 s
#   database   database created and WordPress installed if missing (never fails the boot)         10 s
# An image that already has the pinned packages and WordPress skips both downloads (about 1 min).
# An image with an executable /etc/pilot-light/custom-app runs that instead of WordPress
# (README: "Bring your own app").
# The cache need not exist: without its endpoint WordPress serves from the database, and
# pilot-light-cache.timer runs `boot.sh --cache` every 30 s until the endpoint appears
# (components/app/cacheEndpoint.ts), so a promoted dr does not wait for ElastiCache.
#
# No secret value reaches argv, the log or the console: values come from `aws` on a pipe into
# shell variables and are written only into the app config (owner apache, mode 0600).
# Test seams (tests/components/appBoot.test.ts): PILOT_LIGHT_ROOT prefixes every path written,
# PILOT_LIGHT_RETRY_DELAY is the base wait in seconds between attempts. Unset on an instance.
set -euo pipefail
shopt -s inherit_errexit
umask 022

readonly ROOT="${PILOT_LIGHT_ROOT:-}"
readonly RETRY_DELAY="${PILOT_LIGHT_RETRY_DELAY:-5}"
readonly ATTEMPTS=4
readonly LIB=/usr/local/libexec/pilot-light
readonly APP_CONFIG=/etc/pilot-light/app-config.php
readonly CUSTOM_APP=/etc/pilot-light/custom-app
readonly DOCROOT=/var/www/html
readonly WEB=/var/www/pilot-light
readonly MARKER=PILOT_LIGHT_VALUE
readonly MEDIA_HEALTH_TEXT='pilot-light media health object'
readonly CACHE_ENDPOINT_FILE=/etc/pilot-light/cache-endpoint
readonly HOST_PATTERN='^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$'

# Pinned artifacts. WordPress 7.1: SHA-1 as wordpress.org publishes it (wordpress-7.1.tar.gz.sha1,
# also pinned by docker-library/wordpress versions.json), SHA-256 as recorded by two independent
# public projects. Redis Object Cache 2.8.0: wordpress.org publishes no hash for plugin zips; the
# SHA-256 is the one two independent public Dockerfiles pin for this exact URL.
readonly WORDPRESS_VERSION=7.1
readonly WORDPRESS_SHA256=05a5f89138f632b7329f1202f2a0553c5f7fe4daf8e4b9ca7ebae9b9466b9e86
readonly WORDPRESS_SHA1=e0ca593bc062f7a8c5a956ca44aff7375b0841e0
readonly REDIS_CACHE_VERSION=2.8.0
readonly REDIS_CACHE_SHA256=f077ac8b9c154cee936d3872b0734d42f7fd7f350e68fe8b2b20a69e854980cd
# PHP 8.5 has the longest upstream support of AL2023's PHP versions (to 2029-12-31). mount-s3 is
# in AL2023's repositories from release 2023.9.20251110 (docs: mountpoint-installation.html).
readonly PACKAGES=(httpd php8.5-cli php8.5-fpm php8.5-mysqlnd php8.5-gd php8.5-mbstring php8.5-xml mount-s3 unzip)

install -d -m 0755 "$ROOT/var/log"
# Everything below goes to the console (cloud-init's log) and to our own boot log.
exec > >(tee -a "$ROOT/var/log/pilot-light-boot.log") 2>&1

STEP=start
say() { printf 'pilot-light boot: %s\n' "$*"; }
fail() { say "FAILED in step $STEP: $*"; exit 1; }
step() { STEP=$1; say "step $1: $2"; }

# shellcheck source=/dev/null
. "$ROOT/etc/pilot-light/app.env"

# retry WHAT COMMAND...: up to ATTEMPTS tries, waiting RETRY_DELAY x attempt seconds in between.
retry() {
  local what=$1 attempt
  shift
  for ((attempt = 1; attempt <= ATTEMPTS; attempt++)); do
    if "$@"; then return 0; fi
    say "$what failed (attempt $attempt of $ATTEMPTS)"
    if ((attempt < ATTEMPTS)); then sleep $((RETRY_DELAY * attempt)); fi
  done
  fail "$what failed $ATTEMPTS times; the errors are above"
}

# fetch_secret VAR ARN: the secret's SecretString into shell variable VAR, checked to fit the app config.
fetch_secret() {
  local var=$1 arn=$2 value="" attempt
  for ((attempt = 1; attempt <= ATTEMPTS; attempt++)); do
    if value=$(aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$arn" \
        --query SecretString --output text); then break; fi
    say "fetching secret $arn failed (attempt $attempt of $ATTEMPTS)"
    if ((attempt == ATTEMPTS)); then fail "could not fetch secret $arn from Secrets Manager in $AWS_REGION"; fi
    sleep $((RETRY_DELAY * attempt))
  done
  if [[ -z $value || $value == *$'\n'* || $value == *$'\r'* || $value == *"$MARKER"* ]]; then
    fail "secret $arn is empty, spans lines or holds $MARKER: not written (its value is not shown)"
  fi
  printf -v "$var" '%s' "$value"
}

# download URL FILE and verify ALGO=HASH...: HTTPS only, refusing a file that does not match.
download() {
  local url=$1 file=$2 check
  shift 2
  retry "downloading $url" curl --fail --silent --show-error --location --proto '=https' --proto-redir '=https' \
    --connect-timeout 10 --max-time 300 --output "$file" "$url"
  for check in "$@"; do
    if ! printf '%s  %s\n' "${check#*=}" "$file" | "${check%%=*}sum" --check --quiet -; then
      fail "$url does not match its pinned ${check%%=*} ${check#*=}: refusing to install it"
    fi
  done
}

# put SOURCE DEST MODE: installs a file only when its content changed; true when it did.
put() {
  if [[ -f $ROOT$2 ]] && cmp -s "$ROOT$LIB/files/$1" "$ROOT$2"; then return 1; fi
  install -D -m "$3" "$ROOT$LIB/files/$1" "$ROOT$2"
}

# php_entry KEY VALUE: one entry of the app config, the value in a nowdoc (no character is special).
php_entry() { printf "  '%s' => <<<'%s'\n%s\n%s,\n" "$1" "$MARKER" "$2" "$MARKER"; }

mount_media() {
  local uid gid line fstab="$ROOT/etc/fstab"
  uid=$(id -u apache 2>/dev/null || id -u)
  gid=$(id -g apache 2>/dev/null || id -g)
  # Mountpoint's fstab form (v1.18+): the options are its CLI flags. allow-other lets httpd and
  # php-fpm (user apache) in; delete and overwrite are what WordPress does to media; the bucket is
  # versioned, so neither loses an object.
  line="s3://$MEDIA_BUCKET/ $MEDIA_PATH mount-s3 _netdev,nosuid,nodev,nofail,rw,allow-other,allow-delete,allow-overwrite,uid=$uid,gid=$gid,region=$AWS_REGION 0 0"
  install -d -m 0755 "$ROOT$MEDIA_PATH"
  touch "$fstab"
  if ! grep -qxF "$line" "$fstab"; then printf '%s\n' "$line" >> "$fstab"; fi
  systemctl daemon-reload
  if ! mountpoint -q "$ROOT$MEDIA_PATH"; then retry "mounting s3://$MEDIA_BUCKET on $MEDIA_PATH" mount "$ROOT$MEDIA_PATH"; fi
  # The deep check reads this object: a real GetObject through the mount.
  if [[ ! -f $ROOT$MEDIA_PATH/pilot-light/health.txt ]]; then
    install -d -m 0755 "$ROOT$MEDIA_PATH/pilot-light"
    printf '%s\n' "$MEDIA_HEALTH_TEXT" > "$ROOT$MEDIA_PATH/pilot-light/health.txt" || fail "cannot write to s3://$MEDIA_BUCKET"
  fi
}

# cache_endpoint MODE: the Redis endpoint from its SSM parameter into CACHE_ENDPOINT_FILE, which
# turns WordPress's object cache on (wp-config.php). MODE boot: this server has not served yet;
# MODE running (the timer): Redis must answer and is emptied first (cache.php). Until the
# parameter exists, pilot-light-cache.timer asks again; nothing here fails the boot.
cache_endpoint() {
  local mode=$1 endpoint="" current=""
  if [[ -f $ROOT$CACHE_ENDPOINT_FILE ]]; then current=$(< "$ROOT$CACHE_ENDPOINT_FILE"); fi
  if ! endpoint=$(aws ssm get-parameter --region "$AWS_REGION" --name "$CACHE_ENDPOINT_PARAMETER" \
      --query Parameter.Value --output text); then
    say "no cache endpoint in $CACHE_ENDPOINT_PARAMETER yet: WordPress serves from the database; pilot-light-cache.timer asks every 30 s"
    systemctl daemon-reload
    systemctl enable --now pilot-light-cache.timer
    return 0
  fi
  if [[ ! $endpoint =~ $HOST_PATTERN ]]; then
    say "WARNING: $CACHE_ENDPOINT_PARAMETER does not hold a host name: ignored; pilot-light-cache.timer asks every 30 s"
    systemctl daemon-reload
    systemctl enable --now pilot-light-cache.timer
    return 0
  fi
  if [[ $endpoint != "$current" ]]; then
    if [[ $mode == running ]] && ! runuser -u apache -- php "$ROOT$LIB/cache.php" "$endpoint"; then
      say "cache $endpoint does not answer yet: asking again in 30 s"
      return 0
    fi
    printf '%s\n' "$endpoint" > "$ROOT$CACHE_ENDPOINT_FILE.tmp"
    chmod 0644 "$ROOT$CACHE_ENDPOINT_FILE.tmp"
    mv -f "$ROOT$CACHE_ENDPOINT_FILE.tmp" "$ROOT$CACHE_ENDPOINT_FILE"
  fi
  systemctl disable --now pilot-light-cache.timer
  say "cache endpoint $endpoint: WordPress's object cache is on"
}

if [[ ${1:-} == --cache ]]; then
  step cache "the Redis endpoint from $CACHE_ENDPOINT_PARAMETER (pilot-light-cache.timer)"
  cache_endpoint running
  exit 0
fi

if [[ -x $ROOT$CUSTOM_APP ]]; then
  step media "custom app image: mount the media bucket, then run $CUSTOM_APP"
  command -v mount-s3 > /dev/null || retry "dnf install mount-s3" dnf install -y mount-s3
  mount_media
  step custom-app "$CUSTOM_APP"
  "$ROOT$CUSTOM_APP" || fail "$CUSTOM_APP exited with status $?"
  say "done (custom app)"
  exit 0
fi

step packages "${PACKAGES[*]}"
if rpm -q --quiet "${PACKAGES[@]}"; then
  say "already installed"
else
  retry "dnf install (mount-s3 needs AL2023 2023.9.20251110 or later)" dnf install -y "${PACKAGES[@]}"
fi

step secrets "database credentials, Redis AUTH token, app secret"
db_secret="" redis_token="" app_secret=""
fetch_secret db_secret "$DB_SECRET_ARN"
fetch_secret redis_token "$REDIS_AUTH_SECRET_ARN"
fetch_secret app_secret "$APP_SECRET_ARN"
config_tmp=$(umask 077 && mktemp "$ROOT/etc/pilot-light/.app-config.XXXXXX")
{
  printf '<?php\n// Written by pilot-light boot.sh from app.env and Secrets Manager on every boot. Owner apache, 0600.\nreturn [\n'
  php_entry db_host "$DB_HOST"
  php_entry db_port "$DB_PORT"
  php_entry db_name "$DB_NAME"
  php_entry db_secret "$db_secret"
  php_entry redis_port "$REDIS_PORT"
  php_entry redis_token "$redis_token"
  php_entry app_secret "$app_secret"
  php_entry media_path "$MEDIA_PATH"
  php_entry site_url "$SITE_URL"
  php_entry media_health "$MEDIA_HEALTH_TEXT"
  printf '];\n'
} > "$config_tmp"
unset db_secret redis_token app_secret
chmod 0600 "$config_tmp"
chown apache:apache "$config_tmp"
mv -f "$config_tmp" "$ROOT$APP_CONFIG"

step wordpress "WordPress $WORDPRESS_VERSION, Redis Object Cache $REDIS_CACHE_VERSION"
work=$(mktemp -d "$ROOT/var/tmp/pilot-light.XXXXXX")
trap 'rm -rf "$work"' EXIT
want="wordpress $WORDPRESS_VERSION $WORDPRESS_SHA256"
if [[ -f $ROOT$DOCROOT/.pilot-light-wordpress && $(< "$ROOT$DOCROOT/.pilot-light-wordpress") == "$want" ]]; then
  say "WordPress $WORDPRESS_VERSION already installed"
else
  download "https://wordpress.org/wordpress-$WORDPRESS_VERSION.tar.gz" "$work/wordpress.tar.gz" \
    "sha256=$WORDPRESS_SHA256" "sha1=$WORDPRESS_SHA1"
  install -d -m 0755 "$ROOT$DOCROOT"
  tar -xzf "$work/wordpress.tar.gz" -C "$ROOT$DOCROOT" --strip-components=1 --no-same-owner
  printf '%s\n' "$want" > "$ROOT$DOCROOT/.pilot-light-wordpress"
fi
plugins="$ROOT$DOCROOT/wp-content/plugins"
want="redis-cache $REDIS_CACHE_VERSION $REDIS_CACHE_SHA256"
if [[ -f $plugins/redis-cache/.pilot-light-version && $(< "$plugins/redis-cache/.pilot-light-version") == "$want" ]]; then
  say "Redis Object Cache $REDIS_CACHE_VERSION already installed"
else
  download "https://downloads.wordpress.org/plugin/redis-cache.$REDIS_CACHE_VERSION.zip" "$work/redis-cache.zip" \
    "sha256=$REDIS_CACHE_SHA256"
  rm -rf "$plugins/redis-cache"
  unzip -q "$work/redis-cache.zip" -d "$plugins"
  printf '%s\n' "$want" > "$plugins/redis-cache/.pilot-light-version"
fi
# The object-cache drop-in: WordPress loads it without activating the plugin.
install -m 0644 "$plugins/redis-cache/includes/object-cache.php" "$ROOT$DOCROOT/wp-content/object-cache.php"

step media "s3://$MEDIA_BUCKET on $MEDIA_PATH with Mountpoint"
mount_media

step config "wp-config.php, httpd, the health and deep-check endpoints"
reload=0
put wp-config.php /var/www/wp-config.php 0644 && reload=1
put httpd.conf /etc/httpd/conf.d/pilot-light.conf 0644 && reload=1
put health.php "$WEB/health.php" 0644 && reload=1
put deep-check.php "$WEB/deep-check.php" 0644 && reload=1
put database.php "$LIB/database.php" 0644 && reload=1
put redis.php "$LIB/redis.php" 0644 && reload=1
put cache.php "$LIB/cache.php" 0644 && reload=1
put pilot-light-boot.service /etc/systemd/system/pilot-light-boot.service 0644 && reload=1
put pilot-light-cache.service /etc/systemd/system/pilot-light-cache.service 0644 && reload=1
put pilot-light-cache.timer /etc/systemd/system/pilot-light-cache.timer 0644 && reload=1

step cache "the Redis endpoint from $CACHE_ENDPOINT_PARAMETER"
cache_endpoint boot

step services "php-fpm, httpd, pilot-light-boot.service"
systemctl daemon-reload
systemctl enable --now php-fpm.service httpd.service
systemctl enable pilot-light-boot.service
if ((reload)); then systemctl reload-or-restart php-fpm.service httpd.service; fi

step database "create the database and install WordPress when missing"
# Not fatal: the ALB's health check does not need the database, and a Multi-AZ failover or a
# cold replica must not stop a boot. The deep check reports the database's state.
if ! runuser -u apache -- php "$ROOT$LIB/database.php"; then
  say "WARNING: the database step did not complete; the deep check shows the database's state"
fi

say "done: WordPress $WORDPRESS_VERSION serves $SITE_URL"
