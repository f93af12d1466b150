// `npm run plan -- --stack prod|dr [--promote] [--set KEY=VALUE]... [--preview] [--format text|json|markdown] [--strict] [--dir PATH]`
//
// Runs the real stack program in-process under Pulumi's mock runtime and prints what it would
// deploy, then evaluates the CrossGuard pack (policies/) over the recorded resources as
// `pulumi preview --policy-pack policies` would. With --promote or --set it also plans the
// stack as configured now and prints the diff between the two (ops/diff), failing on any
// change that could lose data. With --preview the pack sees the stack as `pulumi preview` does:
// outputs of planned creates are unknown. No Pulumi CLI, no AWS account and no network are needed.
//
// The reports (ops/report) need prod, dr in standby and dr promoted side by side, because a
// pilot light is judged by both what it costs idle and how fast it recovers: for a project
// with a primary/dr pair the command also plans the other two of that trio and the promotion
// (standby → promoted), then adds the cost estimate and the RTO/RPO estimates to the output
// (--format markdown: one document for a pull-request comment).
// Exit codes: 0 ok, 1 the program failed, 2 bad configuration or usage, 3 a mandatory policy
// violation, 4 a change that would replace or delete data, 5 with --strict, an RTO/RPO
// estimate that misses its target (without --strict a miss is only an advisory), 6 with
// --strict, a planned item the cost estimate has no price for (without --strict the reports
// list it and leave it out of the totals), 7 a change `pulumi up` itself would refuse (a
// protected resource deleted or replaced, a provider rule), 8 with --promote, a change the
// promotion makes through a control plane outside the stack's region (an IAM role, a Route 53
// record: ops/diff/staticStability.ts). When several apply, the first of 4, 7, 8, 3, 5, 6 wins:
// data loss first, then what blocks or endangers a deploy, then the estimates
// (ops/planning/exitCodes.ts).
//
// This file only parses the command line: `--help` and usage errors answer at once, before the
// planner and the Pulumi SDK are loaded (ops/planning/: args.ts the options, plans.ts the plans
// and their cache, command.ts the rest).
import { HelpRequested, parsePlanArgs, PlanCliOptions } from "./planning/args";
import type { CommandIo } from "./planning/command";
import type { PlanSession } from "./planning/plans";

export { outputFormat, parsePlanArgs, PLAN_FORMATS, UsageError } from "./planning/args";
export type { PlanCliOptions, PlanFormat } from "./planning/args";

/** The command's output streams. */
const STDIO: CommandIo = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/**
 * The plan command: parses `argv`, plans, prints to `io` and returns the exit code. A test passes
 * its own `io` and a session whose plan cache it shares across calls; the CLI a fresh session.
 */
export async function main(argv: string[], io: CommandIo = STDIO, env: NodeJS.ProcessEnv = process.env, session?: PlanSession): Promise<number> {
    let opts: PlanCliOptions;
    try {
        opts = parsePlanArgs(argv, env);
    } catch (e: any) {
        if (e instanceof HelpRequested) {
            io.out(`${e.message}\n`);
            return 0;
        }
        io.err(`${e.message}\n`);
        return 2;
    }
    // Loaded only now: the planner loads the Pulumi SDK and the AWS provider (seconds).
    /* eslint-disable @typescript-eslint/no-var-requires */
    const { runPlanCommand } = require("./planning/command") as typeof import("./planning/command");
    const { newSession } = require("./planning/plans") as typeof import("./planning/plans");
    /* eslint-enable @typescript-eslint/no-var-requires */
    return runPlanCommand(opts, io, session ?? newSession());
}

if (require.main === module) {
    // Exit explicitly: the Pulumi runtime marks the process failed (exit code 1) when the
    // program throws, and the config-error code must stay 2. Wait for stdout to drain first.
    main(process.argv.slice(2)).then((code) => {
        process.stdout.write("", () => process.exit(code));
    });
}
