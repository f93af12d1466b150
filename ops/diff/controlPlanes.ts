// Which control plane each change of a plan needs: the resource's own region, another region
// (the peer stack's, say, through an explicit provider or a per-resource `region`), or the home
// region of a global service, whose control plane exists once per partition. ./staticStability.ts
// fails a dr promotion that needs any control plane outside dr's region.
//
// Sources for the home regions (checked 2026-12):
// - AWS Fault Isolation Boundaries whitepaper, "Global services": in the `aws` partition IAM,
//   Organizations and Account Management have their control plane in us-east-1, Application
//   Recovery Controller and Network Manager in us-west-2; Route 53 (records, zones, health checks)
//   and CloudFront run their control planes in us-east-1 with data planes at the edge; the
//   "Partitional services best practices" section covers Global Accelerator, Shield Advanced and
//   WAF for CloudFront as well.
//   https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html
//   https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitional-services-best-practices.html
// - The whitepaper says aws-cn and aws-us-gov have their own control planes but does not name
//   their regions. China: "all China Regions have one IAM control plane, in the China (Beijing)
//   Region" (https://docs.amazonaws.cn/aws/latest/userguide/iam.html, "IAM control plane"), so
//   cn-north-1; Route 53's API is addressed and signed in cn-northwest-1 (components/partition.ts
//   route53ApiRegion, from AWS's Route 53 endpoints page). GovCloud: Route 53 in us-gov-west-1 (the
//   SDK's endpoint rules, same function); IAM's GovCloud home is not confirmed by a source read
//   here, so it counts as unknown, which is never dr's region: unknown fails safe.
// A partition or service without a confirmed home region is `region: undefined`.
import { Partition, route53ApiRegion } from "../../components/partition";
import { partitionOf } from "../../components/regions";
import type { RecordedResource } from "../offline/engine";

/** How a change reaches its control plane. */
export type ControlPlaneKind = "own-region" | "peer-region" | "other-region" | "global" | "none";

export interface ControlPlane {
    kind: ControlPlaneKind;
    /** The AWS service (the type token's module, e.g. `iam`, `route53`, `ec2`); the package for non-AWS types. */
    service: string;
    /** The region whose control plane the change needs; undefined for `none`, or when the home region is not known. */
    region?: string;
}

/** Packages whose resources make no cloud call: random values and the engine's own builtins. */
const LOCAL_PACKAGES = new Set(["random", "tls", "pulumi"]);

/** Global services' home regions per partition (see the header for the sources). Missing: not known. */
const HOMES: Record<string, Partial<Record<Partition, string>>> = {
    iam: { "aws": "us-east-1", "aws-cn": "cn-north-1" },
    route53: { "aws": route53ApiRegion("aws"), "aws-cn": route53ApiRegion("aws-cn"), "aws-us-gov": route53ApiRegion("aws-us-gov") },
    route53domains: { aws: "us-east-1" },
    cloudfront: { aws: "us-east-1" },
    organizations: { aws: "us-east-1" },
    account: { aws: "us-east-1" },
    shield: { aws: "us-east-1" },
    waf: { aws: "us-east-1" },
    globalaccelerator: { aws: "us-west-2" },
    networkmanager: { aws: "us-west-2" },
    route53recoverycontrolconfig: { aws: "us-west-2" },
    route53recoveryreadiness: { aws: "us-west-2" },
};

/** The global service a resource belongs to, or undefined for a regional one. */
function globalService(r: RecordedResource, module: string): string | undefined {
    // Route 53 Resolver is regional (it lives in a VPC); the rest of the module is Route 53's API.
    if (module === "route53" && /^route53\/resolver/.test(r.type.split(":")[1])) return undefined;
    // WAFv2 is regional except for web ACLs scoped to CloudFront, which live in us-east-1.
    if (module === "wafv2") return r.inputs?.scope === "CLOUDFRONT" ? "waf" : undefined;
    return module in HOMES ? module : undefined;
}

/** The region an AWS resource is managed in: its own `region` input, its explicit provider's, or the stack's. */
function resourceRegion(r: RecordedResource, resources: readonly RecordedResource[], stackRegion: string): string {
    if (typeof r.inputs?.region === "string" && r.inputs.region !== "") return r.inputs.region;
    if (r.provider) {
        const provider = resources.find((p) => r.provider!.startsWith(`${p.urn}::`));
        const region = provider?.inputs?.region;
        if (typeof region === "string" && region !== "") return region;
    }
    return stackRegion;
}

/** Where a stack is, for classifying its changes. */
export interface StackRegions {
    /** The stack's own region (dr's). */
    region: string;
    /** The peer stack's region, if known. */
    peerRegion?: string;
    /** Every resource of the plans involved, to find explicit providers. */
    resources: readonly RecordedResource[];
}

/** The control plane a change to `r` needs. */
export function controlPlaneOf(r: RecordedResource, where: StackRegions): ControlPlane {
    const [pkg, mod = ""] = r.type.split(":");
    const module = mod.split("/")[0];
    if (LOCAL_PACKAGES.has(pkg)) return { kind: "none", service: pkg };
    if (pkg !== "aws") return { kind: "other-region", service: pkg };
    const global = globalService(r, module);
    if (global !== undefined) return { kind: "global", service: global, region: HOMES[global][partitionOf(where.region)] };
    const region = resourceRegion(r, where.resources, where.region);
    const kind: ControlPlaneKind = region === where.region ? "own-region" : region === where.peerRegion ? "peer-region" : "other-region";
    return { kind, service: module, region };
}
