// In-region HA for the web tier: the Auto Scaling group spreads over availability zones,
// replaces instances the load balancer marks unhealthy and launches from a launch template.
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { validateResourceOfToken } from "../lib/ofType";
import { q, T } from "../lib/resources";

/** The distinct AZs an ASG spans, and whether every subnet could be resolved to its AZ. */
export function asgZones(asg: PolicyResource): { zones: string[]; subnets: number; allResolved: boolean } {
    const ids: unknown[] = Array.isArray(asg.props.vpcZoneIdentifiers) ? asg.props.vpcZoneIdentifiers : [];
    if (ids.length > 0) {
        const subnets = (asg.propertyDependencies.vpcZoneIdentifiers ?? []).filter((d) => d.type === T.subnet);
        const zones = subnets.map((s) => s.props.availabilityZone ?? s.props.availabilityZoneId).filter((z) => typeof z === "string");
        return { zones: [...new Set<string>(zones)].sort(), subnets: ids.length, allResolved: zones.length === ids.length };
    }
    const azs: unknown[] = Array.isArray(asg.props.availabilityZones) ? asg.props.availabilityZones : [];
    const zones = [...new Set(azs.filter((z): z is string => typeof z === "string"))].sort();
    return { zones, subnets: 0, allResolved: true };
}

export const asgMultiAz: StackValidationPolicy = {
    name: "asg-multi-az",
    description: "An Auto Scaling group spans subnets in at least two distinct availability zones "
        + "(AWS Config autoscaling-multiple-az).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            minimumZones: { type: "integer", minimum: 1, default: 2, description: "The fewest distinct AZs an ASG may span." },
        },
    },
    validateStack: (args, reportViolation) => {
        const { minimumZones } = args.getConfig<{ minimumZones: number }>();
        for (const asg of args.resources.filter((r) => r.type === T.asg)) {
            const { zones, subnets, allResolved } = asgZones(asg);
            if (subnets > 0 && subnets < minimumZones) {
                reportViolation(`auto scaling group ${q(asg.name)} has ${subnets} subnet(s) in vpcZoneIdentifiers; `
                    + `give it subnets in at least ${minimumZones} availability zones`, asg.urn);
            } else if (allResolved && zones.length < minimumZones) {
                reportViolation(`auto scaling group ${q(asg.name)} spans ${zones.length} availability zone(s)`
                    + `${zones.length ? ` (${zones.join(", ")})` : ""}; spread it over at least ${minimumZones}`, asg.urn);
            }
        }
    },
};

/** What the resource policies read of an aws.autoscaling.Group's inputs. */
interface GroupProps {
    targetGroupArns?: string[];
    loadBalancers?: string[];
    healthCheckType?: string;
    launchConfiguration?: string;
}

export const asgElbHealthCheck: ResourceValidationPolicy = {
    name: "asg-elb-health-check",
    description: "An Auto Scaling group behind a load balancer uses the ELB health check, so instances the load "
        + "balancer marks unhealthy are replaced (AWS Config autoscaling-group-elb-healthcheck-required, Checkov CKV_AWS_153).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfToken<GroupProps>(T.asg, (asg, args, reportViolation) => {
        const targetGroups: unknown[] = Array.isArray(asg.targetGroupArns) ? asg.targetGroupArns : [];
        const loadBalancers: unknown[] = Array.isArray(asg.loadBalancers) ? asg.loadBalancers : [];
        if ((targetGroups.length > 0 || loadBalancers.length > 0) && asg.healthCheckType !== "ELB") {
            reportViolation(`auto scaling group ${q(args.name)} is attached to a load balancer but uses healthCheckType `
                + `"${asg.healthCheckType ?? "EC2"}"; set it to "ELB"`);
        }
    }),
};

export const asgLaunchTemplate: ResourceValidationPolicy = {
    name: "asg-launch-template",
    description: "Auto Scaling groups launch from a launch template, not a launch configuration, which AWS no longer "
        + "updates for new instance types (AWS Config autoscaling-launch-template, Checkov CKV_AWS_315).",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfToken<GroupProps>(T.asg, (asg, args, reportViolation) => {
            if (asg.launchConfiguration) {
                reportViolation(`auto scaling group ${q(args.name)} uses a launch configuration; use launchTemplate instead`);
            }
        }),
        validateResourceOfToken<unknown>(T.launchConfiguration, (_lc, args, reportViolation) => {
            reportViolation(`launch configuration ${q(args.name)}: launch configurations are deprecated; use an aws.ec2.LaunchTemplate`);
        }),
    ],
};

/** The Auto Scaling policies. */
export const asgPolicies = [asgMultiAz, asgElbHealthCheck, asgLaunchTemplate];
