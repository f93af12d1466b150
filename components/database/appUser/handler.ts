// The app-user function's handler (deployed by components/database/appUser.ts, invoked by
// Pulumi at deploy through aws.lambda.Invocation): reads the master's and the app's credentials
// from Secrets Manager, connects to the database as the master over TLS, and makes the app's own
// MySQL user idempotently: the WordPress database if missing, CREATE USER IF NOT EXISTS, ALTER
// USER to the secret's password, GRANT of WORDPRESS_PRIVILEGES on that database only; then reads
// SHOW GRANTS back and fails if the user holds anything else. The event carries ARNs, never a
// password; nothing here logs or returns one, and a failing statement that carried the password
// is reported by its error code only (MySQL echoes the statement's text in syntax errors).
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as mysql from "mysql2/promise";
import { Connect, connectRetrying, parseCredentials, sleepMs, storedCredentials } from "../lambda/mysql";

export { CONNECT_ATTEMPTS, CONNECT_PAUSE_MS, parseCredentials } from "../lambda/mysql";
export type { Connection } from "../lambda/mysql";

/**
 * What WordPress's user gets on its own database, and nothing on any other: read and write data
 * (SELECT, INSERT, UPDATE, DELETE: WordPress's documented need for normal operation) plus the
 * structural changes its installer, core updates (dbDelta) and plugins make unattended here
 * (CREATE, ALTER, INDEX, DROP), and CREATE TEMPORARY TABLES and LOCK TABLES, which plugins and
 * export tools use. No GRANT OPTION, no global privilege (FILE, PROCESS, SUPER...).
 * https://developer.wordpress.org/advanced-administration/security/hardening/#database-security
 * https://dev.mysql.com/doc/refman/8.4/en/privileges-provided.html
 */
export const WORDPRESS_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "INDEX", "ALTER",
    "CREATE TEMPORARY TABLES", "LOCK TABLES"] as const;

/** The host part of the app user: any, with TLS required; the database's security group admits only the app tier. */
export const APP_USER_HOST = "%";

/** What Pulumi's Invocation passes: where the database is and which secrets to read. No secret values. */
export interface AppUserEvent {
    host: string;
    port: number;
    /** The WordPress database, created when missing (utf8mb4, as components/app/boot/database.php would). */
    database: string;
    masterSecretArn: string;
    appSecretArn: string;
}

/** What the function returns (kept in Pulumi state as the Invocation's result): no secret values. */
export interface AppUserResult {
    user: string;
    database: string;
    /** SHOW GRANTS for the user after the run, as MySQL prints them. */
    grants: string[];
}

/** The statements one run executes, in order, with their values (passwords as `password`). */
export interface Statement {
    /** What the statement does, for error messages. */
    step: string;
    sql: string;
    values: unknown[];
    /** True when `values` hold the password: an error then reports its code only. */
    carriesPassword: boolean;
}

const IDENTIFIER = /^[A-Za-z0-9_]{1,64}$/;

/**
 * Problems with an event, each naming the field, the bad value and what is allowed. The
 * database name becomes an identifier in SQL, so it is held to letters, digits and `_`.
 */
export function appUserEventProblems(event: Partial<AppUserEvent>): string[] {
    const problems: string[] = [];
    const str = (k: keyof AppUserEvent) => typeof event[k] === "string" && (event[k] as string) !== "";
    if (!str("host")) {
        problems.push(`host must be the database's DNS name, got ${JSON.stringify(event.host)}`);
    }
    if (!(Number.isInteger(event.port) && event.port! >= 1 && event.port! <= 65535)) {
        problems.push(`port must be an integer from 1 to 65535, got ${JSON.stringify(event.port)}`);
    }
    if (typeof event.database !== "string" || !IDENTIFIER.test(event.database)) {
        problems.push(`database must be 1-64 letters, digits or underscores, got ${JSON.stringify(event.database)}`);
    }
    for (const k of ["masterSecretArn", "appSecretArn"] as const) {
        if (!str(k) || !/^arn:[a-z-]+:secretsmanager:/.test(event[k] as string)) {
            problems.push(`${k} must be a Secrets Manager secret ARN, got ${JSON.stringify(event[k])}`);
        }
    }
    return problems;
}

