// AppTier: the app layer of the original Terraform split (its `app` folder). prod always has
// it; the dr stack creates it only when promoted, which is what keeps dr a pilot light.
//
// Creates, as child components: NatEgress (one NAT gateway and the private default routes),
// RedisCache (encrypted Redis with an AUTH token in Secrets Manager), WebLoadBalancer (the ALB,
// target group, listeners and, with a domain, the ACM certificate), without a domain OriginCdn
// (CloudFront with its default certificate in front of the ALB), and AppServers (IAM role,
// launch template, Auto Scaling group, scaling policy), whose user data installs WordPress at
// boot and mounts the media bucket with Mountpoint for Amazon S3 (components/app/boot/). Also
// the app secret: the deep check's token and the WordPress admin password, generated here.
// With `database.createUser` (prod's writable database) also AppDatabaseUser, which makes the
// app's own MySQL user through the NAT gateways before the servers boot (components/database).
// A dr stack passes `standby` (AppStandby, ./standby.ts): the IAM role, the secrets, the
// certificate, the ALB, the NAT egress and the launch template it made ahead of time are used
// instead of being made at promotion.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { RedisCache } from "./cache";
import { ORIGIN_HEADER_NAME, OriginCdn, originSecret } from "./cdn";
import { WebLoadBalancer } from "./loadBalancer";
import { NatEgress } from "./nat";
import { AppServers } from "./servers";
import { appSecret as makeAppSecret } from "./secrets";
import { cacheEndpointParameter, cacheEndpointParameterArn } from "./cacheEndpoint";
import type { StandbyParts } from "./standby";
import { APP_TARGET_HEALTH, renderUserData, WORDPRESS_DB_NAME } from "./userData";
import { cacheEndpointParameterProblems, capacityProblems, domainProblems, nonEmptyProblems, requiredTextProblems, routeTableProblems } from "./validate";
import { assertValid } from "../validate";
import { AppDatabaseUser } from "../database/appUser";
import { MasterPasswordRotation } from "../database/masterRotation";

/** What the app layer needs from the basic layer (the basic layer's Network class satisfies it structurally). */
export interface AppNetwork {
    /** The VPC of the target group. */
    vpcId: pulumi.Input<string>;
    /** The AZs the network spans; names the per-AZ resources. Must not be empty. */
    availabilityZones: string[];
    /** Public subnets, for the ALB (two AZs at least) and the NAT gateway (the first one). Must not be empty. */
    publicSubnetIds: pulumi.Input<string>[];
    /** Private subnets, for the app servers (all of them). Must not be empty. */
    privateSubnetIds: pulumi.Input<string>[];
    /** One per AZ, same order as `availabilityZones`; each gets a default route through the NAT gateway. */
    privateRouteTableIds: pulumi.Input<string>[];
    /** The ALB's security group. */
    albSecurityGroupId: pulumi.Input<string>;
    /** The app servers' security group. */
    appSecurityGroupId: pulumi.Input<string>;
    /** The Redis nodes' security group. */
    cacheSecurityGroupId: pulumi.Input<string>;
    /** The ElastiCache subnet group in the private subnets. */
    cacheSubnetGroupName: pulumi.Input<string>;
}

