// RedisCache: the app's session/page cache, an ElastiCache for Redis replication group
// encrypted at rest and in transit, with an AUTH token kept in Secrets Manager. Mirrors the
// Redis part of the original Terraform `app` folder.
//
// Creates: a RandomPassword (the AUTH token), a Secrets Manager secret and its version holding
// that token (unless given ones made ahead of time), and the replication group (1 node, or 2 across AZs with automatic failover).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { CacheAuth, cacheAuthToken } from "./secrets";
import { REDIS_PORT } from "./userData";
import { nonEmptyProblems, requiredTextProblems } from "./validate";
import { assertValid } from "../validate";

export interface RedisCacheArgs {
    /** The ElastiCache subnet group (in the private subnets) the nodes are placed in. */
    subnetGroupName: pulumi.Input<string>;
    /** Security groups of the nodes; they must allow 6379/tcp from the app servers only. */
    securityGroupIds: pulumi.Input<string>[];
    /**
     * Node type, e.g. `cache.t4g.small`. Must support in-transit encryption (all current types do).
     * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html
     */
    nodeType: string;
    /**
     * True: two nodes in different AZs, Multi-AZ with automatic failover (prod). False: a single
     * node and no failover (promoted dr, where the cache is rebuilt anyway).
     * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
     */
    highAvailability: boolean;
    /**
     * Redis engine version. Defaults to `7.1`. Must be 7.x: the app relies on Redis 7 and the
     * AUTH-with-TLS setup here needs >= 6.
     */
    engineVersion?: string;
    /**
     * The AUTH token and its secret, made ahead of time (a dr stack's AppStandby). Defaults to
     * creating `<name>-auth-token` here.
     */
    auth?: CacheAuth;
    /** The customer-managed key of the AUTH token's secret made here (secrets.ts). Defaults to the AWS-managed key. */
    authKmsKeyArn?: pulumi.Input<string>;
    /** Tags for every taggable child. Defaults to none. */
    tags?: Record<string, string>;
}

export class RedisCache extends pulumi.ComponentResource {
    /** The primary endpoint's host name (clients connect with TLS on `port`). */
    readonly primaryEndpoint: pulumi.Output<string>;
    /** The port the cache listens on (6379). */
    readonly port: number;
    /** ARN of the Secrets Manager secret that holds the AUTH token. */
    readonly authSecretArn: pulumi.Output<string>;
    /** The replication group's ID. */
    readonly replicationGroupId: pulumi.Output<string>;

    constructor(name: string, args: RedisCacheArgs, opts?: pulumi.ComponentResourceOptions) {
        const engineVersion = args.engineVersion ?? "7.1";
        // Validated before super(), so bad arguments register nothing at all.
        assertValid("RedisCache", name, [
            ...requiredTextProblems("nodeType", args.nodeType),
            ...nonEmptyProblems("securityGroupIds", args.securityGroupIds),
            ...(/^7(\.\d+)?$/.test(engineVersion) ? [] : [`engineVersion must be a Redis 7.x version such as "7.1", got ${JSON.stringify(engineVersion)}`]),
        ]);
        super("pilot-light:app:RedisCache", name, {}, opts);
        const tags = args.tags ?? {};

        // Made here, unless a dr stack made it ahead of time (AppStandby) for its servers' IAM policy to name.
        const auth = args.auth ?? cacheAuthToken(name, tags, this, args.authKmsKeyArn);

        const group = new aws.elasticache.ReplicationGroup(`${name}-redis`, {
            description: `Redis cache of ${name}`,
            engine: "redis",
            engineVersion,
            nodeType: args.nodeType,
            port: REDIS_PORT,
            // Automatic failover needs at least one replica, and Multi-AZ needs automatic failover.
            numCacheClusters: args.highAvailability ? 2 : 1,
            automaticFailoverEnabled: args.highAvailability,
            multiAzEnabled: args.highAvailability,
            atRestEncryptionEnabled: true,
            // An AUTH token can only be set with in-transit encryption on.
            transitEncryptionEnabled: true,
            authToken: auth.token,
            subnetGroupName: args.subnetGroupName,
            securityGroupIds: args.securityGroupIds,
            autoMinorVersionUpgrade: true,
            tags,
        }, { parent: this });

        this.primaryEndpoint = group.primaryEndpointAddress;
        this.port = REDIS_PORT;
        this.authSecretArn = auth.secretArn;
        this.replicationGroupId = group.id;
        this.registerOutputs({
            primaryEndpoint: this.primaryEndpoint,
            port: this.port,
            authSecretArn: this.authSecretArn,
            replicationGroupId: this.replicationGroupId,
        });
    }
}
