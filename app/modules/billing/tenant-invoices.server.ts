import { sql, type Kysely, type RawBuilder } from "kysely";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import type { Database } from "#db/schema";
import type { Executor } from "#db/types";
import { neutraliseFormula } from "~/modules/audit/actions";
import { currencyDecimals, minorToDecimalString, type Locale, type MessageKey } from "~/i18n/format";
import { formatDecimal } from "./compute";
import { convertMinor } from "./documents.server";
import { invoicePayments } from "~/modules/payments/views.server";
import { creditedMinorSql, paidMinorSql, displayStatus, getInvoice, getStoredDocument, type InvoiceDisplayStatus } from "./invoices.server";
import { attachInvoiceDocuments } from "./issue.server";
import { attachCreditNoteDocument } from "./credit-notes.server";
import { getIssuer } from "./issuers.server";
import { isUuid } from "~/utils/ids";

/**
 * The tenant's side of invoicing (issue 8, "Tenants"): the organisation's invoices — issued, paid
 * and void, never drafts — as a filtered list, the same filtered query streamed as CSV
 * (billing.md, "Documents over HTTP"), one invoice's page, the stored PDFs, and the dashboard card.
 *
 * Every query has the organisation in its WHERE clause: another tenant's id reads as "not found".
 * "Today" is each invoice's site's local date (`site_today`), unless a test passes one.
 */

// ---------------------------------------------------------------------------------------------
// Filters

export const LIST_STATUSES = ["issued", "credited", "overdue", "paid", "void"] as const satisfies readonly InvoiceDisplayStatus[];
export type ListStatus = (typeof LIST_STATUSES)[number];

export const YEAR_MIN = 2000;
export const YEAR_MAX = 2100;

const one = (params: URLSearchParams, name: string) => (params.get(name) ?? "").trim();

const filterSchemas = {
  status: z.enum(LIST_STATUSES),
  site: z
    .string()
    .max(10)
    .regex(/^[A-Za-z0-9]{2,10}$/)
    .transform((s) => s.toUpperCase()),
  year: z
    .string()
    .regex(/^\d{4}$/)
    .transform(Number)
    .pipe(z.number().int().min(YEAR_MIN).max(YEAR_MAX)),
};

export type FilterField = keyof typeof filterSchemas;
export interface InvoiceFilters {
  status?: ListStatus;
  site?: string;
  year?: number;
}

const FILTER_ERRORS: Record<FilterField, MessageKey> = {
  status: "invoices.filter.badStatus",
  site: "invoices.filter.badSite",
  year: "invoices.filter.badYear",
};

/**
 * Reads `status`, `site` and `year` from a query string (the first value of each; empty = no
 * filter). A malformed value is not applied and named in `errors`; `values` are the raw inputs
 * (cut short) to refill the form.
 */
export function parseInvoiceFilters(params: URLSearchParams) {
  const filters: InvoiceFilters = {};
  const errors: Partial<Record<FilterField, MessageKey>> = {};
  const values: Record<FilterField, string> = { status: "", site: "", year: "" };
  for (const field of Object.keys(filterSchemas) as FilterField[]) {
    const raw = one(params, field);
    values[field] = raw.slice(0, 20);
    if (!raw) continue;
    const parsed = filterSchemas[field].safeParse(raw);
    if (parsed.success) (filters as Record<string, unknown>)[field] = parsed.data;
    else errors[field] = FILTER_ERRORS[field];
  }
  return { filters, errors, values };
}

/** `?status=…&site=…&year=…` with the filters that were applied (empty when none). */
export function filterQuery(filters: InvoiceFilters): string {
  const q = new URLSearchParams();
  if (filters.status) q.set("status", filters.status);
  if (filters.site) q.set("site", filters.site);
  if (filters.year) q.set("year", String(filters.year));
  const s = q.toString();
  return s ? `?${s}` : "";
}

