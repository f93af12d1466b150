// Argument validation for the DNS layer. Pure functions: each returns one message per problem,
// naming the argument, the bad value and what is allowed, so that FailoverDns can report every
// problem in one error before it registers anything. Values that are Pulumi Outputs (for
// example a zone ID read from another stack) are not known yet and are left to Route 53.
import {
    FailoverHealthCheckSettings, FAILURE_THRESHOLD_MAX, FAILURE_THRESHOLD_MIN, REQUEST_INTERVALS, RESOURCE_PATH_MAX,
} from "./healthCheck";

/**
 * The two record roles of a Route 53 failover pair.
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html (Failover)
 */
export const FAILOVER_ROLES = ["PRIMARY", "SECONDARY"] as const;
/** `"PRIMARY"` or `"SECONDARY"`. */
export type FailoverRole = typeof FAILOVER_ROLES[number];

/** The longest set identifier Route 53 accepts (API_ResourceRecordSet, SetIdentifier). */
export const SET_IDENTIFIER_MAX = 128;

/**
 * What the validator reads from FailoverDnsArgs; `unknown` where the component accepts a Pulumi
 * Input or a caller without types could pass anything. Only plain strings are checked.
 */
export interface FailoverDnsCheckedArgs {
    /** Must be `"PRIMARY"` or `"SECONDARY"`. */
    role: unknown;
    /** When a string: a lower-case DNS name, at most 253 characters, no trailing dot or wildcard. */
    domainName: unknown;
    /** When a string: `Z` and then upper-case letters and digits, at most 32 characters. */
    hostedZoneId: unknown;
    /** A string of 1-128 characters. */
    setIdentifier: unknown;
    /** Only with role `"PRIMARY"`; each given field within its range. */
    healthCheck?: FailoverHealthCheckSettings;
}

// Lower-case labels of letters, digits and hyphens (not at either end), at least two labels,
// 253 characters at most, no trailing dot and no wildcard. Lower case because Route 53 stores
// names in lower case, so an upper-case name would show a diff on every refresh.
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
// A hosted zone ID as the API returns it without the "/hostedzone/" prefix: Z and then upper-case
// letters and digits, 32 characters at most.
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_HostedZone.html
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

const show = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : String(v));

/** Problems with the arguments of FailoverDns; empty when they are valid. */
export function failoverDnsProblems(args: FailoverDnsCheckedArgs): string[] {
    const problems: string[] = [];
    if (!(FAILOVER_ROLES as readonly unknown[]).includes(args.role)) {
        problems.push(`role must be "PRIMARY" or "SECONDARY", got ${show(args.role)}`);
    }
    if (typeof args.domainName === "string" && !DOMAIN_NAME.test(args.domainName)) {
        problems.push(`domainName must be a lower-case DNS name such as "app.example.com" (labels of a-z, 0-9 and "-",`
            + ` at most 253 characters, no trailing dot or wildcard), got ${show(args.domainName)}`);
    }
    if (typeof args.hostedZoneId === "string" && !HOSTED_ZONE_ID.test(args.hostedZoneId)) {
        problems.push(`hostedZoneId must be a Route 53 hosted zone ID such as "Z0123456789ABCDEFGHIJ" (Z and then`
            + ` upper-case letters and digits, without "/hostedzone/"), got ${show(args.hostedZoneId)}`);
    }
    // https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html (SetIdentifier)
    if (typeof args.setIdentifier !== "string" || args.setIdentifier.length < 1 || args.setIdentifier.length > SET_IDENTIFIER_MAX) {
        const length = typeof args.setIdentifier === "string" ? ` (${args.setIdentifier.length} characters)` : "";
        problems.push(`setIdentifier must be 1-${SET_IDENTIFIER_MAX} characters, got ${show(args.setIdentifier)}${length}`);
    }
    if (args.healthCheck !== undefined) {
        if (args.role === "SECONDARY") {
            problems.push('healthCheck is only allowed when role is "PRIMARY", got role "SECONDARY";'
                + " the secondary record relies on evaluateTargetHealth instead");
        }
        problems.push(...healthCheckProblems(args.healthCheck));
    }
    return problems;
}

/**
 * Problems with the health check settings; empty when they are valid or not given.
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
 */
export function healthCheckProblems(hc: FailoverHealthCheckSettings): string[] {
    const problems: string[] = [];
    if (hc.resourcePath !== undefined
        && (typeof hc.resourcePath !== "string" || !hc.resourcePath.startsWith("/") || hc.resourcePath.length > RESOURCE_PATH_MAX)) {
        problems.push(`healthCheck.resourcePath must start with "/" and be at most ${RESOURCE_PATH_MAX} characters,`
            + ` got ${show(hc.resourcePath)}`);
    }
    if (hc.port !== undefined && (!Number.isInteger(hc.port) || hc.port < 1 || hc.port > 65535)) {
        problems.push(`healthCheck.port must be an integer from 1 to 65535, got ${show(hc.port)}`);
    }
    if (hc.requestIntervalSeconds !== undefined && !(REQUEST_INTERVALS as readonly number[]).includes(hc.requestIntervalSeconds)) {
        problems.push(`healthCheck.requestIntervalSeconds must be ${REQUEST_INTERVALS.join(" or ")}, got ${show(hc.requestIntervalSeconds)}`);
    }
    if (hc.failureThreshold !== undefined && (!Number.isInteger(hc.failureThreshold)
        || hc.failureThreshold < FAILURE_THRESHOLD_MIN || hc.failureThreshold > FAILURE_THRESHOLD_MAX)) {
        problems.push(`healthCheck.failureThreshold must be an integer from ${FAILURE_THRESHOLD_MIN} to ${FAILURE_THRESHOLD_MAX},`
            + ` got ${show(hc.failureThreshold)}`);
    }
    return problems;
}

