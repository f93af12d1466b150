// Where each stack's secrets provider lives. A stack's encrypted config (secure: values in
// Pulumi.<stack>.yaml) is decrypted by its secrets provider on every `pulumi up`; with
// `secretsprovider: awskms://...` that is a KMS Decrypt call in the key's region. If dr's key is
// in prod's region, dr's config cannot be decrypted while that region is dark: the failover
// cannot run. A key in dr's region (a multi-Region key's replica there, `mrk-...`, addressed in
// dr's region), a passphrase the on-call can reach, or the Pulumi Cloud default are fine.
// URL forms: https://www.pulumi.com/docs/iac/concepts/secrets/#aws-key-management-service-kms
// (`awskms://alias/ExampleAlias?region=us-east-1`, `awskms://1234abcd-...?region=us-east-1`,
// `awskms:///arn:aws:kms:us-east-1:111122223333:key/1234abcd-...`).
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/** A stack's secrets provider as its stack file declares it. */
export type SecretsProvider =
    | { kind: "default" }
    | { kind: "passphrase" }
    | { kind: "awskms"; url: string; keyRegion?: string }
    | { kind: "other"; url: string };

/** The `secretsprovider:` of Pulumi.<stack>.yaml in `dir` (the last segment of org/project/stack names the file). */
export function readSecretsProvider(dir: string, stack: string): SecretsProvider {
    const file = path.join(dir, `Pulumi.${stack.split("/").pop()}.yaml`);
    if (!fs.existsSync(file)) return { kind: "default" };
    const doc = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
    return parseSecretsProvider(typeof doc.secretsprovider === "string" ? doc.secretsprovider : undefined);
}

/** Classifies a `secretsprovider` value; an awskms key's region comes from its ARN or `?region=`. */
export function parseSecretsProvider(url: string | undefined): SecretsProvider {
    if (!url || url === "default") return { kind: "default" };
    if (url === "passphrase") return { kind: "passphrase" };
    if (!url.startsWith("awskms://")) return { kind: "other", url };
    const arnRegion = /arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(url)?.[1];
    const queryRegion = /[?&]region=([a-z0-9-]+)/.exec(url)?.[1];
    return { kind: "awskms", url, keyRegion: arnRegion ?? queryRegion };
}

/**
 * Why dr's secrets provider would fail while prod's region is dark, or undefined when it would
 * not. Refused: an awskms key in prod's region, and one that names no region (it would then use
 * whatever region the CLI's AWS settings say).
 */
export function drSecretsProblem(drStack: string, provider: SecretsProvider, prodRegion: string, drRegion: string): string | undefined {
    if (provider.kind !== "awskms") return undefined;
    const fix = `use a key in ${drRegion} (a multi-Region key's replica there, mrk-..., addressed in ${drRegion}) or a passphrase the on-call `
        + `can reach: \`pulumi stack change-secrets-provider --stack ${drStack} "awskms://alias/<alias>?region=${drRegion}"\``;
    if (provider.keyRegion === undefined) {
        return `${drStack}'s secrets provider ${provider.url} names no region, so it depends on the CLI's AWS region; ${fix}`;
    }
    if (provider.keyRegion === prodRegion) {
        return `${drStack}'s secrets provider is a KMS key in ${prodRegion}, prod's region (${provider.url}): while that region is down, `
            + `${drStack}'s encrypted config cannot be decrypted and no update of ${drStack} can run; ${fix}`;
    }
    return undefined;
}

/** One line for the timeline: where the stack's secrets provider lives. */
export function describeSecretsProvider(stack: string, provider: SecretsProvider): string {
    switch (provider.kind) {
        case "default": return `${stack}: the backend's default secrets provider`;
        case "passphrase": return `${stack}: passphrase (PULUMI_CONFIG_PASSPHRASE must be at hand)`;
        case "awskms": return `${stack}: KMS key in ${provider.keyRegion ?? "an unnamed region"}`;
        case "other": return `${stack}: ${provider.url.split("://")[0]}:// provider`;
    }
}
