// A harness that runs the app servers' real user data (components/app/userData.ts) with bash,
// without AWS or root: a scratch directory is the instance's filesystem (PILOT_LIGHT_ROOT), and
// stub executables first on PATH stand in for dnf, rpm, systemctl, aws (Secrets Manager), curl,
// mount, mountpoint, mount-s3, runuser, chown, id and sleep, each appending its argv to a call
// log. The checksum tools pass a file only when it is the harness's genuine artifact for that
// hash, so a tampered download fails the way a real mismatch does. tar, unzip and the shell's
// own tools are real. The metadata service is not stubbed: the boot program never calls it (the
// aws CLI and Mountpoint take the instance role's credentials from IMDSv2 themselves).
import { spawnSync } from "child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, relative } from "path";
import { zipSync } from "fflate";

const STUBBED = ["dnf", "rpm", "systemctl", "aws", "curl", "mount", "mountpoint", "mount-s3", "runuser", "chown", "id", "sleep",
    "sha256sum", "sha1sum"] as const;

// One script for every stub, dispatching on its own name. It logs argv, never stdin.
const STUB = `#!/bin/bash
name=\${0##*/}
printf '%s' "$name" >> "$PL_TEST_LOG"; printf ' %s' "$@" >> "$PL_TEST_LOG"; printf '\\n' >> "$PL_TEST_LOG"
state="$PL_TEST_STATE"
# k: $1 as a file name, each character but a letter or digit written _<hex code>_ (BootHarness.key).
key() { local c i; k=""; for ((i = 0; i < \${#1}; i++)); do c=\${1:i:1}; if [[ $c == [A-Za-z0-9] ]]; then k+=$c; else printf -v c '_%x_' "'$c"; k+=$c; fi; done; }
case "$name" in
  dnf)
    [[ -e $state/dnf-fails ]] && { echo "Error: Unable to find a match: mount-s3" >&2; exit 1; }
    touch "$state/packages-installed" ;;
  rpm) [[ -e $state/packages-installed ]]; exit $? ;;
  aws)
    if [[ $1 == ssm ]]; then
      param=""; while (($#)); do [[ $1 == --name ]] && param=$2; shift; done
      key "$param"
      [[ -e $state/param-$k ]] || { echo "An error occurred (ParameterNotFound) when calling the GetParameter operation: " >&2; exit 254; }
      cat "$state/param-$k"; echo; exit 0
    fi
    arn=""; while (($#)); do [[ $1 == --secret-id ]] && arn=$2; shift; done
    key "$arn"
    [[ -e $state/secret-fails-$k ]] && { echo "An error occurred (AccessDeniedException) when calling the GetSecretValue operation" >&2; exit 254; }
    [[ -e $state/secret-$k ]] || { echo "An error occurred (ResourceNotFoundException)" >&2; exit 254; }
    cat "$state/secret-$k"; echo ;;
  curl)
    out=""; url=""; while (($#)); do case $1 in --output) out=$2; shift ;; https://*) url=$1 ;; esac; shift; done
    key "$url"
    [[ -e $state/curl-fails-$k ]] && { echo "curl: (6) Could not resolve host" >&2; exit 6; }
    [[ -e $state/serve-$k ]] || { echo "curl: (22) The requested URL returned error: 404" >&2; exit 22; }
    cp "$state/serve-$k" "$out" ;;
  sha256sum|sha1sum)
    read -r hash file
    if cmp -s "$file" "$state/genuine-$hash"; then exit 0; fi
    echo "$file: FAILED"; echo "$name: WARNING: 1 computed checksum did NOT match" >&2; exit 1 ;;
  mount) touch "$1/.harness-mounted" ;;
  mountpoint) [[ -e $2/.harness-mounted ]]; exit $? ;;
  id) echo 48 ;;
  runuser)
    if [[ $* == *cache.php* ]]; then exit "$(cat "$state/cache-status" 2>/dev/null || echo 0)"; fi
    exit "$(cat "$state/runuser-status" 2>/dev/null || echo 0)" ;;
esac
exit 0
`;

/** The outcome of one run. */
export interface BootRun {
    status: number;
    /** stdout and stderr as the console (cloud-init's log) would show them, interleaved. */
    console: string;
    /** Every stubbed command of this run, argv joined by spaces, in order. */
    calls: string[];
}

/** A scratch instance: its root, the stubs, and the fakes' state. */
export class BootHarness {
    readonly dir = mkdtempSync(join(tmpdir(), "pilot-light-boot-"));
    readonly root = join(this.dir, "root");
    private readonly bin = join(this.dir, "bin");
    private readonly state = join(this.dir, "state");
    private readonly log = join(this.dir, "calls.log");

    constructor() {
        for (const d of [this.root, this.bin, this.state, join(this.root, "var/tmp"), join(this.root, "etc")]) mkdirSync(d, { recursive: true });
        const stub = join(this.bin, "stub");
        writeFileSync(stub, STUB);
        chmodSync(stub, 0o755);
        // Symlinks: the kernel runs the stub with the link's path as $0, which names the command.
        for (const name of STUBBED) symlinkSync(stub, join(this.bin, name));
        writeFileSync(this.log, "");
    }

    /** A file name for `text`, as the stub's `key` makes it: letters and digits kept, any other character `_<hex code>_`. */
    private key(text: string): string {
        return [...text].map((c) => (/^[A-Za-z0-9]$/.test(c) ? c : `_${c.codePointAt(0)!.toString(16)}_`)).join("");
    }

    /** Secrets Manager holds `value` under `arn` (the stub prints it with a newline, as the CLI does). */
    secret(arn: string, value: string): this {
        writeFileSync(join(this.state, `secret-${this.key(arn)}`), value);
        return this;
    }

