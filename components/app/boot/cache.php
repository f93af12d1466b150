<?php
// Boot step "cache" at run time (components/app/boot/cache.php), run by boot.sh --cache as user
// apache when the cache endpoint first appears: checks that Redis at HOST answers (AUTH, PING)
// and empties it (FLUSHDB). Until now this server wrote to the database without the object
// cache, so an entry another server cached meanwhile could be stale; emptying the new cache
// when each server turns it on bounds that to the timer's interval. Exit 0 when done, 1 when
// Redis does not answer (boot.sh asks again later). Never prints the token.
declare(strict_types=1);

// PILOT_LIGHT_APP_CONFIG and PILOT_LIGHT_LIB: test seams.
$config = require getenv('PILOT_LIGHT_APP_CONFIG') ?: '/etc/pilot-light/app-config.php';
require (getenv('PILOT_LIGHT_LIB') ?: '/usr/local/libexec/pilot-light') . '/redis.php';
$host = (string) ($argv[1] ?? '');
try {
    $answers = pl_redis($host, $config['redis_port'], $config['redis_token'], [['PING'], ['FLUSHDB']]);
} catch (Throwable $e) {
    fwrite(STDERR, "cache $host does not answer: {$e->getMessage()}\n");
    exit(1);
}
if ($answers !== ['+OK', '+PONG', '+OK']) {
    fwrite(STDERR, "cache $host answered AUTH, PING and FLUSHDB with " . json_encode($answers) . "\n");
    exit(1);
}
echo "cache $host answers; emptied it (FLUSHDB) before turning the object cache on\n";
