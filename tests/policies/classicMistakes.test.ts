// The classic mistakes of the source material, run through the offline engine as a real Pulumi
// program and caught rule by rule.
import { strict as assert } from "assert";
import * as path from "path";
import { OfflineRun, runOffline } from "../../ops/offline/engine";
import { evaluatePolicies, Violation } from "../../ops/policy/evaluate";

const FIXTURE = path.join(__dirname, "..", "fixtures", "classic-mistakes", "index.ts");

describe("classic mistakes fixture", () => {
    let run: OfflineRun;
    let violations: Violation[];

    before(async () => {
        // A fresh module evaluation: the program registers its resources when it is required.
        delete require.cache[require.resolve(FIXTURE)];
        run = await runOffline({ project: "classic-mistakes", stack: "dev", region: "us-east-1", config: {} }, () => require(FIXTURE));
        violations = await evaluatePolicies(run.resources, { stackRegion: "us-east-1" });
    });

    it("catches each mistake with its rule, and nothing else", () => {
        const found = violations.map((v) => `${v.policy} ${v.urn.split("::").pop()}`).sort();
        assert.deepEqual(found, [
            "ec2-imdsv2-required web",                  // IMDSv1 (AWS in Action ch. 11)
            "ec2-recoverable-ebs-only web",             // recover alarm on m5d.large (instance store)
            "ec2-recoverable-instance-type web",        // ... which is not a recoverable family either
            "rds-backup-retention db",                  // backupRetentionPeriod: 0 (Terraform DR scripts): no dr replica can be made
            "rds-deletion-protection db",
            "rds-engine-standard-support db",           // MySQL 8.0, billed in RDS Extended Support since 2026-08-01
            "rds-final-snapshot db",                    // skipFinalSnapshot: true: a delete loses the data
            "rds-not-public db",
            "rds-storage-encrypted db",
            "s3-versioning-enabled media",
            "secrets-not-in-user-data web",             // ADMIN_PASSWORD in user data (AWS in Action ch. 11)
            "sg-no-all-traffic-egress-to-internet web-sg", // every protocol out to 0.0.0.0/0
            "sg-no-ssh-rdp-from-internet web-sg",       // SSH open to 0.0.0.0/0 (AWS in Action ch. 11)
            "vpc-flow-logs-enabled vpc",                // no flow log: nothing to investigate traffic with
        ]);
        assert.ok(violations.every((v) => v.level === "mandatory"));
    });

    it("never echoes the leaked password", () => {
        const secret = violations.find((v) => v.policy === "secrets-not-in-user-data");
        assert.equal(secret?.message, "userData of instance \"web\" holds literal secrets (line 2: ADMIN_PASSWORD=…); "
            + "fetch them at boot from Secrets Manager or SSM Parameter Store instead");
    });
});
