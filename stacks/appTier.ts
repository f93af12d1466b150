// The app layer as both roles deploy it: prod always, dr once promoted. One place, so prod and
// a promoted dr cannot drift apart in how the app is wired to its data.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AppTier, cacheEndpointParameterName, StandbyParts } from "../components/app";
import { CLOUDFRONT_CLIENT_IP, ClientIpSource, WebFirewall } from "../components/app/waf";
import { Network } from "../components/basic";
import { Database } from "../components/database";
import { AppImage } from "../components/image";
import { LogBucket } from "../components/logs";
import { MediaBucket } from "../components/media";
import { albViewers, StackContext } from "./context";

export interface AppTierInputs {
    network: Network;
    database: Database;
    media: MediaBucket;
    image: AppImage;
    /** The region's log bucket, made by the stack so it outlives the tier (components/logs). */
    logs: LogBucket;
    /** prod, and a hardened dr: Multi-AZ Redis and ALB deletion protection. A promoted dr runs lean until hardened. */
    highAvailability: boolean;
    /** Tags added to what `highAvailability` changes (the Redis group and the ALB). Defaults to none. */
    highAvailabilityTags?: Record<string, string>;
    /**
     * Run no instances (min = max = desired = 0) while keeping the tier: prod during failback,
     * when its database is a read-only replica of dr. Its ALB has no healthy target, so its
     * Route 53 health check fails and DNS stays on dr. Raising max again starts the fleet:
     * Auto Scaling raises desired to the new minimum (the group ignores desired-capacity drift).
     * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_UpdateAutoScalingGroup.html
     */
    parked?: boolean;
    /** dr: what AppStandby made in standby, used instead of making it at promotion (static stability). */
    standby?: StandbyParts;
    /**
     * The database's endpoint from elsewhere than the database resource: a promoted dr reads its
     * replica's (promotedReplicaEndpoint), so the servers do not wait for the promotion. Defaults
     * to the resource's own address and port.
     */
    databaseEndpoint?: { address: pulumi.Input<string>; port: pulumi.Input<number> };
}

/**
 * The endpoint of dr's replica as RDS reports it now (DescribeDBInstances, dr's regional API).
 * Promotion keeps an instance's endpoint ("During promotion, the DNS endpoint that you use to
 * connect to the database will remain the same":
 * https://docs.aws.amazon.com/r53recovery/latest/dg/rds-promote-read-replica-block.html), so the
 * app servers can take it while the promotion runs, instead of the resource's output, which
 * `pulumi up` only resolves once the promotion has finished. They serve read-only until then
 * (components/app/boot/database.php handles a read-only server, as in a drill).
 */
export function promotedReplicaEndpoint(instanceIdentifier: string): { address: pulumi.Output<string>; port: pulumi.Output<number> } {
    const found = aws.rds.getInstanceOutput({ dbInstanceIdentifier: instanceIdentifier });
    return { address: found.address, port: found.port };
}

/**
 * Whether the app tier's egress has a NAT gateway per AZ: pilot-light:natGatewayPerAz on prod,
 * and on dr only once hardened. A dr in standby and a promoted one keep one gateway (standby's
 * made ahead, pilot-light:standbyNatGateway); hardening adds the others and moves each AZ's route
 * to its own in place (NatEgress keeps the first gateway's names; a route's natGatewayId forces
 * no new route, ops/diff/forceNew/table.json).
 */
export function natGatewayPerAz(cfg: StackContext["cfg"]): boolean {
    return cfg.natGatewayPerAz && (cfg.role !== "dr" || cfg.hardened);
}

/**
 * Where the app servers connect: a point-in-time restore beside the database when
 * pilot-light:databaseHost names one (set by the recover runbook; the stack's database stays as
 * it is, same engine and port), else `endpoint` (dr promoted: the replica's, which promotion
 * keeps), else the database's own address. The tier and dr's standby launch template both use it.
 */
export function appDatabaseAddress(cfg: StackContext["cfg"], database: Database,
    endpoint: AppTierInputs["databaseEndpoint"]): { address: pulumi.Input<string>; port: pulumi.Input<number> } {
    return { address: cfg.databaseHost ?? endpoint?.address ?? database.dbInstanceAddress, port: endpoint?.port ?? database.dbInstancePort };
}

export function deployAppTier(ctx: StackContext, l: AppTierInputs): AppTier {
    const { cfg, tags } = ctx;
    return new AppTier("app", {
        network: l.network,
        database: {
            ...appDatabaseAddress(cfg, l.database, l.databaseEndpoint),
            // The app's own user, never the master (policy app-uses-own-database-user).
            credentialsSecretArn: l.database.appCredentialsSecretArn,
            kmsKeyArn: l.database.credentialsKeyArn,
            // prod (the owner of the secrets) makes the user while its database takes writes; dr's
            // arrives through replication, so promotion makes nothing, and so does a rebuilt
            // prod's while it replicates from dr (the function stays, run at the switchover).
            createUser: l.database.appCredentialsVersionId === undefined ? undefined
                : { masterSecretArn: l.database.credentialsSecretArn, appSecretVersionId: l.database.appCredentialsVersionId, run: l.database.writable },
        },
        media: { bucketName: l.media.bucketName, bucketArn: l.media.bucketArn },
        imageId: l.image.imageId,
        instanceType: cfg.appInstanceType,
        minSize: l.parked ? 0 : cfg.appMinSize,
        maxSize: l.parked ? 0 : cfg.appMaxSize,
        desiredCapacity: l.parked ? 0 : cfg.appDesiredCapacity,
        cacheNodeType: cfg.cacheNodeType,
        highAvailability: l.highAvailability,
        highAvailabilityTags: l.highAvailabilityTags,
        domainName: cfg.domainName,
        hostedZoneId: cfg.hostedZoneId,
        standby: l.standby,
        accessLogBucket: l.logs.bucketName,
        natGatewayPerAz: natGatewayPerAz(cfg),
        cacheEndpointParameter: cacheEndpointParameterName(pulumi.getProject(), ctx.stack),
        tags,
    });
}

/**
 * The web application firewall of the stack's region (components/app/waf.ts): one regional web
 * ACL, associated with each ALB in `loadBalancerArns` (keyed by a stable name: `app` for the
 * tier's own ALB, `standby` for dr's standby ALB). prod makes it with its tier; dr makes it in
 * standby too, so a promotion adds at most an association (dr's regional API only).
 * `clientIp`: where the rate rule reads the client's address; the connection's unless a CDN
 * fronts the ALB (CLOUDFRONT_CLIENT_IP). Defaults to the connection's.
 */
export function deployFirewall(ctx: StackContext, loadBalancerArns: Record<string, pulumi.Input<string>>, clientIp?: ClientIpSource): WebFirewall {
    return new WebFirewall("waf", { loginRateLimit: ctx.cfg.wafLoginRateLimit, clientIp, loadBalancerArns, tags: ctx.tags });
}

/**
 * Where the stack's WAF reads the viewer's address. Without a domain CloudFront fronts every ALB
 * of the stack (prod's, dr's standby one, a drill's: Network `albViewers: "cloudfront"` admits
 * nothing else), so the connection's address is a CloudFront edge's and the rate rule would count
 * every viewer behind that edge as one: the viewer's address comes from the header the
 * distribution's viewer-request function sets (CLOUDFRONT_CLIENT_IP, components/app/cdn.ts). With a domain viewers reach the ALB directly.
 */
export function firewallClientIp(ctx: StackContext): ClientIpSource | undefined {
    return albViewers(ctx.cfg) === "cloudfront" ? CLOUDFRONT_CLIENT_IP : undefined;
}
