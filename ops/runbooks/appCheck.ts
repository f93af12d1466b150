// The deep check through a load balancer: what drills and failovers use to prove the app serves,
// not just that targets pass the ALB's cheap health check. One request goes to the app's
// `/pilot-light/deep-check` (components/app/boot/deep-check.php), which answers only with the
// check token from the app tier's Secrets Manager secret and checks PHP -> database -> Redis ->
// media on S3; it can also write and read a marker row, which is how a drill proves prod's
// writes reached dr's replica and a failover proves the promoted database takes writes.
// Success is a 200 whose body says "ok": a redirect (the HTTP->HTTPS listener) is a failure.
import * as http from "http";
import * as https from "https";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DEEP_CHECK_PATH } from "../../components/app/userData";
import { awsClient } from "./clients";
import { describeAwsError } from "./aws";
import { pollUntil, StepContext, waiting } from "./runner";

/** One HTTP request as the runbooks make it. */
export interface AppRequest {
    method: "GET" | "POST";
    url: string;
    headers: Record<string, string>;
    /** application/x-www-form-urlencoded, for POST. */
    body?: string;
    /** TLS server name (SNI and certificate check) when it differs from the URL's host. */
    servername?: string;
    timeoutMs: number;
}

/** Status and body; redirects are never followed. */
export interface AppResponse {
    status: number;
    body: string;
}

/** Makes one request. `nodeHttp` is the real one; tests inject a fake. */
export type AppHttp = (request: AppRequest) => Promise<AppResponse>;

/** Where an app answers. */
export interface AppEndpoint {
    /** The stack, for messages. */
    stack: string;
    region: string;
    /** The load balancer to send the request to (a stack output). */
    albDnsName: string;
    /** The app tier's secret (stack output `appSecretArn`), whose `checkToken` the deep check requires. */
    appSecretArn: string;
    /**
     * Set when the ALB serves HTTPS for this name (the stack has domainName and hostedZoneId):
     * the request goes to the ALB over HTTPS with this name as SNI, Host and certificate name,
     * because its HTTP listener only redirects.
     */
    domainName?: string;
    /**
     * Set without a domain (stack output `cdnDomainName`): the request goes over HTTPS to this
     * CloudFront distribution, the only way to the ALB (it answers 403 to anything without
     * CloudFront's origin header, and its security group admits only CloudFront). Unset with
     * neither: plain HTTP to the ALB's own name (a stack deployed before CloudFront).
     */
    cdnDomainName?: string;
}

/** The deep check's answer (deep-check.php). */
export interface DeepCheckResult {
    status: string;
    php?: string;
    checks?: Record<string, string>;
    /** The database server's read_only: true on a replica. */
    readOnly?: boolean | null;
    marker?: { id: string; value: string; writtenAt: string } | null;
}

/** What to ask: a marker to read (GET) or to write and read (POST). */
export interface DeepCheckCall {
    method: "GET" | "POST";
    marker: string;
    /** The value to write, POST only. */
    value?: string;
}

/** The token the deep check requires, from the app secret in the endpoint's region. */
export async function readCheckToken(endpoint: AppEndpoint): Promise<string> {
    let text: string | undefined;
    try {
        const out = await awsClient(SecretsManagerClient, endpoint.region).send(new GetSecretValueCommand({ SecretId: endpoint.appSecretArn }));
        text = out.SecretString;
    } catch (e) {
        throw new Error(`cannot read the deep check's token from ${endpoint.appSecretArn} in ${endpoint.region}: ${describeAwsError(e)}`);
    }
    let token: unknown;
    try {
        token = JSON.parse(text ?? "").checkToken;
    } catch {
        token = undefined;
    }
    if (typeof token !== "string" || token === "") {
        throw new Error(`the secret ${endpoint.appSecretArn} has no checkToken; was it written by this program's AppTier?`);
    }
    return token;
}

/** The request for one deep check of `endpoint`. */
export function deepCheckRequest(endpoint: AppEndpoint, call: DeepCheckCall, token: string, timeoutMs: number): AppRequest {
    const scheme = endpoint.domainName || endpoint.cdnDomainName ? "https" : "http";
    const query = call.method === "GET" ? `?marker=${encodeURIComponent(call.marker)}` : "";
    const headers: Record<string, string> = { "X-Pilot-Light-Token": token, Accept: "application/json" };
    if (endpoint.domainName) headers.Host = endpoint.domainName;
    // A domain wins: the ALB serves it itself. CloudFront's name is a real host name with its own certificate.
    const host = endpoint.domainName ? endpoint.albDnsName : endpoint.cdnDomainName ?? endpoint.albDnsName;
    const request: AppRequest = { method: call.method, url: `${scheme}://${host}${DEEP_CHECK_PATH}${query}`, headers, timeoutMs };
    if (endpoint.domainName) request.servername = endpoint.domainName;
    if (call.method === "POST") {
        headers["Content-Type"] = "application/x-www-form-urlencoded";
        request.body = new URLSearchParams({ marker: call.marker, value: call.value ?? "" }).toString();
    }
    return request;
}

