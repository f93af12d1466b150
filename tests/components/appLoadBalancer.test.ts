// WebLoadBalancer under the offline engine, with and without a domain.
import { strict as assert } from "assert";
import { recordResources, Recording } from "../support/offline";
import type { WebLoadBalancer as WebLoadBalancerClass, WebLoadBalancerArgs } from "../../components/app/loadBalancer";

const T = {
    component: "pilot-light:app:WebLoadBalancer",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    cert: "aws:acm/certificate:Certificate",
    validation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
};

const args = (over: Partial<WebLoadBalancerArgs> = {}): WebLoadBalancerArgs => ({
    vpcId: "vpc-0123",
    subnetIds: ["subnet-pub-a", "subnet-pub-b"],
    securityGroupId: "sg-alb",
    accessLogBucket: "pilot-light-logs-0123",
    tags: { Project: "pilot-light" },
    ...over,
});

const value = <T>(o: { apply: (f: (v: T) => void) => unknown } | undefined): Promise<T | undefined> =>
    o === undefined ? Promise.resolve(undefined) : new Promise((resolve) => o.apply(resolve));

async function build(name: string, a: WebLoadBalancerArgs): Promise<{ rec: Recording; lb: WebLoadBalancerClass }> {
    const rec = await recordResources("us-west-2");
    const { WebLoadBalancer } = await import("../../components/app/loadBalancer");
    const lb = new WebLoadBalancer(name, a);
    await rec.settle();
    return { rec, lb };
}

function assertCommon(rec: Recording, name: string, deletionProtection: boolean): void {
    const alb = rec.one(T.alb, `${name}-alb`).inputs;
    assert.equal(alb.loadBalancerType, "application");
    assert.equal(alb.internal, false);
    assert.deepEqual(alb.subnets, ["subnet-pub-a", "subnet-pub-b"]);
    assert.deepEqual(alb.securityGroups, ["sg-alb"]);
    assert.equal(alb.dropInvalidHeaderFields, true);
    assert.equal(alb.enableDeletionProtection, deletionProtection);
    assert.deepEqual(alb.accessLogs, { enabled: true, bucket: "pilot-light-logs-0123", prefix: "alb" });
    const tg = rec.one(T.tg, `${name}-tg`).inputs;
    assert.equal(tg.port, 80);
    assert.equal(tg.protocol, "HTTP");
    assert.equal(tg.vpcId, "vpc-0123");
    assert.equal(tg.targetType, "instance");
    assert.deepEqual(tg.healthCheck, {
        enabled: true, protocol: "HTTP", path: "/", matcher: "200-399",
        interval: 30, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 2,
    });
}

