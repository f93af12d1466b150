<?php
// The ALB's health check (components/app/boot/health.php): proves httpd hands the request to
// PHP-FPM and PHP runs. It touches no database, cache or media on purpose: a Multi-AZ database
// failover must not take every instance out of service at once.
header('Content-Type: text/plain');
header('Cache-Control: no-store');
echo "ok\n";
