import { sql } from "kysely";
import { z } from "zod";
import type { Executor } from "#db/types";
import { currencyDecimals, type MessageKey } from "~/i18n";
import { decimalToMinor } from "~/modules/inventory/schemas.server";
import { fields } from "~/utils/forms.server";
import { isUuid } from "~/utils/ids";
import type { LineError } from "../reconcile.server";
import { SPLIT_ROWS } from "./constants";

/**
 * The view-model and the forms of the reconciliation inbox (/ops/payments/inbox): the site's
 * figures (all time and the last import), its open lines (suggested or unmatched) with their age
 * and suggestions, its sources, and the organisations a line can be assigned to.
 */

export const OPEN_LINES_LIMIT = 200;

export async function inboxView(db: Executor, siteCode: string) {
  const site = await db
    .selectFrom("sites")
    .select(["id", "code", "name", "currency"])
    .select(sql<string>`site_today(id)::text`.as("today"))
    .where("code", "=", siteCode)
    .executeTakeFirst();
  if (!site) return null;
  const [byStatus, lastImport, open, sources, orgs] = await Promise.all([
    db
      .selectFrom("statement_lines")
      .select(["status"])
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("site_id", "=", site.id)
      .groupBy("status")
      .execute(),
    db
      .selectFrom("statement_imports as i")
      .leftJoin("users as u", "u.id", "i.imported_by")
      .leftJoin("statement_sources as s", "s.id", "i.source_id")
      .select(["i.id", "i.file_name", "i.format", "i.created_at", "i.lines_total", "i.lines_outgoing", "i.lines_new", "i.matched", "i.suggested", "i.unmatched", "i.via", "u.name as by_name", "s.name as source_name"])
      .where("i.site_id", "=", site.id)
      .orderBy("i.created_at", "desc")
      .orderBy("i.id", "desc")
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom("statement_lines as l")
      .leftJoin("organisations as o", "o.id", "l.suggested_org_id")
      .select(["l.id", "l.booked_on", "l.amount_minor", "l.currency", "l.label", "l.payer", "l.transaction_id", "l.method", "l.status", "l.suggestion_reason", "o.name as org_name"])
      .select(sql<number>`(${site.today}::date - l.booked_on)`.as("age_days"))
      .where("l.site_id", "=", site.id)
      .where("l.status", "in", ["suggested", "unmatched"])
      .orderBy("l.booked_on")
      .orderBy("l.id")
      .limit(OPEN_LINES_LIMIT)
      .execute(),
    db.selectFrom("statement_sources").select(["id", "name", "kind", "method", "format"]).where("site_id", "=", site.id).orderBy("name").execute(),
    db.selectFrom("organisations").select(["id", "name"]).where("status", "=", "verified").orderBy("name").execute(),
  ]);
  const suggestions = open.length
    ? await db
        .selectFrom("statement_line_suggestions as sg")
        .innerJoin("invoices as i", "i.id", "sg.invoice_id")
        .innerJoin("organisations as o", "o.id", "i.org_id")
        .select(["sg.line_id", "i.id", "i.number", "i.total_minor", "i.currency", "o.name as org_name"])
        .select(sql<string>`invoice_balance_minor(i.id)`.as("balance"))
        .where(
          "sg.line_id",
          "in",
          open.map((l) => l.id),
        )
        .orderBy("i.due_on")
        .execute()
    : [];
  const n = (status: string) => Number(byStatus.find((r) => r.status === status)?.n ?? 0);
  const figures = {
    imported: byStatus.reduce((s, r) => s + Number(r.n), 0),
    autoMatched: n("auto_matched"),
    manualMatched: n("manual_matched"),
    suggested: n("suggested"),
    unmatched: n("unmatched"),
    notOurs: n("not_ours"),
  };
  return {
    site: { code: site.code, name: site.name, currency: site.currency, today: site.today },
    figures,
    lastImport: lastImport
      ? {
          fileName: lastImport.file_name,
          format: lastImport.format,
          at: lastImport.created_at.toISOString(),
          by: lastImport.by_name,
          via: lastImport.via,
          source: lastImport.source_name,
          lines: lastImport.lines_total,
          outgoing: lastImport.lines_outgoing,
          new: lastImport.lines_new,
          matched: lastImport.matched,
          suggested: lastImport.suggested,
          unmatched: lastImport.unmatched,
        }
      : null,
    lines: open.map((l) => ({
      id: l.id,
      bookedOn: l.booked_on,
      ageDays: Number(l.age_days),
      amountMinor: Number(l.amount_minor),
      currency: l.currency,
      label: l.label,
      payer: l.payer,
      transactionId: l.transaction_id,
      method: l.method,
      status: l.status as "suggested" | "unmatched",
      reason: l.suggestion_reason,
      orgName: l.org_name,
      suggestions: suggestions
        .filter((s) => s.line_id === l.id)
        .map((s) => ({ invoiceId: s.id, number: s.number!, orgName: s.org_name, balanceMinor: Number(s.balance), totalMinor: s.total_minor })),
    })),
    truncated: open.length >= OPEN_LINES_LIMIT,
    sources,
    orgs,
  };
}

