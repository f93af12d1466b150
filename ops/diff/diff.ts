// The offline diff between two plans of the same stack: what `pulumi up` would do to go from
// one configuration to the other (standby → promoted, steady → failback, ...). Resources are
// matched by URN, inputs compared key by key, and an update becomes a replace when a changed
// input forces a new resource (forceNew.ts). Then the data-safety rule: a replace or delete of
// a data resource fails the plan, naming it, unless a delete is an explicit retirement of a
// resource Pulumi would only forget (retainOnDelete), after the runbook has snapshotted it.
import { RecordedResource } from "../offline/engine";
import { DATA_CLASS_TAG } from "../../components/dataClass";
import { DATA_TYPES, FORCE_NEW, FORCE_NEW_EVERYWHERE } from "./forceNew";

export type ChangeOp = "create" | "update" | "replace" | "delete";

export interface ResourceChange {
    urn: string;
    type: string;
    /** The logical name (last URN segment). */
    name: string;
    op: ChangeOp;
    /** The inputs that differ (top-level keys), sorted. Empty for create and delete. */
    diff: string[];
    /** The subset of `diff` that forces replacement. */
    replaceKeys: string[];
    /** A data resource: of a DATA_TYPES type, and not tagged `pilot-light:data-class=regenerable`. */
    data: boolean;
    /** Delete only: the resource has retainOnDelete, so Pulumi forgets it and AWS keeps it. */
    retained: boolean;
    /** RDS update only: `replicateSourceDb` appears on an instance that had none (not possible in place). */
    becomesReplica?: boolean;
}

