// The app connects with its own database user, never the master (issue 17: "too much
// privilege"). The app servers' instance role may not read the master credentials secret, so a
// server, a WordPress plugin or an attacker on one cannot use them: it reads the app user's
// secret, whose user holds WordPress's privileges on its own database only
// (components/database/appUser.ts). No Checkov or Trivy check looks at which credentials an
// app uses; this is the least-privilege half of CKV2_AWS_57's concern (rotation is the other,
// in ./rotation.ts).
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { parsePolicyDocument } from "../iam/wildcards";
import { q, tagsOf } from "../lib/resources";

/** The tag components/database/credentials.ts puts on the database's secrets: `database-master` or `database-app`. */
export const CREDENTIAL_TAG = "pilot-light:credential";

const SECRET = "aws:secretsmanager/secret:Secret";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

/**
 * The master secret by ARN, where no resource of the stack holds it (dr reads prod's replica):
 * its name is `<identifier>/db-credentials` (components/database/database.ts), and a secret's
 * ARN ends with `-` and six random characters.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
 */
export const MASTER_SECRET_ARN = /^arn:[a-z-]+:secretsmanager:[^:]*:\d{12}:secret:[^:]+\/db-credentials-[A-Za-z0-9]{6}$/;

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** True when a statement's action reads a secret's value: GetSecretValue, or a wildcard covering it. */
function readsSecrets(action: unknown): boolean {
    return asList(action).some((a) => typeof a === "string" && /^(\*|secretsmanager:(\*|Get\*|GetSecretValue))$/i.test(a));
}

/** The resources of a policy document's Allow statements that read secret values. */
export function secretReadResources(doc: unknown): string[] {
    const parsed = parsePolicyDocument(doc);
    return asList(parsed?.Statement).flatMap((s: any) => (s?.Effect === "Allow" && readsSecrets(s.Action) ? asList(s.Resource) : []))
        .filter((r): r is string => typeof r === "string");
}

/**
 * What `get` reads, or undefined when a preview does not know it yet (a policy document made from
 * ARNs of resources still to be created): the policy then judges by dependencies alone, instead of
 * giving up with the policy server's "can't be known during preview" advisory.
 */
export function known<T>(get: () => T): T | undefined {
    try {
        return get();
    } catch (e) {
        if (e instanceof Error && e.constructor.name === "UnknownValueError") {
            return undefined;
        }
        throw e;
    }
}

/** True for a role EC2 instances assume (its trust policy names ec2.amazonaws.com, the same in every partition). */
function trustsEc2(role: PolicyResource): boolean {
    const doc = known(() => role.props.assumeRolePolicy);
    return JSON.stringify(typeof doc === "string" ? doc : doc ?? "").includes("ec2.amazonaws.com");
}

export const appUsesOwnDatabaseUser: StackValidationPolicy = {
    name: "app-uses-own-database-user",
    description: "No EC2 instance role may read the database's master credentials secret (tagged pilot-light:credential=database-master, "
        + "or named <identifier>/db-credentials): the app connects with its own least-privilege user. No Checkov or Trivy check covers it; "
        + "rotation of the master is CKV2_AWS_57 (database-master-secret-rotation).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const masters = new Map(args.resources.filter((r) => r.type === SECRET && tagsOf(r.props)[CREDENTIAL_TAG] === "database-master")
            .map((r) => [r.urn, r]));
        const byUrn = new Map(args.resources.map((r) => [r.urn, r]));
        // Each instance role's policies: its inline policies and the RolePolicies attached to it.
        const grants: { role: PolicyResource; via: PolicyResource; doc: unknown; deps: string[] }[] = [];
        for (const role of args.resources.filter((r) => r.type === ROLE && trustsEc2(r))) {
            for (const p of asList(known(() => role.props.inlinePolicies)) as { policy?: unknown }[]) {
                grants.push({ role, via: role, doc: known(() => p?.policy), deps: (role.propertyDependencies.inlinePolicies ?? []).map((d) => d.urn) });
            }
        }
        for (const rp of args.resources.filter((r) => r.type === ROLE_POLICY)) {
            // By dependency: a preview does not know the role's name yet.
            const role = (rp.propertyDependencies.role ?? []).map((d) => byUrn.get(d.urn)).find((r) => r?.type === ROLE);
            if (role && trustsEc2(role)) {
                grants.push({ role, via: rp, doc: known(() => rp.props.policy), deps: (rp.propertyDependencies.policy ?? []).map((d) => d.urn) });
            }
        }
        for (const g of grants) {
            const named = secretReadResources(g.doc).filter((arn) => MASTER_SECRET_ARN.test(arn));
            const linked = g.deps.filter((u) => masters.has(u)).map((u) => q(masters.get(u)!.name));
            if (named.length === 0 && linked.length === 0) {
                continue;
            }
            const what = [...linked.map((n) => `secret ${n}`), ...named].join(", ");
            reportViolation(`instance role ${q(g.role.name)} can read the database's master credentials (${what}) through ${q(g.via.name)}; `
                + "the app servers must connect with the app's own user: grant its secret (pilot-light:credential=database-app) instead", g.via.urn);
        }
    },
};
