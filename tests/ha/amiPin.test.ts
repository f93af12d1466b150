// The singleton's AMI is pinned: resolved once from the public SSM parameter, kept in state by a
// pulumi:index:Stash, and changed only on purpose. Planned offline through the real program: a new
// Amazon Linux release (a changed SSM answer) replaces nothing, and replacing the stash on purpose
// replaces exactly its instance.
import { strict as assert } from "assert";
import * as path from "path";
import { diffPlans, PlannedChange } from "../../ops/diff";
import { StackPlan } from "../../ops/offline/planner";
import { DEFAULT_AMI_SSM_PARAMETER } from "../../components/image/appImage";
import { quietPlan } from "../support/quietPlan";

const ROOT = path.join(__dirname, "..", "..");
const NEW_RELEASE = { [DEFAULT_AMI_SSM_PARAMETER]: "ami-0a1b2c3d4e5f60718" };
const STANDBY_FAILOVER = { "pilot-light:singletonMode": "standby-failover" };
const PREFIX = "singleton-standby-failover";

const changed = (c: PlannedChange) => c.changes.map((x) => `${x.op} ${x.name}${x.diff.length ? ` [${x.diff.join(", ")}]` : ""}`).sort();

describe("ha: the singleton's AMI is pinned in state", function () {
    this.timeout(600000);
    let current: StackPlan;

    before(async () => {
        current = await quietPlan({ dir: ROOT, stack: "prod", configOverrides: STANDBY_FAILOVER });
    });

    it("boots both instances from the stashed AMI", () => {
        for (const role of ["primary", "standby"]) {
            const stash = current.resources.find((r) => r.type === "pulumi:index:Stash" && r.name === `${PREFIX}-${role}-ami`)!;
            const instance = current.resources.find((r) => r.name === `${PREFIX}-${role}-instance`)!;
            assert.match(stash.outputs.output, /^ami-[0-9a-f]{17}$/);
            assert.equal(instance.inputs.ami, stash.outputs.output);
            assert.notEqual(instance.inputs.ami, NEW_RELEASE[DEFAULT_AMI_SSM_PARAMETER]);
        }
    });

    it("a new Amazon Linux release replaces no instance: the stashes record it, the app's launch template rolls", async () => {
        const after = await quietPlan({ dir: ROOT, stack: "prod", configOverrides: STANDBY_FAILOVER,
            engine: { priorResources: current.resources, ssmParameters: NEW_RELEASE } });
        const c = diffPlans(current, after);
        assert.deepEqual(changed(c), [
            "update app-servers-lt [imageId]",
            `update ${PREFIX}-primary-ami [input]`,
            `update ${PREFIX}-standby-ami [input]`,
        ]);
        assert.deepEqual(c.unsafe, []);
        const stash = after.resources.find((r) => r.name === `${PREFIX}-primary-ami`)!;
        assert.deepEqual([stash.inputs.input, stash.outputs.output === current.resources.find((r) => r.urn === stash.urn)!.outputs.output],
            ["ami-0a1b2c3d4e5f60718", true]);
    });

    it("replacing one stash on purpose (pulumi up --replace) moves exactly its instance to the new AMI", async () => {
        const replaced = `${PREFIX}-primary-ami`;
        const after = await quietPlan({ dir: ROOT, stack: "prod", configOverrides: STANDBY_FAILOVER, engine: {
            priorResources: current.resources.filter((r) => r.name !== replaced), ssmParameters: NEW_RELEASE,
        } });
        const c = diffPlans(current, after);
        const instances = c.changes.filter((x) => x.type === "aws:ec2/instance:Instance").map((x) => [x.op, x.name, x.replaceKeys]);
        assert.deepEqual(instances, [["replace", `${PREFIX}-primary-instance`, ["ami"]]]);
        assert.equal(after.resources.find((r) => r.name === `${PREFIX}-primary-instance`)!.inputs.ami, "ami-0a1b2c3d4e5f60718");
        // The state lives on: the data volume and the Elastic IP are not touched.
        assert.deepEqual(c.changes.filter((x) => x.type === "aws:ebs/volume:Volume" || x.type === "aws:ec2/eip:Eip"), []);
        assert.deepEqual(c.unsafe, []);
    });
});
