// The database's master password rotates (issue 17, "credentials that never rotate"): the master
// credentials secret has an automatic rotation schedule with a rotation function
// (components/database/masterRotation.ts). Checkov CKV2_AWS_57 asks it of every secret; this
// policy holds the one that matters most to it, the master's (the other secrets' decisions are in
// policies/README.md). AWS Config secretsmanager-rotation-enabled-check and Security Hub
// SecretsManager.1 ask the same, with at most 90 days between rotations. Trivy has no rotation
// check for Secrets Manager (its one Secrets Manager check, AVD-AWS-0098, asks for a
// customer-managed key, which both database secrets use).
import { StackValidationPolicy } from "@pulumi/policy";
import { q, T, tagsOf } from "../lib/resources";
import { CREDENTIAL_TAG, known } from "./databaseCredentials";

const SECRET = "aws:secretsmanager/secret:Secret";
const ROTATION = "aws:secretsmanager/secretRotation:SecretRotation";
/** The longest interval AWS Config's secretsmanager-rotation-enabled-check accepts (maximumAllowedRotationFrequency). */
export const MAX_ROTATION_DAYS = 90;

export const databaseMasterSecretRotation: StackValidationPolicy = {
    name: "database-master-secret-rotation",
    description: "The database's master credentials secret (tagged pilot-light:credential=database-master) has an automatic rotation "
        + "schedule: an aws.secretsmanager.SecretRotation naming it, with a rotation function, at most every 90 days (Checkov CKV2_AWS_57, "
        + "AWS Config secretsmanager-rotation-enabled-check, Security Hub SecretsManager.1; Trivy has no rotation check). Not while the "
        + "stack's database is a read replica (prod rebuilt from dr during failback): the password cannot change there.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        // A stack whose database replicates (prod during failback) cannot rotate: ALTER USER is refused on a read replica.
        if (args.resources.some((r) => r.type === T.db && Boolean(known(() => r.props.replicateSourceDb)))) {
            return;
        }
        const rotations = args.resources.filter((r) => r.type === ROTATION);
        for (const secret of args.resources.filter((r) => r.type === SECRET && tagsOf(r.props)[CREDENTIAL_TAG] === "database-master")) {
            // By dependency: a preview does not know the secret's ARN yet.
            const schedules = rotations.filter((r) => (r.propertyDependencies.secretId ?? []).some((d) => d.urn === secret.urn));
            if (schedules.length === 0) {
                reportViolation(`secret ${q(secret.name)} holds the database's master credentials and never rotates; add an `
                    + "aws.secretsmanager.SecretRotation with a rotation function (components/database/masterRotation.ts)", secret.urn);
                continue;
            }
            for (const s of schedules) {
                const rules = s.props.rotationRules ?? {};
                const days = rules.automaticallyAfterDays;
                // By dependency too: a preview does not know the function's ARN yet.
                if (!known(() => s.props.rotationLambdaArn) && !(s.propertyDependencies.rotationLambdaArn ?? []).length) {
                    reportViolation(`rotation ${q(s.name)} of secret ${q(secret.name)} names no rotation function; set rotationLambdaArn`, s.urn);
                } else if (rules.scheduleExpression === undefined && !(typeof days === "number" && days >= 1 && days <= MAX_ROTATION_DAYS)) {
                    reportViolation(`rotation ${q(s.name)} of secret ${q(secret.name)} rotates every ${JSON.stringify(days)} days; `
                        + `rotate at least every ${MAX_ROTATION_DAYS} days (rotationRules.automaticallyAfterDays 1 to ${MAX_ROTATION_DAYS})`, s.urn);
                }
            }
        }
    },
};
