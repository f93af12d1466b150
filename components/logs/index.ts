// The logs layer: the region's log bucket (ALB access logs).
export * from "./bucket";
