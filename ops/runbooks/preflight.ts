// Read-only checks a runbook makes before it changes anything: can we call AWS, will Pulumi's
// state still be reachable if the prod region is gone, is the dr replica there and how far
// behind, are there enough EC2 vCPUs and Auto Scaling groups in dr for the app tier, and is the
// copied image usable. Each returns a one-line result for the timeline, or throws an Error an
// operator can act on at 3 a.m.: what is wrong, the value seen, what is allowed and what to do.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { DBInstance, DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import {
    GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, ServiceQuotasClient,
} from "@aws-sdk/client-service-quotas";
import {
    DescribeImagesCommand, DescribeInstancesCommand, DescribeInstanceTypesCommand, EC2Client, Image, _InstanceType,
} from "@aws-sdk/client-ec2";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { GetBucketLocationCommand, S3Client } from "@aws-sdk/client-s3";
import { partitionOf } from "../../components/regions";
import { awsClient, isUnreachable } from "./clients";
import { PulumiWorkspace } from "./workspace";
import { awsErrorName, describeAwsError } from "./aws";

/** Confirms AWS credentials work in `region` (STS GetCallerIdentity): "account 123… as arn:…". */
export async function checkCredentials(region: string): Promise<string> {
    try {
        const me = await awsClient(STSClient, region).send(new GetCallerIdentityCommand({}));
        return `account ${me.Account} as ${me.Arn}`;
    } catch (e) {
        if (isUnreachable(e)) throw new Error(`cannot check AWS credentials: ${e.message}`);
        throw new Error(`AWS credentials do not work in ${region} (sts:GetCallerIdentity failed: ${describeAwsError(e)}); `
            + `set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or run \`aws sso login\`, then retry`);
    }
}

/**
 * Checks that Pulumi's state does not live in the prod region, which is the region a failover
 * assumes may be down. S3 backends name their region in `?region=`; without it the bucket's
 * region is looked up with GetBucketLocation from `lookupRegion`: the failover asks from dr's
 * region (the location API answers for buckets in any region from any region), so the lookup
 * does not depend on the region that is down. Pulumi Cloud and file backends
 * pass with a note; other backends pass with a note that the region could not be checked.
 */
export async function checkBackendRegion(workspace: PulumiWorkspace, prodRegion: string, lookupRegion: string): Promise<string> {
    const url = await workspace.backendUrl();
    const scheme = url.slice(0, url.indexOf("://") + 3).toLowerCase();
    if (scheme === "s3://") {
        const parsed = new URL(url);
        const bucket = parsed.host;
        let region = parsed.searchParams.get("region") ?? undefined;
        let how = "from the backend URL";
        if (!region) {
            region = await bucketRegion(bucket, lookupRegion);
            how = "from GetBucketLocation";
        }
        if (region === prodRegion) {
            throw new Error(`the state backend is in ${region}, the prod region: if that region is down you cannot run pulumi at all; `
                + `move state with \`pulumi stack export/import\` to a backend in another region (backend ${url}, region ${how})`);
        }
        return `state in S3 bucket ${bucket} in ${region} (${how}), not the prod region ${prodRegion}`;
    }
    if (/^https:\/\/(api|app)\.pulumi\.com(\/|$)/i.test(url)) {
        // Deliberately no claim about where Pulumi Cloud runs: only that it is not in this AWS account.
        return `state in Pulumi Cloud (${url}), a service Pulumi operates outside this AWS account, so losing ${prodRegion} `
            + `does not take the state with it; if pulumi itself cannot reach it, check status.pulumi.com`;
    }
    if (scheme === "file://") {
        return `WARNING: state is on this machine (${url}); only this machine can run the failover, so back it up `
            + `or move it to a backend outside ${prodRegion} (\`pulumi stack export/import\`)`;
    }
    return `WARNING: cannot tell which region the state backend ${url} is in; make sure it does not depend on ${prodRegion}`;
}

