// The basic layer (the original Terraform `basic` folder): the VPC, subnets, route tables,
// security groups and the RDS/ElastiCache subnet groups, plus the pure CIDR helpers the
// config checks reuse.
export { Network } from "./network";
export type { NetworkArgs } from "./network";
export {
    planSubnets, cidrsOverlap, parseCidr, formatCidr, validateNetworkInputs,
    MIN_VPC_PREFIX, MAX_VPC_PREFIX, MAX_SUBNET_PREFIX, MIN_AZS, MAX_AZS,
} from "./subnetPlan";
export type { SubnetPlanEntry } from "./subnetPlan";
export { SECURITY_GROUP_RULES, ANY_IPV4, CLOUDFRONT_ORIGIN_FACING, ruleResourceName, securityGroupRules } from "./securityGroups";
export type { AlbViewers, RuleSpec, Tier } from "./securityGroups";
