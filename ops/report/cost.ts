// Offline monthly cost ESTIMATE of a planned stack, per stack and per top-level component.
//
// It prices what the offline plan recorded (ops/offline/planner.ts): quantities come from the
// resources' inputs (instance types, counts, Multi-AZ, storage) and from three usage keys in
// stack config that no resource carries (media stored, media written per month, DB changes per
// month); the rules are in ./costRules.ts and the prices in ./prices.json. It is a list-price
// estimate for comparing prod with the pilot light, not a bill: data processing, requests, CPU
// credits, support, tax and the free tier are left out, and each estimate says so in its notes.
//
// Never a silent zero: every planned item without a price (a region or figure the table lacks,
// a billable type without a rule) is listed in `unpriced` and left out of the total, and the
// reports say so. Amounts are in the region's billing currency (CNY in China); totals in
// different currencies are never added or compared.
import type { StackPlan } from "../offline/planner";
import {
    addUnpriced, CostItem, figureText, Run, UnpricedItem, usage,
} from "./costLines";
import { FREE_TYPES, HANDLERS } from "./costRules";
import { Currency, currencyOf, currencySign, HOURS_PER_MONTH, PRICES, PriceTable, regionPrices } from "./prices";
import { currentDate } from "../../policies/lib/lifecycle";

export type { CostItem, UnpricedItem } from "./costLines";
export { STACK_COMPONENT } from "./costLines";

/** The monthly cost estimate of one planned stack. */
export interface CostEstimate {
    /** The stack name, e.g. `prod`. */
    stack: string;
    /** The stack's AWS region, whose prices were used. */
    region: string;
    /** Whether the plan was of a promoted dr stack. */
    promote: boolean;
    /** The currency of every amount: the region's billing currency. */
    currency: Currency;
    /** The date the region's prices represent; undefined when the table has no prices for the region. */
    pricesAsOf: string | undefined;
    /** Sum of the priced items' `monthly`, not rounded; it leaves `unpriced` out. */
    monthly: number;
    /** Per month by top-level component (see CostItem.component), priced items only. */
    byComponent: Record<string, number>;
    /** Every line, grouped by component; unpriced lines have `unitPrice: null`. */
    items: CostItem[];
    /** Every planned item without a price, with what is missing and why. */
    unpriced: UnpricedItem[];
    /** Assumptions and exclusions, to print with the figures. */
    notes: string[];
}

/** Tuning of {@link estimateCost}. */
export interface CostOptions {
    /**
     * LCUs each Application Load Balancer is assumed to use on average all month. Default `1`
     * (an idle-to-light site). Must be ≥ 0. https://aws.amazon.com/elasticloadbalancing/pricing/
     */
    albLcus?: number;
    /** The price table. Default: the bundled PRICES. Tests pass their own. */
    prices?: PriceTable;
    /**
     * The day the estimate is for, `YYYY-MM-DD`: it decides which RDS engine versions are billed
     * for Extended Support (ops/report/extendedSupport.ts). Default: today (UTC).
     */
    today?: string;
}

/** Default of {@link CostOptions.albLcus}. */
export const DEFAULT_ALB_LCUS = 1;

const S3_BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);

function sum(values: number[]): number {
    return values.reduce((a, b) => a + b, 0);
}

/** The general notes every estimate carries. */
function generalNotes(run: Run, currency: Currency): string[] {
    const asOf = run.prices ? `list prices as of ${run.prices.asOf}` : `no prices for ${run.plan.region}`;
    return [
        `Estimate: ${asOf}; excludes data processing, requests, and free tier. Prices are ${currency} On-Demand `
        + `(Linux) at ${HOURS_PER_MONTH} h/month, without CPU credits of burstable (T) instances, support, tax or any Savings Plan or Reserved Instance discount.`,
        `Not priced: NAT gateway data processing (${figureText(run, { field: "natGatewayProcessedGb" })}/GB), ALB LCUs above ${run.albLcus} per ALB `
        + `(${figureText(run, { field: "albLcuHour" })}/LCU-hour), internet and cross-AZ data transfer, S3/KMS/Secrets Manager requests, CloudWatch Logs ingestion and storage.`,
        `Usage assumptions from stack config: ${run.ns}:mediaStorageGb = ${usage(run, "mediaStorageGb")} GB, `
        + `${run.ns}:mediaMonthlyWriteGb = ${usage(run, "mediaMonthlyWriteGb")} GB/month, `
        + `${run.ns}:dbMonthlyChangeGb = ${usage(run, "dbMonthlyChangeGb")} GB/month.`,
        "Cross-region transfer (RDS binlog to a replica in the peer region, S3 replication) is counted on the sending side: in prod's "
        + "estimate in normal operation, in the promoted dr's during failback. Inbound transfer is free, so the receiving stack carries none of it.",
    ];
}

/**
 * Estimates the monthly cost of a planned stack from its recorded resources and the price
 * table. Never throws for an unknown type, class or region, and never counts it as 0: the
 * line gets `unitPrice: null` and the item is listed in `unpriced` with the reason.
 */
