// The primary (prod) stack: the whole workload in one region, plus what dr needs to keep its
// pilot light warm: a DB that replicas can be made from, a credentials secret replicated to the
// dr region, and media replicated to dr's bucket once dr exists (bootstrap step 3).
import * as pulumi from "@pulumi/pulumi";
import { Network } from "../components/basic";
import { LogBucket, vpcFlowLog } from "../components/logs";
import { Database, DatabaseKind } from "../components/database";
import { FailoverDns } from "../components/dns";
import { SingletonService } from "../components/ha";
import { SNAPSHOT_COPY_RETAIN_DAYS } from "../components/ha/snapshots";
import { AppImage } from "../components/image";
import { MediaBucket, MediaReplication } from "../components/media";
import { mediaObjectLock, NAMESPACE } from "./config";
import { deployAppTier, deployFirewall, firewallClientIp } from "./appTier";
import { albViewers, dbIdentifier, StackContext } from "./context";
import { DATABASE_COMPONENT_NAME } from "./names";
import type { DrPeerView, PrimaryOutputs, ProgramOutputs } from "./outputs";

export function deployPrimary(ctx: StackContext, dr: DrPeerView | undefined): ProgramOutputs<PrimaryOutputs> {
    const { cfg, tags } = ctx;
    const network = new Network("network", { vpcCidr: cfg.vpcCidr, availabilityZones: ctx.availabilityZones, albViewers: albViewers(cfg), tags });

    // Until dr exists there is nowhere to replicate to; the tag tells the policy pack (and a
    // reader of the console) that this is bootstrap step 1, not a forgotten replication rule.
    const media = new MediaBucket("media", {
        objectLock: mediaObjectLock(cfg),
        tags: dr ? tags : { ...tags, [`${NAMESPACE}:bootstrap`]: "awaiting-dr" },
    });
    const logs = new LogBucket("logs", { tags });
    vpcFlowLog("network-flow-log", network.vpcId, logs.bucketArn, tags);
    if (dr) {
        new MediaReplication("media-replication", { sourceBucket: media, destinationBucketArn: dr.mediaBucketArn, tags });
    }

    // Generation 1 is the original primary. A later generation was built from the promoted dr
    // database during failback: a replica while rebuildFromPeer is set, promoted in place after.
    // (stacks/config.ts refuses rebuildFromPeer on generation 1; peer.ts a dr without dbInstanceArn.)
    // The secret's replica in dr is encrypted with dr's own key once dr exists (bootstrap step 3);
    // before, with the dr region's AWS-managed key.
    const secretReplica = { credentialsReplicaRegion: cfg.peerRegion, credentialsReplicaKmsKeyArn: dr?.dbKmsKeyArn };
    const kind: DatabaseKind = cfg.databaseGeneration === 1 ? { kind: "primary", ...secretReplica }
        : cfg.rebuildFromPeer
            ? { kind: "rebuilt-standby", sourceDbArn: dr!.dbInstanceArn!, replicaLagThresholdSeconds: cfg.replicaLagAlarmSeconds, ...secretReplica }
            : { kind: "rebuilt-promoted", ...secretReplica };
    const database = new Database(DATABASE_COMPONENT_NAME, {
        ...kind,
        generation: cfg.databaseGeneration,
        identifier: dbIdentifier(pulumi.getProject(), ctx.stack),
        instanceClass: cfg.dbInstanceClass,
        allocatedStorageGb: cfg.dbAllocatedStorageGb,
        backupRetentionDays: cfg.backupRetentionDays,
        multiAz: true,
        subnetGroupName: network.dbSubnetGroupName,
        securityGroupIds: [network.dbSecurityGroupId],
        tags,
    });

    const image = new AppImage("image", {
        customAmiId: cfg.customAmiId,
        customAmiRegion: cfg.customAmiId ? cfg.region : undefined,
        region: cfg.region,
        tags,
    });

    // While prod is rebuilt from dr its database is a read-only replica, so the fleet is parked:
    // no healthy target, the PRIMARY health check fails, and DNS keeps sending users to dr. The
    // tier itself (cache, its secret, ALB, records) stays, so switchover only starts instances.
    const app = deployAppTier(ctx, { network, database, media, image, logs, highAvailability: true, parked: cfg.rebuildFromPeer });
    // In front of the ALB: AWS managed rules and a rate limit on the login paths (components/app/waf.ts),
    // counted per viewer (behind CloudFront, from the viewer-IP header its function sets).
    deployFirewall(ctx, { app: app.albArn }, firewallClientIp(ctx));

    // DNS failover: the PRIMARY record answers while prod's health check passes (and its ALB has
    // healthy targets); otherwise Route 53 answers with dr's SECONDARY record, once dr is
    // promoted. No one edits DNS during a disaster.
    const dns = cfg.domainName && cfg.hostedZoneId ? new FailoverDns("dns", {
        role: "PRIMARY",
        domainName: cfg.domainName,
        hostedZoneId: cfg.hostedZoneId,
        albDnsName: app.albDnsName,
        albZoneId: app.albZoneId,
        setIdentifier: `${ctx.stack}-${cfg.region}`,
        healthCheck: { https: true },
        tags,
    }) : undefined;

    // The stateful singleton (a CI server in the source material), made highly available by
    // the pattern chosen in config. It sits in the public subnets because it owns an Elastic IP.
    const singleton = new SingletonService("singleton", {
        mode: cfg.singletonMode,
        vpcId: network.vpcId,
        subnets: network.availabilityZones.map((az, i) => ({ az, subnetId: network.publicSubnetIds[i] })),
        imageId: image.imageId,
        instanceType: cfg.singletonInstanceType,
        // Each scheduled snapshot of its data volume is copied to dr's region, encrypted with dr's
        // key (the database's: the one customer key dr keeps in standby), so dr can restore the
        // singleton after a region failure (docs/runbooks/singleton-restore.md). Before dr exists
        // (bootstrap step 1) there is no key to copy with, so there is no copy.
        snapshotCopy: dr?.dbKmsKeyArn ? { region: cfg.peerRegion!, kmsKeyArn: dr.dbKmsKeyArn, retainDays: SNAPSHOT_COPY_RETAIN_DAYS } : undefined,
        tags,
    });

    // stacks/outputs.ts PrimaryOutputs: stable IDs and ARNs only, no secrets.
    return {
        role: "primary",
        promote: false,
        region: cfg.region,
        vpcCidr: cfg.vpcCidr,
        // Required for the primary role (stacks/config.ts refuses a primary without it).
        peerRegion: cfg.peerRegion!,
        vpcId: network.vpcId,
        dbInstanceArn: database.dbInstanceArn,
        dbInstanceIdentifier: database.dbInstanceIdentifier,
        dbCredentialsSecretArn: database.credentialsSecretArn,
        dbAppCredentialsSecretArn: database.appCredentialsSecretArn,
        mediaBucketArn: media.bucketArn,
        mediaBucketName: media.bucketName,
        mediaImmutability: cfg.mediaImmutability,
        ...(cfg.customAmiId ? { customAmiId: cfg.customAmiId } : {}),
        appImageId: image.imageId,
        albDnsName: app.albDnsName,
        albZoneId: app.albZoneId,
        asgName: app.asgName,
        appSecretArn: app.appSecretArn,
        ...(dns ? { domainName: cfg.domainName, healthCheckId: dns.healthCheckId } : {}),
        ...(app.cdnDomainName ? { cdnDomainName: app.cdnDomainName } : {}),
        rebuildFromPeer: cfg.rebuildFromPeer,
        databaseGeneration: cfg.databaseGeneration,
        replicationEnabled: dr !== undefined,
        singletonMode: cfg.singletonMode,
        singletonPublicIp: singleton.publicIp,
    };
}
