// The AWS regions a stack may be deployed to. Config validation rejects anything else, so a
// typo such as `us-east1` fails before anything is planned instead of half-way through a
// deploy. Source: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
// (commercial, China and GovCloud partitions). Add a region here when AWS opens one.
export const AWS_REGIONS: readonly string[] = [
    "af-south-1",
    "ap-east-1", "ap-east-2",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
    "ca-central-1", "ca-west-1",
    "eu-central-1", "eu-central-2",
    "eu-north-1",
    "eu-south-1", "eu-south-2",
    "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1",
    "me-central-1", "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1", "us-east-2",
    "us-west-1", "us-west-2",
    "cn-north-1", "cn-northwest-1",
    "us-gov-east-1", "us-gov-west-1",
];

/** The partition of a region: cross-region replication only works inside one partition. */
export function partitionOf(region: string): "aws" | "aws-cn" | "aws-us-gov" {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/** True if `region` is a string naming one of AWS_REGIONS: the one region check of the project. */
export function isAwsRegion(region: unknown): region is string {
    return typeof region === "string" && AWS_REGIONS.includes(region);
}
