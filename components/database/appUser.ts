// AppDatabaseUser: the app's own MySQL user, made at deploy time without its password ever
// leaving Secrets Manager and Pulumi's encrypted state. A Lambda function in the VPC (handler:
// appUser/handler.ts, bundled with the mysql2 driver by esbuild at program time; no download at
// deploy beyond npm) reads the master's and the app's secrets and runs CREATE USER / ALTER USER /
// GRANT idempotently; Pulumi runs it through aws.lambda.Invocation, whose input holds only the
// host and the two secrets' ARNs, and runs it again when the app's password, the host or the
// database changes. Beyond the original Terraform split (which connected as the master).
//
// Only prod has it, and it runs only while prod's database takes writes: the primary, or the
// rebuilt database once promoted. While prod is rebuilt from dr (a read-only replica) `run` is
// false: the function stays and its invocation is removed (removing one runs nothing), so the
// switchover's promotion runs it again on the new generation.
// MySQL replicates users to read replicas through the binary log (CREATE USER, ALTER USER and
// GRANT are written to it as statements, and RDS replicates every database, `mysql` included),
// so dr's replica, a promoted dr and a database rebuilt from dr all have the user without a step
// of their own, and promotion creates nothing here.
// https://dev.mysql.com/doc/refman/8.4/en/replication-features-users.html (account management replicated)
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.html
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { environment, scopedFunction } from "../ha/common";
import { assertValid } from "../validate";
import type { AppUserEvent } from "./appUser/handler";

/** The function's timeout: three connection attempts of 10 s with 5 s pauses, four statements and two secret reads. */
export const APP_USER_TIMEOUT_SECONDS = 90;

export interface AppDatabaseUserArgs {
    /** The database's address and port (the instance's, in this region). */
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    /** The app's database (`wordpress`): created when missing, the only one the user is granted. Letters, digits and `_`. */
    database: string;
    /** The master credentials secret (this region): the function connects with it. */
    masterSecretArn: pulumi.Input<string>;
    /** The app user's credentials secret (this region): the user name and password to make. */
    appSecretArn: pulumi.Input<string>;
    /** The version of the app's secret value: a new password runs the function again. */
    appSecretVersionId: pulumi.Input<string>;
    /** The key that encrypts both secrets (the database's), for kms:Decrypt. */
    kmsKeyArn: pulumi.Input<string>;
    /** Private subnets with a route to Secrets Manager (the NAT gateways) and to the database. */
    subnetIds: pulumi.Input<string>[];
    /** Security groups that may reach the database on its port and HTTPS endpoints (the app tier's). */
    securityGroupIds: pulumi.Input<string>[];
    /**
     * Run the function now: false while the database is a read-only replica (CREATE USER would
     * fail there; the user arrives by replication). Defaults to `true`.
     */
    run?: boolean;
    /** What must exist before the function runs: the private subnets' egress (NAT routes). Defaults to none. */
    dependsOn?: pulumi.Resource[];
    /** Days the function's log group keeps logs. Defaults to 30. */
    logRetentionDays?: number;
    /** Tags for every taggable child. Defaults to none. */
    tags?: Record<string, string>;
}

/** Problems with the arguments, each naming the field, the value and what is allowed. */
export function appDatabaseUserProblems(args: AppDatabaseUserArgs): string[] {
    const problems: string[] = [];
    if (!/^[A-Za-z0-9_]{1,64}$/.test(args.database)) {
        problems.push(`database must be 1-64 letters, digits or underscores, got ${JSON.stringify(args.database)}`);
    }
    if (!Array.isArray(args.subnetIds) || args.subnetIds.length === 0) {
        problems.push("subnetIds must list at least one private subnet");
    }
    if (!Array.isArray(args.securityGroupIds) || args.securityGroupIds.length === 0) {
        problems.push("securityGroupIds must list at least one security group");
    }
    return problems;
}

export class AppDatabaseUser extends pulumi.ComponentResource {
    /** The function's name. */
    readonly functionName: pulumi.Output<string>;
    /**
     * The app secret's ARN, resolved only once the user exists: pass this (not the secret's ARN)
     * to what connects as the app, so it waits for the user.
     */
    readonly appSecretArn: pulumi.Output<string>;

    constructor(name: string, args: AppDatabaseUserArgs, opts?: pulumi.ComponentResourceOptions) {
        assertValid("AppDatabaseUser", name, appDatabaseUserProblems(args));
        super("pilot-light:database:AppDatabaseUser", name, {}, opts);
        const tags = args.tags ?? {};
        const env = environment(this);
        const dnsSuffix = aws.getPartitionOutput({}, { parent: this }).dnsSuffix;

        const { fn } = scopedFunction(this, name, {
            entry: path.join(__dirname, "appUser", "handler.ts"),
            description: `Creates the app's own MySQL user on ${args.database} (CREATE USER / GRANT, idempotent) from Secrets Manager`,
            statements: [
                { Sid: "ReadCredentials", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [args.masterSecretArn, args.appSecretArn] },
                // The master's older versions, tried when the database refuses AWSCURRENT (the rotation: lambda/mysql.ts).
                // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
                { Sid: "ListMasterVersions", Effect: "Allow", Action: "secretsmanager:ListSecretVersionIds", Resource: args.masterSecretArn },
                {
                    // Only through Secrets Manager, under the partition's DNS suffix (as the app servers' role).
                    // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
                    Sid: "DecryptCredentials", Effect: "Allow", Action: "kms:Decrypt", Resource: args.kmsKeyArn,
                    Condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`secretsmanager.${env.region}.${dnsSuffix}` } },
                },
            ],
            environment: {},
            timeoutSeconds: APP_USER_TIMEOUT_SECONDS,
            logRetentionDays: args.logRetentionDays ?? 30,
            vpc: { subnetIds: args.subnetIds, securityGroupIds: args.securityGroupIds, env },
            tags,
        });

        const event: pulumi.Output<AppUserEvent> = pulumi.output({
            host: args.host, port: args.port, database: args.database, masterSecretArn: args.masterSecretArn, appSecretArn: args.appSecretArn,
        });
        // CREATE_ONLY (the default): a new input or trigger is a new invocation, so each change
        // runs the function once; deleting the invocation runs nothing (the user stays).
        const invocation = (args.run ?? true) ? new aws.lambda.Invocation(`${name}-run`, {
            functionName: fn.name,
            input: pulumi.jsonStringify(event),
            triggers: { appSecretVersionId: args.appSecretVersionId },
        }, { parent: this, dependsOn: args.dependsOn ?? [] }) : undefined;

        this.functionName = fn.name;
        this.appSecretArn = invocation ? pulumi.all([invocation.result, args.appSecretArn]).apply(([, arn]) => arn) : pulumi.output(args.appSecretArn);
        this.registerOutputs({ functionName: this.functionName, appSecretArn: this.appSecretArn });
    }
}
