// AppServers under the offline engine: IAM scope, launch template safety, ASG and scaling.
import { strict as assert } from "assert";
import { gunzipSync } from "zlib";
import { recordResources, Recording } from "../support/offline";
import type { AppServers as AppServersClass, AppServersArgs } from "../../components/app/servers";

const T = {
    component: "pilot-light:app:AppServers",
    role: "aws:iam/role:Role",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    policy: "aws:iam/rolePolicy:RolePolicy",
    profile: "aws:iam/instanceProfile:InstanceProfile",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    asg: "aws:autoscaling/group:Group",
    scaling: "aws:autoscaling/policy:Policy",
};

const DB_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";
const CACHE_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cache-GhIjKl";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const BUCKET = "arn:aws:s3:::pilot-light-media";

const args = (over: Partial<AppServersArgs> = {}): AppServersArgs => ({
    imageId: "ami-0123456789abcdef0",
    instanceType: "t3.medium",
    subnetIds: ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"],
    securityGroupId: "sg-app",
    targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/0123",
    minSize: 2, maxSize: 6, desiredCapacity: 3,
    userData: "#!/bin/bash\necho hello\n",
    secretArns: [DB_SECRET, CACHE_SECRET],
    kmsKeyArn: KEY,
    mediaBucketArn: BUCKET,
    tags: { Project: "pilot-light" },
    ...over,
});

async function build(name: string, a: AppServersArgs): Promise<{ rec: Recording; servers: AppServersClass }> {
    const rec = await recordResources("eu-west-1");
    const { AppServers } = await import("../../components/app/servers");
    const servers = new AppServers(name, a);
    await rec.settle();
    return { rec, servers };
}

