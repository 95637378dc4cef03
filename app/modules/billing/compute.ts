/**
 * The arithmetic of an invoice, pure and database-free: the billing run gathers a contract's frozen
 * lines, dates and usage figures, and this module turns them into invoice lines and totals.
 *
 * Money is integer minor units (XOF, XAF: francs; USD, CDF: cents), never floating point: every
 * product is taken in BigInt and rounded half-up once per line (see money.ts). Quantities are exact
 * decimal strings ("78.9", "1234.5"). Calendar dates are `YYYY-MM-DD` strings of the site's calendar;
 * `end_on` is the contract's last day of service (inclusive), null while open-ended.
 */
import type { ProductKind } from "#db/schema";
import { decimalToMicros, microsToDecimal, priceTimesDecimal, roundHalfUp, sumMinor, toSafeNumber, vatMinor } from "./money";
import { formatMessage } from "~/i18n/format";

export const INVOICE_LINE_KINDS = ["recurring", "setup", "energy", "bandwidth_overage", "one_off", "early_termination"] as const;
export type InvoiceLineKind = (typeof INVOICE_LINE_KINDS)[number];

export interface ComputedLine {
  contractId: string | null;
  kind: InvoiceLineKind;
  descriptionFr: string;
  descriptionEn: string;
  /** Exact decimal string ("14", "78.9"). */
  quantity: string;
  unitPriceMinor: number;
  amountMinor: number;
  /** Recurring lines: the days of the month the version was in force. */
  days?: number;
}

/**
 * A version of a contract line (`contract_lines`): quantity and prices frozen at approval, or at the
 * amendment or renewal that made it, in force from `valid_from` to `valid_to` (inclusive). Without
 * dates a line is in force for the whole contract (the version signed at approval).
 */
export interface FrozenLine {
  kind: ProductKind;
  name_fr: string;
  name_en: string;
  quantity: number;
  unit_price_minor: number;
  setup_fee_minor: number;
  valid_from?: string;
  valid_to?: string | null;
}

/** Products billed on use, never as a monthly charge (their frozen quantity is 0). */
const METERED: readonly ProductKind[] = ["energy_kwh", "bandwidth_overage_mbps", "remote_hands_hour"];

export interface OneOffCharge {
  /** Day the work was done or the charge arose; it lands on that month's invoice. */
  on: string;
  descriptionFr: string;
  descriptionEn: string;
  /** Exact decimal (hours of remote hands, or "1"). */
  quantity: string;
  unitPriceMinor: number;
}

export interface ContractBillingInput {
  contractId: string;
  startOn: string;
  endOn: string | null;
  termMonths: number;
  lines: readonly FrozenLine[];
  /** Committed Mbps for the month, weighted by day across versions (`contract_commit_mbps`, ADR 015); exact decimal. */
  commitMbps: number | string;
  usage?: {
    /** kWh consumed in the month (counter deltas with resets), exact decimal; null = no reading. */
    energyKwh: string | null;
    /** 95th percentile of max(in, out) over the month, exact decimal; null = no sample. */
    p95Mbps: string | null;
    samples: number;
  };
  oneOffs?: readonly OneOffCharge[];
  /** An operator waived the early-termination charges (with an audited reason). */
  earlyTerminationWaived?: boolean;
  /**
   * Last day of the commitment in force on the last day of service, after tacit renewals
   * (`contract_commitment_end`, app/modules/renewals); omitted = the first one, start + term − 1 day.
   */
  commitmentEndOn?: string;
}

// ---------------------------------------------------------------------------------------------
// Calendar (pure: day numbers since the epoch, UTC arithmetic on calendar dates)

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PERIOD_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

