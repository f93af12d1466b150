// The database layer's pure helpers: argument validation and the secret replica ARN.
import { strict as assert } from "assert";
import { validateDatabaseArgs } from "../../components/database/validate";
import { secretReplicaArn } from "../../components/database/credentials";
import type { DatabaseArgs } from "../../components/database/database";

const primary = (): DatabaseArgs => ({
    mode: "primary",
    identifier: "pilot-light-prod",
    instanceClass: "db.t4g.medium",
    allocatedStorageGb: 20,
    backupRetentionDays: 7,
    multiAz: true,
    subnetGroupName: "prod-db-subnets",
    securityGroupIds: ["sg-1"],
    credentialsReplicaRegion: "us-west-2",
});

const replica = (): DatabaseArgs => ({
    mode: "replica",
    identifier: "pilot-light-dr",
    instanceClass: "db.t4g.medium",
    allocatedStorageGb: 20,
    backupRetentionDays: 35,
    multiAz: false,
    subnetGroupName: "dr-db-subnets",
    securityGroupIds: ["sg-2"],
    sourceDbArn: "arn:aws:rds:us-east-1:123456789012:db:pilot-light-prod",
    credentialsSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:x-AbCdEf",
});

describe("validateDatabaseArgs", () => {
    it("accepts valid primary, standby and promoted replica arguments", () => {
        assert.deepEqual(validateDatabaseArgs(primary()), []);
        assert.deepEqual(validateDatabaseArgs({ ...primary(), promote: false, maxAllocatedStorageGb: 20 }), []);
        assert.deepEqual(validateDatabaseArgs(replica()), []);
        assert.deepEqual(validateDatabaseArgs({ ...replica(), promote: true, sourceDbArn: undefined, replicaLagThresholdSeconds: 60 }), []);
    });

    const cases: [string, Partial<DatabaseArgs> | Record<string, unknown>, string][] = [
        ["bad mode", { mode: "standby" }, 'mode must be "primary" or "replica", got "standby"'],
        ["upper-case identifier", { identifier: "Pilot-Light" }, 'identifier must be 1-63 lowercase letters, digits or hyphens,'
            + ' start with a letter, and neither end with a hyphen nor contain "--", got "Pilot-Light"'],
        ["identifier with --", { identifier: "a--b" }, 'identifier must be 1-63 lowercase letters, digits or hyphens,'
            + ' start with a letter, and neither end with a hyphen nor contain "--", got "a--b"'],
        ["identifier ending in -", { identifier: "ab-" }, 'identifier must be 1-63 lowercase letters, digits or hyphens,'
            + ' start with a letter, and neither end with a hyphen nor contain "--", got "ab-"'],
        ["identifier too long", { identifier: "a".repeat(64) }, 'identifier must be 1-63 lowercase letters, digits or hyphens,'
            + ` start with a letter, and neither end with a hyphen nor contain "--", got "${"a".repeat(64)}"`],
        ["EC2 instance type", { instanceClass: "t4g.medium" }, 'instanceClass must be an RDS instance class such as "db.t4g.medium", got "t4g.medium"'],
        ["too little storage", { allocatedStorageGb: 19 }, "allocatedStorageGb must be an integer from 20 to 65536, got 19"],
        ["too much storage", { allocatedStorageGb: 65537 }, "allocatedStorageGb must be an integer from 20 to 65536, got 65537"],
        ["ceiling below allocation", { maxAllocatedStorageGb: 19 }, "maxAllocatedStorageGb must be an integer from allocatedStorageGb (20) to 65536, got 19"],
        ["six days of backups", { backupRetentionDays: 6 }, "backupRetentionDays must be an integer from 7 to 35, got 6"],
        ["36 days of backups", { backupRetentionDays: 36 }, "backupRetentionDays must be an integer from 7 to 35, got 36"],
        ["zero backups", { backupRetentionDays: 0 }, "backupRetentionDays must be an integer from 7 to 35, got 0"],
        ["no security groups", { securityGroupIds: [] }, "securityGroupIds must list at least one security group"],
        ["no subnet group", { subnetGroupName: "" }, "subnetGroupName is required"],
        ["promote on a primary", { promote: true }, 'promote is only valid when mode is "replica" or builtAsReplica is true, got promote=true with mode "primary"'],
        ["source on a primary", { sourceDbArn: "arn:x" }, 'sourceDbArn is only valid when mode is "replica" or builtAsReplica is true'],
        ["secret ARN on a primary", { credentialsSecretArn: "arn:x" }, 'credentialsSecretArn is only valid when mode is "replica"'],
        ["lag threshold on a primary", { replicaLagThresholdSeconds: 60 }, 'replicaLagThresholdSeconds is only valid when mode is "replica" or builtAsReplica is true'],
        ["bad replica region", { credentialsReplicaRegion: "oregon" }, 'credentialsReplicaRegion must be an AWS region such as "us-west-2", got "oregon"'],
    ];
    for (const [title, change, message] of cases) {
        it(`rejects a primary with ${title}`, () => {
            assert.deepEqual(validateDatabaseArgs({ ...primary(), ...change } as DatabaseArgs), [message]);
        });
    }

    const replicaCases: [string, Partial<DatabaseArgs>, string][] = [
        ["no source while standby", { sourceDbArn: undefined }, 'sourceDbArn is required when mode is "replica" and promote is not true'],
        ["no secret ARN", { credentialsSecretArn: undefined }, 'credentialsSecretArn is required when mode is "replica"'],
        ["a secret replica region", { credentialsReplicaRegion: "us-east-1" }, 'credentialsReplicaRegion is only valid when mode is "primary"'],
        ["builtAsReplica on a replica", { builtAsReplica: true }, 'builtAsReplica is only valid when mode is "primary" (a replica is always built as one)'],
        ["a zero lag threshold", { replicaLagThresholdSeconds: 0 }, "replicaLagThresholdSeconds must be a positive number of seconds, got 0"],
        ["a promoted replica keeping too few backups", { promote: true, backupRetentionDays: 1 }, "backupRetentionDays must be an integer from 7 to 35, got 1"],
    ];
    for (const [title, change, message] of replicaCases) {
        it(`rejects a replica with ${title}`, () => {
            assert.deepEqual(validateDatabaseArgs({ ...replica(), ...change }), [message]);
        });
    }

    it("reports every problem at once", () => {
        assert.deepEqual(validateDatabaseArgs({ ...replica(), sourceDbArn: undefined, credentialsSecretArn: undefined, backupRetentionDays: 3 }), [
            "backupRetentionDays must be an integer from 7 to 35, got 3",
            'sourceDbArn is required when mode is "replica" and promote is not true',
            'credentialsSecretArn is required when mode is "replica"',
        ]);
    });
});

describe("secretReplicaArn", () => {
    it("keeps the name and suffix and swaps the region", () => {
        assert.equal(secretReplicaArn("arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-credentials-AbC123", "us-west-2"),
            "arn:aws:secretsmanager:us-west-2:123456789012:secret:pilot-light-prod/db-credentials-AbC123");
    });

    it("keeps the partition", () => {
        assert.equal(secretReplicaArn("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-x1Y2z3", "cn-northwest-1"),
            "arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:db-x1Y2z3");
    });

    it("rejects an ARN that is not a secret's", () => {
        assert.throws(() => secretReplicaArn("arn:aws:rds:us-east-1:123456789012:db:pilot-light-prod", "us-west-2"), {
            message: "secretReplicaArn: primaryArn must be a Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>),"
                + ' got "arn:aws:rds:us-east-1:123456789012:db:pilot-light-prod"',
        });
        assert.throws(() => secretReplicaArn("", "us-west-2"), /primaryArn must be a Secrets Manager secret ARN .*got ""$/);
    });

    it("rejects a region that is not a region name", () => {
        assert.throws(() => secretReplicaArn("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC123", "west"), {
            message: 'secretReplicaArn: region must be an AWS region such as "us-west-2", got "west"',
        });
    });
});