    /** GetSecretValue on `arn` fails (AccessDenied) on every attempt. */
    failSecret(arn: string): this {
        writeFileSync(join(this.state, `secret-fails-${this.key(arn)}`), "");
        return this;
    }

    /** `url` serves `content`; when `genuineFor` lists hashes, it is the artifact those pins name. */
    serve(url: string, content: Buffer, genuineFor: string[] = []): this {
        writeFileSync(join(this.state, `serve-${this.key(url)}`), content);
        for (const hash of genuineFor) writeFileSync(join(this.state, `genuine-${hash}`), content);
        return this;
    }

    /** SSM Parameter Store holds `value` under `name` (GetParameter fails with ParameterNotFound otherwise). */
    parameter(name: string, value: string): this {
        writeFileSync(join(this.state, `param-${this.key(name)}`), value);
        return this;
    }

    /** The cache switch (runuser ... php cache.php HOST) exits with `status`: 1 when Redis does not answer. */
    cacheStepExits(status: number): this {
        writeFileSync(join(this.state, "cache-status"), String(status));
        return this;
    }

    /** dnf fails, as it does when a package is in none of the image's repositories. */
    failDnf(): this {
        writeFileSync(join(this.state, "dnf-fails"), "");
        return this;
    }

    /** The database step (runuser ... php database.php) exits with `status`. */
    databaseStepExits(status: number): this {
        writeFileSync(join(this.state, "runuser-status"), String(status));
        return this;
    }

    /** Writes `text` at `path` inside the instance's root, with `mode`. */
    put(path: string, text: string, mode = 0o644): this {
        mkdirSync(join(this.root, path, ".."), { recursive: true });
        writeFileSync(join(this.root, path), text);
        chmodSync(join(this.root, path), mode);
        return this;
    }

    /** Runs `script` with bash as the instance would, with fast retries (1 s base, sleep stubbed). */
    run(script: string): BootRun {
        const path = join(this.dir, "user-data.sh");
        writeFileSync(path, script);
        return this.exec([path]);
    }

    /** Runs the installed boot program with `args`, as its systemd units do (`--cache`: pilot-light-cache.service). */
    runInstalled(...args: string[]): BootRun {
        return this.exec([join(this.root, "usr/local/libexec/pilot-light/boot.sh"), ...args]);
    }

    private exec(argv: string[]): BootRun {
        const before = readFileSync(this.log, "utf8").length;
        const result = spawnSync("bash", argv, {
            encoding: "utf8",
            env: {
                PATH: `${this.bin}:/usr/bin:/bin`, HOME: this.dir, LANG: "C.UTF-8",
                PILOT_LIGHT_ROOT: this.root, PILOT_LIGHT_RETRY_DELAY: "1",
                PL_TEST_LOG: this.log, PL_TEST_STATE: this.state,
            },
            // boot.sh sends its own stderr to stdout (and its log), so the console keeps its order.
            stdio: ["ignore", "pipe", "pipe"],
            timeout: 60_000,
        });
        const calls = readFileSync(this.log, "utf8").slice(before).split("\n").filter((l) => l !== "");
        return { status: result.status ?? -1, console: `${result.stdout}${result.stderr}`, calls };
    }

    /** Every regular file under the root, relative to it, with its mode. */
    files(): { path: string; mode: number; text: string }[] {
        const out: { path: string; mode: number; text: string }[] = [];
        const walk = (dir: string) => {
            for (const entry of readdirSync(dir, { withFileTypes: true })) {
                const full = join(dir, entry.name);
                if (entry.isDirectory()) walk(full);
                else if (entry.isFile()) out.push({ path: `/${relative(this.root, full)}`, mode: statSync(full).mode & 0o777, text: readFileSync(full, "latin1") });
            }
        };
        walk(this.root);
        return out.sort((a, b) => a.path.localeCompare(b.path));
    }

    exists(path: string): boolean {
        return existsSync(join(this.root, path));
    }

    read(path: string): string {
        return readFileSync(join(this.root, path), "utf8");
    }

    copyOut(path: string, to: string): void {
        copyFileSync(join(this.root, path), to);
    }

    dispose(): void {
        rmSync(this.dir, { recursive: true, force: true });
    }
}

/** A small stand-in for wordpress-7.1.tar.gz: a top-level wordpress/ directory, as upstream's. */
export function fakeWordPressTarball(dir: string, marker = "genuine"): Buffer {
    const src = mkdtempSync(join(dir, "wp-"));
    for (const [path, text] of [
        ["wordpress/index.php", `<?php // fake WordPress (${marker})\n`],
        ["wordpress/wp-includes/version.php", "<?php\n$wp_version = '7.1';\n"],
        ["wordpress/wp-content/plugins/index.php", "<?php\n"],
        ["wordpress/wp-content/themes/index.php", "<?php\n"],
    ]) {
        mkdirSync(join(src, path, ".."), { recursive: true });
        writeFileSync(join(src, path), text);
    }
    const out = join(dir, `wordpress-${marker}.tar.gz`);
    const tar = spawnSync("tar", ["-czf", out, "-C", src, "wordpress"]);
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
    return readFileSync(out);
}

/** A small stand-in for the Redis Object Cache plugin zip (redis-cache/, with the drop-in). */
export function fakeRedisCacheZip(): Buffer {
    const enc = (s: string) => new TextEncoder().encode(s);
    return Buffer.from(zipSync({
        "redis-cache/redis-cache.php": enc("<?php // fake plugin\n"),
        "redis-cache/includes/object-cache.php": enc("<?php // fake object-cache drop-in\n"),
    }, { mtime: new Date("2026-01-01T00:00:00Z") }));
}
