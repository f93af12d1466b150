// AppStandby: what a dr stack's app tier needs from a control plane outside dr's region, made
// while dr stands by so that promotion needs none. Part of the app layer of the original
// Terraform split, moved ahead of the disaster.
//
// AWS's fault-isolation guidance: keep global services' control planes (IAM, Route 53: both in
// us-east-1 in the `aws` partition, IAM in cn-north-1 in `aws-cn`) off the recovery path, and
// rely on their data planes (IAM's authorization, DNS answers, health checks) instead.
// https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html
// https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/appendix-a---partitional-service-guidance.html
//
// Creates, always: the app servers' identity (IAM role, Session Manager attachment, inline policy,
// instance profile; ./identity.ts) and the secrets that policy names (the app secret, the Redis
// AUTH token; ./secrets.ts), allowed to read the cache endpoint's SSM parameter before it
// exists (./cacheEndpoint.ts). With a domain: the ACM certificate, its Route 53 validation record
// and the validation (./certificate.ts); and with `loadBalancer`, the ALB with its target group
// and listeners (WebLoadBalancer), which the stack's SECONDARY failover record points at, or,
// without a domain, the internal ALB that dr's CloudFront VPC origin and distribution (OriginCdn,
// ./cdn.ts; CloudFront's control plane is global too) front. The promoted app tier (AppTier) uses all of these instead of making
// its own. The standby ALB has no targets, so Route 53 counts the SECONDARY record unhealthy (and
// the distribution answers 503) until promotion registers them.
//
// Also, to shorten the promotion's critical path (issue 14: 10 minutes or less from the decision
// to serving), with `egress` the app tier's NAT egress (NatEgress, ./nat.ts: one gateway, its
// EIP and the private subnets' default routes; pilot-light:standbyNatGateway) and, with `servers`,
// the app servers' launch template: promotion then creates the Auto Scaling group and waits for
// nothing else. The launch template needs the site's address, so it is made only with a domain or
// with the standby ALB's distribution; the cache it never waits for (its endpoint is read from
// SSM at run time, ./cacheEndpoint.ts).
import * as pulumi from "@pulumi/pulumi";
import { ORIGIN_HEADER_NAME, OriginCdn, originSecret } from "./cdn";
import { ServerIdentity, createServerIdentity } from "./identity";
import { WebLoadBalancer } from "./loadBalancer";
import { appSecret, CacheAuth, cacheAuthToken } from "./secrets";
import { validatedCertificate } from "./certificate";
import { APP_TARGET_HEALTH } from "./userData";
import { cacheEndpointParameterProblems, domainProblems, nonEmptyProblems } from "./validate";
import { cacheEndpointParameterArn } from "./cacheEndpoint";
import { NatEgress } from "./nat";
import { AppLaunchTemplate, appLaunchTemplate } from "./servers";
import { renderUserData } from "./userData";
import { assertValid } from "../validate";
import * as aws from "@pulumi/aws";

/**
 * Tag on the standby ALB and the standby NAT gateway with its EIP (value `static-stability`):
 * made ahead of failover on purpose, so the policy pack's dr-standby-minimal accepts them
 * (policies/lib/resources.ts reads the same name).
 */
export const STANDBY_PART_TAG = "pilot-light:standby-part";

