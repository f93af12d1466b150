// Well-known rule: no literal secrets in user data. User data is readable by anyone who can
// describe the instance (and by every process on it through IMDS), so the AWS in Action
// templates' `ADMIN_PASSWORD=...` leaks. References that resolve at boot are fine.
import { gunzipSync } from "zlib";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { validateResourceOfToken } from "../lib/ofType";
import { q, T } from "../lib/resources";

/** One literal secret found in user data: where, and what it looked like (never the value). */
export interface UserDataFinding {
    line: number;
    what: string;
}

const SECRET_NAME = /(pass(word|wd)?|pwd|secret|token|api_?key|access_?key|private_?key|credential)/i;
// Names that hold a pointer to a secret rather than the secret itself.
const REFERENCE_NAME = /(_|-)(arn|id|name|param|parameter|path|file|ref|stdin)$/i;
const ASSIGNMENT = /(?:^|[\s;&|(`'"])(?:export\s+|local\s+|declare\s+|set\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*("[^"]*"|'[^']*'|[^\s;&|]+)/g;
const FLAG = /--([a-z0-9-]*(?:password|passwd|secret|token|api-key|access-key)[a-z0-9-]*)(?:=|\s+)("[^"]*"|'[^']*'|[^\s;&|]+)/gi;
// Java-style options with a dotted name, or any `-D` system property: `-Dadmin.password=...`,
// `-Djavax.net.ssl.keyStorePassword=...`, and Jenkins' `--argumentsRealm.passwd.admin=...` (the
// AWS in Action templates' way of setting the admin password). Always `=`-joined.
const DOTTED_OPTION = /(?:^|[\s;&|(`'"=])(-D|--?)([A-Za-z_][\w-]*(?:\.[\w-]+)*)=("[^"]*"|'[^']*'|[^\s;&|'"]+)/g;
// A name segment that points at a secret rather than holding one (`-Dpassword.file=...`).
const REFERENCE_SEGMENT = /^(arn|id|name|param|parameter|path|file|ref|stdin)$/i;
const MYSQL_PASSWORD = /\bmysql(?:admin|dump|import|show|check)?\b.*?\s-p(\S+)/;
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

function unquote(v: string): string {
    return (v.startsWith("\"") && v.endsWith("\"")) || (v.startsWith("'") && v.endsWith("'")) ? v.slice(1, -1) : v;
}

/** True for a value that is resolved at boot (`$VAR`, `${VAR}`, `$(cmd)`, backticks, ARNs) or empty. */
export function isReference(raw: string): boolean {
    const v = unquote(raw).trim();
    return v === "" || v.startsWith("$") || v.startsWith("`") || v.startsWith("arn:") || v.startsWith("{{resolve:") || v.startsWith("-");
}

/** Finds literal secrets in a user-data script. */
export function findUserDataSecrets(text: string): UserDataFinding[] {
    const findings: UserDataFinding[] = [];
    text.split(/\r?\n/).forEach((content, i) => {
        const line = i + 1;
        for (const m of content.matchAll(ASSIGNMENT)) {
            if (SECRET_NAME.test(m[1]) && !REFERENCE_NAME.test(m[1]) && !isReference(m[2])) {
                findings.push({ line, what: `${m[1]}=…` });
            }
        }
        for (const m of content.matchAll(FLAG)) {
            if (!REFERENCE_NAME.test(m[1]) && !isReference(m[2])) {
                findings.push({ line, what: `--${m[1]} …` });
            }
        }
        for (const m of content.matchAll(DOTTED_OPTION)) {
            const segments = m[2].split(".");
            const javaStyle = m[1] === "-D" || segments.length > 1;
            if (javaStyle && segments.some((seg) => SECRET_NAME.test(seg)) && !REFERENCE_SEGMENT.test(segments[segments.length - 1])
                && !isReference(m[3])) {
                findings.push({ line, what: `${m[1]}${m[2]}=…` });
            }
        }
        const mysql = MYSQL_PASSWORD.exec(content);
        if (mysql && !isReference(mysql[1])) {
            findings.push({ line, what: "mysql -p…" });
        }
        if (ACCESS_KEY_ID.test(content)) {
            findings.push({ line, what: "an AWS access key ID" });
        }
        if (PRIVATE_KEY.test(content)) {
            findings.push({ line, what: "a private key" });
        }
    });
    return findings;
}

/**
 * Decodes base64 user data, gunzipping it when it is gzip (cloud-init does the same, so a secret
 * cannot hide in compressed user data); undefined when the text is not base64 of readable text.
 * https://cloudinit.readthedocs.io/en/latest/explanation/format.html
 */
export function decodeBase64UserData(value: string): string | undefined {
    // MIME-style base64 wraps lines; a space means plain text.
    const compact = value.replace(/\r?\n/g, "");
    if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
        return undefined;
    }
    let bytes: Buffer = Buffer.from(compact, "base64");
    if (bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
        try {
            bytes = gunzipSync(bytes);
        } catch {
            return undefined;
        }
    }
    const decoded = bytes.toString("utf8");
    // Readable text only: a script, cloud-config or MIME multipart document.
    return /^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/.test(decoded) && !decoded.includes("\ufffd") ? decoded : undefined;
}

/** The user-data texts to scan: the value itself and, when it is base64, the decoded script. */
export function userDataTexts(value: unknown): string[] {
    if (typeof value !== "string" || value === "") {
        return [];
    }
    const decoded = decodeBase64UserData(value);
    return decoded === undefined ? [value] : [decoded];
}

function report(kind: string, name: string, field: string, value: unknown, reportViolation: (m: string) => void): void {
    const findings = userDataTexts(value).flatMap(findUserDataSecrets);
    if (findings.length > 0) {
        const where = findings.map((f) => `line ${f.line}: ${f.what}`).join("; ");
        reportViolation(`${field} of ${kind} ${q(name)} holds literal secrets (${where}); `
            + "fetch them at boot from Secrets Manager or SSM Parameter Store instead");
    }
}

/** What the policy reads of an aws.ec2.Instance's inputs. */
interface InstanceProps {
    userData?: string;
    userDataBase64?: string;
}

/** What the policy reads of an aws.ec2.LaunchTemplate's inputs. */
interface LaunchTemplateProps {
    userData?: string;
}

export const secretsNotInUserData: ResourceValidationPolicy = {
    name: "secrets-not-in-user-data",
    description: "User data of instances and launch templates holds no literal passwords, secrets or access keys "
        + "(Checkov CKV_AWS_46, Trivy AVD-AWS-0029 / AVD-AWS-0129).",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfToken<InstanceProps>(T.instance, (instance, args, reportViolation) => {
            report("instance", args.name, "userData", instance.userData, reportViolation);
            report("instance", args.name, "userDataBase64", instance.userDataBase64, reportViolation);
        }),
        validateResourceOfToken<LaunchTemplateProps>(T.launchTemplate, (lt, args, reportViolation) => {
            report("launch template", args.name, "userData", lt.userData, reportViolation);
        }),
    ],
};

