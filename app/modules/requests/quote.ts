import type { ProductKind, RequestableKind } from "#db/schema";
import { lineAmount, vatMinor } from "~/modules/billing/money";

/** What a tenant can put in a request, in the order the form shows them, with their unit. */
export const REQUESTABLE_KINDS = [
  "rack_unit",
  "half_rack",
  "full_rack",
  "cage",
  "power_commit_kw",
  "bandwidth_commit_mbps",
  "cross_connect",
] as const satisfies readonly RequestableKind[];

/**
 * What no rack check can promise: a private cage is built to measure, so its place, power and date
 * are arranged case by case with the operators. The quote prices it as a guide and says so; the
 * availability never answers "available" for it.
 */
export const CASE_BY_CASE_KINDS = ["cage"] as const satisfies readonly RequestableKind[];
export type CaseByCaseKind = (typeof CASE_BY_CASE_KINDS)[number];

/** The kinds of these lines that are arranged case by case (asked for, quantity > 0). */
export function caseByCaseKinds(lines: { kind: RequestableKind; quantity: number }[]): CaseByCaseKind[] {
  return CASE_BY_CASE_KINDS.filter((kind) => lines.some((l) => l.kind === kind && Number.isSafeInteger(l.quantity) && l.quantity > 0));
}

/**
 * Once nothing that was checked is short, the "available ✓" line that fits what was asked for:
 * space and power, the network only, or — with a cage — only the rest of the request; none when a
 * cage (with the power that goes with it) is all there is, since a cage is never "available".
 */
export function availableLine(kinds: readonly RequestableKind[]): "ok" | "okNetwork" | "okRest" | null {
  const cages = kinds.includes("cage");
  const rackSpace = kinds.some((k) => k === "rack_unit" || k === "half_rack" || k === "full_rack");
  if (cages) return kinds.some((k) => k !== "cage" && !(k === "power_commit_kw" && !rackSpace)) ? "okRest" : null;
  return rackSpace || kinds.includes("power_commit_kw") ? "ok" : "okNetwork";
}

export interface PriceItem {
  kind: ProductKind;
  unit_price_minor: number;
  setup_fee_minor: number;
}

export interface QuoteLine {
  kind: RequestableKind;
  quantity: number;
  unitPriceMinor: number;
  monthlyMinor: number;
  setupMinor: number;
}

export interface Quote {
  lines: QuoteLine[];
  /** Recurring charges per full month, before VAT. */
  monthlyMinor: number;
  /** One-time setup fees, before VAT. */
  setupMinor: number;
  /** First full month: recurring + setup, before VAT. */
  subtotalMinor: number;
  vatMinor: number;
  totalMinor: number;
  /** Each later month, VAT included. */
  monthlyTotalMinor: number;
  missingPrices: RequestableKind[];
  /** Priced lines whose kind is arranged case by case with the operators (the figures are a guide). */
  caseByCase: CaseByCaseKind[];
}

/**
 * The live quote of a request (full months; proration belongs to billing):
 * recurring = Σ price × quantity, setup = Σ setup fee × quantity, VAT once on the subtotal.
 */
export function quote(
  lines: { kind: RequestableKind; quantity: number }[],
  prices: PriceItem[],
  vat: { rateBp: number; exempt: boolean },
): Quote {
  const byKind = new Map(prices.map((p) => [p.kind, p]));
  const out: QuoteLine[] = [];
  const missingPrices: RequestableKind[] = [];
  for (const line of lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) continue;
    const price = byKind.get(line.kind);
    if (!price) {
      missingPrices.push(line.kind);
      continue;
    }
    out.push({
      kind: line.kind,
      quantity: line.quantity,
      unitPriceMinor: price.unit_price_minor,
      monthlyMinor: lineAmount(price.unit_price_minor, line.quantity),
      setupMinor: lineAmount(price.setup_fee_minor, line.quantity),
    });
  }
  const monthlyMinor = out.reduce((s, l) => s + l.monthlyMinor, 0);
  const setupMinor = out.reduce((s, l) => s + l.setupMinor, 0);
  const subtotalMinor = monthlyMinor + setupMinor;
  const tax = vatMinor(subtotalMinor, vat.rateBp, vat.exempt);
  return {
    lines: out,
    monthlyMinor,
    setupMinor,
    subtotalMinor,
    vatMinor: tax,
    totalMinor: subtotalMinor + tax,
    monthlyTotalMinor: monthlyMinor + vatMinor(monthlyMinor, vat.rateBp, vat.exempt),
    missingPrices,
    caseByCase: caseByCaseKinds(out),
  };
}
