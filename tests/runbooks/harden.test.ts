// The hardening runbook against FakeWorkspace and mocked AWS: it refuses a dr that is not
// promoted, shows the offline diff of hardened false→true (and stops on an unsafe one), sets
// the key and runs one up, restores the key when the up fails, and checks what AWS reports.
import { strict as assert } from "assert";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { DescribeLoadBalancerAttributesCommand, DescribeLoadBalancersCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { hardenRequest, hardenSteps, runHarden } from "../../ops/runbooks/harden";
import type { OfflinePlanner, PlanRequest } from "../../ops/runbooks/failover";
import { RUNBOOKS } from "../../ops/runbooks";
import { fakeIO, FakeWorkspace, useAwsMocks } from "./support/fakeWorkspace";

const aws = useAwsMocks();
const ALB_DNS = "pl-dr-alb-123456.us-west-2.elb.amazonaws.com";
const ALB_ARN = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/pl-dr-alb/50dc6c495c0c9188";
const OUTPUTS = { region: "us-west-2", dbInstanceIdentifier: "pl-dr-db", albDnsName: ALB_DNS };

let state: { multiAz: boolean; protectedLb: boolean };

function stageAws(): void {
    state = { multiAz: false, protectedLb: false };
    aws.rds.on(DescribeDBInstancesCommand).callsFake(() => ({ DBInstances: [{
        DBInstanceIdentifier: "pl-dr-db", DBInstanceStatus: "available", MultiAZ: state.multiAz,
        ...(state.multiAz ? { SecondaryAvailabilityZone: "us-west-2b" } : {}),
    }] }));
    aws.elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [{ DNSName: ALB_DNS, LoadBalancerArn: ALB_ARN }] });
    aws.elb.on(DescribeLoadBalancerAttributesCommand, { LoadBalancerArn: ALB_ARN }).callsFake(() => ({
        Attributes: [{ Key: "deletion_protection.enabled", Value: String(state.protectedLb) }],
    }));
}

function workspace(promote = "true"): FakeWorkspace {
    return new FakeWorkspace({ dr: { config: { "aws:region": "us-west-2", "pilot-light:promote": promote }, outputs: OUTPUTS } });
}

const plans: PlanRequest[] = [];
const planner = (unsafe: string[] = []): OfflinePlanner => async (request) => {
    plans.push(request);
    return { changes: [], unsafe, text: "0 to create, 7 to update, 0 to replace, 0 to delete" };
};

describe("runbooks: harden", () => {
    beforeEach(() => { aws.reset(); plans.length = 0; stageAws(); });

    it("is registered with the CLI, and its dry run is the promoted → hardened diff", () => {
        assert.deepEqual(RUNBOOKS.harden.dryRun({ dir: "/p", prodStack: "prod", drStack: "org/pilot-light/dr", acceptLag: false, force: false }),
            [{ what: "harden: pilot-light:hardened false→true on promoted org/pilot-light/dr", request: {
                dir: "/p", stack: "dr",
                from: { "pilot-light:promote": "true", "pilot-light:hardened": "false" },
                to: { "pilot-light:promote": "true", "pilot-light:hardened": "true" },
            } }]);
    });

    it("sets hardened, runs one up, and checks Multi-AZ and deletion protection", async () => {
        const ws = workspace();
        ws.scriptUp("dr", { changes: { update: 8, same: 60 } });
        ws.onUp("dr", () => { state.multiAz = true; state.protectedLb = true; });
        const io = fakeIO();
        const report = await runHarden({ workspace: ws, dir: "/p", planner: planner() }, io);
        assert.equal(report.ok, true, report.stoppedBecause);
        assert.deepEqual(report.steps.map((s) => [s.id, s.status, s.detail]), [
            ["preflight.stack", "ok", `dr in us-west-2, database pl-dr-db, ALB ${ALB_DNS}`],
            ["preflight.database", "ok", "pl-dr-db is a standalone database, available, single-AZ"],
            ["harden", "ok", "pulumi up on dr: update 8"],
            ["verify", "ok", "pl-dr-db is Multi-AZ (secondary in us-west-2b); ALB deletion protection on"],
        ]);
        assert.deepEqual(ws.summary().filter((c) => /setConfig|removeConfig|up/.test(c)), ["dr.setConfig pilot-light:hardened=true", "dr.up"]);
        assert.deepEqual(plans, [hardenRequest("/p", "dr")]);
        assert.deepEqual(io.questions, ["Harden dr: Multi-AZ database, Redis failover, ALB deletion protection: this changes data. Continue?"]);
    });

    it("refuses a dr that is not promoted, before any change", async () => {
        const ws = workspace("false");
        const report = await runHarden({ workspace: ws, dir: "/p", planner: planner() }, fakeIO());
        assert.equal(report.ok, false);
        assert.equal(report.steps[0].error, "dr is not promoted (pilot-light:promote is not true): hardening makes a promoted dr production; "
            + "fail over first (npm run runbook -- failover)");
        assert.deepEqual(ws.callsTo("dr", "setConfig"), []);
    });

    it("stops on an unsafe diff and changes nothing", async () => {
        const ws = workspace();
        const report = await runHarden({ workspace: ws, dir: "/p", planner: planner(["replace aws:rds/instance:Instance database-mysql"]) }, fakeIO());
        assert.equal(report.ok, false);
        assert.match(report.stoppedBecause!, /harden: the offline diff reports 1 data-safety problem\(s\), so nothing was changed: replace aws:rds\/instance:Instance database-mysql/);
        assert.deepEqual(ws.callsTo("dr", "setConfig"), []);
        assert.deepEqual(ws.callsTo("dr", "up"), []);
    });

    it("puts hardened back when the up fails", async () => {
        const ws = workspace();
        ws.scriptUp("dr", { error: new Error("InvalidParameterCombination") });
        const report = await runHarden({ workspace: ws, dir: "/p", planner: planner() }, fakeIO());
        assert.equal(report.ok, false);
        assert.equal(ws.configObject("dr")["pilot-light:hardened"], undefined);
        assert.match(report.steps[2].error!, /^pulumi up on dr failed: InvalidParameterCombination\. pilot-light:hardened is restored to unset;/);
    });

    it("fails verification when RDS does not report Multi-AZ after the up", async () => {
        const ws = workspace();
        const report = await runHarden({ workspace: ws, dir: "/p", planner: planner() }, fakeIO());
        assert.equal(report.ok, false);
        assert.equal(report.steps[3].error, "pl-dr-db is not Multi-AZ after the up (MultiAZ false, status available); see the instance's events in the RDS console");
        assert.equal(hardenSteps({ workspace: ws, dir: "/p" }).length, 4);
    });
});
