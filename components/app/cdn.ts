// OriginCdn: HTTPS for a stack without a domain. A CloudFront distribution in front of the
// stack's ALB serves viewers over HTTPS with CloudFront's default certificate (*.cloudfront.net)
// and reaches the ALB through a CloudFront VPC origin: the ALB is internal, in the private
// subnets, and CloudFront connects to it over AWS's private connection into the VPC, never the
// public internet. Part of the app layer of the original Terraform split.
//
// AWS's pattern for an ALB origin without exposing it: "Restrict access with VPC origins" (an
// internal ALB in private subnets, a VPC origin for it, the distribution's origin naming that VPC
// origin; the ALB's security group admits CloudFront's origin-facing managed prefix list,
// components/basic/securityGroups.ts). The secret header of "Restrict access to Application Load
// Balancers" stays as defence in depth: the ALB's listener forwards only requests carrying it
// (WebLoadBalancer's `originHeader`), so nothing else in the VPC reaches WordPress through it.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/restrict-access-to-load-balancer.html
//
// Creates the VPC origin and the distribution; the header's value is made by the caller with originSecret() (a
// RandomPassword kept as a Pulumi secret: encrypted in state, never in plain text), since the ALB needs it too. CloudFront's control plane is global (us-east-1), so a dr
// stack makes its VPC origin and distribution in standby (AppStandby), never at promotion (ops/diff/staticStability.ts).
// CloudFront in the China regions cannot serve this: no default certificate there (stacks/services.ts).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { assertValid } from "../validate";

/**
 * The header CloudFront adds to every origin request and the ALB requires. Any name CloudFront
 * allows as a custom origin header (not X-Forwarded-*, Host, ...):
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html
 */
export const ORIGIN_HEADER_NAME = "X-Pilot-Light-Origin-Verify";

/**
 * The header that carries the viewer's IP address to the origin, set by CloudFront itself: a
 * viewer-request CloudFront Function ({@link VIEWER_IP_FUNCTION_CODE}) writes it from
 * `event.viewer.ip`, replacing any value the client sent. The WAF counts logins by it
 * (components/app/waf.ts CLOUDFRONT_CLIENT_IP); X-Forwarded-For would not do, since CloudFront
 * appends the viewer's address to what the client sent and WAF reads the first address.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
 */
export const VIEWER_IP_HEADER = "X-Pilot-Light-Viewer-Ip";

/**
 * The viewer-request function (cloudfront-js-2.0). CloudFront Functions see header names in
 * lower case; setting the key replaces a client's header of the same name.
 */
export const VIEWER_IP_FUNCTION_CODE = [
    "function handler(event) {",
    "    var request = event.request;",
    `    request.headers["${VIEWER_IP_HEADER.toLowerCase()}"] = { value: event.viewer.ip };`,
    "    return request;",
    "}",
    "",
].join("\n");

/**
 * CloudFront's managed policies, by the IDs AWS documents for them (identical in every account).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
 */
export const MANAGED_POLICIES = Object.freeze({
    /** CachingDisabled: TTL 0; WordPress pages depend on cookies (logins, comments, carts). */
    cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    /** CachingOptimized: no cookies or query strings in the key; for static files only. */
    cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    /**
     * AllViewerAndCloudFrontHeaders-2022-06: every viewer header (Host, so WordPress sees its own
     * name), cookie and query string, plus CloudFront-Forwarded-Proto, which tells WordPress the
     * viewer used HTTPS (the ALB's own X-Forwarded-Proto says http: CloudFront reaches it over HTTP
     * inside the VPC).
     */
    allViewerAndCloudFrontHeaders: "33f36d7e-f396-46d9-90e0-52428a34d9dc",
});

/**
 * Paths CloudFront may cache: WordPress's static files (core scripts and styles, themes,
 * uploads). Everything else is a PHP page and passes through uncached.
 */
export const STATIC_PATHS = ["/wp-includes/*", "/wp-content/themes/*", "/wp-content/uploads/*"] as const;

/**
 * CloudFront origins must be DNS names, not IP addresses; a VPC origin's is its internal ALB's.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesOrigin.html
 */
const ORIGIN_ID = "alb";

export interface OriginCdnArgs {
    /** The internal ALB's DNS name, the distribution's origin domain (reached over HTTP on port 80). */
    originDomainName: pulumi.Input<string>;
    /**
     * The internal ALB's ARN, the VPC origin's endpoint. The ALB must be internal (a VPC origin
     * serves a resource in private subnets) in a VPC with an internet gateway, in a Region that
     * supports VPC origins, in the distribution's account.
     * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
     */
    originArn: pulumi.Input<string>;
    /**
     * The value of {@link ORIGIN_HEADER_NAME} ({@link originSecret}); the ALB requires the same
     * value (WebLoadBalancer `originHeader`), so it is made before both. Kept secret here.
     */
    originSecret: pulumi.Input<string>;
    /**
     * Which edge locations serve: `PriceClass_100` (North America, Europe, Israel; the cheapest
     * rates), `PriceClass_200` or `PriceClass_All`. Defaults to `PriceClass_100`.
     * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/PriceClass.html
     */
    priceClass?: string;
    /** Tags for the distribution. Defaults to none. */
    tags?: Record<string, string>;
}

