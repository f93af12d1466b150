// The failover after its promotion: the deep check through dr's app, the fence of prod's PRIMARY
// record, and DNS asked of the zone's own name servers. Only the fence needs a global control
// plane (Route 53's API), and it is best effort with its own warning code.
import { randomUUID } from "crypto";
import { AppEndpoint, writeAndReadMarker, nodeHttp } from "../appCheck";
import { describeAwsError } from "../aws";
import { isUnreachable } from "../clients";
import { DnsClient, waitDnsAnswers } from "../dns";
import { describeDbInstance, isPromoted } from "../preflight";
import { aliasPrimaryRecord, route53RegionFor } from "../route53";
import { StepContext, StepWarning, stepWarning } from "../runner";
import { outputOf } from "../stackOutputs";
import { changeConfig } from "../workspace";
import type { FailoverOptions } from "./index";
import { stopProdWrites } from "./prod";
import { FailoverState, KEYS } from "./stacks";

/**
 * Stops prod's writers (best effort), then sets pilot-light:promote true on dr and runs
 * `pulumi up`. A failed up puts promote back only when RDS says the replica is still a replica.
 */
export async function promote(ctx: StepContext, st: FailoverState, prodName: string, drName: string): Promise<string | StepWarning> {
    const writes = await stopProdWrites(st, prodName);
    ctx.progress(writes.detail);
    const change = await changeConfig(st.dr, { [KEYS.promote]: "true" });
    try {
        st.upStarted = true;
        const outcome = await st.dr.up((line) => ctx.progress(line));
        st.drOutputs = outcome.outputs;
        const counts = Object.entries(outcome.changes).filter(([op]) => op !== "same").map(([op, n]) => `${n} ${op}`).join(", ");
        const done = `pulumi up on ${drName}: ${counts || "no changes"}; ALB ${outcome.outputs.albDnsName ?? "(no albDnsName output)"}`;
        return writes.stopped ? `${done}; ${writes.detail}` : stepWarning("unchecked", `${done}; ${writes.detail}`);
    } catch (e: any) {
        const cause = `pulumi up on ${drName} failed: ${e?.message ?? e}`;
        let db;
        try {
            db = await describeDbInstance(st.drRegion, st.dbIdentifier);
        } catch (describeError) {
            throw new Error(`${cause}. Could not tell whether ${st.dbIdentifier} was promoted (${describeAwsError(describeError)}), `
                + `so ${KEYS.promote} is left true: re-running \`failover\` resumes, and setting it back to false could make the next up `
                + `try to turn a promoted database back into a replica`);
        }
        if (db && !isPromoted(db)) {
            await change.restore();
            throw new Error(`${cause}. ${st.dbIdentifier} is still a replica, so nothing irreversible happened; `
                + `${KEYS.promote} is restored to ${change.previous[KEYS.promote] ?? "unset"}. Fix the cause and re-run \`failover\``);
        }
        throw new Error(`${cause}. ${st.dbIdentifier} is already promoted (a standalone database now), so ${KEYS.promote} is kept true: `
            + `setting it back would make the next up try to re-attach replication. Fix the cause and re-run \`failover\`; it resumes here`);
    }
}

/**
 * The promoted app end to end: a marker written through dr's app (POST to the deep check, so the
 * database must take writes) and read back by a second request (which may reach another
 * instance). 200 with status "ok" only: a redirect or any failed dependency fails the step.
 */
export async function verifyApp(ctx: StepContext, st: FailoverState, drName: string, opts: FailoverOptions,
    timing: { timeoutMs: number; intervalMs: number }): Promise<string> {
    const { albDnsName, appSecretArn } = st.drOutputs;
    if (!albDnsName || !appSecretArn) {
        throw new Error(`the ${drName} stack has no ${albDnsName ? "appSecretArn" : "albDnsName"} output after the update, so its app cannot be `
            + "deep-checked; is pilot-light:promote true on it, and is it running this version of the program?");
    }
    const app: AppEndpoint = {
        stack: drName, region: st.drRegion, albDnsName, appSecretArn, ...(st.drDomainName ? { domainName: st.drDomainName } : {}),
        ...(st.drOutputs.cdnDomainName ? { cdnDomainName: st.drOutputs.cdnDomainName } : {}),
    };
    const marker = opts.marker ?? { id: `failover-${new Date(ctx.io.now()).toISOString().replace(/[^0-9A-Za-z]/g, "")}`, value: randomUUID() };
    return writeAndReadMarker(ctx, app, marker, { send: opts.http ?? nodeHttp, ...timing, requestTimeoutMs: 10_000 });
}

