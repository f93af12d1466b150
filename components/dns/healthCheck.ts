// The settings of the Route 53 health check that guards the PRIMARY failover record, and their
// defaults. Pure: no Pulumi resources, so the defaults are tested without the mock runtime.
// The health check itself is created by FailoverDns (./failoverRecord.ts).

/**
 * The request intervals Route 53 offers, in seconds.
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html (RequestInterval)
 */
export const REQUEST_INTERVALS = [10, 30] as const;
/** The lowest failure threshold Route 53 accepts (API_HealthCheckConfig, FailureThreshold). */
export const FAILURE_THRESHOLD_MIN = 1;
/** The highest failure threshold Route 53 accepts (API_HealthCheckConfig, FailureThreshold). */
export const FAILURE_THRESHOLD_MAX = 10;
/** The longest resource path Route 53 accepts (API_HealthCheckConfig, ResourcePath). */
export const RESOURCE_PATH_MAX = 255;

// The defaults favour fast detection: 10 s × 3 ≈ 30 s before a failing primary is unhealthy.
/** Default seconds between checks: the fast interval. */
export const DEFAULT_REQUEST_INTERVAL_SECONDS = 10;
/** Default consecutive failures before the primary counts as unhealthy. */
export const DEFAULT_FAILURE_THRESHOLD = 3;
/** Default path probed on the ALB. */
export const DEFAULT_RESOURCE_PATH = "/";
/** Probe over HTTPS by default (see {@link FailoverHealthCheckSettings.https}). */
export const DEFAULT_HTTPS = true;

/**
 * How Route 53 probes the prod ALB. Only valid on the PRIMARY record: the SECONDARY relies on
 * its alias's `evaluateTargetHealth`.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
 */
export interface FailoverHealthCheckSettings {
    /**
     * The path requested on the ALB; a 2xx or 3xx answer is healthy. Defaults to `/`. Must start
     * with `/` and be at most 255 characters; query strings are allowed.
     * https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
     */
    resourcePath?: string;
    /**
     * Probe over HTTPS (type `HTTPS`, SNI on) instead of HTTP. Defaults to `true`: with a domain,
     * this repo's ALB answers port 80 with its own 301 redirect to HTTPS, which Route 53 counts
     * as healthy (3xx) without any app server being asked, so an HTTP probe could not see the
     * app fail. HTTPS health checks cost more than HTTP ones.
     * https://aws.amazon.com/route53/pricing/
     */
    https?: boolean;
    /**
     * The port probed. Defaults to `443` when `https` is true, else `80`. An integer from 1 to 65535.
     */
    port?: number;
    /**
     * Seconds between one checker's response and its next request: `10` (fast, extra charge) or
     * `30`; Route 53 offers nothing else. Defaults to `10`. Cannot be changed in place: a new
     * value replaces the health check (Pulumi creates the new one before deleting the old).
     * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html#health-checks-creating-values-request-interval
     */
    requestIntervalSeconds?: number;
    /**
     * Consecutive failed (or passed) checks before a checker flips the endpoint's status. An
     * integer from 1 to 10. Defaults to `3`: one lost probe is not a failover, three are.
     * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
     */
    failureThreshold?: number;
}

/** The settings with every default applied, named as the `aws.route53.HealthCheck` inputs. */
export interface ResolvedHealthCheckSettings {
    /** The health check type: `HTTPS` or `HTTP`. Cannot be changed in place (replaces the check). */
    type: "HTTPS" | "HTTP";
    /** The port probed, 1-65535. */
    port: number;
    /** The path requested, starting with `/`. */
    resourcePath: string;
    /** Seconds between checks: 10 or 30. */
    requestInterval: number;
    /** Consecutive checks that flip the status: 1-10. */
    failureThreshold: number;
    /** Send the probed name in the TLS client hello; true exactly when `type` is `HTTPS`. */
    enableSni: boolean;
}

/** Applies the defaults (`??`, so an explicit `false` for `https` is kept). */
export function resolveHealthCheckSettings(settings: FailoverHealthCheckSettings = {}): ResolvedHealthCheckSettings {
    const https = settings.https ?? DEFAULT_HTTPS;
    return {
        type: https ? "HTTPS" : "HTTP",
        port: settings.port ?? (https ? 443 : 80),
        resourcePath: settings.resourcePath ?? DEFAULT_RESOURCE_PATH,
        requestInterval: settings.requestIntervalSeconds ?? DEFAULT_REQUEST_INTERVAL_SECONDS,
        failureThreshold: settings.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD,
        // SNI only means something in a TLS handshake; Route 53 ignores it for HTTP.
        enableSni: https,
    };
}

/** Roughly how long Route 53 takes to declare a failing primary unhealthy, in seconds. */
export function detectionSeconds(settings: ResolvedHealthCheckSettings): number {
    return settings.requestInterval * settings.failureThreshold;
}
