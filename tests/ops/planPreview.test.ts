// `npm run plan -- --preview`: the policy pack sees the stack as `pulumi preview` does, with the
// outputs of planned creates unknown; what already exists keeps its outputs.
import * as assert from "assert";
import type { StackPlan } from "../../ops/offline/planner";
import { parsePlanArgs } from "../../ops/plan";
import { planPreview } from "../../ops/planning/plans";
import { UNKNOWN } from "../../ops/policy/analyzerRequests";
import { DEFAULT_AMI_SSM_PARAMETER } from "../../components/image/appImage";
import { memoPlan, ROOT } from "../support/plans";
import { planCli } from "../support/cli";
import { NOT_HARDENED } from "../policies/stackShapes";
import { planSession, quietPlan, serially } from "../support/quietPlan";

/** ops/planning's planPreview with the suite's plans, one plan at a time. */
const preview = (...[opts, req, before]: Parameters<typeof planPreview>) => serially(() => planPreview(opts, req, before, planSession(() => undefined)));

function one(plan: StackPlan, name: string) {
    const found = plan.resources.filter((r) => r.name === name);
    assert.strictEqual(found.length, 1, name);
    return found[0];
}

describe("ops: the plan command's --preview", function () {
    this.timeout(600000);

    it("parses --preview", () => {
        assert.strictEqual(parsePlanArgs(["--stack", "dr", "--promote", "--preview"]).preview, true);
        assert.strictEqual(parsePlanArgs(["--stack", "dr"]).preview, undefined);
    });

    it("plans a first deploy as a preview: no IDs, provider-computed outputs and what derives from them unknown", async () => {
        const prod = await preview({ dir: ROOT }, { stack: "prod" });
        const db = one(prod, "database-mysql");
        assert.strictEqual(db.id, undefined);
        assert.strictEqual(db.outputs.endpoint, UNKNOWN);
        assert.strictEqual(db.outputs.arn, UNKNOWN);
        // Known while planning: the inputs, the region and the names Check assigns.
        assert.strictEqual(db.outputs.identifier, "pilot-light-prod");
        assert.strictEqual(db.outputs.region, "us-east-1");
        assert.strictEqual(db.outputs.storageEncrypted, true);
        // An input taken from a planned create's output is unknown in the request itself.
        assert.deepStrictEqual(one(prod, "app-servers-asg").inputs.launchTemplate, { id: UNKNOWN, version: UNKNOWN });
        // The peer stack is deployed: what prod reads from dr is known.
        assert.match(one(prod, "media-replication-config").inputs.rules[0].destination.bucket, /^arn:aws:s3:::/);
        // The engine's Stash is the exception: its builtin provider answers a preview Create with
        // output = input (pulumi/pulumi pkg/resource/deploy/builtins.go), so the pinned AMI is known.
        const stash = one(prod, "singleton-recoverable-instance-ami");
        assert.strictEqual(stash.id, undefined);
        assert.match(stash.outputs.output, /^ami-[0-9a-f]{17}$/);
        assert.strictEqual(one(prod, "singleton-recoverable-instance-instance").inputs.ami, stash.outputs.output);
    });

    it("previews an existing stack from its prior state: a stash keeps its pinned output when its input moves", async () => {
        const current = await memoPlan({ stack: "prod" });
        const pinned = one(current, "singleton-recoverable-instance-ami").outputs.output;
        const preview = await quietPlan({
            dir: ROOT, stack: "prod", preview: { existing: new Set(current.resources.map((r) => r.urn)) },
            engine: { priorResources: current.resources, ssmParameters: { [DEFAULT_AMI_SSM_PARAMETER]: "ami-0a1b2c3d4e5f60718" } },
        });
        const stash = one(preview, "singleton-recoverable-instance-ami");
        assert.deepStrictEqual([stash.inputs.input, stash.outputs.output], ["ami-0a1b2c3d4e5f60718", pinned]);
        assert.strictEqual(one(preview, "singleton-recoverable-instance-instance").inputs.ami, pinned);
        // Existing resources keep their outputs in a preview.
        assert.match(one(preview, "database-mysql").outputs.endpoint, /\.us-east-1\.rds\.amazonaws\.com:3306$/);
    });

    it("previews dr promoted from standby: only the app tier is created", async () => {
        const standby = await memoPlan({ stack: "dr" });
        const promoted = await preview({ dir: ROOT }, { stack: "dr", promote: true }, standby);
        const replica = one(promoted, "database-mysql");
        assert.match(String(replica.id), /^pilot-light-dr/);
        assert.match(replica.outputs.endpoint, /\.us-west-2\.rds\.amazonaws\.com:3306$/);
        // The ALB and the CloudFront distribution in front of it exist since standby: known.
        assert.match(one(promoted, "app-standby-web-alb").outputs.dnsName, /\.us-west-2\.elb\.amazonaws\.com$/);
        assert.match(one(promoted, "app-standby-cdn-distribution").outputs.domainName, /^d[0-9a-f]{13}\.cloudfront\.net$/);
        const asg = one(promoted, "app-servers-asg");
        assert.strictEqual(asg.id, undefined);
        assert.strictEqual(asg.outputs.arn, UNKNOWN);
    });

    it("prints what the pack reports on a promotion preview, with exit 0 (advisories only)", async () => {
        const r = await planCli(["--stack", "dr", "--promote", "--preview", "--json"]);
        assert.strictEqual(r.code, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        // The servers' role policy was made in standby (AppStandby), so its ARNs are known; so is the user data: the
        // site's URL is dr's CloudFront name, made in standby too, and the cache's endpoint is read at run time.
        assert.deepStrictEqual(doc.policies, {
            preview: true,
            violations: [
                {
                    // Known in a preview (inputs): promoted, not hardened yet.
                    policy: "dr-promoted-hardening", level: "advisory", urn: "urn:pulumi:dr::pilot-light::pulumi:pulumi:Stack::pilot-light-dr",
                    message: NOT_HARDENED, cliMessage: "A promoted dr stack serves production: until it is hardened (pilot-light:hardened, which turns on Multi-AZ "
                        + "for the database, Redis automatic failover and ALB deletion protection) one AZ failure can take the site down. "
                        + `Hardened, its resources are held to prod's rules.\n${NOT_HARDENED}`,
                },
            ],
        });
        // The tree and the diff still come from the known plan: the promotion diff is unchanged.
        assert.deepStrictEqual(doc.changes.find((c: any) => c.type === "aws:rds/instance:Instance").diff,
            ["backupRetentionPeriod", "finalSnapshotIdentifier", "replicateSourceDb", "skipFinalSnapshot"]);
    });

    it("labels every stack's policies as a preview in the pull-request report (--format markdown)", async () => {
        const r = await planCli(["--stack", "dr", "--promote", "--preview", "--format", "markdown"]);
        assert.strictEqual(r.code, 0, r.stderr);
        // prod's four role policies (media replication, the app-user and rotation Lambdas', the
        // servers') name ARNs a preview cannot know, and so does its launch template's user data; so
        // do dr standby's servers' role policy and its launch template's user data (made in standby:
        // the replica's address and the distribution's name are unknown before they exist); dr
        // promoted's user data is known (that template exists by then).
        assert.match(r.stdout, /\*\*Policies:\*\* ✅ 8 violations, 0 mandatory \(prod \(preview\): 5, dr standby \(preview\): 2, dr promoted \(preview\): 1\)\./);
    });
});
