// Our own stacks as the policy pack sees them: planned prod (each singleton mode, with and
// without a domain), dr standby and dr promoted, their previews, and broken variants made by
// mutating planned resources so that every policy of the pack fires on the shapes our stacks
// really have, not only on hand-built fixtures. tests/policies/stackShapes.test.ts asserts what
// each broken variant reports; tests/policies/conformance.test.ts runs the real pack over all.
import type { RecordedResource } from "../../ops/offline/engine";
import type { StackPlan } from "../../ops/offline/planner";
import { SEED_USER_DATA } from "../fixtures/seedUserData";
import { memoPlan } from "../support/plans";

/** A stack to evaluate: the plan's records (possibly mutated) and who the stack is. */
export interface StackShape {
    label: string;
    plan: StackPlan;
    /** A `--policy-pack-config` JSON to evaluate with. */
    policyConfig?: Record<string, any>;
}

/** What dr-promoted-hardening reports on dr promoted from the committed config (a literal, not the policy's text). */
// Sorted, so the wording does not follow the program's registration order.
export const NOT_HARDENED = "the dr stack is promoted and serves production but is not hardened: database \"database-mysql\" is single-AZ; "
    + "load balancer \"app-standby-web-alb\" has no deletion protection; replication group \"app-cache-redis\" has no automatic failover; "
    + "run `npm run runbook -- harden` (sets pilot-light:hardened true and runs pulumi up; online, nothing is replaced)";

const DOMAIN = { "pilot-light:domainName": "www.example.com", "pilot-light:hostedZoneId": "Z0123456789ABCDEFGHIJ" };

/** The singleton modes, `recoverable-instance` (the default) first. */
export const SINGLETON_MODES = ["recoverable-instance", "multi-az-asg", "multi-az-asg-ebs", "standby-failover"] as const;

/** The plans the shapes start from. */
export const bases = {
    prod: (mode: (typeof SINGLETON_MODES)[number] = "recoverable-instance") =>
        memoPlan({ stack: "prod", configOverrides: mode === "recoverable-instance" ? {} : { "pilot-light:singletonMode": mode } }),
    prodWithDomain: () => memoPlan({ stack: "prod", configOverrides: DOMAIN }),
    drStandby: () => memoPlan({ stack: "dr" }),
    drPromoted: () => memoPlan({ stack: "dr", promote: true }),
    drHardened: () => memoPlan({ stack: "dr", promote: true, configOverrides: { "pilot-light:hardened": "true" } }),
};

/** A copy of every array and object in `value`; strings and other primitives are shared (a Lambda bundle's text is 1.5 MB). */
function copyTree<T>(value: T): T {
    if (Array.isArray(value)) return value.map(copyTree) as T;
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyTree(v)])) as T;
    }
    return value;
}

/** A deep copy of a plan whose resources a test may change. */
function copy(plan: StackPlan): StackPlan {
    return { ...plan, resources: copyTree(plan.resources), reads: copyTree(plan.reads ?? []) };
}

/** The one resource with this logical name (and type); throws otherwise. */
export function named(plan: StackPlan, name: string, type?: string): RecordedResource {
    const found = plan.resources.filter((r) => r.name === name && (type === undefined || r.type === type));
    if (found.length !== 1) {
        throw new Error(`${plan.stack}: expected one resource named ${name}${type ? ` (${type})` : ""}, found ${found.length}`);
    }
    return found[0];
}

/** Changes a resource the same way in its inputs (what Analyze sees) and its outputs (what AnalyzeStack sees). */
function edit(r: RecordedResource, change: (props: Record<string, any>) => void): void {
    change(r.inputs);
    change(r.outputs);
}

function remove(plan: StackPlan, name: string, type?: string): void {
    plan.resources.splice(plan.resources.indexOf(named(plan, name, type)), 1);
}

