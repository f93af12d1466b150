// The critical path of a change to a stack: the longest chain of dependent creates and updates
// `pulumi up` runs, with each resource's duration from ./resilienceAssumptions.ts. A region
// failure's RTO (./resilience.ts) includes the promotion's.
import type { ResourceChange } from "../diff";
import type { StackPlan } from "../offline/planner";
import { CREATE_DURATIONS, lookup, RESILIENCE_ASSUMPTIONS, ResilienceAssumption, roundMinutes, TypeDuration } from "./resilienceAssumptions";

/** One resource on the critical path. */
export interface CriticalPathStep {
    urn: string;
    type: string;
    name: string;
    op: ResourceChange["op"];
    /** When it starts, in minutes after the first change. */
    startMinutes: number;
    /** Minutes until its dependents may start. */
    blockingMinutes: number;
    /** Minutes after that until it serves (0 for most types). */
    tailMinutes: number;
    /** The assumption ids behind its duration. */
    basis: string[];
}

/** The longest chain of dependent changes in the promotion. */
export interface CriticalPath {
    /** First to last; the last step's tail ends the chain. */
    steps: CriticalPathStep[];
    /** Minutes from the first change until the last step serves. */
    minutes: number;
    /** Types that had no entry in CREATE_DURATIONS and used `unlisted-type`, sorted. */
    defaultedTypes: string[];
}

/** The duration of one change: a promotion for an RDS update that drops its replication source. */
function changeDuration(change: ResourceChange): TypeDuration & { defaulted: boolean } {
    if (change.op === "update" || change.op === "replace") {
        if (change.type === "aws:rds/instance:Instance" && change.diff.includes("replicateSourceDb")) {
            return { blocking: ["rds-replica-promotion"], defaulted: false };
        }
        if (change.op === "update") return { blocking: ["api-resource"], defaulted: false };
    }
    const known = CREATE_DURATIONS[change.type];
    return known ? { ...known, defaulted: false } : { blocking: ["unlisted-type"], defaulted: true };
}

/**
 * The types whose changes users wait for before the site serves: the fleet (its instances booted
 * and healthy in the target group), the load balancer with its target group and listeners, and
 * DNS. What only feeds something else (a launch template, routes) is on the path when one of
 * these depends on it; what nothing here depends on (the cache, whose endpoint the servers read
 * at run time, components/app/cacheEndpoint.ts; scaling policies; alarms) is not.
 */
export const SERVING_TYPES: readonly string[] = Object.freeze([
    "aws:autoscaling/group:Group", "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener",
    "aws:route53/record:Record", "aws:acm/certificateValidation:CertificateValidation",
]);

/** A change the site waits for to serve: one of SERVING_TYPES. */
export function servesUsers(change: ResourceChange): boolean {
    return SERVING_TYPES.includes(change.type);
}

/**
 * The longest chain of dependent creates/updates/replaces in `changes`, using the dependencies
 * `after` recorded (only among the changed resources: unchanged ones already exist). Ties go to
 * the resource registered first, so the answer is stable. `endsAt` limits the changes a chain
 * may end with (servesUsers: the path to serving); defaults to any (the whole promotion). With
 * no change it accepts, the path is empty (0 min).
 */
export function criticalPath(changes: ResourceChange[], after: StackPlan,
    assumptions: readonly ResilienceAssumption[] = RESILIENCE_ASSUMPTIONS,
    endsAt: (change: ResourceChange) => boolean = () => true): CriticalPath {
    const minutes = lookup(assumptions);
    const sum = (ids: string[] = []) => ids.reduce((s, id) => s + minutes(id), 0);
    const active = changes.filter((c) => c.op !== "delete");
    const changed = new Map(active.map((c) => [c.urn, c]));
    const records = new Map(after.resources.map((r) => [r.urn, r]));
    const durations = new Map(active.map((c) => [c.urn, changeDuration(c)]));
    // Earliest start of each change: when the last changed dependency has finished blocking.
    const start = new Map<string, number>();
    const via = new Map<string, string | undefined>();
    const visiting = new Set<string>();
    const startOf = (urn: string): number => {
        const known = start.get(urn);
        if (known !== undefined) return known;
        if (visiting.has(urn)) throw new Error(`resilience: dependency cycle through ${urn}`);
        visiting.add(urn);
        let best = 0;
        let from: string | undefined;
        for (const dep of new Set(records.get(urn)?.dependencies ?? [])) {
            if (!changed.has(dep) || dep === urn) continue;
            const ready = startOf(dep) + sum(durations.get(dep)!.blocking);
            if (from === undefined || ready > best) {
                best = ready;
                from = dep;
            }
        }
        visiting.delete(urn);
        start.set(urn, best);
        via.set(urn, from);
        return best;
    };
    let end: string | undefined;
    let endAt = 0;
    for (const c of active.filter(endsAt)) {
        const d = durations.get(c.urn)!;
        const done = startOf(c.urn) + sum(d.blocking) + sum(d.tail);
        if (end === undefined || done > endAt) {
            end = c.urn;
            endAt = done;
        }
    }
    const steps: CriticalPathStep[] = [];
    for (let urn = end; urn !== undefined; urn = via.get(urn)) {
        const c = changed.get(urn)!;
        const d = durations.get(urn)!;
        steps.unshift({
            urn, type: c.type, name: c.name, op: c.op,
            startMinutes: roundMinutes(start.get(urn)!),
            blockingMinutes: roundMinutes(sum(d.blocking)),
            tailMinutes: urn === end ? roundMinutes(sum(d.tail)) : 0,
            basis: [...d.blocking, ...(urn === end ? d.tail ?? [] : [])],
        });
    }
    const defaultedTypes = [...new Set(active.filter((c) => durations.get(c.urn)!.defaulted).map((c) => c.type))].sort();
    return { steps, minutes: roundMinutes(endAt), defaultedTypes };
}

/**
 * Whether any change `endsAt` accepts waits for the change `urn`, directly or through other
 * changes (the dependencies `after` recorded, as criticalPath reads them).
 */
export function waitsFor(changes: ResourceChange[], after: StackPlan, urn: string,
    endsAt: (change: ResourceChange) => boolean = () => true): boolean {
    const changed = new Set(changes.filter((c) => c.op !== "delete").map((c) => c.urn));
    const records = new Map(after.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const reaches = (from: string): boolean => {
        if (seen.has(from)) return false;
        seen.add(from);
        return (records.get(from)?.dependencies ?? []).some((dep) => changed.has(dep) && dep !== from && (dep === urn || reaches(dep)));
    };
    return changes.some((c) => c.op !== "delete" && c.urn !== urn && endsAt(c) && reaches(c.urn));
}
