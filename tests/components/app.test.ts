// AppTier under the offline engine: the composed children with and without a domain and high
// availability, the wiring between them, and the safety inputs end to end.
import { strict as assert } from "assert";
import { gunzipSync } from "zlib";
import { recordResources, Recording } from "../support/offline";
import type { AppTier as AppTierClass, AppTierArgs } from "../../components/app/appTier";

const T = {
    tier: "pilot-light:app:AppTier",
    nat: "pilot-light:app:NatEgress",
    cache: "pilot-light:app:RedisCache",
    web: "pilot-light:app:WebLoadBalancer",
    servers: "pilot-light:app:AppServers",
    group: "aws:elasticache/replicationGroup:ReplicationGroup",
    password: "random:index/randomPassword:RandomPassword",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    cert: "aws:acm/certificate:Certificate",
    record: "aws:route53/record:Record",
    cdn: "pilot-light:app:OriginCdn",
    distribution: "aws:cloudfront/distribution:Distribution",
    vpcOrigin: "aws:cloudfront/vpcOrigin:VpcOrigin",
    rule: "aws:lb/listenerRule:ListenerRule",
    natGw: "aws:ec2/natGateway:NatGateway",
    route: "aws:ec2/route:Route",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    asg: "aws:autoscaling/group:Group",
    policy: "aws:iam/rolePolicy:RolePolicy",
    parameter: "aws:ssm/parameter:Parameter",
};

const DB_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-credentials-AbCdEf";
const DB_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const args = (over: Partial<AppTierArgs> = {}): AppTierArgs => ({
    network: {
        vpcId: "vpc-0123",
        availabilityZones: ["us-east-1a", "us-east-1b"],
        publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
        privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
        privateRouteTableIds: ["rtb-priv-a", "rtb-priv-b"],
        albSecurityGroupId: "sg-alb",
        appSecurityGroupId: "sg-app",
        cacheSecurityGroupId: "sg-cache",
        cacheSubnetGroupName: "prod-cache-subnets",
    },
    database: { address: "pilot-light-prod.cabc.us-east-1.rds.amazonaws.com", port: 3306, credentialsSecretArn: DB_SECRET, kmsKeyArn: DB_KEY },
    media: { bucketName: "pilot-light-prod-media", bucketArn: "arn:aws:s3:::pilot-light-prod-media" },
    accessLogBucket: "pilot-light-prod-logs",
    imageId: "ami-0123456789abcdef0",
    instanceType: "t3.medium",
    minSize: 2, maxSize: 6, desiredCapacity: 2,
    cacheNodeType: "cache.t4g.small",
    highAvailability: true,
    domainName: "app.example.com",
    hostedZoneId: "Z0123456789",
    cacheEndpointParameter: "/pilot-light/prod/cache-endpoint",
    tags: { Project: "pilot-light" },
    ...over,
});

/** The tier's own children: the four components and the app secret with its two generated values. */
const TIER_CHILDREN = [T.cache, T.nat, T.servers, T.web, T.secret, T.secretVersion, T.password, T.password, T.parameter].sort();

/** The launch template's user data as the instance gets it: base64 of gzip. */
const userDataOf = (rec: Recording) => gunzipSync(Buffer.from(rec.one(T.lt).inputs.userData, "base64")).toString("utf8");

const value = <V>(o: { apply: (f: (v: V) => void) => unknown }): Promise<V> => new Promise((resolve) => o.apply(resolve));

async function build(name: string, a: AppTierArgs): Promise<{ rec: Recording; tier: AppTierClass }> {
    const rec = await recordResources("us-east-1");
    const { AppTier } = await import("../../components/app/appTier");
    const tier = new AppTier(name, a);
    await rec.settle();
    return { rec, tier };
}