export interface AppTierArgs {
    /** The VPC, subnets, route tables and security groups of the basic layer. */
    network: AppNetwork;
    /**
     * Where the database is. Only the credentials secret's ARN travels, never its value; the
     * instances fetch it at boot. `credentialsSecretArn`: the app's own user's secret (never the
     * master's). `kmsKeyArn`: the customer-managed key that encrypts that secret, if any (the
     * instances get kms:Decrypt on it via Secrets Manager only); the tier's own secrets (the app
     * secret, the Redis AUTH token) are encrypted with it too.
     * `createUser`: make that user on the database before the servers boot (AppDatabaseUser,
     * which connects with `masterSecretArn`, encrypted with the same `kmsKeyArn`, required then);
     * only where the user does not arrive by replication (prod). With it, the master's password
     * rotates too (MasterPasswordRotation, every 30 days). `run: false` keeps both functions
     * without running them, while the database is a read-only replica (prod during failback).
     * Defaults to none.
     */
    database: {
        address: pulumi.Input<string>; port: pulumi.Input<number>; credentialsSecretArn: pulumi.Input<string>; kmsKeyArn?: pulumi.Input<string>;
        createUser?: { masterSecretArn: pulumi.Input<string>; appSecretVersionId: pulumi.Input<string>; run: boolean };
    };
    /** The media bucket in this region, mounted on every instance with Mountpoint for Amazon S3 (WordPress's uploads). */
    media: { bucketName: pulumi.Input<string>; bucketArn: pulumi.Input<string> };
    /** The AMI the app servers run (it must exist in this region). */
    imageId: pulumi.Input<string>;
    /** EC2 instance type, e.g. `t3.medium`. */
    instanceType: string;
    /**
     * Fleet size: 0 <= minSize <= desiredCapacity <= maxSize and maxSize >= 1.
     * https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-capacity-limits.html
     */
    minSize: number;
    /** The most instances the scaling policy may run; at least 1 and >= `desiredCapacity`. */
    maxSize: number;
    /** Instances to start with, between `minSize` and `maxSize`; the scaling policy moves it afterwards. */
    desiredCapacity: number;
    /**
     * ElastiCache node type, e.g. `cache.t4g.small`.
     * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html
     */
    cacheNodeType: string;
    /**
     * prod and a hardened dr: true → Redis Multi-AZ with automatic failover (2 nodes), ALB
     * deletion protection. dr promoted, not hardened: false. Turning it on is in place (the
     * replication group's node count, failover and Multi-AZ flags and the ALB's deletion
     * protection force no new resource), so hardening replaces nothing.
     */
    highAvailability: boolean;
    /**
     * Tags added to the Redis group and the ALB only, the resources `highAvailability` changes
     * (the dr stack marks them hardened for the policy pack). Defaults to none.
     */
    highAvailabilityTags?: Record<string, string>;
    /**
     * Optional: with both, an ACM certificate (DNS-validated in the zone) + HTTPS listener +
     * HTTP→HTTPS redirect, and WordPress serves `https://<domainName>`; without, a CloudFront
     * distribution (OriginCdn, ./cdn.ts) serves HTTPS with its default certificate, the ALB is
     * internal (private subnets) and answers only CloudFront's VPC origin, and WordPress serves `https://<distribution>.cloudfront.net`.
     * The network must then admit CloudFront to the ALB (Network `albViewers: "cloudfront"`).
     */
    domainName?: string;
    /** The Route 53 hosted zone of `domainName`. Set both or neither. */
    hostedZoneId?: string;
    /**
     * What a dr stack made in standby (components/app/standby.ts), used instead of making it here:
     * the servers' IAM role and profile, the app and Redis AUTH secrets, the issued certificate
     * and, when given, the ALB with its listeners, the NAT egress and the launch template. Promotion then calls no control plane outside
     * dr's region. Defaults to making everything here (prod).
     */
    standby?: StandbyParts;
    /** The stack's log bucket (components/logs): the ALB writes its access logs there. */
    accessLogBucket: pulumi.Input<string>;
    /**
     * The SSM parameter the tier writes the Redis endpoint to once the cache exists, and the
     * servers read at run time (./cacheEndpoint.ts), e.g. `/pilot-light/prod/cache-endpoint`:
     * the launch template does not wait for the cache. A dr stack's standby identity must allow
     * reading it (AppStandbyArgs.cacheEndpointParameter).
     */
    cacheEndpointParameter: string;
    /** A NAT gateway per AZ (true) or one for all AZs (false). Defaults to `true` (components/app/nat.ts). */
    natGatewayPerAz?: boolean;
    /** Tags for every taggable resource of the tier. Defaults to none. */
    tags?: Record<string, string>;
}

/** Every problem with AppTier arguments, one message each; empty when they are valid. */
export function appTierProblems(args: AppTierArgs): string[] {
    const n = args.network;
    return [
        ...nonEmptyProblems("network.publicSubnetIds", n?.publicSubnetIds),
        ...nonEmptyProblems("network.privateSubnetIds", n?.privateSubnetIds),
        ...routeTableProblems("network.", n?.availabilityZones ?? [], n?.privateRouteTableIds ?? []),
        ...requiredTextProblems("instanceType", args.instanceType),
        ...(typeof args.cacheNodeType === "string" && args.cacheNodeType.startsWith("cache.") ? []
            : [`cacheNodeType must be an ElastiCache node type such as "cache.t4g.small", got ${JSON.stringify(args.cacheNodeType)}`]),
        ...capacityProblems(args.minSize, args.desiredCapacity, args.maxSize),
        ...domainProblems(args.domainName, args.hostedZoneId),
        ...cacheEndpointParameterProblems("cacheEndpointParameter", args.cacheEndpointParameter),
        ...(args.database?.createUser !== undefined && args.database.kmsKeyArn === undefined
            ? ["database.kmsKeyArn is required with database.createUser (the function decrypts both secrets with it)"] : []),
        ...(args.domainName?.startsWith("*.") ? [`domainName must be the site's own name, not a wildcard (WordPress serves one address), got ${JSON.stringify(args.domainName)}`] : []),
    ];
}

