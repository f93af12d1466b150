// The master password's rotation function (components/database/masterRotation/handler.ts)
// against a mocked Secrets Manager and a fake MySQL that knows one password: each of the four
// steps, their retries (a step run twice does its work once), the fallback to AWSPREVIOUS, and
// that no password reaches an error message.
import { strict as assert } from "assert";
import { mockClient } from "aws-sdk-client-mock";
import {
    DescribeSecretCommand, GetRandomPasswordCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, PutSecretValueCommand,
    SecretsManagerClient, UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import type { ConnectionOptions } from "mysql2/promise";
import { NEW_PASSWORD, rotate, RotationEvent } from "../../components/database/masterRotation/handler";
import type { Connection } from "../../components/database/lambda/mysql";

const ID = "arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-credentials-AbCdEf";
const TOKEN = "7d3a0c4e-0000-4000-8000-000000000001";
const OLD = "old-Pass#1";
const NEW = "new-Pass#2";
const value = (password: string) => JSON.stringify({ username: "admin", password, engine: "mysql", port: 3306 });

/** A database whose master password is `password`; records the statements it runs. */
class FakeDb {
    statements: { sql: string; values?: unknown[] }[] = [];
    connects = 0;
    constructor(public password: string, private failAlter?: object) {}
    connect = async (o: ConnectionOptions): Promise<Connection> => {
        this.connects++;
        assert.equal(o.host, "db.example");
        assert.equal(o.user, "admin");
        if (o.password !== this.password) throw Object.assign(new Error(`Access denied (using password ${o.password})`), { code: "ER_ACCESS_DENIED_ERROR" });
        return {
            query: async (sql, values) => {
                this.statements.push({ sql, values });
                if (sql.startsWith("ALTER USER")) {
                    if (this.failAlter) throw this.failAlter;
                    this.password = String(values![0]);
                }
                return [[], []];
            },
            end: async () => undefined,
        };
    };
}

const sm = mockClient(SecretsManagerClient);
/**
 * Secrets Manager with AWSCURRENT = `current` (version "v1"), the token AWSPENDING (with a value
 * if `pending`), and older versions `older` (newest first: AWSPREVIOUS, then deprecated ones).
 */
function secrets(opts: { pending?: string; older?: string[]; current?: string; stages?: Record<string, string[]> } = {}) {
    sm.reset();
    sm.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: opts.stages ?? { v1: ["AWSCURRENT"], [TOKEN]: ["AWSPENDING"] } });
    const notFound = Object.assign(new Error("not found"), { name: "ResourceNotFoundException" });
    sm.on(GetSecretValueCommand).rejects(notFound);
    sm.on(GetSecretValueCommand, { SecretId: ID, VersionStage: "AWSCURRENT" }).resolves({ VersionId: "v1", SecretString: value(opts.current ?? OLD) });
    const versions = [{ VersionId: "v1", VersionStages: ["AWSCURRENT"], CreatedDate: new Date("2026-11-01T00:00:00Z") }];
    (opts.older ?? []).forEach((password, i) => {
        const id = `v0-${i}`;
        versions.push({ VersionId: id, VersionStages: i === 0 ? ["AWSPREVIOUS"] : [], CreatedDate: new Date(Date.UTC(2026, 9 - i, 1)) });
        sm.on(GetSecretValueCommand, { SecretId: ID, VersionId: id }).resolves({ VersionId: id, SecretString: value(password) });
    });
    if (opts.pending) {
        versions.push({ VersionId: TOKEN, VersionStages: ["AWSPENDING"], CreatedDate: new Date("2026-12-01T00:00:00Z") });
        sm.on(GetSecretValueCommand, { SecretId: ID, VersionStage: "AWSPENDING", VersionId: TOKEN }).resolves({ SecretString: value(opts.pending) });
        sm.on(GetSecretValueCommand, { SecretId: ID, VersionId: TOKEN }).resolves({ VersionId: TOKEN, SecretString: value(opts.pending) });
    }
    // Listed in no particular order, as the API does: the code sorts by CreatedDate.
    sm.on(ListSecretVersionIdsCommand, { SecretId: ID, IncludeDeprecated: true }).resolves({ Versions: [...versions].reverse() });
    sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: NEW });
    sm.on(PutSecretValueCommand).resolves({});
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    return new SecretsManagerClient({ region: "us-east-1" });
}
const event = (Step: RotationEvent["Step"]): RotationEvent => ({ SecretId: ID, ClientRequestToken: TOKEN, Step });
const deps = (client: SecretsManagerClient, db: FakeDb) => ({ secrets: client, connect: db.connect, host: "db.example", port: 3306 });

