// Pointing the app at a point-in-time restore (pilot-light:databaseHost, set by the recover
// runbook): the app servers' boot configuration takes the restored endpoint, the stack's own
// database and everything else that holds data stay exactly as they are (the offline diff,
// force-new table included), and the change rolls the servers onto it.
import { strict as assert } from "assert";
import { gunzipSync } from "zlib";
import type { StackPlan } from "../../ops/offline/planner";
import { diffPlans, PlannedChange } from "../../ops/diff";
import { memoPlan } from "../support/plans";

const RESTORED = "pl-prod-db-r20261201115900.c6c8mwvfdgv0.us-east-1.rds.amazonaws.com";

/** The launch template's user data, decoded (base64 of gzip, components/app/userData.ts). */
function userData(plan: StackPlan): string {
    const templates = plan.resources.filter((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate" && r.name.startsWith("app-"));
    assert.equal(templates.length, 1, templates.map((t) => t.name).join(", "));
    return gunzipSync(Buffer.from(String(templates[0].inputs.userData), "base64")).toString("utf8");
}

describe("pilot-light:databaseHost: the app on a restored database", function () {
    this.timeout(300000);
    let current: StackPlan;
    let after: StackPlan;
    let change: PlannedChange;

    before(async () => {
        current = await memoPlan({ stack: "prod" });
        after = await memoPlan({ stack: "prod", configOverrides: { "pilot-light:databaseHost": RESTORED }, engine: { priorResources: current.resources } });
        change = diffPlans(current, after);
    });

    it("boots the app servers against the restored endpoint instead of the stack's database", () => {
        const line = (plan: StackPlan) => userData(plan).split("\n").filter((l) => l.startsWith("DB_HOST="));
        assert.deepEqual(line(after), [`DB_HOST='${RESTORED}'`]);
        assert.deepEqual(line(current), ["DB_HOST='pilot-light-prod.c53d95abe8dd9.us-east-1.rds.amazonaws.com'"], "before: the stack's database (the offline engine's address for it)");
    });

    it("changes only the launch template (the group rolls the servers onto it), the app-user run and the rotation's host, and replaces or deletes no data", () => {
        // And the app-user function runs once more, against the restored database (idempotent:
        // the restored copy has the user already; ALTER USER sets the secret's password). The
        // master's rotation follows the app to the restored database (its DB_HOST); the restored
        // copy may hold an older master password, which the functions find among the secret's
        // versions (README, "The master password rotates").
        assert.deepEqual(change.changes.map((c) => [c.op, c.type, c.name, c.replaceKeys.join(",")]), [
            ["replace", "aws:lambda/invocation:Invocation", "app-db-user-run", "input"],
            ["update", "aws:lambda/function:Function", "app-db-rotation-fn", ""],
            ["update", "aws:ec2/launchTemplate:LaunchTemplate", "app-servers-lt", ""],
        ]);
        assert.deepEqual(change.changes.find((c) => c.name === "app-db-rotation-fn")!.diff, ["environment"]);
        assert.deepEqual([change.unsafe, change.refused], [[], []]);
        const db = after.resources.find((r) => r.type === "aws:rds/instance:Instance")!;
        assert.deepEqual(db.inputs, current.resources.find((r) => r.urn === db.urn)!.inputs, "the stack's own database keeps every input");
    });
});
