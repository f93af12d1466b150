// Which provider resources the force-new table covers, and where each one's schema is declared
// in the provider's source. Adding a resource type to the stacks means adding a line here and
// regenerating (generate.ts); tests/diff/forceNewTable.test.ts fails until both are done.

/** A Terraform provider the table is read from, and the Pulumi SDK that bridges it. */
export interface ProviderSpec {
    /** The Terraform provider's repository, for the table's header. */
    repository: string;
    /** The Pulumi SDK package bridging it; its typings give the input names. */
    sdkPackage: string;
    /**
     * Renames the Pulumi bridge applies on top of camelCase and plurals, per type token and
     * Terraform attribute. Each is cited where it comes from.
     */
    renames: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** One resource type: its Terraform name, the package folder and the declaration holding its schema. */
export interface ResourceSpec {
    provider: "aws" | "random";
    terraform: string;
    /** The Go package folder, e.g. `internal/service/rds`. */
    dir: string;
    /** The function (`resourceInstance`) or method (`securityGroupRuleResource.Schema`) declaring the schema. */
    decl: string;
}

export const PROVIDERS: Readonly<Record<ResourceSpec["provider"], ProviderSpec>> = {
    aws: {
        repository: "hashicorp/terraform-provider-aws",
        sdkPackage: "@pulumi/aws",
        // pulumi/pulumi-aws provider/resources.go: `"alarm_name": tfbridge.AutoName("name", 255)`
        // on aws_cloudwatch_metric_alarm; `function_name` is `name` on aws_lambda_function and
        // `function` on aws_lambda_permission.
        renames: {
            "aws:cloudwatch/metricAlarm:MetricAlarm": { alarm_name: "name" },
            "aws:lambda/function:Function": { function_name: "name" },
            "aws:lambda/permission:Permission": { function_name: "function" },
        },
    },
    random: {
        repository: "hashicorp/terraform-provider-random",
        sdkPackage: "@pulumi/random",
        renames: {},
    },
};

const aws = (terraform: string, service: string, decl: string): ResourceSpec => ({ provider: "aws", terraform, dir: `internal/service/${service}`, decl });

/** Type token → where its schema is. Sorted by token. */
export const RESOURCES: Readonly<Record<string, ResourceSpec>> = {
    "aws:acm/certificate:Certificate": aws("aws_acm_certificate", "acm", "resourceCertificate"),
    "aws:acm/certificateValidation:CertificateValidation": aws("aws_acm_certificate_validation", "acm", "resourceCertificateValidation"),
    "aws:autoscaling/group:Group": aws("aws_autoscaling_group", "autoscaling", "resourceGroup"),
    "aws:autoscaling/lifecycleHook:LifecycleHook": aws("aws_autoscaling_lifecycle_hook", "autoscaling", "resourceLifecycleHook"),
    "aws:autoscaling/notification:Notification": aws("aws_autoscaling_notification", "autoscaling", "resourceNotification"),
    "aws:autoscaling/policy:Policy": aws("aws_autoscaling_policy", "autoscaling", "resourcePolicy"),
    "aws:cloudfront/distribution:Distribution": aws("aws_cloudfront_distribution", "cloudfront", "resourceDistribution"),
    "aws:cloudfront/vpcOrigin:VpcOrigin": aws("aws_cloudfront_vpc_origin", "cloudfront", "vpcOriginResource.Schema"),
    "aws:cloudfront/function:Function": aws("aws_cloudfront_function", "cloudfront", "resourceFunction"),
    "aws:cloudwatch/eventRule:EventRule": aws("aws_cloudwatch_event_rule", "events", "resourceRule"),
    "aws:cloudwatch/eventTarget:EventTarget": aws("aws_cloudwatch_event_target", "events", "resourceTarget"),
    "aws:cloudwatch/logGroup:LogGroup": aws("aws_cloudwatch_log_group", "logs", "resourceGroup"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": aws("aws_cloudwatch_metric_alarm", "cloudwatch", "resourceMetricAlarm"),
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": aws("aws_dlm_lifecycle_policy", "dlm", "resourceLifecyclePolicy"),
    "aws:ebs/volume:Volume": aws("aws_ebs_volume", "ec2", "resourceEBSVolume"),
    "aws:ec2/amiCopy:AmiCopy": aws("aws_ami_copy", "ec2", "resourceAMICopy"),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": aws("aws_default_security_group", "ec2", "resourceDefaultSecurityGroup"),
    "aws:ec2/eip:Eip": aws("aws_eip", "ec2", "resourceEIP"),
    "aws:ec2/eipAssociation:EipAssociation": aws("aws_eip_association", "ec2", "resourceEIPAssociation"),
    "aws:ec2/flowLog:FlowLog": aws("aws_flow_log", "ec2", "resourceFlowLog"),
    "aws:ec2/instance:Instance": aws("aws_instance", "ec2", "resourceInstance"),
    "aws:ec2/internetGateway:InternetGateway": aws("aws_internet_gateway", "ec2", "resourceInternetGateway"),
    "aws:ec2/launchTemplate:LaunchTemplate": aws("aws_launch_template", "ec2", "resourceLaunchTemplate"),
    "aws:ec2/natGateway:NatGateway": aws("aws_nat_gateway", "ec2", "resourceNATGateway"),
    "aws:ec2/route:Route": aws("aws_route", "ec2", "resourceRoute"),
    "aws:ec2/routeTable:RouteTable": aws("aws_route_table", "ec2", "resourceRouteTable"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": aws("aws_route_table_association", "ec2", "resourceRouteTableAssociation"),
    "aws:ec2/securityGroup:SecurityGroup": aws("aws_security_group", "ec2", "resourceSecurityGroup"),
    "aws:ec2/subnet:Subnet": aws("aws_subnet", "ec2", "resourceSubnet"),
    "aws:ec2/volumeAttachment:VolumeAttachment": aws("aws_volume_attachment", "ec2", "resourceVolumeAttachment"),
    "aws:ec2/vpc:Vpc": aws("aws_vpc", "ec2", "resourceVPC"),
    "aws:ec2transitgateway/instanceState:InstanceState": aws("aws_ec2_instance_state", "ec2", "resourceInstanceState"),
    "aws:elasticache/replicationGroup:ReplicationGroup": aws("aws_elasticache_replication_group", "elasticache", "resourceReplicationGroup"),
    "aws:elasticache/subnetGroup:SubnetGroup": aws("aws_elasticache_subnet_group", "elasticache", "resourceSubnetGroup"),
    "aws:iam/instanceProfile:InstanceProfile": aws("aws_iam_instance_profile", "iam", "resourceInstanceProfile"),
    "aws:iam/role:Role": aws("aws_iam_role", "iam", "resourceRole"),
    "aws:iam/rolePolicy:RolePolicy": aws("aws_iam_role_policy", "iam", "resourceRolePolicy"),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": aws("aws_iam_role_policy_attachment", "iam", "resourceRolePolicyAttachment"),
    "aws:kms/alias:Alias": aws("aws_kms_alias", "kms", "resourceAlias"),
    "aws:kms/key:Key": aws("aws_kms_key", "kms", "resourceKey"),
    "aws:lambda/function:Function": aws("aws_lambda_function", "lambda", "resourceFunction"),
    "aws:lambda/invocation:Invocation": aws("aws_lambda_invocation", "lambda", "resourceInvocation"),
    "aws:lambda/permission:Permission": aws("aws_lambda_permission", "lambda", "resourcePermission"),
    "aws:lb/listener:Listener": aws("aws_lb_listener", "elbv2", "resourceListener"),
    "aws:lb/listenerRule:ListenerRule": aws("aws_lb_listener_rule", "elbv2", "resourceListenerRule"),
    "aws:lb/loadBalancer:LoadBalancer": aws("aws_lb", "elbv2", "resourceLoadBalancer"),
    "aws:lb/targetGroup:TargetGroup": aws("aws_lb_target_group", "elbv2", "resourceTargetGroup"),
    "aws:rds/instance:Instance": aws("aws_db_instance", "rds", "resourceInstance"),
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": aws("aws_db_instance_automated_backups_replication", "rds", "resourceInstanceAutomatedBackupsReplication"),
    "aws:rds/parameterGroup:ParameterGroup": aws("aws_db_parameter_group", "rds", "resourceParameterGroup"),
    "aws:rds/subnetGroup:SubnetGroup": aws("aws_db_subnet_group", "rds", "resourceSubnetGroup"),
    "aws:route53/healthCheck:HealthCheck": aws("aws_route53_health_check", "route53", "resourceHealthCheck"),
    "aws:route53/record:Record": aws("aws_route53_record", "route53", "resourceRecord"),
    "aws:s3/bucket:Bucket": aws("aws_s3_bucket", "s3", "resourceBucket"),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": aws("aws_s3_bucket_lifecycle_configuration", "s3", "bucketLifecycleConfigurationResource.Schema"),
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": aws("aws_s3_bucket_object_lock_configuration", "s3", "resourceBucketObjectLockConfiguration"),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": aws("aws_s3_bucket_ownership_controls", "s3", "resourceBucketOwnershipControls"),
    "aws:s3/bucketPolicy:BucketPolicy": aws("aws_s3_bucket_policy", "s3", "resourceBucketPolicy"),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": aws("aws_s3_bucket_public_access_block", "s3", "resourceBucketPublicAccessBlock"),
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": aws("aws_s3_bucket_replication_configuration", "s3", "resourceBucketReplicationConfiguration"),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        aws("aws_s3_bucket_server_side_encryption_configuration", "s3", "resourceBucketServerSideEncryptionConfiguration"),
    "aws:s3/bucketVersioning:BucketVersioning": aws("aws_s3_bucket_versioning", "s3", "resourceBucketVersioning"),
    "aws:secretsmanager/secret:Secret": aws("aws_secretsmanager_secret", "secretsmanager", "resourceSecret"),
    "aws:secretsmanager/secretRotation:SecretRotation": aws("aws_secretsmanager_secret_rotation", "secretsmanager", "resourceSecretRotation"),
    "aws:secretsmanager/secretVersion:SecretVersion": aws("aws_secretsmanager_secret_version", "secretsmanager", "resourceSecretVersion"),
    "aws:ssm/parameter:Parameter": aws("aws_ssm_parameter", "ssm", "resourceParameter"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": aws("aws_vpc_security_group_egress_rule", "ec2", "securityGroupRuleResource.Schema"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": aws("aws_vpc_security_group_ingress_rule", "ec2", "securityGroupRuleResource.Schema"),
    "aws:wafv2/webAcl:WebAcl": aws("aws_wafv2_web_acl", "wafv2", "resourceWebACL"),
    "aws:wafv2/webAclAssociation:WebAclAssociation": aws("aws_wafv2_web_acl_association", "wafv2", "resourceWebACLAssociation"),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": aws("aws_wafv2_web_acl_logging_configuration", "wafv2", "resourceWebACLLoggingConfiguration"),
    // The v3 schema, the one the resource's Schema method returns.
    "random:index/randomPassword:RandomPassword": { provider: "random", terraform: "random_password", dir: "internal/provider", decl: "passwordSchemaV3" },
};
