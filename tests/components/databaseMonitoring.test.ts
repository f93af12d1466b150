// The database's operations inputs (components/database/monitoring.ts): minor version upgrades
// and Performance Insights at the free 7 days with the database's own key, on every kind, and
// off on the burstable classes RDS for MySQL does not offer it on (AWS's list, literal here);
// Enhanced Monitoring with its role (enhancedMonitoring.ts).
import { strict as assert } from "assert";
import { recordResources } from "../support/offline";
import type { DatabaseArgs } from "../../components/database";
import { performanceInsightsSupported } from "../../components/database/monitoring";

const INSTANCE = "aws:rds/instance:Instance";
const KEY = "aws:kms/key:Key";
const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";

const common = {
    allocatedStorageGb: 50, backupRetentionDays: 7, subnetGroupName: "db-subnets", securityGroupIds: ["sg-0123456789abcdef0"], tags: {},
};

async function instanceInputs(region: string, name: string, args: DatabaseArgs) {
    const rec = await recordResources(region);
    const { Database } = await import("../../components/database");
    new Database(name, args);
    await rec.settle();
    const instance = rec.one(INSTANCE);
    return { inputs: instance.inputs, keyArn: rec.one(KEY).outputs.arn as string, role: rec.one(ROLE), attachment: rec.one(ATTACHMENT), instance };
}

describe("Database operations inputs", () => {
    it("Enhanced Monitoring every 60 s with its own role, trusted by RDS monitoring for this account only, made before the instance", async () => {
        const { inputs, role, attachment, instance } = await instanceInputs("us-east-1", "prod-db", {
            kind: "primary", identifier: "pilot-light-prod", instanceClass: "db.t4g.medium", multiAz: true, ...common,
        });
        assert.equal(inputs.monitoringInterval, 60);
        assert.equal(inputs.monitoringRoleArn, role.outputs.arn);
        assert.equal(role.name, "prod-db-monitoring-role");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "monitoring.rds.amazonaws.com" }, Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }],
        });
        assert.equal(attachment.inputs.role, role.outputs.name);
        assert.equal(attachment.inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
        assert.ok(instance.dependencies.includes(attachment.urn), "the instance waits for the role's policy");
    });

    it("supports Performance Insights on every class but the micro and small burstable ones", () => {
        for (const c of ["db.t4g.medium", "db.t3.medium", "db.m7g.large", "db.r6g.xlarge"]) assert.equal(performanceInsightsSupported(c), true, c);
        for (const c of ["db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"]) assert.equal(performanceInsightsSupported(c), false, c);
    });

    it("a primary: minor upgrades on, Performance Insights for 7 days with its own CMK", async () => {
        const { inputs, keyArn } = await instanceInputs("us-east-1", "prod-db", {
            kind: "primary", identifier: "pilot-light-prod", instanceClass: "db.t4g.medium", multiAz: true, credentialsReplicaRegion: "us-west-2", ...common,
        });
        assert.match(keyArn, /^arn:aws:kms:us-east-1:/);
        assert.equal(inputs.autoMinorVersionUpgrade, true);
        assert.equal(inputs.performanceInsightsEnabled, true);
        assert.equal(inputs.performanceInsightsRetentionPeriod, 7);
        assert.equal(inputs.performanceInsightsKmsKeyId, keyArn);
    });

    it("a standby replica: the same, keyed in its own region, so promotion changes none of it", async () => {
        const { inputs, keyArn } = await instanceInputs("us-west-2", "dr-db", {
            kind: "replica-standby", identifier: "pilot-light-dr", instanceClass: "db.t4g.medium", multiAz: false,
            credentialsSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:pilot-light-prod/db-credentials-AbCdEf",
            appCredentialsSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:pilot-light-prod/db-app-credentials-GhIjKl",
            sourceDbArn: "arn:aws:rds:us-east-1:123456789012:db:pilot-light-prod", ...common,
        });
        assert.match(keyArn, /^arn:aws:kms:us-west-2:/);
        assert.equal(inputs.monitoringInterval, 60, "the standby already has its monitoring role: promotion creates none in IAM");
        assert.equal(inputs.autoMinorVersionUpgrade, true);
        assert.equal(inputs.performanceInsightsEnabled, true);
        assert.equal(inputs.performanceInsightsRetentionPeriod, 7);
        assert.equal(inputs.performanceInsightsKmsKeyId, keyArn);
    });

    it("a class without Performance Insights: explicitly off, no retention or key", async () => {
        const { inputs } = await instanceInputs("us-east-1", "small-db", {
            kind: "primary", identifier: "pilot-light-small", instanceClass: "db.t4g.small", multiAz: false, ...common,
        });
        assert.equal(inputs.autoMinorVersionUpgrade, true);
        assert.equal(inputs.performanceInsightsEnabled, false);
        assert.ok(!("performanceInsightsRetentionPeriod" in inputs));
        assert.ok(!("performanceInsightsKmsKeyId" in inputs));
    });
});