/** The prod stack with one mistake per policy that can see it (one stack, many findings). */
async function prodBroken(): Promise<StackShape> {
    const plan = copy(await bases.prod());
    edit(named(plan, "singleton-recoverable-instance-instance"), (p) => {
        // Mac instances run on Dedicated Hosts only, and the recover action supports neither.
        p.instanceType = "mac2.metal";
        p.tenancy = "host";
        p.ephemeralBlockDevices = [{ deviceName: "/dev/sdb", virtualName: "ephemeral0" }];
        p.monitoring = false;
        p.metadataOptions = { ...p.metadataOptions, httpTokens: "optional" };
        p.rootBlockDevice = { ...p.rootBlockDevice, encrypted: false };
    });
    edit(named(plan, "singleton-recoverable-instance-recover"), (p) => { p.period = 300; });
    edit(named(plan, "singleton-recoverable-instance-out"), (p) => {
        p.ipProtocol = "-1";
        delete p.fromPort;
        delete p.toPort;
    });
    remove(plan, "singleton-recoverable-instance-snapshots");
    const asg = named(plan, "app-servers-asg");
    edit(asg, (p) => {
        p.vpcZoneIdentifiers = p.vpcZoneIdentifiers.slice(0, 1);
        p.healthCheckType = "EC2";
        p.launchConfiguration = "legacy-launch-configuration";
    });
    asg.propertyDependencies.vpcZoneIdentifiers = asg.propertyDependencies.vpcZoneIdentifiers.slice(0, 1);
    // The seed's Jenkins user data, as a launch template carries it (base64).
    edit(named(plan, "app-servers-lt"), (p) => { p.userData = Buffer.from(SEED_USER_DATA[1].script).toString("base64"); });
    remove(plan, "media-replication-config");
    edit(named(plan, "database-mysql"), (p) => {
        p.storageEncrypted = false;
        p.multiAz = false;
        p.backupRetentionPeriod = 1;
        p.deletionProtection = false;
        p.publiclyAccessible = true;
        p.skipFinalSnapshot = true;
    });
    edit(named(plan, "media-versioning"), (p) => { p.versioningConfiguration = { status: "Suspended" }; });
    edit(named(plan, "media-public-access"), (p) => { p.blockPublicAcls = false; });
    remove(plan, "media-sse");
    remove(plan, "network-flow-log");
    remove(plan, "app-db-rotation-schedule");
    remove(plan, "waf-app");
    // The ALB internet-facing again and CloudFront reaching it as a custom origin over HTTP: the
    // shape before VPC origins, the hop across the public internet in cleartext.
    edit(named(plan, "app-web-alb"), (p) => {
        p.enableDeletionProtection = false;
        delete p.accessLogs;
        p.internal = false;
    });
    edit(named(plan, "app-cdn-distribution"), (p) => {
        p.origins = p.origins.map(({ vpcOriginConfig: _, ...o }: Record<string, any>) => ({
            ...o, customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "http-only", originSslProtocols: ["TLSv1.2"] },
        }));
    });
    edit(named(plan, "app-web-tg"), (p) => { p.healthCheck = { ...p.healthCheck, interval: 120 }; });
    edit(named(plan, "app-cache-redis"), (p) => {
        p.atRestEncryptionEnabled = false;
        p.automaticFailoverEnabled = false;
    });
    // The servers may also read the master credentials: the app could connect as the master.
    const masterArn = named(plan, "database-credentials", "aws:secretsmanager/secret:Secret").outputs.arn;
    edit(named(plan, "app-servers-app"), (p) => {
        const doc = JSON.parse(p.policy);
        doc.Statement.push({ Effect: "Allow", Action: "s3:*", Resource: "*" });
        doc.Statement.push({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: masterArn });
        p.policy = JSON.stringify(doc);
    });
    // The ALB's only way in (CloudFront's prefix list on 80) widened to SSH from anywhere.
    edit(named(plan, "network-alb-in-http-cloudfront"), (p) => {
        delete p.prefixListId;
        p.cidrIpv4 = "0.0.0.0/0";
        p.fromPort = 22;
        p.toPort = 22;
    });
    // The ALB serving plain HTTP again, as without a domain before CloudFront.
    edit(named(plan, "app-web-http"), (p) => { p.defaultActions = [{ type: "forward", targetGroupArn: "arn:tg" }]; });
    edit(named(plan, "network-vpc"), (p) => { p.region = "us-west-2"; });
    return { label: "prod, broken", plan };
}

/** The pack's dated policies, judged as of `today` (their config), so a finding does not move with the calendar. */
function asOf(today: string): Record<string, any> {
    const dated = ["lambda-runtime-not-blocked", "lambda-runtime-deprecation", "rds-engine-standard-support", "rds-engine-support-ending"];
    return Object.fromEntries(dated.map((policy) => [policy, { today }]));
}

/**
 * prod with the EBS-following singleton (its two Lambdas), reviewed on 2026-12-01: one Lambda on
 * nodejs20.x (creates blocked since 2026-08-31), one on nodejs22.x (deprecated 2027-04-30), and
 * the database on MySQL 8.0 (out of standard support since 2026-07-31).
 */
async function prodOutOfSupport(): Promise<StackShape> {
    const plan = copy(await bases.prod("multi-az-asg-ebs"));
    edit(named(plan, "singleton-multi-az-asg-ebs-ebs-launch-fn"), (p) => { p.runtime = "nodejs20.x"; });
    edit(named(plan, "singleton-multi-az-asg-ebs-ebs-terminate-fn"), (p) => { p.runtime = "nodejs22.x"; });
    edit(named(plan, "database-mysql"), (p) => { p.engineVersion = "8.0"; });
    edit(named(plan, "database-mysql-params"), (p) => { p.family = "mysql8.0"; });
    return { label: "prod, multi-az-asg-ebs, out of support on 2026-12-01", plan, policyConfig: asOf("2026-12-01") };
}

/** dr standby unchanged, reviewed on 2029-03-01: MySQL 8.4's standard support ends 2029-07-31, in 152 days. */
async function drStandbyIn2029(): Promise<StackShape> {
    return { label: "dr standby, reviewed on 2029-03-01", plan: copy(await bases.drStandby()), policyConfig: asOf("2029-03-01") };
}

/** prod whose singleton has no recover alarm. */
async function prodUnwatched(): Promise<StackShape> {
    const plan = copy(await bases.prod());
    remove(plan, "singleton-recoverable-instance-recover");
    return { label: "prod, singleton without its recover alarm", plan };
}

