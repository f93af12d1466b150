// The whole pack, in report order: DR and HA rules first, then the well-known rules by service.
// Tests and tools import this (never ./index, which starts the policy server).
import { Policies } from "@pulumi/policy";
import { ec2RecoveryPolicies } from "./ha/ec2Recovery";
import { asgPolicies } from "./ha/asg";
import { drReplicationPolicies } from "./dr/replication";
import { drPlacementPolicies } from "./dr/placement";
import { ec2InstancePolicies } from "./ec2/instances";
import { sgNoSshRdpFromInternet } from "./ec2/securityGroups";
import { secretsNotInUserData } from "./ec2/userData";
import { rdsPolicies } from "./rds/instances";
import { rdsEngineLifecyclePolicies } from "./rds/engineLifecycle";
import { lambdaPolicies } from "./lambda/runtimes";
import { s3Policies } from "./s3/buckets";
import { albPolicies } from "./alb/loadBalancers";
import { elasticachePolicies } from "./elasticache/replicationGroups";
import { iamNoWildcardMutatingActions } from "./iam/wildcards";

/** Every policy of the pilot-light pack. Policy names are an interface: pack config names them. */
export const allPolicies: Policies = [
    ...ec2RecoveryPolicies,
    ...asgPolicies,
    ...drReplicationPolicies,
    ...drPlacementPolicies,
    ...ec2InstancePolicies,
    sgNoSshRdpFromInternet,
    secretsNotInUserData,
    ...rdsPolicies,
    ...rdsEngineLifecyclePolicies,
    ...lambdaPolicies,
    ...s3Policies,
    ...albPolicies,
    ...elasticachePolicies,
    iamNoWildcardMutatingActions,
];
