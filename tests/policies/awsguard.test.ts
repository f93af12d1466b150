// AWSGuard (@pulumi/awsguard 0.3.1, Pulumi's official AWS pack) run for real over our stacks,
// started as the CLI starts a pack (tests/fixtures/awsguard) and driven over gRPC with the
// offline engine's resources. What it reports, and the decision on each finding, are recorded
// in policies/README.md ("AWSGuard over our stacks"); this test keeps that record true.
import { strict as assert } from "assert";
import * as path from "path";
import { PolicyPackProcess, StackContext } from "../../ops/policy/analyzerHost";
import { analyzerRequests } from "../../ops/policy/analyzerRequests";
import { reconcilePolicyConfig } from "../../ops/policy/config";
import { T } from "../../policies/lib/resources";
import { ROOT } from "../support/plans";
import { cleanShapes, StackShape } from "./stackShapes";

function context(shape: StackShape): StackContext {
    return { project: shape.plan.project, stack: shape.plan.stack, dryRun: true, config: shape.plan.config };
}

describe("AWSGuard over our stacks", function () {
    this.timeout(600000);
    let pack: PolicyPackProcess;
    let shapes: StackShape[];

    before(async () => {
        shapes = await cleanShapes();
        pack = await PolicyPackProcess.start(path.join(ROOT, "tests", "fixtures", "awsguard"), context(shapes[0]));
    });

    after(async () => {
        await pack?.close();
    });

    it("reports exactly the findings policies/README.md decides on", async () => {
        const info = await pack.getAnalyzerInfo();
        assert.equal(`${info.name}@${info.version}`, "pulumi-awsguard@0.3.1");
        const config = reconcilePolicyConfig(info.policies, info.initialConfig, {});
        const found: Record<string, string[]> = {};
        for (const shape of shapes) {
            await pack.configureStack(context(shape));
            await pack.configure(config);
            const shown = await pack.analyzeStack(analyzerRequests(shape.plan.resources, shape.plan.reads ?? [], context(shape)));
            assert.ok(shown.every((d) => d.level === "advisory"));
            found[shape.label] = shown.map((d) => `${d.policy} ${d.urn.split("::").pop()}`).sort();
        }
        assert.deepEqual(found, {
            "prod, recoverable-instance": ["ec2-volume-inuse singleton-recoverable-instance-instance", "s3-bucket-logging-enabled logs-bucket", "s3-bucket-logging-enabled media-bucket"],
            "prod, multi-az-asg": ["s3-bucket-logging-enabled logs-bucket", "s3-bucket-logging-enabled media-bucket"],
            "prod, multi-az-asg-ebs": ["s3-bucket-logging-enabled logs-bucket", "s3-bucket-logging-enabled media-bucket"],
            "prod, standby-failover": [
                "ec2-volume-inuse singleton-standby-failover-primary-instance",
                "ec2-volume-inuse singleton-standby-failover-standby-instance",
                "s3-bucket-logging-enabled logs-bucket", "s3-bucket-logging-enabled media-bucket",
            ],
            "prod with a domain": ["ec2-volume-inuse singleton-recoverable-instance-instance", "s3-bucket-logging-enabled logs-bucket", "s3-bucket-logging-enabled media-bucket"],
            "dr standby": ["rds-instance-backup-enabled database-mysql", "rds-instance-multi-az-enabled database-mysql", "s3-bucket-logging-enabled logs-bucket", "s3-bucket-logging-enabled media-bucket"],
            "dr promoted and hardened": ["s3-bucket-logging-enabled logs-bucket", "s3-bucket-logging-enabled media-bucket"],
        });
    });

    it("never checks our ALB: its load balancer and listener policies match only type tokens @pulumi/aws no longer emits", () => {
        // Loaded in-process for the type tokens only (no pack is constructed).
        const compute = require("@pulumi/awsguard/compute");
        const storage = require("@pulumi/awsguard/storage");
        const network = require("@pulumi/awsguard/network");
        const tokens = (policy: any): string[] => (Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource])
            .map((f: any) => f.__pulumiType);
        assert.deepEqual(tokens(compute.elbAccessLoggingEnabled), [
            "aws:elasticloadbalancing/loadBalancer:LoadBalancer",
            "aws:elasticloadbalancingv2/loadBalancer:LoadBalancer",
            "aws:applicationloadbalancing/loadBalancer:LoadBalancer",
        ]);
        assert.deepEqual(tokens(storage.elbDeletionProtectionEnabled), [
            "aws:applicationloadbalancing/loadBalancer:LoadBalancer",
            "aws:elasticloadbalancingv2/loadBalancer:LoadBalancer",
        ]);
        assert.deepEqual(tokens(network.albHttpToHttpsRedirection), ["aws:elasticloadbalancingv2/listener:Listener"]);
        const ours = shapes.flatMap((s) => s.plan.resources.filter((r) => r.type.includes("loadBalancer") || r.type.includes("listener")).map((r) => r.type));
        // The listener rule: without a domain, the ALB forwards only CloudFront's origin header (components/app/cdn.ts).
        assert.deepEqual([...new Set(ours)].sort(), [T.listener, "aws:lb/listenerRule:ListenerRule", T.loadBalancer]);
    });
});
