// Preflight checks against mocked SDK v3 clients: the exact requests that matter and the exact
// operator messages for each failure.
import { strict as assert } from "assert";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, NoSuchResourceException } from "@aws-sdk/client-service-quotas";
import { DescribeImagesCommand, DescribeInstancesCommand, DescribeInstanceTypesCommand } from "@aws-sdk/client-ec2";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { GetBucketLocationCommand } from "@aws-sdk/client-s3";
import {
    checkBackendRegion, checkCredentials, checkImageAvailable, checkQuotas, checkReplicaAvailable, checkReplicaLag,
    describeDbInstance, instanceFamilyPrefix, vcpuQuotaClass,
} from "../../ops/runbooks/preflight";
import { FakeWorkspace, useAwsMocks } from "./support/fakeWorkspace";

const aws = useAwsMocks();
const NOW = Date.UTC(2025, 0, 15, 3, 0, 0);
const notFound = () => new DBInstanceNotFoundFault({ message: "DBInstance pl-dr-db not found.", $metadata: {} });

/** Rejects with an Error whose message is exactly `expected`. */
async function rejectsWith(p: Promise<unknown>, expected: string | RegExp) {
    await assert.rejects(p, (e: any) => {
        if (typeof expected === "string") assert.equal(e.message, expected);
        else assert.match(e.message, expected);
        return true;
    });
}

