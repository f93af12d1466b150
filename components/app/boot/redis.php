<?php
// A minimal Redis client over TLS (components/app/boot/redis.php), for the deep check and the
// cache switch (cache.php): RESP by hand, no extension or library needed (AL2023 packages no
// phpredis). Installed in /usr/local/libexec/pilot-light; never prints the token.
declare(strict_types=1);

/** The cache endpoint the app servers know, or '' before it exists (boot.sh --cache writes it). */
function pl_cache_endpoint(string $file): string
{
    $host = @file_get_contents($file);
    return $host === false ? '' : trim($host);
}

/**
 * Sends AUTH with `$token`, then `$commands` (each a list of words), to `$host:$port` over TLS
 * with the certificate verified. Returns the answers' first lines, AUTH's first; throws when the
 * connection fails.
 */
function pl_redis(string $host, string $port, string $token, array $commands, int $timeout = 3): array
{
    $resp = static fn(string ...$words): string => '*' . count($words) . "\r\n"
        . implode('', array_map(static fn(string $w): string => '$' . strlen($w) . "\r\n" . $w . "\r\n", $words));
    $context = stream_context_create(['ssl' => ['verify_peer' => true, 'verify_peer_name' => true]]);
    $redis = @stream_socket_client("tls://$host:$port", $errno, $error, $timeout, STREAM_CLIENT_CONNECT, $context);
    if ($redis === false) {
        throw new RuntimeException("cannot connect: $error ($errno)");
    }
    stream_set_timeout($redis, $timeout);
    fwrite($redis, $resp('AUTH', $token) . implode('', array_map(static fn(array $c): string => $resp(...$c), $commands)));
    $answers = [];
    for ($i = 0; $i <= count($commands); $i++) {
        $answers[] = trim((string) fgets($redis));
    }
    fclose($redis);
    return $answers;
}
