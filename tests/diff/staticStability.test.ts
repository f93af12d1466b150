// The static-stability invariant: a dr promotion needs no control plane outside dr's region.
// Pure classification cases (home regions as AWS documents them, see ops/diff/controlPlanes.ts),
// then the plan command in process: the committed dr, dr with a domain, the China regions, a
// standby without its load balancer, and a program that creates an IAM role at promotion (exit 8).
import * as assert from "node:assert/strict";
import * as path from "path";
import type { RecordedResource } from "../../ops/offline/engine";
import { controlPlaneOf, staticStabilityProblems } from "../../ops/diff";
import type { ResourceChange } from "../../ops/diff";
import { PLAN_EXIT } from "../../ops/planning/exitCodes";
import { chinaProjectDir } from "../support/chinaProject";
import { planCli } from "../support/cli";

const ROOT = path.join(__dirname, "..", "..");
const DOMAIN = ["--set", "domainName=app.example.com", "--set", "hostedZoneId=Z0123456789ABCDEFGHIJ"];

/** A recorded custom resource of `type`, in no component. */
function rec(type: string, name: string, inputs: Record<string, any> = {}, provider?: string): RecordedResource {
    return {
        urn: `urn:pulumi:dr::p::${type}::${name}`, type, name, custom: true, inputs, outputs: {}, secretInputs: [], dependencies: [],
        propertyDependencies: {}, protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [],
        ...(provider ? { provider } : {}),
    };
}

describe("static stability: the control plane of each change", () => {
    const prodProvider = { ...rec("pulumi:providers:aws", "prod-region", { region: "us-east-1" }), custom: true };
    const where = (region: string, resources: RecordedResource[] = []) => ({ region, peerRegion: "us-east-1", resources: [prodProvider, ...resources] });
    const cases: [string, RecordedResource, string, object][] = [
        ["an IAM role in aws: IAM's home, us-east-1", rec("aws:iam/role:Role", "r"), "us-west-2", { kind: "global", service: "iam", region: "us-east-1" }],
        ["an instance profile in aws-cn: IAM's home there, cn-north-1 (Beijing)", rec("aws:iam/instanceProfile:InstanceProfile", "p"), "cn-northwest-1",
            { kind: "global", service: "iam", region: "cn-north-1" }],
        ["a Route 53 record in aws-cn: Route 53's API in cn-northwest-1", rec("aws:route53/record:Record", "a"), "cn-northwest-1",
            { kind: "global", service: "route53", region: "cn-northwest-1" }],
        ["a Route 53 health check in aws", rec("aws:route53/healthCheck:HealthCheck", "h"), "us-west-2", { kind: "global", service: "route53", region: "us-east-1" }],
        ["a Route 53 record in GovCloud: us-gov-west-1", rec("aws:route53/record:Record", "a"), "us-gov-east-1",
            { kind: "global", service: "route53", region: "us-gov-west-1" }],
        ["an IAM role in GovCloud: home not confirmed, so unknown", rec("aws:iam/role:Role", "r"), "us-gov-east-1", { kind: "global", service: "iam", region: undefined }],
        ["a Route 53 Resolver endpoint: regional", rec("aws:route53/resolverEndpoint:ResolverEndpoint", "e"), "us-west-2",
            { kind: "own-region", service: "route53", region: "us-west-2" }],
        ["a CloudFront distribution", rec("aws:cloudfront/distribution:Distribution", "d"), "us-west-2", { kind: "global", service: "cloudfront", region: "us-east-1" }],
        ["a WAFv2 web ACL for CloudFront", rec("aws:wafv2/webAcl:WebAcl", "w", { scope: "CLOUDFRONT" }), "us-west-2", { kind: "global", service: "waf", region: "us-east-1" }],
        ["a regional WAFv2 web ACL", rec("aws:wafv2/webAcl:WebAcl", "w", { scope: "REGIONAL" }), "us-west-2", { kind: "own-region", service: "wafv2", region: "us-west-2" }],
        ["an ACM certificate: its own region", rec("aws:acm/certificate:Certificate", "c"), "us-west-2", { kind: "own-region", service: "acm", region: "us-west-2" }],
        ["an ACM certificate for CloudFront (region us-east-1)", rec("aws:acm/certificate:Certificate", "c", { region: "us-east-1" }), "us-west-2",
            { kind: "peer-region", service: "acm", region: "us-east-1" }],
        ["an alarm on the provider in prod's region", rec("aws:cloudwatch/metricAlarm:MetricAlarm", "m", {}, `${prodProvider.urn}::id-1`), "us-west-2",
            { kind: "peer-region", service: "cloudwatch", region: "us-east-1" }],
        ["an S3 bucket in eu-west-1", rec("aws:s3/bucket:Bucket", "b", { region: "eu-west-1" }), "us-west-2", { kind: "other-region", service: "s3", region: "eu-west-1" }],
        ["a random password: no cloud call", rec("random:index/randomPassword:RandomPassword", "p"), "us-west-2", { kind: "none", service: "random" }],
    ];
    for (const [label, r, region, expected] of cases) {
        it(label, () => assert.deepEqual(controlPlaneOf(r, where(region)), expected));
    }

    it("names every change outside dr's region, and passes a global service whose home is dr's region", () => {
        const role = rec("aws:iam/role:Role", "role");
        const record = rec("aws:route53/record:Record", "dns-a");
        const sg = rec("aws:ec2/securityGroup:SecurityGroup", "sg");
        const change = (r: RecordedResource, op: ResourceChange["op"]): ResourceChange =>
            ({ urn: r.urn, type: r.type, name: r.name, op, diff: [], replaceKeys: [], data: false, retained: false });
        const changes = [change(role, "update"), change(record, "create"), change(sg, "create")];
        assert.deepEqual(staticStabilityProblems(changes, where("cn-northwest-1", [role, record, sg])), [{
            urn: role.urn, type: role.type, op: "update", service: "iam", controlPlane: "global", region: "cn-north-1",
            message: "UPDATE of aws:iam/role:Role \"role\" at promotion needs the global service's control plane (iam) in cn-north-1, not cn-northwest-1; "
                + "create it in standby so that failover does not depend on it.",
        }]);
        assert.deepEqual(staticStabilityProblems([change(role, "delete")], where("us-gov-east-1", [role])).map((p) => [p.region, p.message]), [[null,
            "DELETE of aws:iam/role:Role \"role\" at promotion needs the global service's control plane (iam) whose region in this partition is not known "
            + "(counted as outside us-gov-east-1), not us-gov-east-1; create it in standby so that failover does not depend on it."]]);
    });
});

