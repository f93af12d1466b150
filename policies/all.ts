// The whole pack, in report order: DR and HA rules first, then the well-known rules by service.
// Tests and tools import this (never ./index, which starts the policy server).
import * as fs from "fs";
import * as path from "path";
import { Policies } from "@pulumi/policy";
import { ec2RecoveryPolicies } from "./ha/ec2Recovery";
import { asgPolicies } from "./ha/asg";
import { drReplicationPolicies } from "./dr/replication";
import { drPlacementPolicies } from "./dr/placement";
import { drHardeningPolicies } from "./dr/hardening";
import { ec2InstancePolicies } from "./ec2/instances";
import { sgNoSshRdpFromInternet } from "./ec2/securityGroups";
import { sgNoAllTrafficEgressToInternet } from "./ec2/egress";
import { ebsVolumeSnapshotted } from "./ec2/volumeSnapshots";
import { secretsNotInUserData } from "./ec2/userData";
import { rdsPolicies } from "./rds/instances";
import { rdsEngineLifecyclePolicies } from "./rds/engineLifecycle";
import { lambdaPolicies } from "./lambda/runtimes";
import { s3Policies } from "./s3/buckets";
import { s3ObjectLock } from "./s3/objectLock";
import { albPolicies } from "./alb/loadBalancers";
import { albAccessLogs } from "./alb/accessLogs";
import { albWafAssociated } from "./alb/waf";
import { viewerHttps } from "./alb/viewerHttps";
import { cloudfrontVpcOrigin } from "./alb/vpcOrigin";
import { vpcFlowLogsEnabled } from "./ec2/flowLogs";
import { elasticachePolicies } from "./elasticache/replicationGroups";
import { iamNoWildcardMutatingActions } from "./iam/wildcards";
import { appUsesOwnDatabaseUser } from "./secrets/databaseCredentials";
import { databaseMasterSecretRotation } from "./secrets/rotation";

/** Every policy of the pilot-light pack. Policy names are an interface: pack config names them. */
export const allPolicies: Policies = [
    ...ec2RecoveryPolicies,
    ...asgPolicies,
    ...drReplicationPolicies,
    ...drPlacementPolicies,
    ...drHardeningPolicies,
    ...ec2InstancePolicies,
    sgNoSshRdpFromInternet,
    sgNoAllTrafficEgressToInternet,
    ebsVolumeSnapshotted,
    secretsNotInUserData,
    ...rdsPolicies,
    ...rdsEngineLifecyclePolicies,
    ...lambdaPolicies,
    ...s3Policies,
    s3ObjectLock,
    ...albPolicies,
    albAccessLogs,
    albWafAssociated,
    viewerHttps,
    cloudfrontVpcOrigin,
    vpcFlowLogsEnabled,
    ...elasticachePolicies,
    iamNoWildcardMutatingActions,
    appUsesOwnDatabaseUser,
    databaseMasterSecretRotation,
];

/** The pack's name: the analyzer quotes it in messages, and pack config files are per pack. */
export const PACK_NAME = "pilot-light-policies";

/**
 * The pack's name and version as the analyzer quotes them (`name@vversion`). The policy server
 * reads the version from package.json in its working directory, which the CLI sets to the
 * pack's folder, so it is this folder's package.json.
 */
export const ALL_POLICIES_PACK: { name: string; version: string } = {
    name: PACK_NAME,
    version: String(JSON.parse(fs.readFileSync(path.join(__dirname, "package.json"), "utf8")).version),
};
