// The app servers' identity: the IAM role the instances run as, its permissions and the
// instance profile that hands it to them. Part of the app layer of the original Terraform split.
//
// A function, not a component, so each caller keeps its own URNs: AppServers creates it as its
// children (prod, where a deploy may use IAM's control plane), and a dr stack creates it ahead
// of time under AppStandby (components/app/standby.ts), because IAM's control plane lives in one
// region of the partition (us-east-1 in `aws`) and may be the region that failed.
// https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { instanceRole } from "../instanceRole";

/** What the instances may read. */
export interface ServerPermissions {
    /** ARNs of the Secrets Manager secrets the instances may read (and nothing else). */
    secretArns: pulumi.Input<string>[];
    /** The customer-managed KMS key that encrypts one of those secrets, if any; Decrypt is allowed via Secrets Manager only. */
    kmsKeyArn?: pulumi.Input<string>;
    /** ARN of the media bucket: List on it, Get/Put/Delete/AbortMultipartUpload on its objects (Mountpoint's needs). */
    mediaBucketArn: pulumi.Input<string>;
    /**
     * ARNs of the SSM parameters the instances may read (ssm:GetParameter): the cache endpoint's
     * (./cacheEndpoint.ts), so they need not wait for the cache. Defaults to none.
     */
    parameterArns?: pulumi.Input<string>[];
    /** Tags for the role and the instance profile. Defaults to none. */
    tags?: Record<string, string>;
}

/** The instances' role and profile, as a launch template and an Auto Scaling group need them. */
export interface ServerIdentity {
    roleArn: pulumi.Output<string>;
    roleName: pulumi.Output<string>;
    /** For the launch template's `iamInstanceProfile`. */
    instanceProfileArn: pulumi.Output<string>;
    /** The role's permissions: instances must not boot before they exist (they fetch secrets at first boot). */
    permissions: pulumi.Resource[];
}

/**
 * Creates `<name>-role`, `<name>-ssm` and `<name>-profile` (../instanceRole.ts) and `<name>-app`
 * (an inline policy scoped to `p`), as children of `parent`.
 */
export function createServerIdentity(name: string, p: ServerPermissions, parent: pulumi.Resource): ServerIdentity {
    const tags = p.tags ?? {};
    const partitionInfo = aws.getPartitionOutput({}, { parent });
    const region = aws.getRegionOutput({}, { parent }).region;
    const { role, ssm, profile } = instanceRole(parent, name, { description: `App servers of ${name}`, partition: partitionInfo.partition, tags });

    const statements: pulumi.Input<Record<string, unknown>>[] = [
        { Sid: "ReadAppSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: p.secretArns },
        { Sid: "ListMediaBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: p.mediaBucketArn },
        {
            // What Mountpoint needs to read, write and delete; AbortMultipartUpload cleans up
            // a failed upload of a large file. https://github.com/awslabs/mountpoint-s3/blob/main/doc/CONFIGURATION.md#iam-permissions
            Sid: "ReadWriteMedia", Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            Resource: pulumi.interpolate`${p.mediaBucketArn}/*`,
        },
    ];
    if ((p.parameterArns ?? []).length > 0) {
        statements.push({ Sid: "ReadAppParameters", Effect: "Allow", Action: "ssm:GetParameter", Resource: p.parameterArns });
    }
    if (p.kmsKeyArn !== undefined) {
        // Only through Secrets Manager: the role cannot use the key on anything else. The value
        // is the service's endpoint name, under the partition's DNS suffix (amazonaws.com.cn in China).
        // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
        statements.push({
            Sid: "DecryptDatabaseSecret", Effect: "Allow", Action: "kms:Decrypt", Resource: p.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`secretsmanager.${region}.${partitionInfo.dnsSuffix}` } },
        });
    }
    const appPolicy = new aws.iam.RolePolicy(`${name}-app`, {
        role: role.name,
        policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }),
    }, { parent });
    return { roleArn: role.arn, roleName: role.name, instanceProfileArn: profile.arn, permissions: [appPolicy, ssm] };
}