describe("static stability: npm run plan -- --stack dr --promote", function () {
    this.timeout(600000);

    it("needs only dr's region for the committed config, and with a domain", async () => {
        for (const args of [[], DOMAIN]) {
            const r = await planCli(["--stack", "dr", "--promote", "--json", ...args]);
            assert.equal(r.code, 0, r.stderr);
            const doc = JSON.parse(r.stdout);
            assert.deepEqual(doc.staticStability, { problems: [] });
            // Nothing of IAM, Route 53 or ACM is created at promotion: standby made it.
            assert.deepEqual(doc.changes.filter((c: any) => /^aws:(iam|route53|acm)\//.test(c.type)), [], args.join(" "));
        }
    });

    it("needs only dr's region in the China regions (cn-north-1 → cn-northwest-1), where IAM's home is prod's region", async () => {
        const r = await planCli(["--dir", chinaProjectDir(), "--stack", "dr", "--promote", "--json"]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout).staticStability, { problems: [] });
    });

    it("fails with exit 8 when standby keeps no load balancer: promotion would create the SECONDARY record in us-east-1", async () => {
        const r = await planCli(["--stack", "dr", "--promote", "--json", ...DOMAIN, "--set", "standbyLoadBalancer=false"]);
        assert.equal(r.code, PLAN_EXIT.notStaticallyStable, r.stderr);
        assert.equal(PLAN_EXIT.notStaticallyStable, 8);
        const message = "CREATE of aws:route53/record:Record \"dns-a\" at promotion needs the global service's control plane (route53) in us-east-1, "
            + "not us-west-2; create it in standby so that failover does not depend on it.";
        assert.deepEqual(JSON.parse(r.stdout).staticStability.problems, [{
            urn: "urn:pulumi:dr::pilot-light::pilot-light:dns:FailoverDns$aws:route53/record:Record::dns-a",
            type: "aws:route53/record:Record", op: "create", service: "route53", controlPlane: "global", region: "us-east-1", message,
        }]);
        assert.ok(r.stderr.includes(`plan failed: the promotion is not statically stable (1):\n  - ${message}\n`), r.stderr);
    });

    it("fails with exit 8 naming the IAM role a program creates only when promoted, and prints it in the text report", async () => {
        const dir = path.join(ROOT, "tests", "fixtures", "iam-at-promotion");
        const message = "CREATE of aws:iam/role:Role \"app-role\" at promotion needs the global service's control plane (iam) in us-east-1, "
            + "not us-west-2; create it in standby so that failover does not depend on it.";
        const json = await planCli(["--dir", dir, "--stack", "dr", "--promote", "--json"]);
        assert.equal(json.code, 8, json.stderr);
        assert.deepEqual(JSON.parse(json.stdout).staticStability.problems, [{
            urn: "urn:pulumi:dr::iam-at-promotion::aws:iam/role:Role::app-role", type: "aws:iam/role:Role", op: "create",
            service: "iam", controlPlane: "global", region: "us-east-1", message,
        }]);
        const text = await planCli(["--dir", dir, "--stack", "dr", "--promote"]);
        assert.equal(text.code, 8, text.stderr);
        assert.ok(text.stdout.includes(`Static stability: 1 change needs a control plane outside us-west-2:\n  - ${message}\n`), text.stdout);
    });
});
