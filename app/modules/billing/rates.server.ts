import { parse as parseCsv } from "csv-parse/sync";
import { sql } from "kysely";
import type { Currency } from "#db/schema";
import type { Executor } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { DATE_MAX, DATE_MIN, isCalendarDate } from "~/utils/forms.server";

/**
 * Exchange rates per day (e.g. the central bank's USD→CDF rate), kept by finance. Issuing a KIN
 * invoice freezes the rate of its issue date on the invoice; a rate older than `RATE_MAX_AGE_DAYS`
 * is not good enough (issuing is refused).
 */

export const RATE_MAX_AGE_DAYS = 7;
export const RATE_CURRENCIES = ["XOF", "XAF", "USD", "EUR", "CDF"] as const satisfies readonly Currency[];

/** A positive decimal with at most 12 integer digits and 6 decimals (numeric(18,6)). */
export const RATE_RE = /^(?:0|[1-9]\d{0,11})(?:\.\d{1,6})?$/;

export type RateErrorCode = "bad_currency" | "same_currency" | "bad_date" | "bad_rate";

export class RateError extends Error {
  constructor(readonly code: RateErrorCode) {
    super(`exchange rate refused: ${code}`);
    this.name = "RateError";
  }
}

export interface RateInput {
  from: string;
  to: string;
  /** `YYYY-MM-DD` */
  on: string;
  /** Decimal string with a dot, e.g. `2841.5`. */
  rate: string;
  source?: "manual" | "csv";
}

export interface StoredRate {
  from: Currency;
  to: Currency;
  on: string;
  /** Normalised decimal string (no trailing zeros). */
  rate: string;
}

const isCurrency = (value: string): value is Currency => (RATE_CURRENCIES as readonly string[]).includes(value);

/** Trailing zeros dropped: `2841.500000` → `2841.5`, `3.000000` → `3`. */
export function normaliseRate(value: string): string {
  return value.includes(".") ? value.replace(/0+$/, "").replace(/\.$/, "") : value;
}

/** Checks a rate before anything is written; throws RateError. */
export function validateRate(input: RateInput): StoredRate {
  const from = input.from.trim().toUpperCase();
  const to = input.to.trim().toUpperCase();
  if (!isCurrency(from) || !isCurrency(to)) throw new RateError("bad_currency");
  if (from === to) throw new RateError("same_currency");
  const on = input.on.trim();
  if (!isCalendarDate(on) || on < DATE_MIN || on > DATE_MAX) throw new RateError("bad_date");
  const rate = input.rate.trim();
  if (!RATE_RE.test(rate) || !/[1-9]/.test(rate)) throw new RateError("bad_rate");
  return { from, to, on, rate: normaliseRate(rate) };
}

/**
 * Records (or corrects) the rate of a day. A correction of an existing day replaces it: invoices
 * already issued keep the rate they froze. Audited in the caller's transaction.
 */
export async function setRate(db: Executor, input: RateInput & { actor: Actor | null }): Promise<StoredRate> {
  const rate = validateRate(input);
  const before = await db
    .selectFrom("exchange_rates")
    .select(["rate", "source"])
    .where("from_currency", "=", rate.from)
    .where("to_currency", "=", rate.to)
    .where("rate_on", "=", rate.on)
    .executeTakeFirst();
  await db
    .insertInto("exchange_rates")
    .values({
      from_currency: rate.from,
      to_currency: rate.to,
      rate_on: rate.on,
      rate: rate.rate,
      source: input.source ?? "manual",
      created_by: input.actor?.id ?? null,
    })
    .onConflict((oc) =>
      oc.columns(["from_currency", "to_currency", "rate_on"]).doUpdateSet((eb) => ({
        rate: eb.ref("excluded.rate"),
        source: eb.ref("excluded.source"),
        created_by: eb.ref("excluded.created_by"),
        created_at: sql<Date>`now()`,
      })),
    )
    .execute();
  await recordAudit(db, {
    actor: input.actor,
    action: "billing.rate_set",
    entityType: "exchange_rate",
    entityId: `${rate.from}-${rate.to}-${rate.on}`,
    before: before ? { rate: normaliseRate(before.rate), source: before.source } : null,
    after: { rate: rate.rate, source: input.source ?? "manual" },
  });
  return rate;
}

/**
 * The rate to freeze on a document issued on `on`: the latest rate dated on or before that day and
 * at most `maxAgeDays` older; null when there is none (issuing is refused).
 */
export async function rateForIssue(
  db: Executor,
  input: { from: Currency; to: Currency; on: string; maxAgeDays?: number },
): Promise<{ rate: string; rateOn: string } | null> {
  const maxAge = input.maxAgeDays ?? RATE_MAX_AGE_DAYS;
  const row = await db
    .selectFrom("exchange_rates")
    .select(["rate", "rate_on"])
    .where("from_currency", "=", input.from)
    .where("to_currency", "=", input.to)
    .where("rate_on", "<=", input.on)
    .where("rate_on", ">=", sql<string>`${input.on}::date - ${maxAge}::int`)
    .orderBy("rate_on", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? { rate: normaliseRate(row.rate), rateOn: row.rate_on } : null;
}

/** The latest rates, newest first (the operators' page). */
export async function recentRates(db: Executor, limit = 60): Promise<(StoredRate & { source: "manual" | "csv" })[]> {
  const rows = await db
    .selectFrom("exchange_rates")
    .select(["from_currency", "to_currency", "rate_on", "rate", "source"])
    .orderBy("rate_on", "desc")
    .orderBy("from_currency")
    .orderBy("to_currency")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ from: r.from_currency, to: r.to_currency, on: r.rate_on, rate: normaliseRate(r.rate), source: r.source }));
}

