// Well-known network rule: no SSH or RDP from the internet. The AWS in Action templates open
// port 22 to 0.0.0.0/0; administration goes through SSM Session Manager instead.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { validateResourceOfToken } from "../lib/ofType";
import { q, T } from "../lib/resources";

/** One ingress permission, normalised from the three ways AWS resources spell it. */
export interface IngressPermission {
    protocol?: string;
    fromPort?: number;
    toPort?: number;
    cidrs: string[];
}

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];
const ICMP_PROTOCOLS = ["icmp", "1", "icmpv6", "58"];

/** The admin ports (SSH 22, RDP 3389) an ingress permission opens to the internet; empty if none. */
export function openAdminPorts(p: IngressPermission, ports: readonly number[] = [22, 3389]): number[] {
    if (!p.cidrs.some((c) => OPEN_CIDRS.includes(c))) {
        return [];
    }
    const protocol = String(p.protocol).toLowerCase();
    if (protocol === "-1" || protocol === "all") {
        return [...ports];
    }
    if (ICMP_PROTOCOLS.includes(protocol)) {
        return [];
    }
    const from = p.fromPort ?? 0;
    const to = p.toPort ?? 65535;
    return ports.filter((port) => from <= port && port <= to);
}

function describe(p: IngressPermission, open: number[]): string {
    const range = String(p.protocol) === "-1" ? "all traffic" : `${p.protocol} ${p.fromPort}-${p.toPort}`;
    const cidrs = p.cidrs.filter((c) => OPEN_CIDRS.includes(c)).join(", ");
    return `${range} from ${cidrs} (opens ${open.map((x) => (x === 22 ? "SSH 22" : x === 3389 ? "RDP 3389" : String(x))).join(" and ")})`;
}

/** A permission as aws.ec2.SecurityGroup's `ingress` entries and aws.ec2.SecurityGroupRule spell it. */
interface Permission {
    protocol?: string;
    fromPort?: number;
    toPort?: number;
    cidrBlocks?: string[];
    ipv6CidrBlocks?: string[];
}

/** What the policy reads of an aws.ec2.SecurityGroup's inputs. */
interface SecurityGroupProps {
    ingress?: Permission[];
}

/** What the policy reads of an aws.ec2.SecurityGroupRule's inputs. */
interface SecurityGroupRuleProps extends Permission {
    type?: string;
}

/** What the policy reads of an aws.vpc.SecurityGroupIngressRule's inputs. */
interface IngressRuleProps {
    ipProtocol?: string;
    fromPort?: number;
    toPort?: number;
    cidrIpv4?: string;
    cidrIpv6?: string;
}

function list(v: unknown): string[] {
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

export const sgNoSshRdpFromInternet: ResourceValidationPolicy = {
    name: "sg-no-ssh-rdp-from-internet",
    description: "No security group ingress opens SSH (22) or RDP (3389) to 0.0.0.0/0 or ::/0 (Checkov CKV_AWS_24 / "
        + "CKV_AWS_25, Trivy AVD-AWS-0107, AWS Config restricted-ssh and restricted-common-ports).",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfToken<SecurityGroupProps>(T.securityGroup, (sg, args, reportViolation) => {
            for (const rule of sg.ingress ?? []) {
                const p: IngressPermission = {
                    protocol: rule.protocol, fromPort: rule.fromPort, toPort: rule.toPort,
                    cidrs: [...list(rule.cidrBlocks), ...list(rule.ipv6CidrBlocks)],
                };
                const open = openAdminPorts(p);
                if (open.length > 0) {
                    reportViolation(`security group ${q(args.name)} allows ${describe(p, open)}`);
                }
            }
        }),
        validateResourceOfToken<SecurityGroupRuleProps>(T.securityGroupRule, (rule, args, reportViolation) => {
            if (rule.type !== "ingress") {
                return;
            }
            const p: IngressPermission = {
                protocol: rule.protocol, fromPort: rule.fromPort, toPort: rule.toPort,
                cidrs: [...list(rule.cidrBlocks), ...list(rule.ipv6CidrBlocks)],
            };
            const open = openAdminPorts(p);
            if (open.length > 0) {
                reportViolation(`security group rule ${q(args.name)} allows ${describe(p, open)}`);
            }
        }),
        validateResourceOfToken<IngressRuleProps>(T.ingressRule, (rule, args, reportViolation) => {
            const p: IngressPermission = {
                protocol: rule.ipProtocol, fromPort: rule.fromPort, toPort: rule.toPort,
                cidrs: [rule.cidrIpv4, rule.cidrIpv6].filter((c): c is string => typeof c === "string"),
            };
            const open = openAdminPorts(p);
            if (open.length > 0) {
                reportViolation(`security group ingress rule ${q(args.name)} allows ${describe(p, open)}`);
            }
        }),
    ],
};
