// The input names of a Pulumi resource as the installed SDK declares them (`XArgs` in the
// resource's .d.ts, nested types in types/input.d.ts). The Pulumi Terraform bridge names an
// input by camelCasing the Terraform name, pluralizing a list or set that is not limited to one
// element, and applying the provider's explicit renames (pulumi-aws provider/resources.go).
// Rather than re-implement the bridge's inflector, the generator proposes the candidates and
// keeps the one the SDK really has, so a name that does not resolve fails loudly.
import * as fs from "fs";
import * as path from "path";

/** Property name → its declared type text (first line), for one interface. */
export type Props = Map<string, string>;

function readArgs(file: string, iface: string): Props | undefined {
    let src: string;
    try {
        src = fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
    const start = src.indexOf(`export interface ${iface} {`);
    if (start < 0) return undefined;
    const end = src.indexOf("\n}", start);
    const props: Props = new Map();
    for (const m of src.slice(start, end).matchAll(/^ {4}(\w+)\??: (.*)$/gm)) props.set(m[1], m[2]);
    return props;
}

/** The SDK package's typings for one provider (`@pulumi/aws`), with nested input types indexed lazily. */
export class SdkTypings {
    private nested?: Map<string, Props>;

    constructor(readonly packageDir: string) {}

    /** The installed package's version, recorded in the generated table. */
    version(): string {
        return JSON.parse(fs.readFileSync(path.join(this.packageDir, "package.json"), "utf8")).version;
    }

    /** The top-level inputs of `token` (`aws:ec2/instance:Instance` → ec2/instance.d.ts `InstanceArgs`). */
    args(token: string): Props | undefined {
        const m = /^[\w-]+:([\w]+)\/(\w+):(\w+)$/.exec(token);
        if (!m) return undefined;
        const [, mod, file, cls] = m;
        const rel = mod === "index" ? `${file}.d.ts` : path.join(mod, `${file}.d.ts`);
        return readArgs(path.join(this.packageDir, rel), `${cls}Args`);
    }

    /** The inputs of the nested type a property's type text names (`inputs.ec2.InstanceRootBlockDevice`). */
    nestedOf(typeText: string): Props | undefined {
        const m = /inputs\.(\w+)\.(\w+)/.exec(typeText);
        if (!m) return undefined;
        this.nested ??= this.indexNested();
        return this.nested.get(`${m[1]}.${m[2]}`);
    }

    private indexNested(): Map<string, Props> {
        const out = new Map<string, Props>();
        const file = path.join(this.packageDir, "types", "input.d.ts");
        let ns = "";
        let current: Props | undefined;
        for (const line of fs.readFileSync(file, "utf8").split("\n")) {
            const nsm = /^export declare namespace (\w+) \{/.exec(line);
            if (nsm) { ns = nsm[1]; continue; }
            const im = /^ {4}(?:export )?interface (\w+) \{/.exec(line);
            if (im) { current = new Map(); out.set(`${ns}.${im[1]}`, current); continue; }
            const pm = /^ {8}(\w+)\??: (.*)$/.exec(line);
            if (pm && current) current.set(pm[1], pm[2]);
        }
        return out;
    }
}

/** snake_case → camelCase, as the bridge does (`ipv6_cidr_block` → `ipv6CidrBlock`). */
export function camel(tf: string): string {
    return tf.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** A plural the bridge's inflector would give for the common endings of Terraform block names. */
export function plural(name: string): string {
    if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
    if (/(s|x|ch|sh)$/.test(name)) return `${name}es`;
    return `${name}s`;
}

/**
 * The Pulumi name of Terraform attribute `tf` among `props`: an explicit rename first, then the
 * plural (for a repeated block), then the plain camelCase. Undefined when the SDK has none.
 */
export function pulumiName(tf: string, repeated: boolean, props: Props, renames: Readonly<Record<string, string>> = {}): string | undefined {
    const candidates = [renames[tf], repeated ? plural(camel(tf)) : undefined, camel(tf)];
    return candidates.find((c): c is string => c !== undefined && props.has(c));
}