function parsePeriod(period: string): { year: number; month: number } {
  const m = PERIOD_RE.exec(period);
  if (!m) throw new RangeError(`not a period YYYY-MM: ${period}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

function dayNumber(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a date YYYY-MM-DD: ${date}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const n = Date.UTC(y, mo - 1, d) / DAY_MS;
  if (dateOf(n) !== date) throw new RangeError(`no such day: ${date}`);
  return n;
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `date` ± `days` calendar days (`2026-03-15`, -1 → `2026-03-14`). */
export const addDays = (date: string, days: number) => dateOf(dayNumber(date) + days);

/** Days in a month `YYYY-MM` (28, 29, 30 or 31). */
export function daysInMonth(period: string): number {
  const { year, month } = parsePeriod(period);
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The last day of a month: `2026-02` → `2026-02-28`. */
export const lastDayOf = (period: string) => `${period}-${String(daysInMonth(period)).padStart(2, "0")}`;

/** The month before a `YYYY-MM` month (`2026-01` → `2025-12`). */
export function previousMonth(period: string): string {
  const { year, month } = parsePeriod(period);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, "0")}`;
}

function monthBounds(period: string): { first: number; last: number } {
  const { year, month } = parsePeriod(period);
  const first = Date.UTC(year, month - 1, 1) / DAY_MS;
  return { first, last: first + daysInMonth(period) - 1 };
}

/** Calendar days (inclusive) a contract from `startOn` to `endOn` (inclusive; null = open) is active inside the month. */
export function activeDaysInPeriod(period: string, startOn: string, endOn: string | null): number {
  const { first, last } = monthBounds(period);
  const from = Math.max(first, dayNumber(startOn));
  const to = Math.min(last, endOn === null ? last : dayNumber(endOn));
  return Math.max(0, to - from + 1);
}

/** `date` + `months` calendar months, the day clamped to the target month's length (31 Jan + 1 → 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const n = dayNumber(date);
  const d = new Date(n * DAY_MS);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const period = target.toISOString().slice(0, 7);
  const day = Math.min(d.getUTCDate(), daysInMonth(period));
  return `${period}-${String(day).padStart(2, "0")}`;
}

/**
 * Last day (inclusive) of a contract's commitment: the day before start + term months.
 * 2026-03-17 + 12 months → commitment until 2027-03-16; 2026-01-31 + 1 month → 2026-02-27.
 */
export function commitmentEndOn(startOn: string, termMonths: number): string {
  return dateOf(dayNumber(addMonths(startOn, termMonths)) - 1);
}

// ---------------------------------------------------------------------------------------------
// Amounts

/** round_half_up(monthly × activeDays / daysInMonth), exact. A full month is the monthly price. */
export function prorate(monthlyMinor: number, activeDays: number, daysInMonthCount: number): number {
  if (!Number.isInteger(monthlyMinor) || monthlyMinor < 0) throw new RangeError("monthly amount must be a non-negative integer");
  if (!Number.isInteger(daysInMonthCount) || daysInMonthCount < 1) throw new RangeError("days in month must be a positive integer");
  if (!Number.isInteger(activeDays) || activeDays < 0 || activeDays > daysInMonthCount) throw new RangeError("active days out of range");
  return toSafeNumber(roundHalfUp(BigInt(monthlyMinor) * BigInt(activeDays), BigInt(daysInMonthCount)));
}

const monthlyOf = (l: FrozenLine) => toSafeNumber(BigInt(l.unit_price_minor) * BigInt(l.quantity));
const isRecurring = (l: FrozenLine) => l.quantity > 0 && l.unit_price_minor > 0 && !METERED.includes(l.kind);

/** First and last day (day numbers; last = null when open) a version is in force within its contract. */
function versionSpan(l: FrozenLine, c: Pick<ContractBillingInput, "startOn" | "endOn">): { from: number; to: number | null } {
  const from = Math.max(dayNumber(c.startOn), l.valid_from ? dayNumber(l.valid_from) : -Infinity);
  const ends = [c.endOn, l.valid_to ?? null].filter((d): d is string => d !== null).map(dayNumber);
  return { from, to: ends.length ? Math.min(...ends) : null };
}

/** The versions in force on a day (one per kind). */
export function linesOn(lines: readonly FrozenLine[], day: string): FrozenLine[] {
  return lines.filter((l) => (!l.valid_from || l.valid_from <= day) && (l.valid_to == null || l.valid_to >= day));
}

export interface EarlyTermination {
  /** First and last day still due (the day after the end → the last day of the commitment). */
  fromOn: string;
  toOn: string;
  fullMonths: number;
  /** Partial months at either end: days due / days of that month. */
  partials: { period: string; days: number; daysInMonth: number; amountMinor: number }[];
  amountMinor: number;
}

/**
 * The recurring charges still due when a contract ends before its commitment, or null when it does
 * not (open-ended, or ended on or after its commitment's last day).
 *
 * The rule, exactly: the commitment runs from `start_on` to `start_on + term months − 1 day`
 * (`commitmentEndOn`). What is due covers the day after `end_on` through that last day. That span
 * is cut at month boundaries: each calendar month it covers entirely counts the monthly price
 * (Σ unit price × quantity of the contract's recurring lines); a month it covers partly (the rest of
 * the month of termination, and the commitment's last month when it does not end on a month end)
 * counts round_half_up(monthly × days covered / days in that month), rounded per partial month, the
 * same proration as a recurring line. amount = full months × monthly + Σ partial months.
 */
export function earlyTermination(input: Pick<ContractBillingInput, "startOn" | "endOn" | "termMonths" | "lines" | "commitmentEndOn">): EarlyTermination | null {
  if (input.endOn === null) return null;
  const lastDay = dayNumber(input.commitmentEndOn ?? commitmentEndOn(input.startOn, input.termMonths));
  const end = dayNumber(input.endOn);
  if (end >= lastDay) return null;
  // The versions in force on the last day of service are what the commitment still owes.
  const monthly = sumMinor(linesOn(input.lines, input.endOn).filter(isRecurring).map(monthlyOf));
  const partials: EarlyTermination["partials"] = [];
  let fullMonths = 0;
  let day = end + 1;
  while (day <= lastDay) {
    const period = dateOf(day).slice(0, 7);
    const { last } = monthBounds(period);
    const to = Math.min(last, lastDay);
    const days = to - day + 1;
    const dim = daysInMonth(period);
    if (days === dim) fullMonths += 1;
    else partials.push({ period, days, daysInMonth: dim, amountMinor: prorate(monthly, days, dim) });
    day = to + 1;
  }
  const amountMinor = toSafeNumber(BigInt(monthly) * BigInt(fullMonths) + BigInt(sumMinor(partials.map((p) => p.amountMinor))));
  return { fromOn: dateOf(end + 1), toOn: dateOf(lastDay), fullMonths, partials, amountMinor };
}

// ---------------------------------------------------------------------------------------------
// Wording (both languages on every line; the PDF shows the invoice's language)

/** The whole months of an early termination, in the invoice line's words (ICU plural: "1 mois complet", "5 full months"). */
const FULL_MONTHS = {
  fr: "{n, plural, one {# mois complet} other {# mois complets}}",
  en: "{n, plural, one {# full month} other {# full months}}",
} as const;

const MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
const MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

const dayFr = (date: string) => {
  const [y, m, d] = date.split("-").map(Number);
  return `${d === 1 ? "1er" : d} ${MONTHS_FR[m - 1]} ${y}`;
};
const dayEn = (date: string) => {
  const [y, m, d] = date.split("-").map(Number);
  return `${d} ${MONTHS_EN[m - 1]} ${y}`;
};
const monthFr = (period: string) => `${MONTHS_FR[parsePeriod(period).month - 1]} ${parsePeriod(period).year}`;
const monthEn = (period: string) => `${MONTHS_EN[parsePeriod(period).month - 1]} ${parsePeriod(period).year}`;

/**
 * A decimal string for reading: thousands grouped, FR with a decimal comma and a no-break space
 * ("8 928", "78,9"), EN with a comma and a dot ("8,928", "78.9"). Exact: no float conversion.
 */
export function formatDecimal(value: string, locale: "fr" | "en"): string {
  const [whole, fraction] = microsToDecimal(decimalToMicros(value)).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, locale === "fr" ? "\u00a0" : ",");
  return fraction ? `${grouped}${locale === "fr" ? "," : "."}${fraction}` : grouped;
}

