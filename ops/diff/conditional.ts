// Replacements the providers decide in code from old and new values (SDKv2 CustomizeDiff,
// framework ModifyPlan and RequiresReplaceIf plan modifiers), which the generated table lists
// under `conditional` with file and line. Each one is either modelled here as the provider's
// rule (cases in tests/diff/conditional.test.ts), or declared unreachable for this project with
// a guard that every planned stack is checked against (tests/diff/forceNewTable.test.ts): if
// the stacks ever set what would make it reachable, that test fails and the rule must be
// modelled. Sources: the provider files the table cites (hashicorp/terraform-provider-aws
// v6.58.0, terraform-provider-random v3.9.0).
import { RecordedResource } from "../offline/engine";

type Inputs = Record<string, any>;

/** What a rule may need beyond the two input sets. */
export interface ConditionalContext {
    /** The provider's region (the stack's `aws:region`); undefined when not known. */
    region?: string;
}

export interface ConditionalRule {
    /** The Terraform attribute and the function deciding it, as in the table's `conditional`. */
    terraform: string;
    site: string;
    /** The input this rule watches (reported as the reason), or several when the rule is about which one is set. */
    input: string | readonly string[];
    /** The rule in words. */
    rule: string;
    /** For a changed resource: true when the provider would replace it. */
    replaces?(before: Inputs, after: Inputs, ctx: ConditionalContext): boolean;
    /** Not modelled: why this project cannot reach it, and a check that a planned resource keeps out of it. */
    unreachable?: { why: string; guard(r: RecordedResource): boolean };
}

const changed = (a: unknown, b: unknown) => JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
const unset = (v: unknown) => v === undefined || v === null || v === "";
const notSet = (input: string, why: string) => ({ why, guard: (r: RecordedResource) => unset(r.inputs[input]) });

/**
 * The CPU architectures of an instance type, from its family name: Graviton families carry a
 * `g` after the generation (t4g, m7gd, c7gn) and a1 is arm64; Mac families are their own.
 * The provider asks EC2 (DescribeInstanceTypes); offline the family is what we know.
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html
 */
export function instanceArchitectures(type: string): string[] {
    const family = type.split(".")[0];
    if (family === "mac2" || /^mac-m\d/.test(family)) return ["arm64_mac"];
    if (family.startsWith("mac")) return ["x86_64_mac"];
    if (family === "a1" || /^[a-z]+\d+g[a-z-]*$/.test(family)) return ["arm64"];
    return ["x86_64"];
}

/** Numeric segments of an engine version (`7.1` → [7, 1]); undefined for `7.x`-style values. */
function segments(v: string): number[] | undefined {
    return /^\d+(\.\d+)*$/.test(v) ? v.split(".").map(Number) : undefined;
}

function lessThan(a: number[], b: number[]): boolean {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
    }
    return false;
}

const SOURCES = ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"];
/** Which source a VPC security group rule uses; changing it replaces the rule (ModifyPlan). */
const ruleSource = (i: Inputs) => SOURCES.find((k) => !unset(i[k]));

const sgRuleSource: ConditionalRule = {
    terraform: "(computed)", site: "securityGroupRuleResource.ModifyPlan", input: SOURCES,
    rule: "a rule cannot change the kind of its source (CIDR, prefix list, security group); changing it replaces the rule",
    replaces: (b, a) => ruleSource(b) !== ruleSource(a),
};

const nlbOnly = (terraform: string, site: string, input: string): ConditionalRule => ({
    terraform, site, input, rule: "Network Load Balancers only",
    unreachable: { why: "the stacks create Application Load Balancers only", guard: (r) => (r.inputs.loadBalancerType ?? "application") === "application" },
});

const expectedOwner = (site: string): ConditionalRule => ({
    terraform: "expected_bucket_owner", site, input: "expectedBucketOwner", rule: "a changed expected owner replaces it, except unset → the caller's account",
    unreachable: notSet("expectedBucketOwner", "the stacks never set expectedBucketOwner (the bucket is the stack's own)"),
});