describe("runbooks: preflight", () => {
    beforeEach(() => aws.reset());

    describe("checkCredentials", () => {
        it("reports the account and ARN", async () => {
            aws.sts.on(GetCallerIdentityCommand).resolves({ Account: "123456789012", Arn: "arn:aws:sts::123456789012:assumed-role/ops/me" });
            assert.equal(await checkCredentials("us-west-2"), "account 123456789012 as arn:aws:sts::123456789012:assumed-role/ops/me");
        });
        it("says how to fix missing credentials", async () => {
            aws.sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
            await rejectsWith(checkCredentials("us-west-2"), "AWS credentials do not work in us-west-2 (sts:GetCallerIdentity failed: "
                + "CredentialsProviderError: Could not load credentials from any providers); set AWS_PROFILE or AWS_ACCESS_KEY_ID/"
                + "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or run `aws sso login`, then retry");
        });
    });

    describe("checkBackendRegion", () => {
        const check = (url: string) => checkBackendRegion(new FakeWorkspace({}, url), "us-east-1", "us-west-2");

        it("passes an S3 backend in another region, from the URL, without an S3 call", async () => {
            assert.equal(await check("s3://state?region=eu-central-1&awssdk=v2"),
                "state in S3 bucket state in eu-central-1 (from the backend URL), not the prod region us-east-1");
            assert.equal(aws.s3.calls().length, 0);
        });
        it("fails an S3 backend in the prod region, saying what to do", async () => {
            await rejectsWith(check("s3://state?region=us-east-1"), "the state backend is in us-east-1, the prod region: if that region "
                + "is down you cannot run pulumi at all; move state with `pulumi stack export/import` to a backend in another region "
                + "(backend s3://state?region=us-east-1, region from the backend URL)");
        });
        it("looks the bucket up when the URL has no region; an empty location is us-east-1", async () => {
            aws.s3.on(GetBucketLocationCommand, { Bucket: "state" }).resolves({ LocationConstraint: "" as any });
            await rejectsWith(check("s3://state"), /^the state backend is in us-east-1, the prod region: .*region from GetBucketLocation\)$/);
            aws.s3.on(GetBucketLocationCommand, { Bucket: "state" }).resolves({ LocationConstraint: "EU" as any });
            assert.equal(await check("s3://state"), "state in S3 bucket state in eu-west-1 (from GetBucketLocation), not the prod region us-east-1");
        });
        it("refuses an empty location in China, where no bucket is in us-east-1", async () => {
            aws.s3.on(GetBucketLocationCommand, { Bucket: "state" }).resolves({ LocationConstraint: "" as any });
            await rejectsWith(checkBackendRegion(new FakeWorkspace({}, "s3://state"), "cn-north-1", "cn-northwest-1"),
                "s3:GetBucketLocation from cn-northwest-1 gave no region for the state bucket state: an empty answer means us-east-1, "
                + "which is not in aws-cn; add ?region=<region> to the backend URL (`pulumi login s3://state?region=...`)");
            aws.s3.on(GetBucketLocationCommand, { Bucket: "state" }).resolves({ LocationConstraint: "cn-northwest-1" as any });
            assert.equal(await checkBackendRegion(new FakeWorkspace({}, "s3://state"), "cn-north-1", "cn-northwest-1"),
                "state in S3 bucket state in cn-northwest-1 (from GetBucketLocation), not the prod region cn-north-1");
        });
        it("passes Pulumi Cloud with a note", async () => {
            assert.match(await check("https://api.pulumi.com"), /^state in Pulumi Cloud \(https:\/\/api\.pulumi\.com\), a service Pulumi operates outside this AWS account/);
        });
        it("passes a file backend with a warning that state is on this machine", async () => {
            assert.match(await check("file:///home/ops/.pulumi"), /^WARNING: state is on this machine \(file:\/\/\/home\/ops\/\.pulumi\)/);
        });
    });

    describe("describeDbInstance and checkReplicaAvailable", () => {
        it("returns undefined for a missing instance", async () => {
            aws.rds.on(DescribeDBInstancesCommand).rejects(notFound());
            assert.equal(await describeDbInstance("us-west-2", "pl-dr-db"), undefined);
        });
        it("fails a missing replica naming it and the region", async () => {
            aws.rds.on(DescribeDBInstancesCommand).rejects(notFound());
            await rejectsWith(checkReplicaAvailable("us-west-2", "pl-dr-db"), /^replica pl-dr-db not found in us-west-2: /);
        });
        it("passes an available replica, naming its source", async () => {
            aws.rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: "pl-dr-db" }).resolves({ DBInstances: [{
                DBInstanceIdentifier: "pl-dr-db", DBInstanceStatus: "available",
                ReadReplicaSourceDBInstanceIdentifier: "arn:aws:rds:us-east-1:123456789012:db:pl-prod-db",
            }] });
            assert.equal(await checkReplicaAvailable("us-west-2", "pl-dr-db"),
                "pl-dr-db is available, replicating from arn:aws:rds:us-east-1:123456789012:db:pl-prod-db");
        });
        it("fails a replica that is not available, with its status", async () => {
            aws.rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: "modifying", ReadReplicaSourceDBInstanceIdentifier: "x" }] });
            await rejectsWith(checkReplicaAvailable("us-west-2", "pl-dr-db"), /^replica pl-dr-db in us-west-2 has status "modifying", expected "available"/);
        });
        it("says an already-promoted instance is promoted and that re-running is safe, or passes it when allowed", async () => {
            aws.rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: "available" }] });
            await rejectsWith(checkReplicaAvailable("us-west-2", "pl-dr-db"),
                /^pl-dr-db in us-west-2 is no longer a read replica: it is already promoted .*re-running `failover` is safe/);
            assert.match(await checkReplicaAvailable("us-west-2", "pl-dr-db", { allowPromoted: true }), /^pl-dr-db is already promoted/);
        });
    });

    describe("checkReplicaLag", () => {
        const points = (...values: number[]) => ({
            Datapoints: values.map((v, i) => ({ Timestamp: new Date(NOW - (values.length - i) * 60_000), Maximum: v })).reverse(),
        });

        it("asks CloudWatch for the replica's Maximum ReplicaLag over the last 10 minutes", async () => {
            aws.cloudwatch.on(GetMetricStatisticsCommand).resolves(points(40, 3));
            assert.equal(await checkReplicaLag("us-west-2", "pl-dr-db", 300, NOW), "lag 3s at 2025-01-15T02:59:00.000Z (10-minute peak 40s), within 300s: RPO about 3s");
            const input = aws.cloudwatch.commandCalls(GetMetricStatisticsCommand)[0].args[0].input;
            assert.deepEqual(input, {
                Namespace: "AWS/RDS", MetricName: "ReplicaLag", Dimensions: [{ Name: "DBInstanceIdentifier", Value: "pl-dr-db" }],
                StartTime: new Date(NOW - 600_000), EndTime: new Date(NOW), Period: 60, Statistics: ["Maximum"],
            });
        });
        it("fails lag over the threshold with the number, the limit, the RPO and the flag", async () => {
            aws.cloudwatch.on(GetMetricStatisticsCommand).resolves(points(100, 420));
            await rejectsWith(checkReplicaLag("us-west-2", "pl-dr-db", 300, NOW), "replica pl-dr-db in us-west-2 is 420s behind (limit 300s, "
                + "10-minute peak 420s): failing over now loses up to the last 420s of writes made in prod (that is the RPO of this failover); "
                + "wait for it to catch up, raise --max-lag-seconds, or pass --accept-lag if prod is gone and the loss is acceptable");
        });
        it("passes lag over the threshold with a warning when accepted", async () => {
            aws.cloudwatch.on(GetMetricStatisticsCommand).resolves(points(420));
            assert.match(await checkReplicaLag("us-west-2", "pl-dr-db", 300, NOW, { acceptLag: true }),
                /^WARNING \(accepted with --accept-lag\): replica pl-dr-db in us-west-2 is 420s behind/);
        });
        it("fails without datapoints (replication may be broken) unless accepted", async () => {
            aws.cloudwatch.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
            await rejectsWith(checkReplicaLag("us-west-2", "pl-dr-db", 300, NOW), /^no ReplicaLag datapoints for pl-dr-db in us-west-2 in the last 10 minutes: replication may be broken.*pass --accept-lag/);
            assert.match(await checkReplicaLag("us-west-2", "pl-dr-db", 300, NOW, { acceptLag: true }), /^WARNING \(accepted with --accept-lag\): no ReplicaLag datapoints/);
        });
        it("fails a negative lag (not measurable) unless accepted", async () => {
            aws.cloudwatch.on(GetMetricStatisticsCommand).resolves(points(-1));
            await rejectsWith(checkReplicaLag("us-west-2", "pl-dr-db", 300, NOW), /^ReplicaLag for pl-dr-db in us-west-2 is -1: RDS cannot measure it/);
        });
    });

    describe("checkQuotas", () => {
        function stageQuotas(opts: { quota: number; running?: { type: string; lifecycle?: string }[][]; groups?: number; asgQuota?: number }) {
            aws.ec2.on(DescribeInstanceTypesCommand).callsFake((input: any) => ({
                InstanceTypes: input.InstanceTypes.map((t: string) => ({ InstanceType: t, VCpuInfo: { DefaultVCpus: { "t3.medium": 2, "m5.xlarge": 4, "g5.xlarge": 4 }[t] } })),
            }));
            const pages = opts.running ?? [[]];
            pages.forEach((page, i) => {
                aws.ec2.on(DescribeInstancesCommand, { NextToken: i === 0 ? undefined : `page${i}` }).resolves({
                    Reservations: [{ Instances: page.map((p) => ({ InstanceType: p.type as any, InstanceLifecycle: p.lifecycle as any })) }],
                    NextToken: i + 1 < pages.length ? `page${i + 1}` : undefined,
                });
            });
            aws.quotas.on(GetServiceQuotaCommand, { ServiceCode: "ec2", QuotaCode: "L-1216C47A" }).resolves({ Quota: { Value: opts.quota } });
            aws.quotas.on(GetServiceQuotaCommand, { ServiceCode: "autoscaling", QuotaCode: "L-CDE20ADC" }).resolves({ Quota: { Value: opts.asgQuota ?? 500 } });
            aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: Array.from({ length: opts.groups ?? 2 }, () => ({} as any)) });
        }

        it("maps families to quota codes and fails an unknown one naming it", async () => {
            assert.equal(instanceFamilyPrefix("inf2.xlarge"), "inf");
            assert.equal(vcpuQuotaClass("t3.medium")?.code, "L-1216C47A");
            assert.equal(vcpuQuotaClass("im4gn.large")?.code, "L-1216C47A");
            assert.equal(vcpuQuotaClass("g5.xlarge")?.code, "L-DB2E81BA");
            assert.equal(vcpuQuotaClass("vt1.3xlarge")?.code, "L-DB2E81BA");
            assert.equal(vcpuQuotaClass("p4d.24xlarge")?.code, "L-417A185B");
            assert.equal(vcpuQuotaClass("trn1.2xlarge"), undefined);
            await rejectsWith(checkQuotas("us-west-2", "trn1.2xlarge", 2), /^instance type trn1.2xlarge \(family "trn"\) has no mapped On-Demand vCPU quota; known families: /);
        });
        it("passes when the needed vCPUs fit after running on-demand instances of the same class (paginated)", async () => {
            stageQuotas({ quota: 32, running: [[{ type: "m5.xlarge" }, { type: "g5.xlarge" }], [{ type: "t3.medium" }, { type: "m5.xlarge", lifecycle: "spot" }]] });
            assert.equal(await checkQuotas("us-west-2", "t3.medium", 4), "4 × t3.medium = 8 vCPUs fits: Standard (A, C, D, H, I, M, R, T, Z) quota 32, "
                + "6 in use, 26 available; Auto Scaling groups 2/500 + 1");
            assert.equal(aws.ec2.commandCalls(DescribeInstancesCommand).length, 2);
        });
        it("fails a quota that is too low, naming the family, needed and available vCPUs", async () => {
            stageQuotas({ quota: 16, running: [[{ type: "m5.xlarge" }, { type: "m5.xlarge" }]] });
            await rejectsWith(checkQuotas("us-west-2", "t3.medium", 6), "vCPU quota too low in us-west-2 for 6 × t3.medium: needs 12 vCPUs of the "
                + "Standard (A, C, D, H, I, M, R, T, Z) family, only 8 available (quota 16 [L-1216C47A], 8 in use by running instances); "
                + "request an increase to at least 20: `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A "
                + "--desired-value 20 --region us-west-2`");
        });
        it("fails when one more Auto Scaling group does not fit", async () => {
            stageQuotas({ quota: 100, groups: 200, asgQuota: 200 });
            await rejectsWith(checkQuotas("us-west-2", "t3.medium", 2), /^Auto Scaling group quota too low in us-west-2: 200 groups exist, the quota is 200 \[L-CDE20ADC\]/);
        });
        it("falls back to the AWS default quota when none is applied", async () => {
            stageQuotas({ quota: 0 });
            aws.quotas.on(GetServiceQuotaCommand, { ServiceCode: "ec2", QuotaCode: "L-1216C47A" })
                .rejects(new NoSuchResourceException({ message: "no applied quota", $metadata: {} }));
            aws.quotas.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
            await rejectsWith(checkQuotas("us-west-2", "t3.medium", 3), /needs 6 vCPUs of the Standard .* only 5 available \(quota 5 \[L-1216C47A\], 0 in use/);
        });
    });

    describe("checkImageAvailable", () => {
        it("passes an available image", async () => {
            aws.ec2.on(DescribeImagesCommand, { ImageIds: ["ami-0123"] }).resolves({ Images: [{ ImageId: "ami-0123", Name: "app-v7", State: "available" }] });
            assert.equal(await checkImageAvailable("us-west-2", "ami-0123"), "ami-0123 (app-v7) is available");
        });
        it("fails a pending or missing image", async () => {
            aws.ec2.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: "ami-0123", State: "pending" }] });
            await rejectsWith(checkImageAvailable("us-west-2", "ami-0123"), /^image ami-0123 in us-west-2 is "pending", expected "available"/);
            aws.ec2.on(DescribeImagesCommand).rejects(Object.assign(new Error("The image id '[ami-0123]' does not exist"), { name: "InvalidAMIID.NotFound" }));
            await rejectsWith(checkImageAvailable("us-west-2", "ami-0123"), /^image ami-0123 not found in us-west-2/);
        });
    });
});