// ---------------------------------------------------------------------------------------------
// CSV import (the operators' rates page)

/** At most this many rates per file (a year of daily rates for a dozen pairs), and this many bytes. */
export const RATE_CSV_MAX_ROWS = 5_000;
export const RATE_CSV_MAX_BYTES = 1_000_000;
/** How many problems a refused import reports at most. */
export const RATE_CSV_MAX_ISSUES = 100;

/** A problem on a line of the file (1 = the header), as a code the page translates. */
export interface RateCsvIssue {
  line: number | null;
  problem: "header" | "malformed" | "columns" | "duplicate" | RateErrorCode;
}

export type RateCsvResult =
  | { ok: true; imported: number; replaced: number; pairs: string[]; firstOn: string; lastOn: string }
  | { ok: false; error: "empty" | "too_many" | "no_pair" }
  | { ok: false; error: "invalid"; issues: RateCsvIssue[]; truncated: boolean };

/**
 * Imports a CSV of rates, all or nothing, in the caller's transaction (each rate through `setRate`,
 * so each is validated and audited as typed by hand, with source `csv`). Two layouts:
 * `date,rate` for the `pair` chosen on the form, or `from,to,date,rate` (the pair on each line).
 * The header is case-insensitive; blank lines are skipped; a spreadsheet's byte-order mark is
 * ignored. Every problem is reported with the file's line number and nothing is written when
 * there is one; the same pair and day twice in one file is a problem too (which one wins?).
 */
export async function importRatesCsv(
  db: Executor,
  input: { text: string; pair: { from: string; to: string } | null; actor: Actor | null },
): Promise<RateCsvResult> {
  const text = input.text.replace(/^\uFEFF/, "");
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { skip_empty_lines: true, trim: true, relax_column_count: true, info: true, max_record_size: 10_000 }) as unknown as typeof records;
  } catch (error) {
    const line = /\bline (\d+)/i.exec(error instanceof Error ? error.message : "");
    return { ok: false, error: "invalid", issues: [{ line: line ? Number(line[1]) : null, problem: "malformed" }], truncated: false };
  }
  if (records.length === 0) return { ok: false, error: "empty" };
  const header = records[0].record.map((h) => h.toLowerCase());
  const withPair = header.join(",") === "from,to,date,rate";
  if (!withPair && header.join(",") !== "date,rate") return { ok: false, error: "invalid", issues: [{ line: records[0].info.lines, problem: "header" }], truncated: false };
  if (!withPair && !input.pair) return { ok: false, error: "no_pair" };
  const rows = records.slice(1);
  if (rows.length === 0) return { ok: false, error: "empty" };
  if (rows.length > RATE_CSV_MAX_ROWS) return { ok: false, error: "too_many" };

  const issues: RateCsvIssue[] = [];
  const rates: StoredRate[] = [];
  const seen = new Set<string>();
  for (const { record, info } of rows) {
    if (record.length !== header.length) {
      issues.push({ line: info.lines, problem: "columns" });
      continue;
    }
    const [from, to, on, rate] = withPair ? record : [input.pair!.from, input.pair!.to, record[0], record[1]];
    try {
      const valid = validateRate({ from, to, on, rate });
      const key = `${valid.from}-${valid.to}-${valid.on}`;
      if (seen.has(key)) issues.push({ line: info.lines, problem: "duplicate" });
      seen.add(key);
      rates.push(valid);
    } catch (error) {
      if (!(error instanceof RateError)) throw error;
      issues.push({ line: info.lines, problem: error.code });
    }
  }
  if (issues.length) return { ok: false, error: "invalid", issues: issues.slice(0, RATE_CSV_MAX_ISSUES), truncated: issues.length > RATE_CSV_MAX_ISSUES };

  const existing = await db
    .selectFrom("exchange_rates")
    .select(["from_currency", "to_currency", "rate_on"])
    .where("rate_on", ">=", rates.reduce((m, r) => (r.on < m ? r.on : m), rates[0].on))
    .where("rate_on", "<=", rates.reduce((m, r) => (r.on > m ? r.on : m), rates[0].on))
    .execute();
  const before = new Set(existing.map((r) => `${r.from_currency}-${r.to_currency}-${r.rate_on}`));
  for (const rate of rates) await setRate(db, { ...rate, source: "csv", actor: input.actor });
  const days = rates.map((r) => r.on).sort();
  return {
    ok: true,
    imported: rates.length,
    replaced: rates.filter((r) => before.has(`${r.from}-${r.to}-${r.on}`)).length,
    pairs: [...new Set(rates.map((r) => `${r.from}→${r.to}`))].sort(),
    firstOn: days[0],
    lastOn: days[days.length - 1],
  };
}