// ---------------------------------------------------------------------------------------------
// The list

/**
 * The organisation's invoices with their credited sum, balance and display status, as a CTE `x`
 * so the display status (the rule of `displayStatus`, in SQL) can be filtered on.
 * Balance = total − credit notes − payments (as `invoice_balance_minor`); a void invoice owes nothing.
 */
function listQuery(db: Executor, orgId: string, opts: { today?: string }) {
  const today = opts.today ? sql<string>`${opts.today}::date::text` : sql<string>`site_today(i.site_id)::text`;
  return db
    .with("x", (qb) =>
      qb
        .selectFrom("invoices as i")
        .innerJoin("sites as s", "s.id", "i.site_id")
        .where("i.org_id", "=", orgId)
        .where("i.status", "in", ["issued", "paid", "void"])
        .select([
          "i.id",
          "i.number",
          "i.status",
          "i.period",
          "i.currency",
          "i.subtotal_minor",
          "i.vat_minor",
          "i.total_minor",
          "i.issued_on",
          "i.due_on",
          "s.code as site_code",
          "s.name as site_name",
        ])
        .select((eb) => creditedMinorSql(eb).as("credited_minor"))
        .select((eb) => paidMinorSql(eb).as("paid_minor"))
        .select(today.as("today")),
    )
    .selectFrom("x");
}

/** The display status of a row of `x`, as `displayStatus` decides it. */
const displayStatusSql: RawBuilder<ListStatus> = sql<ListStatus>`(CASE
  WHEN x.status IN ('paid', 'void') THEN x.status::text
  WHEN x.total_minor - x.credited_minor - x.paid_minor > 0 AND x.due_on < x.today::date THEN 'overdue'
  WHEN x.credited_minor > 0 THEN 'credited'
  ELSE 'issued' END)`;

function filtered(db: Executor, orgId: string, filters: InvoiceFilters, opts: { today?: string }) {
  let q = listQuery(db, orgId, opts);
  if (filters.status) q = q.where(displayStatusSql, "=", filters.status);
  if (filters.site) q = q.where("x.site_code", "=", filters.site);
  if (filters.year) q = q.where("x.issued_on", ">=", `${filters.year}-01-01`).where("x.issued_on", "<", `${filters.year + 1}-01-01`);
  return q;
}

export interface TenantInvoiceRow {
  id: string;
  number: string;
  period: string;
  siteCode: string;
  siteName: string;
  currency: string;
  subtotalMinor: number;
  vatMinor: number;
  totalMinor: number;
  creditedMinor: number;
  paidMinor: number;
  balanceMinor: number;
  /** The stored status: issued, paid or void. */
  status: "issued" | "paid" | "void";
  displayStatus: ListStatus;
  issuedOn: string;
  dueOn: string;
}

type XRow = {
  id: string;
  number: string | null;
  status: string;
  period: string;
  currency: string;
  subtotal_minor: number;
  vat_minor: number;
  total_minor: number;
  issued_on: string | null;
  due_on: string | null;
  site_code: string;
  site_name: string;
  credited_minor: string | number;
  paid_minor: string | number;
  today: string;
};

function toRow(r: XRow): TenantInvoiceRow {
  const creditedMinor = Number(r.credited_minor);
  const paidMinor = Number(r.paid_minor);
  const balanceMinor = r.status === "void" ? 0 : r.total_minor - creditedMinor - paidMinor;
  const today = r.today;
  return {
    id: r.id,
    number: r.number ?? "",
    period: r.period,
    siteCode: r.site_code,
    siteName: r.site_name,
    currency: r.currency,
    subtotalMinor: r.subtotal_minor,
    vatMinor: r.vat_minor,
    totalMinor: r.total_minor,
    creditedMinor,
    paidMinor,
    balanceMinor,
    status: r.status as TenantInvoiceRow["status"],
    displayStatus: displayStatus({ status: r.status, balanceMinor, creditedMinor, dueOn: r.due_on }, today) as ListStatus,
    issuedOn: r.issued_on ?? "",
    dueOn: r.due_on ?? "",
  };
}

