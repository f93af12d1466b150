<?php
// WordPress configuration of a pilot-light app server (components/app/boot/wp-config.php),
// installed one level above the document root. It holds no secret value; they all come from
// /etc/pilot-light/app-config.php (owner apache, 0600), which boot.sh writes on every boot.
// The authentication keys and salts are not defined here, so WordPress keeps them in the
// database (wp_salt()): the same for every instance behind the ALB, and replicated to dr.
// PILOT_LIGHT_APP_CONFIG: a test seam; php-fpm clears the environment of its workers.
$pilot_light_path = getenv('PILOT_LIGHT_APP_CONFIG') ?: '/etc/pilot-light/app-config.php';
$pilot_light = require $pilot_light_path;
// The cache endpoint, once the cache exists (boot.sh --cache writes it; not a secret).
$pilot_light_cache = @file_get_contents(dirname($pilot_light_path) . '/cache-endpoint');
$pilot_light_cache = $pilot_light_cache === false ? '' : trim($pilot_light_cache);
$pilot_light_db = json_decode($pilot_light['db_secret'], true, 4, JSON_THROW_ON_ERROR);

define('DB_NAME', $pilot_light['db_name']);
define('DB_USER', $pilot_light_db['username']);
define('DB_PASSWORD', $pilot_light_db['password']);
define('DB_HOST', $pilot_light['db_host'] . ':' . $pilot_light['db_port']);
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
// The parameter group sets require_secure_transport: connect with TLS.
define('MYSQL_CLIENT_FLAGS', MYSQLI_CLIENT_SSL);

// Redis Object Cache against the ElastiCache primary endpoint: TLS and the AUTH token. Predis,
// bundled with the plugin, because AL2023 packages no phpredis. Until the endpoint is known (a
// promoted dr while ElastiCache creates Redis) the drop-in is bypassed with WP_REDIS_DISABLED,
// the plugin's switch for that, and WordPress uses its per-request cache and the database.
// WP_REDIS_GRACEFUL stays off: the plugin warns that it "will cause data corruption".
// https://github.com/rhubarbgroup/redis-cache (README, configuration options; includes/object-cache.php)
define('WP_REDIS_DISABLED', $pilot_light_cache === '');
define('WP_REDIS_SCHEME', 'tls');
define('WP_REDIS_HOST', $pilot_light_cache);
define('WP_REDIS_PORT', (int) $pilot_light['redis_port']);
define('WP_REDIS_PASSWORD', $pilot_light['redis_token']);
define('WP_REDIS_CLIENT', 'predis');
define('WP_REDIS_PREFIX', 'wp:');

// The site's address comes from the deploy, not the database: the domain when there is one,
// otherwise this region's CloudFront distribution, so a promoted dr answers under its own name.
define('WP_HOME', $pilot_light['site_url']);
define('WP_SITEURL', $pilot_light['site_url']);
// Where TLS ends says so in a header, so is_ssl() is true and WordPress builds https links and
// secure cookies. With a domain TLS ends at the ALB: X-Forwarded-Proto. Without one it ends at
// CloudFront, which reaches the ALB over HTTP (so the ALB's X-Forwarded-Proto says http) and
// sends CloudFront-Forwarded-Proto (origin request policy AllViewerAndCloudFrontHeaders-2022-06,
// components/app/cdn.ts). Only the ALB reaches port 80, and without a domain the ALB forwards only
// what carries CloudFront's secret origin header, so neither header can come from a viewer directly.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/adding-cloudfront-headers.html
if (($_SERVER['HTTP_X_FORWARDED_PROTO'] ?? '') === 'https' || ($_SERVER['HTTP_CLOUDFRONT_FORWARDED_PROTO'] ?? '') === 'https') {
    $_SERVER['HTTPS'] = 'on';
}

// An Auto Scaling fleet is immutable: code changes come with a new image or user data, not
// through the dashboard on one instance.
define('DISALLOW_FILE_MODS', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_DEBUG', false);

$table_prefix = 'wp_';
unset($pilot_light, $pilot_light_db, $pilot_light_path, $pilot_light_cache);

if (!defined('ABSPATH')) {
    define('ABSPATH', '/var/www/html/');
}
require_once ABSPATH . 'wp-settings.php';