/**
 * One deep check. Returns the answer when it is a 200 with status "ok"; throws otherwise, saying
 * why in the operator's terms (a redirect, a refused token, which dependency failed).
 */
export async function deepCheck(endpoint: AppEndpoint, call: DeepCheckCall, token: string, send: AppHttp, timeoutMs: number): Promise<DeepCheckResult> {
    const request = deepCheckRequest(endpoint, call, token, timeoutMs);
    const where = `${call.method} ${request.url}${endpoint.domainName ? ` (as ${endpoint.domainName})` : ""}`;
    let response: AppResponse;
    try {
        response = await send(request);
    } catch (e) {
        throw new Error(`${where}: ${describeAwsError(e)}`);
    }
    let body: DeepCheckResult | undefined;
    try {
        body = JSON.parse(response.body);
    } catch {
        body = undefined;
    }
    if (response.status >= 300 && response.status < 400) {
        throw new Error(`${where} answered ${response.status}, a redirect, not the deep check: is HTTPS configured for this stack `
            + `(domainName and hostedZoneId) but the check sent over HTTP?`);
    }
    if (response.status === 403) throw new Error(`${where} answered 403: the check token was refused (is ${endpoint.appSecretArn} this tier's secret?)`);
    if (response.status === 503 && body?.checks) {
        const failed = Object.entries(body.checks).filter(([, v]) => v !== "ok").map(([k, v]) => `${k} ${v}`);
        throw new Error(`${where} answered 503: ${failed.join("; ")}`);
    }
    if (response.status !== 200 || body?.status !== "ok") {
        throw new Error(`${where} answered ${response.status} ${JSON.stringify(response.body.slice(0, 200))}; expected 200 with status "ok"`);
    }
    return body;
}

/**
 * Deep-checks until `accept` takes the answer (returns undefined) or `timeoutMs` passes; a
 * failed request or an unaccepted answer is progress, and the timeout says what was last seen.
 */
export async function waitForDeepCheck(ctx: StepContext, endpoint: AppEndpoint, call: DeepCheckCall,
    accept: (result: DeepCheckResult) => string | undefined,
    opts: { send: AppHttp; timeoutMs: number; intervalMs: number; requestTimeoutMs: number }): Promise<DeepCheckResult> {
    const token = await readCheckToken(endpoint);
    let last = "no answer yet";
    try {
        return await pollUntil(ctx, `the deep check of ${endpoint.stack}'s app`, async () => {
            try {
                const result = await deepCheck(endpoint, call, token, opts.send, opts.requestTimeoutMs);
                const waiting = accept(result);
                if (waiting === undefined) return result;
                last = waiting;
            } catch (e) {
                last = describeAwsError(e);
            }
            ctx.progress(last);
            return waiting();
        }, opts);
    } catch (e) {
        throw new Error(`${describeAwsError(e)}; last seen: ${last}`);
    }
}

/**
 * Proves an app's database takes writes: writes the marker through the app (POST) and reads it
 * back with a second request (which may reach another instance). Both must be 200 "ok" on a
 * writable database with the marker's value.
 */
export async function writeAndReadMarker(ctx: StepContext, endpoint: AppEndpoint, marker: { id: string; value: string },
    opts: { send: AppHttp; timeoutMs: number; intervalMs: number; requestTimeoutMs: number }): Promise<string> {
    const written = (r: DeepCheckResult) => (r.readOnly
        ? "200 ok, but the database is read-only (promotion not finished?)"
        : r.marker?.value === marker.value ? undefined : `marker ${marker.id} not read back`);
    await waitForDeepCheck(ctx, endpoint, { method: "POST", marker: marker.id, value: marker.value }, written, opts);
    const read = await waitForDeepCheck(ctx, endpoint, { method: "GET", marker: marker.id }, written, opts);
    return `marker ${marker.id} written on ${endpoint.stack}'s database and read back; ${describeDeepCheck(read)}`;
}

/** A one-line account of a passing deep check, for the timeline. */
export function describeDeepCheck(result: DeepCheckResult): string {
    const checks = Object.entries(result.checks ?? {}).map(([k, v]) => `${k} ${v}`).join(", ");
    return `200 ok (PHP ${result.php ?? "?"}; ${checks}; database ${result.readOnly ? "read-only" : "writable"})`;
}

/** The real request: Node's http/https, no redirect following, the TLS name checked against `servername`. */
export const nodeHttp: AppHttp = (request) => new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(url, {
        method: request.method,
        headers: request.body === undefined ? request.headers : { ...request.headers, "Content-Length": Buffer.byteLength(request.body) },
        ...(request.servername ? { servername: request.servername } : {}),
        timeout: request.timeoutMs,
    }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)));
    req.on("error", reject);
    req.end(request.body);
});
