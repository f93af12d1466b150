// The dr stack. In standby it keeps only the data warm: the basic layer, an encrypted
// cross-region read replica, the media bucket prod replicates into, the app image and the keys,
// plus what promotion would otherwise need a global control plane for (AppStandby: the app
// servers' IAM role, with a domain the validated certificate, the ALB and the SECONDARY record).
// With `promote` set, the same replica resource is promoted in place (never replaced) and the
// app tier is built; prod is not touched.
import * as pulumi from "@pulumi/pulumi";
import { Network } from "../components/basic";
import { LogBucket, vpcFlowLog } from "../components/logs";
import { BackupReplication, Database, databaseInstanceIdentifier, secretReplicaArn } from "../components/database";
import { FailoverDns } from "../components/dns";
import { AppImage } from "../components/image";
import { MediaBucket, MediaReplication } from "../components/media";
import { AppStandby, cacheEndpointParameterName, StandbyParts } from "../components/app";
import { appDatabaseAddress, deployAppTier, deployFirewall, firewallClientIp, natGatewayPerAz, promotedReplicaEndpoint } from "./appTier";
import { mediaObjectLock } from "./config";
import { albViewers, dbIdentifier, HARDENED_TAG, hasDomain, StackContext } from "./context";
import { DATABASE_COMPONENT_NAME } from "./names";
import type { DrOutputs, PrimaryPeerView, ProgramOutputs } from "./outputs";

