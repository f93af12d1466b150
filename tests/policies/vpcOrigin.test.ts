// cloudfront-vpc-origin: a distribution in front of an ALB reaches it through a CloudFront VPC
// origin and the ALB is internal, so the hop from CloudFront never crosses the public internet.
// The passing shapes (a domain: no distribution; no domain: the VPC origin) and one broken
// property per case, among them the shape before VPC origins (a custom origin over http-only on
// an internet-facing ALB).
import { strict as assert } from "assert";
import { behindCloudFront, compliantProd, findings, PROD_REGION, Stack } from "./support";

const POLICY = "cloudfront-vpc-origin";

describe("policy cloudfront-vpc-origin", () => {
    it("passes a domain's shape (no distribution) and the VPC origin shape", async () => {
        assert.deepEqual(await findings(compliantProd(), PROD_REGION, POLICY), []);
        assert.deepEqual(await findings(behindCloudFront(), PROD_REGION, POLICY), []);
    });

    const cases: { title: string; breakIt: (s: Stack) => void; expected: { name: string; message: string }[] }[] = [
        {
            title: "a custom origin over http-only on an internet-facing ALB (the shape before VPC origins)",
            breakIt: (s) => {
                s.get("web", "aws:lb/loadBalancer:LoadBalancer").inputs.internal = false;
                s.remove("web-cdn-vpc-origin");
                const cdn = s.get("web-cdn");
                cdn.propertyDependencies.origins = cdn.propertyDependencies.origins.filter((u) => !u.includes("vpcOrigin"));
                cdn.inputs.origins = [{ originId: "alb", domainName: "web-1.us-east-1.elb.amazonaws.com",
                    customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "http-only", originSslProtocols: ["TLSv1.2"] } }];
            },
            expected: [
                { name: "web-cdn", message: "CloudFront distribution \"web-cdn\"'s origin \"alb\" reaches load balancer \"web\" as a custom origin over \"http-only\", "
                    + "across the public internet; make the ALB internal and give the origin vpcOriginConfig naming an aws.cloudfront.VpcOrigin for it (components/app/cdn.ts)" },
                { name: "web", message: "load balancer \"web\" is a CloudFront origin but internet-facing (internal false); "
                    + "make it internal in the private subnets, reached through a VPC origin (components/app/cdn.ts)" },
            ],
        },
        {
            title: "an internet-facing ALB behind the VPC origin (internal unset)",
            breakIt: (s) => { delete s.get("web", "aws:lb/loadBalancer:LoadBalancer").inputs.internal; },
            expected: [{ name: "web", message: "load balancer \"web\" is a CloudFront origin but internet-facing (internal false); "
                + "make it internal in the private subnets, reached through a VPC origin (components/app/cdn.ts)" }],
        },
        {
            title: "an origin with both a VPC origin and a custom origin config",
            breakIt: (s) => { s.get("web-cdn").inputs.origins[0].customOriginConfig = { httpPort: 80, httpsPort: 443, originProtocolPolicy: "match-viewer", originSslProtocols: ["TLSv1.2"] }; },
            expected: [{ name: "web-cdn", message: "CloudFront distribution \"web-cdn\"'s origin \"alb\" reaches load balancer \"web\" as a custom origin over \"match-viewer\", "
                + "across the public internet; make the ALB internal and give the origin vpcOriginConfig naming an aws.cloudfront.VpcOrigin for it (components/app/cdn.ts)" }],
        },
        {
            title: "a VPC origin made outside the stack",
            breakIt: (s) => {
                s.remove("web-cdn-vpc-origin");
                const cdn = s.get("web-cdn");
                cdn.propertyDependencies.origins = cdn.propertyDependencies.origins.filter((u) => !u.includes("vpcOrigin"));
            },
            expected: [{ name: "web-cdn", message: "CloudFront distribution \"web-cdn\" names a VPC origin that is not in this stack; "
                + "make it here (aws.cloudfront.VpcOrigin) so the check can see which load balancer it reaches" }],
        },
    ];
    for (const c of cases) {
        it(`fails ${c.title}`, async () => {
            const s = behindCloudFront();
            c.breakIt(s);
            assert.deepEqual(await findings(s, PROD_REGION, POLICY), c.expected.map((e) => ({ policy: POLICY, ...e })));
        });
    }
});
