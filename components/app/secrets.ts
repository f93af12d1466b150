// Secrets the app tier generates for itself: a Secrets Manager secret holding a value Pulumi
// generated, readable by the app servers at boot. Used by RedisCache (the AUTH token) and
// AppTier (the deep check's token and the WordPress admin password), or made ahead of time by a
// dr stack's AppStandby, so that the servers' IAM policy can name them before any disaster.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { DATA_CLASS_TAG } from "../dataClass";

/**
 * Creates the secret `name` and its value (a SecretVersion of the same name) as children of
 * `parent`. Tagged regenerable: the value is made again with a new app tier and only that tier
 * reads it, so tearing a tier down (a drill, dr back to standby) is not data loss to the
 * promotion diff's data-safety rule (ops/diff).
 *
 * `kmsKeyArn`: the customer-managed key to encrypt it with (Checkov CKV_AWS_149), the one that
 * already encrypts the database credentials the same servers read, so their one kms:Decrypt
 * grant (identity.ts) covers every secret and no key is added. Without it, the region's
 * AWS-managed `aws/secretsmanager`. Changing the key is an update in place: Secrets Manager
 * re-encrypts the AWSCURRENT, AWSPENDING and AWSPREVIOUS versions and keeps them readable with
 * the previous key too.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_update-encryption-key.html
 */
export function regenerableSecret(name: string, description: string, value: pulumi.Input<string>,
    tags: Record<string, string>, parent: pulumi.Resource, kmsKeyArn?: pulumi.Input<string>): aws.secretsmanager.Secret {
    const secret = new aws.secretsmanager.Secret(name, {
        description,
        ...(kmsKeyArn === undefined ? {} : { kmsKeyId: kmsKeyArn }),
        tags: { ...tags, [DATA_CLASS_TAG]: "regenerable" },
    }, { parent });
    new aws.secretsmanager.SecretVersion(name, { secretId: secret.id, secretString: pulumi.secret(value) }, { parent });
    return secret;
}

/** A RandomPassword made for a header, a form or a shell: alphanumeric, so nothing needs quoting. */
function password(name: string, length: number, parent: pulumi.Resource): pulumi.Output<string> {
    return new random.RandomPassword(name, { length, special: false }, { parent }).result;
}

/**
 * The app secret of the tier `name`, JSON `{"checkToken", "adminPassword"}`: the deep check's
 * token and WordPress's admin password. Creates `<name>-check-token`, `<name>-admin-password`
 * and the secret `<name>-app-secret` under `parent`.
 */
export function appSecret(name: string, tags: Record<string, string>, parent: pulumi.Resource, kmsKeyArn?: pulumi.Input<string>): aws.secretsmanager.Secret {
    return regenerableSecret(`${name}-app-secret`,
        `Deep-check token and WordPress admin password of ${name}; the app servers read it at boot, runbooks read the token.`,
        pulumi.jsonStringify({ checkToken: password(`${name}-check-token`, 40, parent), adminPassword: password(`${name}-admin-password`, 40, parent) }),
        tags, parent, kmsKeyArn);
}

/** A Redis AUTH token and the secret that holds it, for the app servers. */
export interface CacheAuth {
    /** The token, secret in state. */
    token: pulumi.Output<string>;
    secretArn: pulumi.Output<string>;
}

/**
 * The Redis AUTH token of the cache `name`: `<name>-auth-token` (a RandomPassword and a secret of
 * that name) under `parent`. AUTH tokens are 16-128 printable characters without @, " or /;
 * alphanumeric avoids every quoting question. https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html
 */
export function cacheAuthToken(name: string, tags: Record<string, string>, parent: pulumi.Resource, kmsKeyArn?: pulumi.Input<string>): CacheAuth {
    const token = pulumi.secret(password(`${name}-auth-token`, 64, parent));
    const secret = regenerableSecret(`${name}-auth-token`, `Redis AUTH token of ${name}; the app servers read it at boot.`, token, tags, parent, kmsKeyArn);
    return { token, secretArn: secret.arn };
}
