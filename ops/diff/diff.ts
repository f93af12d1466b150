// The offline diff between two plans of the same stack: what `pulumi up` would do to go from
// one configuration to the other (standby → promoted, steady → failback, ...). Resources are
// matched by URN, inputs compared key by key, and an update becomes a replace when a changed
// input forces a new resource: the provider schema's force-new inputs (forceNew.ts, generated
// from the provider source, nested paths compared where only a nested field forces it) and the
// replacements the providers decide from old and new values (conditional.ts). Then the
// data-safety rule: a replace or delete of a data resource fails the plan, naming it, unless a
// delete is an explicit retirement of a resource Pulumi would only forget (retainOnDelete),
// after the runbook has snapshotted it. What `pulumi up` itself would refuse is refusals.ts.
import { RecordedResource } from "../offline/engine";
import { DATA_CLASS_TAG } from "../../components/dataClass";
import { conditionalReplaceKeys, ConditionalContext } from "./conditional";
import { DATA_TYPES, FORCE_NEW } from "./forceNew";

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
    /** Delete, or the old resource of a replace: retainOnDelete in the state, so Pulumi forgets it and AWS keeps it. */
    retained: boolean;
    /** RDS update only: `replicateSourceDb` appears on an instance that had none (not possible in place). */
    becomesReplica?: boolean;
    /** RDS update only: the instance identifier changes, which RDS does in place (ModifyDBInstance NewDBInstanceIdentifier). */
    renamed?: { from: string; to: string };
    /** `protect` in the state (the `before` plan) and in the program (the `after` plan); false where absent. */
    protect?: { state: boolean; program: boolean };
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

/** The values at a dotted path under `v`, arrays mapped over (`rootBlockDevice.encrypted`, `schedules.copyTags`). */
export function valuesAt(v: any, path: string): any {
    if (path === "") return v;
    if (Array.isArray(v)) return v.map((x) => valuesAt(x, path));
    if (v === null || typeof v !== "object") return undefined;
    const [head, ...rest] = path.split(".");
    return valuesAt(v[head], rest.join("."));
}

/**
 * The changed inputs that replace a resource of `type`, or undefined when the type is not in
 * the table. A table input with `paths` replaces only when a value at one of them changed.
 */
export function replaceKeysOf(type: string, before: Record<string, any>, after: Record<string, any>, diff: string[],
    ctx: ConditionalContext = {}): string[] | undefined {
    const inputs = FORCE_NEW[type];
    if (inputs === undefined) return undefined;
    const keys = new Set<string>();
    for (const f of inputs) {
        if (!diff.includes(f.input)) continue;
        const paths = f.paths ?? [""];
        if (paths.some((p) => canonical(valuesAt(before[f.input], p)) !== canonical(valuesAt(after[f.input], p)))) keys.add(f.input);
    }
    for (const k of conditionalReplaceKeys(type, before, after, ctx)) if (diff.includes(k)) keys.add(k);
    return [...keys].sort();
}

/** Options of diffResources. */
export interface DiffOptions {
    /** The stack's AWS region: a resource's `region` changing between unset and it is not a replacement. */
    region?: string;
}

/**
 * The changes from `before` to `after`, custom resources only (components and providers do not
 * exist in the cloud). Order: the order `after` registered its resources, then deletes.
 * Throws for a changed resource of a type the force-new table does not know, rather than
 * guessing update or replace.
 */
export function diffResources(before: RecordedResource[], after: RecordedResource[], opts: DiffOptions = {}): ResourceChange[] {
    const custom = (rs: RecordedResource[]) => rs.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    const old = new Map(custom(before).map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const changes: ResourceChange[] = [];
    const base = (r: RecordedResource, prev: RecordedResource | undefined, next: RecordedResource | undefined) => ({
        urn: r.urn, type: r.type, name: r.name, data: holdsData(r),
        protect: { state: prev?.protect === true, program: next?.protect === true },
    });
    for (const r of custom(after)) {
        seen.add(r.urn);
        const prev = old.get(r.urn);
        if (!prev) {
            changes.push({ ...base(r, prev, r), op: "create", diff: [], replaceKeys: [], retained: false });
            continue;
        }
        // ignoreChanges keeps the old value, as the engine does (e.g. the ASG's desiredCapacity).
        const ignored = new Set(r.ignoreChanges ?? []);
        const diff = changedInputs(prev.inputs, r.inputs).filter((k) => !ignored.has(k));
        if (diff.length === 0) continue;
        const replaceKeys = replaceKeysOf(r.type, prev.inputs, r.inputs, diff, { region: opts.region });
        if (replaceKeys === undefined) {
            throw new Error(`diff: ${r.type} (${r.name}) changed [${diff.join(", ")}] but ops/diff/forceNew/table.json does not say which of its inputs force replacement; `
                + "add the type to ops/diff/forceNew/manifest.ts and regenerate the table (ops/diff/forceNew/generate.ts).");
        }
        const isDb = r.type === "aws:rds/instance:Instance";
        const becomesReplica = isDb && !prev.inputs.replicateSourceDb && !!r.inputs.replicateSourceDb;
        const renamed = isDb && diff.includes("identifier") && prev.inputs.identifier && r.inputs.identifier
            ? { from: String(prev.inputs.identifier), to: String(r.inputs.identifier) } : undefined;
        changes.push({
            ...base(r, prev, r), op: replaceKeys.length > 0 ? "replace" : "update", diff, replaceKeys,
            // The old resource of a replace is retained in the cloud when it is retainOnDelete in the state.
            retained: replaceKeys.length > 0 && prev.retainOnDelete === true,
            ...(becomesReplica ? { becomesReplica } : {}), ...(renamed ? { renamed } : {}),
        });
    }
    for (const r of custom(before)) {
        if (!seen.has(r.urn)) {
            changes.push({ ...base(r, r, undefined), op: "delete", diff: [], replaceKeys: [], retained: r.retainOnDelete === true });
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
        if (c.op === "update" && c.renamed) {
            // The data stays, but what finds the database by name does not: the app's endpoint, and
            // a cross-region replica's source, which RDS will not re-point ("cannot elect new source
            // database for replication", terraform-provider-aws rds resourceInstanceUpdate).
            problems.push(`UPDATE of ${what} renames the DB instance in place (identifier ${c.renamed.from} → ${c.renamed.to}): its endpoint and ARN change, `
                + "so the app and any replica of it lose their source; raise pilot-light:databaseGeneration to build a new instance beside it instead.");
        }
        if (!c.data) continue;
        if (c.op === "replace") {
            problems.push(`REPLACE of ${what}: [${c.replaceKeys.join(", ")}] force a new resource, `
                + (c.retained ? "and the stack would go on with a new, empty one (the old one is retained in AWS, outside the state)."
                    : "so the data in it would be lost."));
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