export class AppTier extends pulumi.ComponentResource {
    /** The ALB's ARN. */
    readonly albArn: pulumi.Output<string>;
    /** The ALB's DNS name, the target of the failover alias records. */
    readonly albDnsName: pulumi.Output<string>;
    /** The ALB's canonical hosted zone, for the failover alias records. */
    readonly albZoneId: pulumi.Output<string>;
    /** For CloudWatch alarms on the ALB (`LoadBalancer` dimension). */
    readonly albArnSuffix: pulumi.Output<string>;
    /** The target group the app servers register with. */
    readonly targetGroupArn: pulumi.Output<string>;
    /** For CloudWatch alarms on the target group (`TargetGroup` dimension). */
    readonly targetGroupArnSuffix: pulumi.Output<string>;
    /** The Auto Scaling group's name (failover scripts scale it). */
    readonly asgName: pulumi.Output<string>;
    /** The launch template's ID. */
    readonly launchTemplateId: pulumi.Output<string>;
    /** The Redis primary endpoint's host name. */
    readonly cacheEndpoint: pulumi.Output<string>;
    /** ARN of the secret holding the Redis AUTH token (the ARN only). */
    readonly cacheAuthSecretArn: pulumi.Output<string>;
    /**
     * ARN of the app secret, JSON `{"checkToken", "adminPassword"}`: the token the deep check
     * (`/pilot-light/deep-check`) requires, and the password of WordPress's `admin` user.
     */
    readonly appSecretArn: pulumi.Output<string>;
    /** The first AZ's NAT gateway's ID. */
    readonly natGatewayId: pulumi.Output<string>;
    /** Without a domain: the CloudFront distribution's name, the site's address. Undefined with a domain. */
    readonly cdnDomainName?: pulumi.Output<string>;

