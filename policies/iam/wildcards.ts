// Well-known IAM rule (advisory): no policy lets a principal change anything, anywhere. The
// instance role of the web tier needs a handful of actions on named resources, not `s3:Put*`.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { q } from "../lib/resources";

/** Verb prefixes of actions that change state. */
export const DEFAULT_MUTATING_VERBS: readonly string[] = [
    "Put", "Delete", "Create", "Update", "Modify", "Attach", "Detach", "Terminate", "Run", "Start", "Stop", "Reboot",
    "Write", "Set", "Add", "Remove", "Replace", "Associate", "Disassociate", "Restore", "Revoke", "Authorize", "Pass",
];

function asList(v: unknown): string[] {
    if (typeof v === "string") {
        return [v];
    }
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** The policy document as an object; undefined when it is not valid JSON. */
export function parsePolicyDocument(doc: unknown): Record<string, any> | undefined {
    if (typeof doc === "string") {
        try {
            return JSON.parse(doc);
        } catch {
            return undefined;
        }
    }
    return doc !== null && typeof doc === "object" ? doc as Record<string, any> : undefined;
}

/**
 * True for `*`, `service:*` and wildcards whose fixed part is a mutating verb or empty
 * (`s3:Put*`, `ec2:*Instances`); `s3:Get*` reads only.
 */
export function isMutatingWildcard(action: string, verbs: readonly string[] = DEFAULT_MUTATING_VERBS): boolean {
    if (action === "*") {
        return true;
    }
    const [, name] = action.split(":", 2);
    if (name === undefined || !name.includes("*")) {
        return false;
    }
    const fixed = name.slice(0, name.indexOf("*"));
    return fixed === "" || verbs.some((v) => fixed.toLowerCase().startsWith(v.toLowerCase()) || v.toLowerCase().startsWith(fixed.toLowerCase()));
}

/** The wildcard actions a document allows on resource `*`. */
export function wildcardGrants(doc: unknown, verbs: readonly string[] = DEFAULT_MUTATING_VERBS): string[] {
    const parsed = parsePolicyDocument(doc);
    const raw = parsed?.Statement;
    const statements: any[] = Array.isArray(raw) ? raw : raw ? [raw] : [];
    return statements
        .filter((s) => s && s.Effect === "Allow" && asList(s.Resource).includes("*"))
        .flatMap((s) => asList(s.Action).filter((a) => isMutatingWildcard(a, verbs)));
}

export const iamNoWildcardMutatingActions: ResourceValidationPolicy = {
    name: "iam-no-wildcard-mutating-actions",
    description: "IAM policy documents (role inline policies, policies, role policies) do not allow `*`, `service:*` "
        + "or mutating wildcards such as `s3:Put*` on resource `*` (Checkov CKV_AWS_62 / CKV_AWS_63 / CKV_AWS_290 / "
        + "CKV_AWS_355, AWS Config iam-policy-no-statements-with-admin-access and iam-policy-no-statements-with-full-access).",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            mutatingVerbs: {
                type: "array", items: { type: "string" }, default: [...DEFAULT_MUTATING_VERBS],
                description: "Action-name prefixes that change state.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const { mutatingVerbs } = args.getConfig<{ mutatingVerbs: string[] }>();
        const documents: { label: string; doc: unknown }[] = [];
        if (args.type === "aws:iam/role:Role") {
            for (const inline of Array.isArray(args.props.inlinePolicies) ? args.props.inlinePolicies : []) {
                documents.push({ label: `inline policy ${q(inline?.name ?? "(unnamed)")} of role ${q(args.name)}`, doc: inline?.policy });
            }
        } else if (args.type === "aws:iam/policy:Policy" || args.type === "aws:iam/rolePolicy:RolePolicy") {
            const kind = args.type === "aws:iam/policy:Policy" ? "policy" : "role policy";
            documents.push({ label: `${kind} ${q(args.name)}`, doc: args.props.policy });
        }
        for (const { label, doc } of documents) {
            const grants = wildcardGrants(doc, mutatingVerbs);
            if (grants.length > 0) {
                reportViolation(`${label} allows ${[...new Set(grants)].join(", ")} on resource "*"; name the actions and resources`);
            }
        }
    },
};
