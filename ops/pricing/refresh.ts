// Refreshes a region's entry of the bundled price table from the AWS Price List Query API.
//
// The API answers from a few endpoints, whatever region it prices: us-east-1 for the aws (and
// aws-us-gov) partition, and cn-northwest-1 (api.pricing.cn-northwest-1.amazonaws.com.cn, with
// aws-cn credentials) for the China regions, whose prices it gives in CNY.
// https://docs.aws.amazon.com/general/latest/gr/billing.html
// https://docs.amazonaws.cn/en_us/awsaccountbilling/latest/aboutv2/using-the-aws-price-list-bulk-api.html
//
// Every call has a deadline and bounded retries (throttling, 5xx, network errors); a figure the
// API does not answer for is kept as it was and reported, never invented or zeroed.
import { GetProductsCommand, PricingClient } from "@aws-sdk/client-pricing";
import { partitionOf } from "../../components/regions";
import {
    Currency, currencyOf, KEYED_FIELDS, KeyedField, PriceFigure, PriceFigures, PriceTable, RegionPriceTable, SCALAR_FIELDS, ScalarField,
} from "../report/prices";
import { FigureQuery, KEYED_QUERIES, matching, ProductPrice, productFilters, readProduct, SCALAR_QUERIES } from "./priceList";

/** Timeouts and retries of the Price List calls. */
export interface CallPolicy {
    /** Deadline of one GetProducts page, in ms. Default 20 000. */
    timeoutMs: number;
    /** Attempts per page, the first included. Default 3. */
    attempts: number;
    /** Waits `ms` between attempts (injected by tests). Default: a real timer, 1 s × attempt. */
    sleep: (ms: number) => Promise<void>;
    /** Pause before retry `n` (1-based), in ms. */
    backoffMs: (n: number) => number;
}

export const DEFAULT_CALL_POLICY: CallPolicy = {
    timeoutMs: 20_000,
    attempts: 3,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    backoffMs: (n) => 1000 * n,
};

/** The region of the Price List endpoint that prices `region`. */
export function priceListEndpointRegion(region: string): string {
    return partitionOf(region) === "aws-cn" ? "cn-northwest-1" : "us-east-1";
}

/** A failure the operator must act on (credentials, endpoint); the message says what to do. */
export class PriceListError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PriceListError";
    }
}

const NETWORK = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|socket hang up|TimeoutError|timed out/i;

function retryable(e: any): boolean {
    const status = e?.$metadata?.httpStatusCode;
    return NETWORK.test(`${e?.name} ${e?.code} ${e?.message}`) || e?.name === "ThrottlingException" || e?.$retryable !== undefined
        || (typeof status === "number" && status >= 500) || e?.name === "InternalErrorException";
}

/** Races `p` against a deadline; the abort controller cancels the request when the deadline passes. */
async function withDeadline<T>(run: (signal: AbortSignal) => Promise<T>, ms: number, what: string): Promise<T> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            abort.abort();
            reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { name: "TimeoutError" }));
        }, ms);
    });
    try {
        return await Promise.race([run(abort.signal), deadline]);
    } finally {
        clearTimeout(timer);
    }
}

/** Every product of one query (all pages), each call with a deadline and bounded retries. */
export async function getProducts(client: PricingClient, endpointRegion: string, query: FigureQuery, region: string,
    currency: Currency, policy: CallPolicy = DEFAULT_CALL_POLICY): Promise<ProductPrice[]> {
    const endpoint = `the Price List API (service pricing) in ${endpointRegion}`;
    const products: ProductPrice[] = [];
    let token: string | undefined;
    do {
        const input = { ServiceCode: query.serviceCode, Filters: productFilters(query, region), FormatVersion: "aws_v1", NextToken: token, MaxResults: 100 };
        let page;
        for (let attempt = 1; ; attempt++) {
            try {
                page = await withDeadline((abortSignal) => client.send(new GetProductsCommand(input), { abortSignal }), policy.timeoutMs,
                    `GetProducts ${query.serviceCode} from ${endpoint}`);
                break;
            } catch (e: any) {
                const text = `${e?.name ?? "Error"}: ${e?.message ?? e}`;
                if (e?.name === "CredentialsProviderError" || /Could not load credentials/i.test(text)) {
                    throw new PriceListError(`no AWS credentials for ${endpoint}: ${text}. Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and `
                        + `AWS_SECRET_ACCESS_KEY${partitionOf(endpointRegion) === "aws-cn" ? ", of an account in the China regions (aws-cn)" : ""}.`);
                }
                if (/AccessDenied|UnrecognizedClient|InvalidClientTokenId|ExpiredToken/.test(text)) {
                    throw new PriceListError(`${endpoint} refused the credentials: ${text}. They need pricing:GetProducts`
                        + `${partitionOf(endpointRegion) === "aws-cn" ? " in an aws-cn account" : ""}.`);
                }
                if (!retryable(e)) throw new PriceListError(`GetProducts ${query.serviceCode} from ${endpoint} failed: ${text}`);
                if (attempt >= policy.attempts) {
                    throw new PriceListError(`${endpoint} is unreachable or failing after ${attempt} attempts `
                        + `(GetProducts ${query.serviceCode}, each with a ${policy.timeoutMs} ms deadline): ${text}`);
                }
                await policy.sleep(policy.backoffMs(attempt));
            }
        }
        for (const entry of page.PriceList ?? []) {
            const p = readProduct(typeof entry === "string" ? entry : JSON.stringify(entry), currency);
            if (p) products.push(p);
        }
        token = page.NextToken;
    } while (token);
    return products;
}

