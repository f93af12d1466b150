// The plan command's command line: its usage text, its options and their parsing. It loads
// nothing heavy, so `npm run plan -- --help` and a usage error answer at once (ops/plan.ts loads
// the planner only for a plan).
import * as path from "path";
import { parseArgs } from "util";

/** The usage text: `--help` prints it on stdout (exit 0); a usage error ends with it on stderr (exit 2). */
export const USAGE = `usage: npm run plan -- --stack NAME [--promote] [--set KEY=VALUE]... [--allow-retire NAME]... [--preview]
                     [--format text|json|markdown] [--json] [--strict] [--dir PATH] [--policy-config FILE]

  --stack NAME          the stack to plan: reads Pulumi.NAME.yaml (prod or dr here)
  --promote             plan the dr stack promoted, and diff it against standby
  --set KEY=VALUE       plan with this config value (KEY without a namespace means the project's),
                        and diff it against the stack as configured now (with --promote: against
                        standby with the same value)
  --allow-retire NAME   allow the delete of this retained data resource (a retired DB generation),
                        snapshotted and unprotected in the state first (the failback runbook does both)
  --preview             evaluate the policies as \`pulumi preview\` sees the stack: outputs of planned creates are
                        unknown (with --promote/--set, what the stack holds now is known; else all is created)
  --format FORMAT       text (default): tree, policies, diff, cost and RTO/RPO tables;
                        json: one JSON object on stdout (adds "cost" and "resilience"); logs go to stderr;
                        markdown: one Markdown report (summary, policies, promotion diff, cost, RTO/RPO, diagram)
  --json                the same as --format json
  --strict              fail (exit 5) when an RTO/RPO estimate misses pilot-light:rtoTargetMinutes/rpoTargetMinutes,
                        and (exit 6) when the cost estimate has no price for a planned item
  --dir PATH            the Pulumi project folder (default: this repository)
  --policy-config FILE  policy pack config, in the format of pulumi's --policy-pack-config

exit codes: 0 ok, 1 the program failed, 2 bad configuration or usage, 3 a mandatory policy violation,
            4 a change that would replace or delete data, 5 an RTO/RPO miss with --strict,
            6 an unpriced item in the cost estimate with --strict, 7 a change pulumi up would refuse,
            8 with --promote, a change that needs a control plane outside the stack's region
            (IAM, Route 53, another region); when several apply, the first of 4, 7, 8, 3, 5, 6`;

/** The output formats of --format. */
export const PLAN_FORMATS = ["text", "json", "markdown"] as const;
/** One of PLAN_FORMATS. */
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** The plan command's options, as parsePlanArgs returns them. */
export interface PlanCliOptions {
    stack: string;
    dir: string;
    promote?: boolean;
    /** Config values to plan with (fully qualified keys, or bare keys of the project namespace). */
    set: Record<string, string>;
    allowRetire: string[];
    /** True for --json and for --format json. */
    json: boolean;
    /** Present only when --format was given; read the effective format with outputFormat(). */
    format?: PlanFormat;
    /** Present only with --strict: RTO/RPO misses (exit 5) and unpriced items (exit 6) fail the command. */
    strict?: true;
    /** Present only with --preview: the pack sees outputs of planned creates as unknown. */
    preview?: true;
    policyConfig?: string;
}

/** The format to print: --format, else json for --json, else text. */
export function outputFormat(opts: PlanCliOptions): PlanFormat {
    return opts.format ?? (opts.json ? "json" : "text");
}

/** Bad arguments: the message ends with the usage text, and the command exits 2. */
export class UsageError extends Error {}

/** --help: the message is the usage text, printed on stdout, and the command exits 0. */
export class HelpRequested extends Error {}

/**
 * The hint for `npm run plan --stack dr` (no `--`): npm keeps options it is given before `--` as
 * its own config, exports them to the script as `npm_config_<name>` ("true" when the value was
 * left as a separate word, which npm then passes on as an argument), and runs the script without
 * them. Empty when no option of this command is among them.
 */
export function npmConfigHint(argv: string[], env: NodeJS.ProcessEnv): string {
    const taken = Object.keys(OPTIONS).filter((name) => env[`npm_config_${name.replace(/-/g, "_")}`] !== undefined);
    if (!taken.includes("stack")) return "";
    const words = [...argv];
    const shown = taken.map((name) => {
        const value = env[`npm_config_${name.replace(/-/g, "_")}`]!;
        if (OPTIONS[name as keyof typeof OPTIONS].type === "boolean") return `--${name}`;
        return `--${name} ${value !== "true" ? value : words.shift() ?? "NAME"}`;
    });
    return `npm took ${taken.map((n) => `--${n}`).join(", ")} as its own config: options for the plan go after \`--\`, `
        + `as in: npm run plan -- ${[...shown, ...words].join(" ")}\n`;
}

/** The command's options, as util.parseArgs takes them. */
const OPTIONS = {
    stack: { type: "string" },
    dir: { type: "string" },
    promote: { type: "boolean" },
    set: { type: "string", multiple: true },
    "allow-retire": { type: "string", multiple: true },
    json: { type: "boolean" },
    format: { type: "string" },
    strict: { type: "boolean" },
    preview: { type: "boolean" },
    "policy-config": { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

/**
 * Parses the command line; throws UsageError for unknown options, a missing --stack or a bad
 * --set/--format (with npmConfigHint's hint first when npm took the options), HelpRequested for --help.
 */
export function parsePlanArgs(argv: string[], env: NodeJS.ProcessEnv = {}): PlanCliOptions {
    try {
        return parseOptions(argv);
    } catch (e) {
        if (e instanceof UsageError) {
            const hint = npmConfigHint(argv, env);
            if (hint) throw new UsageError(`${hint}${e.message}`);
        }
        throw e;
    }
}

function parseOptions(argv: string[]): PlanCliOptions {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            options: OPTIONS,
            strict: true,
            allowPositionals: false,
        });
    } catch (e: any) {
        throw new UsageError(`${e.message}\n${USAGE}`);
    }
    const v = parsed.values;
    if (v.help) throw new HelpRequested(USAGE);
    if (!v.stack) throw new UsageError(`--stack is required\n${USAGE}`);
    const set: Record<string, string> = {};
    for (const pair of v.set ?? []) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new UsageError(`--set ${JSON.stringify(pair)}: expected KEY=VALUE, e.g. --set databaseGeneration=2\n${USAGE}`);
        set[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const format = v.format;
    if (format !== undefined && !(PLAN_FORMATS as readonly string[]).includes(format)) {
        throw new UsageError(`--format ${JSON.stringify(format)}: expected one of ${PLAN_FORMATS.join(", ")}\n${USAGE}`);
    }
    if (v.json && format !== undefined && format !== "json") {
        throw new UsageError(`--json means --format json; it cannot be combined with --format ${format}\n${USAGE}`);
    }
    return {
        stack: v.stack,
        dir: path.resolve(v.dir ?? path.join(__dirname, "..", "..")),
        promote: v.promote ? true : undefined,
        set,
        allowRetire: v["allow-retire"] ?? [],
        json: (v.json ?? false) || format === "json",
        // Only when given, so callers that never use them see the options they always did.
        ...(format !== undefined ? { format: format as PlanFormat } : {}),
        ...(v.strict ? { strict: true as const } : {}),
        ...(v.preview ? { preview: true as const } : {}),
        policyConfig: v["policy-config"] ? path.resolve(v["policy-config"]) : undefined,
    };
}
