// The database layer's customer-managed KMS key and its alias. One key per region: it encrypts
// the DB storage (the primary's, and the cross-region replica's, which AWS requires to use a key
// in the replica's own region) and the primary's credentials secret. Called by the Database
// component, whose children these become.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/**
 * The longest KMS allows between scheduling a key's deletion and deleting it: the most time to
 * notice and cancel a mistake, which would otherwise make every snapshot unreadable.
 * https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
 */
export const KEY_DELETION_WINDOW_DAYS = 30;

/** Inputs of `createDatabaseKey`. */
export interface DatabaseKeyArgs {
    /** The key's description, shown in the KMS console. */
    description: string;
    /**
     * The alias name, including the `alias/` prefix, e.g. `alias/pilot-light-prod-db`. Must be
     * unique in the account and region and must not start with `alias/aws/`.
     * https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html
     */
    aliasName: string;
    /** Tags for the key. */
    tags: Record<string, string>;
}

/** The key and its alias. */
export interface DatabaseKey {
    key: aws.kms.Key;
    alias: aws.kms.Alias;
}

/**
 * Creates the CMK (`${name}-kms-key`, protected) and its alias (`${name}-kms-alias`) as
 * children of `parent`.
 */
export function createDatabaseKey(name: string, args: DatabaseKeyArgs, parent: pulumi.Resource): DatabaseKey {
    // No explicit policy: the default key policy delegates to IAM in this account, and RDS and
    // Secrets Manager use the key through grants made on behalf of the deploying principal.
    // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
    const key = new aws.kms.Key(`${name}-kms-key`, {
        description: args.description,
        // Yearly automatic rotation keeps old key material, so existing data stays readable.
        // https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
        enableKeyRotation: true,
        deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
        tags: args.tags,
    }, { parent, protect: true });
    const alias = new aws.kms.Alias(`${name}-kms-alias`, {
        name: args.aliasName,
        // The key ARN is accepted as well as the key ID.
        targetKeyId: key.arn,
    }, { parent });
    return { key, alias };
}
