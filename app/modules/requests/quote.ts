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
  };
}
