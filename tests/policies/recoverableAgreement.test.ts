// components/ha and the pack judge instance types by the same list (policies/lib/recoverableTypes.ts):
// over every listed family, and over families AWS does not list, the component accepts a type
// exactly when the pack's ec2-recoverable-* policies raise nothing for it.
import { strict as assert } from "assert";
import * as path from "path";
import { recoverabilityProblems } from "../../components/ha/recoverability";
import { RECOVERABLE_FAMILIES, RECOVERABLE_TYPES_SOURCE } from "../../policies/lib/recoverableTypes";
import { evaluatePolicies } from "../../ops/policy/evaluate";
import { quietPlan } from "../support/quietPlan";
import { compliantProd, findings, PROD_REGION } from "./support";

const RECOVERY_POLICIES = ["ec2-recoverable-instance-type", "ec2-recoverable-tenancy", "ec2-recoverable-ebs-only"];

/** The pack's verdict: the recovery policies' findings for the compliant prod stack's watched instance of this type. */
async function packFindings(instanceType: string): Promise<string[]> {
    const s = compliantProd();
    s.get("bastion").inputs.instanceType = instanceType;
    return (await findings(s, PROD_REGION, RECOVERY_POLICIES)).map((f) => `${f.policy}: ${f.message}`);
}

describe("recoverable instance types: component and pack agree", () => {
    it("names its AWS source and the date it was read", () => {
        assert.deepEqual(RECOVERABLE_TYPES_SOURCE, {
            url: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html#requirements-for-cloudwatch-action-based-recovery",
            read: "2026-12-01",
        });
        assert.equal(RECOVERABLE_FAMILIES.length, 97);
        assert.equal(new Set(RECOVERABLE_FAMILIES).size, RECOVERABLE_FAMILIES.length, "no family is listed twice");
    });

    it("agrees on every listed family, at a virtualized and a metal size", async function () {
        this.timeout(120000);
        const disagreements: string[] = [];
        for (const family of RECOVERABLE_FAMILIES) {
            for (const size of ["large", "metal"]) {
                const type = `${family}.${size}`;
                const component = recoverabilityProblems(type, "default");
                const pack = await packFindings(type);
                if ((component.length === 0) !== (pack.length === 0)) {
                    disagreements.push(`${type}: component ${JSON.stringify(component)} vs pack ${JSON.stringify(pack)}`);
                }
            }
        }
        assert.deepEqual(disagreements, []);
    });

    it("accepts, in both, the types the issue and AWS's list name, and refuses the same others", async () => {
        const accepted = ["m7i.large", "m7i-flex.large", "c8g.xlarge", "u7i-6tb.112xlarge", "x2idn.16xlarge", "m3.medium", "t1.micro", "c5.metal"];
        const refused = ["m5d.large", "i4i.large", "z1d.large", "p2.xlarge", "p4d.24xlarge", "g4dn.xlarge", "x2gd.large", "m1.small", "d3.xlarge", "mac1.metal"];
        for (const type of accepted) {
            assert.deepEqual(recoverabilityProblems(type, "default"), [], type);
            assert.deepEqual(await packFindings(type), [], type);
        }
        for (const type of refused) {
            assert.notDeepEqual(recoverabilityProblems(type, "default"), [], type);
            assert.notDeepEqual(await packFindings(type), [], type);
        }
    });

    // standby-failover builds two RecoverableInstances, so one plan covers both instance modes.
    it("plans prod with singletonInstanceType=m7i.large (standby-failover) with no policy violation", async function () {
        this.timeout(180000);
        const plan = await quietPlan({
            dir: path.join(__dirname, "..", ".."), stack: "prod",
            configOverrides: { "pilot-light:singletonMode": "standby-failover", "pilot-light:singletonInstanceType": "m7i.large" },
        });
        const instances = plan.resources.filter((r) => r.type === "aws:ec2/instance:Instance").map((r) => r.inputs.instanceType);
        assert.deepEqual(instances, ["m7i.large", "m7i.large"]);
        assert.deepEqual(await evaluatePolicies(plan.resources, { stackRegion: plan.region }), []);
    });
});
