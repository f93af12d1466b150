// The bootstrap runbook: the first deploy of the two stacks, which must happen in an order
// because each reads the other's outputs (stacks/peer.ts). prod goes first with media
// replication off (it would need dr's bucket, which does not exist yet), then dr (it needs
// prod's database ARN), then prod again with replication on.
//
// Config: step 1 sets `pilot-light:replicateToPeer false` only for its own `pulumi up` and puts
// the operator's value back right after, whether the up worked or not, so a stop at any later
// point (failure, "no", Ctrl-C between steps) leaves the stack file as the operator had it.
// Step 3 ends with replication on: the override removed when the key was unset before (the
// project default is true), or "true" when it was set (usually "false" from the README's
// first-deploy instructions); if its up fails, the key goes back to what it was.
//
// Skipping: when dr already has outputs, prod can read them, so step 1 is skipped: turning
// replication off on a running prod would remove the replication rule and the secret's replica
// only to put them back a minute later. Steps 2 and 3 still run; on stacks that are already
// deployed they are `pulumi up`s that converge, usually with no changes. A promoted dr (after a
// failover) is refused: that is failback's job, not bootstrap's.
import { runSteps, RunbookIO, RunbookReport, Step, StepContext } from "./runner";
import { changeConfig, PulumiWorkspace, StackOps } from "./workspace";
import { KEYS } from "./failover";
import { describeSecretsProvider, drSecretsProblem, readSecretsProvider } from "./secretsProvider";

/** Options of the bootstrap runbook. */
export interface BootstrapOptions {
    workspace: PulumiWorkspace;
    /** The prod stack's name. Defaults to `prod`. */
    prodStack?: string;
    /** The dr stack's name. Defaults to `dr`. */
    drStack?: string;
    /** The project folder, to read the stacks' secrets providers (Pulumi.<stack>.yaml). Defaults to none: not checked. */
    dir?: string;
}

interface BootstrapState {
    prod: StackOps;
    dr: StackOps;
    /** prod's `pilot-light:replicateToPeer` as the operator left it (undefined: not set, the default true applies). */
    replicateBefore: string | undefined;
    /** dr already has outputs, so prod can replicate to it without step 1. */
    drDeployed: boolean;
}

/** The bootstrap steps, in order. Each `pulumi up` is data-affecting, so it is confirmed unless --yes. */
export function bootstrapSteps(opts: BootstrapOptions): Step[] {
    const prodName = opts.prodStack ?? "prod";
    const drName = opts.drStack ?? "dr";
    let s: BootstrapState | undefined;
    const state = (): BootstrapState => {
        if (!s) throw new Error("the stacks were not read (step bootstrap.stacks did not run)");
        return s;
    };
    const shown = (v: string | undefined) => (v === undefined ? "unset (default true)" : v);

    return [
        {
            id: "bootstrap.stacks",
            title: `Read the ${prodName} and ${drName} stacks`,
            async run() {
                const prod = await opts.workspace.stack(prodName);
                const dr = await opts.workspace.stack(drName);
                if ((await dr.getConfig(KEYS.promote)) === "true") {
                    throw new Error(`${drName} has ${KEYS.promote} true: it has been failed over to, and bootstrap would point prod's `
                        + `replication at a live database; use the failback runbook instead`);
                }
                const secrets = opts.dir === undefined ? undefined : await checkDrSecrets(opts.dir, prod, dr);
                const drOutputs = await dr.outputs();
                s = {
                    prod, dr,
                    replicateBefore: await prod.getConfig(KEYS.replicateToPeer),
                    drDeployed: Object.keys(drOutputs).length > 0,
                };
                return `${drName} ${s.drDeployed ? "already deployed" : "not deployed yet"}; `
                    + `${prodName} ${KEYS.replicateToPeer} is ${shown(s.replicateBefore)}` + (secrets ? `; secrets: ${secrets}` : "");
            },
        },
        {
            id: "bootstrap.prod",
            title: `Deploy ${prodName} with media replication off (bootstrap step 1 of 3)`,
            dataAffecting: true,
            plan: async () => (state().drDeployed
                ? `nothing: ${drName} already has outputs, so this step is skipped`
                : `pulumi up on ${prodName} with ${KEYS.replicateToPeer}=false for this update only (now ${shown(state().replicateBefore)})`),
            async run(ctx) {
                const st = state();
                if (st.drDeployed) return `skipped: ${drName} already has outputs, so ${prodName} can replicate to it directly`;
                const change = await changeConfig(st.prod, { [KEYS.replicateToPeer]: "false" });
                try {
                    await up(ctx, st.prod, `${prodName} (replication off)`, st);
                } finally {
                    await change.restore();
                }
                return `${prodName} deployed without replication; ${KEYS.replicateToPeer} back to ${shown(st.replicateBefore)}`;
            },
        },
        {
            id: "bootstrap.dr",
            title: `Deploy ${drName} (bootstrap step 2 of 3)`,
            dataAffecting: true,
            plan: async () => `pulumi up on ${drName}: the replica of ${prodName}'s database, the media bucket, the image copy and keys`,
            async run(ctx) {
                await up(ctx, state().dr, drName, state());
                return `${drName} deployed`;
            },
        },
        {
            id: "bootstrap.replication",
            title: `Deploy ${prodName} with media replication on (bootstrap step 3 of 3)`,
            dataAffecting: true,
            plan: async () => `pulumi up on ${prodName} with ${KEYS.replicateToPeer} `
                + (state().replicateBefore === undefined ? "unset (the default, true)" : "true"),
            async run(ctx) {
                const st = state();
                // Unset stays unset (the default is true); anything else becomes true.
                const change = await changeConfig(st.prod, { [KEYS.replicateToPeer]: st.replicateBefore === undefined ? undefined : "true" });
                try {
                    await up(ctx, st.prod, `${prodName} (replication on)`, st);
                } catch (e) {
                    await change.restore();
                    throw e;
                }
                return `${prodName} replicates media and the DB secret to ${drName}`;
            },
        },
    ];
}

/** `pulumi up` with engine lines as progress; a failure names the stack and says the config is as before. */
async function up(ctx: StepContext, stack: StackOps, what: string, st: BootstrapState): Promise<void> {
    try {
        await stack.up((line) => ctx.progress(line));
    } catch (e: any) {
        throw new Error(`pulumi up on ${what} failed: ${e?.message ?? e}. ${st.prod.name}'s ${KEYS.replicateToPeer} is left as it was `
            + `(${st.replicateBefore ?? "unset"}); fix the cause and re-run \`bootstrap\``);
    }
}

/** Runs the bootstrap and returns the runner's report. */
export async function runBootstrap(opts: BootstrapOptions, io: RunbookIO): Promise<RunbookReport> {
    return runSteps("bootstrap", bootstrapSteps(opts), io);
}

/**
 * Refuses a dr stack whose secrets provider is a KMS key in prod's region (secretsProvider.ts):
 * found now, at the first deploy, it costs a `change-secrets-provider`; found in a disaster, it
 * stops the failover.
 */
async function checkDrSecrets(dir: string, prod: StackOps, dr: StackOps): Promise<string> {
    const prodRegion = await prod.getConfig(KEYS.region);
    const drRegion = await dr.getConfig(KEYS.region);
    const provider = readSecretsProvider(dir, dr.name);
    if (prodRegion && drRegion) {
        const problem = drSecretsProblem(dr.name, provider, prodRegion, drRegion);
        if (problem) throw new Error(problem);
    }
    return describeSecretsProvider(dr.name, provider);
}