export function estimateCost(plan: StackPlan, options: CostOptions = {}): CostEstimate {
    const resources = plan.resources ?? [];
    const table = options.prices ?? PRICES;
    const prices = regionPrices(plan.region, table);
    const run: Run = {
        plan,
        ns: plan.project ?? "pilot-light",
        prices,
        tableRegions: Object.keys(table),
        albLcus: Math.max(0, options.albLcus ?? DEFAULT_ALB_LCUS),
        byUrn: new Map(resources.map((r) => [r.urn, r])),
        items: [],
        unpriced: [],
        notes: [],
        today: options.today ?? currentDate(),
        stopped: new Set(resources.filter((r) => r.type === "aws:ec2transitgateway/instanceState:InstanceState" && r.inputs.state === "stopped")
            .map((r) => String(r.inputs.instanceId))),
    };
    for (const r of resources) {
        const handler = HANDLERS[r.type];
        if (handler) {
            handler(r, run);
        } else if (r.custom && r.type.startsWith("aws:") && !FREE_TYPES.has(r.type)) {
            addUnpriced(run, r, `${r.type}`, "no pricing rule for this resource type in ops/report/costRules.ts");
        }
    }
    if (resources.filter((r) => S3_BUCKET_TYPES.has(r.type)).length > 1) {
        run.notes.push(`Every S3 bucket is priced as holding ${run.ns}:mediaStorageGb of media.`);
    }
    // Grouped by component for reading; within a component, in registration order (stable sort).
    run.items.sort((a, b) => (a.component < b.component ? -1 : a.component > b.component ? 1 : 0));
    const byComponent: Record<string, number> = {};
    for (const item of run.items.filter((i) => i.unitPrice !== null)) {
        byComponent[item.component] = (byComponent[item.component] ?? 0) + item.monthly;
    }
    const currency = prices?.currency ?? currencyOf(plan.region);
    return {
        stack: plan.stack,
        region: plan.region,
        promote: plan.promote ?? false,
        currency,
        pricesAsOf: prices?.asOf,
        monthly: sum(run.items.map((i) => i.monthly)),
        byComponent,
        items: run.items,
        unpriced: run.unpriced,
        // A bad usage key is reported by every line that reads it: once is enough.
        notes: [...new Set([...generalNotes(run, currency), ...run.notes])],
    };
}

/** The monthly totals of prod and dr in both states, and whether they can be compared. */
export interface CostComparison {
    /** The common currency, or undefined when the three are not in one currency (never converted). */
    currency: Currency | undefined;
    prod: number;
    drStandby: number;
    drPromoted: number;
    /**
     * drStandby ÷ prod, a fraction from 0 to 1 for a pilot light; undefined when the currencies
     * differ, prod's total is 0, or either of the two has unpriced items (a share of partial
     * totals would be wrong in an unknown direction).
     */
    standbyShareOfProd: number | undefined;
    /** Why there is no share, when there is none. */
    noShareReason?: string;
}

/** The three totals side by side, and what the pilot light costs as a share of prod. */
export function compareCosts(prod: CostEstimate, drStandby: CostEstimate, drPromoted: CostEstimate): CostComparison {
    const currencies = new Set([prod.currency, drStandby.currency, drPromoted.currency]);
    const base = { currency: currencies.size === 1 ? prod.currency : undefined, prod: prod.monthly, drStandby: drStandby.monthly, drPromoted: drPromoted.monthly };
    const incomplete = [prod, drStandby].filter((e) => e.unpriced.length > 0);
    const noShareReason = prod.currency !== drStandby.currency
        ? `prod is billed in ${prod.currency} and dr in ${drStandby.currency}; amounts in different currencies are not compared`
        : incomplete.length > 0
            ? `${incomplete.map((e) => `${e.stack}${e === drStandby ? " standby" : ""} has ${e.unpriced.length} unpriced item${e.unpriced.length === 1 ? "" : "s"}`).join(" and ")}`
            : prod.monthly <= 0 ? "prod's estimate is 0" : undefined;
    return noShareReason === undefined
        ? { ...base, standbyShareOfProd: drStandby.monthly / prod.monthly }
        : { ...base, standbyShareOfProd: undefined, noShareReason };
}

/** Rounds to cents (fen), half away from zero for positive amounts. */
export function roundMoney(amount: number): number {
    return Math.round((amount + Number.EPSILON) * 100) / 100;
}