const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"];

/** Every problem with OriginCdn arguments; empty when they are valid. */
export function originCdnProblems(args: OriginCdnArgs): string[] {
    return args.priceClass === undefined || PRICE_CLASSES.includes(args.priceClass) ? []
        : [`priceClass must be one of ${PRICE_CLASSES.join(", ")}, got ${JSON.stringify(args.priceClass)}`];
}

/**
 * The header's value: a RandomPassword `<name>-origin-secret` under `parent`, 48 alphanumerics
 * (no quoting in a header), marked secret so Pulumi encrypts it in state and masks it in output.
 */
export function originSecret(name: string, parent: pulumi.Resource): pulumi.Output<string> {
    return pulumi.secret(new random.RandomPassword(`${name}-origin-secret`, { length: 48, special: false }, { parent }).result);
}

export class OriginCdn extends pulumi.ComponentResource {
    /** The distribution's ID. */
    readonly distributionId: pulumi.Output<string>;
    /** The VPC origin's ID (`vo_...`), which the distribution's origin names. */
    readonly vpcOriginId: pulumi.Output<string>;
    /** The distribution's name, `dxxxxxxxx.cloudfront.net`: the site's address without a domain. */
    readonly domainName: pulumi.Output<string>;

    constructor(name: string, args: OriginCdnArgs, opts?: pulumi.ComponentResourceOptions) {
        assertValid("OriginCdn", name, originCdnProblems(args));
        super("pilot-light:app:OriginCdn", name, {}, opts);
        const secret = pulumi.secret(args.originSecret);
        const toOrigin = { targetOriginId: ORIGIN_ID, viewerProtocolPolicy: "redirect-to-https", compress: true };

        // TLS ends at CloudFront: the ALB has no certificate without a domain (ACM cannot issue one
        // for its amazonaws.com name), so CloudFront speaks HTTP to it, over the VPC origin's
        // private connection. originSslProtocols is required even for http-only (the provider's
        // aws_cloudfront_vpc_origin schema; CreateVpcOrigin's VpcOriginEndpointConfig).
        const vpcOrigin = new aws.cloudfront.VpcOrigin(`${name}-vpc-origin`, {
            vpcOriginEndpointConfig: {
                name: `${name}-alb`,
                arn: args.originArn,
                httpPort: 80,
                httpsPort: 443,
                originProtocolPolicy: "http-only",
                originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
            },
            tags: args.tags ?? {},
        }, { parent: this });

        // Only the default behaviour (the PHP pages, logins included) needs the viewer's IP: the
        // cached static paths never reach the WAF's login rule.
        const viewerIp = new aws.cloudfront.Function(`${name}-viewer-ip`, {
            runtime: "cloudfront-js-2.0",
            comment: `Sets ${VIEWER_IP_HEADER} from the viewer's IP address for the WAF`,
            code: VIEWER_IP_FUNCTION_CODE,
            publish: true,
        }, { parent: this });

        const distribution = new aws.cloudfront.Distribution(`${name}-distribution`, {
            enabled: true,
            isIpv6Enabled: true,
            httpVersion: "http2and3",
            comment: `${name}: HTTPS in front of the ALB (no domain configured)`,
            priceClass: args.priceClass ?? "PriceClass_100",
            origins: [{
                originId: ORIGIN_ID,
                domainName: args.originDomainName,
                vpcOriginConfig: { vpcOriginId: vpcOrigin.id },
                customHeaders: [{ name: ORIGIN_HEADER_NAME, value: secret }],
            }],
            defaultCacheBehavior: {
                ...toOrigin,
                // Logins, comments, the admin: every method, nothing cached, everything forwarded.
                allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                cachedMethods: ["GET", "HEAD"],
                cachePolicyId: MANAGED_POLICIES.cachingDisabled,
                originRequestPolicyId: MANAGED_POLICIES.allViewerAndCloudFrontHeaders,
                functionAssociations: [{ eventType: "viewer-request", functionArn: viewerIp.arn }],
            },
            orderedCacheBehaviors: STATIC_PATHS.map((pathPattern) => ({
                ...toOrigin,
                pathPattern,
                allowedMethods: ["GET", "HEAD"],
                cachedMethods: ["GET", "HEAD"],
                cachePolicyId: MANAGED_POLICIES.cachingOptimized,
            })),
            restrictions: { geoRestriction: { restrictionType: "none" } },
            // *.cloudfront.net: the only certificate without a domain; its security policy is fixed (TLSv1).
            // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html
            viewerCertificate: { cloudfrontDefaultCertificate: true },
            tags: args.tags ?? {},
        }, { parent: this });

        this.distributionId = distribution.id;
        this.vpcOriginId = vpcOrigin.id;
        this.domainName = distribution.domainName;
        this.registerOutputs({ distributionId: this.distributionId, vpcOriginId: this.vpcOriginId, domainName: this.domainName });
    }
}
