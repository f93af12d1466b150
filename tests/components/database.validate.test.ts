// The database layer's pure helpers: argument validation and the secret replica ARN.
import { strict as assert } from "assert";
import { validateDatabaseArgs } from "../../components/database/validate";
import { secretReplicaArn } from "../../components/database/credentials";
import type { DatabaseArgs } from "../../components/database/database";

type ArgsOf<K extends DatabaseArgs["kind"]> = Extract<DatabaseArgs, { kind: K }>;

const primary = (): ArgsOf<"primary"> => ({
    kind: "primary",
    identifier: "pilot-light-prod",
    instanceClass: "db.t4g.medium",
    allocatedStorageGb: 20,
    backupRetentionDays: 7,
    multiAz: true,
    subnetGroupName: "prod-db-subnets",
    securityGroupIds: ["sg-1"],
    credentialsReplicaRegion: "us-west-2",
});

const replica = (): ArgsOf<"replica-standby"> => ({
    kind: "replica-standby",
    identifier: "pilot-light-dr",
    instanceClass: "db.t4g.medium",
    allocatedStorageGb: 20,
    backupRetentionDays: 35,
    multiAz: false,
    subnetGroupName: "dr-db-subnets",
    securityGroupIds: ["sg-2"],
    sourceDbArn: "arn:aws:rds:us-east-1:123456789012:db:pilot-light-prod",
    credentialsSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:x-AbCdEf",
    appCredentialsSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:y-AbCdEf",
});

describe("validateDatabaseArgs", () => {
    it("accepts valid primary, standby and promoted replica arguments", () => {
        assert.deepEqual(validateDatabaseArgs(primary()), []);
        assert.deepEqual(validateDatabaseArgs({ ...primary(), maxAllocatedStorageGb: 20 }), []);
        assert.deepEqual(validateDatabaseArgs(replica()), []);
        const { sourceDbArn, replicaLagThresholdSeconds, ...promoted } = { ...replica(), replicaLagThresholdSeconds: 60 };
        assert.deepEqual(validateDatabaseArgs({ ...promoted, kind: "replica-promoted" }), []);
        assert.deepEqual(validateDatabaseArgs({ ...primary(), kind: "rebuilt-standby", generation: 2, sourceDbArn, replicaLagThresholdSeconds }), []);
        assert.deepEqual(validateDatabaseArgs({ ...primary(), kind: "rebuilt-promoted", generation: 2 }), []);
    });

    it("does not compile a combination that cannot exist (each line is a type error, checked by the typecheck)", () => {
        const invalid: unknown[] = [
            // @ts-expect-error a primary has no source: only a replica or a rebuilt database replicates
            { ...primary(), sourceDbArn: "arn:x" } satisfies DatabaseArgs,
            // @ts-expect-error a promoted replica no longer names its source
            { ...replica(), kind: "replica-promoted", sourceDbArn: "arn:x" } satisfies DatabaseArgs,
            // @ts-expect-error dr's replica reads prod's secret; it cannot replicate its own to another region
            { ...replica(), credentialsReplicaRegion: "us-east-1" } satisfies DatabaseArgs,
            // @ts-expect-error a standby replica needs its source
            { ...primary(), kind: "replica-standby", credentialsSecretArn: "arn:x", appCredentialsSecretArn: "arn:y" } satisfies DatabaseArgs,
            // @ts-expect-error the old flags are gone: promotion is a kind
            { ...replica(), promote: true } satisfies DatabaseArgs,
        ];
        assert.equal(invalid.length, 5);
    });

    const cases: [string, Partial<DatabaseArgs> | Record<string, unknown>, string][] = [
        ["bad kind", { kind: "standby" }, 'kind must be one of "primary", "replica-standby", "replica-promoted", "rebuilt-standby", '
            + '"rebuilt-promoted", got "standby"'],
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
        ["bad replica region", { credentialsReplicaRegion: "oregon" }, 'credentialsReplicaRegion must be an AWS region such as "us-west-2", got "oregon"'],
    ];
    for (const [title, change, message] of cases) {
        it(`rejects a primary with ${title}`, () => {
            assert.deepEqual(validateDatabaseArgs({ ...primary(), ...change } as DatabaseArgs), [message]);
        });
    }

    const replicaCases: [string, Partial<ArgsOf<"replica-standby">>, string][] = [
        ["an empty source", { sourceDbArn: "" }, 'sourceDbArn is required when kind is "replica-standby"'],
        ["an empty secret ARN", { credentialsSecretArn: "" }, 'credentialsSecretArn is required when kind is "replica-standby"'],
        ["an empty app secret ARN", { appCredentialsSecretArn: "" }, 'appCredentialsSecretArn is required when kind is "replica-standby"'],
        ["a zero lag threshold", { replicaLagThresholdSeconds: 0 }, "replicaLagThresholdSeconds must be a positive number of seconds, got 0"],
        ["too few backups (used once promoted)", { backupRetentionDays: 1 }, "backupRetentionDays must be an integer from 7 to 35, got 1"],
    ];
    for (const [title, change, message] of replicaCases) {
        it(`rejects a replica with ${title}`, () => {
            assert.deepEqual(validateDatabaseArgs({ ...replica(), ...change }), [message]);
        });
    }

    it("rejects a rebuilt database on generation 1: it is built beside the original", () => {
        assert.deepEqual(validateDatabaseArgs({ ...primary(), kind: "rebuilt-promoted" }),
            ['generation must be 2 or more when kind is "rebuilt-promoted" (it is built beside generation 1), got 1']);
        assert.deepEqual(validateDatabaseArgs({ ...primary(), kind: "rebuilt-standby", generation: 2, sourceDbArn: "" }),
            ['sourceDbArn is required when kind is "rebuilt-standby"']);
    });

    it("reports every problem at once", () => {
        assert.deepEqual(validateDatabaseArgs({ ...replica(), sourceDbArn: "", credentialsSecretArn: "", backupRetentionDays: 3 }), [
            "backupRetentionDays must be an integer from 7 to 35, got 3",
            'sourceDbArn is required when kind is "replica-standby"',
            'credentialsSecretArn is required when kind is "replica-standby"',
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
