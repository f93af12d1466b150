// Every policy fires on our own stacks' shapes: planned resources of prod and dr, mutated one
// mistake at a time (tests/policies/stackShapes.ts), with the exact findings each reports. The
// compliant stacks report nothing, and a preview reports only what it cannot know yet.
import { strict as assert } from "assert";
import { evaluatePlan } from "../../ops/policy/evaluate";
import { allPolicies } from "../../policies/all";
import { brokenShapes, cleanShapes, NOT_HARDENED, previewShapes, StackShape } from "./stackShapes";

/** [policy, level, resource name, message] per finding, sorted. */
async function evaluate(shape: StackShape): Promise<string[][]> {
    const violations = await evaluatePlan(shape.plan, shape.policyConfig);
    return violations.map((v) => [v.policy, v.level, v.urn.split("::").pop()!, v.message]).sort((a, b) => a.join("|").localeCompare(b.join("|")));
}

const INSTANCE = "singleton-recoverable-instance-instance";
const ALARM = "singleton-recoverable-instance-recover";
const EBS_FN = "singleton-multi-az-asg-ebs-ebs";
const LAMBDA_DATES = "dates read 2026-12-01 from https://docs.aws.amazon.com/lambda/latest/dg/lambda-typescript.html";
const MYSQL_DATES = "dates read 2026-12-01 from https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/MySQL.Concepts.VersionMgmt.html#MySQL.Concepts.VersionMgmt.ReleaseCalendar";
const UNKNOWN = (policy: string, path: string): string =>
    `can't run policy '${policy}' from policy pack 'pilot-light-policies@v0.1.0' during preview: string value at .${path} can't be known during preview`;

