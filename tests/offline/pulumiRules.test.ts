// Pulumi's own rules, applied offline with the engine's words, case by case from Pulumi's own
// tests (pulumi/pulumi pkg/v3.248.0): registration rules in the recording engine, protect and
// retainOnDelete in the offline diff. Each case names the Pulumi test it is taken from.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { diffResources, refusals } from "../../ops/diff";
import { runOffline } from "../../ops/offline/engine";
import { protectedDeleteError, protectedReplaceError } from "../../ops/offline/pulumiRules";
import { recordResources } from "../support/offline";
import { record, urnOf } from "../support/records";

/** The URN a resource's registration got, or the error it failed with. */
async function outcome(r: pulumi.Resource): Promise<string> {
    try {
        return await (r.urn as any).promise();
    } catch (e: any) {
        return `ERROR ${e.message}`;
    }
}

const T = "pkgA:m:typA";

/** A custom resource of any type token (CustomResource itself is abstract in the typings). */
class Res extends pulumi.CustomResource {
    constructor(type: string, name: string, opts?: pulumi.CustomResourceOptions) {
        super(type, name, {}, opts);
    }
}
const OPTS = { project: "test", stack: "test", region: "us-east-1", config: {} };

describe("offline engine: Pulumi's registration rules", () => {
    it("refuses a custom resource whose type is not pkg:module:Type; a component may use any type (pulumi_test.go TestBadResourceType)", async () => {
        const rec = await recordResources();
        const bad = new Res("very:bad", "resA");
        const component = new pulumi.ComponentResource("a:component", "resB");
        const single = new pulumi.ComponentResource("singlename", "resC");
        assert.strictEqual(await outcome(bad),
            "ERROR failed to register new resource resA [very:bad]: 3 INVALID_ARGUMENT: Type 'very:bad' is not a valid type token (must have format '*:*:*')");
        assert.strictEqual(await outcome(component), "urn:pulumi:test::pilot-light::a:component::resB");
        assert.strictEqual(await outcome(single), "urn:pulumi:test::pilot-light::singlename::resC");
        await assert.rejects(rec.settle(), { name: "RegistrationError", message: "Type 'very:bad' is not a valid type token (must have format '*:*:*')" });
        assert.deepStrictEqual(rec.records.map((r) => r.name), ["resB", "resC"]);
    });

    it("refuses a second resource with the same URN, in the engine's words (step_generator_test.go TestDuplicateURN)", async () => {
        const rec = await recordResources();
        const first = new Res(T, "resA");
        const second = new Res(T, "resA");
        assert.strictEqual(await outcome(first), "urn:pulumi:test::pilot-light::pkgA:m:typA::resA");
        assert.strictEqual(await outcome(second),
            "ERROR failed to register new resource resA [pkgA:m:typA]: Duplicate resource URN 'urn:pulumi:test::pilot-light::pkgA:m:typA::resA'; try giving it a unique name");
        await assert.rejects(rec.settle(), /^RegistrationError: Duplicate resource URN 'urn:pulumi:test::pilot-light::pkgA:m:typA::resA'; try giving it a unique name$/);
        assert.strictEqual(rec.records.length, 1);
    });

    it("fails the whole offline run on a duplicate URN, as `pulumi up` fails", async () => {
        await assert.rejects(runOffline(OPTS, () => {
            new Res(T, "resA");
            new Res(T, "resA");
        }), /^RegistrationError: Duplicate resource URN 'urn:pulumi:test::test::pkgA:m:typA::resA'; try giving it a unique name$/);
    });

    it("builds URNs as the engine does: the parent's whole qualified type, the stack left out (alias_test.go TestSplitUpdateComponentAliases)", async () => {
        const run = await runOffline(OPTS, () => {
            const a = new pulumi.ComponentResource("pkgA:m:typA", "resA");
            const b = new pulumi.ComponentResource("pkgA:m:typB", "resB", {}, { parent: a });
            new Res("pkgA:m:typC", "resC", { parent: b });
        });
        assert.deepStrictEqual(run.resources.map((r) => [r.urn, r.parent]), [
            ["urn:pulumi:test::test::pulumi:pulumi:Stack::test-test", undefined],
            ["urn:pulumi:test::test::pkgA:m:typA::resA", "urn:pulumi:test::test::pulumi:pulumi:Stack::test-test"],
            ["urn:pulumi:test::test::pkgA:m:typA$pkgA:m:typB::resB", "urn:pulumi:test::test::pkgA:m:typA::resA"],
            ["urn:pulumi:test::test::pkgA:m:typA$pkgA:m:typB$pkgA:m:typC::resC", "urn:pulumi:test::test::pkgA:m:typA$pkgA:m:typB::resB"],
        ]);
    });

    it("accepts names containing `::`: the URN's name is everything after its third `::` (urn_test.go)", async () => {
        const rec = await recordResources();
        const r = new Res(T, "a-swell-resource::with_awkward$names");
        assert.strictEqual(await outcome(r), "urn:pulumi:test::pilot-light::pkgA:m:typA::a-swell-resource::with_awkward$names");
        await rec.settle();
        assert.strictEqual(rec.records[0].name, "a-swell-resource::with_awkward$names");
    });

    it("inherits protect and retainOnDelete from the parent unless the child sets them (protect_test.go TestProtectInheritance)", async () => {
        const rec = await recordResources();
        const parent = new pulumi.ComponentResource("my:component:Parent", "parent", {}, { protect: true, retainOnDelete: true });
        new Res(T, "resA", { parent });
        new Res(T, "resB", { parent, protect: false, retainOnDelete: false });
        await rec.settle();
        assert.deepStrictEqual(rec.records.map((r) => [r.name, r.protect, r.retainOnDelete]),
            [["parent", true, true], ["resA", true, true], ["resB", false, false]]);
    });
});

