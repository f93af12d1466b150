// The China regions (partition aws-cn): which features the config uses that AWS's China
// documentation does not confirm or lacks, the partition's DNS suffix and service principals,
// and a plan of prod in cn-north-1 whose ARNs, endpoints and policies are the partition's own.
import * as assert from "node:assert/strict";
import { dnsSuffix, servicePrincipal, servicePrincipalIn } from "../../components/partition";
import type { StackPlan } from "../../ops/offline/planner";
import { evaluatePolicies } from "../../ops/policy/evaluate";
import { noDomainProblems, SERVICE_FACTS, ServiceFact, ServiceUse, unavailableServiceProblems, unverifiedServiceWarnings } from "../../stacks/services";
import { chinaProjectDir } from "../support/chinaProject";
import { quietPlan } from "../support/quietPlan";

const PROD: ServiceUse = { region: "cn-north-1", role: "primary", replicateToPeer: true, singletonMode: "recoverable-instance" };

describe("stacks: services the China regions lack or do not confirm", function () {
    this.timeout(180000);

    it("refuses nothing the default China stacks use, and warns about S3 RTC, whose availability AWS does not state", () => {
        assert.deepStrictEqual(unavailableServiceProblems(PROD), []);
        assert.deepStrictEqual(unverifiedServiceWarnings(PROD), [
            "pilot-light:replicateToPeer=true uses S3 cross-region replication with Replication Time Control (15 min) from prod to dr; "
            + "not confirmed in cn-north-1: the China S3 guide documents S3 RTC and the source article replicates Beijing to Ningxia, but no "
            + "page states that RTC is offered in the China regions; the media RPO of 15 minutes rests on it "
            + "(https://docs.amazonaws.cn/en_us/AmazonS3/latest/userguide/replication-time-control.html). Check before `pulumi up`.",
            "pilot-light:role=primary uses Lambda functions on the Node.js runtime (prod's app-user function and the singleton's lifecycle hooks or failover); "
            + "not confirmed in cn-north-1: Lambda is available, but \"future runtime release dates do not apply to the China Regions\": check that the "
            + "function's runtime is offered there (https://docs.amazonaws.cn/lambda/latest/dg/lambda-runtimes.html) "
            + "(https://docs.amazonaws.cn/en_us/aws/latest/userguide/lambda.html). Check before `pulumi up`.",
        ]);
        assert.deepStrictEqual(unverifiedServiceWarnings({ ...PROD, region: "cn-northwest-1", role: "dr" }), [
            "pilot-light:role=dr uses RDS cross-Region automated backups replication from prod into dr (point-in-time recovery in dr); "
            + "not confirmed in cn-northwest-1: the China RDS guide documents backup replication for RDS for MySQL, but no page read states "
            + "which China Region pairs it supports; dr's point-in-time recovery rests on it "
            + "(https://docs.amazonaws.cn/en_us/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html). Check before `pulumi up`.",
        ], "dr replicates prod's backups");
        assert.deepStrictEqual(unverifiedServiceWarnings({ ...PROD, region: "us-east-1", singletonMode: "multi-az-asg-ebs" }), [], "commercial regions");
    });

    it("neither refuses nor warns about the web application firewall: AWS documents regional WAF in both China regions", () => {
        const waf = SERVICE_FACTS.find((f) => f.feature.startsWith("AWS WAF"))!;
        assert.deepStrictEqual([waf.usedBy(PROD), waf.usedBy({ ...PROD, role: "dr" }), waf["aws-cn"].status, waf["aws-cn"].source],
            ["pilot-light:role=primary", "pilot-light:role=dr", "available", "https://docs.amazonaws.cn/en_us/aws/latest/userguide/waf.html"]);
        for (const use of [PROD, { ...PROD, region: "cn-northwest-1", role: "dr" as const }]) {
            assert.ok(!unverifiedServiceWarnings(use).some((w) => w.includes("AWS WAF")), use.region);
            assert.ok(!unavailableServiceProblems(use).some((w) => w.includes("AWS WAF")), use.region);
        }
    });

    it("warns about the Lambda runtime on prod (its app-user function, and the singleton modes with functions) and DLM where it is used", () => {
        const warnings = (mode: string) => unverifiedServiceWarnings({ ...PROD, replicateToPeer: false, singletonMode: mode });
        const features = (mode: string) => warnings(mode).map((w) => w.split(" uses ")[1].split(";")[0]);
        const LAMBDA = "Lambda functions on the Node.js runtime (prod's app-user function and the singleton's lifecycle hooks or failover)";
        assert.deepStrictEqual(features("standby-failover"), [LAMBDA]);
        assert.match(warnings("standby-failover")[0], /^pilot-light:role=primary, pilot-light:singletonMode=standby-failover uses /);
        assert.deepStrictEqual(features("multi-az-asg-ebs"), [LAMBDA, "Data Lifecycle Manager hourly EBS snapshots"]);
        assert.deepStrictEqual(features("multi-az-asg"), [LAMBDA]);
        assert.match(warnings("multi-az-asg")[0], /^pilot-light:role=primary uses /);
    });

    it("names the key, value, feature and source when a feature is documented as unavailable", () => {
        const facts: ServiceFact[] = [{
            feature: "ACM public certificates with DNS validation (HTTPS on the ALB)",
            usedBy: (u) => (u.domainName ? `pilot-light:domainName=${u.domainName}` : undefined),
            "aws-cn": { status: "unavailable", source: "https://docs.amazonaws.cn/example.html", note: "not offered" },
        }];
        assert.deepStrictEqual(unavailableServiceProblems({ ...PROD, domainName: "www.example.cn" }, facts), [
            "pilot-light:domainName: \"www.example.cn\" is not allowed in cn-north-1; it needs ACM public certificates with DNS validation "
            + "(HTTPS on the ALB), which the China regions do not offer (not offered; https://docs.amazonaws.cn/example.html). Unset it or choose another value."]);
        assert.deepStrictEqual(unavailableServiceProblems({ ...PROD, region: "us-east-1", domainName: "www.example.com" }, facts), []);
    });

    it("refuses a stack without a domain in the China regions only, every role (CloudFront there has no default certificate)", () => {
        assert.deepStrictEqual(noDomainProblems(PROD), [
            "pilot-light:domainName/pilot-light:hostedZoneId: not set, which is not allowed in cn-north-1: without a domain the site serves "
            + "HTTPS through CloudFront's default certificate, and CloudFront in the China regions serves no content on its default domain "
            + "(*.cloudfront.cn; https://docs.amazonaws.cn/en_us/aws/latest/userguide/cloudfront.html). Set both: a domain with an ICP filing "
            + "(ICP recordal, required for a website on ports 80/443 in China; see \"Signup, Accounts, and Credentials\" in Getting Started with "
            + "Amazon Web Services in China) and the Route 53 hosted zone of the China account that holds it; the ALB then serves HTTPS with an ACM certificate."]);
        assert.equal(noDomainProblems({ ...PROD, region: "cn-northwest-1", role: "dr" }).length, 1);
        assert.deepStrictEqual(noDomainProblems({ ...PROD, domainName: "www.example.cn" }), []);
        assert.deepStrictEqual(noDomainProblems({ ...PROD, region: "us-east-1" }), []);
    });

    it("knows the partition's endpoint suffix and the service principals that differ in China", () => {
        assert.deepStrictEqual([dnsSuffix("aws"), dnsSuffix("aws-cn"), dnsSuffix("aws-us-gov")], ["amazonaws.com", "amazonaws.com.cn", "amazonaws.com"]);
        assert.deepStrictEqual(["ec2", "lambda", "events", "dlm", "s3", "secretsmanager"].map((s) => servicePrincipalIn(s, "aws-cn")),
            ["ec2.amazonaws.com", "lambda.amazonaws.com", "events.amazonaws.com", "dlm.amazonaws.com", "s3.amazonaws.com", "secretsmanager.amazonaws.com"]);
        assert.deepStrictEqual(["logs", "codedeploy", "elasticmapreduce"].map((s) => servicePrincipalIn(s, "aws-cn")),
            ["logs.amazonaws.com.cn", "codedeploy.amazonaws.com.cn", "elasticmapreduce.amazonaws.com.cn"]);
        assert.equal(servicePrincipalIn("logs", "aws"), "logs.amazonaws.com");
        assert.equal(servicePrincipal("ec2"), servicePrincipalIn("ec2", "aws-cn"));
    });

    describe("prod planned in cn-north-1 with dr in cn-northwest-1", () => {
        let prod: StackPlan;
        before(async () => {
            prod = await quietPlan({ dir: chinaProjectDir(), stack: "prod" });
        });

        it("has only arn:aws-cn: ARNs and amazonaws.com.cn endpoints (service principals aside)", () => {
            const text = JSON.stringify([prod.resources.map((r) => [r.inputs, r.outputs]), prod.outputs]);
            assert.deepStrictEqual(text.match(/arn:aws:/g), null);
            assert.ok((text.match(/arn:aws-cn:/g) ?? []).length > 10);
            const hosts = [...new Set(text.match(/[\w.-]+\.amazonaws\.com(\.cn)?/g))].filter((h) => !h.endsWith(".cn")).sort();
            // lambda.amazonaws.com: the app-user and rotation functions' roles (components/partition.ts: stays .com in aws-cn);
            // secretsmanager.amazonaws.com: the rotation function's invoke permission (components/partition.ts: stays .com in
            // aws-cn; rotation by Lambda is documented for China: docs.amazonaws.cn/en_us/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html).
            assert.deepStrictEqual(hosts, ["delivery.logs.amazonaws.com", "dlm.amazonaws.com", "ec2.amazonaws.com", "lambda.amazonaws.com", "monitoring.rds.amazonaws.com",
                "s3.amazonaws.com", "secretsmanager.amazonaws.com"], "only the IAM service principals, which stay .com in aws-cn");
            const db = prod.resources.find((r) => r.type === "aws:rds/instance:Instance")!;
            assert.match(db.outputs.address, /\.cn-north-1\.rds\.amazonaws\.com\.cn$/);
        });

        it("lets the app servers decrypt only through Secrets Manager's China endpoint name", () => {
            const policy = prod.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "app-servers-app")!;
            const doc = JSON.parse(policy.inputs.policy);
            const decrypt = doc.Statement.find((s: any) => s.Sid === "DecryptDatabaseSecret");
            assert.deepStrictEqual(decrypt.Condition, { StringEquals: { "kms:ViaService": "secretsmanager.cn-north-1.amazonaws.com.cn" } });
        });

        it("rotates the master secret in China: the invoke permission's principal, the secret's aws-cn ARN, the key through the .cn endpoint", () => {
            const permission = prod.resources.find((r) => r.type === "aws:lambda/permission:Permission" && r.name === "app-db-rotation-invoke")!;
            assert.equal(permission.inputs.principal, "secretsmanager.amazonaws.com");
            assert.match(permission.inputs.sourceArn, /^arn:aws-cn:secretsmanager:cn-north-1:\d{12}:secret:/);
            const schedule = prod.resources.find((r) => r.type === "aws:secretsmanager/secretRotation:SecretRotation")!;
            assert.equal(schedule.inputs.secretId, permission.inputs.sourceArn);
            const doc = JSON.parse(prod.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "app-db-rotation-policy")!.inputs.policy);
            assert.deepStrictEqual(doc.Statement.find((s: any) => s.Sid === "UseSecretKey").Condition,
                { StringEquals: { "kms:ViaService": "secretsmanager.cn-north-1.amazonaws.com.cn" } });
        });

        it("protects its ALB with a REGIONAL web ACL, the only scope the China regions support", () => {
            const acl = prod.resources.find((r) => r.type === "aws:wafv2/webAcl:WebAcl")!;
            assert.equal(acl.inputs.scope, "REGIONAL");
            const association = prod.resources.find((r) => r.type === "aws:wafv2/webAclAssociation:WebAclAssociation")!;
            assert.match(association.inputs.webAclArn, /^arn:aws-cn:/, "the partition's ARN");
        });

        it("has no policy violations", async () => {
            assert.deepStrictEqual(await evaluatePolicies(prod.resources, { stackRegion: prod.region }), []);
        });
    });
});
