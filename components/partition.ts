// What differs between AWS partitions for the names this project writes into policies and
// endpoints: the DNS suffix of service endpoints, and IAM service principals. ARNs never need it
// here: components build them from `aws.getPartitionOutput()`, the provider's own answer.
//
// The China regions (partition aws-cn) serve endpoints under amazonaws.com.cn, but most service
// principals stay `<service>.amazonaws.com` there; only a few services use the .cn suffix.
// Sources: https://docs.amazonaws.cn/en_us/general/latest/gr/endpoints-Beijing.html (endpoint
// domain amazonaws.com.cn); the AWS CDK's region-info facts, which the Terraform AWS provider
// ports as servicePrincipalNameForPartition (internal/service/meta/service_principal_data_source.go):
// in aws-cn, codedeploy, elasticmapreduce and logs are `<service>.amazonaws.com.cn`, every other
// service `<service>.amazonaws.com`.

/** The partitions this project deploys to. */
export type Partition = "aws" | "aws-cn" | "aws-us-gov";

/** The DNS suffix of service endpoints in a partition. */
export function dnsSuffix(partition: Partition): string {
    return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

/** Services whose principal ends in the partition's DNS suffix in aws-cn (see the header). */
const CN_SUFFIXED_SERVICES = ["codedeploy", "elasticmapreduce", "logs"] as const;

/**
 * The services this project names as IAM principals: their principal is `<service>.amazonaws.com`
 * in every partition it deploys to. A service is added here only after checking it is not one
 * of CN_SUFFIXED_SERVICES; those need the partition, see servicePrincipalIn.
 */
export type PartitionIndependentService = "ec2" | "lambda" | "events" | "dlm" | "s3" | "monitoring.rds" | "secretsmanager";

/** The IAM service principal of a service whose principal is the same in every partition. */
export function servicePrincipal(service: PartitionIndependentService): string {
    return `${service}.amazonaws.com`;
}

/** The IAM service principal of any service in a partition. */
export function servicePrincipalIn(service: string, partition: Partition): string {
    const cn = partition === "aws-cn" && (CN_SUFFIXED_SERVICES as readonly string[]).includes(service);
    return `${service}.${cn ? dnsSuffix(partition) : "amazonaws.com"}`;
}

/**
 * The region Route 53's API (its control plane, one per partition) is addressed and signed in.
 * "Route 53 in AWS Regions other than the Beijing and Ningxia Regions: specify us-east-1 as the
 * Region. Route 53 in the Beijing and Ningxia Regions: specify cn-northwest-1."
 * (https://docs.aws.amazon.com/general/latest/gr/r53.html; endpoint route53.amazonaws.com.cn).
 * GovCloud: the SDK's own endpoint rules (@aws-sdk/client-route-53 3.1169.0) sign
 * route53.us-gov.amazonaws.com in us-gov-west-1, as they sign route53.amazonaws.com in us-east-1
 * and route53.amazonaws.com.cn in cn-northwest-1.
 */
export function route53ApiRegion(partition: Partition): string {
    switch (partition) {
        case "aws": return "us-east-1";
        case "aws-cn": return "cn-northwest-1";
        case "aws-us-gov": return "us-gov-west-1";
    }
}
