// Well-known network rule: no security group lets every protocol and port out to the internet.
// Our singleton needs HTTPS only (components/ha/common.ts); an all-traffic egress rule lets a
// compromised instance exfiltrate over any port and protocol. Checkov passes a
// `aws_vpc_security_group_egress_rule` with protocol -1 when it has no ports, so the pack
// checks the protocol itself.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { validateResourceOfToken } from "../lib/ofType";
import { q, T } from "../lib/resources";

/** What the policy reads of an aws.ec2.SecurityGroup's inputs. */
interface SecurityGroupProps {
    egress?: { protocol?: string; cidrBlocks?: string[]; ipv6CidrBlocks?: string[] }[];
}

/** What the policy reads of an aws.ec2.SecurityGroupRule's inputs. */
interface SecurityGroupRuleProps {
    type?: string;
    protocol?: string;
    cidrBlocks?: string[];
    ipv6CidrBlocks?: string[];
}

/** What the policy reads of an aws.vpc.SecurityGroupEgressRule's inputs. */
interface EgressRuleProps {
    ipProtocol?: string;
    cidrIpv4?: string;
    cidrIpv6?: string;
}

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

/** True when `protocol` means every protocol (`-1`, or `all` as AWS also spells it). */
export function allProtocols(protocol: unknown): boolean {
    return ["-1", "all"].includes(String(protocol).toLowerCase());
}

function openCidrs(...lists: unknown[]): string[] {
    return lists.flatMap((l) => (Array.isArray(l) ? l : [l])).filter((c): c is string => typeof c === "string" && OPEN_CIDRS.includes(c));
}

const advice = "name the protocol and ports it needs (e.g. tcp 443)";

export const sgNoAllTrafficEgressToInternet: ResourceValidationPolicy = {
    name: "sg-no-all-traffic-egress-to-internet",
    description: "No security group egress allows every protocol to 0.0.0.0/0 or ::/0 (Checkov CKV_AWS_382, "
        + "Trivy AVD-AWS-0104 aws-ec2-no-public-egress-sgr, which is stricter: any egress to the internet).",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfToken<SecurityGroupProps>(T.securityGroup, (sg, args, reportViolation) => {
            for (const rule of sg.egress ?? []) {
                const open = openCidrs(rule.cidrBlocks, rule.ipv6CidrBlocks);
                if (allProtocols(rule.protocol) && open.length > 0) {
                    reportViolation(`security group ${q(args.name)} allows all traffic out to ${open.join(", ")}; ${advice}`);
                }
            }
        }),
        validateResourceOfToken<SecurityGroupRuleProps>(T.securityGroupRule, (rule, args, reportViolation) => {
            const open = openCidrs(rule.cidrBlocks, rule.ipv6CidrBlocks);
            if (rule.type === "egress" && allProtocols(rule.protocol) && open.length > 0) {
                reportViolation(`security group rule ${q(args.name)} allows all traffic out to ${open.join(", ")}; ${advice}`);
            }
        }),
        validateResourceOfToken<EgressRuleProps>(T.egressRule, (rule, args, reportViolation) => {
            const open = openCidrs(rule.cidrIpv4, rule.cidrIpv6);
            if (allProtocols(rule.ipProtocol) && open.length > 0) {
                reportViolation(`security group egress rule ${q(args.name)} allows all traffic out to ${open.join(", ")}; ${advice}`);
            }
        }),
    ],
};
