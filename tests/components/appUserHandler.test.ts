// The app-user function's handler (components/database/appUser/handler.ts) against a mocked
// Secrets Manager and a recording MySQL connection: the exact statements, idempotence (the
// same statements on a second run), the grants check, bounded connection retries with a fake
// sleep, and that no password ever reaches an error message or the result.
import { strict as assert } from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { format } from "mysql2";
import { GetSecretValueCommand, ListSecretVersionIdsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
    AppUserEvent, appUserEventProblems, appUserStatements, Connection, CONNECT_ATTEMPTS, CONNECT_PAUSE_MS, expectedGrants,
    parseCredentials, provisionAppUser, WORDPRESS_PRIVILEGES,
} from "../../components/database/appUser/handler";

const MASTER_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-credentials-AbCdEf";
const APP_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-app-credentials-GhIjKl";
const MASTER_PW = "Master-pw#1";
const APP_PW = "App'pw;DROP-2";
const EVENT: AppUserEvent = { host: "pilot-light-prod.abc.us-east-1.rds.amazonaws.com", port: 3306, database: "wordpress", masterSecretArn: MASTER_ARN, appSecretArn: APP_ARN };
const GRANTS = [
    "GRANT USAGE ON *.* TO `wordpress`@`%`",
    "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES ON `wordpress`.* TO `wordpress`@`%`",
];

/** A connection that records each query and answers SHOW GRANTS with `grants`; `failOn` makes one statement fail. */
function recorder(grants: string[], failOn?: { match: RegExp; err: object }) {
    const queries: { sql: string; values?: unknown[] }[] = [];
    let ended = false;
    const connection: Connection = {
        async query(sql, values) {
            queries.push({ sql, values });
            if (failOn && failOn.match.test(sql)) throw failOn.err;
            if (sql.startsWith("SHOW GRANTS")) return [grants.map((g) => ({ "Grants for wordpress@%": g })), []];
            return [{ affectedRows: 0 }, []];
        },
        async end() { ended = true; },
    };
    return { connection, queries, ended: () => ended };
}

const sm = mockClient(SecretsManagerClient);
function secrets(app: object = { username: "wordpress", password: APP_PW }) {
    sm.reset();
    sm.on(GetSecretValueCommand, { SecretId: MASTER_ARN }).resolves({ SecretString: JSON.stringify({ username: "admin", password: MASTER_PW, engine: "mysql", port: 3306 }) });
    sm.on(GetSecretValueCommand, { SecretId: APP_ARN }).resolves({ SecretString: JSON.stringify({ ...app, engine: "mysql", port: 3306 }) });
    return new SecretsManagerClient({ region: "us-east-1" });
}

