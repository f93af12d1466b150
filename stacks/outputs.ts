// The contract between the two stacks and the operator tooling: what each stack exports, as
// declared types. The programs return them (stacks/primary.ts, stacks/dr.ts), the peer stack
// validates the part it reads (stacks/peer.ts, PEER_READS), and ops/ reads them through these
// types (ops/runbooks/stackOutputs.ts), so a renamed or dropped output fails to compile, and
// tests/stacks/outputs.test.ts plans each stack and checks every output ops/ reads is there.
// Only stable IDs, ARNs and names are exported: never a secret value (pulumi/examples'
// stack-reference architecture; HOUSE_STYLE.md).
import type * as pulumi from "@pulumi/pulumi";
import type { SingletonMode } from "../components/ha/modes";
import type { MediaImmutability } from "./configSchema";

/** What the primary (prod) stack exports. */
export interface PrimaryOutputs {
    role: "primary";
    /** Always false: promote is dr's setting; dr refuses a peer that reports true. */
    promote: false;
    region: string;
    vpcCidr: string;
    /** The dr region prod replicates its credentials secret to. */
    peerRegion: string;
    vpcId: string;
    dbInstanceArn: string;
    /** The current generation's DB identifier (components/database owns the naming rule). */
    dbInstanceIdentifier: string;
    /** The master credentials secret (replicated to dr): operators and the app-user function only. */
    dbCredentialsSecretArn: string;
    /** The app's own database user's secret (replicated to dr): what the app servers read. */
    dbAppCredentialsSecretArn: string;
    mediaBucketArn: string;
    mediaBucketName: string;
    /** The media bucket's Object Lock (pilot-light:mediaImmutability): dr's bucket must be locked whenever this is. */
    mediaImmutability: MediaImmutability;
    /** Set only when prod runs a custom AMI: dr copies it. */
    customAmiId?: string;
    appImageId: string;
    /**
     * The app tier is always exported: while prod is rebuilt from dr (failback) the tier exists
     * with its fleet parked at 0 instances, so these stay set.
     */
    albDnsName: string;
    albZoneId: string;
    asgName: string;
    /** The app tier's secret (the deep check's token): the drill writes its marker through prod's app with it. */
    appSecretArn: string;
    /** Set with a domain (pilot-light:domainName and hostedZoneId). */
    domainName?: string;
    /**
     * Set without a domain: prod's CloudFront distribution (`dxxxx.cloudfront.net`), where users
     * reach the site over HTTPS and the runbooks' deep check goes (the ALB answers only CloudFront).
     */
    cdnDomainName?: string;
    /** Prod's Route 53 health check, set with a domain. */
    healthCheckId?: string;
    rebuildFromPeer: boolean;
    databaseGeneration: number;
    /** True once media replicates to dr (bootstrap step 3). */
    replicationEnabled: boolean;
    singletonMode: SingletonMode;
    singletonPublicIp: string;
}

/** What the dr stack exports. */
export interface DrOutputs {
    role: "dr";
    promote: boolean;
    region: string;
    vpcCidr: string;
    vpcId: string;
    /** The replica, or once promoted the standalone database: prod is rebuilt from it during failback. */
    dbInstanceArn: string;
    dbInstanceIdentifier: string;
    /** The replica of prod's master credentials secret in this region. */
    dbCredentialsSecretArn: string;
    /** The replica of prod's app user's secret in this region: dr's app servers read it. */
    dbAppCredentialsSecretArn: string;
    /** dr's database key (customer-managed, this region): prod encrypts its secret's replica here with it. */
    dbKmsKeyArn: string;
    /**
     * prod's automated backups replicated into this region (their `DBInstanceAutomatedBackupsArn`):
     * the recover runbook restores prod's database to a point in time from them while prod is dark.
     */
    dbBackupsReplicationArn: string;
    /** Days the replicated backups are kept (pilot-light:backupReplicationRetentionDays): the restore window. */
    dbBackupsReplicationRetentionDays: number;
    mediaBucketArn: string;
    mediaBucketName: string;
    /** The media bucket's Object Lock (pilot-light:mediaImmutability): prod locks its bucket only once this is locked. */
    mediaImmutability: MediaImmutability;
    appImageId: string;
    drill: boolean;
    databaseGeneration: number;
    /** Set while dr runs its app tier (promoted, or a drill). */
    albDnsName?: string;
    albZoneId?: string;
    asgName?: string;
    /** Set while dr runs its app tier: the runbooks' deep check reads its token with it. */
    appSecretArn?: string;
    /**
     * Without a domain, dr's CloudFront distribution: where users go after a failover (there is no
     * DNS to move them). Made in standby (pilot-light:standbyLoadBalancer), so set in every mode then.
     */
    cdnDomainName?: string;
}

/** A stack's outputs as its program returns them: each value may still be an Output. */
export type ProgramOutputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/**
 * What each stack reads from its peer through the StackReference, by the reader's role:
 * `required` must be there (else the peer is not deployed, or with an older program), the
 * `optional` ones are read when present.
 */
export const PEER_READS = {
    /** dr reads prod's. */
    dr: {
        required: ["role", "promote", "region", "vpcCidr", "peerRegion", "dbInstanceArn", "dbCredentialsSecretArn", "dbAppCredentialsSecretArn", "mediaBucketArn"],
        // prod's generation names dr's backups replication (a new source is replicated beside the old
        // one); while prod is rebuilt from dr (a replica), dr keeps replicating the previous generation's.
        // prod's Object Lock: dr, the destination of prod's replication, must then be locked too.
        optional: ["customAmiId", "databaseGeneration", "rebuildFromPeer", "mediaImmutability"],
    },
    /** prod reads dr's: its bucket to replicate to, its key for the secret's replica, and during failback the database to rebuild from. */
    primary: {
        required: ["role", "promote", "region", "vpcCidr", "mediaBucketArn"],
        optional: ["dbInstanceArn", "dbKmsKeyArn", "mediaImmutability"],
    },
} as const satisfies {
    dr: { required: readonly (keyof PrimaryOutputs)[]; optional: readonly (keyof PrimaryOutputs)[] };
    primary: { required: readonly (keyof DrOutputs)[]; optional: readonly (keyof DrOutputs)[] };
};

type Reads<T, R extends { required: readonly (keyof T)[]; optional: readonly (keyof T)[] }> =
    Pick<T, R["required"][number]> & Partial<Pick<T, R["optional"][number]>>;

/** What dr sees of prod once stacks/peer.ts has validated it. */
export type PrimaryPeerView = Reads<PrimaryOutputs, typeof PEER_READS.dr>;
/** What prod sees of dr once stacks/peer.ts has validated it. */
export type DrPeerView = Reads<DrOutputs, typeof PEER_READS.primary>;
