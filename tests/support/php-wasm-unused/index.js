// package.json's overrides point @php-wasm/node's other PHP versions here: the tests load PHP 8.5
// only (tests/support/php.ts), so only @php-wasm/node-8-5 is installed. Loading another fails here.
"use strict";
throw new Error("pilot-light installs only PHP 8.5 for php-wasm (package.json overrides replace the other @php-wasm/node-* versions with tests/support/php-wasm-unused)");
