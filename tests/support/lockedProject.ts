// Test support: this project with the media buckets locked (pilot-light:mediaImmutability on both
// stacks, dr first as the README orders it), as stack files in a temp folder for planStack.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

/** A folder holding Pulumi.yaml (its `main` this repository's program) and both stack files with `mode` for `days`. */
export function lockedProjectDir(mode: string, days: number): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilot-light-locked-"));
    const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")
        .replace(/^main: .*$/m, `main: ${path.join(ROOT, "stacks", "index.ts")}`);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), project);
    for (const file of ["Pulumi.prod.yaml", "Pulumi.dr.yaml"]) {
        const text = fs.readFileSync(path.join(ROOT, file), "utf8");
        if (!/^config:\n/m.test(text)) throw new Error(`${file}: no top-level config: block; update lockedProjectDir`);
        fs.writeFileSync(path.join(dir, file), text.replace(/^config:\n/m,
            `config:\n  pilot-light:mediaImmutability: ${mode}\n  pilot-light:mediaImmutabilityDays: "${days}"\n`));
    }
    return dir;
}
