// The Database component under the offline engine: the children each mode registers, the
// inputs that matter for safety and DR, and the promotion diff.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { recordResources, Recording } from "../support/offline";
import type { Database as DatabaseClass, DatabaseArgs } from "../../components/database";

type ArgsOf<K extends DatabaseArgs["kind"]> = Extract<DatabaseArgs, { kind: K }>;

const T = {
    instance: "aws:rds/instance:Instance",
    pg: "aws:rds/parameterGroup:ParameterGroup",
    key: "aws:kms/key:Key",
    alias: "aws:kms/alias:Alias",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    password: "random:index/randomPassword:RandomPassword",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    component: "pilot-light:database:Database",
    role: "aws:iam/role:Role",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
};

const SOURCE_ARN = "arn:aws:rds:us-east-1:123456789012:db:pilot-light-prod";
const SECRET_REPLICA_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:pilot-light-prod/db-credentials-AbCdEf";
const APP_SECRET_REPLICA_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:pilot-light-prod/db-app-credentials-GhIjKl";

const primaryArgs = (): ArgsOf<"primary"> => ({
    kind: "primary",
    identifier: "pilot-light-prod",
    instanceClass: "db.t4g.medium",
    allocatedStorageGb: 50,
    backupRetentionDays: 14,
    multiAz: true,
    subnetGroupName: "prod-db-subnets",
    securityGroupIds: ["sg-0123456789abcdef0"],
    credentialsReplicaRegion: "us-west-2",
    tags: { Project: "pilot-light" },
});

const replicaCommon = {
    identifier: "pilot-light-dr",
    instanceClass: "db.t4g.medium",
    allocatedStorageGb: 50,
    backupRetentionDays: 7,
    multiAz: false,
    subnetGroupName: "dr-db-subnets",
    securityGroupIds: ["sg-0fedcba9876543210"],
    credentialsSecretArn: SECRET_REPLICA_ARN,
    appCredentialsSecretArn: APP_SECRET_REPLICA_ARN,
    alarmActions: ["arn:aws:sns:us-west-2:123456789012:pilot-light-alerts"],
    tags: { Project: "pilot-light" },
};
const standbyArgs = (): ArgsOf<"replica-standby"> => ({ kind: "replica-standby", ...replicaCommon, sourceDbArn: SOURCE_ARN });
const promotedArgs = (): ArgsOf<"replica-promoted"> => ({ kind: "replica-promoted", ...replicaCommon });

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

async function build(region: string, name: string, args: DatabaseArgs): Promise<{ rec: Recording; db: DatabaseClass }> {
    const rec = await recordResources(region);
    const { Database } = await import("../../components/database");
    const db = new Database(name, args);
    await rec.settle();
    return { rec, db };
}

