// Argument validation for the app layer's components. Pure functions: each returns one message
// per problem (naming the field, the bad value and what is allowed) so that a caller can report
// every problem in one error.

/**
 * Auto Scaling group sizes: 0 <= min <= desired <= max. All three 0 parks the fleet (prod while
 * its database is rebuilt from dr during failback): the ALB then has no healthy target.
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-capacity-limits.html
 */
export function capacityProblems(minSize: number, desiredCapacity: number, maxSize: number): string[] {
    const problems: string[] = [];
    const sizes: [string, number, number][] = [["minSize", minSize, 0], ["desiredCapacity", desiredCapacity, 0], ["maxSize", maxSize, 0]];
    for (const [field, value, least] of sizes) {
        if (!Number.isInteger(value) || value < least) {
            problems.push(`${field} must be an integer >= ${least}, got ${value}`);
        }
    }
    if (problems.length > 0) {
        return problems;
    }
    if (minSize > desiredCapacity) {
        problems.push(`minSize (${minSize}) must be <= desiredCapacity (${desiredCapacity})`);
    }
    if (desiredCapacity > maxSize) {
        problems.push(`desiredCapacity (${desiredCapacity}) must be <= maxSize (${maxSize})`);
    }
    return problems;
}

/** A list that must have at least one element. */
export function nonEmptyProblems(field: string, list: readonly unknown[] | undefined): string[] {
    return !list || list.length === 0 ? [`${field} must not be empty`] : [];
}

/** HTTPS needs both a domain for the certificate and the hosted zone that validates it. */
export function domainProblems(domainName: string | undefined, hostedZoneId: string | undefined): string[] {
    const hint = "set both for HTTPS on the ALB, or neither for HTTPS through CloudFront (its default certificate)";
    if (domainName !== undefined && hostedZoneId === undefined) {
        return [`domainName is set (${JSON.stringify(domainName)}) but hostedZoneId is not; ${hint}`];
    }
    if (hostedZoneId !== undefined && domainName === undefined) {
        return [`hostedZoneId is set (${JSON.stringify(hostedZoneId)}) but domainName is not; ${hint}`];
    }
    if (domainName !== undefined && !/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(domainName)) {
        return [`domainName must be a DNS name such as "app.example.com", got ${JSON.stringify(domainName)}`];
    }
    return [];
}

/** The private route tables are matched to availability zones by position. */
export function routeTableProblems(prefix: string, availabilityZones: readonly string[], routeTableIds: readonly unknown[]): string[] {
    const problems = [
        ...nonEmptyProblems(`${prefix}availabilityZones`, availabilityZones),
        ...nonEmptyProblems(`${prefix}privateRouteTableIds`, routeTableIds),
    ];
    if (problems.length === 0 && availabilityZones.length !== routeTableIds.length) {
        problems.push(`${prefix}privateRouteTableIds has ${routeTableIds.length} entries but ${prefix}availabilityZones has `
            + `${availabilityZones.length}; give one route table per zone, in the same order`);
    }
    const seen = new Set<string>();
    for (const az of availabilityZones) {
        if (seen.has(az)) {
            problems.push(`${prefix}availabilityZones lists ${JSON.stringify(az)} twice; resources are named by zone`);
        }
        seen.add(az);
    }
    return problems;
}

/** A required free-form string such as an instance type. */
export function requiredTextProblems(field: string, value: string | undefined): string[] {
    return typeof value !== "string" || value.trim() === "" ? [`${field} must not be empty`] : [];
}

// SSM parameter names (components/app/cacheEndpoint.ts): letters, digits and `_.-`, `/` between
// levels, not prefixed with aws or ssm, 1011 characters at most with the ARN.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
const SSM_PARAMETER_PATTERN = /^(\/[A-Za-z0-9_.-]+)+$/;

/** The problems with a cache endpoint parameter name, one message each; empty when it is valid. */
export function cacheEndpointParameterProblems(field: string, name: unknown): string[] {
    if (typeof name !== "string" || !SSM_PARAMETER_PATTERN.test(name) || name.length > 1011) {
        return [`${field} must be an SSM parameter path such as "/pilot-light/prod/cache-endpoint" (a leading /, then letters, digits and _ . - /, `
            + `at most 1011 characters), got ${JSON.stringify(name)}`];
    }
    if (/^\/?(aws|ssm)/i.test(name)) {
        return [`${field} must not start with "aws" or "ssm" (SSM reserves them), got ${JSON.stringify(name)}`];
    }
    return [];
}

