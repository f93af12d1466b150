// The logs layer: the region's log bucket (ALB access logs, VPC flow logs) and the VPC flow log.
export * from "./bucket";
export * from "./flowLogs";
