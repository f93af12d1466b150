// `npm run prices -- --region R [--region R]... [--file PATH] [--timeout-ms N]`
//
// Refreshes the bundled price table (ops/report/priceTable.json) from the AWS Price List
// Query API for each region: every figure the table prices, with the Price List SKU and offer
// term as its source and its publication date. Needs AWS credentials with pricing:GetProducts
// (for the China regions, credentials of an aws-cn account: their prices come from the China
// endpoint, in CNY). A figure the API has no answer for is kept as it was and listed.
//
// Exit codes: 0 written, 1 the Price List API could not be used (credentials, unreachable
// endpoint) or answered no figure for a region (nothing is written then), 2 bad usage (an
// unknown region, a bad option).
import * as fs from "fs";
import { parseArgs } from "util";
import { PricingClient } from "@aws-sdk/client-pricing";
import { AWS_REGIONS, isAwsRegion } from "../components/regions";
import { DEFAULT_CALL_POLICY, priceListEndpointRegion, PriceListError, refreshRegion, RegionRefresh } from "./pricing/refresh";
import { loadPriceTable, PRICE_TABLE_FILE, PriceTable, priceTableProblems } from "./report/prices";

const USAGE = `usage: npm run prices -- --region REGION [--region REGION]... [--file PATH] [--timeout-ms N]

  --region REGION   a region to price, e.g. us-east-1 or cn-north-1 (repeatable)
  --file PATH       the price table to update (default: ops/report/priceTable.json)
  --timeout-ms N    deadline of each Price List call, in ms (default ${DEFAULT_CALL_POLICY.timeoutMs}); each is tried up to ${DEFAULT_CALL_POLICY.attempts} times

exit codes: 0 written, 1 the Price List API could not be used or priced nothing, 2 bad usage`;

/** The command's options, as parsePricesArgs returns them. */
export interface PricesCliOptions {
    regions: string[];
    file: string;
    timeoutMs: number;
}

/** Bad arguments: the message ends with the usage text, and the command exits 2. */
export class PricesUsageError extends Error {}

/** Parses the command line; throws PricesUsageError naming the bad option or region. */
export function parsePricesArgs(argv: string[]): PricesCliOptions {
    let v;
    try {
        v = parseArgs({
            args: argv, strict: true, allowPositionals: false,
            options: { region: { type: "string", multiple: true }, file: { type: "string" }, "timeout-ms": { type: "string" }, help: { type: "boolean", short: "h" } },
        }).values;
    } catch (e: any) {
        throw new PricesUsageError(`${e.message}\n${USAGE}`);
    }
    if (v.help) throw new PricesUsageError(USAGE);
    const regions = v.region ?? [];
    if (regions.length === 0) throw new PricesUsageError(`--region is required\n${USAGE}`);
    const unknown = regions.filter((r) => !isAwsRegion(r));
    if (unknown.length > 0) {
        throw new PricesUsageError(`--region ${unknown.map((r) => JSON.stringify(r)).join(", ")}: not an AWS region; expected one of ${AWS_REGIONS.join(", ")}\n${USAGE}`);
    }
    const timeoutMs = v["timeout-ms"] === undefined ? DEFAULT_CALL_POLICY.timeoutMs : Number(v["timeout-ms"]);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 100) throw new PricesUsageError(`--timeout-ms ${JSON.stringify(v["timeout-ms"])}: expected a whole number of ms, at least 100\n${USAGE}`);
    return { regions: [...new Set(regions)], file: v.file ?? PRICE_TABLE_FILE, timeoutMs };
}

/** The table with the refreshed regions' entries replaced, regions in a stable order. */
export function mergeRefreshes(table: PriceTable, refreshes: RegionRefresh[]): PriceTable {
    const merged: Record<string, unknown> = { ...table };
    for (const r of refreshes) merged[r.region] = r.entry;
    const problems = priceTableProblems(merged);
    if (problems.length > 0) throw new Error(`the refreshed table is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    return merged as PriceTable;
}

/** Dependencies the tests replace: the client factory, the clock and the output. */
export interface PricesDeps {
    client: (endpointRegion: string) => PricingClient;
    today: () => string;
    log: (line: string) => void;
    sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_DEPS: PricesDeps = {
    // The SDK's own retries are off: the refresh retries, with its deadline, in one place.
    client: (region) => new PricingClient({ region, maxAttempts: 1 }),
    today: () => new Date().toISOString().slice(0, 10),
    log: (line) => process.stderr.write(`${line}\n`),
};

/** Runs the command; returns its exit code. */
export async function main(argv: string[], deps: PricesDeps = DEFAULT_DEPS): Promise<number> {
    let opts: PricesCliOptions;
    try {
        opts = parsePricesArgs(argv);
    } catch (e: any) {
        deps.log(e.message);
        return 2;
    }
    try {
        const table = loadPriceTable(opts.file);
        const policy = { ...DEFAULT_CALL_POLICY, timeoutMs: opts.timeoutMs, ...(deps.sleep ? { sleep: deps.sleep } : {}) };
        const refreshes: RegionRefresh[] = [];
        for (const region of opts.regions) {
            const endpointRegion = priceListEndpointRegion(region);
            deps.log(`${region}: asking the Price List API in ${endpointRegion} ...`);
            const r = await refreshRegion(deps.client(endpointRegion), region, table, deps.today(), policy);
            if (r.refreshed.length === 0) {
                deps.log(`${region}: the Price List API in ${endpointRegion} answered no figure; nothing is written. `
                    + `Is ${region} priced there?\n${r.notFound.map((n) => `  - ${n}`).join("\n")}`);
                return 1;
            }
            deps.log(`${region}: ${r.refreshed.length} figures refreshed (${r.entry.currency})`
                + (r.notFound.length > 0 ? `; not found, kept as they were when the table had them:\n${r.notFound.map((n) => `  - ${n}`).join("\n")}` : "."));
            refreshes.push(r);
        }
        fs.writeFileSync(opts.file, `${JSON.stringify(mergeRefreshes(table, refreshes), null, 2)}\n`);
        deps.log(`wrote ${opts.file}`);
        return 0;
    } catch (e: any) {
        deps.log(`${e instanceof PriceListError ? "" : "prices failed: "}${e?.message ?? e}`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