export interface AppStandbyArgs {
    /**
     * The secrets that exist before the tier (the database credentials), read by the servers.
     * Must not be empty. The tier's own secrets are made here and added.
     */
    secretArns: pulumi.Input<string>[];
    /**
     * The KMS key that encrypts one of `secretArns`, if any (Decrypt via Secrets Manager only);
     * the secrets made here are encrypted with it too.
     */
    kmsKeyArn?: pulumi.Input<string>;
    /** The media bucket the servers mount. */
    mediaBucketArn: pulumi.Input<string>;
    /**
     * The SSM parameter the promoted tier will write the cache endpoint to (AppTierArgs
     * .cacheEndpointParameter, the same name): the servers' policy allows reading it from now on.
     */
    cacheEndpointParameter: string;
    /** The site's name; with `hostedZoneId`, its certificate is made and validated here. Defaults to no domain. */
    domainName?: string;
    /** The Route 53 zone that holds `domainName`. Set both or neither. */
    hostedZoneId?: string;
    /**
     * Where a standby ALB goes (public subnets, or private ones for an internal ALB without a
     * domain; at least two AZs; the ALB's security group; the VPC of its target group). Defaults
     * to none: the promoted tier makes its own. With a domain it is what the SECONDARY record
     * points at before a disaster; without one, a CloudFront VPC origin for it and a distribution
     * are made here, so promotion creates or changes nothing in CloudFront.
     */
    loadBalancer?: {
        vpcId: pulumi.Input<string>; subnetIds: pulumi.Input<string>[]; securityGroupId: pulumi.Input<string>;
        /**
         * Without a domain: true, with the private subnets in `subnetIds` (CloudFront's VPC origin,
         * ./cdn.ts). Defaults to `false` (internet-facing, public subnets). WebLoadBalancerArgs.internal.
         */
        internal?: boolean;
        /**
         * Deletion protection: on for a hardened dr (production after a failover), where it is
         * turned on in place. Defaults to false: the standby ALB outlives failback (it is the
         * SECONDARY record's target), which turns it off again with `hardened`.
         */
        deletionProtection?: boolean;
        /** Tags added to the ALB's own resources (a hardened dr marks them for the policy pack). Defaults to none. */
        tags?: Record<string, string>;
        /** The stack's log bucket (components/logs), for the ALB's access logs. */
        accessLogBucket: pulumi.Input<string>;
    };
    /**
     * The app tier's NAT egress, made now (NatEgress, the same inputs AppTier gives its own).
     * Defaults to none: the promoted tier makes its own, on its critical path (a NAT gateway takes
     * about 2 minutes, docs/resilience.md). `perAz` false keeps one gateway for all AZs.
     */
    egress?: { publicSubnetIds: pulumi.Input<string>[]; availabilityZones: string[]; privateRouteTableIds: pulumi.Input<string>[]; perAz: boolean };
    /**
     * The app servers' launch template, made now with the user data the promoted tier would render
     * (AppTier). Ignored without a domain and without `loadBalancer`: the site's address is then
     * the promoted tier's own distribution's. Defaults to none.
     */
    servers?: {
        imageId: pulumi.Input<string>; instanceType: string; securityGroupId: pulumi.Input<string>;
        /** The database endpoint the servers connect to and the app user's secret. */
        database: { address: pulumi.Input<string>; port: pulumi.Input<number>; credentialsSecretArn: pulumi.Input<string> };
        mediaBucketName: pulumi.Input<string>;
    };
    /** Tags for every taggable child. Defaults to none. */
    tags?: Record<string, string>;
}

/** Every problem with AppStandby arguments, one message each; empty when they are valid. */
export function appStandbyProblems(args: AppStandbyArgs): string[] {
    return [
        ...nonEmptyProblems("secretArns", args.secretArns),
        ...cacheEndpointParameterProblems("cacheEndpointParameter", args.cacheEndpointParameter),
        ...domainProblems(args.domainName, args.hostedZoneId),
        ...(args.loadBalancer ? nonEmptyProblems("loadBalancer.subnetIds", args.loadBalancer.subnetIds) : []),
        ...(args.egress ? nonEmptyProblems("egress.publicSubnetIds", args.egress.publicSubnetIds) : []),
    ];
}

/** What AppTier takes from an AppStandby (see AppTierArgs.standby). */
export interface StandbyParts {
    identity: ServerIdentity;
    appSecretArn: pulumi.Output<string>;
    cacheAuth: CacheAuth;
    /** The issued certificate; undefined without a domain. */
    certificateArn?: pulumi.Output<string>;
    /** The standby ALB; undefined unless `loadBalancer` was given. */
    web?: WebLoadBalancer;
    /** The distribution in front of `web`; only without a domain. */
    cdn?: OriginCdn;
    /** The NAT egress; undefined unless `egress` was given. */
    egress?: NatEgress;
    /** The app servers' launch template; undefined unless `servers` was given and the site has an address. */
    launchTemplate?: AppLaunchTemplate;
}

export class AppStandby extends pulumi.ComponentResource implements StandbyParts {
    readonly identity: ServerIdentity;
    /** The app secret (deep-check token, WordPress admin password). */
    readonly appSecretArn: pulumi.Output<string>;
    readonly cacheAuth: CacheAuth;
    readonly certificateArn?: pulumi.Output<string>;
    readonly web?: WebLoadBalancer;
    readonly cdn?: OriginCdn;
    readonly egress?: NatEgress;
    readonly launchTemplate?: AppLaunchTemplate;

