// Lambda runtime lifecycle: AWS deprecates a managed runtime on a published date, then blocks
// creating functions with it, then blocks updating them. A function on a blocked runtime cannot
// be deployed (CreateFunction/UpdateFunctionConfiguration fail), so the pack refuses it first,
// and warns ahead of the deprecation date. Dates come from the table below, one row per runtime,
// each with the AWS page it was read from and when.
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtime-support-policy
// Mirrors tflint-ruleset-aws's aws_lambda_function_deprecated_runtime, with dates instead of a list.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { datesFrom, daysBetween, todayOf, TODAY_SCHEMA, warnDaysSchema } from "../lib/lifecycle";
import { validateResourceOfToken } from "../lib/ofType";
import { q, T } from "../lib/resources";

/** One managed runtime's published dates (`YYYY-MM-DD`), with where and when they were read. */
export interface LambdaRuntimeDates {
    /** The runtime identifier, e.g. `nodejs24.x`. */
    runtime: string;
    /** Deprecation: no more security patches or support. */
    deprecation: string;
    /** From this date CreateFunction refuses the runtime. */
    blockCreate: string;
    /** From this date function updates with the runtime are refused. */
    blockUpdate: string;
    /** The AWS documentation page the row was read from. */
    source: string;
    /** The date the row was read. */
    read: string;
}

const NODE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-typescript.html";
const RUBY = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-ruby.html";
const JAVA = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-java.html";
const DOTNET = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-powershell.html";
const OS_ONLY = "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-provided.html";
const READ = "2026-12-01";

/**
 * The runtimes the pack knows, as AWS published their dates on READ. A runtime missing here is
 * reported, never assumed supported: add its row from the Lambda runtimes page.
 */
export const LAMBDA_RUNTIMES: readonly LambdaRuntimeDates[] = Object.freeze([
    { runtime: "nodejs24.x", deprecation: "2028-04-30", blockCreate: "2028-06-01", blockUpdate: "2028-07-01", source: NODE, read: READ },
    { runtime: "nodejs22.x", deprecation: "2027-04-30", blockCreate: "2027-06-01", blockUpdate: "2027-07-01", source: NODE, read: READ },
    { runtime: "nodejs20.x", deprecation: "2026-04-30", blockCreate: "2026-08-31", blockUpdate: "2026-09-30", source: NODE, read: READ },
    { runtime: "ruby4.0", deprecation: "2029-03-31", blockCreate: "2029-04-30", blockUpdate: "2029-05-31", source: RUBY, read: READ },
    { runtime: "ruby3.4", deprecation: "2028-03-31", blockCreate: "2028-04-30", blockUpdate: "2028-05-31", source: RUBY, read: READ },
    { runtime: "ruby3.3", deprecation: "2027-03-31", blockCreate: "2027-04-30", blockUpdate: "2027-05-31", source: RUBY, read: READ },
    { runtime: "java21", deprecation: "2029-06-30", blockCreate: "2029-07-31", blockUpdate: "2029-08-31", source: JAVA, read: READ },
    { runtime: "dotnet10", deprecation: "2028-11-14", blockCreate: "2028-12-14", blockUpdate: "2029-01-15", source: DOTNET, read: READ },
    { runtime: "dotnet8", deprecation: "2026-11-10", blockCreate: "2026-12-10", blockUpdate: "2027-01-11", source: DOTNET, read: READ },
    { runtime: "provided.al2023", deprecation: "2029-06-30", blockCreate: "2029-07-31", blockUpdate: "2029-08-31", source: OS_ONLY, read: READ },
].map((r) => Object.freeze(r)));

/** The row of `runtime`, or undefined when the table does not know it. */
export function runtimeDates(runtime: string): LambdaRuntimeDates | undefined {
    return LAMBDA_RUNTIMES.find((r) => r.runtime === runtime);
}

/** What the policies read of an aws.lambda.Function's inputs. */
interface FunctionProps {
    runtime?: string;
    packageType?: string;
}

/** The runtime a policy should judge, or undefined for container-image functions (they have none). */
function runtimeOf(fn: FunctionProps): string | undefined {
    return fn.packageType === "Image" || typeof fn.runtime !== "string" ? undefined : fn.runtime;
}

export const lambdaRuntimeNotBlocked: ResourceValidationPolicy = {
    name: "lambda-runtime-not-blocked",
    description: "A Lambda function's runtime is one AWS still lets you create functions with, on the policy's date, "
        + "per the dated runtime table in the pack (policies/lambda/runtimes.ts); an unknown runtime fails too.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { today: TODAY_SCHEMA } },
    validateResource: validateResourceOfToken<FunctionProps>(T.lambdaFunction, (fn, args, reportViolation) => {
        const runtime = runtimeOf(fn);
        if (runtime === undefined) {
            return;
        }
        const today = todayOf("lambda-runtime-not-blocked", args.getConfig<{ today?: string }>());
        const row = runtimeDates(runtime);
        if (!row) {
            reportViolation(`function ${q(args.name)} uses runtime ${runtime}, which is not in the pack's runtime table `
                + "(policies/lambda/runtimes.ts); add its dates from https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html");
            return;
        }
        if (daysBetween(row.blockCreate, today.date) >= 0) {
            const update = daysBetween(row.blockUpdate, today.date) >= 0 ? `and updating them since ${row.blockUpdate}`
                : `and will block updating them on ${row.blockUpdate}`;
            reportViolation(`function ${q(args.name)} uses runtime ${runtime}: on ${today.date} AWS Lambda blocks creating functions `
                + `with it (since ${row.blockCreate}) ${update}; deprecated ${row.deprecation}. Use a supported runtime `
                + `(${datesFrom(row)})`);
        }
    }),
};

export const lambdaRuntimeDeprecation: ResourceValidationPolicy = {
    name: "lambda-runtime-deprecation",
    description: "A Lambda function's runtime is not deprecated, nor within warnDays (default 180) of its deprecation date, "
        + "on the policy's date, per the dated runtime table in the pack (policies/lambda/runtimes.ts).",
    enforcementLevel: "advisory",
    configSchema: { properties: { today: TODAY_SCHEMA, warnDays: warnDaysSchema("a runtime's deprecation date") } },
    validateResource: validateResourceOfToken<FunctionProps>(T.lambdaFunction, (fn, args, reportViolation) => {
        const runtime = runtimeOf(fn);
        const row = runtime === undefined ? undefined : runtimeDates(runtime);
        if (!row) {
            return; // Not judged here: lambda-runtime-not-blocked reports an unknown runtime.
        }
        const config = args.getConfig<{ today?: string; warnDays: number }>();
        const today = todayOf("lambda-runtime-deprecation", config);
        const untilDeprecation = daysBetween(today.date, row.deprecation);
        // From the create block on, lambda-runtime-not-blocked fails the function instead.
        if (untilDeprecation > config.warnDays || daysBetween(row.blockCreate, today.date) >= 0) {
            return;
        }
        const when = untilDeprecation > 0 ? `is deprecated on ${row.deprecation} (in ${untilDeprecation} days)`
            : `has been deprecated since ${row.deprecation}`;
        reportViolation(`function ${q(args.name)} uses runtime ${runtime}, which ${when}; AWS Lambda blocks creating functions `
            + `with it from ${row.blockCreate} and updating them from ${row.blockUpdate}. Move to a newer runtime `
            + `(${datesFrom(row)})`);
    }),
};

/** The Lambda runtime policies, in report order. */
export const lambdaPolicies = [lambdaRuntimeNotBlocked, lambdaRuntimeDeprecation];
