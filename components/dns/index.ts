// The DNS layer: Route 53 failover records that point the app's domain at whichever region is
// active (prod's ALB while its health check passes, dr's otherwise).
export { FailoverDns } from "./failoverRecord";
export type { FailoverDnsArgs } from "./failoverRecord";
export {
    DEFAULT_FAILURE_THRESHOLD, DEFAULT_HTTPS, DEFAULT_REQUEST_INTERVAL_SECONDS, DEFAULT_RESOURCE_PATH,
    detectionSeconds, FAILURE_THRESHOLD_MAX, FAILURE_THRESHOLD_MIN, REQUEST_INTERVALS, RESOURCE_PATH_MAX,
    resolveHealthCheckSettings,
} from "./healthCheck";
export type { FailoverHealthCheckSettings, ResolvedHealthCheckSettings } from "./healthCheck";
export { FAILOVER_ROLES, failoverDnsProblems, healthCheckProblems, SET_IDENTIFIER_MAX } from "./validate";
export type { FailoverDnsCheckedArgs, FailoverRole } from "./validate";