/** prod with a domain whose HTTP listener forwards instead of redirecting. */
async function prodDomainForwarding(): Promise<StackShape> {
    const plan = copy(await bases.prodWithDomain());
    const https = named(plan, "app-web-https");
    edit(named(plan, "app-web-http"), (p) => { p.defaultActions = https.inputs.defaultActions; });
    return { label: "prod with a domain, HTTP listener forwarding", plan };
}

/**
 * dr in standby with an unencrypted replica, a NAT gateway not tagged as a standby part, the
 * replica-lag alarm on an explicit provider in prod's region, and no replication of prod's
 * automated backups.
 */
async function drStandbyBroken(): Promise<StackShape> {
    const plan = copy(await bases.drStandby());
    edit(named(plan, "database-mysql"), (p) => { p.storageEncrypted = false; });
    remove(plan, "database-backups-replication");
    // Tagged for an Object Lock (pilot-light:mediaImmutability) that was never configured.
    edit(named(plan, "media-bucket"), (p) => { p.tags = { ...p.tags, "pilot-light:object-lock": "GOVERNANCE" }; });
    // The standby's own gateway without the standby-part tag that makes it an accepted exception.
    edit(named(plan, "app-standby-nat-gateway"), (p) => {
        const { "pilot-light:standby-part": _part, ...rest } = p.tags ?? {};
        p.tags = rest;
    });
    const network = named(plan, "network");
    const provider: RecordedResource = {
        urn: `${network.urn.split("::").slice(0, 2).join("::")}::pulumi:providers:aws::prod-region`,
        type: "pulumi:providers:aws", name: "prod-region", custom: true, parent: network.parent, id: "prod-region-id",
        inputs: { region: "us-east-1" }, secretInputs: [], outputs: { region: "us-east-1" }, dependencies: [], propertyDependencies: {},
        protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [], version: "7.48.0",
    };
    const alarm = named(plan, "database-replica-lag");
    plan.resources.splice(plan.resources.indexOf(alarm), 0, provider);
    alarm.provider = `${provider.urn}::${provider.id}`;
    // The provider computes the alarm's region from its own configuration.
    alarm.outputs.region = "us-east-1";
    return { label: "dr standby, broken", plan };
}

/** dr in standby whose replica is gone: a finding of the whole stack, shown against the root stack. */
async function drWithoutReplica(): Promise<StackShape> {
    const plan = copy(await bases.drStandby());
    remove(plan, "database-replica-lag");
    remove(plan, "database-mysql");
    return { label: "dr standby without its replica", plan };
}

/**
 * dr hardened, but with what hardening turned on turned off again: prod's rules apply to its
 * tagged resources, so each reports as it would on prod.
 */
async function drHardenedBroken(): Promise<StackShape> {
    const plan = copy(await bases.drHardened());
    edit(named(plan, "database-mysql"), (p) => { p.multiAz = false; });
    edit(named(plan, "app-cache-redis"), (p) => { p.automaticFailoverEnabled = false; });
    edit(named(plan, "app-standby-web-alb"), (p) => { p.enableDeletionProtection = false; });
    return { label: "dr hardened, broken", plan };
}

/** The broken variants: together they make every policy of the pack fire. */
export async function brokenShapes(): Promise<StackShape[]> {
    return [await prodBroken(), await prodUnwatched(), await prodDomainForwarding(), await prodOutOfSupport(),
        await drStandbyBroken(), await drWithoutReplica(), await drStandbyIn2029(),
        // Promoted and serving, not hardened yet: the advisory that names the step.
        { label: "dr promoted, not hardened", plan: await bases.drPromoted() }, await drHardenedBroken()];
}

/** The compliant stacks: prod in every singleton mode and with a domain, dr standby, and dr promoted and hardened. */
export async function cleanShapes(): Promise<StackShape[]> {
    const shapes: StackShape[] = [];
    for (const mode of SINGLETON_MODES) {
        shapes.push({ label: `prod, ${mode}`, plan: await bases.prod(mode) });
    }
    shapes.push({ label: "prod with a domain", plan: await bases.prodWithDomain() });
    shapes.push({ label: "dr standby", plan: await bases.drStandby() });
    shapes.push({ label: "dr promoted and hardened", plan: await bases.drHardened() });
    return shapes;
}

/**
 * The stacks as `pulumi preview` sees them: prod and dr standby as first deploys (every output
 * of a create unknown), dr promoted from standby (only the app tier is created).
 */
export async function previewShapes(): Promise<StackShape[]> {
    const standby = await bases.drStandby();
    return [
        { label: "prod, preview of a first deploy", plan: await memoPlan({ stack: "prod", preview: { existing: new Set() } }) },
        { label: "dr standby, preview of a first deploy", plan: await memoPlan({ stack: "dr", preview: { existing: new Set() } }) },
        {
            label: "dr promoted, preview from standby",
            plan: await memoPlan({ stack: "dr", promote: true, preview: { existing: new Set(standby.resources.map((r) => r.urn)) } }),
        },
    ];
}
