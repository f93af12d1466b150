// The well-known rules (Checkov / Trivy / AWS Config equivalents): each case breaks one property
// of the compliant prod stack and asserts the one violation of its policy.
import { strict as assert } from "assert";
import { gzipSync } from "zlib";
import { compliantProd, findings, PROD_REGION, res, Stack } from "./support";

interface Case {
    title: string;
    policy: string;
    breakIt: (s: Stack) => void;
    expected: { name: string; message: string }[];
}

const SG = "aws:ec2/securityGroup:SecurityGroup";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const TG = "aws:lb/targetGroup:TargetGroup";
const ROLE = "aws:iam/role:Role";
const b64 = (s: string): string => Buffer.from(s).toString("base64");

const cases: Case[] = [
    {
        title: "IMDSv1 on an instance", policy: "ec2-imdsv2-required",
        breakIt: (s) => { s.get("bastion").inputs.metadataOptions = { httpTokens: "optional" }; },
        expected: [{ name: "bastion", message: "instance \"bastion\" allows IMDSv1: metadataOptions.httpTokens is \"optional\"; set it to \"required\"" }],
    },
    {
        title: "IMDSv1 on a launch template (unset)", policy: "ec2-imdsv2-required",
        breakIt: (s) => { delete s.get("web", LT).inputs.metadataOptions; },
        expected: [{ name: "web", message: "launch template \"web\" allows IMDSv1: metadataOptions.httpTokens is \"optional\"; set it to \"required\"" }],
    },
    {
        title: "an unencrypted volume", policy: "ebs-encrypted",
        breakIt: (s) => { s.add(res("aws:ebs/volume:Volume", "data", { availabilityZone: "us-east-1a", size: 10 })); },
        expected: [{ name: "data", message: "volume \"data\" is not encrypted; set encrypted to true" }],
    },
    {
        title: "an unencrypted instance root volume", policy: "ebs-encrypted",
        breakIt: (s) => { delete s.get("bastion").inputs.rootBlockDevice; },
        expected: [{ name: "bastion", message: "instance \"bastion\" has an unencrypted root volume; set rootBlockDevice.encrypted to true" }],
    },
    {
        title: "an unencrypted instance EBS block device", policy: "ebs-encrypted",
        breakIt: (s) => { s.get("bastion").inputs.ebsBlockDevices = [{ deviceName: "/dev/sdf", volumeSize: 10 }]; },
        expected: [{ name: "bastion", message: "instance \"bastion\" has an unencrypted EBS volume at /dev/sdf; set encrypted to true" }],
    },
    {
        title: "an unencrypted launch template mapping", policy: "ebs-encrypted",
        breakIt: (s) => { s.get("web", LT).inputs.blockDeviceMappings[0].ebs.encrypted = "false"; },
        expected: [{ name: "web", message: "launch template \"web\" maps an unencrypted EBS volume at /dev/xvda; set ebs.encrypted to \"true\"" }],
    },
    {
        title: "basic monitoring on an instance", policy: "ec2-detailed-monitoring",
        breakIt: (s) => { s.get("bastion").inputs.monitoring = false; },
        expected: [{ name: "bastion", message: "instance \"bastion\" has basic monitoring only; set monitoring to true" }],
    },
    {
        title: "basic monitoring on a launch template", policy: "ec2-detailed-monitoring",
        breakIt: (s) => { delete s.get("web", LT).inputs.monitoring; },
        expected: [{ name: "web", message: "launch template \"web\" has basic monitoring only; set monitoring.enabled to true" }],
    },
    {
        title: "SSH from 0.0.0.0/0 inline", policy: "sg-no-ssh-rdp-from-internet",
        breakIt: (s) => { s.get("web-sg").inputs.ingress.push({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }); },
        expected: [{ name: "web-sg", message: "security group \"web-sg\" allows tcp 22-22 from 0.0.0.0/0 (opens SSH 22)" }],
    },
    {
        title: "all traffic from ::/0 in a security group rule", policy: "sg-no-ssh-rdp-from-internet",
        breakIt: (s) => { s.add(res("aws:ec2/securityGroupRule:SecurityGroupRule", "any", { type: "ingress", protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"], securityGroupId: "sg-1" })); },
        expected: [{ name: "any", message: "security group rule \"any\" allows all traffic from ::/0 (opens SSH 22 and RDP 3389)" }],
    },
    {
        title: "a port range covering RDP in a vpc ingress rule", policy: "sg-no-ssh-rdp-from-internet",
        breakIt: (s) => { s.add(res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "rdp", { ipProtocol: "tcp", fromPort: 3000, toPort: 4000, cidrIpv4: "0.0.0.0/0", securityGroupId: "sg-1" })); },
        expected: [{ name: "rdp", message: "security group ingress rule \"rdp\" allows tcp 3000-4000 from 0.0.0.0/0 (opens RDP 3389)" }],
    },
    {
        title: "a literal password in instance user data", policy: "secrets-not-in-user-data",
        breakIt: (s) => { s.get("bastion").inputs.userData = "#!/bin/bash\nexport DB_PASSWORD=hunter2\n"; },
        expected: [{ name: "bastion", message: "userData of instance \"bastion\" holds literal secrets (line 2: DB_PASSWORD=…); fetch them at boot from Secrets Manager or SSM Parameter Store instead" }],
    },
    {
        title: "a master password flag and an access key in base64 launch template user data", policy: "secrets-not-in-user-data",
        breakIt: (s) => { s.get("web", LT).inputs.userData = b64("#!/bin/bash\naws rds modify-db-instance --master-user-password x\nexport AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP\n"); },
        expected: [{ name: "web", message: "userData of launch template \"web\" holds literal secrets (line 2: --master-user-password …; line 3: an AWS access key ID); fetch them at boot from Secrets Manager or SSM Parameter Store instead" }],
    },
    {
        // cloud-init gunzips gzip user data (components/app sends it so), so the policy must too.
        title: "a literal token in gzipped base64 launch template user data", policy: "secrets-not-in-user-data",
        breakIt: (s) => { s.get("web", LT).inputs.userData = gzipSync("#!/bin/bash\nREDIS_TOKEN=abc123\n").toString("base64"); },
        expected: [{ name: "web", message: "userData of launch template \"web\" holds literal secrets (line 2: REDIS_TOKEN=…); fetch them at boot from Secrets Manager or SSM Parameter Store instead" }],
    },
    {
        title: "mysql -p with a literal password in userDataBase64", policy: "secrets-not-in-user-data",
        breakIt: (s) => { s.get("bastion").inputs.userDataBase64 = b64("#!/bin/bash\nmysql -u admin -pSecret -h db < schema.sql\n"); },
        expected: [{ name: "bastion", message: "userDataBase64 of instance \"bastion\" holds literal secrets (line 2: mysql -p…); fetch them at boot from Secrets Manager or SSM Parameter Store instead" }],
    },
    {
        title: "an unencrypted database", policy: "rds-storage-encrypted",
        breakIt: (s) => { s.get("db").inputs.storageEncrypted = false; },
        expected: [{ name: "db", message: "database \"db\" is not encrypted at rest; set storageEncrypted to true" }],
    },
    {
        title: "a single-AZ untagged primary", policy: "rds-multi-az",
        breakIt: (s) => { const db = s.get("db").inputs; db.multiAz = false; delete db.tags; },
        expected: [{ name: "db", message: "primary database \"db\" is single-AZ; set multiAz to true" }],
    },
    {
        title: "a short backup retention", policy: "rds-backup-retention",
        breakIt: (s) => { s.get("db").inputs.backupRetentionPeriod = 3; },
        expected: [{ name: "db", message: "database \"db\" keeps backups for 3 day(s); set backupRetentionPeriod to at least 7" }],
    },
    {
        title: "no deletion protection", policy: "rds-deletion-protection",
        breakIt: (s) => { s.get("db").inputs.deletionProtection = false; },
        expected: [{ name: "db", message: "database \"db\" has no deletion protection; set deletionProtection to true" }],
    },
    {
        title: "a public database", policy: "rds-not-public",
        breakIt: (s) => { s.get("db").inputs.publiclyAccessible = true; },
        expected: [{ name: "db", message: "database \"db\" is publicly accessible; set publiclyAccessible to false" }],
    },
    {
        title: "a primary deleted without a final snapshot", policy: "rds-final-snapshot",
        breakIt: (s) => { s.get("db").inputs.skipFinalSnapshot = true; },
        expected: [{ name: "db", message: "database \"db\" would be deleted without a final snapshot; set skipFinalSnapshot to false and a finalSnapshotIdentifier" }],
    },
    {
        title: "a primary with no final snapshot name", policy: "rds-final-snapshot",
        breakIt: (s) => { delete s.get("db").inputs.finalSnapshotIdentifier; },
        expected: [{ name: "db", message: "database \"db\" would be deleted without a final snapshot; set skipFinalSnapshot to false and a finalSnapshotIdentifier" }],
    },
    {
        title: "a replica that asks for a final snapshot (the provider's default)", policy: "rds-final-snapshot",
        breakIt: (s) => { const db = s.get("db").inputs; db.replicateSourceDb = "arn:aws:rds:us-west-2:123456789012:db:source"; delete db.skipFinalSnapshot; },
        expected: [{ name: "db", message: "read replica \"db\" cannot be deleted with a final snapshot (AWS answers InvalidParameterCombination); set skipFinalSnapshot to true and leave finalSnapshotIdentifier unset" }],
    },
    {
        title: "suspended versioning", policy: "s3-versioning-enabled",
        breakIt: (s) => { s.get("media", "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration.status = "Suspended"; },
        expected: [{ name: "media", message: "bucket \"media\" has no BucketVersioning with status \"Enabled\"" }],
    },
    {
        title: "a public access block with a flag off", policy: "s3-public-access-block",
        breakIt: (s) => { s.get("media", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs.restrictPublicBuckets = false; },
        expected: [{ name: "media", message: "bucket \"media\"'s public access block leaves restrictPublicBuckets off; set all four to true" }],
    },
    {
        title: "no public access block", policy: "s3-public-access-block",
        breakIt: (s) => { s.remove("media", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"); },
        expected: [{ name: "media", message: "bucket \"media\" has no BucketPublicAccessBlock" }],
    },
    {
        title: "no encryption configuration", policy: "s3-encryption",
        breakIt: (s) => { s.remove("media", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"); },
        expected: [{ name: "media", message: "bucket \"media\" has no BucketServerSideEncryptionConfiguration with a default sseAlgorithm" }],
    },
    {
        title: "an HTTP listener forwarding although TLS is served", policy: "alb-https-redirect",
        breakIt: (s) => { s.get("web-http").inputs.defaultActions = [{ type: "forward", targetGroupArn: "arn:tg" }]; },
        expected: [{ name: "web-http", message: "HTTP listener \"web-http\" does not redirect to HTTPS although the stack serves HTTPS; make its default action a redirect with protocol \"HTTPS\"" }],
    },
    {
        title: "a prod ALB without deletion protection", policy: "alb-deletion-protection",
        breakIt: (s) => { s.get("web", "aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection = false; },
        expected: [{ name: "web", message: "load balancer \"web\" has no deletion protection; set enableDeletionProtection to true" }],
    },
    {
        title: "a target group health check without a path", policy: "target-group-health-check",
        breakIt: (s) => { delete s.get("web", TG).inputs.healthCheck.path; },
        expected: [{ name: "web", message: "target group \"web\"'s health check needs a path and a matcher" }],
    },
    {
        title: "a slow target group health check", policy: "target-group-health-check",
        breakIt: (s) => { s.get("web", TG).inputs.healthCheck.interval = 120; },
        expected: [{ name: "web", message: "target group \"web\" checks health every 120 s; use at most 60 s" }],
    },
    {
        title: "a disabled target group health check", policy: "target-group-health-check",
        breakIt: (s) => { s.get("web", TG).inputs.healthCheck.enabled = false; },
        expected: [{ name: "web", message: "target group \"web\" has its health check disabled" }],
    },
    {
        title: "a cache without encryption in transit", policy: "elasticache-encryption",
        breakIt: (s) => { s.get("cache").inputs.transitEncryptionEnabled = false; },
        expected: [{ name: "cache", message: "replication group \"cache\" is not encrypted in transit; set transitEncryptionEnabled to true" }],
    },
    {
        title: "a cache without encryption at rest", policy: "elasticache-encryption",
        breakIt: (s) => { delete s.get("cache").inputs.atRestEncryptionEnabled; },
        expected: [{ name: "cache", message: "replication group \"cache\" is not encrypted at rest; set atRestEncryptionEnabled to true" }],
    },
    {
        title: "a prod cache without automatic failover", policy: "elasticache-auto-failover",
        breakIt: (s) => { s.get("cache").inputs.automaticFailoverEnabled = false; },
        expected: [{ name: "cache", message: "replication group \"cache\" has no automatic failover; set automaticFailoverEnabled to true (with at least two cache clusters)" }],
    },
    {
        title: "a role inline policy allowing s3:Put* on *", policy: "iam-no-wildcard-mutating-actions",
        breakIt: (s) => { s.get("web", ROLE).inputs.inlinePolicies[0].policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["s3:Put*", "s3:Get*"], Resource: "*" }] }); },
        expected: [{ name: "web", message: "inline policy \"media\" of role \"web\" allows s3:Put* on resource \"*\"; name the actions and resources" }],
    },
    {
        title: "a policy allowing * and a role policy allowing ec2:*", policy: "iam-no-wildcard-mutating-actions",
        breakIt: (s) => {
            s.add(res("aws:iam/policy:Policy", "admin", { policy: JSON.stringify({ Statement: { Effect: "Allow", Action: "*", Resource: "*" } }) }));
            s.add(res("aws:iam/rolePolicy:RolePolicy", "ec2", { role: "web", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ec2:*", Resource: ["*"] }] }) }));
        },
        expected: [
            { name: "admin", message: "policy \"admin\" allows * on resource \"*\"; name the actions and resources" },
            { name: "ec2", message: "role policy \"ec2\" allows ec2:* on resource \"*\"; name the actions and resources" },
        ],
    },
];

describe("well-known policies", () => {
    for (const c of cases) {
        it(`${c.policy}: passes the baseline, fails ${c.title}`, async () => {
            const s = compliantProd();
            assert.deepEqual(await findings(s, PROD_REGION, c.policy), []);
            c.breakIt(s);
            const out = (await findings(s, PROD_REGION, c.policy)).map(({ name, message }) => ({ name, message }));
            assert.deepEqual(out, c.expected);
        });
    }

    it("exempts dr-tagged resources from the prod-only rules", async () => {
        const s = compliantProd();
        const dr = { "pilot-light:role": "dr" };
        Object.assign(s.get("web", "aws:lb/loadBalancer:LoadBalancer").inputs, { enableDeletionProtection: false, tags: dr });
        Object.assign(s.get("cache").inputs, { automaticFailoverEnabled: false, tags: dr });
        Object.assign(s.get("db").inputs, { multiAz: false, tags: dr });
        const out = await findings(s, PROD_REGION);
        assert.deepEqual(out.filter((f) => ["alb-deletion-protection", "elasticache-auto-failover", "rds-multi-az"].includes(f.policy)), []);
    });
});
