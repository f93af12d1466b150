// Secrets the app tier generates for itself: a Secrets Manager secret holding a value Pulumi
// generated, readable by the app servers at boot. Used by RedisCache (the AUTH token) and
// AppTier (the deep check's token and the WordPress admin password).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DATA_CLASS_TAG } from "../dataClass";

/**
 * Creates the secret `name` and its value (a SecretVersion of the same name) as children of
 * `parent`. Tagged regenerable: the value is made again with a new app tier and only that tier
 * reads it, so tearing a tier down (a drill, dr back to standby) is not data loss to the
 * promotion diff's data-safety rule (ops/diff).
 */
export function regenerableSecret(name: string, description: string, value: pulumi.Input<string>,
    tags: Record<string, string>, parent: pulumi.Resource): aws.secretsmanager.Secret {
    const secret = new aws.secretsmanager.Secret(name, {
        description,
        tags: { ...tags, [DATA_CLASS_TAG]: "regenerable" },
    }, { parent });
    new aws.secretsmanager.SecretVersion(name, { secretId: secret.id, secretString: pulumi.secret(value) }, { parent });
    return secret;
}
