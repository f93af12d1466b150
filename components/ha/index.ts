// HA patterns for one stateful server: see docs/ha-patterns.md for the trade-offs.
export { SINGLETON_MODES, SingletonService, singletonServiceProblems } from "./singletonService";
export type { SingletonMode, SingletonServiceArgs } from "./singletonService";
export { recoverabilityProblems, RECOVERABLE_FAMILIES, RECOVERABLE_TENANCIES } from "./recoverability";
export { RecoverableInstance } from "./recoverableInstance";
export type { RecoverableInstanceArgs } from "./recoverableInstance";
export { MultiAzSingletonAsg } from "./multiAzAsg";
export type { MultiAzSingletonAsgArgs } from "./multiAzAsg";
export { EbsState } from "./ebsState/ebsState";
export type { EbsStateArgs } from "./ebsState/ebsState";
export { StandbyFailover } from "./standby/standbyFailover";
export type { StandbyFailoverArgs } from "./standby/standbyFailover";
export { EVERY_BOOT_CLOUD_CONFIG, singletonBootScript, singletonUserData } from "./userData";
export type { SingletonUserDataOptions } from "./userData";
