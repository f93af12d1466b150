// The basic layer's security groups (load balancer, app, database, cache) and their rules, as
// in the original Terraform `basic` folder. Called by the Network component, whose children
// they become. Traffic is a chain: internet -> ALB (80/443) -> app (80) -> db (3306) / cache
// (6379); the app may also reach HTTPS endpoints (SSM, Secrets Manager, S3) through NAT. Without
// a domain the viewers reach the ALB through CloudFront only: its origin-facing servers on port 80.
// Nothing opens SSH (22) or RDP (3389): operators use SSM Session Manager.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** The tiers that get a security group. */
export type Tier = "alb" | "app" | "db" | "cache";

/** Anywhere on the IPv4 internet. The ALB is IPv4-only, so no `::/0` rule is needed. */
export const ANY_IPV4 = "0.0.0.0/0";

/**
 * CloudFront's origin-facing servers, as the AWS-managed prefix list of that name (IPv4). It
 * weighs 55 against the group's rules quota (60 inbound by default), so it has a group to itself.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LocationsOfEdgeServers.html#managed-prefix-list
 * https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html#aws-managed-prefix-list-weights
 */
export const CLOUDFRONT_ORIGIN_FACING = "com.amazonaws.global.cloudfront.origin-facing";

/** Who reaches the ALB: anyone (a domain, HTTPS on the ALB) or CloudFront only (no domain, ./../app/cdn.ts). */
export type AlbViewers = "internet" | "cloudfront";

/** One rule: which group it belongs to, the direction, the TCP port and the peer. */
export interface RuleSpec {
    /** Stable part of the rule's resource name; renaming it replaces the rule. */
    readonly key: string;
    readonly group: Tier;
    readonly direction: "ingress" | "egress";
    /** A single TCP port (from = to). */
    readonly port: number;
    /** Another tier's group, an IPv4 CIDR, or an AWS-managed prefix list by name. */
    readonly peer: Tier | typeof ANY_IPV4 | typeof CLOUDFRONT_ORIGIN_FACING;
    /** Shown in the console next to the rule; says why the rule exists. */
    readonly description: string;
}

/**
 * Every rule, least privilege: each one names a port and the narrowest peer that works. The
 * database and cache groups have no egress rules at all: they only answer connections, and
 * security groups are stateful, so replies need no rule.
 * https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
 */
const INTERNET_ALB_RULES: readonly RuleSpec[] = [
    { key: "http-world", group: "alb", direction: "ingress", port: 80, peer: ANY_IPV4,
        description: "HTTP from the internet" },
    { key: "https-world", group: "alb", direction: "ingress", port: 443, peer: ANY_IPV4,
        description: "HTTPS from the internet" },
];

const CLOUDFRONT_ALB_RULES: readonly RuleSpec[] = [
    { key: "http-cloudfront", group: "alb", direction: "ingress", port: 80, peer: CLOUDFRONT_ORIGIN_FACING,
        description: "HTTP from CloudFront's origin-facing servers only (viewers use HTTPS at CloudFront)" },
];

const INNER_RULES: readonly RuleSpec[] = [
    { key: "http-app", group: "alb", direction: "egress", port: 80, peer: "app",
        description: "HTTP to the app instances (targets and health checks)" },
    { key: "http-alb", group: "app", direction: "ingress", port: 80, peer: "alb",
        description: "HTTP from the load balancer only" },
    { key: "https-world", group: "app", direction: "egress", port: 443, peer: ANY_IPV4,
        description: "HTTPS to AWS APIs (SSM, Secrets Manager, S3) through the NAT gateway" },
    { key: "mysql-db", group: "app", direction: "egress", port: 3306, peer: "db",
        description: "MySQL to the database" },
    { key: "redis-cache", group: "app", direction: "egress", port: 6379, peer: "cache",
        description: "Redis to the cache" },
    { key: "mysql-app", group: "db", direction: "ingress", port: 3306, peer: "app",
        description: "MySQL from the app instances only" },
    { key: "redis-app", group: "cache", direction: "ingress", port: 6379, peer: "app",
        description: "Redis from the app instances only" },
];

