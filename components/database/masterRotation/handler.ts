// The master password's rotation function (deployed by components/database/masterRotation.ts),
// called by Secrets Manager's rotation with the four steps of a rotation function, single-user
// strategy: the master user (`admin`) changes its own password, so there is no second user.
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-one-user-one-password.html
//  - createSecret: a new password from GetRandomPassword, stored as version ClientRequestToken
//    with stage AWSPENDING (once: a retried step finds it);
//  - setSecret: ALTER USER CURRENT_USER() to it, connected with AWSCURRENT (or an older stored
//    password the database still has, see lambda/mysql.ts; or nothing to do when AWSPENDING
//    already connects, a retry after the change was made);
//  - testSecret: connect with AWSPENDING and SELECT 1;
//  - finishSecret: move AWSCURRENT to the new version.
// ALTER USER goes to the binary log, so dr's replica gets the new password as the secret's
// replica in dr gets the new value. The database's host comes from the environment (the secret
// holds none: its replica is read in dr, where the host differs). No password is logged or
// returned; an error from the statement that carries it reports MySQL's code only.
import {
    DescribeSecretCommand, GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient,
    UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import * as mysql from "mysql2/promise";
import { Candidate, Connect, connectFirst, Credentials, parseCredentials, storedCredentials } from "../lambda/mysql";

/** What Secrets Manager sends. */
export interface RotationEvent {
    SecretId: string;
    ClientRequestToken: string;
    Step: "createSecret" | "setSecret" | "testSecret" | "finishSecret";
}

/**
 * The new password: as long as the initial one, without the characters RDS forbids in a
 * master password (`/`, `@`, `"`, space) nor `'`, `\` and backtick (components/database/credentials.ts).
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (MasterUserPassword)
 */
export const NEW_PASSWORD = { PasswordLength: 32, ExcludeCharacters: "/@\"'\\` ", RequireEachIncludedType: true } as const;

export interface RotationDeps {
    secrets: Pick<SecretsManagerClient, "send">;
    connect: Connect;
    host: string;
    port: number;
}

/** The secret's value at a stage (and version), or undefined when there is none. */
async function valueAt(deps: RotationDeps, id: string, stage: string, versionId?: string): Promise<(Credentials & Record<string, unknown>) | undefined> {
    try {
        const out = await deps.secrets.send(new GetSecretValueCommand({ SecretId: id, VersionStage: stage, VersionId: versionId }));
        return parseCredentials(id, out.SecretString);
    } catch (err) {
        if ((err as { name?: string }).name === "ResourceNotFoundException") return undefined;
        throw err;
    }
}

/** Runs one step; see the header. Returns what it did, in words (no secret). */
export async function rotate(event: RotationEvent, deps: RotationDeps): Promise<string> {
    const { SecretId: id, ClientRequestToken: token, Step: step } = event;
    const described = await deps.secrets.send(new DescribeSecretCommand({ SecretId: id }));
    if (described.RotationEnabled !== true) {
        throw new Error(`secret ${id} does not have rotation enabled`);
    }
    const stages = described.VersionIdsToStages ?? {};
    if (!(token in stages)) {
        throw new Error(`secret ${id} has no version ${token} to rotate to`);
    }
    if (stages[token].includes("AWSCURRENT")) {
        return `version ${token} is already AWSCURRENT: nothing to do`;
    }
    if (!stages[token].includes("AWSPENDING")) {
        throw new Error(`version ${token} of secret ${id} is not AWSPENDING`);
    }

    if (step === "createSecret") {
        const current = await valueAt(deps, id, "AWSCURRENT");
        if (current === undefined) throw new Error(`secret ${id} has no AWSCURRENT value`);
        if (await valueAt(deps, id, "AWSPENDING", token) !== undefined) {
            return `version ${token} already holds the new password`;
        }
        const { RandomPassword } = await deps.secrets.send(new GetRandomPasswordCommand(NEW_PASSWORD));
        await deps.secrets.send(new PutSecretValueCommand({
            SecretId: id, ClientRequestToken: token, VersionStages: ["AWSPENDING"],
            SecretString: JSON.stringify({ ...current, password: RandomPassword }),
        }));
        return `stored a new password as version ${token} (AWSPENDING)`;
    }

    if (step === "setSecret") {
        const pending = await valueAt(deps, id, "AWSPENDING", token);
        if (pending === undefined) throw new Error(`secret ${id} has no AWSPENDING value for version ${token}`);
        // AWSPENDING first (a retried step finds the change made), then every stored password,
        // AWSCURRENT first (lambda/mysql.ts says when an older one is the database's).
        const candidates = async function* (): AsyncGenerator<Candidate> {
            yield { credentials: pending, label: "AWSPENDING" };
            yield* storedCredentials(deps.secrets, id);
        };
        const { connection, label } = await connectFirst(deps.host, deps.port, candidates(), deps.connect);
        if (label === "AWSPENDING") {
            await connection.end().catch(() => undefined);
            return "the database already has the new password";
        }
        try {
            await connection.query("ALTER USER CURRENT_USER() IDENTIFIED BY ?", [pending.password]);
        } catch (err) {
            const e = err as { code?: string; errno?: number };
            throw new Error(`set the new password failed: ${e.code ?? "error"}${e.errno !== undefined ? ` (${e.errno})` : ""}`);
        } finally {
            await connection.end().catch(() => undefined);
        }
        return `set the new password on the database (connected with ${label})`;
    }

    if (step === "testSecret") {
        const pending = await valueAt(deps, id, "AWSPENDING", token);
        if (pending === undefined) throw new Error(`secret ${id} has no AWSPENDING value for version ${token}`);
        const connection = await connectFirst(deps.host, deps.port, [{ credentials: pending, label: "AWSPENDING" }], deps.connect).then(
            (c) => c.connection,
            (err: Error) => { throw new Error(`the new password (version ${token}) does not work: ${err.message}`); });
        try {
            await connection.query("SELECT 1");
        } finally {
            await connection.end().catch(() => undefined);
        }
        return "connected with the new password";
    }

    if (step === "finishSecret") {
        const current = Object.entries(stages).find(([, s]) => s.includes("AWSCURRENT"))?.[0];
        await deps.secrets.send(new UpdateSecretVersionStageCommand({
            SecretId: id, VersionStage: "AWSCURRENT", MoveToVersionId: token, RemoveFromVersionId: current,
        }));
        return `moved AWSCURRENT to version ${token}`;
    }
    throw new Error(`unknown rotation step ${JSON.stringify(step)}`);
}

const secrets = new SecretsManagerClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } });

export const handler = async (event: RotationEvent): Promise<void> => {
    const port = Number(process.env.DB_PORT);
    const what = await rotate(event, { secrets, connect: (o) => mysql.createConnection(o), host: process.env.DB_HOST ?? "", port });
    console.log(`${event.Step}: ${what}`);
};
