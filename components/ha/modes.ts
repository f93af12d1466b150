// The HA patterns of the stateful singleton, on their own so that the config schema can list
// them without loading the components (docs/ha-patterns.md describes each).
export type SingletonMode = "recoverable-instance" | "multi-az-asg" | "multi-az-asg-ebs" | "standby-failover";

/** Every SingletonMode, in the order the docs present them. */
export const SINGLETON_MODES: readonly SingletonMode[] = Object.freeze(
    ["recoverable-instance", "multi-az-asg", "multi-az-asg-ebs", "standby-failover"] as const);
