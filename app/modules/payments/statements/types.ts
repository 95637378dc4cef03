import type { Currency, StatementDateFormat } from "#db/schema";

/**
 * What every statement parser gives back (CSV, MT940, CAMT.053): the incoming lines of the file,
 * amounts already in integer minor units of their currency, dates as YYYY-MM-DD. Outgoing lines
 * (debits, negative amounts) are only counted. A file with any bad line is refused whole, with
 * each problem by line, so nothing of it is written.
 */
export type StatementCurrency = Extract<Currency, "XOF" | "XAF" | "USD">;
export const STATEMENT_CURRENCIES = ["XOF", "XAF", "USD"] as const satisfies readonly StatementCurrency[];

export interface StatementEntry {
  /** The line's place in the file (1-based; for XML, the entry's rank). */
  line: number;
  bookedOn: string;
  amountMinor: number;
  currency: StatementCurrency;
  label: string;
  payer: string | null;
  transactionId: string | null;
}

export type IssueProblem =
  | "empty"
  | "tooLarge"
  | "tooMany"
  | "notText"
  | "header"
  | "malformed"
  | "date"
  | "dateRange"
  | "amount"
  | "amountTooLarge"
  | "currency"
  | "transactionId"
  | "control"
  | "xml"
  | "camt"
  | "mt940";

export interface StatementIssue {
  line: number | null;
  problem: IssueProblem;
  /** The column (CSV) or field (MT940 tag, CAMT element) at fault, when known. */
  field?: string;
}

export type ParseResult = { ok: true; entries: StatementEntry[]; total: number; outgoing: number } | { ok: false; issues: StatementIssue[] };

export interface ParseOptions {
  /** The currency of the site's account: lines without a currency are in it. */
  siteCurrency: StatementCurrency;
  /** The latest booking date accepted (the site's today, plus a day of margin by the caller). */
  latestOn: string;
}

export interface CsvMapping {
  delimiter: "," | ";" | "|" | "\t";
  dateColumn: string;
  amountColumn: string;
  currencyColumn: string | null;
  labelColumn: string;
  transactionIdColumn: string | null;
  payerColumn: string | null;
  dateFormat: StatementDateFormat;
  decimalSeparator: "." | ",";
}

/** Limits of one file. */
export const STATEMENT_MAX_BYTES = 2 * 1024 * 1024;
export const STATEMENT_MAX_LINES = 5_000;
/** Problems reported at most for one refused file. */
export const MAX_ISSUES = 50;
