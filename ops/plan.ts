// `npm run plan -- --stack prod|dr [--promote] [--json] [--dir PATH]`
//
// Runs the real stack program in-process under Pulumi's mock runtime and prints what it would
// deploy, then evaluates the CrossGuard pack (policies/) over the recorded resources as
// `pulumi preview --policy-pack policies` would. No Pulumi CLI, no AWS account and no network
// are needed. Exit codes: 0 ok, 1 the program failed, 2 bad configuration or usage, 3 a
// mandatory policy violation.
import * as path from "path";
import { parseArgs } from "util";
import { planStack, StackPlan } from "./offline/planner";
import { planJson, renderPlan } from "./offline/render";
import { evaluatePolicies, formatViolationTable, loadPolicyConfig, Violation } from "./policy/evaluate";

const USAGE = `usage: npm run plan -- --stack NAME [--promote] [--json] [--dir PATH] [--policy-config FILE]

  --stack NAME          the stack to plan: reads Pulumi.NAME.yaml (prod or dr here)
  --promote             plan the dr stack promoted (overrides pilot-light:promote)
  --json                print one JSON object on stdout; logs go to stderr
  --dir PATH            the Pulumi project folder (default: this repository)
  --policy-config FILE  policy pack config, in the format of pulumi's --policy-pack-config`;

export interface PlanCliOptions {
    stack: string;
    dir: string;
    promote?: boolean;
    json: boolean;
    policyConfig?: string;
}

export class UsageError extends Error {}

export function parsePlanArgs(argv: string[]): PlanCliOptions {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                dir: { type: "string" },
                promote: { type: "boolean" },
                json: { type: "boolean" },
                "policy-config": { type: "string" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
            allowPositionals: false,
        });
    } catch (e: any) {
        throw new UsageError(`${e.message}\n${USAGE}`);
    }
    const v = parsed.values;
    if (v.help) throw new UsageError(USAGE);
    if (!v.stack) throw new UsageError(`--stack is required\n${USAGE}`);
    return {
        stack: v.stack,
        dir: path.resolve(v.dir ?? path.join(__dirname, "..")),
        promote: v.promote ? true : undefined,
        json: v.json ?? false,
        policyConfig: v["policy-config"] ? path.resolve(v["policy-config"]) : undefined,
    };
}

/**
 * Runs the plan with console output routed to stderr: the program's own logs must never mix
 * with the JSON on stdout.
 */
export async function runPlan(opts: PlanCliOptions): Promise<StackPlan> {
    const log = console.log;
    const info = console.info;
    console.log = console.error;
    console.info = console.error;
    try {
        return await planStack({ dir: opts.dir, stack: opts.stack, promote: opts.promote });
    } finally {
        console.log = log;
        console.info = info;
    }
}

async function main(argv: string[]): Promise<number> {
    let opts: PlanCliOptions;
    try {
        opts = parsePlanArgs(argv);
    } catch (e: any) {
        process.stderr.write(`${e.message}\n`);
        return 2;
    }
    let plan: StackPlan;
    let violations: Violation[];
    try {
        const policyConfig = opts.policyConfig ? loadPolicyConfig(opts.policyConfig) : undefined;
        plan = await runPlan(opts);
        violations = await evaluatePolicies(plan.resources, { stackRegion: plan.region, policyConfig });
    } catch (e: any) {
        const configError = e?.name === "ConfigError" || /^(no stack|.*holds no Pulumi\.yaml|policy config)/i.test(e?.message ?? "");
        process.stderr.write(`${configError ? "" : "plan failed: "}${e?.message ?? e}\n`);
        return configError ? 2 : 1;
    }
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...planJson(plan), policies: { violations } }, null, 2)}\n`);
    } else {
        process.stdout.write(`${renderPlan(plan)}\n\nPolicies (policies/, ${violations.length} violation${violations.length === 1 ? "" : "s"}, ${mandatory} mandatory):\n`
            + `${formatViolationTable(violations)}\n`);
    }
    if (mandatory > 0) {
        process.stderr.write(`${mandatory} mandatory policy violation${mandatory === 1 ? "" : "s"}: the real engine would block this deployment.\n`);
        return 3;
    }
    return 0;
}

if (require.main === module) {
    // Exit explicitly: the Pulumi runtime marks the process failed (exit code 1) when the
    // program throws, and the config-error code must stay 2. Wait for stdout to drain first.
    main(process.argv.slice(2)).then((code) => {
        process.stdout.write("", () => process.exit(code));
    });
}
