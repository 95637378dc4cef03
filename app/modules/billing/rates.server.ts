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
    .where("rate_on", ">=", sql<string>`(${input.on}::date - ${maxAge}::int)::text`)
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