const selectRow = <Q extends ReturnType<typeof listQuery>>(q: Q) => q.selectAll("x");

export const LIST_LIMIT = 500;

export interface CurrencyTotals {
  currency: string;
  totalMinor: number;
  /** What is still owed on issued invoices (balance). */
  dueMinor: number;
  overdueMinor: number;
}

/** Per currency: invoiced, due and overdue, over `rows`. */
function totalsOf(rows: readonly TenantInvoiceRow[]): CurrencyTotals[] {
  const by = new Map<string, CurrencyTotals>();
  for (const r of rows) {
    const t = by.get(r.currency) ?? { currency: r.currency, totalMinor: 0, dueMinor: 0, overdueMinor: 0 };
    if (r.status !== "void") t.totalMinor += r.totalMinor - r.creditedMinor;
    if (r.status === "issued") t.dueMinor += r.balanceMinor;
    if (r.displayStatus === "overdue") t.overdueMinor += r.balanceMinor;
    by.set(r.currency, t);
  }
  return [...by.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** The filtered list, newest first, at most LIST_LIMIT rows (the CSV has them all). */
export async function listTenantInvoices(db: Executor, orgId: string, filters: InvoiceFilters, opts: { today?: string; limit?: number } = {}) {
  const limit = opts.limit ?? LIST_LIMIT;
  const rows = (
    await selectRow(filtered(db, orgId, filters, opts))
      .orderBy("x.issued_on", "desc")
      .orderBy("x.number", "desc")
      .limit(limit + 1)
      .execute()
  ).map((r) => toRow(r as XRow));
  return { rows: rows.slice(0, limit), truncated: rows.length > limit };
}

/** The list page: filters read from the query string, rows, totals, the options of the form. */
export async function tenantInvoicesView(db: Executor, orgId: string, params: URLSearchParams, opts: { today?: string } = {}) {
  const { filters, errors, values } = parseInvoiceFilters(params);
  const [list, options] = await Promise.all([
    listTenantInvoices(db, orgId, filters, opts),
    // The filters' choices; also whether the organisation has any invoice at all (one row or more).
    db
      .selectFrom("invoices as i")
      .innerJoin("sites as s", "s.id", "i.site_id")
      .where("i.org_id", "=", orgId)
      .where("i.status", "in", ["issued", "paid", "void"])
      .select(["s.code", "s.name", sql<string>`extract(year FROM i.issued_on)::int::text`.as("year")])
      .distinct()
      .execute(),
  ]);
  const sites = [...new Map(options.map((o) => [o.code, { code: o.code, name: o.name }])).values()].sort((a, b) => a.code.localeCompare(b.code));
  const years = [...new Set(options.map((o) => Number(o.year)))].sort((a, b) => b - a);
  return {
    filters,
    errors,
    values,
    filtered: Object.keys(filters).length > 0,
    rows: list.rows,
    truncated: list.truncated,
    totals: totalsOf(list.rows),
    hasAny: options.length > 0,
    options: { sites, years, statuses: LIST_STATUSES },
    csvHref: `/app/invoices/export.csv${filterQuery(filters)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// CSV (billing.md)

export const INVOICE_CSV_HEADER = ["number", "period", "site", "issued_on", "due_on", "currency", "subtotal", "vat", "total", "balance", "status"] as const;

const CSV_BATCH = 500;

/** Minor units → the decimal string of billing.md ("1345200", "1234.56"). */
export const csvAmount = (amountMinor: number, currency: string) => minorToDecimalString(amountMinor, currencyDecimals(currency));

/**
 * The filtered list as CSV lines (header first), the same query as the page, read in batches by
 * (issue date, number) descending. Amounts are decimal strings in major units with a dot; the
 * status is the display status. Text cells a spreadsheet would take for a formula get an apostrophe.
 */
export function invoicesCsv(db: Executor, orgId: string, filters: InvoiceFilters, opts: { today?: string } = {}): AsyncGenerator<string> {
  const text = (value: string) => neutraliseFormula(value);
  return (async function* lines() {
    yield stringify([[...INVOICE_CSV_HEADER]]);
    let after: { issuedOn: string; number: string } | null = null;
    for (;;) {
      let q = selectRow(filtered(db, orgId, filters, opts))
        .orderBy("x.issued_on", "desc")
        .orderBy("x.number", "desc")
        .limit(CSV_BATCH);
      if (after) {
        const { issuedOn, number } = after;
        q = q.where((eb) => eb(eb.refTuple("x.issued_on", "x.number"), "<", eb.tuple(issuedOn, number)));
      }
      const rows = (await q.execute()).map((r) => toRow(r as XRow));
      if (!rows.length) return;
      yield stringify(
        rows.map((r) => [
          text(r.number),
          text(r.period),
          text(r.siteCode),
          text(r.issuedOn),
          text(r.dueOn),
          text(r.currency),
          csvAmount(r.subtotalMinor, r.currency),
          csvAmount(r.vatMinor, r.currency),
          csvAmount(r.totalMinor, r.currency),
          csvAmount(r.balanceMinor, r.currency),
          text(r.displayStatus),
        ]),
      );
      if (rows.length < CSV_BATCH) return;
      const last = rows[rows.length - 1];
      after = { issuedOn: last.issuedOn, number: last.number };
    }
  })();
}

// ---------------------------------------------------------------------------------------------
// One invoice

/**
 * One of the organisation's invoices for its page, in the reader's language; null when it is
 * another organisation's, a draft, or not an id.
 */
export async function tenantInvoiceView(db: Executor, input: { orgId: string; invoiceId: string; locale: Locale; today?: string }) {
  const inv = await getInvoice(db, input.invoiceId, { orgId: input.orgId });
  if (!inv || inv.status === "draft" || !inv.number) return null;
  const [issuer, payments, todayRow] = await Promise.all([
    getIssuer(db, inv.site_id),
    invoicePayments(db, inv.id, input.orgId),
    input.today ? { today: input.today } : db.selectNoFrom(sql<string>`site_today(${inv.site_id})::text`.as("today")).executeTakeFirstOrThrow(),
  ]);
  const today = todayRow.today;
  const fr = input.locale === "fr";
  const fx =
    inv.fx_currency && inv.fx_rate && inv.fx_rate_on
      ? (() => {
          const rate = inv.fx_rate;
          const subtotalMinor = convertMinor(inv.subtotal_minor, rate);
          const vatMinor = convertMinor(inv.vat_minor, rate);
          return {
            currency: inv.fx_currency,
            rate: formatDecimal(rate, input.locale),
            rateOn: inv.fx_rate_on,
            subtotalMinor,
            vatMinor,
            totalMinor: subtotalMinor + vatMinor,
            balanceMinor: convertMinor(inv.balanceMinor, rate),
          };
        })()
      : null;
  return {
    id: inv.id,
    number: inv.number,
    status: inv.status as "issued" | "paid" | "void",
    displayStatus: displayStatus({ status: inv.status, balanceMinor: inv.balanceMinor, creditedMinor: inv.creditedMinor, dueOn: inv.due_on }, today) as ListStatus,
    period: inv.period,
    siteCode: inv.site_code,
    siteName: inv.site_name,
    timeZone: inv.time_zone,
    currency: inv.currency,
    issuedOn: inv.issued_on!,
    dueOn: inv.due_on!,
    paymentReference: inv.payment_reference,
    pdfSha256: inv.pdf_sha256,
    lines: inv.lines.map((l) => ({
      id: l.id,
      kind: l.kind,
      description: fr ? l.description_fr : l.description_en,
      quantity: formatDecimal(l.quantity, input.locale),
      unitPriceMinor: l.unit_price_minor,
      amountMinor: l.amount_minor,
    })),
    subtotalMinor: inv.subtotal_minor,
    vatRateBp: inv.vat_rate_bp,
    vatMinor: inv.vat_minor,
    totalMinor: inv.total_minor,
    isVatExempt: inv.is_vat_exempt,
    exemptionReference: inv.vat_exemption_reference,
    creditNotes: inv.creditNotes.map((c) => ({ id: c.id, number: c.number, issuedOn: c.issued_on, reason: c.reason, totalMinor: c.total_minor })),
    creditedMinor: inv.creditedMinor,
    paidMinor: inv.paidMinor,
    payments,
    balanceMinor: inv.balanceMinor,
    fx,
    issuer: issuer
      ? {
          legalName: issuer.legal_name,
          bankName: issuer.bank_name,
          bankAccount: issuer.bank_account,
          swift: issuer.swift,
          mobileMoney: (issuer.mobile_money ?? "")
            .split("\n")
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : null,
    pdfHref: `/app/invoices/${inv.id}/pdf`,
    annexHref: `/app/invoices/${inv.id}/annex.csv`,
  };
}

export type TenantInvoiceView = NonNullable<Awaited<ReturnType<typeof tenantInvoiceView>>>;

// ---------------------------------------------------------------------------------------------
// Stored PDFs

export interface StoredPdf {
  filename: string;
  content: Buffer;
  sha256: string;
}

/**
 * The stored PDF of one of the organisation's issued (paid, void) invoices; rendered and stored
 * first when the issuing process stopped before it (`attachInvoiceDocuments`, once per invoice).
 */
export async function tenantInvoicePdf(db: Kysely<Database>, input: { orgId: string; invoiceId: string }): Promise<StoredPdf | null> {
  if (!isUuid(input.invoiceId)) return null;
  const find = () =>
    db
      .selectFrom("invoices")
      .select(["id", "number", "document_id"])
      .where("id", "=", input.invoiceId)
      .where("org_id", "=", input.orgId)
      .where("status", "in", ["issued", "paid", "void"])
      .executeTakeFirst();
  let inv = await find();
  if (!inv?.number) return null;
  if (!inv.document_id) {
    await attachInvoiceDocuments(db, inv.id);
    inv = await find();
    if (!inv?.document_id) return null;
  }
  const doc = await getStoredDocument(db, inv.document_id);
  if (!doc) return null;
  return { filename: `${inv.number}.pdf`, content: doc.content, sha256: doc.sha256 };
}

/** The stored PDF of a credit note on one of the organisation's invoices (rendered first if missing). */
export async function tenantCreditNotePdf(db: Kysely<Database>, input: { orgId: string; creditNoteId: string }): Promise<StoredPdf | null> {
  if (!isUuid(input.creditNoteId)) return null;
  const find = () =>
    db
      .selectFrom("credit_notes")
      .select(["id", "number", "document_id"])
      .where("id", "=", input.creditNoteId)
      .where("org_id", "=", input.orgId)
      .executeTakeFirst();
  let note = await find();
  if (!note) return null;
  if (!note.document_id) {
    await attachCreditNoteDocument(db, note.id);
    note = await find();
    if (!note?.document_id) return null;
  }
  const doc = await getStoredDocument(db, note.document_id);
  if (!doc) return null;
  return { filename: `${note.number}.pdf`, content: doc.content, sha256: doc.sha256 };
}

/** A stored PDF as a download: `application/pdf`, named after its number. */
export function pdfResponse(pdf: StoredPdf): Response {
  return new Response(new Uint8Array(pdf.content), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${pdf.filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "Content-Length": String(pdf.content.byteLength),
      "Cache-Control": "private, no-store",
      "X-Content-SHA256": pdf.sha256,
    },
  });
}

