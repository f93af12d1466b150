// Whether the Pulumi CLI is there for a runbook to drive. The runbooks drive it through the
// Automation API, which runs `pulumi` from PATH (@pulumi/pulumi automation/cmd.ts, PulumiCommand:
// `pulumi version` first); without it every stack call fails with a raw `spawn pulumi ENOENT`.
// So the CLI checks once, before any step runs, and says in one line what is needed.
import * as fs from "node:fs";
import * as path from "node:path";

/** Where the Pulumi installer puts the CLI (https://www.pulumi.com/docs/iac/download-install/: `~/.pulumi/bin`). */
export function installerBin(home: string): string {
    return path.join(home, ".pulumi", "bin");
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/**
 * Undefined when `pulumi` is an executable in a PATH folder; else the one line to print, saying
 * the CLI is needed and how to get it (or to put the installer's folder on PATH, when it is there).
 */
export function pulumiCliProblem(pathVar: string, home: string): string | undefined {
    if (pathVar.split(path.delimiter).some((dir) => dir && isExecutable(path.join(dir, "pulumi")))) return undefined;
    const installed = path.join(installerBin(home), "pulumi");
    const how = isExecutable(installed)
        ? `it is installed at ${installed}: add ${installerBin(home)} to PATH`
        : "install it (curl -fsSL https://get.pulumi.com | sh, or see https://www.pulumi.com/docs/iac/download-install/) and put it on PATH";
    return `error: this runbook needs the Pulumi CLI (\`pulumi\`), which is not on PATH; ${how}. `
        + "--dry-run needs no CLI: it plans offline.";
}
