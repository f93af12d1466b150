// The media layer: the per-region media bucket and prod-to-dr replication.
export * from "./bucket";
export * from "./replication";
export {
    bucketArnProblems, bucketNameProblems, noncurrentDaysProblems, storageClassProblems,
    NONCURRENT_DAYS_MAX, NONCURRENT_DAYS_MIN, REPLICA_STORAGE_CLASSES,
    OBJECT_LOCK_DAYS_MAX, OBJECT_LOCK_DAYS_MIN, OBJECT_LOCK_MODES, objectLockProblems,
} from "./validate";
export type { ObjectLockMode } from "./validate";
