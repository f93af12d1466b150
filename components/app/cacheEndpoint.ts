// Where the app servers learn the Redis endpoint at run time: an SSM parameter that the app tier
// writes once the replication group exists. The launch template names the parameter, never the
// endpoint, so the servers do not wait for the cache: creating Redis takes about 15 minutes
// (docs/resilience.md, `elasticache-create`), and a promoted dr serves from the database in the
// meantime. On the instance, boot.sh reads the parameter at boot and pilot-light-cache.timer
// reads it every 30 s until it exists (components/app/boot/); WordPress's object cache stays off
// (WP_REDIS_DISABLED, wp-config.php) until then.
//
// The name is known before the parameter exists, so a dr stack's servers' IAM policy, made in
// standby (AppStandby), can already allow reading it: static stability, no IAM at promotion.
// ARN of a parameter whose name starts with "/": `arn:<partition>:ssm:<region>:<account>:parameter/<path>`.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html
// Names: letters, digits and `_.-` with `/` between levels (at most 15), not prefixed with aws or
// ssm (any case); 1011 characters at most, the parameter's whole ARN included.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export { cacheEndpointParameterProblems } from "./validate";

/** The parameter's name for a project's stack: `/<project>/<stack>/cache-endpoint`. */
export function cacheEndpointParameterName(project: string, stack: string): string {
    return `/${project}/${stack}/cache-endpoint`;
}

/** The parameter's ARN in the provider's partition, region and account, known before it exists. */
export function cacheEndpointParameterArn(name: string, parent: pulumi.Resource): pulumi.Output<string> {
    const partition = aws.getPartitionOutput({}, { parent }).partition;
    const region = aws.getRegionOutput({}, { parent }).region;
    const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
    return pulumi.interpolate`arn:${partition}:ssm:${region}:${account}:parameter${name}`;
}

/** Writes `endpoint` (the Redis primary endpoint's host name) to the parameter `name`. */
export function cacheEndpointParameter(resourceName: string, name: string, endpoint: pulumi.Input<string>,
    tags: Record<string, string>, parent: pulumi.Resource): aws.ssm.Parameter {
    return new aws.ssm.Parameter(resourceName, {
        name,
        type: "String",
        // Standard: free (ops/report/costRules.ts), 4 KB values, far more than a host name.
        tier: "Standard",
        value: endpoint,
        description: "Redis primary endpoint of the app's cache, read by the app servers at run time (components/app/cacheEndpoint.ts)",
        tags,
    }, { parent });
}
