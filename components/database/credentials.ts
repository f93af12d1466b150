// The primary database's two credentials, each a generated password and the Secrets Manager
// secret holding it, optionally replicated to the dr region so that dr can still read it while
// prod's region is down:
//  - the master user's (`admin`), used only by the app-user function (components/database/appUser.ts)
//    and by operators;
//  - the app's own user (`wordpress`, privileges on the WordPress database only), which the app
//    servers read at boot. The function creates that MySQL user from the secret; the password
//    exists only in the secret and, encrypted, in Pulumi state.
// Called by the Database component (the kinds that own secrets), whose children these become.
// Also the pure helper that names a secret's replica.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { isAwsRegion } from "../validate";

/** The master user name. `admin` is the RDS for MySQL console default and not reserved. */
export const MASTER_USERNAME = "admin";
/**
 * The app's MySQL user. At most 32 characters (MySQL 8.4's user name limit).
 * https://dev.mysql.com/doc/refman/8.4/en/user-names.html
 */
export const APP_USERNAME = "wordpress";
/**
 * Tag key saying whose credentials a secret holds: `database-master` or `database-app`. The
 * policy pack reads it (policies/secrets/databaseCredentials.ts): the master's secret must
 * rotate, and the app servers may read only the app's.
 */
export const CREDENTIAL_TAG = "pilot-light:credential";
/** The values of CREDENTIAL_TAG. */
export type CredentialKind = "database-master" | "database-app";
/** The MySQL port. */
export const MYSQL_PORT = 3306;
/** Password length: long, yet under the 41 characters RDS for MySQL accepts. */
export const PASSWORD_LENGTH = 32;
/**
 * The special characters a password may contain: printable ASCII punctuation minus the ones
 * RDS forbids in a master password (`/`, `@`, `"` and space), and minus `'`, `\` and backtick,
 * which break naive shell and SQL quoting in operator scripts.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (MasterUserPassword)
 */
export const PASSWORD_SPECIALS = "!#$%&()*+,-.:;<=>?[]^_{|}~";

/** Inputs of `createDatabaseCredentials`. */
export interface DatabaseCredentialsArgs {
    /** Whose credentials: the master user's (`MASTER_USERNAME`) or the app's (`APP_USERNAME`). */
    kind: CredentialKind;
    /** The secret's name, e.g. `pilot-light-prod/db-credentials`; the replica gets the same name. */
    secretName: string;
    /** The ARN of the CMK that encrypts the secret in the primary region. */
    kmsKeyArn: pulumi.Input<string>;
    /** The region to replicate the secret to, if any. */
    replicaRegion?: string;
    /**
     * The KMS key in `replicaRegion` for the replica (dr's customer key). Defaults to that
     * region's AWS-managed key `aws/secretsmanager`, the only key there before dr is deployed.
     */
    replicaKmsKeyArn?: pulumi.Input<string>;
    /** Tags for the secret. */
    tags: Record<string, string>;
}

/** The generated password and the secret holding it. */
export interface DatabaseCredentials {
    /** The password, as a Pulumi secret. Pass it to the DB instance only; never export it. */
    password: pulumi.Output<string>;
    secret: aws.secretsmanager.Secret;
    secretVersion: aws.secretsmanager.SecretVersion;
}

/** Per kind: the user name, the infix of the children's names and the secret's description. */
const KINDS: Record<CredentialKind, { username: string; infix: string; describe: (db: string) => string }> = {
    "database-master": { username: MASTER_USERNAME, infix: "", describe: (db) => `Master credentials of the ${db} RDS for MySQL database` },
    "database-app": {
        username: APP_USERNAME, infix: "-app",
        describe: (db) => `The app's own user on the ${db} RDS for MySQL database (WordPress database only); the app servers read it at boot`,
    },
};

/**
 * Creates the password (`${name}-password`), the secret (`${name}-credentials`, protected) and
 * its value (`${name}-credentials-version`) as children of `parent`; for the app's user the
 * names are `${name}-app-password`, `${name}-app-credentials` and `${name}-app-credentials-version`.
 */
export function createDatabaseCredentials(name: string, args: DatabaseCredentialsArgs, parent: pulumi.Resource): DatabaseCredentials {
    const kind = KINDS[args.kind];
    const base = `${name}${kind.infix}`;
    const generated = new random.RandomPassword(`${base}-password`, {
        length: PASSWORD_LENGTH,
        special: true,
        overrideSpecial: PASSWORD_SPECIALS,
        minLower: 1,
        minUpper: 1,
        minNumeric: 1,
        minSpecial: 1,
    }, { parent });
    // The provider already marks `result` secret; wrapping again keeps it secret under any runtime.
    const password = pulumi.secret(generated.result);

    const secret = new aws.secretsmanager.Secret(`${base}-credentials`, {
        name: args.secretName,
        description: kind.describe(args.secretName.split("/")[0]),
        kmsKeyId: args.kmsKeyArn,
        // The longest recovery window, so a deleted secret can be restored.
        recoveryWindowInDays: 30,
        // The replica is encrypted with dr's customer key once dr exists (prod reads it from dr's
        // outputs). Until then (bootstrap steps 1 and 2) it uses the dr region's AWS-managed key
        // aws/secretsmanager, the only key there. Switching keys removes the replica and
        // replicates it again (the provider's update: RemoveRegionsFromReplication, then
        // ReplicateSecretToRegions); the replica's ARN is unchanged.
        // https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html
        replicas: args.replicaRegion === undefined ? undefined
            : [{ region: args.replicaRegion, ...(args.replicaKmsKeyArn === undefined ? {} : { kmsKeyId: args.replicaKmsKeyArn }) }],
        tags: { ...args.tags, [CREDENTIAL_TAG]: args.kind },
    }, { parent, protect: true });

    // No host: the replicated copy is read in the dr region, where the host is the replica's
    // address, so the app takes the host from its own stack instead.
    const secretVersion = new aws.secretsmanager.SecretVersion(`${base}-credentials-version`, {
        secretId: secret.id,
        secretString: pulumi.secret(pulumi.jsonStringify({
            username: kind.username,
            password,
            engine: "mysql",
            port: MYSQL_PORT,
        })),
    }, { parent });

    return { password, secret, secretVersion };
}

/**
 * The ARN of a Secrets Manager secret's replica in another region: the same ARN with the region
 * replaced, since a replica keeps the primary's name and random suffix.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html
 * Throws if `primaryArn` is not a secret ARN or `region` is not a region name.
 */
export function secretReplicaArn(primaryArn: string, region: string): string {
    // arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 chars>
    const parts = typeof primaryArn === "string" ? primaryArn.split(":") : [];
    if (parts.length < 7 || parts[0] !== "arn" || parts[2] !== "secretsmanager" || parts[3] === ""
        || !/^\d{12}$/.test(parts[4]) || parts[5] !== "secret" || parts.slice(6).join(":") === "") {
        throw new Error(`secretReplicaArn: primaryArn must be a Secrets Manager secret ARN`
            + ` (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>), got ${JSON.stringify(primaryArn)}`);
    }
    if (!isAwsRegion(region)) {
        throw new Error(`secretReplicaArn: region must be an AWS region such as "us-west-2", got ${JSON.stringify(region)}`);
    }
    return [...parts.slice(0, 3), region, ...parts.slice(4)].join(":");
}