/** Every rule for the given viewers of the ALB. */
export function securityGroupRules(albViewers: AlbViewers): readonly RuleSpec[] {
    return [...(albViewers === "cloudfront" ? CLOUDFRONT_ALB_RULES : INTERNET_ALB_RULES), ...INNER_RULES];
}

/** The rules with a domain (the ALB open to the internet on 80 and 443). */
export const SECURITY_GROUP_RULES: readonly RuleSpec[] = securityGroupRules("internet");

const GROUP_DESCRIPTIONS: Record<Tier, string> = {
    // The description is fixed when the group is created (changing it replaces the group), so it names both ways in.
    alb: "Application load balancer: HTTP/HTTPS from the internet, HTTP to the app",
    app: "App instances: HTTP from the load balancer; HTTPS out, MySQL and Redis to the data tier",
    db: "RDS MySQL: 3306 from the app instances only",
    cache: "ElastiCache Redis: 6379 from the app instances only",
};

/** What `createSecurityGroups` needs. */
export interface SecurityGroupsArgs {
    /** The VPC the groups belong to. */
    vpcId: pulumi.Input<string>;
    /** Tags for every group and rule; each also gets its own `Name` tag. */
    tags: Record<string, string>;
    /** Who reaches the ALB. Defaults to `"internet"`. */
    albViewers?: AlbViewers;
}

/** The groups, by tier. */
export type SecurityGroups = Record<Tier, aws.ec2.SecurityGroup>;

/** The resource name of a rule, e.g. `prod-app-out-mysql-db`. */
export function ruleResourceName(name: string, rule: RuleSpec): string {
    return `${name}-${rule.group}-${rule.direction === "ingress" ? "in" : "out"}-${rule.key}`;
}

/**
 * Creates the four groups and their rules as children of `parent`, plus a takeover of the
 * VPC's default security group that strips its rules. Names derive from `name`.
 */
export function createSecurityGroups(name: string, args: SecurityGroupsArgs, parent: pulumi.Resource): SecurityGroups {
    const opts = { parent };
    const tagged = (resourceName: string) => ({ ...args.tags, Name: resourceName });

    // The default group allows all traffic between its members and all egress; anything
    // launched without an explicit group would land in it. Adopting it with no rules empties
    // it (Security Hub control EC2.2).
    // https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, {
        vpcId: args.vpcId,
        tags: tagged(`${name}-default-sg`),
    }, opts);

    const tiers: Tier[] = ["alb", "app", "db", "cache"];
    const groups = Object.fromEntries(tiers.map((tier) => {
        const groupName = `${name}-${tier}-sg`;
        return [tier, new aws.ec2.SecurityGroup(groupName, {
            vpcId: args.vpcId,
            description: GROUP_DESCRIPTIONS[tier],
            // The groups reference each other, so deleting one would otherwise wait for the
            // others' rules to go and time out.
            revokeRulesOnDelete: true,
            // No inline ingress/egress: the rules are separate resources (mixing both makes
            // them fight). The provider removes the default allow-all egress rule on create.
            tags: tagged(groupName),
        }, opts)];
    })) as SecurityGroups;

    const rules = securityGroupRules(args.albViewers ?? "internet");
    // Looked up by name: the list's ID differs per region.
    const cloudfront = rules.some((r) => r.peer === CLOUDFRONT_ORIGIN_FACING)
        ? aws.ec2.getManagedPrefixListOutput({ name: CLOUDFRONT_ORIGIN_FACING }, { parent }).id : undefined;
    for (const rule of rules) {
        const ruleName = ruleResourceName(name, rule);
        const peer = rule.peer === ANY_IPV4 ? { cidrIpv4: ANY_IPV4 }
            : rule.peer === CLOUDFRONT_ORIGIN_FACING ? { prefixListId: cloudfront! }
                : { referencedSecurityGroupId: groups[rule.peer].id };
        const ruleArgs = {
            securityGroupId: groups[rule.group].id,
            description: rule.description,
            ipProtocol: "tcp",
            fromPort: rule.port,
            toPort: rule.port,
            ...peer,
            tags: tagged(ruleName),
        };
        if (rule.direction === "ingress") {
            new aws.vpc.SecurityGroupIngressRule(ruleName, ruleArgs, opts);
        } else {
            new aws.vpc.SecurityGroupEgressRule(ruleName, ruleArgs, opts);
        }
    }
    return groups;
}