describe("Database (primary)", () => {
    let rec: Recording;
    let db: DatabaseClass;
    before(async () => ({ rec, db } = await build("us-east-1", "prod-db", primaryArgs())));

    it("registers exactly the primary's children, named from the component name", () => {
        const component = rec.one(T.component, "prod-db");
        assert.deepEqual(rec.childTypes(component.urn),
            [T.instance, T.pg, T.key, T.alias, T.secret, T.secretVersion, T.password, T.secret, T.secretVersion, T.password, T.role, T.attachment].sort());
        for (const [type, child] of [[T.instance, "prod-db-mysql"], [T.pg, "prod-db-mysql-params"], [T.key, "prod-db-kms-key"],
            [T.alias, "prod-db-kms-alias"], [T.secret, "prod-db-credentials"], [T.secretVersion, "prod-db-credentials-version"],
            [T.password, "prod-db-password"], [T.secret, "prod-db-app-credentials"], [T.secretVersion, "prod-db-app-credentials-version"],
            [T.password, "prod-db-app-password"], [T.role, "prod-db-monitoring-role"], [T.attachment, "prod-db-monitoring"]]) {
            assert.equal(rec.one(type, child).parent, component.urn, `${child} is parented to the component`);
        }
    });

    it("creates a rotating CMK with a 30-day deletion window and an alias", () => {
        const key = rec.one(T.key, "prod-db-kms-key");
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.equal(key.inputs.deletionWindowInDays, 30);
        const alias = rec.one(T.alias, "prod-db-kms-alias");
        assert.equal(alias.inputs.name, "alias/pilot-light-prod-db");
        assert.equal(alias.inputs.targetKeyId, key.outputs.arn);
    });

    it("creates a mysql8.4 parameter group requiring TLS and logging slow queries to a file", () => {
        const pg = rec.one(T.pg, "prod-db-mysql-params");
        assert.equal(pg.inputs.family, "mysql8.4");
        const params = Object.fromEntries(pg.inputs.parameters.map((p: any) => [p.name, p.value]));
        assert.deepEqual(params, { require_secure_transport: "1", slow_query_log: "1", long_query_time: "2", log_output: "FILE" });
    });

    it("configures the instance safely: encrypted gp3 with the CMK, Multi-AZ, backups, no public access, final snapshot", () => {
        const db = rec.one(T.instance, "prod-db-mysql");
        const key = rec.one(T.key, "prod-db-kms-key");
        const pg = rec.one(T.pg, "prod-db-mysql-params");
        const i = db.inputs;
        assert.equal(i.identifier, "pilot-light-prod");
        assert.equal(i.engine, "mysql");
        assert.equal(i.engineVersion, "8.4");
        // Explicit, and the value a replica of it inherits (CreateDBInstanceReadReplica has no such parameter).
        assert.equal(i.engineLifecycleSupport, "open-source-rds-extended-support");
        assert.equal(i.instanceClass, "db.t4g.medium");
        assert.equal(i.storageType, "gp3");
        assert.equal(i.allocatedStorage, 50);
        assert.equal(i.maxAllocatedStorage, 100, "defaults to twice the allocated storage");
        assert.equal(i.storageEncrypted, true);
        assert.equal(i.kmsKeyId, key.outputs.arn);
        assert.equal(i.multiAz, true);
        assert.equal(i.backupRetentionPeriod, 14);
        assert.equal(i.deletionProtection, true);
        assert.equal(i.skipFinalSnapshot, false);
        assert.equal(i.finalSnapshotIdentifier, "pilot-light-prod-final");
        assert.equal(i.publiclyAccessible, false);
        assert.deepEqual(i.enabledCloudwatchLogsExports, ["error", "general", "slowquery"]);
        assert.equal(i.copyTagsToSnapshot, true);
        assert.equal(i.applyImmediately, true);
        assert.equal(i.dbSubnetGroupName, "prod-db-subnets");
        assert.deepEqual(i.vpcSecurityGroupIds, ["sg-0123456789abcdef0"]);
        assert.equal(i.parameterGroupName, pg.outputs.name);
        assert.equal(i.username, "admin");
        assert.equal(i.replicateSourceDb, undefined);
        assert.deepEqual(i.tags, { Project: "pilot-light", Name: "pilot-light-prod" });
    });

    it("uses the generated password as a secret, drawn from characters RDS allows", () => {
        const pw = rec.one(T.password, "prod-db-password");
        assert.equal(pw.inputs.length, 32);
        assert.equal(pw.inputs.special, true);
        for (const forbidden of ["/", "@", "\"", " "]) {
            assert.ok(!pw.inputs.overrideSpecial.includes(forbidden), `overrideSpecial excludes ${JSON.stringify(forbidden)}`);
        }
        const db = rec.one(T.instance, "prod-db-mysql");
        assert.equal(db.inputs.password, pw.outputs.result);
        assert.ok(db.secretInputs.includes("password"), "password is a secret input");
    });

    it("stores the credentials in a CMK-encrypted secret replicated to the dr region with its AWS-managed key when no dr key is given", () => {
        const secret = rec.one(T.secret, "prod-db-credentials");
        assert.equal(secret.inputs.name, "pilot-light-prod/db-credentials");
        assert.equal(secret.inputs.kmsKeyId, rec.one(T.key, "prod-db-kms-key").outputs.arn);
        assert.deepEqual(secret.inputs.replicas, [{ region: "us-west-2" }]);
        const version = rec.one(T.secretVersion, "prod-db-credentials-version");
        assert.equal(version.inputs.secretId, secret.id);
        assert.ok(version.secretInputs.includes("secretString"), "secretString is a secret input");
        assert.deepEqual(JSON.parse(version.inputs.secretString), {
            username: "admin",
            password: rec.one(T.password, "prod-db-password").outputs.result,
            engine: "mysql",
            port: 3306,
        });
        assert.equal(secret.inputs.tags["pilot-light:credential"], "database-master");
        assert.equal(secret.inputs.description, "Master credentials of the pilot-light-prod RDS for MySQL database");
    });

    it("keeps the app's own user (wordpress) in a second secret, encrypted and replicated like the master's, with its own password", () => {
        const secret = rec.one(T.secret, "prod-db-app-credentials");
        assert.equal(secret.inputs.name, "pilot-light-prod/db-app-credentials");
        assert.equal(secret.inputs.kmsKeyId, rec.one(T.key, "prod-db-kms-key").outputs.arn);
        assert.deepEqual(secret.inputs.replicas, [{ region: "us-west-2" }]);
        assert.equal(secret.inputs.recoveryWindowInDays, 30);
        assert.deepEqual(secret.inputs.tags, { Project: "pilot-light", Name: "pilot-light-prod/db-app-credentials", "pilot-light:credential": "database-app" });
        const version = rec.one(T.secretVersion, "prod-db-app-credentials-version");
        assert.equal(version.inputs.secretId, secret.id);
        assert.ok(version.secretInputs.includes("secretString"), "secretString is a secret input");
        const password = rec.one(T.password, "prod-db-app-password");
        assert.notEqual(password.outputs.result, rec.one(T.password, "prod-db-password").outputs.result);
        assert.deepEqual(JSON.parse(version.inputs.secretString), { username: "wordpress", password: password.outputs.result, engine: "mysql", port: 3306 });
    });

    it("protects the data resources (instance, key, secrets) and nothing else", () => {
        const protectedNames = rec.records.filter((r) => r.protect).map((r) => r.name).sort();
        assert.deepEqual(protectedNames, ["prod-db-app-credentials", "prod-db-credentials", "prod-db-kms-key", "prod-db-mysql"]);
    });

    it("exposes the instance's attributes and the secret ARN, never the password", async () => {
        const instance = rec.one(T.instance, "prod-db-mysql");
        const secret = rec.one(T.secret, "prod-db-credentials");
        const outputs = {
            dbInstanceArn: await value(db.dbInstanceArn),
            dbInstanceIdentifier: await value(db.dbInstanceIdentifier),
            dbInstanceAddress: await value(db.dbInstanceAddress),
            dbInstancePort: await value(db.dbInstancePort),
            kmsKeyArn: await value(db.kmsKeyArn),
            credentialsSecretArn: await value(db.credentialsSecretArn),
            appCredentialsSecretArn: await value(db.appCredentialsSecretArn),
            credentialsKeyArn: await value(db.credentialsKeyArn),
        };
        assert.deepEqual(outputs, {
            dbInstanceArn: "arn:aws:rds:us-east-1:123456789012:db:pilot-light-prod",
            dbInstanceIdentifier: "pilot-light-prod",
            dbInstanceAddress: instance.outputs.address,
            dbInstancePort: 3306,
            kmsKeyArn: rec.one(T.key, "prod-db-kms-key").outputs.arn,
            credentialsSecretArn: secret.outputs.arn,
            appCredentialsSecretArn: rec.one(T.secret, "prod-db-app-credentials").outputs.arn,
            // The secret is encrypted with the component's own key: readers need kms:Decrypt on it.
            credentialsKeyArn: rec.one(T.key, "prod-db-kms-key").outputs.arn,
        });
        assert.equal(secret.inputs.kmsKeyId, outputs.credentialsKeyArn);
        for (const pw of ["prod-db-password", "prod-db-app-password"]) {
            assert.ok(!JSON.stringify(outputs).includes(rec.one(T.password, pw).outputs.result));
        }
        assert.equal(db.writable, true);
    });

    it("omits the secret replica when no credentialsReplicaRegion is given, and honours maxAllocatedStorageGb", async () => {
        const { rec: other } = await build("us-east-1", "solo-db",
            { ...primaryArgs(), credentialsReplicaRegion: undefined, maxAllocatedStorageGb: 50 });
        assert.equal(other.one(T.secret, "solo-db-credentials").inputs.replicas, undefined);
        assert.equal(other.one(T.instance, "solo-db-mysql").inputs.maxAllocatedStorage, 50);
    });

    it("encrypts the secret's replica with the dr key it is given (credentialsReplicaKmsKeyArn)", async () => {
        const drKey = "arn:aws:kms:us-west-2:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        const { rec: other } = await build("us-east-1", "keyed-db", { ...primaryArgs(), credentialsReplicaKmsKeyArn: drKey });
        assert.deepEqual(other.one(T.secret, "keyed-db-credentials").inputs.replicas, [{ region: "us-west-2", kmsKeyId: drKey }]);
        assert.deepEqual(other.one(T.secret, "keyed-db-app-credentials").inputs.replicas, [{ region: "us-west-2", kmsKeyId: drKey }]);
    });
});

