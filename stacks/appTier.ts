// The app layer as both roles deploy it: prod always, dr once promoted. One place, so prod and
// a promoted dr cannot drift apart in how the app is wired to its data.
import { AppTier, StandbyParts } from "../components/app";
import { Network } from "../components/basic";
import { Database } from "../components/database";
import { AppImage } from "../components/image";
import { LogBucket } from "../components/logs";
import { MediaBucket } from "../components/media";
import { StackContext } from "./context";

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
}

export function deployAppTier(ctx: StackContext, l: AppTierInputs): AppTier {
    const { cfg, tags } = ctx;
    return new AppTier("app", {
        network: l.network,
        database: {
            address: l.database.dbInstanceAddress,
            port: l.database.dbInstancePort,
            credentialsSecretArn: l.database.credentialsSecretArn,
            kmsKeyArn: l.database.credentialsKeyArn,
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
        natGatewayPerAz: cfg.natGatewayPerAz,
        tags,
    });
}
