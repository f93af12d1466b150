// The dr stack. In standby it keeps only the data warm: the basic layer, an encrypted
// cross-region read replica, the media bucket prod replicates into, the app image and the keys.
// With `promote` set, the same replica resource is promoted in place (never replaced) and the
// app tier is built; prod is not touched.
import * as pulumi from "@pulumi/pulumi";
import { Network } from "../components/basic";
import { Database, secretReplicaArn } from "../components/database";
import { FailoverDns } from "../components/dns";
import { AppImage } from "../components/image";
import { MediaBucket, MediaReplication } from "../components/media";
import { deployAppTier } from "./appTier";
import { dbIdentifier, StackContext } from "./context";
import { DATABASE_COMPONENT_NAME } from "./names";
import type { DrOutputs, PrimaryPeerView, ProgramOutputs } from "./outputs";

export function deployDr(ctx: StackContext, prod: PrimaryPeerView): ProgramOutputs<DrOutputs> {
    const { cfg, tags } = ctx;
    const network = new Network("network", { vpcCidr: cfg.vpcCidr, availabilityZones: ctx.availabilityZones, tags });
    const media = new MediaBucket("media", { tags });

    const database = new Database(DATABASE_COMPONENT_NAME, {
        // Promotion keeps the resource (same URN): only its kind's inputs change, in place.
        ...(cfg.promote ? { kind: "replica-promoted" as const } : {
            kind: "replica-standby" as const,
            // A cross-region replica is created from the source's ARN, not its identifier.
            sourceDbArn: prod.dbInstanceArn,
            replicaLagThresholdSeconds: cfg.replicaLagAlarmSeconds,
        }),
        // A later generation is the replica rebuilt after a failback (the promoted one retired).
        generation: cfg.databaseGeneration,
        identifier: dbIdentifier(pulumi.getProject(), ctx.stack),
        instanceClass: cfg.dbInstanceClass,
        allocatedStorageGb: cfg.dbAllocatedStorageGb,
        backupRetentionDays: cfg.backupRetentionDays,
        // Single-AZ while standing by keeps the pilot light cheap; see README for enabling
        // Multi-AZ after a failover.
        multiAz: false,
        subnetGroupName: network.dbSubnetGroupName,
        securityGroupIds: [network.dbSecurityGroupId],
        credentialsSecretArn: secretReplicaArn(prod.dbCredentialsSecretArn, cfg.region),
        tags,
    });

    // prod's custom AMI is copied here ahead of time: during a disaster prod's region may not
    // answer an AMI copy. Without a custom AMI both regions resolve the same public image.
    const image = new AppImage("image", {
        customAmiId: prod.customAmiId,
        customAmiRegion: prod.customAmiId ? prod.region : undefined,
        region: cfg.region,
        tags,
    });

    // stacks/outputs.ts DrOutputs.
    const outputs: ProgramOutputs<DrOutputs> = {
        role: "dr",
        promote: cfg.promote,
        region: cfg.region,
        vpcCidr: cfg.vpcCidr,
        vpcId: network.vpcId,
        dbInstanceArn: database.dbInstanceArn,
        dbInstanceIdentifier: database.dbInstanceIdentifier,
        dbCredentialsSecretArn: database.credentialsSecretArn,
        dbKmsKeyArn: database.kmsKeyArn,
        mediaBucketArn: media.bucketArn,
        mediaBucketName: media.bucketName,
        appImageId: image.imageId,
        drill: cfg.drill,
        databaseGeneration: cfg.databaseGeneration,
    };

    // Failback step 3: media written in dr while it served traffic flows back to prod's bucket.
    if (cfg.reverseReplication) {
        new MediaReplication("media-reverse-replication", { sourceBucket: media, destinationBucketArn: prod.mediaBucketArn, tags });
    }
    if (!cfg.promote && !cfg.drill) {
        return outputs;
    }

    // Promoted: the app tier serves users. Drill: the same tier runs against the replica, which
    // keeps replicating and stays read-only; no DNS record points at it.
    const app = deployAppTier(ctx, { network, database, media, image, highAvailability: false });
    // The SECONDARY record exists only once promoted: Route 53 then answers with dr whenever
    // prod's health check fails. A drill must never receive users, so it gets no record.
    if (cfg.promote && cfg.domainName && cfg.hostedZoneId) {
        new FailoverDns("dns", {
            role: "SECONDARY",
            domainName: cfg.domainName,
            hostedZoneId: cfg.hostedZoneId,
            albDnsName: app.albDnsName,
            albZoneId: app.albZoneId,
            setIdentifier: `${ctx.stack}-${cfg.region}`,
            tags,
        });
    }
    return { ...outputs, albDnsName: app.albDnsName, albZoneId: app.albZoneId, asgName: app.asgName, appSecretArn: app.appSecretArn };
}