/** The outcome of a refresh of one region. */
export interface RegionRefresh {
    region: string;
    /** The region's new entry: refreshed figures, and the figures not found kept as they were. */
    entry: RegionPriceTable;
    /** `field` or `field.key` of every refreshed figure. */
    refreshed: string[];
    /** Figures not refreshed, with why (kept from the old entry when it had them). */
    notFound: string[];
}

/** The keys of each keyed field to price: those any region of the table has. */
export function keysToPrice(table: PriceTable): Record<KeyedField, string[]> {
    const keys = Object.fromEntries(KEYED_FIELDS.map((f) => [f, new Set<string>()])) as Record<KeyedField, Set<string>>;
    for (const entry of Object.values(table)) {
        for (const f of KEYED_FIELDS) for (const k of Object.keys(entry.figures[f] ?? {})) keys[f].add(k);
    }
    return Object.fromEntries(KEYED_FIELDS.map((f) => [f, [...keys[f]].sort()])) as Record<KeyedField, string[]>;
}

function figureOf(products: ProductPrice[], query: FigureQuery, what: string): PriceFigure | string {
    const found = matching(products, query);
    if (found.length === 0) return `${what}: no product matched (${query.serviceCode}${query.usagetypeSuffix ? `, usage type *${query.usagetypeSuffix}` : ""})`;
    const prices = new Set(found.map((p) => p.price));
    if (prices.size > 1) return `${what}: ${found.length} products with different prices (${[...prices].join(", ")}); not chosen by guess`;
    const p = found[0];
    const day = p.publicationDate.slice(0, 10);
    return {
        value: p.price * (query.perUnit ?? 1),
        source: `Price List API ${query.serviceCode} SKU ${p.sku}, offer term ${p.offerTermCode}, usage type ${p.usagetype} (publication ${p.publicationDate})`,
        ...(day ? { asOf: day } : {}),
    };
}

/**
 * Prices every figure of the table for `region` from the Price List API and returns the new
 * entry. `today` dates the entry (YYYY-MM-DD). Throws PriceListError when the API cannot be
 * used at all (credentials, endpoint); a single figure it has no answer for is kept and listed.
 */
export async function refreshRegion(client: PricingClient, region: string, table: PriceTable, today: string,
    policy: CallPolicy = DEFAULT_CALL_POLICY): Promise<RegionRefresh> {
    const currency = currencyOf(region);
    const endpointRegion = priceListEndpointRegion(region);
    const old = table[region];
    const figures: PriceFigures = {};
    const refreshed: string[] = [];
    const notFound: string[] = [];
    // Kept figures carry their own date, so the entry's new date never re-dates them.
    const keep = (f: PriceFigure | undefined): PriceFigure | undefined => (f ? { ...f, asOf: f.asOf ?? old!.asOf } : undefined);
    for (const field of SCALAR_FIELDS as readonly ScalarField[]) {
        const query = SCALAR_QUERIES[field];
        const got = figureOf(await getProducts(client, endpointRegion, query, region, currency, policy), query, field);
        if (typeof got === "string") {
            notFound.push(got);
            const kept = keep(old?.figures[field]);
            if (kept) figures[field] = kept;
        } else {
            figures[field] = got;
            refreshed.push(field);
        }
    }
    for (const [field, keys] of Object.entries(keysToPrice(table)) as [KeyedField, string[]][]) {
        const byKey: Record<string, PriceFigure> = {};
        for (const key of keys) {
            const query = KEYED_QUERIES[field](key);
            const got = figureOf(await getProducts(client, endpointRegion, query, region, currency, policy), query, `${field}.${key}`);
            if (typeof got === "string") {
                notFound.push(got);
                const kept = keep(old?.figures[field]?.[key]);
                if (kept) byKey[key] = kept;
            } else {
                byKey[key] = got;
                refreshed.push(`${field}.${key}`);
            }
        }
        if (Object.keys(byKey).length > 0) figures[field] = byKey;
    }
    return { region, entry: { currency, asOf: today, figures }, refreshed, notFound };
}