describe("app-user handler", () => {
    after(() => sm.restore());

    it("connects as the master over verified TLS and runs exactly these statements, the password only as a bound value", async () => {
        const db = recorder(GRANTS);
        const connects: Record<string, unknown>[] = [];
        const result = await provisionAppUser(EVENT, {
            secrets: secrets(),
            connect: async (options) => { connects.push(options as Record<string, unknown>); return db.connection; },
        });
        assert.equal(connects.length, 1);
        const c = connects[0] as { host: string; port: number; user: string; password: string; ssl: { ca: string[]; rejectUnauthorized: boolean }; connectTimeout: number };
        assert.deepEqual([c.host, c.port, c.user, c.password, c.connectTimeout], [EVENT.host, 3306, "admin", MASTER_PW, 10_000]);
        assert.equal(c.ssl.rejectUnauthorized, true);
        assert.ok(c.ssl.ca.length > 10 && c.ssl.ca.every((pem) => pem.startsWith("-----BEGIN CERTIFICATE-----")), "the RDS CA bundle");
        assert.deepEqual(db.queries, [
            { sql: "CREATE DATABASE IF NOT EXISTS `wordpress` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", values: [] },
            { sql: "CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ? REQUIRE SSL", values: ["wordpress", "%", APP_PW] },
            { sql: "ALTER USER ?@? IDENTIFIED BY ? REQUIRE SSL", values: ["wordpress", "%", APP_PW] },
            { sql: "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES ON `wordpress`.* TO ?@?", values: ["wordpress", "%"] },
            { sql: "SHOW GRANTS FOR ?@?", values: ["wordpress", "%"] },
        ]);
        assert.ok(db.queries.every((q) => !q.sql.includes(APP_PW) && !q.sql.includes(MASTER_PW)), "no password in SQL text");
        assert.deepEqual(result, { user: "wordpress", database: "wordpress", grants: GRANTS });
        assert.ok(!JSON.stringify(result).includes(APP_PW));
        assert.ok(db.ended(), "the connection is closed");
    });

    it("binds the values with the real driver's escaping: a password with quotes and semicolons stays one string literal", () => {
        const [, create] = appUserStatements("wordpress", "wordpress", APP_PW);
        assert.equal(format(create.sql, create.values as string[]), "CREATE USER IF NOT EXISTS 'wordpress'@'%' IDENTIFIED BY 'App\\'pw;DROP-2' REQUIRE SSL");
    });

    it("is idempotent: a second run issues the same statements (IF NOT EXISTS, ALTER to the same password, GRANT again)", async () => {
        const first = recorder(GRANTS);
        const second = recorder(GRANTS);
        await provisionAppUser(EVENT, { secrets: secrets(), connect: async () => first.connection });
        await provisionAppUser(EVENT, { secrets: secrets(), connect: async () => second.connection });
        assert.deepEqual(second.queries, first.queries);
    });

    it("fails when the user holds more than WordPress needs, naming the extra grant, and closes the connection", async () => {
        const extra = "GRANT SELECT ON `mysql`.* TO `wordpress`@`%`";
        const db = recorder([...GRANTS, extra]);
        await assert.rejects(provisionAppUser(EVENT, { secrets: secrets(), connect: async () => db.connection }), {
            message: `user wordpress holds more than WordPress needs: ${extra}; revoke it (the function grants, it never revokes)`,
        });
        assert.ok(db.ended());
    });

    it("reports a failed statement that carried the password by its code only, never MySQL's text (which echoes the SQL)", async () => {
        const err = Object.assign(new Error(`You have an error near '${APP_PW}'`), { code: "ER_PARSE_ERROR", errno: 1064, sqlMessage: `near '${APP_PW}'` });
        const db = recorder(GRANTS, { match: /^CREATE USER/, err });
        await assert.rejects(provisionAppUser(EVENT, { secrets: secrets(), connect: async () => db.connection }), (e: Error) => {
            assert.equal(e.message, "create the user failed: ER_PARSE_ERROR (1064)");
            return true;
        });
        const grantErr = Object.assign(new Error("x"), { code: "ER_DBACCESS_DENIED_ERROR", errno: 1044, sqlMessage: "Access denied for user 'admin'@'%' to database 'wordpress'" });
        const db2 = recorder(GRANTS, { match: /^GRANT/, err: grantErr });
        await assert.rejects(provisionAppUser(EVENT, { secrets: secrets(), connect: async () => db2.connection }), {
            message: "grant the WordPress privileges failed: ER_DBACCESS_DENIED_ERROR (1044): Access denied for user 'admin'@'%' to database 'wordpress'",
        });
    });

    it(`retries the connection ${CONNECT_ATTEMPTS} times with a ${CONNECT_PAUSE_MS} ms pause, then fails naming host and code, without the password`, async () => {
        const pauses: number[] = [];
        let attempts = 0;
        const refused = Object.assign(new Error(`connect ECONNREFUSED (password ${MASTER_PW})`), { code: "ECONNREFUSED" });
        await assert.rejects(provisionAppUser(EVENT, {
            secrets: secrets(), connect: async () => { attempts++; throw refused; },
        }, async (ms) => { pauses.push(ms); }), {
            message: `cannot connect to ${EVENT.host}:3306 as admin after 3 attempts: ECONNREFUSED`,
        });
        assert.equal(attempts, 3);
        assert.deepEqual(pauses, [5_000, 5_000]);
        // A connection that answers on the second attempt goes on.
        const db = recorder(GRANTS);
        let n = 0;
        await provisionAppUser(EVENT, { secrets: secrets(), connect: async () => { if (++n === 1) throw refused; return db.connection; } }, async () => undefined);
        assert.equal(n, 2);
    });

    it("connects with an older stored master password when the database refuses AWSCURRENT (failback after prod's stale database rotated: README)", async () => {
        const client = secrets();
        const ROTATED = "Rotated-pw#2";
        sm.on(GetSecretValueCommand, { SecretId: MASTER_ARN, VersionStage: "AWSCURRENT" }).resolves({ VersionId: "v2", SecretString: JSON.stringify({ username: "admin", password: ROTATED }) });
        sm.on(ListSecretVersionIdsCommand, { SecretId: MASTER_ARN, IncludeDeprecated: true }).resolves({ Versions: [
            { VersionId: "v1", VersionStages: ["AWSPREVIOUS"], CreatedDate: new Date("2026-10-01T00:00:00Z") },
            { VersionId: "v2", VersionStages: ["AWSCURRENT"], CreatedDate: new Date("2026-11-01T00:00:00Z") },
        ] });
        sm.on(GetSecretValueCommand, { SecretId: MASTER_ARN, VersionId: "v1" }).resolves({ VersionId: "v1", SecretString: JSON.stringify({ username: "admin", password: MASTER_PW }) });
        const db = recorder(GRANTS);
        const tried: unknown[] = [];
        const denied = Object.assign(new Error("Access denied for user 'admin'"), { code: "ER_ACCESS_DENIED_ERROR" });
        await provisionAppUser(EVENT, {
            secrets: client, connect: async (o) => { tried.push(o.password); if (o.password !== MASTER_PW) throw denied; return db.connection; },
        }, async () => undefined);
        assert.deepEqual(tried, [ROTATED, MASTER_PW]);
        assert.equal(db.queries.length, 5);
    });

    it("refuses an app secret that names the master user, or a user name that is not a plain identifier, before connecting", async () => {
        const never = async (): Promise<Connection> => { throw new Error("must not connect"); };
        await assert.rejects(provisionAppUser(EVENT, { secrets: secrets({ username: "admin", password: APP_PW }), connect: never }), {
            message: `secret ${APP_ARN} names the master user "admin": the app must have its own user`,
        });
        await assert.rejects(provisionAppUser(EVENT, { secrets: secrets({ username: "wp`x", password: APP_PW }), connect: never }), {
            message: `secret ${APP_ARN}: username must be 1-32 letters, digits or underscores, got "wp\`x"`,
        });
    });

    it("validates the event, naming each field, the value and what is allowed", async () => {
        assert.deepEqual(appUserEventProblems(EVENT), []);
        assert.deepEqual(appUserEventProblems({ ...EVENT, host: "", port: 0, database: "word-press", masterSecretArn: "x", appSecretArn: undefined }), [
            'host must be the database\'s DNS name, got ""',
            "port must be an integer from 1 to 65535, got 0",
            'database must be 1-64 letters, digits or underscores, got "word-press"',
            'masterSecretArn must be a Secrets Manager secret ARN, got "x"',
            "appSecretArn must be a Secrets Manager secret ARN, got undefined",
        ]);
        await assert.rejects(provisionAppUser({ ...EVENT, database: "a`b" }, { secrets: secrets(), connect: async () => { throw new Error("no"); } }), {
            message: 'app user: bad event: database must be 1-64 letters, digits or underscores, got "a`b"',
        });
    });

    it("parses a secret's credentials, naming the secret and never echoing its value", () => {
        assert.deepEqual(parseCredentials(APP_ARN, JSON.stringify({ username: "u", password: "p" })), { username: "u", password: "p" });
        assert.throws(() => parseCredentials(APP_ARN, `not json ${APP_PW}`), { message: `secret ${APP_ARN} is not JSON with username and password` });
        assert.throws(() => parseCredentials(APP_ARN, JSON.stringify({ username: "u" })), { message: `secret ${APP_ARN} has no string username and password` });
        assert.throws(() => parseCredentials(APP_ARN, undefined), { message: `secret ${APP_ARN} is not JSON with username and password` });
    });

    it("grants WordPress's set on its own database only, the same set SHOW GRANTS is expected to print", () => {
        assert.deepEqual([...WORDPRESS_PRIVILEGES], ["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "INDEX", "ALTER", "CREATE TEMPORARY TABLES", "LOCK TABLES"]);
        assert.deepEqual(expectedGrants("wordpress", "wordpress"), GRANTS);
        const statements = appUserStatements("wp", "app", "pw");
        assert.deepEqual(statements.map((s) => [s.step, s.carriesPassword]), [
            ["create the database", false], ["create the user", true], ["set the user's password", true], ["grant the WordPress privileges", false],
        ]);
    });
});