describe("master password rotation handler", () => {
    after(() => sm.restore());

    it("createSecret: stores a new password as AWSPENDING under the token, keeping the rest of the value", async () => {
        const db = new FakeDb(OLD);
        assert.equal(await rotate(event("createSecret"), deps(secrets(), db)), `stored a new password as version ${TOKEN} (AWSPENDING)`);
        assert.deepEqual(sm.commandCalls(GetRandomPasswordCommand)[0].args[0].input, { PasswordLength: 32, ExcludeCharacters: "/@\"'\\` ", RequireEachIncludedType: true });
        assert.deepEqual(NEW_PASSWORD.ExcludeCharacters.split("").sort(), [" ", "\"", "'", "/", "@", "\\", "`"].sort());
        const put = sm.commandCalls(PutSecretValueCommand)[0].args[0].input;
        assert.deepEqual(put, { SecretId: ID, ClientRequestToken: TOKEN, VersionStages: ["AWSPENDING"], SecretString: value(NEW) });
        assert.equal(db.connects, 0, "createSecret does not touch the database");
    });

    it("createSecret run again finds the pending value and stores nothing", async () => {
        assert.equal(await rotate(event("createSecret"), deps(secrets({ pending: NEW }), new FakeDb(OLD))), `version ${TOKEN} already holds the new password`);
        assert.equal(sm.commandCalls(PutSecretValueCommand).length, 0);
        assert.equal(sm.commandCalls(GetRandomPasswordCommand).length, 0);
    });

    it("setSecret: connects with AWSCURRENT and changes its own password to the pending one, bound as a value", async () => {
        const db = new FakeDb(OLD);
        assert.equal(await rotate(event("setSecret"), deps(secrets({ pending: NEW }), db)), "set the new password on the database (connected with AWSCURRENT)");
        assert.deepEqual(db.statements, [{ sql: "ALTER USER CURRENT_USER() IDENTIFIED BY ?", values: [NEW] }]);
        assert.equal(db.password, NEW);
        assert.equal(sm.commandCalls(ListSecretVersionIdsCommand).length, 0, "older versions are listed only when AWSCURRENT is refused");
    });

    it("setSecret run again (the database already has it) changes nothing", async () => {
        const db = new FakeDb(NEW);
        assert.equal(await rotate(event("setSecret"), deps(secrets({ pending: NEW }), db)), "the database already has the new password");
        assert.deepEqual(db.statements, []);
    });

    it("setSecret falls back to AWSPREVIOUS when AWSCURRENT is not the database's password", async () => {
        const db = new FakeDb("older-Pass#0");
        assert.equal(await rotate(event("setSecret"), deps(secrets({ pending: NEW, older: ["older-Pass#0"] }), db)),
            "set the new password on the database (connected with AWSPREVIOUS)");
        assert.equal(db.password, NEW);
    });

    it("setSecret finds a deprecated version's password (prod's stale database rotated twice while dr served: README)", async () => {
        const db = new FakeDb("oldest-Pass#9");
        assert.equal(await rotate(event("setSecret"), deps(secrets({ pending: NEW, older: ["older-Pass#0", "oldest-Pass#9"] }), db)),
            "set the new password on the database (connected with version v0-1)");
        assert.equal(db.password, NEW);
        // AWSPENDING, AWSCURRENT, then newest first: the pending version (already tried, refused), AWSPREVIOUS, the deprecated one.
        assert.equal(db.connects, 5);
    });

    it("setSecret fails naming host, user and code when no stored password works, and reports a failed ALTER by its code only", async () => {
        await assert.rejects(rotate(event("setSecret"), deps(secrets({ pending: NEW, older: ["older-Pass#0"] }), new FakeDb("unknown"))), (e: Error) => {
            assert.equal(e.message, "cannot connect to db.example:3306 as admin: the database refused all 4 stored password(s) (ER_ACCESS_DENIED_ERROR)");
            assert.ok(![NEW, OLD, "older-Pass#0", "unknown"].some((p) => e.message.includes(p)));
            return true;
        });
        const err = Object.assign(new Error(`near '${NEW}'`), { code: "ER_OPTION_PREVENTS_STATEMENT", errno: 1290, sqlMessage: `--read-only near '${NEW}'` });
        await assert.rejects(rotate(event("setSecret"), deps(secrets({ pending: NEW }), new FakeDb(OLD, err))), (e: Error) => {
            assert.equal(e.message, "set the new password failed: ER_OPTION_PREVENTS_STATEMENT (1290)");
            return true;
        });
    });

    it("setSecret stops at the first error that is not a wrong password (another password would not help)", async () => {
        const db = new FakeDb(OLD);
        const connect = async (o: ConnectionOptions) => {
            db.connects++;
            throw Object.assign(new Error(`connect ETIMEDOUT (password ${o.password})`), { code: "ETIMEDOUT" });
        };
        await assert.rejects(rotate(event("setSecret"), { ...deps(secrets({ pending: NEW, older: ["older-Pass#0"] }), db), connect }),
            { message: "cannot connect to db.example:3306 as admin: ETIMEDOUT" });
        assert.equal(db.connects, 1);
    });

    it("testSecret: connects with the pending password; fails without printing it", async () => {
        const db = new FakeDb(NEW);
        assert.equal(await rotate(event("testSecret"), deps(secrets({ pending: NEW }), db)), "connected with the new password");
        assert.deepEqual(db.statements, [{ sql: "SELECT 1", values: undefined }]);
        await assert.rejects(rotate(event("testSecret"), deps(secrets({ pending: NEW }), new FakeDb(OLD))), (e: Error) => {
            assert.equal(e.message, `the new password (version ${TOKEN}) does not work: cannot connect to db.example:3306 as admin: `
                + "the database refused all 1 stored password(s) (ER_ACCESS_DENIED_ERROR)");
            assert.ok(!e.message.includes(NEW) && !e.message.includes(OLD));
            return true;
        });
    });

    it("finishSecret: moves AWSCURRENT from the old version to the token", async () => {
        assert.equal(await rotate(event("finishSecret"), deps(secrets({ pending: NEW }), new FakeDb(NEW))), `moved AWSCURRENT to version ${TOKEN}`);
        assert.deepEqual(sm.commandCalls(UpdateSecretVersionStageCommand)[0].args[0].input,
            { SecretId: ID, VersionStage: "AWSCURRENT", MoveToVersionId: TOKEN, RemoveFromVersionId: "v1" });
    });

    it("a full rotation: the four steps in order leave the database and AWSCURRENT on the new password", async () => {
        const db = new FakeDb(OLD);
        const client = secrets();
        await rotate(event("createSecret"), deps(client, db));
        const stored = JSON.parse(sm.commandCalls(PutSecretValueCommand)[0].args[0].input.SecretString!).password;
        const next = secrets({ pending: stored });
        for (const step of ["setSecret", "testSecret", "finishSecret"] as const) await rotate(event(step), deps(next, db));
        assert.equal(db.password, NEW);
        assert.equal(sm.commandCalls(UpdateSecretVersionStageCommand).length, 1);
    });

    it("does nothing for a version already AWSCURRENT, and refuses one that is not AWSPENDING, a missing one, or rotation off", async () => {
        assert.equal(await rotate(event("setSecret"), deps(secrets({ stages: { [TOKEN]: ["AWSCURRENT"] } }), new FakeDb(OLD))),
            `version ${TOKEN} is already AWSCURRENT: nothing to do`);
        await assert.rejects(rotate(event("setSecret"), deps(secrets({ stages: { v1: ["AWSCURRENT"], [TOKEN]: [] } }), new FakeDb(OLD))),
            { message: `version ${TOKEN} of secret ${ID} is not AWSPENDING` });
        await assert.rejects(rotate(event("setSecret"), deps(secrets({ stages: { v1: ["AWSCURRENT"] } }), new FakeDb(OLD))),
            { message: `secret ${ID} has no version ${TOKEN} to rotate to` });
        const off = secrets();
        sm.on(DescribeSecretCommand).resolves({ RotationEnabled: false, VersionIdsToStages: {} });
        await assert.rejects(rotate(event("createSecret"), deps(off, new FakeDb(OLD))), { message: `secret ${ID} does not have rotation enabled` });
    });
});
