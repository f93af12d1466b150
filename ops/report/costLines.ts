// The lines of a cost estimate and how each is priced: the types shared by the pricing rules
// (./costRules.ts) and the estimate (./cost.ts). A line whose figure the price table lacks is
// recorded as unpriced with the reason, never counted as 0.
import type { RecordedResource } from "../offline/engine";
import { defaultOf } from "../../stacks/configSchema";
import type { StackPlan } from "../offline/planner";
import { currencySign, PriceFigure, priceFigure, PriceRef, RegionPriceTable } from "./prices";

/** One line of an estimate. Amounts are in the estimate's currency. */
export interface CostItem {
    /** URN of the resource the line belongs to. */
    urn: string;
    /** Its Pulumi type token, e.g. `aws:rds/instance:Instance`. */
    type: string;
    /** Its Pulumi resource name. */
    name: string;
    /** Its top-level component as `name (Type)`, e.g. `database (Database)`; `stack` when it has none. */
    component: string;
    /** What is billed, in words. */
    description: string;
    /** Billed quantity per month, in `unit`. */
    quantity: number;
    /** The unit of `quantity` and `unitPrice`, e.g. `instance-hours`, `GB-month`. */
    unit: string;
    /** List price per unit; null when the table lacks it (the line is then in `unpriced`, not in the total). */
    unitPrice: number | null;
    /** quantity × unitPrice per month, not rounded; 0 when unpriced. */
    monthly: number;
    /** Where unitPrice comes from (the table's source of the figure); absent when unpriced. */
    priceSource?: string;
}

/** A planned item without a price: it is left out of the total, and said so. */
export interface UnpricedItem {
    urn: string;
    type: string;
    name: string;
    /** The region whose price is missing. */
    region: string;
    component: string;
    /** The price that is missing, e.g. `RDS MySQL instance class "db.t4g.medium"`. */
    missing: string;
    /** Why it is missing and what to do. */
    reason: string;
}

/** The working state of one estimate. */
export interface Run {
    plan: StackPlan;
    ns: string;
    prices: RegionPriceTable | undefined;
    /** The regions the table has, for the missing-region reason. */
    tableRegions: string[];
    albLcus: number;
    byUrn: Map<string, RecordedResource>;
    items: CostItem[];
    unpriced: UnpricedItem[];
    notes: string[];
    /** IDs of instances an InstanceState keeps stopped: no compute charge. */
    stopped: Set<string>;
    /** CostOptions.today: the day that decides which RDS engine versions are in Extended Support. */
    today: string;
}

/** How a line is priced: a figure of the table, deliberately nothing, or no rule yet. */
export type Pricing = PriceRef | { negligible: true } | { noRule: string }
    /** A figure from a dated table of its own (e.g. ./extendedSupport.ts); `reason` says why it may be missing. */
    | { fixed: PriceFigure | undefined; reason: string };

export type Handler = (r: RecordedResource, run: Run) => void;

/** The byComponent key of resources outside any component. */
export const STACK_COMPONENT = "stack";

/** The top-level component of `r` as `name (Type)`, or STACK_COMPONENT. */
export function componentOf(r: RecordedResource, byUrn: Map<string, RecordedResource>): string {
    let top: RecordedResource | undefined;
    let cur: RecordedResource | undefined = r;
    const seen = new Set<string>();
    while (cur && cur.type !== "pulumi:pulumi:Stack" && !seen.has(cur.urn)) {
        seen.add(cur.urn);
        if (!cur.custom) top = cur;
        cur = cur.parent ? byUrn.get(cur.parent) : undefined;
    }
    return top ? `${top.name} (${top.type.split(":").pop()})` : STACK_COMPONENT;
}

/** Records `r` as unpriced: `missing` names the price, `reason` says why and what to do. */
export function addUnpriced(run: Run, r: RecordedResource, missing: string, reason: string): void {
    run.unpriced.push({ urn: r.urn, type: r.type, name: r.name, region: run.plan.region, component: componentOf(r, run.byUrn), missing, reason });
}

function missingReason(run: Run): string {
    const region = run.plan.region;
    const refresh = `refresh it with \`npm run prices -- --region ${region}\` (AWS credentials needed)`;
    return run.prices
        ? `the bundled price table (ops/report/priceTable.json, ${region} as of ${run.prices.asOf}) has no such figure; ${refresh}`
        : `the bundled price table has no prices for ${region} (it has ${run.tableRegions.join(", ")}); ${refresh}`;
}

/** Adds a line; `what` names the figure in the unpriced report. */
export function add(run: Run, r: RecordedResource, description: string, quantity: number, unit: string, pricing: Pricing, what: string): void {
    let figure: PriceFigure | undefined;
    if ("negligible" in pricing) {
        figure = { value: 0, source: "negligible by design (see the description)" };
    } else if ("noRule" in pricing) {
        addUnpriced(run, r, what, pricing.noRule);
    } else if ("fixed" in pricing) {
        figure = pricing.fixed;
        if (!figure) addUnpriced(run, r, what, pricing.reason);
    } else {
        figure = priceFigure(run.prices, pricing);
        if (!figure) addUnpriced(run, r, what, missingReason(run));
    }
    run.items.push({
        urn: r.urn, type: r.type, name: r.name, component: componentOf(r, run.byUrn), description, quantity, unit,
        unitPrice: figure?.value ?? null, monthly: figure ? quantity * figure.value : 0,
        ...(figure ? { priceSource: figure.source } : {}),
    });
}

/** A figure for a note, e.g. `¥0.277`, or `?` when the table lacks it. */
export function figureText(run: Run, ref: PriceRef): string {
    const f = priceFigure(run.prices, ref);
    return f === undefined ? "?" : `${currencySign(run.prices!.currency)}${f.value}`;
}

/** A usage figure from the stack's config (stacks/configSchema.ts), or its default for a plan without one. */
export function usage(run: Run, key: "mediaStorageGb" | "mediaMonthlyWriteGb" | "dbMonthlyChangeGb"): number {
    return run.plan.settings?.[key] ?? defaultOf(key)!;
}

export function num(v: unknown): number | undefined {
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