// ---------------------------------------------------------------------------------------------
// Forms

const uuid = () => z.string({ error: "error.required" }).refine(isUuid, { error: "error.invalid" });

export const ImportForm = z.object({
  site: z.string({ error: "error.required" }).trim().toUpperCase().regex(/^[A-Z]{3}$/, { error: "error.invalidChoice" }),
  /** A source's id, or one of the layouts of billing.md without a source. */
  source: z.union([z.enum(["plain", "plain_mt940", "plain_camt053"]), uuid()], { error: "error.invalidChoice" }),
});

export const ConfirmForm = z.object({ lineId: uuid(), invoiceId: uuid() });
export const AssignForm = z.object({ lineId: uuid(), orgId: uuid() });
export const NotOursForm = z.object({ lineId: uuid(), reason: fields.text(1000) });
export const SplitForm = z.object({
  lineId: uuid(),
  number1: fields.optionalText(40),
  amount1: fields.optionalText(40),
  number2: fields.optionalText(40),
  amount2: fields.optionalText(40),
  number3: fields.optionalText(40),
  amount3: fields.optionalText(40),
});

/** The split rows typed by finance → invoice numbers and minor units of the line's currency. */
export function splitParts(values: Partial<Record<string, string>>, currency: string): { ok: true; parts: { number: string; amountMinor: number }[] } | { ok: false; field: string; key: MessageKey } {
  const parts: { number: string; amountMinor: number }[] = [];
  for (let i = 1; i <= SPLIT_ROWS; i++) {
    const number = values[`number${i}`]?.trim();
    const amount = values[`amount${i}`]?.trim();
    if (!number && !amount) continue;
    if (!number) return { ok: false, field: `number${i}`, key: "error.required" };
    if (!amount) return { ok: false, field: `amount${i}`, key: "error.required" };
    const minor = decimalToMinor(amount, currencyDecimals(currency));
    if (!minor.ok) return { ok: false, field: `amount${i}`, key: minor.error };
    if (minor.minor <= 0) return { ok: false, field: `amount${i}`, key: "reconcile.error.amountPositive" };
    parts.push({ number, amountMinor: minor.minor });
  }
  if (!parts.length) return { ok: false, field: "number1", key: "reconcile.error.nothing_allocated" };
  return { ok: true, parts };
}

/** The currency of a line (to read the split amounts), or null. */
export async function lineCurrency(db: Executor, lineId: string): Promise<string | null> {
  if (!isUuid(lineId)) return null;
  const row = await db.selectFrom("statement_lines").select("currency").where("id", "=", lineId).executeTakeFirst();
  return row?.currency ?? null;
}

/** Each error of a line action: its message and status. */
export function lineErrorStatus(error: LineError): { key: MessageKey; status: 400 | 404 | 409 } {
  const status: Partial<Record<LineError, 400 | 404 | 409>> = {
    line_not_found: 404,
    already_resolved: 409,
    invoice_not_found: 400,
    several_organisations: 400,
    org_not_found: 400,
    bad_reason: 400,
    nothing_allocated: 400,
    allocations_exceed_amount: 400,
  };
  const known: LineError[] = [
    "line_not_found",
    "already_resolved",
    "invoice_not_found",
    "several_organisations",
    "org_not_found",
    "bad_reason",
    "nothing_allocated",
    "allocations_exceed_amount",
    "allocation_exceeds_invoice",
    "invoice_not_open",
    "duplicate_reference",
    "duplicate_external",
    "bad_date",
    "bad_amount",
  ];
  const key = (known.includes(error) ? `reconcile.error.${error}` : "reconcile.error.other") as MessageKey;
  return { key, status: status[error] ?? 409 };
}
