// The plan command run in process, as a test sees a child process: its exit code, stdout and
// stderr (the program's log lines included, labelled). It shares the process's plans
// (./quietPlan.ts), so a case costs no new plan when another test planned the same configuration;
// `fresh` starts from an empty cache, as the CLI does.
import { PlanCache } from "../../ops/offline/planner";
import { main } from "../../ops/plan";
import { planSession, serially } from "./quietPlan";

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
    /** How many times the program ran (plans not found in the cache). */
    runs: number;
}

/** `npm run -s plan -- ...args`, in process; `env` stands for the environment npm gives the script. */
export function planCli(args: string[], env: NodeJS.ProcessEnv = {}, opts: { fresh?: boolean } = {}): Promise<CliResult> {
    return serially(async () => {
        let stdout = "";
        let stderr = "";
        const io = { out: (text: string) => { stdout += text; }, err: (text: string) => { stderr += text; } };
        const session = planSession((line) => io.err(`${line}\n`));
        if (opts.fresh) session.cache = new PlanCache();
        const before = session.cache.runs;
        const code = await main(args, io, env, session);
        return { code, stdout, stderr, runs: session.cache.runs - before };
    });
}