describe("app/AppTier", () => {
    describe("prod: highAvailability and a domain", () => {
        let rec: Recording;
        let tier: AppTierClass;
        before(async () => ({ rec, tier } = await build("prod-app", args())));

        it("registers exactly the four child components and the app secret, named from the tier", () => {
            const t = rec.one(T.tier, "prod-app");
            assert.deepEqual(rec.childTypes(t.urn), TIER_CHILDREN);
            for (const [type, name] of [[T.secret, "prod-app-app-secret"], [T.secretVersion, "prod-app-app-secret"],
                [T.password, "prod-app-check-token"], [T.password, "prod-app-admin-password"]]) {
                assert.equal(rec.one(type, name).parent, t.urn);
            }
            for (const [type, name] of [[T.nat, "prod-app-nat"], [T.cache, "prod-app-cache"], [T.web, "prod-app-web"], [T.servers, "prod-app-servers"]]) {
                assert.equal(rec.one(type, name).parent, t.urn);
            }
            assert.deepEqual(rec.childTypes(rec.one(T.web).urn),
                ["aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation", T.listener, T.listener,
                    T.alb, T.tg, T.record].sort());
        });

        it("runs a two-node Multi-AZ Redis and a deletion-protected ALB", () => {
            const g = rec.one(T.group).inputs;
            assert.deepEqual([g.numCacheClusters, g.automaticFailoverEnabled, g.multiAzEnabled], [2, true, true]);
            assert.deepEqual([g.atRestEncryptionEnabled, g.transitEncryptionEnabled], [true, true]);
            assert.equal(g.subnetGroupName, "prod-cache-subnets");
            assert.deepEqual(g.securityGroupIds, ["sg-cache"]);
            assert.ok(rec.one(T.group).secretInputs.includes("authToken"));
            assert.equal(rec.one(T.alb).inputs.enableDeletionProtection, true);
            assert.deepEqual(rec.one(T.alb).inputs.subnets, ["subnet-pub-a", "subnet-pub-b"]);
            assert.deepEqual(rec.one(T.alb).inputs.securityGroups, ["sg-alb"]);
            assert.equal(rec.one(T.tg).inputs.vpcId, "vpc-0123");
        });

        it("puts a NAT gateway in each AZ's public subnet and routes each private table through its AZ's", () => {
            const gwA = rec.one(T.natGw, "prod-app-nat-gateway");
            const gwB = rec.one(T.natGw, "prod-app-nat-gateway-us-east-1b");
            assert.deepEqual([gwA.inputs.subnetId, gwB.inputs.subnetId], ["subnet-pub-a", "subnet-pub-b"]);
            assert.deepEqual(rec.ofType(T.route).map((r) => [r.name, r.inputs.routeTableId, r.inputs.natGatewayId]).sort(),
                [["prod-app-nat-default-us-east-1a", "rtb-priv-a", gwA.id], ["prod-app-nat-default-us-east-1b", "rtb-priv-b", gwB.id]]);
        });

        it("starts the fleet in every private subnet behind the target group, after the NAT routes exist", () => {
            const asg = rec.one(T.asg);
            assert.deepEqual(asg.inputs.vpcZoneIdentifiers, ["subnet-priv-a", "subnet-priv-b"]);
            assert.deepEqual(asg.inputs.targetGroupArns, [rec.one(T.tg).outputs.arn]);
            assert.equal(asg.inputs.healthCheckType, "ELB");
            assert.deepEqual([asg.inputs.minSize, asg.inputs.desiredCapacity, asg.inputs.maxSize], [2, 2, 6]);
            for (const route of rec.ofType(T.route)) {
                assert.ok(asg.dependencies.includes(route.urn), `the group waits for ${route.name}`);
            }
            const lt = rec.one(T.lt).inputs;
            assert.equal(lt.imageId, "ami-0123456789abcdef0");
            assert.equal(lt.metadataOptions.httpTokens, "required");
            assert.equal("keyName" in lt, false);
            assert.deepEqual(lt.vpcSecurityGroupIds, ["sg-app"]);
        });

        it("keeps the deep-check token and the admin password in one regenerable secret, generated and secret", () => {
            const version = rec.one(T.secretVersion, "prod-app-app-secret");
            assert.equal(version.inputs.secretId, rec.one(T.secret, "prod-app-app-secret").id);
            assert.ok(version.secretInputs.includes("secretString"));
            const { checkToken, adminPassword } = JSON.parse(version.inputs.secretString);
            assert.equal(checkToken, rec.one(T.password, "prod-app-check-token").outputs.result);
            assert.equal(adminPassword, rec.one(T.password, "prod-app-admin-password").outputs.result);
            for (const name of ["prod-app-check-token", "prod-app-admin-password"]) {
                assert.deepEqual([rec.one(T.password, name).inputs.length, rec.one(T.password, name).inputs.special], [40, false]);
            }
            assert.equal(rec.one(T.secret, "prod-app-app-secret").inputs.tags["pilot-light:data-class"], "regenerable");
        });

        it("checks the targets on the cheap health endpoint, which needs no database", () => {
            const hc = rec.one(T.tg).inputs.healthCheck;
            assert.deepEqual([hc.path, hc.matcher, hc.protocol], ["/pilot-light/health", "200", "HTTP"]);
        });

        it("grants the instances exactly the DB secret, the cache token secret, the app secret, the DB key and the bucket", () => {
            const statements = JSON.parse(rec.one(T.policy).inputs.policy).Statement;
            assert.deepEqual(statements.find((s: any) => s.Sid === "ReadAppSecrets").Resource,
                [DB_SECRET, rec.one(T.secret, "prod-app-cache-auth-token").outputs.arn, rec.one(T.secret, "prod-app-app-secret").outputs.arn]);
            assert.equal(statements.find((s: any) => s.Sid === "DecryptDatabaseSecret").Resource, DB_KEY);
            assert.equal(statements.find((s: any) => s.Sid === "ListMediaBucket").Resource, "arn:aws:s3:::pilot-light-prod-media");
            assert.equal(statements.find((s: any) => s.Sid === "ReadWriteMedia").Resource, "arn:aws:s3:::pilot-light-prod-media/*");
            // The offline engine's account (ops/offline/fakes.ts FAKE_ACCOUNT_ID) in us-east-1.
            assert.deepEqual(statements.find((s: any) => s.Sid === "ReadAppParameters"),
                { Sid: "ReadAppParameters", Effect: "Allow", Action: "ssm:GetParameter", Resource: ["arn:aws:ssm:us-east-1:123456789012:parameter/pilot-light/prod/cache-endpoint"] });
        });

        it("writes the cache's endpoint to the SSM parameter the servers read, and the launch template does not wait for the cache", () => {
            const p = rec.one(T.parameter, "prod-app-cache-endpoint");
            assert.deepEqual([p.inputs.name, p.inputs.type, p.inputs.value], ["/pilot-light/prod/cache-endpoint", "String", rec.one(T.group).outputs.primaryEndpointAddress]);
            assert.ok(p.dependencies.includes(rec.one(T.group).urn));
            assert.ok(!rec.one(T.lt).dependencies.includes(rec.one(T.group).urn), "the launch template does not depend on the replication group");
            assert.ok(!userDataOf(rec).includes(rec.one(T.group).outputs.primaryEndpointAddress));
        });

        it("renders user data with the real endpoints and secret ARNs and the domain as the site, and never a secret", () => {
            const script = userDataOf(rec);
            assert.match(script, /^AWS_REGION='us-east-1'$/m);
            assert.match(script, /^DB_HOST='pilot-light-prod\.cabc\.us-east-1\.rds\.amazonaws\.com'$/m);
            assert.match(script, /^DB_PORT='3306'$/m);
            assert.ok(script.includes(`\nDB_SECRET_ARN='${DB_SECRET}'\n`));
            assert.match(script, /^CACHE_ENDPOINT_PARAMETER='\/pilot-light\/prod\/cache-endpoint'$/m);
            assert.ok(script.includes(`\nREDIS_AUTH_SECRET_ARN='${rec.one(T.secret, "prod-app-cache-auth-token").outputs.arn}'\n`));
            assert.ok(script.includes(`\nAPP_SECRET_ARN='${rec.one(T.secret, "prod-app-app-secret").outputs.arn}'\n`));
            assert.match(script, /^MEDIA_BUCKET='pilot-light-prod-media'$/m);
            assert.match(script, /^SITE_URL='https:\/\/app\.example\.com'$/m);
            for (const password of rec.ofType(T.password)) {
                assert.ok(password.outputs.result.length >= 16);
                assert.ok(!script.includes(password.outputs.result), `${password.name} is not in the user data`);
            }
        });

        it("exposes the contract's outputs from the children", async () => {
            assert.equal(await value(tier.albArn), rec.one(T.alb).outputs.arn);
            assert.equal(await value(tier.albDnsName), rec.one(T.alb).outputs.dnsName);
            assert.equal(await value(tier.albZoneId), "Z35SXDOTRQ7X7K");
            assert.equal(await value(tier.targetGroupArn), rec.one(T.tg).outputs.arn);
            assert.equal(await value(tier.asgName), rec.one(T.asg).outputs.name);
            assert.equal(await value(tier.launchTemplateId), rec.one(T.lt).id);
            assert.equal(await value(tier.cacheEndpoint), rec.one(T.group).outputs.primaryEndpointAddress);
            assert.equal(await value(tier.natGatewayId), rec.one(T.natGw, "prod-app-nat-gateway").id);
            assert.equal(await value(tier.cacheAuthSecretArn), rec.one(T.secret, "prod-app-cache-auth-token").outputs.arn);
            assert.equal(await value(tier.appSecretArn), rec.one(T.secret, "prod-app-app-secret").outputs.arn);
        });
    });

    describe("promoted dr: no high availability, no domain", () => {
        let rec: Recording;
        before(async () => ({ rec } = await build("dr-app", args({
            highAvailability: false, domainName: undefined, hostedZoneId: undefined, minSize: 1, desiredCapacity: 1, maxSize: 2,
            database: { address: "dr-db.example", port: 3306, credentialsSecretArn: DB_SECRET },
        }))));

        it("registers the same children plus CloudFront and its origin secret; the ALB answers only CloudFront's header", () => {
            assert.deepEqual(rec.childTypes(rec.one(T.tier, "dr-app").urn), [...TIER_CHILDREN, T.cdn, T.password].sort());
            assert.deepEqual(rec.childTypes(rec.one(T.web, "dr-app-web").urn), [T.alb, T.listener, T.rule, T.tg].sort());
            assert.deepEqual(rec.ofType(T.cert), []);
            assert.deepEqual(rec.ofType(T.record), []);
            const listener = rec.one(T.listener).inputs;
            assert.deepEqual([listener.port, listener.protocol, listener.defaultActions[0].type, listener.defaultActions[0].fixedResponse.statusCode],
                [80, "HTTP", "fixed-response", "403"]);
            const rule = rec.one(T.rule).inputs;
            assert.deepEqual([rule.priority, rule.actions[0].type, rule.conditions[0].httpHeader.httpHeaderName], [1, "forward", "X-Pilot-Light-Origin-Verify"]);
            // The ALB is internal in the private subnets; CloudFront reaches it through a VPC origin.
            const alb = rec.one(T.alb);
            assert.deepEqual([alb.inputs.internal, alb.inputs.subnets], [true, ["subnet-priv-a", "subnet-priv-b"]]);
            assert.deepEqual(rec.childTypes(rec.one(T.cdn, "dr-app-cdn").urn), [T.distribution, "aws:cloudfront/function:Function", T.vpcOrigin].sort());
            const vpcOrigin = rec.one(T.vpcOrigin, "dr-app-cdn-vpc-origin");
            assert.deepEqual(vpcOrigin.inputs.vpcOriginEndpointConfig, {
                name: "dr-app-cdn-alb", arn: alb.outputs.arn, httpPort: 80, httpsPort: 443, originProtocolPolicy: "http-only",
                originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
            });
            const cdn = rec.one(T.distribution).inputs;
            assert.equal(cdn.origins[0].domainName, alb.outputs.dnsName);
            assert.deepEqual(cdn.origins[0].vpcOriginConfig, { vpcOriginId: vpcOrigin.id });
            assert.equal(cdn.origins[0].customOriginConfig, undefined);
            // The same secret value on both sides (the offline RandomPassword's placeholder, never a real one).
            assert.equal(cdn.origins[0].customHeaders[0].name, "X-Pilot-Light-Origin-Verify");
            assert.equal(cdn.origins[0].customHeaders[0].value, rule.conditions[0].httpHeader.values[0]);
            assert.equal(rec.one(T.password, "dr-app-origin-secret").inputs.length, 48);
            // Viewers: HTTPS only; WordPress pages never cached, static files may be.
            assert.deepEqual([cdn.defaultCacheBehavior.viewerProtocolPolicy, cdn.defaultCacheBehavior.cachePolicyId, cdn.defaultCacheBehavior.originRequestPolicyId],
                ["redirect-to-https", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "33f36d7e-f396-46d9-90e0-52428a34d9dc"]);
            // The viewer's IP for the WAF, set by CloudFront on every page request (logins included).
            const fn = rec.one("aws:cloudfront/function:Function", "dr-app-cdn-viewer-ip");
            assert.deepEqual([fn.inputs.runtime, fn.inputs.publish], ["cloudfront-js-2.0", true]);
            assert.deepEqual(cdn.defaultCacheBehavior.functionAssociations, [{ eventType: "viewer-request", functionArn: fn.outputs.arn }]);
            assert.deepEqual(cdn.orderedCacheBehaviors.map((b: any) => [b.pathPattern, b.viewerProtocolPolicy, b.cachePolicyId, b.allowedMethods]), [
                ["/wp-includes/*", "redirect-to-https", "658327ea-f89d-4fab-a63d-7e88639e58f6", ["GET", "HEAD"]],
                ["/wp-content/themes/*", "redirect-to-https", "658327ea-f89d-4fab-a63d-7e88639e58f6", ["GET", "HEAD"]],
                ["/wp-content/uploads/*", "redirect-to-https", "658327ea-f89d-4fab-a63d-7e88639e58f6", ["GET", "HEAD"]]]);
            assert.deepEqual(cdn.viewerCertificate, { cloudfrontDefaultCertificate: true });
        });

        it("runs a single-node Redis without failover and an ALB without deletion protection", () => {
            const g = rec.one(T.group).inputs;
            assert.deepEqual([g.numCacheClusters, g.automaticFailoverEnabled, g.multiAzEnabled], [1, false, false]);
            assert.equal(g.transitEncryptionEnabled, true);
            assert.equal(rec.one(T.alb).inputs.enableDeletionProtection, false);
        });

        it("serves WordPress over HTTPS under dr's own CloudFront name", () => {
            const cdn = rec.one(T.distribution).outputs.domainName;
            assert.match(cdn, /^d[0-9a-f]{13}\.cloudfront\.net$/);
            assert.ok(userDataOf(rec).includes(`\nSITE_URL='https://${cdn}'\n`), userDataOf(rec).split("\n").find((l) => l.startsWith("SITE_URL")));
        });

        it("grants no kms:Decrypt when the database has no key", () => {
            const statements = JSON.parse(rec.one(T.policy).inputs.policy).Statement;
            assert.deepEqual(statements.map((s: any) => s.Sid), ["ReadAppSecrets", "ListMediaBucket", "ReadWriteMedia", "ReadAppParameters"]);
        });
    });

    it("rejects bad arguments with every problem in one error, registering nothing", async () => {
        const rec = await recordResources("us-east-1");
        const { AppTier } = await import("../../components/app/appTier");
        const a = args({ minSize: 3, desiredCapacity: 2, maxSize: 1, domainName: "app.example.com", hostedZoneId: undefined });
        a.network = { ...a.network, publicSubnetIds: [], privateSubnetIds: [] };
        assert.throws(() => new AppTier("prod-app", a), {
            message: "AppTier \"prod-app\": invalid arguments:\n"
                + "  - network.publicSubnetIds must not be empty\n"
                + "  - network.privateSubnetIds must not be empty\n"
                + "  - minSize (3) must be <= desiredCapacity (2)\n"
                + "  - desiredCapacity (2) must be <= maxSize (1)\n"
                + "  - domainName is set (\"app.example.com\") but hostedZoneId is not; set both for HTTPS on the ALB, or neither for HTTPS through CloudFront (its default certificate)",
        });
        assert.throws(() => new AppTier("prod-app", args({ domainName: "*.example.com" })), {
            message: "AppTier \"prod-app\": invalid arguments:\n"
                + "  - domainName must be the site's own name, not a wildcard (WordPress serves one address), got \"*.example.com\"",
        });
        assert.throws(() => new AppTier("dr-app", args({ domainName: undefined, hostedZoneId: "Z0123456789" })), {
            message: "AppTier \"dr-app\": invalid arguments:\n"
                + "  - hostedZoneId is set (\"Z0123456789\") but domainName is not; set both for HTTPS on the ALB, or neither for HTTPS through CloudFront (its default certificate)",
        });
        await rec.settle();
        assert.deepEqual(rec.records, []);
    });
});
