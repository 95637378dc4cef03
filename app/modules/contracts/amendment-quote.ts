import { lineAmount, vatMinor } from "~/modules/billing/money";

/**
 * The live quote of an amendment (pure; the tenant's page computes it in the browser and the server
 * again): for each kind that changes, the quantity before and after at the contract's frozen unit
 * price (the site's price list for a kind the contract does not have yet), the new monthly total,
 * the difference, and the setup fees of what is added. Full months; proration belongs to billing.
 */
export const AMENDABLE_KINDS = ["rack_unit", "half_rack", "full_rack", "power_commit_kw", "bandwidth_commit_mbps", "cross_connect"] as const;
export type AmendableKind = (typeof AMENDABLE_KINDS)[number];
export type Quantities = Record<AmendableKind, number>;

/** Largest quantity of one kind an amendment may ask for (the column's check is 100,000). */
export const MAX_AMENDMENT_QUANTITY = 10_000;

export interface AmendmentPrice {
  kind: AmendableKind;
  unitPriceMinor: number;
  setupFeeMinor: number;
  /** The contract already has this kind (frozen price) rather than a price-list price. */
  frozen: boolean;
}

export interface AmendmentQuoteLine {
  kind: AmendableKind;
  before: number;
  after: number;
  unitPriceMinor: number;
  monthlyBeforeMinor: number;
  monthlyAfterMinor: number;
  setupMinor: number;
}

export interface AmendmentQuote {
  lines: AmendmentQuoteLine[];
  /** Recurring total per full month before and after, before VAT (every recurring line of the contract). */
  monthlyBeforeMinor: number;
  monthlyAfterMinor: number;
  differenceMinor: number;
  /** Setup fees of the quantities added, once, before VAT. */
  setupMinor: number;
  /** New monthly total, VAT included. */
  monthlyAfterTotalMinor: number;
  /** A kind without a price at the site (it cannot be added). */
  missingPrices: AmendableKind[];
  /** Some quantity goes down. */
  downgrade: boolean;
  /** Some quantity goes up. */
  upgrade: boolean;
}

export function amendmentQuote(
  current: { monthlyMinor: number; quantities: Quantities },
  next: Quantities,
  prices: readonly AmendmentPrice[],
  vat: { rateBp: number; exempt: boolean },
): AmendmentQuote {
  const lines: AmendmentQuoteLine[] = [];
  const missingPrices: AmendableKind[] = [];
  for (const kind of AMENDABLE_KINDS) {
    const before = current.quantities[kind] ?? 0;
    const after = next[kind] ?? 0;
    if (before === after) continue;
    const price = prices.find((p) => p.kind === kind);
    if (!price) {
      missingPrices.push(kind);
      continue;
    }
    lines.push({
      kind,
      before,
      after,
      unitPriceMinor: price.unitPriceMinor,
      monthlyBeforeMinor: lineAmount(price.unitPriceMinor, before),
      monthlyAfterMinor: lineAmount(price.unitPriceMinor, after),
      setupMinor: after > before ? lineAmount(price.setupFeeMinor, after - before) : 0,
    });
  }
  const differenceMinor = lines.reduce((s, l) => s + l.monthlyAfterMinor - l.monthlyBeforeMinor, 0);
  const monthlyAfterMinor = current.monthlyMinor + differenceMinor;
  return {
    lines,
    monthlyBeforeMinor: current.monthlyMinor,
    monthlyAfterMinor,
    differenceMinor,
    setupMinor: lines.reduce((s, l) => s + l.setupMinor, 0),
    monthlyAfterTotalMinor: monthlyAfterMinor + vatMinor(monthlyAfterMinor, vat.rateBp, vat.exempt),
    missingPrices,
    downgrade: lines.some((l) => l.after < l.before),
    upgrade: lines.some((l) => l.after > l.before),
  };
}
