// Which input changes make the AWS provider replace a resource instead of updating it, for the
// resource types this project creates. @pulumi/aws is bridged from the Terraform AWS provider,
// so these are the attributes its schema marks ForceNew (RequiresReplace in the plugin
// framework), which the provider docs list as "Forces new resource":
// https://registry.terraform.io/providers/hashicorp/aws/latest/docs and
// https://www.pulumi.com/registry/packages/aws/api-docs/ (one page per type below).
//
// The table is deliberately explicit: a type the diff does not know fails the test that
// plans every stack (tests/diff/diff.test.ts), so a new resource type cannot slip into the
// promotion diff without someone deciding which of its inputs force replacement.

/** Inputs that force replacement on every resource of @pulumi/aws v7: the per-resource region. */
export const FORCE_NEW_EVERYWHERE = ["region"];

/** Type token → inputs whose change replaces the resource. */
export const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
    // Data. An RDS instance is replaced when its name, engine, encryption, key, AZ or creation
    // source changes; `replicateSourceDb` is NOT force-new (removing it promotes in place).
    "aws:rds/instance:Instance": [
        "identifier", "identifierPrefix", "engine", "storageEncrypted", "kmsKeyId", "availabilityZone",
        "username", "dbName", "characterSetName", "ncharCharacterSetName", "timezone",
        "snapshotIdentifier", "restoreToPointInTime", "s3Import", "customIamInstanceProfile",
    ],
    "aws:rds/parameterGroup:ParameterGroup": ["name", "namePrefix", "family", "description"],
    "aws:rds/subnetGroup:SubnetGroup": ["name", "namePrefix"],
    "aws:kms/key:Key": ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"],
    "aws:kms/alias:Alias": ["name", "namePrefix"],
    "aws:secretsmanager/secret:Secret": ["name", "namePrefix"],
    // A new value is a new version of the same secret, not a new secret.
    "aws:secretsmanager/secretVersion:SecretVersion": ["secretId"],
    // The engine's builtin: a new input is an update that keeps the stashed output; only a
    // replace (`pulumi up --replace <urn>`) stashes the new input (pulumi/pulumi builtins.go).
    "pulumi:index:Stash": [],
    "random:index/randomPassword:RandomPassword": [
        "length", "lower", "upper", "numeric", "special", "minLower", "minUpper", "minNumeric", "minSpecial",
        "overrideSpecial", "keepers",
    ],
    "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"],
    "aws:s3/bucketVersioning:BucketVersioning": ["bucket", "expectedBucketOwner"],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ["bucket", "expectedBucketOwner"],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ["bucket"],
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["bucket"],
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ["bucket", "expectedBucketOwner"],
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": ["bucket"],
    "aws:ebs/volume:Volume": ["availabilityZone", "encrypted", "kmsKeyId", "snapshotId", "outpostArn"],
    "aws:ec2/volumeAttachment:VolumeAttachment": ["deviceName", "instanceId", "volumeId"],
    "aws:ec2/amiCopy:AmiCopy": ["name", "sourceAmiId", "sourceAmiRegion", "encrypted", "kmsKeyId", "destinationOutpostArn"],

    // Network.
    "aws:ec2/vpc:Vpc": ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
    "aws:ec2/subnet:Subnet": ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "outpostArn"],
    "aws:ec2/internetGateway:InternetGateway": [],
    "aws:ec2/routeTable:RouteTable": ["vpcId"],
    "aws:ec2/route:Route": ["routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"],
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ["subnetId", "gatewayId"],
    "aws:ec2/natGateway:NatGateway": ["allocationId", "subnetId", "connectivityType", "privateIp"],
    "aws:ec2/eip:Eip": ["domain", "customerOwnedIpv4Pool", "publicIpv4Pool", "networkBorderGroup", "address"],
    "aws:ec2/eipAssociation:EipAssociation": ["allocationId", "instanceId", "networkInterfaceId", "privateIpAddress", "publicIp", "allowReassociation"],
    "aws:ec2/securityGroup:SecurityGroup": ["name", "namePrefix", "description", "vpcId"],
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ["vpcId"],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["securityGroupId"],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["securityGroupId"],
    "aws:elasticache/subnetGroup:SubnetGroup": ["name"],

    // App.
    "aws:elasticache/replicationGroup:ReplicationGroup": [
        "replicationGroupId", "atRestEncryptionEnabled", "kmsKeyId", "port", "subnetGroupName",
        "snapshotArns", "snapshotName", "preferredCacheClusterAzs", "dataTieringEnabled", "networkType",
    ],
    "aws:lb/loadBalancer:LoadBalancer": ["name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"],
    "aws:lb/targetGroup:TargetGroup": ["name", "namePrefix", "port", "protocol", "protocolVersion", "vpcId", "targetType", "ipAddressType"],
    "aws:lb/listener:Listener": ["loadBalancerArn"],
    "aws:acm/certificate:Certificate": ["domainName", "subjectAlternativeNames", "keyAlgorithm", "certificateAuthorityArn"],
    "aws:acm/certificateValidation:CertificateValidation": ["certificateArn", "validationRecordFqdns"],
    "aws:ec2/launchTemplate:LaunchTemplate": ["name", "namePrefix"],
    "aws:autoscaling/group:Group": ["name", "namePrefix"],
    "aws:autoscaling/policy:Policy": ["name", "autoscalingGroupName"],
    "aws:autoscaling/lifecycleHook:LifecycleHook": ["name", "autoscalingGroupName"],
    "aws:ec2/instance:Instance": [
        "ami", "availabilityZone", "subnetId", "keyName", "privateIp", "associatePublicIpAddress",
        "tenancy", "hostId", "placementGroup", "ipv6AddressCount", "ipv6Addresses", "networkInterfaces",
        "cpuOptions", "ebsBlockDevices", "ephemeralBlockDevices", "launchTemplate",
    ],
    "aws:ec2transitgateway/instanceState:InstanceState": ["instanceId"],
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": [],
    "aws:route53/record:Record": ["zoneId", "name", "setIdentifier"],
    "aws:route53/healthCheck:HealthCheck": ["type", "requestInterval", "measureLatency", "referenceName", "routingControlArn"],

    // Identity, events and functions.
    "aws:iam/role:Role": ["name", "namePrefix", "path"],
    "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
    "aws:iam/instanceProfile:InstanceProfile": ["name", "namePrefix", "path"],
    "aws:lambda/function:Function": ["name", "packageType"],
    "aws:lambda/permission:Permission": [
        "action", "function", "principal", "sourceArn", "sourceAccount", "statementId", "statementIdPrefix", "qualifier",
        "eventSourceToken", "functionUrlAuthType", "principalOrgId",
    ],
    "aws:cloudwatch/metricAlarm:MetricAlarm": ["name"],
    "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix", "logGroupClass"],
    "aws:cloudwatch/eventRule:EventRule": ["name", "namePrefix", "eventBusName"],
    "aws:cloudwatch/eventTarget:EventTarget": ["rule", "targetId", "eventBusName"],
};

/**
 * Resource types that hold data: replacing or deleting one loses it. The promotion diff fails
 * on either, naming the resource, unless a delete is an explicit, retained retirement.
 */
export const DATA_TYPES: ReadonlySet<string> = new Set([
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret",
    "aws:ebs/volume:Volume",
]);