describe("app/WebLoadBalancer", () => {
    describe("without a domain", () => {
        let rec: Recording;
        let lb: WebLoadBalancerClass;
        before(async () => ({ rec, lb } = await build("dr-app-web", args())));

        it("registers exactly the ALB, the target group and one listener", () => {
            const c = rec.one(T.component, "dr-app-web");
            assert.deepEqual(rec.childTypes(c.urn), [T.alb, T.listener, T.tg].sort());
            assert.deepEqual(rec.ofType(T.listener).map((l) => l.name), ["dr-app-web-http"]);
        });

        it("is an internet-facing ALB that drops invalid headers and logs to the given bucket, without deletion protection by default", () => {
            assertCommon(rec, "dr-app-web", false);
        });

        it("forwards HTTP 80 to the target group", () => {
            const l = rec.one(T.listener, "dr-app-web-http").inputs;
            assert.equal(l.port, 80);
            assert.equal(l.protocol, "HTTP");
            assert.equal(l.loadBalancerArn, rec.one(T.alb).outputs.arn);
            assert.deepEqual(l.defaultActions, [{ type: "forward", targetGroupArn: rec.one(T.tg).outputs.arn }]);
        });

        it("exposes the ALB's ARN, DNS name and zone, and the target group, with no HTTPS outputs", async () => {
            const alb = rec.one(T.alb).outputs;
            assert.equal(await value(lb.albArn), alb.arn);
            assert.equal(await value(lb.albDnsName), alb.dnsName);
            assert.equal(await value(lb.albZoneId), "Z1H1FL5HABSF5");
            assert.equal(await value(lb.albArnSuffix), alb.arnSuffix);
            assert.equal(await value(lb.targetGroupArn), rec.one(T.tg).outputs.arn);
            assert.equal(await value(lb.httpListenerArn), rec.one(T.listener).outputs.arn);
            assert.equal(lb.httpsListenerArn, undefined);
            assert.equal(lb.certificateArn, undefined);
        });
    });

    describe("with a domain", () => {
        let rec: Recording;
        let lb: WebLoadBalancerClass;
        before(async () => ({ rec, lb } = await build("prod-app-web", args({
            domainName: "app.example.com", hostedZoneId: "Z0123456789", deletionProtection: true,
            healthCheckPath: "/healthz", healthCheckMatcher: "200",
        }))));

        it("registers the ALB, target group, certificate, validation record and waiter, and two listeners", () => {
            const c = rec.one(T.component, "prod-app-web");
            assert.deepEqual(rec.childTypes(c.urn), [T.alb, T.cert, T.listener, T.listener, T.record, T.tg, T.validation].sort());
            assert.deepEqual(rec.ofType(T.listener).map((l) => l.name).sort(), ["prod-app-web-http", "prod-app-web-https"]);
            assert.equal(rec.ofType(T.record).length, 1, "no record for the site itself, only the validation CNAME");
        });

        it("protects the ALB from deletion and uses the given health check path and matcher", () => {
            assert.equal(rec.one(T.alb).inputs.enableDeletionProtection, true);
            assert.equal(rec.one(T.tg).inputs.healthCheck.path, "/healthz");
            assert.equal(rec.one(T.tg).inputs.healthCheck.matcher, "200");
        });

        it("requests a DNS-validated certificate and writes ACM's CNAME into the zone, kept on delete for the peer region", () => {
            const cert = rec.one(T.cert, "prod-app-web-cert");
            assert.equal(cert.inputs.domainName, "app.example.com");
            assert.equal(cert.inputs.validationMethod, "DNS");
            assert.equal(cert.inputs.region, undefined, "in the stack's region");
            const option = cert.outputs.domainValidationOptions[0];
            const record = rec.one(T.record, "prod-app-web-cert-validation");
            assert.equal(record.inputs.zoneId, "Z0123456789");
            assert.equal(record.inputs.name, option.resourceRecordName);
            assert.equal(record.inputs.type, "CNAME");
            assert.deepEqual(record.inputs.records, [option.resourceRecordValue]);
            assert.equal(record.inputs.allowOverwrite, true);
            assert.equal(record.retainOnDelete, true);
            const validation = rec.one(T.validation, "prod-app-web-cert");
            assert.equal(validation.inputs.certificateArn, cert.outputs.arn);
            assert.deepEqual(validation.propertyDependencies.validationRecordFqdns, [record.urn]);
        });

        it("serves HTTPS 443 with TLS 1.3 and the validated certificate, forwarding to the group", () => {
            const l = rec.one(T.listener, "prod-app-web-https");
            assert.equal(l.inputs.port, 443);
            assert.equal(l.inputs.protocol, "HTTPS");
            assert.equal(l.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
            assert.equal(l.inputs.certificateArn, rec.one(T.cert).outputs.arn);
            assert.deepEqual(l.propertyDependencies.certificateArn, [rec.one(T.validation).urn], "waits for validation");
            assert.deepEqual(l.inputs.defaultActions, [{ type: "forward", targetGroupArn: rec.one(T.tg).outputs.arn }]);
        });

        it("redirects HTTP 80 to HTTPS with a 301", () => {
            const l = rec.one(T.listener, "prod-app-web-http").inputs;
            assert.equal(l.port, 80);
            assert.equal(l.protocol, "HTTP");
            assert.deepEqual(l.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
        });

        it("exposes the HTTPS listener and the certificate", async () => {
            assert.equal(await value(lb.httpsListenerArn), rec.one(T.listener, "prod-app-web-https").outputs.arn);
            assert.equal(await value(lb.certificateArn), rec.one(T.cert).outputs.arn);
        });
    });

    it("rejects bad arguments in one error, registering nothing", async () => {
        const rec = await recordResources("us-east-1");
        const { WebLoadBalancer } = await import("../../components/app/loadBalancer");
        assert.throws(() => new WebLoadBalancer("bad", args({ subnetIds: [], domainName: "app.example.com" })), {
            message: "WebLoadBalancer \"bad\": invalid arguments:\n"
                + "  - subnetIds must not be empty\n"
                + "  - domainName is set (\"app.example.com\") but hostedZoneId is not; set both for HTTPS on the ALB, or neither for HTTPS through CloudFront (its default certificate)",
        });
        await rec.settle();
        assert.deepEqual(rec.records, []);
    });

    it("rejects an internal ALB with a domain or without CloudFront's origin header, naming the key", async () => {
        const { internalProblems } = await import("../../components/app/loadBalancer");
        assert.deepEqual(internalProblems({ internal: true, originHeader: { name: "X-Pilot-Light-Origin-Verify", value: "v" } }), []);
        assert.deepEqual(internalProblems({ internal: false, domainName: "app.example.com" }), []);
        assert.deepEqual(internalProblems({ internal: true, domainName: "app.example.com" }), [
            "internal must be false with domainName (viewers reach that ALB directly), got internal true with domainName \"app.example.com\"",
            "internal true needs originHeader: an internal ALB serves only through CloudFront's VPC origin (./cdn.ts)",
        ]);
    });

    it("makes an internal ALB behind CloudFront's VPC origin when asked", async () => {
        const { rec } = await build("dr-app-web", args({ internal: true, subnetIds: ["subnet-priv-a", "subnet-priv-b"], originHeader: { name: "X-Pilot-Light-Origin-Verify", value: "v" } }));
        const alb = rec.one(T.alb);
        assert.deepEqual([alb.inputs.internal, alb.inputs.subnets], [true, ["subnet-priv-a", "subnet-priv-b"]]);
        assert.match(alb.outputs.dnsName, /^internal-/);
    });
});
