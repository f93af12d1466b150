// The Lambda runtime lifecycle policies, judged on fixed dates: the mandatory one fails a runtime
// AWS blocks for creation (or one the table does not know), the advisory one warns within
// warnDays of the deprecation date. Dates are the rows of policies/lambda/runtimes.ts.
import { strict as assert } from "assert";
import { LAMBDA_RUNTIMES } from "../../policies/lambda/runtimes";
import { evaluatePolicies } from "../../ops/policy/evaluate";
import { parsePolicyConfig } from "../../ops/policy/config";
import { compliantProd, findings, PROD_REGION, res, Stack } from "./support";

const BLOCKED = "lambda-runtime-not-blocked";
const SOON = "lambda-runtime-deprecation";

function withFunction(runtime: unknown, extra: Record<string, unknown> = {}): Stack {
    return compliantProd().add(res("aws:lambda/function:Function", "hook", { runtime, handler: "index.handler", role: "arn:role", ...extra }));
}

/** Both policies' findings for the stack on `today`, as `level policy: message`. */
async function on(today: string, stack: Stack, extra: Record<string, unknown> = {}): Promise<string[]> {
    const violations = await evaluatePolicies(stack.resources, { stackRegion: PROD_REGION, policyConfig: {
        [BLOCKED]: { today }, [SOON]: { today, ...extra },
    } });
    return violations.filter((v) => v.policy === BLOCKED || v.policy === SOON).map((v) => `${v.level} ${v.policy}: ${v.message}`);
}

const NODE_SOURCE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-typescript.html";

describe("Lambda runtime lifecycle policies", () => {
    it("the table holds AWS's dates for the Node.js runtimes, each row with its source and the date it was read", () => {
        const node = LAMBDA_RUNTIMES.filter((r) => r.runtime.startsWith("nodejs"));
        assert.deepEqual(node, [
            { runtime: "nodejs24.x", deprecation: "2028-04-30", blockCreate: "2028-06-01", blockUpdate: "2028-07-01", source: NODE_SOURCE, read: "2026-12-01" },
            { runtime: "nodejs22.x", deprecation: "2027-04-30", blockCreate: "2027-06-01", blockUpdate: "2027-07-01", source: NODE_SOURCE, read: "2026-12-01" },
            { runtime: "nodejs20.x", deprecation: "2026-04-30", blockCreate: "2026-08-31", blockUpdate: "2026-09-30", source: NODE_SOURCE, read: "2026-12-01" },
        ]);
        for (const row of LAMBDA_RUNTIMES) {
            assert.match(row.source, /^https:\/\/docs\.aws\.amazon\.com\/lambda\/latest\/dg\//, row.runtime);
            assert.ok(row.deprecation < row.blockCreate && row.blockCreate < row.blockUpdate, row.runtime);
        }
    });

    it("passes nodejs24.x on 2026-12-01", async () => {
        assert.deepEqual(await on("2026-12-01", withFunction("nodejs24.x")), []);
    });

    it("fails nodejs20.x on 2026-12-01: creation blocked since 2026-08-31, updates since 2026-09-30", async () => {
        assert.deepEqual(await on("2026-12-01", withFunction("nodejs20.x")), [
            "mandatory lambda-runtime-not-blocked: function \"hook\" uses runtime nodejs20.x: on 2026-12-01 AWS Lambda blocks creating "
            + "functions with it (since 2026-08-31) and updating them since 2026-09-30; deprecated 2026-04-30. Use a supported runtime "
            + `(dates read 2026-12-01 from ${NODE_SOURCE})`,
        ]);
    });

    it("fails from the create-block day itself, and says when updates will be blocked", async () => {
        assert.deepEqual(await on("2026-08-31", withFunction("nodejs20.x")), [
            "mandatory lambda-runtime-not-blocked: function \"hook\" uses runtime nodejs20.x: on 2026-08-31 AWS Lambda blocks creating "
            + "functions with it (since 2026-08-31) and will block updating them on 2026-09-30; deprecated 2026-04-30. Use a supported runtime "
            + `(dates read 2026-12-01 from ${NODE_SOURCE})`,
        ]);
    });

    it("only warns for a deprecated runtime that can still be created with", async () => {
        assert.deepEqual(await on("2026-08-30", withFunction("nodejs20.x")), [
            "advisory lambda-runtime-deprecation: function \"hook\" uses runtime nodejs20.x, which has been deprecated since 2026-04-30; "
            + "AWS Lambda blocks creating functions with it from 2026-08-31 and updating them from 2026-09-30. Move to a newer runtime "
            + `(dates read 2026-12-01 from ${NODE_SOURCE})`,
        ]);
    });

    it("warns within 180 days of the deprecation date, from the first day of the window", async () => {
        // nodejs22.x is deprecated on 2027-04-30: the window opens 180 days before, on 2026-11-01.
        assert.deepEqual(await on("2026-10-31", withFunction("nodejs22.x")), []);
        assert.deepEqual(await on("2026-11-01", withFunction("nodejs22.x")), [
            "advisory lambda-runtime-deprecation: function \"hook\" uses runtime nodejs22.x, which is deprecated on 2027-04-30 (in 180 days); "
            + "AWS Lambda blocks creating functions with it from 2027-06-01 and updating them from 2027-07-01. Move to a newer runtime "
            + `(dates read 2026-12-01 from ${NODE_SOURCE})`,
        ]);
        assert.deepEqual(await on("2026-12-01", withFunction("nodejs22.x"), { warnDays: 30 }), []);
    });

    it("fails a runtime the table does not know, and leaves container images alone", async () => {
        assert.deepEqual(await on("2026-12-01", withFunction("python3.12")), [
            "mandatory lambda-runtime-not-blocked: function \"hook\" uses runtime python3.12, which is not in the pack's runtime table "
            + "(policies/lambda/runtimes.ts); add its dates from https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
        ]);
        assert.deepEqual(await on("2026-12-01", withFunction(undefined, { packageType: "Image", imageUri: "123.dkr.ecr/x:1" })), []);
    });

    it("judges by the current date when no today is configured", async () => {
        assert.deepEqual((await findings(withFunction("nodejs20.x"), PROD_REGION, BLOCKED)).map((f) => f.name), ["hook"]);
    });

    it("refuses a today that is not a calendar date, in the pack config and in the policy", async () => {
        assert.throws(() => parsePolicyConfig({ [BLOCKED]: { today: "1 Dec 2026" } }, "policy.json"),
            { message: 'policy.json: policy "lambda-runtime-not-blocked": "today" must match ^\\d{4}-\\d{2}-\\d{2}$, got "1 Dec 2026"' });
        await assert.rejects(on("2026-02-30", withFunction("nodejs24.x")), {
            message: "Error validating resource urn:pulumi:prod::pilot-light::aws:lambda/function:Function::hook with policy "
                + "'lambda-runtime-not-blocked' from policy pack 'pilot-light-policies@v0.1.0': policy \"lambda-runtime-not-blocked\": config \"today\" \"2026-02-30\" is not a calendar date YYYY-MM-DD",
        });
    });
});