describe("offline diff: what `pulumi up` refuses on delete and replace", () => {
    const VPC = "aws:ec2/vpc:Vpc";
    const refused = (before: any[], after: any[], unprotected?: string[]) => refusals(diffResources(before, after), before, after, { unprotected });

    it("refuses every delete of a resource protected in the state, with the engine's message (protect_test.go TestMultipleProtectedDeletes)", () => {
        const before = [record(VPC, "resA", {}, { protect: true }), record(VPC, "resB", {}, { protect: true })];
        assert.deepStrictEqual(refused(before, []), [protectedDeleteError(urnOf(VPC, "resA")), protectedDeleteError(urnOf(VPC, "resB"))]);
        assert.strictEqual(protectedDeleteError("urn:pulumi:test::test::pkgA:m:typA::resA"),
            "resource \"urn:pulumi:test::test::pkgA:m:typA::resA\" cannot be deleted\n"
            + "because it is protected. To unprotect the resource, either remove the `protect` flag from the resource in your Pulumi program "
            + "and run `pulumi up`, or use the command:\n`pulumi state unprotect 'urn:pulumi:test::test::pkgA:m:typA::resA'`");
        // Unprotected in the state first (`pulumi state unprotect`, as the failback runbook does): the delete goes ahead.
        assert.deepStrictEqual(refused(before, [], ["resA", "resB"]), []);
    });

    it("refuses replacing a resource protected in the state and the program, and allows unprotect-and-replace in one update (pulumi_test.go TestProtect)", () => {
        const before = [record(VPC, "resA", { cidrBlock: "10.0.0.0/16" }, { protect: true })];
        assert.deepStrictEqual(refused(before, [record(VPC, "resA", { cidrBlock: "10.1.0.0/16" }, { protect: true })]), [
            "unable to replace resource \"urn:pulumi:s::p::aws:ec2/vpc:Vpc::resA\"\n"
            + "as it is currently marked for protection. To unprotect the resource, remove the `protect` flag from the resource in your Pulumi program "
            + "and run `pulumi up`",
        ]);
        assert.strictEqual(protectedReplaceError(urnOf(VPC, "resA")), refused(before, [record(VPC, "resA", { cidrBlock: "10.1.0.0/16" }, { protect: true })])[0]);
        assert.deepStrictEqual(refused(before, [record(VPC, "resA", { cidrBlock: "10.1.0.0/16" }, { protect: false })]), []);
        // An update of a protected resource is fine.
        assert.deepStrictEqual(refused(before, [record(VPC, "resA", { cidrBlock: "10.0.0.0/16", tags: { a: "b" } }, { protect: true })]), []);
    });

    it("keeps a retainOnDelete resource in the cloud on delete and on replace (retain_on_delete_test.go TestRetainOnDelete)", () => {
        const before = [record(VPC, "resA", { cidrBlock: "10.0.0.0/16" }, { retainOnDelete: true })];
        const [replaced] = diffResources(before, [record(VPC, "resA", { cidrBlock: "10.1.0.0/16" }, { retainOnDelete: true })]);
        assert.deepStrictEqual([replaced.op, replaced.retained], ["replace", true]);
        const [deleted] = diffResources(before, []);
        assert.deepStrictEqual([deleted.op, deleted.retained], ["delete", true]);
        assert.deepStrictEqual(refused(before, []), []);
    });

    it("refuses what the AWS provider refuses: a replica pointed at a new source (rds resourceInstanceUpdate)", () => {
        const DB = "aws:rds/instance:Instance";
        const db = (source?: string) => [record(DB, "db", source ? { replicateSourceDb: source } : {})];
        assert.deepStrictEqual(refused(db("arn:a"), db("arn:b")), [`updating ${urnOf(DB, "db")}: cannot elect new source database for replication`]);
        assert.deepStrictEqual(refused(db(), db("arn:a")), [`updating ${urnOf(DB, "db")}: cannot elect new source database for replication`]);
        // Removing the source is the in-place promotion.
        assert.deepStrictEqual(refused(db("arn:a"), db()), []);
    });
});
