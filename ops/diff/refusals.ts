// What `pulumi up` would refuse in a diff, in the words of the tool that refuses it:
// - the Pulumi engine: deleting a resource protected in the state, or replacing one protected
//   in both the state and the program (ops/offline/pulumiRules.ts has the rules and sources);
// - the AWS provider: an RDS instance's `replicateSourceDb` set to a new, non-empty source
//   (terraform-provider-aws v6.58.0 rds `resourceInstanceUpdate`: "cannot elect new source
//   database for replication"; only removing it, a promotion, is done in place).
// A refusal blocks the whole deploy, whatever the data-safety rule says.
import { protectedDeleteError, protectedReplaceError } from "../offline/pulumiRules";
import { ResourceChange } from "./diff";
import { RecordedResource } from "../offline/engine";

export interface RefusalOptions {
    /**
     * Logical names of resources the runbook unprotects in the state before `pulumi up` (a
     * retired database generation: the failback runbook snapshots it, then runs the equivalent
     * of `pulumi state unprotect`). Their protect flag in the state counts as false.
     */
    unprotected?: string[];
}

/** The errors `pulumi up` would stop on for these changes; empty when it would run. */
export function refusals(changes: ResourceChange[], before: RecordedResource[], after: RecordedResource[], opts: RefusalOptions = {}): string[] {
    const unprotected = new Set(opts.unprotected ?? []);
    const old = new Map(before.map((r) => [r.urn, r]));
    const next = new Map(after.map((r) => [r.urn, r]));
    const out: string[] = [];
    for (const c of changes) {
        const inState = c.protect?.state === true && !unprotected.has(c.name);
        if (c.op === "delete" && inState) out.push(protectedDeleteError(c.urn));
        if (c.op === "replace" && inState && c.protect?.program === true) out.push(protectedReplaceError(c.urn));
        if (c.op === "update" && c.type === "aws:rds/instance:Instance") {
            const [from, to] = [old.get(c.urn)?.inputs.replicateSourceDb, next.get(c.urn)?.inputs.replicateSourceDb];
            if (to && from !== to) out.push(`updating ${c.urn}: cannot elect new source database for replication`);
        }
    }
    return out;
}
