import { sql } from "kysely";
import type { DocumentSeries } from "#db/schema";
import type { Trx } from "#db/types";

/**
 * Gapless document numbers (ADR 012): `LDC-2026-000042` for invoices, `LDC-AV-2026-000001` for
 * credit notes, sequential per site, series and year.
 *
 * The counter is a row of `document_counters`, incremented by one upsert inside the issuing
 * transaction: the row stays locked until that transaction ends, so a second issuer waits, then
 * takes the next value; a rollback gives the number back. Never a database sequence (a sequence
 * value is consumed even when the transaction that took it rolls back: a gap).
 */

export interface NextNumberInput {
  siteId: string;
  /** The site's code ("LDC"), the number's prefix. */
  siteCode: string;
  series: DocumentSeries;
  /** Year of the issue date, in the site's calendar. */
  year: number;
}

export const MAX_NUMBER = 999_999;

export function formatNumber(siteCode: string, series: DocumentSeries, year: number, value: number): string {
  if (!/^[A-Z]{3}$/.test(siteCode)) throw new RangeError(`not a site code: ${siteCode}`);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new RangeError(`year out of range: ${year}`);
  if (!Number.isInteger(value) || value < 1 || value > MAX_NUMBER) throw new RangeError(`number out of range: ${value}`);
  const serial = String(value).padStart(6, "0");
  return series === "invoice" ? `${siteCode}-${year}-${serial}` : `${siteCode}-AV-${year}-${serial}`;
}

/** The parts of a number, or null when it is not one. */
export function parseNumber(number: string): { siteCode: string; series: DocumentSeries; year: number; value: number } | null {
  const m = /^([A-Z]{3})-(AV-)?(\d{4})-(\d{6})$/.exec(number);
  if (!m) return null;
  return { siteCode: m[1], series: m[2] ? "credit_note" : "invoice", year: Number(m[3]), value: Number(m[4]) };
}

/**
 * Takes the next number of the series. Call it in the transaction that issues the document, as
 * late as possible (the counter row stays locked until commit or rollback).
 */
export async function nextNumber(trx: Trx, input: NextNumberInput): Promise<string> {
  // Validate before touching the row: a bad input must not lock or consume anything.
  formatNumber(input.siteCode, input.series, input.year, 1);
  const { rows } = await sql<{ last_value: number }>`
    INSERT INTO document_counters AS c (site_id, series, year, last_value)
    VALUES (${input.siteId}, ${input.series}, ${input.year}, 1)
    ON CONFLICT (site_id, series, year) DO UPDATE SET last_value = c.last_value + 1
    RETURNING c.last_value
  `.execute(trx);
  return formatNumber(input.siteCode, input.series, input.year, rows[0].last_value);
}