const canonical = (value: string) => microsToDecimal(decimalToMicros(value));

// ---------------------------------------------------------------------------------------------
// A contract's lines for one month

/**
 * The invoice lines of one contract for `period` (`YYYY-MM`, the site's calendar):
 * - recurring: each frozen line with a quantity, round_half_up(unit × quantity × active days / days
 *   in month); quantity = the contract's quantity, unit price = the monthly unit price;
 * - setup: the setup fee × quantity of each line, in the month the contract starts;
 * - energy: kWh × the frozen energy price, rounded half-up;
 * - bandwidth_overage: max(0, p95 − commit) × the frozen overage price per Mbps (no line at 0);
 * - one_off: charges dated inside the month, quantity × unit price;
 * - early_termination: on the invoice of the month the contract ends, when it ends before its
 *   commitment and the charge was not waived (see `earlyTermination`).
 * A contract not active in the month, with no one-off charge in it, yields no line.
 */
export function invoiceLinesFor(period: string, c: ContractBillingInput): ComputedLine[] {
  const out: ComputedLine[] = [];
  const dim = daysInMonth(period);
  const { first, last } = monthBounds(period);
  const active = activeDaysInPeriod(period, c.startOn, c.endOn);
  const line = (l: Omit<ComputedLine, "contractId">) => out.push({ contractId: c.contractId, ...l });

  // Recurring: each version for the days it is in force within the month (ADR 015).
  if (active > 0) {
    for (const l of c.lines.filter(isRecurring)) {
      const span = versionSpan(l, c);
      const from = Math.max(first, span.from);
      const to = Math.min(last, span.to ?? last);
      if (to < from) continue;
      const days = to - from + 1;
      const spanFr = days === dim ? monthFr(period) : `du ${dayFr(dateOf(from))} au ${dayFr(dateOf(to))} (${days}/${dim} jours)`;
      const spanEn = days === dim ? monthEn(period) : `${dayEn(dateOf(from))} to ${dayEn(dateOf(to))} (${days}/${dim} days)`;
      line({
        kind: "recurring",
        descriptionFr: `${l.name_fr} — ${spanFr}`,
        descriptionEn: `${l.name_en} — ${spanEn}`,
        quantity: String(l.quantity),
        unitPriceMinor: l.unit_price_minor,
        amountMinor: prorate(monthlyOf(l), days, dim),
        days,
      });
    }
  }

  // Setup: the fee × the quantity ADDED by a version (all of it for the first), in the month it starts.
  for (const l of c.lines.filter((x) => x.quantity > 0 && x.setup_fee_minor > 0)) {
    const span = versionSpan(l, c);
    if (span.from < first || span.from > last || (span.to !== null && span.to < span.from)) continue;
    const before = c.lines.find((p) => p.kind === l.kind && p.valid_to != null && dayNumber(p.valid_to) === span.from - 1);
    const added = l.quantity - (before && span.from > dayNumber(c.startOn) ? before.quantity : 0);
    if (added <= 0) continue;
    line({
      kind: "setup",
      descriptionFr: `Frais de mise en service — ${l.name_fr}`,
      descriptionEn: `Setup fee — ${l.name_en}`,
      quantity: String(added),
      unitPriceMinor: l.setup_fee_minor,
      amountMinor: toSafeNumber(BigInt(l.setup_fee_minor) * BigInt(added)),
    });
  }

  // Metered prices: the version in force on the contract's last day of service in the month.
  const lastActive = dateOf(Math.min(last, c.endOn === null ? last : dayNumber(c.endOn)));
  const metered = linesOn(c.lines, lastActive);
  const energy = metered.find((l) => l.kind === "energy_kwh");
  const kwh = c.usage?.energyKwh;
  if (energy && kwh != null && decimalToMicros(kwh) > 0n) {
    line({
      kind: "energy",
      descriptionFr: `${energy.name_fr} — ${formatDecimal(kwh, "fr")} kWh consommés en ${monthFr(period)}`,
      descriptionEn: `${energy.name_en} — ${formatDecimal(kwh, "en")} kWh used in ${monthEn(period)}`,
      quantity: canonical(kwh),
      unitPriceMinor: energy.unit_price_minor,
      amountMinor: priceTimesDecimal(energy.unit_price_minor, kwh),
    });
  }

  const overage = metered.find((l) => l.kind === "bandwidth_overage_mbps");
  const p95 = c.usage?.p95Mbps;
  if (overage && p95 != null) {
    const overMicros = decimalToMicros(p95) - decimalToMicros(String(c.commitMbps));
    if (overMicros > 0n) {
      const over = microsToDecimal(overMicros);
      const samples = String(c.usage?.samples ?? 0);
      line({
        kind: "bandwidth_overage",
        descriptionFr: `${overage.name_fr} — p95 = ${formatDecimal(p95, "fr")} Mbps, engagement ${formatDecimal(String(c.commitMbps), "fr")} Mbps, ${formatDecimal(samples, "fr")} mesures`,
        descriptionEn: `${overage.name_en} — p95 = ${formatDecimal(p95, "en")} Mbps, commit ${formatDecimal(String(c.commitMbps), "en")} Mbps, ${formatDecimal(samples, "en")} samples`,
        quantity: over,
        unitPriceMinor: overage.unit_price_minor,
        amountMinor: priceTimesDecimal(overage.unit_price_minor, over),
      });
    }
  }

  for (const o of c.oneOffs ?? []) {
    const on = dayNumber(o.on);
    if (on < first || on > last) continue;
    line({
      kind: "one_off",
      descriptionFr: `${o.descriptionFr} (${dayFr(o.on)})`,
      descriptionEn: `${o.descriptionEn} (${dayEn(o.on)})`,
      quantity: canonical(o.quantity),
      unitPriceMinor: o.unitPriceMinor,
      amountMinor: priceTimesDecimal(o.unitPriceMinor, o.quantity),
    });
  }

  if (c.endOn !== null && c.endOn.slice(0, 7) === period && !c.earlyTerminationWaived) {
    const et = earlyTermination(c);
    if (et && et.amountMinor > 0) {
      const months = { n: et.fullMonths };
      const partsFr = [et.fullMonths ? formatMessage("fr", FULL_MONTHS.fr, months) : null, ...et.partials.map((p) => `${p.days}/${p.daysInMonth} jours de ${monthFr(p.period)}`)].filter(Boolean);
      const partsEn = [et.fullMonths ? formatMessage("en", FULL_MONTHS.en, months) : null, ...et.partials.map((p) => `${p.days}/${p.daysInMonth} days of ${monthEn(p.period)}`)].filter(Boolean);
      line({
        kind: "early_termination",
        descriptionFr: `Résiliation anticipée — redevances dues du ${dayFr(et.fromOn)} au ${dayFr(et.toOn)}, fin de l'engagement (${partsFr.join(" + ")})`,
        descriptionEn: `Early termination — recurring charges due from ${dayEn(et.fromOn)} to ${dayEn(et.toOn)}, end of commitment (${partsEn.join(" + ")})`,
        quantity: "1",
        unitPriceMinor: et.amountMinor,
        amountMinor: et.amountMinor,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Totals

/** subtotal = Σ lines; VAT once on the subtotal at `vatRateBp` (1800 = 18 %), half-up, 0 when exempt; total = subtotal + VAT. */
export function totals(lines: readonly Pick<ComputedLine, "amountMinor">[], vatRateBp: number, exempt: boolean) {
  const subtotalMinor = sumMinor(lines.map((l) => l.amountMinor));
  const vatAmountMinor = vatMinor(subtotalMinor, vatRateBp, exempt);
  return { subtotalMinor, vatMinor: vatAmountMinor, totalMinor: toSafeNumber(BigInt(subtotalMinor) + BigInt(vatAmountMinor)) };
}
