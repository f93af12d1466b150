// MasterPasswordRotation: the database's master password rotates (issue 17, CKV2_AWS_57). A
// Secrets Manager rotation schedule on the master credentials secret and its rotation function
// (handler: masterRotation/handler.ts, single-user strategy: the master changes its own password
// with ALTER USER), a Lambda in the VPC next to the app-user function. Beyond the original
// Terraform split, whose master password never changed.
//
// Why not RDS's managed master password (ManageMasterUserPassword, which RDS rotates itself):
// RDS refuses to create a read replica of an instance that has it ("Creating a read replica when
// the source DB ... manages credentials with Secrets Manager" is not supported, all engines but
// SQL Server), and pilot-light's dr is a cross-region read replica of prod, made again at every
// failback; a replica cannot have one either.
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-limitations
// (terraform-aws-modules/terraform-aws-rds#532: "InvalidParameterValue: Creating read replicas for
// source instance with engine mysql where ManageMasterUserPassword is enabled is not supported")
//
// Rotation runs in prod's region only, where the secret is primary: Secrets Manager copies each
// new value to the replica in dr, and MySQL copies the ALTER USER to dr's replica through the
// binary log, so dr reads a current master password while prod's region is dark. Promotion
// creates nothing here. While prod's database is a read-only replica of dr (failback), the
// schedule is removed (`rotate: false`; ALTER USER cannot run there) and made again at the
// switchover.
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { environment, scopedFunction } from "../ha/common";
import { assertValid } from "../validate";
import { servicePrincipal } from "../partition";

/** Days between rotations unless `rotateAfterDays` says otherwise. AWS Config's check allows at most 90. */
export const DEFAULT_ROTATE_AFTER_DAYS = 30;
/** The rotation function's timeout: four steps, each at most a few secret calls and one 10 s connection. */
export const ROTATION_TIMEOUT_SECONDS = 60;

export interface MasterPasswordRotationArgs {
    /** The database's address and port in this region (the secret holds no host). */
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    /** The master credentials secret, primary in this region. */
    masterSecretArn: pulumi.Input<string>;
    /** The key that encrypts it (the database's): kms:Decrypt and kms:GenerateDataKey through Secrets Manager. */
    kmsKeyArn: pulumi.Input<string>;
    /** Private subnets with a route to Secrets Manager (the NAT gateways) and to the database. */
    subnetIds: pulumi.Input<string>[];
    /** Security groups that may reach the database's port and HTTPS endpoints. */
    securityGroupIds: pulumi.Input<string>[];
    /**
     * Keep the schedule: false while the database is a read-only replica (the function stays).
     * Defaults to `true`.
     */
    rotate?: boolean;
    /**
     * Days between rotations, an integer from 1 to 90 (AWS Config's secretsmanager-rotation-enabled-check
     * allows at most 90). Defaults to 30.
     * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
     */
    rotateAfterDays?: number;
    /** What must exist before the first rotation: the private subnets' egress, the app-user run. Defaults to none. */
    dependsOn?: pulumi.Resource[];
    /** Days the function's log group keeps logs. Defaults to 30. */
    logRetentionDays?: number;
    /** Tags for every taggable child. Defaults to none. */
    tags?: Record<string, string>;
}

/** Problems with the arguments, each naming the field, the value and what is allowed. */
export function masterPasswordRotationProblems(args: MasterPasswordRotationArgs): string[] {
    const problems: string[] = [];
    const days = args.rotateAfterDays;
    if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 90)) {
        problems.push(`rotateAfterDays must be an integer from 1 to 90, got ${JSON.stringify(days)}`);
    }
    if (!Array.isArray(args.subnetIds) || args.subnetIds.length === 0) {
        problems.push("subnetIds must list at least one private subnet");
    }
    if (!Array.isArray(args.securityGroupIds) || args.securityGroupIds.length === 0) {
        problems.push("securityGroupIds must list at least one security group");
    }
    return problems;
}

export class MasterPasswordRotation extends pulumi.ComponentResource {
    /** The rotation function's ARN. */
    readonly functionArn: pulumi.Output<string>;

    constructor(name: string, args: MasterPasswordRotationArgs, opts?: pulumi.ComponentResourceOptions) {
        assertValid("MasterPasswordRotation", name, masterPasswordRotationProblems(args));
        super("pilot-light:database:MasterPasswordRotation", name, {}, opts);
        const tags = args.tags ?? {};
        const env = environment(this);
        const partition = aws.getPartitionOutput({}, { parent: this });

        const { fn } = scopedFunction(this, name, {
            entry: path.join(__dirname, "masterRotation", "handler.ts"),
            description: "Rotates the database's master password (Secrets Manager rotation, single user: ALTER USER CURRENT_USER())",
            statements: [
                {
                    Sid: "RotateMasterSecret", Effect: "Allow",
                    // AWS's example policy, and ListSecretVersionIds: setSecret tries older stored passwords (lambda/mysql.ts).
                    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html
                    Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds",
                        "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
                    Resource: args.masterSecretArn,
                },
                // GetRandomPassword acts on no resource: it supports only "*".
                // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
                { Sid: "NewPassword", Effect: "Allow", Action: "secretsmanager:GetRandomPassword", Resource: "*" },
                {
                    // PutSecretValue encrypts the new version: a data key through Secrets Manager only.
                    Sid: "UseSecretKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: args.kmsKeyArn,
                    Condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`secretsmanager.${env.region}.${partition.dnsSuffix}` } },
                },
            ],
            environment: { DB_HOST: args.host, DB_PORT: pulumi.output(args.port).apply(String) },
            timeoutSeconds: ROTATION_TIMEOUT_SECONDS,
            logRetentionDays: args.logRetentionDays ?? 30,
            vpc: { subnetIds: args.subnetIds, securityGroupIds: args.securityGroupIds, env },
            tags,
        });
        // Secrets Manager may invoke it from this account (aws:SourceAccount, which AWS recommends
        // against the confused deputy) and for this secret only (aws:SourceArn, which AWS notes
        // limits the function to that secret: one function per secret here). The principal is
        // secretsmanager.amazonaws.com in aws-cn too (components/partition.ts).
        // https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html
        const permission = new aws.lambda.Permission(`${name}-invoke`, {
            action: "lambda:InvokeFunction", function: fn.name, principal: servicePrincipal("secretsmanager"),
            sourceAccount: env.accountId, sourceArn: args.masterSecretArn,
        }, { parent: this });

        if (args.rotate ?? true) {
            new aws.secretsmanager.SecretRotation(`${name}-schedule`, {
                secretId: args.masterSecretArn,
                rotationLambdaArn: fn.arn,
                rotationRules: { automaticallyAfterDays: args.rotateAfterDays ?? DEFAULT_ROTATE_AFTER_DAYS },
                // The password Pulumi generated (kept, encrypted, in its state) is replaced at once.
                rotateImmediately: true,
            }, { parent: this, dependsOn: [permission, ...(args.dependsOn ?? [])] });
        }

        this.functionArn = fn.arn;
        this.registerOutputs({ functionArn: this.functionArn });
    }
}
