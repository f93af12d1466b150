// Every configuration the stacks are deployed in, planned offline once per test process:
// prod (with and without a domain, in each singleton mode), dr in standby, promoted and in a
// drill, each failback step's configuration, and dr copying prod's custom AMI. Tests that must
// hold for every resource the project can create (the force-new table covers its type, an
// unmodelled provider rule stays unreachable) iterate over these.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { StackPlan } from "../../ops/offline/planner";
import { quietPlan } from "./quietPlan";

const ROOT = path.join(__dirname, "..", "..");
const ns = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`pilot-light:${k}`, v]));
const DOMAIN = { domainName: "www.example.com", hostedZoneId: "Z0123456789ABC" };

/** One planned configuration. */
export interface Variant {
    label: string;
    plan: StackPlan;
}

/**
 * A copy of the project whose prod stack file sets a custom AMI: dr then plans prod as its
 * peer with it and copies the image (aws:ec2/amiCopy:AmiCopy), which no committed stack file does.
 */
function projectWithCustomAmi(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilot-light-variants-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")
        .replace(/^main: .*$/m, `main: ${path.join(ROOT, "stacks", "index.ts")}`));
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), `${fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8").trimEnd()}\n`
        + "  pilot-light:customAmiId: ami-0123456789abcdef0\n");
    fs.copyFileSync(path.join(ROOT, "Pulumi.dr.yaml"), path.join(dir, "Pulumi.dr.yaml"));
    return dir;
}

const CONFIGS: [string, string, Record<string, string>, string?][] = [
    ["prod", "prod", {}],
    ["prod with a domain", "prod", ns(DOMAIN)],
    ["prod multi-az-asg-ebs", "prod", ns({ singletonMode: "multi-az-asg-ebs" })],
    ["prod standby-failover", "prod", ns({ singletonMode: "standby-failover" })],
    ["prod multi-az-asg", "prod", ns({ singletonMode: "multi-az-asg" })],
    ["dr standby", "dr", {}],
    ["dr promoted, reverse replication, domain", "dr", ns({ promote: "true", reverseReplication: "true", ...DOMAIN })],
    ["dr drill", "dr", ns({ drill: "true" })],
    ["prod failback: rebuilt from dr (generation 2)", "prod", ns({ rebuildFromPeer: "true", databaseGeneration: "2" })],
    ["prod failback: switched over (generation 2)", "prod", ns({ databaseGeneration: "2" })],
    ["dr failback: standby again (generation 2)", "dr", ns({ databaseGeneration: "2" })],
    ["dr copying prod's custom AMI", "dr", {}, "custom-ami"],
];

let planned: Promise<Variant[]> | undefined;

/** The variants, planned on first use and shared by every test file in the process. */
export function plannedVariants(): Promise<Variant[]> {
    planned ??= (async () => {
        const out: Variant[] = [];
        let customAmiDir: string | undefined;
        for (const [label, stack, configOverrides, project] of CONFIGS) {
            const dir = project === "custom-ami" ? (customAmiDir ??= projectWithCustomAmi()) : ROOT;
            out.push({ label, plan: await quietPlan({ dir, stack, configOverrides }) });
        }
        return out;
    })();
    return planned;
}
