// `npm run checkov -- --checkov-src DIR [--out DIR] [--export-only] [--format text|json|markdown]`
//
// Runs Checkov's own AWS checks over prod, dr in standby and dr promoted as this repository's
// offline planner plans them (the trio of `npm run plan`'s reports, ops/planning/plans.ts):
// each plan is written as a Terraform plan JSON (terraformPlan.ts), then run.py loads Checkov's
// Terraform-plan runner from a source checkout (DIR: the `checkov` package's parent folder, e.g.
// an extracted `git archive` of bridgecrewio/checkov) and prints what fails. Nothing is
// downloaded; python3 with PyYAML, networkx and pydantic is needed (stubs/ stands in for the
// third-party modules the checks of our resource types do not use; run.py lists them).
// --export-only writes the three plan files and stops. Exit codes: 0 done, 1 a plan or
// Checkov failed, 2 usage.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { newSession, planTrio, runPlan } from "../planning/plans";
import type { PlanCliOptions } from "../planning/args";
import { toTerraformPlan } from "./terraformPlan";

const USAGE = "usage: npm run checkov -- --checkov-src DIR [--out DIR] [--export-only] [--format text|json|markdown]";

/** The trio's plans as Terraform plan files in `out`: prod.json, dr-standby.json, dr-promoted.json. */
export async function exportPlans(repoDir: string, out: string): Promise<string[]> {
    const session = newSession("silent");
    const opts: PlanCliOptions = { stack: "prod", dir: repoDir, set: {}, allowRetire: [], json: false };
    const plan = await runPlan(opts, undefined, session);
    const trio = await planTrio(opts, plan, undefined, session);
    if (!trio) throw new Error(`${repoDir}: not a project with a primary/dr pair`);
    fs.mkdirSync(out, { recursive: true });
    const files: string[] = [];
    for (const [file, p] of [["prod", trio.prod], ["dr-standby", trio.drStandby], ["dr-promoted", trio.drPromoted]] as const) {
        const target = path.join(out, `${file}.json`);
        fs.writeFileSync(target, `${JSON.stringify(toTerraformPlan(p), null, 1)}\n`);
        files.push(target);
    }
    return files;
}

async function main(argv: string[]): Promise<number> {
    let values: { "checkov-src"?: string; out?: string; "export-only"?: boolean; format?: string };
    try {
        ({ values } = parseArgs({ args: argv, options: { "checkov-src": { type: "string" }, out: { type: "string" }, "export-only": { type: "boolean" }, format: { type: "string" } } }));
    } catch (e: any) {
        process.stderr.write(`${e.message}\n${USAGE}\n`);
        return 2;
    }
    const src = values["checkov-src"];
    if (!values["export-only"] && !(src && fs.existsSync(path.join(src, "checkov", "terraform", "plan_runner.py")))) {
        process.stderr.write(`--checkov-src: ${src === undefined ? "missing" : `${src} has no checkov/terraform/plan_runner.py`}; give the folder holding Checkov's \`checkov\` package\n${USAGE}\n`);
        return 2;
    }
    const format = values.format ?? "text";
    if (!["text", "json", "markdown"].includes(format)) {
        process.stderr.write(`--format: ${format} is not one of text, json, markdown\n${USAGE}\n`);
        return 2;
    }
    const out = values.out ?? fs.mkdtempSync(path.join(os.tmpdir(), "pilot-light-checkov-"));
    const files = await exportPlans(path.resolve(__dirname, "..", ".."), out);
    process.stderr.write(`plans written: ${files.join(", ")}\n`);
    if (values["export-only"]) return 0;
    const run = spawnSync("python3", [path.join(__dirname, "run.py"), "--checkov-src", src!, "--format", format, ...files], { stdio: "inherit" });
    return run.status ?? 1;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.stdout.write("", () => process.exit(code)),
        (e) => {
            process.stderr.write(`${e?.stack ?? e}\n`);
            process.exit(1);
        },
    );
}
