// The app layer (the original Terraform `app` folder): NAT egress, Redis, the ALB and the
// app servers, composed by AppTier. prod always has it; dr creates it only when promoted.
export { AppTier, appTierProblems } from "./appTier";
export type { AppNetwork, AppTierArgs } from "./appTier";
export { RedisCache } from "./cache";
export { MANAGED_POLICIES, ORIGIN_HEADER_NAME, OriginCdn, originCdnProblems, originSecret, STATIC_PATHS } from "./cdn";
export type { OriginCdnArgs } from "./cdn";
export type { RedisCacheArgs } from "./cache";
export { TLS_POLICY, WebLoadBalancer } from "./loadBalancer";
export type { WebLoadBalancerArgs } from "./loadBalancer";
export { NatEgress } from "./nat";
export type { NatEgressArgs } from "./nat";
export { AppServers } from "./servers";
export type { AppServersArgs } from "./servers";
export { appSecret, cacheAuthToken, regenerableSecret } from "./secrets";
export type { CacheAuth } from "./secrets";
export { createServerIdentity } from "./identity";
export type { ServerIdentity, ServerPermissions } from "./identity";
export { validatedCertificate } from "./certificate";
export { AppStandby, appStandbyProblems } from "./standby";
export { cacheEndpointParameter, cacheEndpointParameterArn, cacheEndpointParameterName, cacheEndpointParameterProblems } from "./cacheEndpoint";
export type { AppStandbyArgs, StandbyParts } from "./standby";
export {
    APP_CONFIG_PATH, APP_TARGET_HEALTH, DEEP_CHECK_PATH, encodeUserData, HEALTH_CHECK_PATH, REDIS_PORT, renderUserData, shellQuote, userDataProblems,
} from "./userData";
export type { UserDataConfig } from "./userData";