async function bucketRegion(bucket: string, lookupRegion: string): Promise<string> {
    let constraint: string | undefined;
    try {
        const out = await awsClient(S3Client, lookupRegion).send(new GetBucketLocationCommand({ Bucket: bucket }));
        constraint = out.LocationConstraint as string | undefined;
    } catch (e) {
        if (isUnreachable(e)) throw e;
        throw new Error(`cannot find the region of the state bucket ${bucket} (s3:GetBucketLocation from ${lookupRegion} failed: `
            + `${describeAwsError(e)}); add ?region=<region> to the backend URL (\`pulumi login s3://${bucket}?region=...\`) or grant s3:GetBucketLocation`);
    }
    // An empty LocationConstraint means us-east-1; "EU" is the legacy name of eu-west-1; the
    // China and GovCloud regions answer with their own names (the API's valid values list
    // cn-north-1, cn-northwest-1, us-gov-*), so an empty answer outside the aws partition names
    // no region. https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
    if (constraint) return constraint === "EU" ? "eu-west-1" : constraint;
    const partition = partitionOf(lookupRegion);
    if (partition === "aws") return "us-east-1";
    throw new Error(`s3:GetBucketLocation from ${lookupRegion} gave no region for the state bucket ${bucket}: an empty answer means `
        + `us-east-1, which is not in ${partition}; add ?region=<region> to the backend URL (\`pulumi login s3://${bucket}?region=...\`)`);
}

/**
 * DescribeDBInstances for one identifier. Returns undefined when RDS says there is no such
 * instance (DBInstanceNotFoundFault), so each caller words "not found" for its own situation;
 * other errors (access denied, throttling) are thrown with the region and identifier.
 */
