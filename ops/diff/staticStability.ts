// The static-stability invariant of a dr promotion: `pulumi up` of the promoted dr stack must
// need no control plane outside dr's region. During a regional outage of prod's region, only
// data planes elsewhere (DNS answers, health checks, IAM's authorization) and dr's own regional
// APIs can be counted on; a promotion that creates an IAM role or a Route 53 record needs the
// control plane in the partition's home region (us-east-1 in `aws`), which may be the region that
// failed. So whatever promotion needs from there is made in standby (components/app/standby.ts),
// and this check, run over the promotion diff, proves it. Only changes count: what standby
// already created, and keeps unchanged, needs nothing at promotion.
// https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html
import type { RecordedResource } from "../offline/engine";
import type { StackPlan } from "../offline/planner";
import { ControlPlane, controlPlaneOf, StackRegions } from "./controlPlanes";
import type { ChangeOp, ResourceChange } from "./diff";

/** One change of a promotion that needs a control plane outside the promoted stack's region. */
export interface StaticStabilityProblem {
    urn: string;
    type: string;
    op: ChangeOp;
    /** The AWS service (type token module) or package. */
    service: string;
    /** `global` (a global service's home), `peer-region` or `other-region`. */
    controlPlane: ControlPlane["kind"];
    /** The region whose control plane is needed; null when it is not known (never counted as dr's). */
    region: string | null;
    /** The problem in words, naming the resource, the service and the region. */
    message: string;
}

/** The regions of `after` (the promoted plan): its own, and its peer's as the peer plan saw it. */
export function stackRegions(before: StackPlan, after: StackPlan): StackRegions {
    const peerStack = after.settings?.peerStack.split("/").pop();
    const peer = after.peers.find((p) => p.stack === peerStack);
    return { region: after.region, peerRegion: peer?.config["aws:region"], resources: [...after.resources, ...before.resources] };
}

const WHERE: Record<string, string> = {
    "global": "the global service's control plane",
    "peer-region": "the peer stack's region",
    "other-region": "another region",
};

/**
 * Every change in `changes` that needs a control plane outside `where.region`; empty when the
 * promotion needs dr's regional APIs only. `resources` must hold each changed resource (the
 * promoted plan's, and the standby plan's for deletes).
 */
export function staticStabilityProblems(changes: readonly ResourceChange[], where: StackRegions): StaticStabilityProblem[] {
    const byUrn = new Map<string, RecordedResource>();
    for (const r of where.resources) if (!byUrn.has(r.urn)) byUrn.set(r.urn, r);
    const problems: StaticStabilityProblem[] = [];
    for (const c of changes) {
        const r = byUrn.get(c.urn);
        if (!r) throw new Error(`staticStabilityProblems: ${c.urn} is in the diff but in neither plan`);
        const plane = controlPlaneOf(r, where);
        // A global service whose home is dr's own region (Route 53 in aws-cn, for dr in cn-northwest-1) is fine.
        if (plane.kind === "none" || plane.region === where.region) continue;
        const region = plane.region ?? null;
        const at = region === null ? `whose region in this partition is not known (counted as outside ${where.region})` : `in ${region}`;
        problems.push({
            urn: c.urn, type: c.type, op: c.op, service: plane.service, controlPlane: plane.kind, region,
            message: `${c.op.toUpperCase()} of ${c.type} "${c.name}" at promotion needs ${WHERE[plane.kind]} (${plane.service}) ${at}, `
                + `not ${where.region}; create it in standby so that failover does not depend on it.`,
        });
    }
    return problems;
}