export function deployDr(ctx: StackContext, prod: PrimaryPeerView): ProgramOutputs<DrOutputs> {
    const { cfg, tags } = ctx;
    // Hardened (after a failover, `npm run runbook -- harden`): what hardening changes carries
    // HARDENED_TAG, so the policy pack holds it to prod's rules (policies/dr/hardening.ts).
    const hardenedTags: Record<string, string> = cfg.hardened ? { [HARDENED_TAG]: "true" } : {};
    const network = new Network("network", { vpcCidr: cfg.vpcCidr, availabilityZones: ctx.availabilityZones, albViewers: albViewers(cfg), tags });
    const media = new MediaBucket("media", { tags, objectLock: mediaObjectLock(cfg) });
    // Made in standby too: promotion then creates no bucket, and failback keeps the logs.
    const logs = new LogBucket("logs", { tags });
    vpcFlowLog("network-flow-log", network.vpcId, logs.bucketArn, tags);

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
        // Single-AZ while standing by (and while the failover itself runs) keeps the pilot light
        // cheap and the promotion short; hardening converts it in place: ModifyDBInstance with
        // MultiAZ is an online change, no outage, and `multiAz` does not force a new resource
        // (ops/diff/forceNew/table.json). https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html#Concepts.MultiAZ.Migrating
        multiAz: cfg.hardened,
        subnetGroupName: network.dbSubnetGroupName,
        securityGroupIds: [network.dbSecurityGroupId],
        credentialsSecretArn: secretReplicaArn(prod.dbCredentialsSecretArn, cfg.region),
        appCredentialsSecretArn: secretReplicaArn(prod.dbAppCredentialsSecretArn, cfg.region),
        tags,
        stateTags: hardenedTags,
    });

    // Point-in-time recovery in dr: prod's automated backups replicated here, encrypted with dr's
    // key. Owned by dr (created in dr's region, reading prod's ARN from its stack outputs, not its
    // control plane), and kept in every mode: promotion, drills and failback leave its inputs as
    // they are, so nothing replaces it (components/database/backupReplication.ts).
    const backups = new BackupReplication("database-backups", {
        sourceDbInstanceArn: prod.dbInstanceArn,
        // While prod is rebuilt from dr its new generation is a read replica: its backups start at switchover.
        sourceGeneration: prod.rebuildFromPeer === true ? Math.max(1, (prod.databaseGeneration ?? 2) - 1) : prod.databaseGeneration ?? 1,
        kmsKeyArn: database.kmsKeyArn,
        retentionDays: cfg.backupReplicationRetentionDays,
    });

    // prod's custom AMI is copied here ahead of time: during a disaster prod's region may not
    // answer an AMI copy. Without a custom AMI both regions resolve the same public image.
    const image = new AppImage("image", {
        customAmiId: prod.customAmiId,
        customAmiRegion: prod.customAmiId ? prod.region : undefined,
        region: cfg.region,
        tags,
    });

    // Static stability: what the app tier needs from IAM, Route 53 or CloudFront (control planes in
    // one region of the partition, us-east-1 in `aws`) is made now, so promotion calls only dr's
    // regional APIs (components/app/standby.ts). With a domain, the SECONDARY record and the ALB it
    // points at exist too (pilot-light:standbyLoadBalancer), and failover is Route 53's health checks
    // alone; without one, the ALB and the CloudFront distribution in front of it, whose name users
    // are sent to (the failover runbook prints it).
    const withDomain = hasDomain(cfg);
    // Promoted: the servers take the replica's endpoint, which promotion keeps, so they boot while
    // the promotion runs (stacks/appTier.ts promotedReplicaEndpoint). In standby and drills the
    // resource's own address, the same name: the launch template made in standby stays as it is.
    const databaseEndpoint = cfg.promote
        ? promotedReplicaEndpoint(databaseInstanceIdentifier(dbIdentifier(pulumi.getProject(), ctx.stack), cfg.databaseGeneration)) : undefined;
    const standby = new AppStandby("app-standby", {
        // The app user's secret (replicated from prod): the app servers never read the master's.
        secretArns: [database.appCredentialsSecretArn],
        kmsKeyArn: database.credentialsKeyArn,
        mediaBucketArn: media.bucketArn,
        cacheEndpointParameter: cacheEndpointParameterName(pulumi.getProject(), ctx.stack),
        domainName: cfg.domainName,
        hostedZoneId: cfg.hostedZoneId,
        loadBalancer: cfg.standbyLoadBalancer
            ? {
                // Without a domain, internal in the private subnets: CloudFront's VPC origin (components/app/cdn.ts).
                vpcId: network.vpcId, subnetIds: withDomain ? network.publicSubnetIds : network.privateSubnetIds, internal: !withDomain,
                securityGroupId: network.albSecurityGroupId,
                // Hardened: the standby ALB now serves production (deletion protection, in place).
                deletionProtection: cfg.hardened, tags: hardenedTags, accessLogBucket: logs.bucketName,
            } : undefined,
        // Off the promotion's critical path (pilot-light:standbyNatGateway): the egress the tier
        // would make (one gateway until hardened, natGatewayPerAz) and the servers' launch template.
        ...(cfg.standbyNatGateway ? {
            egress: {
                publicSubnetIds: network.publicSubnetIds, availabilityZones: network.availabilityZones,
                privateRouteTableIds: network.privateRouteTableIds, perAz: natGatewayPerAz(cfg),
            },
            servers: {
                imageId: image.imageId, instanceType: cfg.appInstanceType, securityGroupId: network.appSecurityGroupId,
                database: { ...appDatabaseAddress(cfg, database, databaseEndpoint), credentialsSecretArn: database.appCredentialsSecretArn },
                mediaBucketName: media.bucketName,
            },
        } : {}),
        tags,
    });
    if (standby.web && withDomain) {
        secondaryRecord(ctx, standby.web);
    }

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
        dbAppCredentialsSecretArn: database.appCredentialsSecretArn,
        dbKmsKeyArn: database.kmsKeyArn,
        dbBackupsReplicationArn: backups.automatedBackupsArn,
        dbBackupsReplicationRetentionDays: backups.retentionDays,
        mediaBucketArn: media.bucketArn,
        mediaBucketName: media.bucketName,
        mediaImmutability: cfg.mediaImmutability,
        appImageId: image.imageId,
        drill: cfg.drill,
        databaseGeneration: cfg.databaseGeneration,
        ...(standby.cdn ? { cdnDomainName: standby.cdn.domainName } : {}),
    };

    // Failback step 3: media written in dr while it served traffic flows back to prod's bucket.
    if (cfg.reverseReplication) {
        new MediaReplication("media-reverse-replication", { sourceBucket: media, destinationBucketArn: prod.mediaBucketArn, tags });
    }
    // The web application firewall is made in standby (components/app/waf.ts): promotion then
    // adds at most the association with the tier's ALB, through dr's own regional API. The standby
    // ALB is protected from the start: the SECONDARY record's public target, or CloudFront's origin.
    const protectedAlbs: Record<string, pulumi.Input<string>> = standby.web ? { standby: standby.web.albArn } : {};
    if (!cfg.promote && !cfg.drill) {
        deployFirewall(ctx, protectedAlbs, firewallClientIp(ctx));
        return outputs;
    }

    // Promoted: the app tier serves users. Drill: the same tier runs against the replica, which
    // keeps replicating and stays read-only; no DNS record points at it.
    // A drill must never receive users: with a domain it gets its own ALB, not the standby one the
    // SECONDARY record points at, so that record stays unhealthy (no targets) while the drill runs.
    // Without a domain nothing sends users to dr's distribution until an operator does, so the drill
    // rehearses the real path: the standby ALB behind it (and needs no CloudFront change of its own).
    // The drill uses the standby's egress too (a second set of default routes would clash).
    const parts: StandbyParts = cfg.promote || !withDomain ? standby : {
        identity: standby.identity, appSecretArn: standby.appSecretArn, cacheAuth: standby.cacheAuth, certificateArn: standby.certificateArn,
        egress: standby.egress, launchTemplate: standby.launchTemplate,
    };
    // Lean while it fails over (one Redis node, no ALB deletion protection): prod's pieces once hardened.
    const app = deployAppTier(ctx, {
        network, database, media, image, logs, highAvailability: cfg.hardened, highAvailabilityTags: hardenedTags, standby: parts, databaseEndpoint,
    });
    // Promoted with a standby ALB, the tier serves from that one, already associated; otherwise
    // (a drill's own ALB, or no standby ALB) the tier's ALB is associated now.
    deployFirewall(ctx, parts.web ? protectedAlbs : { ...protectedAlbs, app: app.albArn }, firewallClientIp(ctx));
    // Without a standby ALB the record can only be made now, through Route 53's control plane:
    // the promotion plan's static-stability check fails on it (ops/diff/staticStability.ts).
    if (cfg.promote && withDomain && !standby.web) {
        secondaryRecord(ctx, app);
    }
    return {
        ...outputs, albDnsName: app.albDnsName, albZoneId: app.albZoneId, asgName: app.asgName, appSecretArn: app.appSecretArn,
        ...(app.cdnDomainName ? { cdnDomainName: app.cdnDomainName } : {}),
    };
}

/**
 * dr's half of the Route 53 failover pair: Route 53 answers with it whenever prod's health check
 * fails and its ALB has a healthy target.
 */
function secondaryRecord(ctx: StackContext, alb: { albDnsName: pulumi.Output<string>; albZoneId: pulumi.Output<string> }): FailoverDns {
    const { cfg, tags } = ctx;
    return new FailoverDns("dns", {
        role: "SECONDARY",
        domainName: cfg.domainName!,
        hostedZoneId: cfg.hostedZoneId!,
        albDnsName: alb.albDnsName,
        albZoneId: alb.albZoneId,
        setIdentifier: `${ctx.stack}-${cfg.region}`,
        tags,
    });
}