    constructor(name: string, args: AppTierArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before super(), so bad arguments register nothing at all.
        assertValid("AppTier", name, appTierProblems(args));
        super("pilot-light:app:AppTier", name, {}, opts);
        const tags = args.tags ?? {};
        const haTags = { ...tags, ...(args.highAvailabilityTags ?? {}) };
        const net = args.network;
        const standby = args.standby;
        const region = aws.getRegionOutput({}, { parent: this }).region;

        // A dr stack's egress exists since standby (pilot-light:standbyNatGateway): off the promotion's path.
        const nat = standby?.egress ?? new NatEgress(`${name}-nat`, {
            publicSubnetIds: net.publicSubnetIds,
            perAz: args.natGatewayPerAz ?? true,
            availabilityZones: net.availabilityZones,
            privateRouteTableIds: net.privateRouteTableIds,
            tags,
        }, { parent: this });

        const cache = new RedisCache(`${name}-cache`, {
            subnetGroupName: net.cacheSubnetGroupName,
            securityGroupIds: [net.cacheSecurityGroupId],
            nodeType: args.cacheNodeType,
            highAvailability: args.highAvailability,
            auth: standby?.cacheAuth,
            authKmsKeyArn: args.database.kmsKeyArn,
            tags: haTags,
        }, { parent: this });

        const withDomain = args.domainName !== undefined && args.hostedZoneId !== undefined;
        // Without a domain the ALB answers only CloudFront, which adds this secret header.
        const originValue = withDomain || standby?.web ? undefined : originSecret(name, this);
        const web = standby?.web ?? new WebLoadBalancer(`${name}-web`, {
            vpcId: net.vpcId,
            // Without a domain the ALB is internal, CloudFront's VPC origin (./cdn.ts).
            subnetIds: withDomain ? net.publicSubnetIds : net.privateSubnetIds,
            internal: !withDomain,
            securityGroupId: net.albSecurityGroupId,
            deletionProtection: args.highAvailability,
            domainName: args.domainName,
            hostedZoneId: args.hostedZoneId,
            certificateArn: standby?.certificateArn,
            originHeader: originValue === undefined ? undefined : { name: ORIGIN_HEADER_NAME, value: originValue },
            accessLogBucket: args.accessLogBucket,
            // Web server and PHP only: a database failover must not fail every target at once.
            // Drills and failovers use the deep check instead (ops/runbooks/appCheck.ts).
            ...APP_TARGET_HEALTH,
            tags: haTags,
        }, { parent: this });

        // A dr stack's distribution exists since standby (CloudFront's control plane is global).
        const cdn = withDomain ? undefined : standby?.cdn ?? new OriginCdn(`${name}-cdn`, {
            originDomainName: web.albDnsName,
            originArn: web.albArn,
            originSecret: originValue!,
            tags,
        }, { parent: this });
        if (!withDomain && cdn === undefined) {
            throw new Error(`AppTier ${name}: the standby ALB has no CloudFront distribution in front of it; without a domain AppStandby must make both`);
        }

        const appSecretArn = standby?.appSecretArn ?? makeAppSecret(name, tags, this, args.database.kmsKeyArn).arn;

        // The servers read the app user's secret only once the user exists (dbSecretArn resolves after the run).
        const createUser = args.database.createUser;
        const dbUser = createUser === undefined ? undefined : new AppDatabaseUser(`${name}-db-user`, {
            host: args.database.address,
            port: args.database.port,
            database: WORDPRESS_DB_NAME,
            masterSecretArn: createUser.masterSecretArn,
            appSecretArn: args.database.credentialsSecretArn,
            appSecretVersionId: createUser.appSecretVersionId,
            run: createUser.run,
            kmsKeyArn: args.database.kmsKeyArn!,
            subnetIds: net.privateSubnetIds,
            // The app servers' group: HTTPS out (Secrets Manager through NAT) and MySQL to the
            // database, which admits it; the function needs exactly those paths.
            securityGroupIds: [net.appSecurityGroupId],
            dependsOn: Object.values(nat.routes),
            tags,
        }, { parent: this });
        const dbSecretArn = dbUser?.appSecretArn ?? pulumi.output(args.database.credentialsSecretArn);
        if (createUser !== undefined) {
            // The first rotation waits for the app user's run, which connects as the master.
            new MasterPasswordRotation(`${name}-db-rotation`, {
                host: args.database.address,
                port: args.database.port,
                masterSecretArn: createUser.masterSecretArn,
                kmsKeyArn: args.database.kmsKeyArn!,
                subnetIds: net.privateSubnetIds,
                securityGroupIds: [net.appSecurityGroupId],
                rotate: createUser.run,
                dependsOn: [...Object.values(nat.routes), dbUser!],
                tags,
            }, { parent: this });
        }

        // With a domain both regions serve the same name; without one, each region serves its
        // own distribution's name, so a promoted dr answers under dr's name (README).
        const siteUrl = withDomain ? pulumi.output(`https://${args.domainName}`) : pulumi.interpolate`https://${cdn!.domainName}`;
        // The servers learn the cache's endpoint from this parameter at run time, so nothing they
        // boot from waits for the cache (ElastiCache takes about 15 minutes to create one).
        cacheEndpointParameter(`${name}-cache-endpoint`, args.cacheEndpointParameter, cache.primaryEndpoint, tags, this);
        const userData = pulumi.output({
            region, dbHost: args.database.address, dbPort: args.database.port, dbSecretArn,
            cacheEndpointParameter: args.cacheEndpointParameter, cacheAuthSecretArn: cache.authSecretArn, appSecretArn,
            mediaBucket: args.media.bucketName, siteUrl,
        }).apply(renderUserData);

        const servers = new AppServers(`${name}-servers`, {
            imageId: args.imageId,
            instanceType: args.instanceType,
            subnetIds: net.privateSubnetIds,
            securityGroupId: net.appSecurityGroupId,
            targetGroupArn: web.targetGroupArn,
            minSize: args.minSize,
            maxSize: args.maxSize,
            desiredCapacity: args.desiredCapacity,
            userData,
            secretArns: [args.database.credentialsSecretArn, cache.authSecretArn, appSecretArn],
            // A standby identity already allows the parameter (AppStandby), named the same way.
            parameterArns: standby?.identity ? [] : [cacheEndpointParameterArn(args.cacheEndpointParameter, this)],
            kmsKeyArn: args.database.kmsKeyArn,
            mediaBucketArn: args.media.bucketArn,
            // The user data reaches Secrets Manager and S3 through the NAT gateway.
            bootDependencies: Object.values(nat.routes),
            identity: standby?.identity,
            // Made in standby with the same user data (AppStandby), so the group is all promotion creates.
            launchTemplate: standby?.launchTemplate,
            tags,
        }, { parent: this });

        this.albArn = web.albArn;
        this.albDnsName = web.albDnsName;
        this.albZoneId = web.albZoneId;
        this.albArnSuffix = web.albArnSuffix;
        this.targetGroupArn = web.targetGroupArn;
        this.targetGroupArnSuffix = web.targetGroupArnSuffix;
        this.asgName = servers.asgName;
        this.launchTemplateId = servers.launchTemplateId;
        this.cacheEndpoint = cache.primaryEndpoint;
        this.cacheAuthSecretArn = cache.authSecretArn;
        this.appSecretArn = appSecretArn;
        this.natGatewayId = nat.natGatewayId;
        this.cdnDomainName = cdn?.domainName;
        this.registerOutputs({
            albArn: this.albArn,
            albDnsName: this.albDnsName,
            albZoneId: this.albZoneId,
            albArnSuffix: this.albArnSuffix,
            targetGroupArn: this.targetGroupArn,
            targetGroupArnSuffix: this.targetGroupArnSuffix,
            asgName: this.asgName,
            launchTemplateId: this.launchTemplateId,
            cacheEndpoint: this.cacheEndpoint,
            cacheAuthSecretArn: this.cacheAuthSecretArn,
            appSecretArn: this.appSecretArn,
            natGatewayId: this.natGatewayId,
            cdnDomainName: this.cdnDomainName,
        });
    }
}