export async function describeDbInstance(region: string, identifier: string): Promise<DBInstance | undefined> {
    try {
        const out = await awsClient(RDSClient, region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
        return out.DBInstances?.[0];
    } catch (e) {
        if (awsErrorName(e) === "DBInstanceNotFoundFault" || awsErrorName(e) === "DBInstanceNotFound") return undefined;
        throw new Error(`cannot describe DB instance ${identifier} in ${region}: ${describeAwsError(e)}`);
    }
}

/** True when the instance is no longer a read replica (it has been promoted, or never was one). */
export function isPromoted(db: DBInstance): boolean {
    return !db.ReadReplicaSourceDBInstanceIdentifier;
}

/**
 * Checks that `identifier` in `region` exists, is "available" and is still a read replica.
 * With `allowPromoted`, an instance that is already promoted passes with a note instead (a
 * failover being re-run after it got past the promotion).
 */
export async function checkReplicaAvailable(region: string, identifier: string,
    opts: { allowPromoted?: boolean } = {}): Promise<string> {
    const db = await describeDbInstance(region, identifier);
    if (!db) {
        throw new Error(`replica ${identifier} not found in ${region}: RDS returned DBInstanceNotFound; check the dr stack's `
            + `dbInstanceIdentifier output and that these credentials are for the right account`);
    }
    if (isPromoted(db)) {
        if (opts.allowPromoted) {
            return `${identifier} is already promoted (status ${db.DBInstanceStatus}); the replica checks are skipped and the failover resumes`;
        }
        throw new Error(`${identifier} in ${region} is no longer a read replica: it is already promoted (status ${db.DBInstanceStatus}). `
            + `If an earlier failover promoted it, re-running \`failover\` is safe: it keeps pilot-light:promote true and resumes`);
    }
    if (db.DBInstanceStatus !== "available") {
        throw new Error(`replica ${identifier} in ${region} has status "${db.DBInstanceStatus}", expected "available"; `
            + `wait for RDS to finish (see the instance's events in the RDS console) and retry`);
    }
    return `${identifier} is available, replicating from ${db.ReadReplicaSourceDBInstanceIdentifier}`;
}

/** What `checkReplicaLag` may accept instead of failing. */
export interface ReplicaLagOptions {
    /**
     * Pass, with a warning, when the lag is over the limit or unknown (no datapoints). A real
     * disaster may need this: with the source region gone, replication is broken and lag is
     * unmeasurable or growing, and failing over with lost writes beats not failing over.
     */
    acceptLag?: boolean;
}

/** Looked back over this long; RDS publishes ReplicaLag every minute. */
const LAG_WINDOW_MS = 10 * 60_000;

/**
 * A latest datapoint older than this says nothing about the lag now: RDS publishes ReplicaLag
 * every minute (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html), so
 * three missing minutes mean replication (or its reporting) has stopped. The lag, and so the
 * failover's RPO, is then unknown, not the old value.
 */
export const LAG_STALE_MS = 3 * 60_000;

/**
 * Reads CloudWatch AWS/RDS ReplicaLag (Maximum per minute, last 10 minutes before `now`) for the
 * replica and fails when the latest value is over `maxSeconds` or when there are no datapoints,
 * unless `acceptLag`. The latest value is what a failover now would lose; the 10-minute peak is
 * reported alongside it.
 */
export async function checkReplicaLag(region: string, identifier: string, maxSeconds: number, now: number | Date,
    opts: ReplicaLagOptions = {}): Promise<string> {
    const end = new Date(now);
    const out = await awsClient(CloudWatchClient, region).send(new GetMetricStatisticsCommand({
        Namespace: "AWS/RDS",
        MetricName: "ReplicaLag",
        Dimensions: [{ Name: "DBInstanceIdentifier", Value: identifier }],
        StartTime: new Date(end.getTime() - LAG_WINDOW_MS),
        EndTime: end,
        Period: 60,
        Statistics: ["Maximum"],
    }));
    const points = (out.Datapoints ?? [])
        .filter((p) => p.Timestamp && typeof p.Maximum === "number")
        .sort((a, b) => new Date(a.Timestamp!).getTime() - new Date(b.Timestamp!).getTime());
    if (points.length === 0) {
        const problem = `no ReplicaLag datapoints for ${identifier} in ${region} in the last 10 minutes: replication may be broken `
            + `(or the source region is unreachable), so the data loss on failover (the RPO) is unknown`;
        if (opts.acceptLag) return `WARNING (accepted with --accept-lag): ${problem}`;
        throw new Error(`${problem}; check the replica in the RDS console, or pass --accept-lag to fail over anyway`);
    }
    const latest = points[points.length - 1].Maximum!;
    const peak = Math.max(...points.map((p) => p.Maximum!));
    const latestAt = new Date(points[points.length - 1].Timestamp!);
    const age = end.getTime() - latestAt.getTime();
    if (age > LAG_STALE_MS) {
        const problem = `the latest ReplicaLag datapoint for ${identifier} in ${region} is from ${latestAt.toISOString()}, `
            + `${Math.round(age / 60_000)} minutes old (over ${LAG_STALE_MS / 60_000}): the lag now is unknown (its last value was ${latest}s), `
            + `so the RPO of this failover is unknown`;
        if (opts.acceptLag) return `WARNING (accepted with --accept-lag): ${problem}`;
        throw new Error(`${problem}; check the replica in the RDS console, or pass --accept-lag to fail over anyway`);
    }
    if (latest < 0) {
        // RDS reports a negative lag when it cannot measure it, typically because replication is not running.
        const problem = `ReplicaLag for ${identifier} in ${region} is ${latest}: RDS cannot measure it, replication is likely stopped`;
        if (opts.acceptLag) return `WARNING (accepted with --accept-lag): ${problem}`;
        throw new Error(`${problem}; check the replica in the RDS console, or pass --accept-lag to fail over anyway`);
    }
    if (latest > maxSeconds) {
        const problem = `replica ${identifier} in ${region} is ${latest}s behind (limit ${maxSeconds}s, 10-minute peak ${peak}s): `
            + `failing over now loses up to the last ${latest}s of writes made in prod (that is the RPO of this failover)`;
        if (opts.acceptLag) return `WARNING (accepted with --accept-lag): ${problem}`;
        throw new Error(`${problem}; wait for it to catch up, raise --max-lag-seconds, or pass --accept-lag if prod is gone and the loss is acceptable`);
    }
    return `lag ${latest}s at ${latestAt.toISOString()} (10-minute peak ${peak}s), within ${maxSeconds}s: RPO about ${latest}s`;
}

/** An EC2 On-Demand vCPU quota: the families it covers and its Service Quotas code. */
export interface VcpuQuotaClass {
    /** e.g. "Standard (A, C, D, H, I, M, R, T, Z)". */
    name: string;
    /** Service Quotas code, service "ec2". */
    code: string;
    /** Instance family prefixes (the letters before the generation digit), lower case. */
    prefixes: readonly string[];
}

/**
 * The On-Demand vCPU quotas the runbooks know. Standard also covers the I-family variants whose
 * prefix has more letters (im4gn, is4gen). Other families (Trn, DL, HPC, Mac, u-) have quotas
 * of their own that are not mapped here, so `checkQuotas` fails for them rather than guess.
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html
 */
export const VCPU_QUOTA_CLASSES: readonly VcpuQuotaClass[] = [
    { name: "Standard (A, C, D, H, I, M, R, T, Z)", code: "L-1216C47A", prefixes: ["a", "c", "d", "h", "i", "im", "is", "m", "r", "t", "z"] },
    { name: "F", code: "L-74FC7D96", prefixes: ["f"] },
    { name: "G and VT", code: "L-DB2E81BA", prefixes: ["g", "gr", "vt"] },
    { name: "P", code: "L-417A185B", prefixes: ["p"] },
    { name: "X", code: "L-7295265B", prefixes: ["x"] },
    { name: "Inf", code: "L-1945791B", prefixes: ["inf"] },
];

/** The family prefix of an instance type: "t3.medium" → "t", "inf2.xlarge" → "inf", "u-6tb1.metal" → "u-". */
export function instanceFamilyPrefix(instanceType: string): string {
    return /^[a-z-]*/i.exec(instanceType)![0].toLowerCase();
}

/** The vCPU quota class of an instance type, or undefined when it is not mapped. */
export function vcpuQuotaClass(instanceType: string): VcpuQuotaClass | undefined {
    const prefix = instanceFamilyPrefix(instanceType);
    return VCPU_QUOTA_CLASSES.find((c) => c.prefixes.includes(prefix));
}

/** Service Quotas code of "Auto Scaling groups per region". */
export const ASG_QUOTA_CODE = "L-CDE20ADC";

/**
 * Checks that `instanceCount` instances of `instanceType` fit in the region's On-Demand vCPU
 * quota for that family after the vCPUs already running or pending there (Spot instances have
 * their own quotas and are not counted), and that one more Auto Scaling group fits.
 */
export async function checkQuotas(region: string, instanceType: string, instanceCount: number): Promise<string> {
    if (!Number.isInteger(instanceCount) || instanceCount < 1) {
        throw new Error(`instance count ${instanceCount} is not allowed; it must be a whole number of at least 1 (pilot-light:appMaxSize)`);
    }
    const quotaClass = vcpuQuotaClass(instanceType);
    if (!quotaClass) {
        throw new Error(`instance type ${instanceType} (family "${instanceFamilyPrefix(instanceType)}") has no mapped On-Demand vCPU quota; `
            + `known families: ${VCPU_QUOTA_CLASSES.map((c) => c.prefixes.join("/")).join(", ")}. Check its quota by hand in the Service Quotas console`);
    }
    const ec2 = awsClient(EC2Client, region);
    const perInstance = (await vcpusOf(ec2, region, [instanceType])).get(instanceType)!;
    const needed = perInstance * instanceCount;

    const running = new Map<string, number>();
    let nextToken: string | undefined;
    do {
        const page = await ec2.send(new DescribeInstancesCommand({
            Filters: [{ Name: "instance-state-name", Values: ["pending", "running"] }],
            NextToken: nextToken,
        }));
        for (const r of page.Reservations ?? []) {
            for (const i of r.Instances ?? []) {
                if (!i.InstanceType || i.InstanceLifecycle === "spot") continue;
                if (vcpuQuotaClass(i.InstanceType)?.code !== quotaClass.code) continue;
                running.set(i.InstanceType, (running.get(i.InstanceType) ?? 0) + 1);
            }
        }
        nextToken = page.NextToken;
    } while (nextToken);
    const runningVcpus = await vcpusOf(ec2, region, [...running.keys()]);
    const used = [...running].reduce((sum, [type, count]) => sum + count * runningVcpus.get(type)!, 0);

    const quota = await quotaValue(region, "ec2", quotaClass.code);
    const available = quota - used;
    if (needed > available) {
        throw new Error(`vCPU quota too low in ${region} for ${instanceCount} × ${instanceType}: needs ${needed} vCPUs of the `
            + `${quotaClass.name} family, only ${available} available (quota ${quota} [${quotaClass.code}], ${used} in use by running instances); `
            + `request an increase to at least ${used + needed}: \`aws service-quotas request-service-quota-increase --service-code ec2 `
            + `--quota-code ${quotaClass.code} --desired-value ${used + needed} --region ${region}\``);
    }

    const groups = await countAutoScalingGroups(region);
    const asgQuota = await quotaValue(region, "autoscaling", ASG_QUOTA_CODE);
    if (groups + 1 > asgQuota) {
        throw new Error(`Auto Scaling group quota too low in ${region}: ${groups} groups exist, the quota is ${asgQuota} [${ASG_QUOTA_CODE}], `
            + `and the app tier needs 1 more; delete unused groups or request an increase (service code autoscaling)`);
    }
    return `${instanceCount} × ${instanceType} = ${needed} vCPUs fits: ${quotaClass.name} quota ${quota}, ${used} in use, ${available} available; `
        + `Auto Scaling groups ${groups}/${asgQuota} + 1`;
}

/** Default vCPUs per instance type (DescribeInstanceTypes, 100 types per call at most). */
async function vcpusOf(ec2: EC2Client, region: string, types: string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    for (let i = 0; i < types.length; i += 100) {
        const batch = types.slice(i, i + 100);
        let out;
        try {
            out = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: batch as _InstanceType[] }));
        } catch (e) {
            if (awsErrorName(e) === "InvalidInstanceType") {
                throw new Error(`instance type ${batch.join(", ")} is not offered in ${region} (${describeAwsError(e)}); `
                    + `choose one that is (pilot-light:appInstanceType)`);
            }
            throw e;
        }
        for (const t of out.InstanceTypes ?? []) {
            if (t.InstanceType && t.VCpuInfo?.DefaultVCpus) result.set(t.InstanceType, t.VCpuInfo.DefaultVCpus);
        }
    }
    const missing = types.filter((t) => !result.has(t));
    if (missing.length) {
        throw new Error(`EC2 in ${region} reported no vCPU count for instance type ${missing.join(", ")}; check the type exists there`);
    }
    return result;
}

