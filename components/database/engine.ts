// The engine every pilot-light database runs, and how RDS treats it once its version leaves
// standard support. One place, so the primary, its parameter group and the dr replica's agree.

/**
 * MySQL 8.4, the LTS release: in RDS standard support until 2029-07-31 (8.0's ended on
 * 2026-07-31, so a new 8.0 instance is born in paid Extended Support). The pack's
 * rds-engine-standard-support policy fails a version outside standard support, with the dates
 * in policies/lib/rdsEngineVersions.ts.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/MySQL.Concepts.VersionMgmt.html
 */
export const MYSQL_MAJOR_VERSION = "8.4";

/** The parameter group family of MYSQL_MAJOR_VERSION; a replica's group must match its source's version. */
export const PARAMETER_GROUP_FAMILY = `mysql${MYSQL_MAJOR_VERSION}`;

/**
 * Set explicitly on every instance (the API default is the same value). Valid values:
 * `open-source-rds-extended-support` or `open-source-rds-extended-support-disabled`.
 *
 * Enabled, because this is a DR pair: after the end of standard support an enabled database
 * keeps running, is billed for Extended Support (the cost estimate shows the charge, the pack
 * warns 180 days ahead and then fails), and can still be created and restored from a snapshot.
 * Disabled, RDS would upgrade the major version of both databases on its own schedule and refuse
 * to create or restore the old version, in the middle of a failover if the dates fall that way.
 *
 * The same value on the replica: CreateDBInstanceReadReplica takes no EngineLifecycleSupport (a
 * replica inherits its source's), and ModifyDBInstance cannot change it ("You can't update your
 * RDS Extended Support enrollment status on existing DB instances unless you are restoring
 * them"), so any other value would be a diff the provider tries, and fails, to apply
 * (hashicorp/terraform-provider-aws#44552). It is the same standby and promoted, so promotion
 * does not touch it.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support-creating-db-instance.html
 */
export const ENGINE_LIFECYCLE_SUPPORT = "open-source-rds-extended-support";