const EXPECTED: Record<string, string[][]> = {
    "prod, broken": [
        ["alb-access-logs", "mandatory", "app-web-alb", "load balancer \"app-web-alb\" writes no access logs; set accessLogs.enabled to true and accessLogs.bucket"],
        ["alb-deletion-protection", "mandatory", "app-web-alb", "load balancer \"app-web-alb\" has no deletion protection; set enableDeletionProtection to true"],
        ["alb-waf-associated", "mandatory", "app-web-alb", "internet-facing load balancer \"app-web-alb\" has no WAF web ACL; associate a REGIONAL aws.wafv2.WebAcl with it through an aws.wafv2.WebAclAssociation (components/app/waf.ts)"],
        ["app-uses-own-database-user", "mandatory", "app-servers-app", "instance role \"app-servers-role\" can read the database's master credentials "
            + "(arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-credentials-049d54) through \"app-servers-app\"; "
            + "the app servers must connect with the app's own user: grant its secret (pilot-light:credential=database-app) instead"],
        ["asg-elb-health-check", "mandatory", "app-servers-asg", "auto scaling group \"app-servers-asg\" is attached to a load balancer but uses healthCheckType \"EC2\"; set it to \"ELB\""],
        ["asg-launch-template", "mandatory", "app-servers-asg", "auto scaling group \"app-servers-asg\" uses a launch configuration; use launchTemplate instead"],
        ["asg-multi-az", "mandatory", "app-servers-asg", "auto scaling group \"app-servers-asg\" has 1 subnet(s) in vpcZoneIdentifiers; give it subnets in at least 2 availability zones"],
        ["cloudfront-vpc-origin", "mandatory", "app-cdn-distribution", "CloudFront distribution \"app-cdn-distribution\"'s origin \"alb\" reaches load balancer \"app-web-alb\" "
            + "as a custom origin over \"http-only\", across the public internet; make the ALB internal and give the origin vpcOriginConfig naming an aws.cloudfront.VpcOrigin for it (components/app/cdn.ts)"],
        ["cloudfront-vpc-origin", "mandatory", "app-web-alb", "load balancer \"app-web-alb\" is a CloudFront origin but internet-facing (internal false); "
            + "make it internal in the private subnets, reached through a VPC origin (components/app/cdn.ts)"],
        ["database-master-secret-rotation", "mandatory", "database-credentials", "secret \"database-credentials\" holds the database's master credentials and never rotates; "
            + "add an aws.secretsmanager.SecretRotation with a rotation function (components/database/masterRotation.ts)"],
        ["ebs-encrypted", "mandatory", INSTANCE, `instance "${INSTANCE}" has an unencrypted root volume; set rootBlockDevice.encrypted to true`],
        ["ebs-volume-snapshotted", "mandatory", "singleton-recoverable-instance-data", "volume \"singleton-recoverable-instance-data\" is not targeted by any enabled DLM snapshot policy; tag it with a policy's targetTags or add a policy for it"],
        ["ec2-detailed-monitoring", "advisory", INSTANCE, `instance "${INSTANCE}" has basic monitoring only; set monitoring to true`],
        ["ec2-imdsv2-required", "mandatory", INSTANCE, `instance "${INSTANCE}" allows IMDSv1: metadataOptions.httpTokens is "optional"; set it to "required"`],
        ["ec2-recoverable-ebs-only", "mandatory", INSTANCE, `instance "${INSTANCE}" is watched by recover alarm "${ALARM}" but declares instance-store volumes (ephemeralBlockDevices); the recover action needs EBS-only storage`],
        ["ec2-recoverable-instance-type", "mandatory", INSTANCE, `instance "${INSTANCE}" is watched by recover alarm "${ALARM}" but its family mac2 (mac2.metal) does not support the recover action`],
        ["ec2-recoverable-tenancy", "mandatory", INSTANCE, `instance "${INSTANCE}" is watched by recover alarm "${ALARM}" but has tenancy "host"; the recover action needs "default" or "dedicated"`],
        ["elasticache-auto-failover", "mandatory", "app-cache-redis", "replication group \"app-cache-redis\" has no automatic failover; set automaticFailoverEnabled to true (with at least two cache clusters)"],
        ["elasticache-encryption", "mandatory", "app-cache-redis", "replication group \"app-cache-redis\" is not encrypted at rest; set atRestEncryptionEnabled to true"],
        ["iam-no-wildcard-mutating-actions", "advisory", "app-servers-app", "role policy \"app-servers-app\" allows s3:* on resource \"*\"; name the actions and resources"],
        ["rds-backup-retention", "mandatory", "database-mysql", "database \"database-mysql\" keeps backups for 1 day(s); set backupRetentionPeriod to at least 7"],
        ["rds-deletion-protection", "mandatory", "database-mysql", "database \"database-mysql\" has no deletion protection; set deletionProtection to true"],
        ["rds-final-snapshot", "mandatory", "database-mysql", "database \"database-mysql\" would be deleted without a final snapshot; set skipFinalSnapshot to false and a finalSnapshotIdentifier"],
        ["rds-multi-az", "mandatory", "database-mysql", "primary database \"database-mysql\" is single-AZ; set multiAz to true"],
        ["rds-not-public", "mandatory", "database-mysql", "database \"database-mysql\" is publicly accessible; set publiclyAccessible to false"],
        ["rds-storage-encrypted", "mandatory", "database-mysql", "database \"database-mysql\" is not encrypted at rest; set storageEncrypted to true"],
        ["recover-alarm-well-formed", "mandatory", ALARM, `recover alarm "${ALARM}" has period 300; use 60 seconds`],
        ["region-pinning", "mandatory", "network-vpc", "aws:ec2/vpc:Vpc \"network-vpc\" sets region us-west-2, but this primary stack's region is us-east-1; keep every resource in the stack's region"],
        ["s3-encryption", "mandatory", "media-bucket", "bucket \"media-bucket\" has no BucketServerSideEncryptionConfiguration with a default sseAlgorithm"],
        ["s3-public-access-block", "mandatory", "media-bucket", "bucket \"media-bucket\"'s public access block leaves blockPublicAcls off; set all four to true"],
        ["s3-replication-enabled", "mandatory", "media-bucket", "bucket \"media-bucket\" has no BucketReplicationConfig; replicate it to the dr region with Replication Time Control (or tag it pilot-light:bootstrap=awaiting-dr until the dr stack exists)"],
        ["s3-versioning-enabled", "mandatory", "media-bucket", "bucket \"media-bucket\" has no BucketVersioning with status \"Enabled\""],
        ["secrets-not-in-user-data", "mandatory", "app-servers-lt", "userData of launch template \"app-servers-lt\" holds literal secrets (line 4: --argumentsRealm.passwd.admin=…); fetch them at boot from Secrets Manager or SSM Parameter Store instead"],
        ["sg-no-all-traffic-egress-to-internet", "mandatory", "singleton-recoverable-instance-out", "security group egress rule \"singleton-recoverable-instance-out\" allows all traffic out to 0.0.0.0/0; name the protocol and ports it needs (e.g. tcp 443)"],
        ["sg-no-ssh-rdp-from-internet", "mandatory", "network-alb-in-http-cloudfront", "security group ingress rule \"network-alb-in-http-cloudfront\" allows tcp 22-22 from 0.0.0.0/0 (opens SSH 22)"],
        ["target-group-health-check", "mandatory", "app-web-tg", "target group \"app-web-tg\" checks health every 120 s; use at most 60 s"],
        ["viewer-https", "mandatory", "app-web-http", "HTTP listener \"app-web-http\" forwards to the app by default; redirect it to HTTPS (a domain), or answer a fixed response "
            + "and forward only CloudFront's origin header (components/app/cdn.ts)"],
        ["vpc-flow-logs-enabled", "mandatory", "network-vpc", "VPC \"network-vpc\" has no flow log; add an aws.ec2.FlowLog with its vpcId (components/logs/flowLogs.ts)"],
    ],
    "prod, singleton without its recover alarm": [
        ["ec2-instance-has-recover-alarm", "mandatory", INSTANCE, `instance "${INSTANCE}" has no CloudWatch alarm with an ec2:recover action watching it`],
    ],
    "prod with a domain, HTTP listener forwarding": [
        ["alb-https-redirect", "mandatory", "app-web-http", "HTTP listener \"app-web-http\" does not redirect to HTTPS although load balancer \"app-web-alb\" serves HTTPS; make its default action a redirect with protocol \"HTTPS\""],
        ["viewer-https", "mandatory", "app-web-http", "HTTP listener \"app-web-http\" forwards to the app by default; redirect it to HTTPS (a domain), or answer a fixed response "
            + "and forward only CloudFront's origin header (components/app/cdn.ts)"],
    ],
    "prod, multi-az-asg-ebs, out of support on 2026-12-01": [
        ["lambda-runtime-deprecation", "advisory", `${EBS_FN}-terminate-fn`, `function "${EBS_FN}-terminate-fn" uses runtime nodejs22.x, which is deprecated on 2027-04-30 (in 150 days); `
            + `AWS Lambda blocks creating functions with it from 2027-06-01 and updating them from 2027-07-01. Move to a newer runtime (${LAMBDA_DATES})`],
        ["lambda-runtime-not-blocked", "mandatory", `${EBS_FN}-launch-fn`, `function "${EBS_FN}-launch-fn" uses runtime nodejs20.x: on 2026-12-01 AWS Lambda blocks creating functions `
            + `with it (since 2026-08-31) and updating them since 2026-09-30; deprecated 2026-04-30. Use a supported runtime (${LAMBDA_DATES})`],
        ["rds-engine-standard-support", "mandatory", "database-mysql", "database \"database-mysql\" runs mysql 8.0, out of RDS standard support since 2026-07-31: "
            + "on 2026-12-01 RDS Extended Support bills it per vCPU-hour at the year 1-2 rate, until RDS upgrades it itself after 2029-07-31. "
            + `Upgrade to a version in standard support (${MYSQL_DATES})`],
    ],
    "dr standby, broken": [
        ["dr-standby-minimal", "advisory", "app-standby-nat-gateway", "the dr stack is in standby but runs aws:ec2/natGateway:NatGateway \"app-standby-nat-gateway\"; create it on failover instead"],
        ["media-object-lock", "mandatory", "media-bucket", "bucket \"media-bucket\" is tagged pilot-light:object-lock=GOVERNANCE but has no BucketObjectLockConfiguration; its versions are not locked"],
        ["rds-dr-backups-replication", "mandatory", "pilot-light-dr", "the dr stack replicates none of prod's automated backups; add an "
            + "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication of prod's database "
            + "(pilot-light:backupReplicationRetentionDays), or a corruption replicated to dr cannot be undone there"],
        ["rds-dr-replica", "mandatory", "database-mysql", "replica \"database-mysql\" is not encrypted; set storageEncrypted to true"],
        ["rds-storage-encrypted", "mandatory", "database-mysql", "database \"database-mysql\" is not encrypted at rest; set storageEncrypted to true"],
        ["region-pinning", "mandatory", "database-replica-lag", "aws:cloudwatch/metricAlarm:MetricAlarm \"database-replica-lag\" is on provider \"prod-region\" in us-east-1, but this dr stack's region is us-west-2; keep every resource in the stack's region"],
    ],
    "dr standby without its replica": [
        ["rds-dr-replica", "mandatory", "pilot-light-dr", "the dr stack holds no RDS instance; a pilot-light standby needs a cross-region read replica of the prod database"],
    ],
    "dr standby, reviewed on 2029-03-01": [
        ["rds-engine-support-ending", "advisory", "database-mysql", "database \"database-mysql\" runs mysql 8.4, whose RDS standard support ends on 2029-07-31 "
            + `(in 152 days); after it RDS Extended Support bills it per vCPU-hour. Plan the major version upgrade (${MYSQL_DATES})`],
    ],
    "dr promoted, not hardened": [
        ["dr-promoted-hardening", "advisory", "pilot-light-dr", NOT_HARDENED],
    ],
    "dr hardened, broken": [
        ["alb-deletion-protection", "mandatory", "app-standby-web-alb", "load balancer \"app-standby-web-alb\" has no deletion protection; set enableDeletionProtection to true"],
        ["elasticache-auto-failover", "mandatory", "app-cache-redis", "replication group \"app-cache-redis\" has no automatic failover; set automaticFailoverEnabled to true (with at least two cache clusters)"],
        ["rds-multi-az", "mandatory", "database-mysql", "primary database \"database-mysql\" is single-AZ; set multiAz to true"],
    ],
    // A preview cannot read what only exists once created: the policies that need such a value
    // report an advisory instead of a verdict, exactly as the real policy server does.
    "prod, preview of a first deploy": [
        ["iam-no-wildcard-mutating-actions", "advisory", "app-db-rotation-policy", UNKNOWN("iam-no-wildcard-mutating-actions", "policy")],
        ["iam-no-wildcard-mutating-actions", "advisory", "app-db-user-policy", UNKNOWN("iam-no-wildcard-mutating-actions", "policy")],
        ["iam-no-wildcard-mutating-actions", "advisory", "app-servers-app", UNKNOWN("iam-no-wildcard-mutating-actions", "policy")],
        ["iam-no-wildcard-mutating-actions", "advisory", "media-replication-policy", UNKNOWN("iam-no-wildcard-mutating-actions", "policy")],
        ["secrets-not-in-user-data", "advisory", "app-servers-lt", UNKNOWN("secrets-not-in-user-data", "userData")],
    ],
    // rds-dr-replica judges the replica's key by the key resource, known before it exists. The app
    // servers' role policy is made in standby (AppStandby), so its first deploy cannot read it, nor
    // the servers' launch template's user data (the replica's address and the distribution's name
    // are not known before they exist; pilot-light:standbyNatGateway).
    "dr standby, preview of a first deploy": [
        ["iam-no-wildcard-mutating-actions", "advisory", "app-standby-servers-app", UNKNOWN("iam-no-wildcard-mutating-actions", "policy")],
        ["secrets-not-in-user-data", "advisory", "app-standby-servers-lt", UNKNOWN("secrets-not-in-user-data", "userData")],
    ],
    "dr promoted, preview from standby": [
        // The user data is known: the site's URL is dr's CloudFront name, made in standby.
        ["dr-promoted-hardening", "advisory", "pilot-light-dr", NOT_HARDENED],
    ],
};

