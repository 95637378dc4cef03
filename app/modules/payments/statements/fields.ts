import { currencyDecimals } from "~/i18n";
import { decimalToMinor } from "~/modules/inventory/schemas.server";
import type { StatementDateFormat } from "#db/schema";
import { STATEMENT_CURRENCIES, type IssueProblem, type StatementCurrency } from "./types";

/**
 * The fields of a statement line, read exactly: amounts by string arithmetic (`decimalToMinor`, the
 * portal's one decimal reader), never through a float; dates as real calendar days.
 */

/** C0 controls and DEL; tab, CR and LF are turned into spaces before this check. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Spaces a bank may use to group thousands: space, no-break space, narrow no-break space, apostrophe. */
const GROUPING = /[\s\u00a0\u202f']/g;

export type Signed = { ok: true; minor: number; negative: boolean } | { ok: false; problem: IssueProblem };

/**
 * A statement amount ("1 345 200", "-25.000,00", "1,234.56", "+15000", "250,00-") in minor units of
 * `currency`, with its sign. The other separator than `decimal` is read as grouping; decimals
 * beyond the currency's must be zeros ("25000,00" in XOF is 25 000 francs).
 */
export function readAmount(raw: string, decimal: "." | ",", currency: StatementCurrency): Signed {
  let text = raw.trim().replace(GROUPING, "");
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1);
  }
  if (/^[+-]/.test(text)) {
    negative = text[0] === "-";
    text = text.slice(1);
  } else if (/[+-]$/.test(text)) {
    negative = text.endsWith("-");
    text = text.slice(0, -1);
  }
  const grouping = decimal === "," ? "." : ",";
  // Grouping only between groups of three digits ("1.345.200"), never "1.5" read as 15.
  if (text.includes(grouping)) {
    if (!new RegExp(`^\\d{1,3}(\\${grouping}\\d{3})+(\\${decimal}\\d*)?$`).test(text)) return { ok: false, problem: "amount" };
    text = text.split(grouping).join("");
  }
  if (decimal === ",") text = text.replace(",", ".");
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return { ok: false, problem: "amount" };
  const decimals = currencyDecimals(currency);
  let fraction = m[2] ?? "";
  if (fraction.length > decimals) {
    if (/[^0]/.test(fraction.slice(decimals))) return { ok: false, problem: "amount" };
    fraction = fraction.slice(0, decimals);
  }
  const whole = m[1].replace(/^0+(?=\d)/, "");
  const result = decimalToMinor(fraction ? `${whole}.${fraction}` : whole, decimals);
  if (!result.ok) return { ok: false, problem: result.error === "inventory.error.amountTooLarge" ? "amountTooLarge" : "amount" };
  return { ok: true, minor: result.minor, negative };
}

const DATE_PATTERNS: Record<StatementDateFormat, { re: RegExp; order: [y: number, m: number, d: number] }> = {
  "YYYY-MM-DD": { re: /^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$/, order: [1, 2, 3] },
  "DD/MM/YYYY": { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: .*)?$/, order: [3, 2, 1] },
  "MM/DD/YYYY": { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: .*)?$/, order: [3, 1, 2] },
  "DD.MM.YYYY": { re: /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: .*)?$/, order: [3, 2, 1] },
  "DD-MM-YYYY": { re: /^(\d{1,2})-(\d{1,2})-(\d{4})(?: .*)?$/, order: [3, 2, 1] },
};

export type DateRead = { ok: true; on: string } | { ok: false; problem: "date" | "dateRange" };

/** A booking date in `format` (a time after it is ignored) → YYYY-MM-DD, a real day in 2000…latestOn. */
export function readDate(raw: string, format: StatementDateFormat, latestOn: string): DateRead {
  const { re, order } = DATE_PATTERNS[format];
  const m = re.exec(raw.trim());
  if (!m) return { ok: false, problem: "date" };
  const [y, mo, d] = order.map((i) => m[i]);
  return checkDay(`${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}`, latestOn);
}

export function checkDay(on: string, latestOn: string): DateRead {
  const date = new Date(`${on}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== on) return { ok: false, problem: "date" };
  if (on < "2000-01-01" || on > latestOn) return { ok: false, problem: "dateRange" };
  return { ok: true, on };
}

/** A currency as written in the file: ISO code, or "FCFA"/"CFA" for the site's own franc. */
export function readCurrency(raw: string | null | undefined, siteCurrency: StatementCurrency): StatementCurrency | null {
  const text = (raw ?? "").trim().toUpperCase().replace(/[\s.]/g, "");
  if (!text) return siteCurrency;
  if ((STATEMENT_CURRENCIES as readonly string[]).includes(text)) return text as StatementCurrency;
  if ((text === "FCFA" || text === "CFA" || text === "F") && siteCurrency !== "USD") return siteCurrency;
  return null;
}

export type TextRead = { ok: true; value: string } | { ok: false; problem: "control" };

/** Free text of a line: tabs and line breaks become spaces, runs of spaces one, cut at `max`; other controls refused. */
export function readText(raw: string | null | undefined, max: number): TextRead {
  const text = (raw ?? "").replace(/[\t\r\n]+/g, " ").replace(/ {2,}/g, " ").trim();
  if (CONTROL.test(text)) return { ok: false, problem: "control" };
  return { ok: true, value: text.slice(0, max).trim() };
}

/** A transaction id: printable, at most 100 characters; empty means none. */
export function readTransactionId(raw: string | null | undefined): { ok: true; value: string | null } | { ok: false; problem: "transactionId" | "control" } {
  const text = (raw ?? "").trim();
  if (!text) return { ok: true, value: null };
  if (CONTROL.test(text)) return { ok: false, problem: "control" };
  if (text.length > 100) return { ok: false, problem: "transactionId" };
  return { ok: true, value: text };
}
