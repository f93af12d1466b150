// changeConfig (ops/runbooks/workspace.ts): the one way a runbook changes a stack's config for an
// up and puts it back when the up fails.
import { strict as assert } from "assert";
import { changeConfig } from "../../ops/runbooks/workspace";
import { FakeWorkspace } from "./support/fakeWorkspace";

describe("runbooks: changeConfig", () => {
    const mutations = (ws: FakeWorkspace) => ws.summary().filter((c) => !c.includes(".getConfig "));

    it("sets and removes in the order given, remembering each key's value before", async () => {
        const ws = new FakeWorkspace({ dr: { config: { "pilot-light:promote": "true", "pilot-light:reverseReplication": "true" } } });
        const change = await changeConfig(await ws.stack("dr"), {
            "pilot-light:promote": "false", "pilot-light:reverseReplication": undefined, "pilot-light:databaseGeneration": "2",
        });
        assert.deepEqual(change.previous, {
            "pilot-light:promote": "true", "pilot-light:reverseReplication": "true", "pilot-light:databaseGeneration": undefined,
        });
        assert.deepEqual(mutations(ws), [
            "dr.setConfig pilot-light:promote=false", "dr.removeConfig pilot-light:reverseReplication", "dr.setConfig pilot-light:databaseGeneration=2",
        ]);
        assert.deepEqual(ws.configObject("dr"), { "pilot-light:promote": "false", "pilot-light:databaseGeneration": "2" });
    });

    it("restores every key: set ones to their old value, unset ones removed", async () => {
        const ws = new FakeWorkspace({ dr: { config: { "aws:region": "us-west-2", "pilot-light:promote": "true", "pilot-light:hardened": "true" } } });
        const change = await changeConfig(await ws.stack("dr"), {
            "pilot-light:promote": "false", "pilot-light:hardened": undefined, "pilot-light:databaseGeneration": "2",
        });
        await change.restore();
        assert.deepEqual(ws.configObject("dr"), { "aws:region": "us-west-2", "pilot-light:promote": "true", "pilot-light:hardened": "true" });
    });

    it("does not remove a key that is not set (nothing depends on how `pulumi config rm` treats a missing key)", async () => {
        const ws = new FakeWorkspace({ prod: { config: {} } });
        const change = await changeConfig(await ws.stack("prod"), { "pilot-light:rebuildFromPeer": undefined });
        await change.restore();
        assert.deepEqual(mutations(ws), []);
        assert.deepEqual(change.previous, { "pilot-light:rebuildFromPeer": undefined });
    });
});