/** The statements that make `username` with `password` on `database`; identifiers are checked by the caller. */
export function appUserStatements(database: string, username: string, password: string): Statement[] {
    const db = `\`${database}\``;
    const user = [username, APP_USER_HOST];
    return [
        { step: "create the database", sql: `CREATE DATABASE IF NOT EXISTS ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`, values: [], carriesPassword: false },
        { step: "create the user", sql: "CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ? REQUIRE SSL", values: [...user, password], carriesPassword: true },
        // The secret is the source of truth: a user that exists already gets its password.
        { step: "set the user's password", sql: "ALTER USER ?@? IDENTIFIED BY ? REQUIRE SSL", values: [...user, password], carriesPassword: true },
        { step: "grant the WordPress privileges", sql: `GRANT ${WORDPRESS_PRIVILEGES.join(", ")} ON ${db}.* TO ?@?`, values: user, carriesPassword: false },
    ];
}

/**
 * The grants SHOW GRANTS should print for the user, exactly: USAGE on *.* (no global privilege)
 * and WORDPRESS_PRIVILEGES on the database, in the order MySQL 8.4 lists them.
 */
export function expectedGrants(database: string, username: string): string[] {
    const who = `\`${username}\`@\`${APP_USER_HOST}\``;
    return [`GRANT USAGE ON *.* TO ${who}`,
        `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES ON \`${database}\`.* TO ${who}`];
}

/** What a failed statement may say: the step and MySQL's code; the message too unless the statement carried the password. */
export function statementError(statement: Statement, err: unknown): Error {
    const e = err as { code?: string; errno?: number; sqlMessage?: string; message?: string };
    const code = `${e.code ?? "error"}${e.errno !== undefined ? ` (${e.errno})` : ""}`;
    return new Error(statement.carriesPassword ? `${statement.step} failed: ${code}`
        : `${statement.step} failed: ${code}: ${e.sqlMessage ?? e.message ?? String(err)}`);
}

/** What the handler reaches out to: Secrets Manager and a MySQL connection. */
export interface Deps {
    secrets: Pick<SecretsManagerClient, "send">;
    connect: Connect;
}

/** Runs the statements; see the header. `sleep` is a seam for tests. */
export async function provisionAppUser(event: AppUserEvent, deps: Deps, sleep: (ms: number) => Promise<void> = sleepMs): Promise<AppUserResult> {
    const problems = appUserEventProblems(event);
    if (problems.length > 0) {
        throw new Error(`app user: bad event: ${problems.join("; ")}`);
    }
    const read = async (arn: string) => parseCredentials(arn,
        (await deps.secrets.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString);
    const app = await read(event.appSecretArn);
    if (!IDENTIFIER.test(app.username) || app.username.length > 32) {
        throw new Error(`secret ${event.appSecretArn}: username must be 1-32 letters, digits or underscores, got ${JSON.stringify(app.username)}`);
    }
    // The master's stored passwords, read again before each attempt (a rotation may finish
    // meanwhile): AWSCURRENT first, older ones only if the database refuses it (lambda/mysql.ts).
    const master = async function* () {
        for await (const m of storedCredentials(deps.secrets, event.masterSecretArn)) {
            if (app.username === m.credentials.username) {
                throw new Error(`secret ${event.appSecretArn} names the master user ${JSON.stringify(m.credentials.username)}: the app must have its own user`);
            }
            yield m;
        }
    };
    const connection = await connectRetrying(event.host, event.port, master, deps.connect, sleep);
    try {
        for (const statement of appUserStatements(event.database, app.username, app.password)) {
            try {
                await connection.query(statement.sql, statement.values);
            } catch (err) {
                throw statementError(statement, err);
            }
        }
        const [rows] = await connection.query("SHOW GRANTS FOR ?@?", [app.username, APP_USER_HOST]);
        const grants = (rows as Record<string, string>[]).map((r) => Object.values(r)[0]);
        const expected = expectedGrants(event.database, app.username);
        const extra = grants.filter((g) => !expected.includes(g));
        if (extra.length > 0) {
            throw new Error(`user ${app.username} holds more than WordPress needs: ${extra.join("; ")}; revoke it (the function grants, it never revokes)`);
        }
        return { user: app.username, database: event.database, grants };
    } finally {
        await connection.end().catch(() => undefined);
    }
}

const secrets = new SecretsManagerClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } });

export const handler = (event: AppUserEvent): Promise<AppUserResult> =>
    provisionAppUser(event, { secrets, connect: (options) => mysql.createConnection(options) });