describe("Database (replica)", () => {
    let standby: { rec: Recording; db: DatabaseClass };
    let promoted: { rec: Recording; db: DatabaseClass };
    before(async () => {
        standby = await build("us-west-2", "dr-db", standbyArgs());
        promoted = await build("us-west-2", "dr-db", promotedArgs());
    });

    it("registers a key, parameter group, replica, lag alarm and monitoring role while standby, and no credentials", () => {
        const component = standby.rec.one(T.component, "dr-db");
        assert.deepEqual(standby.rec.childTypes(component.urn), [T.instance, T.pg, T.key, T.alias, T.alarm, T.role, T.attachment].sort());
        assert.equal(standby.rec.ofType(T.secret).length, 0);
        assert.equal(standby.rec.ofType(T.password).length, 0);
    });

    it("replicates the source by ARN into an encrypted instance keyed in its own region, inheriting engine and credentials", () => {
        const { rec } = standby;
        const i = rec.one(T.instance, "dr-db-mysql").inputs;
        const keyArn: string = rec.one(T.key, "dr-db-kms-key").outputs.arn;
        assert.match(keyArn, /^arn:aws:kms:us-west-2:123456789012:key\//);
        assert.equal(i.replicateSourceDb, SOURCE_ARN);
        assert.equal(i.storageEncrypted, true);
        assert.equal(i.kmsKeyId, keyArn);
        assert.equal(i.backupRetentionPeriod, 0);
        assert.equal(i.dbSubnetGroupName, "dr-db-subnets");
        assert.deepEqual(i.vpcSecurityGroupIds, ["sg-0fedcba9876543210"]);
        assert.equal(i.parameterGroupName, rec.one(T.pg, "dr-db-mysql-params").outputs.name);
        assert.equal(rec.one(T.pg, "dr-db-mysql-params").inputs.family, "mysql8.4");
        assert.equal(i.engineLifecycleSupport, "open-source-rds-extended-support");
        assert.equal(i.publiclyAccessible, false);
        assert.equal(i.deletionProtection, true);
        // AWS refuses a final snapshot of a replica (DeleteDBInstance: SkipFinalSnapshot required, no identifier).
        assert.equal(i.skipFinalSnapshot, true);
        assert.ok(!("finalSnapshotIdentifier" in i), "a replica must not name a final snapshot");
        assert.deepEqual(i.enabledCloudwatchLogsExports, ["error", "general", "slowquery"]);
        for (const inherited of ["engine", "engineVersion", "username", "password", "dbName", "allocatedStorage"]) {
            assert.ok(!(inherited in i), `${inherited} is inherited from the source, not set`);
        }
    });

    it("alarms on ReplicaLag per minute, treating missing data as breaching", () => {
        const alarm = standby.rec.one(T.alarm, "dr-db-replica-lag").inputs;
        assert.equal(alarm.namespace, "AWS/RDS");
        assert.equal(alarm.metricName, "ReplicaLag");
        assert.deepEqual(alarm.dimensions, { DBInstanceIdentifier: "pilot-light-dr" });
        assert.equal(alarm.period, 60);
        assert.equal(alarm.threshold, 300);
        assert.equal(alarm.comparisonOperator, "GreaterThanThreshold");
        assert.equal(alarm.treatMissingData, "breaching");
        assert.deepEqual(alarm.alarmActions, ["arn:aws:sns:us-west-2:123456789012:pilot-light-alerts"]);
    });

    it("takes the alarm threshold from replicaLagThresholdSeconds", async () => {
        const { rec } = await build("us-west-2", "lag-db", { ...standbyArgs(), replicaLagThresholdSeconds: 45 });
        assert.equal(rec.one(T.alarm, "lag-db-replica-lag").inputs.threshold, 45);
    });

    it("protects the instance and key", () => {
        assert.deepEqual(standby.rec.records.filter((r) => r.protect).map((r) => r.name).sort(), ["dr-db-kms-key", "dr-db-mysql"]);
        assert.deepEqual(promoted.rec.records.filter((r) => r.protect).map((r) => r.name).sort(), ["dr-db-kms-key", "dr-db-mysql"]);
    });

    it("passes the credentials secrets' replica ARNs through and uses this region's key", async () => {
        assert.equal(await value(standby.db.credentialsSecretArn), SECRET_REPLICA_ARN);
        assert.equal(await value(promoted.db.credentialsSecretArn), SECRET_REPLICA_ARN);
        assert.equal(await value(standby.db.appCredentialsSecretArn), APP_SECRET_REPLICA_ARN);
        assert.equal(await value(promoted.db.appCredentialsSecretArn), APP_SECRET_REPLICA_ARN);
        // The user arrives by replication: nothing makes it in dr, read-only or promoted.
        assert.equal(standby.db.appCredentialsVersionId, undefined);
        assert.equal(standby.db.writable, false);
        assert.equal(promoted.db.writable, true);
        assert.equal(await value(standby.db.kmsKeyArn), standby.rec.one(T.key, "dr-db-kms-key").outputs.arn);
        // The replica secret is prod's, which prod encrypts with dr's database key (dr's dbKmsKeyArn output).
        assert.equal(await value(standby.db.credentialsKeyArn), standby.rec.one(T.key, "dr-db-kms-key").outputs.arn);
        assert.equal(await value(promoted.db.credentialsKeyArn), promoted.rec.one(T.key, "dr-db-kms-key").outputs.arn);
    });

    it("promotes in place: same URN, replicateSourceDb removed, backupRetentionPeriod and the final snapshot set", () => {
        const before = standby.rec.one(T.instance, "dr-db-mysql");
        const after = promoted.rec.one(T.instance, "dr-db-mysql");
        assert.equal(after.urn, before.urn);
        const keys = [...new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)])];
        const differing = keys.filter((k) => JSON.stringify(before.inputs[k]) !== JSON.stringify(after.inputs[k])).sort();
        assert.deepEqual(differing, ["backupRetentionPeriod", "finalSnapshotIdentifier", "replicateSourceDb", "skipFinalSnapshot"]);
        // Promoted, it may hold the only copy of the data: deleting it must leave a snapshot.
        assert.equal(after.inputs.skipFinalSnapshot, false);
        assert.equal(after.inputs.finalSnapshotIdentifier, "pilot-light-dr-final");
        assert.equal(before.inputs.replicateSourceDb, SOURCE_ARN);
        assert.ok(!("replicateSourceDb" in after.inputs));
        assert.equal(after.inputs.backupRetentionPeriod, 7);
    });

    it("drops only the lag alarm on promotion; every other child is unchanged", () => {
        const describe = (rec: Recording) => rec.records.filter((r) => r.type !== T.instance)
            .map((r) => ({ urn: r.urn, inputs: r.inputs, protect: r.protect }));
        const alarmUrn = standby.rec.one(T.alarm, "dr-db-replica-lag").urn;
        assert.equal(promoted.rec.ofType(T.alarm).length, 0);
        assert.deepEqual(describe(promoted.rec), describe(standby.rec).filter((r) => r.urn !== alarmUrn));
    });
});

