// What the stacks keep in Pulumi's state stays small: the Lambda functions' code goes by file
// (components/ha/common.ts bundleHandler), never as inline text, which the state would hold in
// full twice per function (inputs and outputs) and every engine message would carry.
import { strict as assert } from "assert";
import { bundledCode } from "../support/offline";
import { memoPlan } from "../support/plans";

/** The largest string anywhere in a resource's inputs and outputs, with where it is. */
function largestString(value: unknown, at: string): [number, string] {
    if (typeof value === "string") return [value.length, at];
    if (value === null || typeof value !== "object") return [0, at];
    return Object.entries(value).map(([k, v]) => largestString(v, `${at}.${k}`)).reduce((a, b) => (b[0] > a[0] ? b : a), [0, at]);
}

describe("stacks: the state keeps no large inline values", () => {
    const DB = ["app-db-user-fn", "app-db-rotation-fn"];
    for (const [label, req, functions] of [
        ["prod", { stack: "prod" }, DB],
        ["prod multi-az-asg-ebs", { stack: "prod", configOverrides: { "pilot-light:singletonMode": "multi-az-asg-ebs" } },
            ["singleton-multi-az-asg-ebs-ebs-launch-fn", "singleton-multi-az-asg-ebs-ebs-terminate-fn", ...DB]],
        ["prod standby-failover", { stack: "prod", configOverrides: { "pilot-light:singletonMode": "standby-failover" } },
            ["singleton-standby-failover-failover-fn", ...DB]],
        // The secrets are prod's, replicated: dr's app user arrives through MySQL replication and the
        // master rotates in prod's region only (components/database/masterRotation.ts), so dr has no function.
        ["dr promoted", { stack: "dr", promote: true }, []],
    ] as const) {
        it(`${label}: no input or output string over 20,000 characters, and every function's code is a bundle file`, async () => {
            const plan = await memoPlan(req);
            const largest = plan.resources.map((r) => largestString({ inputs: r.inputs, outputs: r.outputs }, `${r.type} ${r.name}`))
                .reduce((a, b) => (b[0] > a[0] ? b : a));
            // The largest is the app servers' user data (EC2 allows 16 KB): the cap is the bound, not the record.
            assert.ok(largest[0] <= 20_000, `${largest[1]}: ${largest[0]} characters`);
            const made = plan.resources.filter((r) => r.type === "aws:lambda/function:Function");
            assert.deepEqual(made.map((r) => r.name).sort(), [...functions].sort());
            for (const fn of made) assert.match(bundledCode(fn), /exports\.handler|module\.exports/, fn.name);
        });
    }
});