describe("policies on our own stacks' shapes", function () {
    this.timeout(600000);
    let broken: StackShape[];
    let clean: StackShape[];
    let previews: StackShape[];

    before(async () => {
        broken = await brokenShapes();
        previews = await previewShapes();
        clean = await cleanShapes();
    });

    it("reports exactly the planted mistakes of each broken variant", async () => {
        for (const shape of broken) {
            assert.deepEqual(await evaluate(shape), EXPECTED[shape.label], shape.label);
        }
    });

    it("makes every policy of the pack fire in some broken variant", async () => {
        const fired = new Set<string>();
        for (const shape of broken) {
            (await evaluate(shape)).forEach(([policy]) => fired.add(policy));
        }
        assert.deepEqual(allPolicies.map((p) => p.name).filter((name) => !fired.has(name)), [], "policies that never fire");
    });

    it("reports nothing on prod in every singleton mode and with a domain, dr standby and dr promoted and hardened", async () => {
        assert.deepEqual(clean.map((s) => s.label), [
            "prod, recoverable-instance", "prod, multi-az-asg", "prod, multi-az-asg-ebs", "prod, standby-failover",
            "prod with a domain", "dr standby", "dr promoted and hardened",
        ]);
        for (const shape of clean) {
            assert.deepEqual(await evaluate(shape), [], shape.label);
        }
    });

    it("reports, in a preview, only the advisories for values a preview cannot know", async () => {
        for (const shape of previews) {
            assert.deepEqual(await evaluate(shape), EXPECTED[shape.label], shape.label);
        }
    });
});