/** Thrown when a change would replace or delete data; `problems` has one line per resource. */
export class DataSafetyError extends Error {
    constructor(readonly problems: string[]) {
        super(`Unsafe data change (${problems.length}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "DataSafetyError";
    }
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(v: any): string {
    return JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x)
        ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));
}

/** The top-level input keys whose values differ (a key present on one side only counts). */
export function changedInputs(before: Record<string, any>, after: Record<string, any>): string[] {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].filter((k) => canonical(before[k]) !== canonical(after[k])).sort();
}

/** The inputs that force replacement for `type`; undefined when the type is not in the table. */
export function forceNewKeys(type: string): readonly string[] | undefined {
    const keys = FORCE_NEW[type];
    return keys === undefined ? undefined : [...FORCE_NEW_EVERYWHERE, ...keys];
}

/**
 * The changes from `before` to `after`, custom resources only (components and providers do not
 * exist in the cloud). Order: the order `after` registered its resources, then deletes.
 * Throws for a changed resource of a type the force-new table does not know, rather than
 * guessing update or replace.
 */
export function diffResources(before: RecordedResource[], after: RecordedResource[]): ResourceChange[] {
    const custom = (rs: RecordedResource[]) => rs.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    const old = new Map(custom(before).map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const changes: ResourceChange[] = [];
    const base = (r: RecordedResource) => ({ urn: r.urn, type: r.type, name: r.name, data: holdsData(r) });
    for (const r of custom(after)) {
        seen.add(r.urn);
        const prev = old.get(r.urn);
        if (!prev) {
            changes.push({ ...base(r), op: "create", diff: [], replaceKeys: [], retained: false });
            continue;
        }
        // ignoreChanges keeps the old value, as the engine does (e.g. the ASG's desiredCapacity).
        const ignored = new Set(r.ignoreChanges ?? []);
        const diff = changedInputs(prev.inputs, r.inputs).filter((k) => !ignored.has(k));
        if (diff.length === 0) continue;
        const forceNew = forceNewKeys(r.type);
        if (forceNew === undefined) {
            throw new Error(`diff: ${r.type} (${r.name}) changed [${diff.join(", ")}] but ops/diff/forceNew.ts does not say which of its inputs force replacement; add the type from the provider docs.`);
        }
        const replaceKeys = diff.filter((k) => forceNew.includes(k));
        const becomesReplica = r.type === "aws:rds/instance:Instance" && !prev.inputs.replicateSourceDb && !!r.inputs.replicateSourceDb;
        changes.push({
            ...base(r), op: replaceKeys.length > 0 ? "replace" : "update", diff, replaceKeys, retained: false,
            ...(becomesReplica ? { becomesReplica } : {}),
        });
    }
    for (const r of custom(before)) {
        if (!seen.has(r.urn)) {
            changes.push({ ...base(r), op: "delete", diff: [], replaceKeys: [], retained: r.retainOnDelete === true });
        }
    }
    return changes;
}

/** Of a data type, unless its component declared its content regenerable (components/dataClass.ts). */
export function holdsData(r: RecordedResource): boolean {
    return DATA_TYPES.has(r.type) && r.inputs?.tags?.[DATA_CLASS_TAG] !== "regenerable";
}

export interface DataSafetyOptions {
    /**
     * Logical names of data resources whose delete is an intended retirement (a previous
     * database generation, already snapshotted). Allowed only for retained resources.
     */
    allowRetire?: string[];
}

/** Every change that could lose data, one line each naming the resource; empty when safe. */
export function checkDataSafety(changes: ResourceChange[], opts: DataSafetyOptions = {}): string[] {
    const allowRetire = new Set(opts.allowRetire ?? []);
    const problems: string[] = [];
    for (const c of changes) {
        const what = `${c.type} "${c.name}" (${c.urn})`;
        if (c.op === "update" && c.becomesReplica) {
            problems.push(`UPDATE of ${what} would make a standalone database a replica again, which RDS cannot do in place; `
                + `raise pilot-light:databaseGeneration to build a new replica beside it and retire this one (docs/runbooks/failback.md).`);
        }
        if (!c.data) continue;
        if (c.op === "replace") {
            problems.push(`REPLACE of ${what}: [${c.replaceKeys.join(", ")}] force a new resource, so the data in it would be lost.`);
        } else if (c.op === "delete" && !(c.retained && allowRetire.has(c.name))) {
            problems.push(`DELETE of ${what}` + (c.retained
                ? `: it is retained in AWS, but retiring it must be explicit; snapshot it first and allow it with --allow-retire ${c.name} (the failback runbook does both).`
                : `: the data in it would be lost.`));
        }
    }
    return problems;
}

const SYMBOL: Record<ChangeOp, string> = { create: "+", update: "~", replace: "+-", delete: "-" };

/** Counts per operation. */
export function countChanges(changes: ResourceChange[]): Record<ChangeOp, number> {
    const counts: Record<ChangeOp, number> = { create: 0, update: 0, replace: 0, delete: 0 };
    for (const c of changes) counts[c.op]++;
    return counts;
}

/** The changes for people: one line per resource, with the changed inputs of updates and replaces. */
export function renderChanges(changes: ResourceChange[]): string {
    const n = countChanges(changes);
    const head = `${n.create} to create, ${n.update} to update, ${n.replace} to replace, ${n.delete} to delete`;
    if (changes.length === 0) return `${head} (no changes)`;
    const typeWidth = Math.max(...changes.map((c) => c.type.length));
    const lines = changes.map((c) => {
        const detail = c.op === "replace" ? ` [${c.diff.join(", ")}] (replaced because of ${c.replaceKeys.join(", ")})`
            : c.op === "update" ? ` [${c.diff.join(", ")}]`
            : c.op === "delete" && c.retained ? " (retained in AWS, removed from state)" : "";
        return `  ${SYMBOL[c.op].padEnd(2)} ${c.op.padEnd(7)} ${c.type.padEnd(typeWidth)}  ${c.name}${c.data ? " [data]" : ""}${detail}`;
    });
    return [head, ...lines].join("\n");
}

/** The `--json` form: exactly `{ urn, type, op, diff }` per change. */
export function changesJson(changes: ResourceChange[]): { urn: string; type: string; op: ChangeOp; diff: string[] }[] {
    return changes.map((c) => ({ urn: c.urn, type: c.type, op: c.op, diff: c.diff }));
}
