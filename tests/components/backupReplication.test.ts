// BackupReplication under the offline engine: prod's automated backups replicated into dr's
// region, encrypted with dr's key, with the configured retention, never stopped by Pulumi
// forgetting it; and its pure checks.
import { strict as assert } from "assert";
import { recordResources, Recording } from "../support/offline";

const T = {
    replication: "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
    component: "pilot-light:database:BackupReplication",
};
const SOURCE_ARN = "arn:aws:rds:us-east-1:123456789012:db:pilot-light-prod";
const DR_KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

describe("BackupReplication", () => {
    let rec: Recording;
    before(async () => {
        rec = await recordResources("us-west-2");
        const { BackupReplication } = await import("../../components/database");
        new BackupReplication("database-backups", { sourceDbInstanceArn: SOURCE_ARN, kmsKeyArn: DR_KEY_ARN, retentionDays: 14 });
        new BackupReplication("rebuilt-backups", { sourceDbInstanceArn: SOURCE_ARN, kmsKeyArn: DR_KEY_ARN, retentionDays: 7, sourceGeneration: 3 });
        await rec.settle();
    });

    it("replicates the source's backups with dr's key and the given retention, as a child of the component", () => {
        const component = rec.one(T.component, "database-backups");
        const r = rec.one(T.replication, "database-backups-replication");
        assert.equal(r.parent, component.urn);
        assert.equal(r.inputs.sourceDbInstanceArn, SOURCE_ARN);
        assert.equal(r.inputs.kmsKeyId, DR_KEY_ARN);
        assert.equal(r.inputs.retentionPeriod, 14);
    });

    it("is kept in AWS if Pulumi ever forgets it, and ignores a changed source ARN (the generation names the source)", () => {
        const r = rec.one(T.replication, "database-backups-replication");
        assert.equal(r.retainOnDelete, true);
        assert.deepEqual(r.ignoreChanges, ["sourceDbInstanceArn"]);
    });

    it("names a later source generation's replication apart, so it is created beside the first", () => {
        assert.equal(rec.one(T.replication, "rebuilt-backups-replication-g3").inputs.retentionPeriod, 7);
    });
});

describe("backupReplicationProblems", () => {
    it("accepts 1 to 35 days and generations 1 to 99", async () => {
        const { backupReplicationProblems } = await import("../../components/database");
        assert.deepEqual(backupReplicationProblems({ retentionDays: 1 }), []);
        assert.deepEqual(backupReplicationProblems({ retentionDays: 35, sourceGeneration: 99 }), []);
    });

    it("names each bad argument, its value and what is allowed", async () => {
        const { backupReplicationProblems } = await import("../../components/database");
        assert.deepEqual(backupReplicationProblems({ retentionDays: 36, sourceGeneration: 0 }), [
            "retentionDays: 36 is not allowed; expected a whole number from 1 to 35 (RDS backup retention).",
            "sourceGeneration: 0 is not allowed; expected a whole number from 1 to 99.",
        ]);
    });
});