describe("Database (rebuilt from the peer: failback)", () => {
    const DR_ARN = "arn:aws:rds:us-west-2:123456789012:db:pilot-light-dr";
    const rebuilt = { ...primaryArgs(), generation: 2 };

    it("replicates the promoted peer into generation 2 and still owns its secret, encrypted with its own key", async () => {
        const { rec, db } = await build("us-east-1", "prod-db", { ...rebuilt, kind: "rebuilt-standby", sourceDbArn: DR_ARN });
        const i = rec.one(T.instance, "prod-db-mysql-g2").inputs;
        assert.equal(i.identifier, "pilot-light-prod-g2");
        assert.equal(i.replicateSourceDb, DR_ARN);
        assert.equal(i.skipFinalSnapshot, true);
        for (const inherited of ["engine", "username", "password", "allocatedStorage"]) {
            assert.ok(!(inherited in i), `${inherited} is inherited from the source, not set`);
        }
        const keyArn = rec.one(T.key, "prod-db-kms-key").outputs.arn;
        assert.equal(rec.one(T.secret, "prod-db-credentials").inputs.kmsKeyId, keyArn);
        assert.equal(await value(db.credentialsKeyArn), keyArn);
        assert.equal(rec.ofType(T.alarm).length, 1);
    });

    it("promotes in place at the switchover: same URN, the source dropped, backups and the final snapshot on", async () => {
        const before = (await build("us-east-1", "prod-db", { ...rebuilt, kind: "rebuilt-standby", sourceDbArn: DR_ARN })).rec.one(T.instance, "prod-db-mysql-g2");
        const after = (await build("us-east-1", "prod-db", { ...rebuilt, kind: "rebuilt-promoted" })).rec.one(T.instance, "prod-db-mysql-g2");
        assert.equal(after.urn, before.urn);
        const keys = [...new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)])];
        assert.deepEqual(keys.filter((k) => JSON.stringify(before.inputs[k]) !== JSON.stringify(after.inputs[k])).sort(),
            ["backupRetentionPeriod", "finalSnapshotIdentifier", "replicateSourceDb", "skipFinalSnapshot"]);
    });
});

describe("Database (invalid arguments)", () => {
    before(async () => { await recordResources("us-east-1"); });

    it("throws before registering anything, naming every bad field", async () => {
        const { Database } = await import("../../components/database");
        assert.throws(() => new Database("bad-db", { ...standbyArgs(), sourceDbArn: "", backupRetentionDays: 3 }), {
            message: 'Database "bad-db": invalid arguments:\n  - backupRetentionDays must be an integer from 7 to 35, got 3'
                + '\n  - sourceDbArn is required when kind is "replica-standby"',
        });
        // From JavaScript, or through a cast: a kind the component does not know.
        assert.throws(() => new Database("bad-db", { ...primaryArgs(), kind: "replica" } as unknown as DatabaseArgs), {
            message: 'Database "bad-db": invalid arguments:\n  - kind must be one of "primary", "replica-standby", "replica-promoted", '
                + '"rebuilt-standby", "rebuilt-promoted", got "replica"',
        });
    });
});
