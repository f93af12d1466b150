// Every AWS SDK v3 client the runbooks use is made here, so that all of them share one policy:
// a connection timeout, a request timeout that really throws, a bounded number of attempts, the
// run's abort signal (Ctrl-C cancels a call in flight), and an error that names the service and
// region when an endpoint does not answer. A failover runs while a region (and maybe the global
// control planes homed in us-east-1) is down; an SDK client with its defaults waits forever on a
// connection that is accepted and never answered (the Node handler's timeouts default to 0).
//
// Sources, @smithy/node-http-handler 4.14.2 and @smithy/types (NodeHttpHandlerOptions):
// - connectionTimeout/requestTimeout "Defaults to 0, which disables the timeout";
// - requestTimeout only logs a warning "unless throwOnRequestTimeout=true, in which case a
//   TimeoutError will be thrown";
// - handle(request, { abortSignal }) rejects with an AbortError when the signal fires.
// maxAttempts is the SDK's total number of attempts (first try included), with its standard
// backoff: https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { HttpHandlerOptions } from "@smithy/types";

/** How every runbook client connects. Tests shrink the timeouts and point endpoints at local servers. */
export interface ClientPolicy {
    /** Milliseconds to establish a connection. Defaults to 3 000. */
    connectionTimeoutMs: number;
    /** Milliseconds for one request and its response once connected. Defaults to 10 000. */
    requestTimeoutMs: number;
    /** Attempts per call, the first included (SDK `maxAttempts`). Defaults to 3. */
    maxAttempts: number;
    /**
     * An endpoint URL per service and region, or undefined for the SDK's own. The fault-injection
     * tests use it to send the prod region and the global control planes to a local server that
     * never answers (the SDK's `endpoint` client setting). Defaults to none.
     */
    endpoint?: (service: string, region: string) => string | undefined;
    /** Cancels every call in flight and every later call (the CLI's Ctrl-C). Defaults to none. */
    signal?: AbortSignal;
}

export const DEFAULT_CLIENT_POLICY: Readonly<ClientPolicy> = Object.freeze({
    connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000, maxAttempts: 3,
});

let policy: ClientPolicy = { ...DEFAULT_CLIENT_POLICY };

/** Replaces parts of the policy; returns a function that puts the previous policy back. */
export function setClientPolicy(change: Partial<ClientPolicy>): () => void {
    const previous = policy;
    policy = { ...policy, ...change };
    return () => { policy = previous; };
}

/** The policy in force (for messages and tests). */
export function clientPolicy(): Readonly<ClientPolicy> {
    return policy;
}

/**
 * The longest one call can take under the policy: every attempt timing out, plus the SDK's
 * backoff between attempts (at most 20 s each in its standard mode). What a step's own timeout
 * may be exceeded by, at most, when its last check is a call that hangs.
 */
export function worstCallMs(p: Readonly<ClientPolicy> = policy): number {
    return p.maxAttempts * (p.connectionTimeoutMs + p.requestTimeoutMs) + (p.maxAttempts - 1) * 20_000;
}

/** An AWS endpoint that did not answer: the runbooks treat it as "that control plane is down". */
export class AwsUnreachableError extends Error {
    constructor(readonly service: string, readonly region: string, readonly endpoint: string, readonly reason: string) {
        super(`${service} in ${region} did not answer (${endpoint}): ${reason}`);
        this.name = "AwsUnreachableError";
    }
}

/** The run was cancelled (Ctrl-C) while a call was in flight. */
export class RunCancelledError extends Error {
    constructor(what: string) {
        super(`cancelled while waiting for ${what}`);
        this.name = "RunCancelledError";
    }
}

/** Node's connection errors that mean "no answer", by `code`. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);

/** Why an SDK error means the endpoint did not answer, or undefined when it did answer (an AWS error). */
export function noAnswerReason(e: unknown): string | undefined {
    const err = e as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
    if (!err || err.$metadata?.httpStatusCode) return undefined;
    const attempts = err.$metadata?.attempts ? ` (${err.$metadata.attempts} attempt(s))` : "";
    if (err.name === "TimeoutError") return `${err.message ?? "timed out"}${attempts}`;
    if (err.code && NETWORK_CODES.has(err.code)) return `${err.code}${attempts}`;
    return undefined;
}

/** The Node handler with the run's abort signal added to every request that has none of its own. */
class CancellableHandler extends NodeHttpHandler {
    override handle(request: Parameters<NodeHttpHandler["handle"]>[0], options: HttpHandlerOptions = {}) {
        return super.handle(request, { ...options, abortSignal: options.abortSignal ?? (policy.signal as HttpHandlerOptions["abortSignal"]) });
    }
}

/** A client constructor as the SDK declares them. */
type ClientClass<C> = new (config: any) => C;

/**
 * A client of `Client` in `region` under the policy. The service name in messages is the class
 * name without "Client" (`RDS`, `Route53`, `ElasticLoadBalancingV2`). Tests that replace `send`
 * with aws-sdk-client-mock still see these clients: the mock patches the class's prototype.
 */
export function awsClient<C extends { middlewareStack: any }>(Client: ClientClass<C>, region: string): C {
    const service = Client.name.replace(/Client$/, "");
    const endpoint = policy.endpoint?.(service, region);
    const client = new Client({
        region,
        maxAttempts: policy.maxAttempts,
        requestHandler: new CancellableHandler({
            connectionTimeout: policy.connectionTimeoutMs,
            requestTimeout: policy.requestTimeoutMs,
            throwOnRequestTimeout: true,
        }),
        ...(endpoint ? { endpoint } : {}),
    });
    const host: { name?: string } = {};
    client.middlewareStack.add((next: any) => async (args: any) => {
        host.name = args.request?.hostname ?? host.name;
        return next(args);
    }, { step: "finalizeRequest", name: "pilotLightHost", priority: "low" });
    client.middlewareStack.add((next: any, context: any) => async (args: any) => {
        try {
            return await next(args);
        } catch (e: any) {
            if (policy.signal?.aborted || e?.name === "AbortError") throw new RunCancelledError(`${service} ${context?.commandName ?? "call"} in ${region}`);
            const reason = noAnswerReason(e);
            if (reason === undefined) throw e;
            throw new AwsUnreachableError(service, region, endpoint ?? host.name ?? "default endpoint",
                `${context?.commandName ?? "call"}: ${reason}`);
        }
    }, { step: "initialize", name: "pilotLightUnreachable", priority: "high" });
    return client;
}

/** True for an AwsUnreachableError (the endpoint did not answer), false for an answer such as AccessDenied. */
export function isUnreachable(e: unknown): e is AwsUnreachableError {
    return e instanceof AwsUnreachableError;
}