describe("app/AppServers", () => {
    let rec: Recording;
    let servers: AppServersClass;
    before(async () => ({ rec, servers } = await build("prod-app-servers", args())));

    it("registers exactly a role, the SSM attachment, an inline policy, a profile, a template, a group and a scaling policy", () => {
        const c = rec.one(T.component, "prod-app-servers");
        assert.deepEqual(rec.childTypes(c.urn), [T.asg, T.attachment, T.lt, T.policy, T.profile, T.role, T.scaling].sort());
        for (const [type, name] of [[T.role, "prod-app-servers-role"], [T.attachment, "prod-app-servers-ssm"], [T.policy, "prod-app-servers-app"],
            [T.profile, "prod-app-servers-profile"], [T.lt, "prod-app-servers-lt"], [T.asg, "prod-app-servers-asg"], [T.scaling, "prod-app-servers-cpu"]]) {
            assert.equal(rec.one(type, name).parent, c.urn);
        }
    });

    it("lets only EC2 assume the role, and attaches the Session Manager core policy", () => {
        const role = rec.one(T.role);
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        const attachment = rec.one(T.attachment).inputs;
        assert.equal(attachment.role, role.outputs.name);
        assert.equal(attachment.policyArn, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
        assert.equal(rec.one(T.profile).inputs.role, role.outputs.name);
    });

    it("scopes the inline policy to exactly the two secrets, the key via Secrets Manager, and the media bucket", () => {
        const policy = rec.one(T.policy);
        assert.equal(policy.inputs.role, rec.one(T.role).outputs.name);
        assert.deepEqual(JSON.parse(policy.inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "ReadAppSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [DB_SECRET, CACHE_SECRET] },
                { Sid: "ListMediaBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET },
                { Sid: "ReadWriteMedia", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: `${BUCKET}/*` },
                {
                    Sid: "DecryptDatabaseSecret", Effect: "Allow", Action: "kms:Decrypt", Resource: KEY,
                    Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
                },
            ],
        });
    });

    it("launches with IMDSv2 only (hop limit 1), detailed monitoring, an encrypted gp3 root volume and no key pair", () => {
        const lt = rec.one(T.lt).inputs;
        assert.equal(lt.imageId, "ami-0123456789abcdef0");
        assert.equal(lt.instanceType, "t3.medium");
        assert.deepEqual(lt.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
        assert.deepEqual(lt.monitoring, { enabled: true });
        assert.deepEqual(lt.blockDeviceMappings, [{
            deviceName: "/dev/xvda",
            ebs: { volumeType: "gp3", volumeSize: 20, encrypted: "true", deleteOnTermination: "true" },
        }]);
        assert.equal("keyName" in lt, false, "no SSH key pair");
        assert.deepEqual(lt.vpcSecurityGroupIds, ["sg-app"]);
        assert.deepEqual(lt.iamInstanceProfile, { arn: rec.one(T.profile).outputs.arn });
        assert.equal(lt.updateDefaultVersion, true);
        // Gzipped for cloud-init (the full WordPress boot is over 16 KB as text), then base64.
        assert.equal(gunzipSync(Buffer.from(lt.userData, "base64")).toString("utf8"), "#!/bin/bash\necho hello\n");
        assert.deepEqual(lt.tagSpecifications, [
            { resourceType: "instance", tags: { Project: "pilot-light", Name: "prod-app-servers" } },
            { resourceType: "volume", tags: { Project: "pilot-light", Name: "prod-app-servers" } },
        ]);
    });

    it("spreads the group over every private subnet behind the target group, with ELB health checks", () => {
        const asg = rec.one(T.asg);
        const i = asg.inputs;
        assert.deepEqual(i.vpcZoneIdentifiers, ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"]);
        assert.equal(i.healthCheckType, "ELB");
        // Longer than a slow first boot (boot.sh installs the web stack), or the group replaces instances in a loop.
        assert.equal(i.healthCheckGracePeriod, 600);
        assert.deepEqual(i.targetGroupArns, ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/0123"]);
        assert.equal(i.minSize, 2);
        assert.equal(i.maxSize, 6);
        assert.equal(i.desiredCapacity, 3);
        // Target tracking owns the size after creation; an update must not reset it.
        assert.deepEqual(asg.ignoreChanges, ["desiredCapacity"]);
        const lt = rec.one(T.lt);
        assert.deepEqual(i.launchTemplate, { id: lt.id, version: String(lt.outputs.latestVersion) });
        assert.deepEqual(asg.propertyDependencies.launchTemplate, [lt.urn]);
        assert.deepEqual(i.instanceRefresh, { strategy: "Rolling", preferences: { minHealthyPercentage: 50 } });
        assert.deepEqual(i.tags, [
            { key: "Project", value: "pilot-light", propagateAtLaunch: true },
            { key: "Name", value: "prod-app-servers", propagateAtLaunch: true },
        ]);
        for (const dep of [rec.one(T.policy).urn, rec.one(T.attachment).urn]) {
            assert.ok(asg.dependencies.includes(dep), `the group waits for ${dep}`);
        }
    });

    it("tracks 70 % average CPU", () => {
        const p = rec.one(T.scaling).inputs;
        assert.equal(p.autoscalingGroupName, rec.one(T.asg).outputs.name);
        assert.equal(p.policyType, "TargetTrackingScaling");
        assert.deepEqual(p.targetTrackingConfiguration, {
            predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
            targetValue: 70,
        });
    });

    it("exposes the group, template and role", async () => {
        const v = (o: any) => new Promise((r) => o.apply(r));
        assert.equal(await v(servers.asgName), rec.one(T.asg).outputs.name);
        assert.equal(await v(servers.launchTemplateId), rec.one(T.lt).id);
        assert.equal(await v(servers.roleName), rec.one(T.role).outputs.name);
    });

    it("grants no kms:Decrypt without a key, and honours the optional sizes", async () => {
        const other = await build("dr-app-servers", args({
            kmsKeyArn: undefined, rootVolumeSize: 40, healthCheckGracePeriod: 900, cpuTargetUtilization: 50, minSize: 0, desiredCapacity: 0, maxSize: 1,
        }));
        const statements = JSON.parse(other.rec.one(T.policy).inputs.policy).Statement;
        assert.deepEqual(statements.map((s: any) => s.Sid), ["ReadAppSecrets", "ListMediaBucket", "ReadWriteMedia"]);
        assert.equal(JSON.stringify(statements).includes("kms:"), false);
        assert.equal(other.rec.one(T.lt).inputs.blockDeviceMappings[0].ebs.volumeSize, 40);
        assert.equal(other.rec.one(T.asg).inputs.healthCheckGracePeriod, 900);
        assert.deepEqual([other.rec.one(T.asg).inputs.minSize, other.rec.one(T.asg).inputs.desiredCapacity, other.rec.one(T.asg).inputs.maxSize], [0, 0, 1]);
        assert.equal(other.rec.one(T.scaling).inputs.targetTrackingConfiguration.targetValue, 50);
        assert.equal(other.rec.one(T.scaling).inputs.estimatedInstanceWarmup, 900);
    });

    it("rejects bad arguments in one error, registering nothing", async () => {
        const fresh = await recordResources("us-east-1");
        const { AppServers } = await import("../../components/app/servers");
        assert.throws(() => new AppServers("bad", args({ instanceType: "", subnetIds: [], secretArns: [], minSize: 3, desiredCapacity: 2, maxSize: 1 })), {
            message: "AppServers \"bad\": invalid arguments:\n"
                + "  - instanceType must not be empty\n"
                + "  - subnetIds must not be empty\n"
                + "  - secretArns must not be empty\n"
                + "  - minSize (3) must be <= desiredCapacity (2)\n"
                + "  - desiredCapacity (2) must be <= maxSize (1)",
        });
        await fresh.settle();
        assert.deepEqual(fresh.records, []);
    });
});
