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
// without a domain, which dr's CloudFront distribution (OriginCdn, ./cdn.ts; CloudFront's control
// plane is global too) fronts. The promoted app tier (AppTier) uses all of these instead of making
// its own. The standby ALB has no targets, so Route 53 counts the SECONDARY record unhealthy (and
// the distribution answers 503) until promotion registers them.
import * as pulumi from "@pulumi/pulumi";
import { ORIGIN_HEADER_NAME, OriginCdn, originSecret } from "./cdn";
import { ServerIdentity, createServerIdentity } from "./identity";
import { WebLoadBalancer } from "./loadBalancer";
import { appSecret, CacheAuth, cacheAuthToken } from "./secrets";
import { validatedCertificate } from "./certificate";
import { APP_TARGET_HEALTH } from "./userData";
import { cacheEndpointParameterProblems, domainProblems, nonEmptyProblems } from "./validate";
import { cacheEndpointParameterArn } from "./cacheEndpoint";
import { assertValid } from "../validate";

/**
 * Tag on the standby ALB (value `static-stability`): made ahead of failover on purpose, so the
 * policy pack's dr-standby-minimal accepts it (policies/lib/resources.ts reads the same name).
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
     * Where a standby ALB goes (public subnets, at least two AZs; the ALB's security group; the
     * VPC of its target group). Defaults to none: the promoted tier makes its own. With a domain
     * it is what the SECONDARY record points at before a disaster; without one, a CloudFront
     * distribution is made in front of it here, so promotion creates nothing in CloudFront.
     */
    loadBalancer?: {
        vpcId: pulumi.Input<string>; subnetIds: pulumi.Input<string>[]; securityGroupId: pulumi.Input<string>;
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
}

export class AppStandby extends pulumi.ComponentResource implements StandbyParts {
    readonly identity: ServerIdentity;
    /** The app secret (deep-check token, WordPress admin password). */
    readonly appSecretArn: pulumi.Output<string>;
    readonly cacheAuth: CacheAuth;
    readonly certificateArn?: pulumi.Output<string>;
    readonly web?: WebLoadBalancer;
    readonly cdn?: OriginCdn;

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
                this.cdn = new OriginCdn(`${name}-cdn`, { originDomainName: this.web.albDnsName, originSecret: origin, tags }, { parent: this });
            }
        }
        this.registerOutputs({
            roleArn: this.identity.roleArn,
            instanceProfileArn: this.identity.instanceProfileArn,
            appSecretArn: this.appSecretArn,
            cacheAuthSecretArn: this.cacheAuth.secretArn,
            certificateArn: this.certificateArn,
            albDnsName: this.web?.albDnsName,
            cdnDomainName: this.cdn?.domainName,
        });
    }
}