/** An amount with its currency's sign, e.g. `$1,234.50` or `¥1,234.50`. */
export function formatMoney(amount: number, currency: Currency): string {
    return `${currencySign(currency)}${roundMoney(amount).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A stack's total as shown in a table: `not priced` when nothing is, `+ N unpriced` when some is not. */
export function formatTotal(e: CostEstimate): string {
    const n = e.unpriced.length;
    if (n > 0 && e.items.every((i) => i.unitPrice === null || i.monthly === 0)) return `not priced (${n} item${n === 1 ? "" : "s"})`;
    return `${formatMoney(e.monthly, e.currency)}${n > 0 ? ` + ${n} unpriced` : ""}`;
}

/** Unpriced items grouped by stack and reason: a heading (`stack (region): reason`) and one `type name: missing` per item. */
export function unpricedGroups(estimates: CostEstimate[]): { heading: string; items: string[] }[] {
    const groups = new Map<string, string[]>();
    for (const e of estimates) {
        for (const u of e.unpriced) {
            const heading = `${e.stack}${e.promote ? " promoted" : ""} (${u.region}): ${u.reason}`;
            groups.set(heading, [...(groups.get(heading) ?? []), `${u.type} ${u.name}: ${u.missing}`]);
        }
    }
    return [...groups].map(([heading, items]) => ({ heading, items }));
}

/** The number of unpriced items over several estimates. */
export function unpricedCount(estimates: CostEstimate[]): number {
    return estimates.reduce((n, e) => n + e.unpriced.length, 0);
}

/** The unpriced items as indented text lines (empty when every item is priced). */
export function renderUnpriced(estimates: CostEstimate[], indent = "  "): string[] {
    const n = unpricedCount(estimates);
    if (n === 0) return [];
    return [`Not priced (${n}; left out of the totals, --strict fails on them):`,
        ...unpricedGroups(estimates).flatMap((g) => [`${indent}${g.heading}`, ...g.items.map((i) => `${indent}${indent}- ${i}`)])];
}

/** The headline: what standby costs as a share of prod, or why that cannot be said. */
export function shareHeadline(prod: CostEstimate, drStandby: CostEstimate, drPromoted: CostEstimate): string {
    const cmp = compareCosts(prod, drStandby, drPromoted);
    return cmp.standbyShareOfProd !== undefined
        ? `dr standby costs ${(cmp.standbyShareOfProd * 100).toFixed(1)}% of prod (${formatMoney(cmp.drStandby, drStandby.currency)} of ${formatMoney(cmp.prod, prod.currency)} per month); `
        + `promoted, dr costs ${formatMoney(cmp.drPromoted, drPromoted.currency)} per month.`
        : `dr standby's share of prod is not estimated: ${cmp.noShareReason}. Totals: prod ${formatTotal(prod)}, dr standby ${formatTotal(drStandby)}, `
        + `dr promoted ${formatTotal(drPromoted)} per month.`;
}

/** `USD list prices as of 2025-01-01`, one part per distinct currency and date. */
export function pricesLabel(estimates: CostEstimate[]): string {
    return [...new Set(estimates.map((e) => (e.pricesAsOf ? `${e.currency} list prices as of ${e.pricesAsOf}` : `no ${e.currency} prices for ${e.region}`)))].join("; ");
}

/**
 * A plain-text table of prod, dr standby and dr promoted per top-level component, headed
 * "ESTIMATE" and the share headline, followed by every unpriced item. Components absent from
 * a stack show `-`; each column is in its stack's currency.
 */
export function renderCostTable(prod: CostEstimate, drStandby: CostEstimate, drPromoted: CostEstimate): string {
    const estimates = [prod, drStandby, drPromoted];
    const headers = ["component", `prod (${prod.region})`, `dr standby (${drStandby.region})`, `dr promoted (${drPromoted.region})`];
    const components = [...new Set(estimates.flatMap((e) => Object.keys(e.byComponent)))].sort();
    const rows = components.map((c) => [c, ...estimates.map((e) => (c in e.byComponent ? formatMoney(e.byComponent[c], e.currency) : "-"))]);
    rows.push(["total per month", ...estimates.map(formatTotal)]);
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("   ");
    const unpriced = renderUnpriced(estimates);
    return [
        `ESTIMATE of the monthly AWS cost (${pricesLabel(estimates)}; excludes data processing, requests, and free tier)`,
        shareHeadline(prod, drStandby, drPromoted),
        "",
        line(headers),
        line(widths.map((w) => "-".repeat(w))),
        ...rows.slice(0, -1).map(line),
        line(widths.map((w) => "-".repeat(w))),
        line(rows[rows.length - 1]),
        ...(unpriced.length > 0 ? ["", ...unpriced] : []),
    ].join("\n");
}

/** The plan command's `--json` "cost" value: amounts rounded to cents (unit prices kept exact). */
export function costJson(estimate: CostEstimate): Record<string, unknown> {
    const usd = estimate.currency === "USD";
    return {
        currency: estimate.currency,
        monthly: roundMoney(estimate.monthly),
        // Kept for readers written before China pricing: present only for USD regions.
        ...(usd ? { monthlyUsd: roundMoney(estimate.monthly) } : {}),
        pricesAsOf: estimate.pricesAsOf ?? null,
        byComponent: Object.fromEntries(Object.entries(estimate.byComponent).map(([k, v]) => [k, roundMoney(v)])),
        items: estimate.items.map((i) => ({
            ...i, monthly: roundMoney(i.monthly), ...(usd ? { unitUsd: i.unitPrice, monthlyUsd: roundMoney(i.monthly) } : {}),
        })),
        unpriced: estimate.unpriced,
    };
}
