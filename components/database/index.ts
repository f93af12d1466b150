// The database layer (the original Terraform `database` folder: parameter group and DB
// instance), extended for pilot-light DR: prod's primary with its credentials secret, or dr's
// cross-region read replica that is promoted in place. Plus the pure helpers the stacks and the
// config checks reuse.
export { Database, DEFAULT_REPLICA_LAG_THRESHOLD_SECONDS, LOG_EXPORTS } from "./database";
export type { DatabaseArgs, DatabaseCommonArgs, DatabaseKind } from "./database";
export { DATABASE_KINDS } from "./database";
export { databaseIdentifierBase, databaseInstanceIdentifier, databaseInstanceName } from "./naming";
export { secretReplicaArn, APP_USERNAME, CREDENTIAL_TAG, MASTER_USERNAME, MYSQL_PORT, PASSWORD_SPECIALS } from "./credentials";
export type { CredentialKind } from "./credentials";
export { KEY_DELETION_WINDOW_DAYS } from "./kmsKey";
export { AppDatabaseUser, appDatabaseUserProblems, APP_USER_TIMEOUT_SECONDS } from "./appUser";
export type { AppDatabaseUserArgs } from "./appUser";
export { ENGINE_LIFECYCLE_SUPPORT, MYSQL_MAJOR_VERSION, PARAMETER_GROUP_FAMILY } from "./engine";
export {
    validateDatabaseArgs,
    MIN_BACKUP_RETENTION_DAYS, MAX_BACKUP_RETENTION_DAYS, MIN_STORAGE_GB, MAX_STORAGE_GB,
} from "./validate";
export { BackupReplication, backupReplicationName, backupReplicationProblems, MAX_REPLICATED_BACKUP_RETENTION_DAYS } from "./backupReplication";
export type { BackupReplicationArgs } from "./backupReplication";
