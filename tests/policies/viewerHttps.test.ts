// viewer-https: a serving stack offers viewers no plain-HTTP path. Both passing shapes (a domain:
// HTTPS on the ALB, port 80 redirecting; no domain: CloudFront in front, the ALB forwarding only
// CloudFront's origin header) and one broken property per case.
import { strict as assert } from "assert";
import { behindCloudFront, compliantProd, findings, PROD_REGION, Stack } from "./support";

describe("policy viewer-https", () => {
    it("passes a domain's shape (HTTPS with a TLS 1.2+ policy, port 80 redirecting) and the CloudFront shape", async () => {
        assert.deepEqual(await findings(compliantProd(), PROD_REGION, "viewer-https"), []);
        assert.deepEqual(await findings(behindCloudFront(), PROD_REGION, "viewer-https"), []);
    });

    const cases: { title: string; base: () => Stack; breakIt: (s: Stack) => void; expected: { name: string; message: string }[] }[] = [
        {
            title: "plain HTTP forwarding to the app (no domain, no CloudFront: the old default)", base: behindCloudFront,
            breakIt: (s) => { s.get("web-http").inputs.defaultActions = [{ type: "forward", targetGroupArn: "arn:tg" }]; },
            expected: [{ name: "web-http", message: "HTTP listener \"web-http\" forwards to the app by default; redirect it to HTTPS (a domain), or answer a fixed response "
                + "and forward only CloudFront's origin header (components/app/cdn.ts)" }],
        },
        {
            title: "a forwarding rule without the origin header", base: behindCloudFront,
            breakIt: (s) => { s.get("web-from-cdn").inputs.conditions = [{ pathPattern: { values: ["/*"] } }]; },
            expected: [{ name: "web-http", message: "HTTP listener \"web-http\" has rule \"web-from-cdn\" forwarding without an http-header condition "
                + "(CloudFront's origin header), so anyone reaches the app over HTTP" }],
        },
        {
            title: "the origin header gate but no distribution in front", base: behindCloudFront,
            breakIt: (s) => { s.remove("web-cdn"); },
            expected: [{ name: "web-http", message: "HTTP listener \"web-http\" forwards requests with a header, but no CloudFront distribution in this stack "
                + "has load balancer \"web\" as its origin, so no viewer reaches it over HTTPS" }],
        },
        {
            title: "a distribution serving HTTP to viewers (default behaviour)", base: behindCloudFront,
            breakIt: (s) => { s.get("web-cdn").inputs.defaultCacheBehavior.viewerProtocolPolicy = "allow-all"; },
            expected: [{ name: "web-cdn", message: "CloudFront distribution \"web-cdn\"'s default cache behaviour has viewerProtocolPolicy \"allow-all\"; "
                + "use \"redirect-to-https\" or \"https-only\"" }],
        },
        {
            title: "a distribution serving HTTP to viewers (a path's behaviour)", base: behindCloudFront,
            breakIt: (s) => { s.get("web-cdn").inputs.orderedCacheBehaviors[0].viewerProtocolPolicy = "allow-all"; },
            expected: [{ name: "web-cdn", message: "CloudFront distribution \"web-cdn\"'s cache behaviour \"/wp-includes/*\" has viewerProtocolPolicy \"allow-all\"; "
                + "use \"redirect-to-https\" or \"https-only\"" }],
        },
        {
            title: "an HTTPS listener without a named policy (ELB's default)", base: compliantProd,
            breakIt: (s) => { delete s.get("web-https").inputs.sslPolicy; },
            expected: [{ name: "web-https", message: "HTTPS listener \"web-https\" has sslPolicy null, which is not a TLS 1.2+ policy; "
                + "use ELBSecurityPolicy-TLS13-1-2-2021-06 (components/app/loadBalancer.ts TLS_POLICY)" }],
        },
        {
            title: "an HTTPS listener allowing TLS 1.0", base: compliantProd,
            breakIt: (s) => { s.get("web-https").inputs.sslPolicy = "ELBSecurityPolicy-2016-08"; },
            expected: [{ name: "web-https", message: "HTTPS listener \"web-https\" has sslPolicy \"ELBSecurityPolicy-2016-08\", which is not a TLS 1.2+ policy; "
                + "use ELBSecurityPolicy-TLS13-1-2-2021-06 (components/app/loadBalancer.ts TLS_POLICY)" }],
        },
        {
            title: "an HTTP listener forwarding beside HTTPS (a domain, no redirect)", base: compliantProd,
            breakIt: (s) => { s.get("web-http").inputs.defaultActions = [{ type: "forward", targetGroupArn: "arn:tg" }]; },
            expected: [{ name: "web-http", message: "HTTP listener \"web-http\" forwards to the app by default; redirect it to HTTPS (a domain), or answer a fixed response "
                + "and forward only CloudFront's origin header (components/app/cdn.ts)" }],
        },
    ];
    for (const c of cases) {
        it(`fails ${c.title}`, async () => {
            const s = c.base();
            c.breakIt(s);
            assert.deepEqual(await findings(s, PROD_REGION, "viewer-https"), c.expected.map((e) => ({ policy: "viewer-https", ...e })));
        });
    }

    it("accepts every TLS 1.2+ ELB policy family and refuses older ones", async () => {
        const { TLS12_POLICY } = await import("../../policies/alb/viewerHttps");
        for (const p of ["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
            "ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10"]) {
            assert.ok(TLS12_POLICY.test(p), p);
        }
        for (const p of ["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-1-2017-01", "ELBSecurityPolicy-TLS13-1-1-2021-06", "ELBSecurityPolicy-FS-1-1-2019-08"]) {
            assert.ok(!TLS12_POLICY.test(p), p);
        }
    });
});
