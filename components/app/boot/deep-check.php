<?php
// The deep check (components/app/boot/deep-check.php): PHP -> database -> Redis -> media on S3,
// the path a user's request takes. Drills and failovers call it through the load balancer
// (ops/runbooks/appCheck.ts); the ALB's health check uses health.php, which needs none of these.
//
// Only a caller with the check token answers (header X-Pilot-Light-Token, the `checkToken` of
// the app tier's Secrets Manager secret): it can write a marker row, and every call costs a
// query, a Redis round trip and an S3 read. Anyone else gets 403 before any of that.
//   GET  ?marker=ID            the checks, and marker ID read from the database (null if absent)
//   POST marker=ID&value=V     writes marker ID=V first (the database must be writable)
// 200 with {"status":"ok",...} when every check passed (Redis may be "pending: ..." before the
// cache exists), 503 with what failed otherwise.
declare(strict_types=1);
header('Content-Type: application/json');
header('Cache-Control: no-store');

function pl_answer(int $status, array $body): never
{
    http_response_code($status);
    echo json_encode($body, JSON_UNESCAPED_SLASHES), "\n";
    exit;
}

// PILOT_LIGHT_APP_CONFIG and PILOT_LIGHT_LIB: test seams; php-fpm clears the environment of its workers.
$configPath = getenv('PILOT_LIGHT_APP_CONFIG') ?: '/etc/pilot-light/app-config.php';
$config = require $configPath;
require (getenv('PILOT_LIGHT_LIB') ?: '/usr/local/libexec/pilot-light') . '/redis.php';
$secret = json_decode($config['app_secret'], true, 4, JSON_THROW_ON_ERROR);
if (!hash_equals($secret['checkToken'], (string) ($_SERVER['HTTP_X_PILOT_LIGHT_TOKEN'] ?? ''))) {
    pl_answer(403, ['status' => 'forbidden']);
}
$method = $_SERVER['REQUEST_METHOD'] ?? 'GET';
if ($method !== 'GET' && $method !== 'POST') {
    pl_answer(405, ['status' => 'method not allowed']);
}
$id = (string) ($method === 'POST' ? ($_POST['marker'] ?? '') : ($_GET['marker'] ?? ''));
$value = (string) ($_POST['value'] ?? '');
if (($id !== '' || $method === 'POST') && !preg_match('/^[A-Za-z0-9._:-]{1,64}$/', $id)) {
    pl_answer(400, ['status' => 'bad request: marker must be 1-64 of A-Z a-z 0-9 . _ : -']);
}
if ($method === 'POST' && !preg_match('/^[A-Za-z0-9._:-]{1,128}$/', $value)) {
    pl_answer(400, ['status' => 'bad request: value must be 1-128 of A-Z a-z 0-9 . _ : -']);
}

$checks = [];
$marker = null;
$readOnly = null;

try {
    mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
    $db = json_decode($config['db_secret'], true, 4, JSON_THROW_ON_ERROR);
    $mysql = mysqli_init();
    $mysql->options(MYSQLI_OPT_CONNECT_TIMEOUT, 3);
    $mysql->options(MYSQLI_OPT_READ_TIMEOUT, 5);
    $mysql->real_connect($config['db_host'], $db['username'], $db['password'], $config['db_name'],
        (int) $config['db_port'], null, MYSQLI_CLIENT_SSL);
    $readOnly = (int) $mysql->query('SELECT @@global.read_only')->fetch_row()[0] === 1;
    if ($method === 'POST') {
        $mysql->query('CREATE TABLE IF NOT EXISTS pilot_light_markers (id VARCHAR(64) PRIMARY KEY, '
            . 'value VARCHAR(128) NOT NULL, written_at DATETIME(3) NOT NULL)');
        $write = $mysql->prepare('REPLACE INTO pilot_light_markers (id, value, written_at) VALUES (?, ?, UTC_TIMESTAMP(3))');
        $write->bind_param('ss', $id, $value);
        $write->execute();
    }
    $table = $mysql->query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
        . "AND TABLE_NAME = 'pilot_light_markers'")->fetch_row()[0];
    if ($id !== '' && (int) $table === 1) {
        $read = $mysql->prepare('SELECT value, written_at FROM pilot_light_markers WHERE id = ?');
        $read->bind_param('s', $id);
        $read->execute();
        $row = $read->get_result()->fetch_assoc();
        $marker = $row ? ['id' => $id, 'value' => $row['value'], 'writtenAt' => $row['written_at']] : null;
    }
    $checks['database'] = 'ok';
} catch (Throwable $e) {
    $checks['database'] = 'failed: ' . $e->getMessage();
}

// The endpoint is known once the cache exists (boot.sh --cache): before that the app serves from
// the database, which is not a failure (a promoted dr while ElastiCache creates Redis).
$cacheHost = pl_cache_endpoint(dirname($configPath) . '/cache-endpoint');
if ($cacheHost === '') {
    $checks['redis'] = 'pending: no cache endpoint yet, the app serves from the database';
} else {
    try {
        $answers = pl_redis($cacheHost, $config['redis_port'], $config['redis_token'], [['PING']]);
        if ($answers !== ['+OK', '+PONG']) {
            throw new RuntimeException('AUTH and PING answered ' . json_encode($answers));
        }
        $checks['redis'] = 'ok';
    } catch (Throwable $e) {
        $checks['redis'] = 'failed: ' . $e->getMessage();
    }
}

$object = $config['media_path'] . '/pilot-light/health.txt';
$content = @file_get_contents($object);
$checks['media'] = $content === $config['media_health'] . "\n" ? 'ok' : "failed: cannot read $object";

$ok = !array_filter($checks, static fn(string $result): bool => $result !== 'ok' && !str_starts_with($result, 'pending:'));
pl_answer($ok ? 200 : 503, [
    'status' => $ok ? 'ok' : 'failed',
    'php' => PHP_VERSION,
    'checks' => $checks,
    'readOnly' => $readOnly,
    'marker' => $marker,
]);