/**
 * Points prod's PRIMARY failover record at the dr load balancer, keeping its health check.
 * Without this, the moment prod's region recovers its health check passes and Route 53 sends
 * users back to prod's old app tier and stale (but writable) database: two primaries. With it,
 * both records answer with dr whatever prod's health, until failback's switchover (`pulumi up`
 * on prod) restores the record from prod's own state. Route 53's API is served from
 * us-east-1, so during an outage there this can fail: that is a warning with its own code
 * ("unfenced", CLI exit 5), not a failed failover (SECONDARY already serves while prod is
 * unhealthy), and the step says what to rerun.
 */
export async function fenceProd(st: FailoverState, prodName: string): Promise<string | StepWarning> {
    if (!st.domainName || !st.hostedZoneId) {
        return "skipped: no domain is configured (pilot-light:domainName/hostedZoneId), so there is no PRIMARY record to fence";
    }
    const retry = `rerun \`npm run runbook -- failover --yes\` (it resumes) before ${prodName}'s region recovers`;
    try {
        const { name, primary, unchanged, lb } = await aliasPrimaryRecord(st.hostedZoneId, st.domainName,
            { region: st.drRegion, albDnsName: outputOf(st.drOutputs, "albDnsName", st.dr.name) }, `pilot-light failover: fence ${prodName} until failback`);
        if (!primary) {
            return stepWarning("unfenced", `no PRIMARY failover record named ${name} in zone ${st.hostedZoneId}, so prod is not fenced `
                + `(was the record created by ${prodName}?)`);
        }
        if (unchanged) return `the PRIMARY record already points at dr (${lb!.DNSName})`;
        return `PRIMARY record ${name} now aliases the dr load balancer ${lb!.DNSName} (was ${primary.AliasTarget?.DNSName ?? "?"}); `
            + `failback's switchover restores it`;
    } catch (e) {
        const why = isUnreachable(e) ? `Route 53's API (in ${route53RegionFor(st.drRegion)}) did not answer: ` : "";
        return stepWarning("unfenced", `could not fence prod (${why}${describeAwsError(e)}); when ${prodName} recovers, Route 53 may send users `
            + `back to it: ${retry}`);
    }
}


/**
 * Waits until the zone's authoritative name servers answer the domain with the dr load
 * balancer's addresses (dns.ts: DNS over the data plane, no Route 53 API call).
 */
export async function waitForDns(ctx: StepContext, st: FailoverState, client: DnsClient,
    timing: { timeoutMs: number; intervalMs: number }): Promise<string | StepWarning> {
    if (!st.domainName) {
        // No DNS to move users: they must be sent to dr's own address, printed here for the operator.
        const cdn = st.drOutputs.cdnDomainName;
        return `skipped: no domain is configured (pilot-light:domainName), so no DNS moves users; send them to `
            + `${cdn ? `https://${cdn} (dr's CloudFront distribution)` : `dr's load balancer ${st.drOutputs.albDnsName ?? "?"}`}`;
    }
    try {
        return await waitDnsAnswers(ctx, client, st.domainName, { region: st.drRegion, albDnsName: outputOf(st.drOutputs, "albDnsName", st.dr.name), label: "the dr load balancer" }, timing);
    } catch (e: any) {
        const why = st.prodHealthy
            ? ` Route 53 checkers saw prod healthy before the promotion, which keeps DNS on prod unless the fence worked.`
            : "";
        throw new Error(`${e?.message ?? e}.${why} The dr app tier is up; users reach it through ${st.drOutputs.albDnsName} once DNS follows`);
    }
}
