<?php
// Boot step "database" (components/app/boot/database.php), run by boot.sh as user apache:
// creates the WordPress database when it is missing and installs WordPress into an empty one
// (admin user `admin`, password `adminPassword` of the app tier's secret), under a MySQL lock
// so that instances booting together install once. On a read-only replica (a drill) it only
// reads. Exit 0 when the database is ready, 2 when it cannot be reached; never prints a secret.
declare(strict_types=1);

// PILOT_LIGHT_APP_CONFIG: a test seam; php-fpm clears the environment of its workers.
$config = require getenv('PILOT_LIGHT_APP_CONFIG') ?: '/etc/pilot-light/app-config.php';
$db = json_decode($config['db_secret'], true, 4, JSON_THROW_ON_ERROR);
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
try {
    $mysql = mysqli_init();
    $mysql->options(MYSQLI_OPT_CONNECT_TIMEOUT, 5);
    $mysql->real_connect($config['db_host'], $db['username'], $db['password'], null, (int) $config['db_port'], null,
        MYSQLI_CLIENT_SSL);
} catch (mysqli_sql_exception $e) {
    fwrite(STDERR, "database {$config['db_host']} unreachable: {$e->getMessage()}\n");
    exit(2);
}
$name = $config['db_name'];
$readOnly = (int) $mysql->query('SELECT @@global.read_only')->fetch_row()[0] === 1;
$exists = $mysql->execute_query('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [$name])->num_rows === 1;
if ($readOnly) {
    echo "database server is read-only (a replica): database $name " . ($exists ? 'exists' : 'does not exist yet') . ", nothing to do\n";
    exit(0);
}
if (!$exists) {
    $mysql->query('CREATE DATABASE IF NOT EXISTS `' . str_replace('`', '``', $name) . '` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    echo "created database $name\n";
}

// One installer at a time across the fleet; the others find WordPress installed.
$mysql->query("SELECT GET_LOCK('pilot-light-wordpress-install', 120)");
$host = (string) parse_url($config['site_url'], PHP_URL_HOST);
$_SERVER['HTTP_HOST'] = $host;
$_SERVER['REQUEST_URI'] = '/';
define('WP_INSTALLING', true);
require '/var/www/html/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
if (is_blog_installed()) {
    echo "WordPress is installed in database $name\n";
    exit(0);
}
$secret = json_decode($config['app_secret'], true, 4, JSON_THROW_ON_ERROR);
wp_install('pilot-light', 'admin', "admin@$host", true, '', wp_slash($secret['adminPassword']));
echo "installed WordPress in database $name: user admin, password in the app tier's Secrets Manager secret (adminPassword)\n";
