// The runbooks' check for the Pulumi CLI (ops/runbooks/pulumiCli.ts): found on PATH, installed
// by the installer but not on PATH, or missing.
import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiCliProblem } from "../../ops/runbooks/pulumiCli";

describe("runbooks: the Pulumi CLI check", () => {
    let home: string;
    let bin: string;
    before(() => {
        home = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-cli-"));
        bin = path.join(home, "bin");
        fs.mkdirSync(bin);
    });
    after(() => fs.rmSync(home, { recursive: true, force: true }));

    it("names the installer's folder when the CLI is there but not on PATH, and accepts it on PATH", () => {
        const installed = path.join(home, ".pulumi", "bin");
        fs.mkdirSync(installed, { recursive: true });
        fs.writeFileSync(path.join(installed, "pulumi"), "#!/bin/sh\n", { mode: 0o755 });
        assert.equal(pulumiCliProblem(bin, home), `error: this runbook needs the Pulumi CLI (\`pulumi\`), which is not on PATH; it is installed at `
            + `${installed}/pulumi: add ${installed} to PATH. --dry-run needs no CLI: it plans offline.`);
        assert.equal(pulumiCliProblem([bin, installed].join(path.delimiter), home), undefined);
    });

    it("does not take a file that cannot be run for the CLI", () => {
        fs.writeFileSync(path.join(bin, "pulumi"), "not a program", { mode: 0o644 });
        assert.match(pulumiCliProblem(bin, path.join(home, "elsewhere"))!, /which is not on PATH; install it \(curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
    });
});
