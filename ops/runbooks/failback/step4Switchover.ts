// Failback Step 4: the scheduled switchover.
import { describeAwsError, waitTargetsHealthy } from "../aws";
import { describeDbInstance, isPromoted } from "../preflight";
import { Step } from "../runner";
import { describeChanges, diffText, refuseUnsafe, upWithProgress } from "../updates";
import { changeConfig, UpOutcome } from "../workspace";
import { FailbackContext, output, requireDb } from "./context";
import { KEYS, parseGeneration, switchoverRequest } from "./plans";
import { systemDns, waitDnsAnswers } from "../dns";
import { waitHealthCheck } from "../route53";
import { countdown, freezeAsg, setAsgSize, unfencePrimary, waitLagZero } from "./switchoverPieces";

export function switchoverStep(c: FailbackContext): Step {
    const { opts, t, from, dir, env, shown } = c;
    return {
        id: "failback.switchover",
        title: "Step 4: switch over to prod (freeze dr, promote prod's replica, move DNS)",
        dataAffecting: true,
        async plan() {
            const { prod, dr } = await env();
            // Before step 2 has run (a dry run) the config still names the old generation; the switchover happens on the next one.
            const g = parseGeneration(prod.name, await prod.getConfig(KEYS.databaseGeneration));
            const stepTwoDone = (await prod.getConfig(KEYS.rebuildFromPeer)) === "true";
            const diff = await diffText(opts.planner, switchoverRequest(dir, prod.name, stepTwoDone ? g : g + 1));
            shown.set("switchover", diff);
            const asg = (await dr.outputs()).asgName ?? "(none)";
            return [`at ${opts.switchoverAt ? new Date(opts.switchoverAt).toISOString() : "once confirmed"}:`,
                `scale ${dr.name}'s app servers (${asg}) to 0: the site is down from here until DNS points at prod (see failback.md for how long)`,
                `wait for prod's replica ReplicaLag 0 twice, remove ${KEYS.rebuildFromPeer} on ${prod.name} and pulumi up`,
                `(promotes the replica in place and starts prod's parked app servers), then check targets, health check, DNS`,
                diff.text].join("\n");
        },
        async run(ctx) {
            refuseUnsafe("step 4", shown.get("switchover"));
            const { prod, dr, prodRegion, drRegion } = await env();
            if (opts.switchoverAt) await countdown(ctx, Date.parse(opts.switchoverAt), t.pollMs);
            const replica = await output(prod, "dbInstanceIdentifier");
            const db = await requireDb(prodRegion, replica, "prod's replica");
            const promotedAlready = isPromoted(db);
            const asgName = await output(dr, "asgName");
            const freeze = await freezeAsg(ctx, drRegion, asgName, t);
            const unfreeze = async () => {
                if (freeze.previous) await setAsgSize(drRegion, asgName, freeze.previous.min, freeze.previous.desired);
                return freeze.previous ? `${dr.name}'s app servers were scaled back to min ${freeze.previous.min}, desired ${freeze.previous.desired}` : "";
            };
            if (promotedAlready) {
                ctx.progress(`${replica} is already promoted (an earlier run got past the promotion); skipping the ReplicaLag wait`);
            } else {
                try {
                    await waitLagZero(ctx, prodRegion, replica, freeze.at, t);
                } catch (e) {
                    const restored = await unfreeze();
                    throw new Error(`${describeAwsError(e)}. Nothing on ${prod.name} changed; `
                        + (restored ? `${restored}, so dr serves again` : `${dr.name}'s app servers were already at 0 before this run and stay there`)
                        + `. Find out why replication stalled and resume with --from-step 4`);
                }
            }
            // Removed rather than set false: it is a transient failback flag, and the file returns to its steady state.
            const change = await changeConfig(prod, { [KEYS.rebuildFromPeer]: undefined });
            let up: UpOutcome;
            try {
                up = await upWithProgress(ctx, prod);
            } catch (e) {
                const now = await describeDbInstance(prodRegion, replica).catch(() => undefined);
                if (now && !isPromoted(now)) {
                    await change.restore();
                    const restored = await unfreeze();
                    throw new Error(`pulumi up on ${prod.name} failed: ${describeAwsError(e)}. ${replica} is still a replica, so `
                        + `${KEYS.rebuildFromPeer} was put back and ${restored || `${dr.name} stays frozen`}. Fix the cause and resume with --from-step 4`);
                }
                throw new Error(`pulumi up on ${prod.name} failed: ${describeAwsError(e)}. ${replica} is ${now ? "promoted" : "in an unknown state"}: `
                    + `${dr.name} stays frozen (writes there would be lost) and the config stays. Fix the cause and resume with --from-step 4, `
                    + `which skips the freeze wait and runs the update again`);
            }
            const outputs = up.outputs;
            const checks: string[] = [describeChanges(up.changes)];
            checks.push(await waitTargetsHealthy(ctx, prodRegion, String(outputs.albDnsName ?? await output(prod, "albDnsName")),
                { timeoutMs: t.targetsMs, intervalMs: t.pollMs }));
            const zone = await prod.getConfig(KEYS.hostedZoneId);
            if (outputs.domainName && zone) {
                // The failover runbook fenced prod by repointing its PRIMARY record at dr, outside
                // Pulumi; the up above does not see that drift, so the record is put back here.
                checks.push(await unfencePrimary(prodRegion, zone, String(outputs.domainName), String(outputs.albDnsName)));
            }
            if (outputs.healthCheckId) checks.push(await waitHealthCheck(ctx, String(outputs.healthCheckId), prodRegion, { timeoutMs: t.dnsMs, intervalMs: t.pollMs }));
            if (outputs.domainName && zone) {
                checks.push(await waitDnsAnswers(ctx, opts.dns ?? systemDns(), String(outputs.domainName),
                    { region: prodRegion, albDnsName: String(outputs.albDnsName), label: "prod's ALB" }, { timeoutMs: t.dnsMs, intervalMs: t.pollMs }));
            } else {
                checks.push("no domain configured: DNS not checked");
            }
            return checks.join("; ");
        },
    };
}