/** Type token → its conditional replacements. `*` applies to every AWS resource. */
export const CONDITIONAL: Readonly<Record<string, readonly ConditionalRule[]>> = {
    "*": [{
        terraform: "region", site: "forceNewIfRegionChanges", input: "region",
        rule: "a changed per-resource region replaces the resource, except between unset and the provider's own region",
        replaces: (b, a, ctx) => !((unset(b.region) && a.region === ctx.region) || (b.region === ctx.region && unset(a.region))),
    }],
    "aws:acm/certificate:Certificate": ["domain_name", "subject_alternative_names"].map((terraform) => ({
        terraform, site: "resourceCertificate", input: terraform === "domain_name" ? "domainName" : "subjectAlternativeNames",
        rule: "an Amazon-issued or private certificate is replaced when its names change (an imported one takes them from its body)",
        replaces: (_b: Inputs, a: Inputs) => unset(a.certificateBody),
    })),
    "aws:ec2/instance:Instance": [
        { terraform: "launch_template.0.version", site: "resourceInstance", input: "launchTemplate", rule: "replaced when the launch template's default or latest version moved",
            unreachable: notSet("launchTemplate", "no Instance is launched from a launch template (the ASGs are)") },
        ...(["user_data", "user_data_base64"] as const).map((terraform) => ({
            terraform, site: "resourceInstance", input: terraform === "user_data" ? "userData" : "userDataBase64",
            rule: "user data changes replace the instance when userDataReplaceOnChange is true (otherwise it is stopped and updated)",
            replaces: (_b: Inputs, a: Inputs) => a.userDataReplaceOnChange === true,
        })),
        { terraform: "enable_primary_ipv6", site: "resourceInstance", input: "enablePrimaryIpv6", rule: "a primary IPv6 address can be enabled in place but not disabled",
            replaces: (b, a) => b.enablePrimaryIpv6 === true && a.enablePrimaryIpv6 !== true },
        { terraform: "instance_type", site: "resourceInstance", input: "instanceType", rule: "a new type that shares no CPU architecture with the old one replaces the instance",
            replaces: (b, a) => !unset(b.instanceType) && !unset(a.instanceType)
                && !instanceArchitectures(b.instanceType).some((x) => instanceArchitectures(a.instanceType).includes(x)) },
        { terraform: "ipv6_addresses", site: "resourceInstance", input: "ipv6Addresses", rule: "explicit IPv6 addresses changed without a count change replace the instance",
            replaces: (b, a) => !changed(b.ipv6AddressCount, a.ipv6AddressCount) },
    ],
    "aws:ec2/natGateway:NatGateway": [
        { terraform: "secondary_private_ip_address_count", site: "resourceNATGatewayCustomizeDiff", input: "secondaryPrivateIpAddressCount",
            rule: "a private NAT gateway's secondary address count cannot change in place",
            replaces: (_b, a) => a.connectivityType === "private" && !unset(a.secondaryPrivateIpAddressCount) },
        { terraform: "regional_nat_gateway_auto_mode", site: "validateRegionalNATGatewayAvailabilityZoneAddress", input: "availabilityZoneAddresses",
            rule: "a regional NAT gateway switching between automatic and per-AZ addresses is replaced",
            unreachable: notSet("availabilityMode", "the NAT gateways are zonal (availabilityMode unset)") },
    ],
    "aws:ec2/subnet:Subnet": [{
        terraform: "ipv6_cidr_block", site: "resourceSubnet", input: "ipv6CidrBlock",
        rule: "a subnet created with assignIpv6AddressOnCreation is replaced when its IPv6 block changes",
        replaces: (b) => !unset(b.ipv6CidrBlock) && b.assignIpv6AddressOnCreation === true,
    }],
    "aws:ec2/vpc:Vpc": [
        { terraform: "instance_tenancy", site: "resourceVPCCustomizeDiff", input: "instanceTenancy", rule: "tenancy changes replace the VPC except dedicated → default",
            replaces: (b, a) => !((b.instanceTenancy ?? "default") === "dedicated" && (a.instanceTenancy ?? "default") === "default") },
        { terraform: "cidr_block", site: "resourceVPCCustomizeDiff", input: "cidrBlock", rule: "a changed CIDR replaces the VPC unless IPAM allocates it",
            replaces: (_b, a) => unset(a.ipv4NetmaskLength) },
    ],
    "aws:elasticache/replicationGroup:ReplicationGroup": [
        { terraform: "engine_version", site: "engineVersionForceNewOnDowngrade", input: "engineVersion", rule: "an engine version downgrade replaces the group",
            replaces: (b, a) => {
                if (!unset(a.globalReplicationGroupId)) return false;
                const [o, n] = [segments(String(b.engineVersion ?? "")), segments(String(a.engineVersion ?? ""))];
                // `7.x` compares with the running version, which is only known in AWS: assume the worst.
                return !o || !n || lessThan(n, o);
            } },
        { terraform: "engine", site: "customizeDiffEngineForceNewOnDowngrade", input: "engine", rule: "an engine change replaces the group, except redis → valkey",
            replaces: (b, a) => unset(a.globalReplicationGroupId) && !((b.engine ?? "redis") === "redis" && a.engine === "valkey") },
        { terraform: "node_group_configuration", site: "resourceReplicationGroup", input: "nodeGroupConfigurations", rule: "adding, removing or reshaping node groups replaces the group",
            unreachable: notSet("nodeGroupConfigurations", "the Redis groups are not sharded (no node group configuration)") },
        { terraform: "transit_encryption_enabled", site: "resourceReplicationGroup", input: "transitEncryptionEnabled",
            rule: "before engine 7.0.5 in-transit encryption can only be set at creation",
            replaces: (b, a) => {
                const v = segments(String(a.engineVersion ?? b.engineVersion ?? ""));
                // A `7.0`-style version may run any 7.0 patch: assume one before 7.0.5.
                return !v || (v.length < 3 && lessThan(v, [7, 1])) || lessThan(v, [7, 0, 5]);
            } },
    ],
    "aws:lambda/function:Function": [{
        terraform: "durable_config", site: "resourceFunction", input: "durableConfig", rule: "adding or removing durable execution replaces the function",
        replaces: (b, a) => unset(b.durableConfig) !== unset(a.durableConfig),
    }],
    "aws:lambda/invocation:Invocation": [{
        terraform: "input", site: "customizeDiffInputChangeWithCreateOnlyScope", input: "input",
        rule: "with lifecycleScope CREATE_ONLY (the default) a new input is a new invocation; with CRUD it is an update (invoked again)",
        replaces: (_b, a) => (a.lifecycleScope ?? "CREATE_ONLY") === "CREATE_ONLY",
    }],
    "aws:lb/loadBalancer:LoadBalancer": [
        nlbOnly("security_groups", "resourceLoadBalancerCustomizeDiff", "securityGroups"),
        nlbOnly("secondary_ips_auto_assigned_per_subnet", "resourceLoadBalancerCustomizeDiff", "secondaryIpsAutoAssignedPerSubnet"),
        nlbOnly("subnet_mapping", "customizeDiffLoadBalancerNLB", "subnetMappings"),
        nlbOnly("subnets", "customizeDiffLoadBalancerNLB", "subnets"),
        { terraform: "subnet_mapping", site: "customizeDiffLoadBalancerALB", input: "subnetMappings",
            rule: "an ALB's subnet mappings may be added or removed in place, but a kept mapping cannot change",
            replaces: (b, a) => {
                const [o, n] = [(b.subnetMappings ?? []).map((x: unknown) => JSON.stringify(x)), (a.subnetMappings ?? []).map((x: unknown) => JSON.stringify(x))];
                const kept = (from: string[], to: string[]) => from.every((x) => to.includes(x));
                return (a.loadBalancerType ?? "application") === "application"
                    && (o.length === n.length ? true : o.length > n.length ? !kept(n, o) : !kept(o, n));
            } },
    ],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [expectedOwner("resourceBucketServerSideEncryptionConfiguration")],
    "aws:s3/bucketVersioning:BucketVersioning": [expectedOwner("resourceBucketVersioning")],
    "aws:secretsmanager/secretVersion:SecretVersion": [
        { terraform: "secret_string", site: "secretVersionForceNewCustomDiffInner", input: "secretString", rule: "a new secret string is a new version",
            replaces: (b) => !unset(b.secretString) },
        ...["secret_string_wo", "secret_string_wo_version"].map((terraform) => ({
            terraform, site: "secretVersionForceNewCustomDiffInner", input: terraform === "secret_string_wo" ? "secretStringWo" : "secretStringWoVersion",
            rule: "a new write-only secret string is a new version",
            unreachable: notSet(terraform === "secret_string_wo" ? "secretStringWo" : "secretStringWoVersion", "the stacks write secrets with secretString"),
        })),
    ],
    "aws:ssm/parameter:Parameter": [
        // ForceNewIfChange("tier"): SSM cannot downgrade an advanced parameter to the standard tier.
        { terraform: "tier", site: "resourceParameter", input: "tier", rule: "Advanced → Standard replaces the parameter (SSM cannot downgrade a tier)",
            replaces: (b, a) => b.tier === "Advanced" && a.tier === "Standard" },
    ],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [sgRuleSource],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [sgRuleSource],
    "random:index/randomPassword:RandomPassword": [
        { terraform: "keepers", site: "mapplanmodifiers.RequiresReplaceIfValuesNotNull", input: "keepers", rule: "changed keepers replace the password unless every new value is null",
            replaces: (b, a) => Object.entries(a.keepers ?? {}).some(([k, v]) => v !== null && v !== undefined && JSON.stringify(v) !== JSON.stringify((b.keepers ?? {})[k])) },
        { terraform: "override_special", site: "stringplanmodifier.RequiresReplaceIf", input: "overrideSpecial", rule: "a changed overrideSpecial replaces the password, except \"\" → unset",
            replaces: (b, a) => !(unset(a.overrideSpecial) && b.overrideSpecial === "") },
    ],
};

/** The rules that apply to `type`: its own, and for AWS resources the `*` ones. */
export function rulesOf(type: string): readonly ConditionalRule[] {
    return [...(type.startsWith("aws:") ? CONDITIONAL["*"] : []), ...(CONDITIONAL[type] ?? [])];
}

/** The inputs by which `type` would be replaced under its conditional rules, given a change from `before` to `after`. */
export function conditionalReplaceKeys(type: string, before: Inputs, after: Inputs, ctx: ConditionalContext): string[] {
    const keys = new Set<string>();
    for (const r of rulesOf(type)) {
        const watched = (typeof r.input === "string" ? [r.input] : r.input).filter((k) => changed(before[k], after[k]));
        if (r.replaces && watched.length > 0 && r.replaces(before, after, ctx)) watched.forEach((k) => keys.add(k));
    }
    return [...keys];
}
