// Stopping prod's writers before dr's database is promoted: prod's Auto Scaling group scaled to
// 0 in prod's region when that region answers, and when it does not (or refuses) the failover
// records that the servers were NOT stopped and goes on (best effort).
import { strict as assert } from "assert";
import { DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { stopProdWrites } from "../../ops/runbooks/failover/prod";
import { FailoverState } from "../../ops/runbooks/failover/stacks";
import { AwsUnreachableError } from "../../ops/runbooks/clients";
import { useAwsMocks } from "./support/fakeWorkspace";

const aws = useAwsMocks();

const state = (asgName?: string) => ({ prodRegion: "us-east-1", drRegion: "us-west-2", prodOutputs: asgName ? { asgName } : {} }) as unknown as FailoverState;

describe("runbooks: failover stops prod's writers (best effort)", () => {
    beforeEach(() => aws.reset());

    it("scales prod's group to 0 (min and desired) in prod's region and records what it was", async () => {
        aws.autoscaling.on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ["pl-prod-asg"] })
            .resolves({ AutoScalingGroups: [{ AutoScalingGroupName: "pl-prod-asg", MinSize: 2, MaxSize: 4, DesiredCapacity: 3 } as any] });
        aws.autoscaling.on(UpdateAutoScalingGroupCommand).resolves({});
        const result = await stopProdWrites(state("pl-prod-asg"), "prod");
        assert.deepEqual(result, { stopped: true, detail: "prod's app servers stopped: pl-prod-asg scaled to 0 (min/desired was 2/3)" });
        const updates = aws.autoscaling.commandCalls(UpdateAutoScalingGroupCommand);
        assert.deepEqual(updates.map((c) => c.args[0].input), [{ AutoScalingGroupName: "pl-prod-asg", MinSize: 0, DesiredCapacity: 0 }]);
        assert.equal(await (updates[0] as any).thisValue.config.region(), "us-east-1");
    });

    it("no asgName output, or no such group: nothing to stop, and nothing is changed", async () => {
        assert.deepEqual(await stopProdWrites(state(), "prod"), { stopped: true, detail: "prod has no asgName output: no app servers to stop" });
        aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
        assert.deepEqual(await stopProdWrites(state("pl-prod-asg"), "prod"),
            { stopped: true, detail: "pl-prod-asg not found in us-east-1: no app servers to stop" });
        assert.equal(aws.autoscaling.commandCalls(UpdateAutoScalingGroupCommand).length, 0);
    });

    it("prod's region does not answer: not stopped, said so with what to do when it comes back", async () => {
        aws.autoscaling.on(DescribeAutoScalingGroupsCommand).rejects(new AwsUnreachableError("AutoScaling", "us-east-1",
            "http://127.0.0.1:1", "DescribeAutoScalingGroupsCommand: ECONNREFUSED (3 attempt(s))"));
        assert.deepEqual(await stopProdWrites(state("pl-prod-asg"), "prod"), {
            stopped: false,
            detail: "prod's app servers NOT stopped (AwsUnreachableError: AutoScaling in us-east-1 did not answer (http://127.0.0.1:1): "
                + "DescribeAutoScalingGroupsCommand: ECONNREFUSED (3 attempt(s))); if us-east-1 comes back they may write to prod's old "
                + "database: scale pl-prod-asg to 0 there when it answers",
        });
    });

    it("an AWS refusal of the update is recorded the same way", async () => {
        aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: "pl-prod-asg", MinSize: 2, DesiredCapacity: 2 } as any] });
        aws.autoscaling.on(UpdateAutoScalingGroupCommand).rejects(Object.assign(new Error("not authorized to perform autoscaling:UpdateAutoScalingGroup"), { name: "AccessDenied" }));
        const result = await stopProdWrites(state("pl-prod-asg"), "prod");
        assert.equal(result.stopped, false);
        assert.match(result.detail, /^prod's app servers NOT stopped \(AccessDenied: not authorized to perform autoscaling:UpdateAutoScalingGroup\)/);
    });
});