    constructor(name: string, args: AppStandbyArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before super(), so bad arguments register nothing at all.
        assertValid("AppStandby", name, appStandbyProblems(args));
        super("pilot-light:app:AppStandby", name, {}, opts);
        const tags = args.tags ?? {};

        const secret = appSecret(name, tags, this, args.kmsKeyArn);
        this.appSecretArn = secret.arn;
        this.cacheAuth = cacheAuthToken(`${name}-cache`, tags, this, args.kmsKeyArn);
        this.identity = createServerIdentity(`${name}-servers`, {
            secretArns: [...args.secretArns, this.cacheAuth.secretArn, this.appSecretArn],
            kmsKeyArn: args.kmsKeyArn,
            mediaBucketArn: args.mediaBucketArn,
            parameterArns: [cacheEndpointParameterArn(args.cacheEndpointParameter, this)],
            tags,
        }, this);
        const withDomain = args.domainName !== undefined && args.hostedZoneId !== undefined;
        if (withDomain) {
            this.certificateArn = validatedCertificate(name, args.domainName!, args.hostedZoneId!, tags, this);
        }
        if (args.loadBalancer) {
            const { deletionProtection, tags: lbTags, ...placement } = args.loadBalancer;
            const origin = withDomain ? undefined : originSecret(name, this);
            this.web = new WebLoadBalancer(`${name}-web`, {
                ...placement,
                deletionProtection: deletionProtection ?? false,
                domainName: args.domainName,
                hostedZoneId: args.hostedZoneId,
                certificateArn: this.certificateArn,
                originHeader: origin === undefined ? undefined : { name: ORIGIN_HEADER_NAME, value: origin },
                ...APP_TARGET_HEALTH,
                tags: { ...tags, ...(lbTags ?? {}), [STANDBY_PART_TAG]: "static-stability" },
            }, { parent: this });
            if (origin !== undefined) {
                this.cdn = new OriginCdn(`${name}-cdn`, { originDomainName: this.web.albDnsName, originArn: this.web.albArn, originSecret: origin, tags }, { parent: this });
            }
        }
        // Standby parts the policy pack's dr-standby-minimal accepts (policies/dr/placement.ts).
        const partTags = { ...tags, [STANDBY_PART_TAG]: "static-stability" };
        if (args.egress) {
            this.egress = new NatEgress(`${name}-nat`, { ...args.egress, tags: partTags }, { parent: this });
        }
        const siteUrl = withDomain ? pulumi.output(`https://${args.domainName}`) : this.cdn ? pulumi.interpolate`https://${this.cdn.domainName}` : undefined;
        if (args.servers && siteUrl) {
            const s = args.servers;
            const userData = pulumi.output({
                region: aws.getRegionOutput({}, { parent: this }).region, dbHost: s.database.address, dbPort: s.database.port,
                dbSecretArn: s.database.credentialsSecretArn, cacheEndpointParameter: args.cacheEndpointParameter,
                cacheAuthSecretArn: this.cacheAuth.secretArn, appSecretArn: this.appSecretArn, mediaBucket: s.mediaBucketName, siteUrl,
            }).apply(renderUserData);
            this.launchTemplate = appLaunchTemplate(`${name}-servers`, {
                imageId: s.imageId, instanceType: s.instanceType, securityGroupId: s.securityGroupId,
                // Not partTags: a launch template runs nothing, and its tags would reach the instances.
                instanceProfileArn: this.identity.instanceProfileArn, userData, tags,
            }, this);
        }
        this.registerOutputs({
            roleArn: this.identity.roleArn,
            instanceProfileArn: this.identity.instanceProfileArn,
            appSecretArn: this.appSecretArn,
            cacheAuthSecretArn: this.cacheAuth.secretArn,
            certificateArn: this.certificateArn,
            albDnsName: this.web?.albDnsName,
            cdnDomainName: this.cdn?.domainName,
            natGatewayId: this.egress?.natGatewayId,
            launchTemplateId: this.launchTemplate?.id,
        });
    }
}