/** The applied quota value, falling back to the AWS default when the account has no applied value. */
async function quotaValue(region: string, serviceCode: string, quotaCode: string): Promise<number> {
    const sq = awsClient(ServiceQuotasClient, region);
    let value: number | undefined;
    try {
        value = (await sq.send(new GetServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: quotaCode }))).Quota?.Value;
    } catch (e) {
        if (awsErrorName(e) !== "NoSuchResourceException") {
            throw new Error(`cannot read quota ${serviceCode}/${quotaCode} in ${region}: ${describeAwsError(e)}`);
        }
    }
    value ??= (await sq.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: quotaCode }))).Quota?.Value;
    if (typeof value !== "number") throw new Error(`Service Quotas returned no value for ${serviceCode}/${quotaCode} in ${region}`);
    return value;
}

async function countAutoScalingGroups(region: string): Promise<number> {
    const asg = awsClient(AutoScalingClient, region);
    let count = 0;
    let nextToken: string | undefined;
    do {
        const page = await asg.send(new DescribeAutoScalingGroupsCommand({ NextToken: nextToken, MaxRecords: 100 }));
        count += page.AutoScalingGroups?.length ?? 0;
        nextToken = page.NextToken;
    } while (nextToken);
    return count;
}

/** Checks that the image exists in `region` and its state is "available" (DescribeImages). */
export async function checkImageAvailable(region: string, imageId: string): Promise<string> {
    let images: Image[];
    try {
        images = (await awsClient(EC2Client, region).send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images ?? [];
    } catch (e) {
        if (!awsErrorName(e).startsWith("InvalidAMIID")) throw new Error(`cannot describe image ${imageId} in ${region}: ${describeAwsError(e)}`);
        images = [];
    }
    const image = images[0];
    if (!image) {
        throw new Error(`image ${imageId} not found in ${region}; the dr stack's appImageId output names an AMI that is not there `
            + `(deregistered, or copied to another region); run \`pulumi up\` on dr to copy it again before failing over`);
    }
    if (image.State !== "available") {
        throw new Error(`image ${imageId} in ${region} is "${image.State}", expected "available"`
            + (image.StateReason?.Message ? ` (${image.StateReason.Message})` : "")
            + `; a copy still "pending" needs time, a "failed" one must be copied again with \`pulumi up\` on dr`);
    }
    return `${imageId} (${image.Name ?? "unnamed"}) is available`;
}
