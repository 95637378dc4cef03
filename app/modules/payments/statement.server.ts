import { sql } from "kysely";
import { stringify } from "csv-stringify/sync";
import type { Currency, LedgerKind, Locale, OrgKind, PaymentMethod } from "#db/schema";
import type { Executor } from "#db/types";
import { neutraliseFormula } from "~/modules/audit/actions";
import { storeDocument } from "~/modules/billing/documents.server";
import { getIssuer } from "~/modules/billing/issuers.server";
import { csvAmount } from "~/modules/billing/tenant-invoices.server";
import { t } from "~/i18n";
import type { MessageKey } from "~/i18n/format";
import { dayIn } from "~/utils/dates";
import { isUuid } from "~/utils/ids";
import { PAYMENT_CURRENCIES, validDate } from "./payments.server";
import { renderStatementPdf, type StatementPdfModel } from "./statement-pdf.server";

/**
 * The statement of account (relevé de compte) of one organisation in one currency for a period
 * [from, to], both days included (issue 9). Everything is read from the `customer_ledger` view and
 * the payment tables, scoped by the organisation in SQL; nothing is stored but the PDF on request.
 *
 * - Opening balance: Σ debit − Σ credit of the ledger rows dated before `from` (what the
 *   organisation owed that morning; negative = it was in credit).
 * - Movements: every ledger row dated in [from, to] — invoices, credit notes, payments, payment
 *   reversals, refunds — ordered by date, then by when they were recorded, then invoice, credit
 *   note, payment, reversal, refund; each with the running balance after it.
 * - Closing balance: opening + Σ debit − Σ credit of the period (= the ledger up to `to`).
 * - Ageing as of `to`: the invoices issued on or before `to` that were still owing at `to`, split
 *   by how late they were that day: not yet due (due on or after `to`), 1–30, 31–60, 61–90 and over
 *   90 days past the due date. An invoice's balance at `to` is
 *     total − its credit notes issued on or before `to`
 *           − the allocations (as they stand today, undoings included) of payments received on or before `to`.
 *   Payments, credit notes, refunds and reversals dated after `to` are NOT counted: a payment
 *   received after `to` leaves its invoices owing on the statement, even if it settled them since.
 *   A payment received on or before `to` but reversed after `to` counted at `to`; its allocations
 *   having been undone since, its money shows as credit at `to` and its invoices as owing (the
 *   closing balance is the same either way).
 * - Credit at `to`: the money of payments received on or before `to` (and not reversed by then),
 *   less the refunds dated on or before `to`, less what of it is allocated to invoices issued on or
 *   before `to`. Always: closing balance = Σ ageing − credit at `to` (a test holds it).
 *   When `to` is today or later these are the live figures: the ageing total is Σ
 *   `invoice_balance_minor` of the open invoices and the credit is `creditBalanceMinor`.
 */

export const STATEMENT_CURRENCIES = PAYMENT_CURRENCIES;
export type StatementCurrency = (typeof STATEMENT_CURRENCIES)[number];

export const AGEING_BUCKETS = ["notDue", "d1_30", "d31_60", "d61_90", "over90"] as const;
export type AgeingBucket = (typeof AGEING_BUCKETS)[number];
export type Ageing = Record<AgeingBucket, number> & { totalMinor: number };

/** The bucket of an invoice `daysLate` days past its due date (≤ 0: not yet due). */
export function ageingBucket(daysLate: number): AgeingBucket {
  if (daysLate <= 0) return "notDue";
  if (daysLate <= 30) return "d1_30";
  if (daysLate <= 60) return "d31_60";
  if (daysLate <= 90) return "d61_90";
  return "over90";
}

export const emptyAgeing = (): Ageing => ({ notDue: 0, d1_30: 0, d31_60: 0, d61_90: 0, over90: 0, totalMinor: 0 });

export interface StatementLine {
  occurredOn: string;
  kind: LedgerKind;
  /** Invoice or credit note number, payment or refund reference. */
  document: string;
  /** For a credit note: the invoice it credits. */
  invoiceNumber: string | null;
  invoiceId: string | null;
  /** Payments, reversals, refunds: how the money moved. */
  method: PaymentMethod | null;
  /** Invoices: their due date. */
  dueOn: string | null;
  debitMinor: number;
  creditMinor: number;
  /** What the organisation owes after this movement (negative = in credit). */
  balanceMinor: number;
}

export interface OwingInvoice {
  id: string;
  number: string;
  issuedOn: string;
  dueOn: string;
  totalMinor: number;
  balanceMinor: number;
  daysLate: number;
  bucket: AgeingBucket;
}

export interface StatementOrg {
  id: string;
  name: string;
  kind: OrgKind;
  address: string;
  taxId: string;
  rccm: string | null;
  billingLanguage: Locale;
}

export interface Statement {
  org: StatementOrg;
  currency: StatementCurrency;
  from: string;
  to: string;
  openingMinor: number;
  lines: StatementLine[];
  totalDebitMinor: number;
  totalCreditMinor: number;
  closingMinor: number;
  ageing: Ageing;
  owing: OwingInvoice[];
  creditMinor: number;
  /** The site that bills this organisation in this currency (its issuer heads the PDF). */
  site: { id: string; code: string; timeZone: string } | null;
}

export interface StatementInput {
  orgId: string;
  currency: string;
  from: string;
  to: string;
}

const isStatementCurrency = (c: string): c is StatementCurrency => (STATEMENT_CURRENCIES as readonly string[]).includes(c);

const KIND_ORDER = sql<number>`CASE l.kind WHEN 'invoice' THEN 0 WHEN 'credit_note' THEN 1 WHEN 'payment' THEN 2 WHEN 'payment_reversal' THEN 3 ELSE 4 END`;

async function loadOrg(db: Executor, orgId: string): Promise<StatementOrg | null> {
  const org = await db
    .selectFrom("organisations")
    .select(["id", "name", "kind", "address", "tax_id", "rccm", "billing_language"])
    .where("id", "=", orgId)
    .executeTakeFirst();
  return org ? { id: org.id, name: org.name, kind: org.kind, address: org.address, taxId: org.tax_id, rccm: org.rccm, billingLanguage: org.billing_language } : null;
}

/** The site billing the organisation in that currency: that of its latest invoice, else the first site in the currency. */
async function billingSite(db: Executor, orgId: string, currency: Currency) {
  const own = await db
    .selectFrom("invoices as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .select(["s.id", "s.code", "s.time_zone"])
    .where("i.org_id", "=", orgId)
    .where("i.currency", "=", currency)
    .where("i.status", "<>", "draft")
    .orderBy("i.issued_on", "desc")
    .orderBy("i.number", "desc")
    .limit(1)
    .executeTakeFirst();
  const site = own ?? (await db.selectFrom("sites as s").select(["s.id", "s.code", "s.time_zone"]).where("s.currency", "=", currency).orderBy("s.code").limit(1).executeTakeFirst());
  return site ? { id: site.id, code: site.code, timeZone: site.time_zone } : null;
}

/** The currencies the organisation has ledger movements in, alphabetically. */
export async function statementCurrencies(db: Executor, orgId: string): Promise<StatementCurrency[]> {
  if (!isUuid(orgId)) return [];
  const rows = await db.selectFrom("customer_ledger").select("currency").distinct().where("org_id", "=", orgId).execute();
  return rows
    .map((r) => r.currency as string)
    .filter(isStatementCurrency)
    .sort();
}

/** The statement; null when the organisation does not exist or the input is not a valid period and currency. */
export async function statementOfAccount(db: Executor, input: StatementInput): Promise<Statement | null> {
  const { orgId, from, to } = input;
  if (!isUuid(orgId) || !isStatementCurrency(input.currency) || !validDate(from) || !validDate(to) || from > to) return null;
  const currency = input.currency;
  const org = await loadOrg(db, orgId);
  if (!org) return null;

  const [opening, rows, owingRows, credit, site] = await Promise.all([
    db
      .selectFrom("customer_ledger as l")
      .select(sql<string>`coalesce(sum(l.debit_minor - l.credit_minor), 0)`.as("balance"))
      .where("l.org_id", "=", orgId)
      .where("l.currency", "=", currency)
      .where("l.occurred_on", "<", from)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("customer_ledger as l")
      .leftJoin("invoices as i", (j) => j.onRef("i.id", "=", "l.invoice_id").onRef("i.org_id", "=", "l.org_id"))
      .leftJoin("payments as p", (j) => j.onRef("p.id", "=", "l.payment_id").onRef("p.org_id", "=", "l.org_id"))
      .leftJoin("refunds as r", (j) => j.onRef("r.id", "=", "l.refund_id").onRef("r.org_id", "=", "l.org_id"))
      .select(["l.occurred_on", "l.kind", "l.document", "l.invoice_id", "l.debit_minor", "l.credit_minor", "i.number as invoice_number", "i.due_on", "p.method as payment_method", "r.method as refund_method"])
      .where("l.org_id", "=", orgId)
      .where("l.currency", "=", currency)
      .where("l.occurred_on", ">=", from)
      .where("l.occurred_on", "<=", to)
      .orderBy("l.occurred_on")
      .orderBy("l.created_at")
      .orderBy(KIND_ORDER)
      .orderBy("l.document")
      .execute(),
    db
      .selectFrom("invoices as i")
      .select(["i.id", "i.number", "i.issued_on", "i.due_on", "i.total_minor"])
      .select(sql<number>`(${to}::date - i.due_on)`.as("days_late"))
      .select(
        sql<string>`i.total_minor
          - coalesce((SELECT sum(cn.total_minor) FROM credit_notes cn WHERE cn.invoice_id = i.id AND cn.issued_on <= ${to}::date), 0)
          - coalesce((SELECT sum(a.amount_minor) FROM payment_allocations a JOIN payments p ON p.id = a.payment_id
                      WHERE a.invoice_id = i.id AND p.received_on <= ${to}::date), 0)`.as("balance"),
      )
      .where("i.org_id", "=", orgId)
      .where("i.currency", "=", currency)
      .where("i.status", "<>", "draft")
      .where("i.issued_on", "<=", to)
      .orderBy("i.due_on")
      .orderBy("i.number")
      .execute(),
    db
      .selectFrom("payments as p")
      .select(
        sql<string>`coalesce(sum(p.amount_minor
          - coalesce((SELECT sum(a.amount_minor) FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id
                      WHERE a.payment_id = p.id AND i.status <> 'draft' AND i.issued_on <= ${to}::date), 0)), 0)
          - coalesce((SELECT sum(r.amount_minor) FROM refunds r WHERE r.org_id = ${orgId}::uuid AND r.currency = ${currency} AND r.refunded_on <= ${to}::date), 0)`.as("credit"),
      )
      .where("p.org_id", "=", orgId)
      .where("p.currency", "=", currency)
      .where("p.received_on", "<=", to)
      .where((eb) => eb.or([eb("p.reversed_on", "is", null), eb("p.reversed_on", ">", to)]))
      .executeTakeFirstOrThrow(),
    billingSite(db, orgId, currency),
  ]);

  const openingMinor = Number(opening.balance);
  let running = openingMinor;
  let totalDebitMinor = 0;
  let totalCreditMinor = 0;
  const lines: StatementLine[] = rows.map((r) => {
    const debit = Number(r.debit_minor);
    const creditMinor = Number(r.credit_minor);
    running += debit - creditMinor;
    totalDebitMinor += debit;
    totalCreditMinor += creditMinor;
    return {
      occurredOn: r.occurred_on,
      kind: r.kind,
      document: r.document,
      invoiceNumber: r.kind === "credit_note" ? r.invoice_number : null,
      invoiceId: r.invoice_id,
      method: (r.kind === "refund" ? r.refund_method : r.payment_method) ?? null,
      dueOn: r.kind === "invoice" ? r.due_on : null,
      debitMinor: debit,
      creditMinor,
      balanceMinor: running,
    };
  });

  const ageing = emptyAgeing();
  const owing: OwingInvoice[] = [];
  for (const r of owingRows) {
    const balanceMinor = Number(r.balance);
    if (balanceMinor <= 0) continue;
    const daysLate = Number(r.days_late);
    const bucket = ageingBucket(daysLate);
    ageing[bucket] += balanceMinor;
    ageing.totalMinor += balanceMinor;
    owing.push({ id: r.id, number: r.number!, issuedOn: r.issued_on!, dueOn: r.due_on!, totalMinor: Number(r.total_minor), balanceMinor, daysLate, bucket });
  }

  return {
    org,
    currency,
    from,
    to,
    openingMinor,
    lines,
    totalDebitMinor,
    totalCreditMinor,
    closingMinor: running,
    ageing,
    owing,
    creditMinor: Number(credit.credit),
    site,
  };
}

// ---------------------------------------------------------------------------------------------
// The query string of the pages and downloads: ?currency=XOF&from=YYYY-MM-DD&to=YYYY-MM-DD (or ?year=YYYY)

export type StatementField = "currency" | "from" | "to" | "year";
export type StatementErrors = Partial<Record<StatementField, MessageKey>>;

export interface StatementQuery {
  currency: StatementCurrency | null;
  from: string;
  to: string;
  /** `to` was after today and was brought back to today. */
  clamped: boolean;
}

const one = (params: URLSearchParams, name: string) => (params.get(name) ?? "").trim().slice(0, 40);

/**
 * Reads the period and currency. Defaults: this year to date, the first currency with movements.
 * A malformed value is named in `errors` (the caller answers 400) and the default is used instead;
 * a `to` after today is brought back to today; `from` after `to` is an error.
 */
export function parseStatementQuery(params: URLSearchParams, today: string, currencies: readonly StatementCurrency[]) {
  const errors: StatementErrors = {};
  const values = { currency: one(params, "currency").toUpperCase(), from: one(params, "from"), to: one(params, "to"), year: one(params, "year") };
  let currency: StatementCurrency | null = currencies[0] ?? null;
  if (values.currency) {
    if (isStatementCurrency(values.currency)) currency = values.currency;
    else errors.currency = "statement.error.currency";
  }
  let from = `${today.slice(0, 4)}-01-01`;
  let to = today;
  if (values.year && !values.from && !values.to) {
    const year = /^\d{4}$/.test(values.year) ? Number(values.year) : NaN;
    if (year >= 2000 && year <= 2100) {
      from = `${year}-01-01`;
      to = `${year}-12-31`;
    } else errors.year = "statement.error.year";
  }
  if (values.from) {
    if (validDate(values.from)) from = values.from;
    else errors.from = "statement.error.date";
  }
  if (values.to) {
    if (validDate(values.to)) to = values.to;
    else errors.to = "statement.error.date";
  }
  let clamped = false;
  if (to > today) {
    to = today;
    clamped = true;
  }
  if (from > to) {
    errors.from = errors.from ?? "statement.error.order";
    from = `${to.slice(0, 4)}-01-01`;
  }
  const query: StatementQuery = { currency, from, to, clamped };
  return { query, errors, values };
}

const statementQueryString = (q: { currency: string; from: string; to: string }, extra: Record<string, string> = {}) =>
  `?${new URLSearchParams({ currency: q.currency, from: q.from, to: q.to, ...extra }).toString()}`;

/**
 * The statement page's view-model (tenant `/app/statement`, operator `/ops/organisations/:id/statement`):
 * the choices, the parsed query and the statement. Null when the organisation does not exist.
 */
export async function statementView(db: Executor, input: { orgId: string; params: URLSearchParams; today?: string; base: string }) {
  const org = isUuid(input.orgId) ? await loadOrg(db, input.orgId) : null;
  if (!org) return null;
  const currencies = await statementCurrencies(db, org.id);
  const today = input.today ?? dayIn("UTC");
  const { query, errors, values } = parseStatementQuery(input.params, today, currencies);
  const statement = query.currency ? await statementOfAccount(db, { orgId: org.id, currency: query.currency, from: query.from, to: query.to }) : null;
  const qs = query.currency ? statementQueryString({ currency: query.currency, from: query.from, to: query.to }) : "";
  const other: Locale = org.billingLanguage === "fr" ? "en" : "fr";
  return {
    org: { id: org.id, name: org.name, billingLanguage: org.billingLanguage },
    currencies,
    query,
    errors,
    values,
    today,
    statement: statement ? { ...statement, org: { name: statement.org.name } } : null,
    pdfHref: query.currency ? `${input.base}.pdf${qs}` : null,
    pdfOtherHref: query.currency ? `${input.base}.pdf${statementQueryString({ currency: query.currency, from: query.from, to: query.to }, { lang: other })}` : null,
    otherLanguage: other,
    csvHref: query.currency ? `${input.base}.csv${qs}` : null,
    presets: {
      thisYear: `${today.slice(0, 4)}-01-01`,
      lastYearFrom: `${Number(today.slice(0, 4)) - 1}-01-01`,
      lastYearTo: `${Number(today.slice(0, 4)) - 1}-12-31`,
    },
  };
}

export type StatementView = NonNullable<Awaited<ReturnType<typeof statementView>>>;

/**
 * For the downloads: the statement the query asks for, or why not. `bad_query` → 400 (with the
 * errors), `not_found` → 404 (no such organisation, or no currency to show).
 */
export async function statementForDownload(db: Executor, input: { orgId: string; params: URLSearchParams; today?: string }) {
  if (!isUuid(input.orgId)) return { ok: false as const, error: "not_found" as const };
  const currencies = await statementCurrencies(db, input.orgId);
  const today = input.today ?? dayIn("UTC");
  const { query, errors } = parseStatementQuery(input.params, today, currencies);
  if (Object.keys(errors).length) return { ok: false as const, error: "bad_query" as const, errors };
  if (!query.currency) return { ok: false as const, error: "not_found" as const };
  const statement = await statementOfAccount(db, { orgId: input.orgId, currency: query.currency, from: query.from, to: query.to });
  if (!statement) return { ok: false as const, error: "not_found" as const };
  const lang = input.params.get("lang");
  return { ok: true as const, statement, locale: lang === "fr" || lang === "en" ? (lang as Locale) : statement.org.billingLanguage, today };
}

/** `releve-<org>-<currency>-<from>-<to>.<ext>`, safe for a Content-Disposition header. */
export function statementFilename(s: Pick<Statement, "org" | "currency" | "from" | "to">, ext: "pdf" | "csv", locale: Locale = "fr") {
  const slug =
    s.org.name
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^A-Za-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40)
      .toLowerCase() || "org";
  return `${locale === "fr" ? "releve" : "statement"}-${slug}-${s.currency}-${s.from}-${s.to}.${ext}`;
}

// ---------------------------------------------------------------------------------------------
// CSV

export const STATEMENT_CSV_HEADER = ["date", "kind", "document", "invoice", "method", "debit", "credit", "balance", "currency"] as const;

/**
 * The statement as CSV (UTF-8): a first row `opening_balance` dated `from`, one row per movement
 * (kind as in the ledger: invoice, credit_note, payment, payment_reversal, refund), a last row
 * `closing_balance` dated `to`. Amounts are decimal strings in major units with a dot, as in the
 * invoice export; text a spreadsheet would take for a formula gets an apostrophe.
 */
export function statementToCsv(s: Statement): string {
  const amount = (minor: number) => csvAmount(minor, s.currency);
  const text = (v: string | null) => (v ? neutraliseFormula(v) : "");
  return stringify([
    [...STATEMENT_CSV_HEADER],
    [s.from, "opening_balance", "", "", "", "", "", amount(s.openingMinor), s.currency],
    ...s.lines.map((l) => [
      l.occurredOn,
      l.kind,
      text(l.document),
      text(l.invoiceNumber),
      l.method ?? "",
      l.debitMinor ? amount(l.debitMinor) : "",
      l.creditMinor ? amount(l.creditMinor) : "",
      amount(l.balanceMinor),
      s.currency,
    ]),
    [s.to, "closing_balance", "", "", "", amount(s.totalDebitMinor), amount(s.totalCreditMinor), amount(s.closingMinor), s.currency],
  ]);
}

export async function statementCsv(db: Executor, input: StatementInput): Promise<string> {
  const s = await statementOfAccount(db, input);
  if (!s) throw new Error("statement: unknown organisation or bad period");
  return statementToCsv(s);
}

// ---------------------------------------------------------------------------------------------
// PDF

/** The view-model of the PDF: the statement plus the issuer of the site that bills it in that currency. */
export async function statementPdfModel(db: Executor, s: Statement, locale: Locale, today: string): Promise<StatementPdfModel> {
  const issuer = s.site ? await getIssuer(db, s.site.id) : null;
  const lines = (text: string) => text.split("\n").map((l) => l.trim()).filter(Boolean);
  return {
    language: locale,
    generatedOn: today,
    issuer: issuer
      ? { name: issuer.legal_name, addressLines: lines(issuer.address), nif: issuer.nif, rccm: issuer.rccm, vatNumber: issuer.vat_number, footer: locale === "fr" ? issuer.footer_fr : issuer.footer_en }
      : null,
    customer: { name: s.org.name, addressLines: lines(s.org.address), nif: s.org.taxId, rccm: s.org.rccm },
    statement: s,
  };
}

export interface StatementPdfInput extends StatementInput {
  /** Default: the organisation's billing language. */
  locale?: Locale;
  /** The date printed as "issued on" (default: today at the billing site). */
  today?: string;
}

export async function statementPdf(db: Executor, input: StatementPdfInput): Promise<Buffer> {
  const s = await statementOfAccount(db, input);
  if (!s) throw new Error("statement: unknown organisation or bad period");
  const today = input.today ?? dayIn(s.site?.timeZone ?? "UTC");
  return renderStatementPdf(await statementPdfModel(db, s, input.locale ?? s.org.billingLanguage, today));
}

/**
 * Renders the statement and stores it in `documents` (kind `statement_pdf`), e.g. to attach it to
 * a reminder e-mail (`email_outbox.attachment_document_id`). Pass the caller's transaction as `db`
 * to store it with the e-mail. Throws for an unknown organisation or a bad period.
 */
export async function storeStatementPdf(db: Executor, input: StatementPdfInput): Promise<{ documentId: string }> {
  const s = await statementOfAccount(db, input);
  if (!s) throw new Error("statement: unknown organisation or bad period");
  const locale = input.locale ?? s.org.billingLanguage;
  const today = input.today ?? dayIn(s.site?.timeZone ?? "UTC");
  const content = await renderStatementPdf(await statementPdfModel(db, s, locale, today));
  const doc = await storeDocument(db, { kind: "statement_pdf", filename: statementFilename(s, "pdf", locale), contentType: "application/pdf", content });
  return { documentId: doc.id };
}

// ---------------------------------------------------------------------------------------------
// Downloads (resource routes)

export type StatementDownload =
  | { ok: true; filename: string; contentType: string; body: Buffer | string }
  | { ok: false; error: "bad_query"; errors: StatementErrors }
  | { ok: false; error: "not_found" };

/** The PDF or CSV of the statement the query string asks for (same defaults as the page). */
export async function statementDownload(db: Executor, input: { orgId: string; params: URLSearchParams; format: "pdf" | "csv"; today?: string }): Promise<StatementDownload> {
  const found = await statementForDownload(db, input);
  if (!found.ok) return found;
  const { statement: s, locale } = found;
  if (input.format === "csv") return { ok: true, filename: statementFilename(s, "csv", locale), contentType: "text/csv; charset=utf-8", body: statementToCsv(s) };
  const today = input.today ?? dayIn(s.site?.timeZone ?? "UTC");
  const body = await renderStatementPdf(await statementPdfModel(db, s, locale, today));
  return { ok: true, filename: statementFilename(s, "pdf", locale), contentType: "application/pdf", body };
}

/** The HTTP answer of a download: the file, a 400 naming the bad parameters (in the reader's language), or a 404. */
export function statementDownloadResponse(result: StatementDownload, locale: Locale): Response {
  const plain = { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-store" };
  if (!result.ok && result.error === "bad_query") {
    const fields = Object.entries(result.errors)
      .map(([field, key]) => `${field} (${t(locale, key!)})`)
      .join(", ");
    return new Response(t(locale, "statement.badQuery", { fields }), { status: 400, headers: plain });
  }
  if (!result.ok) return new Response("Not Found", { status: 404, headers: plain });
  const body = typeof result.body === "string" ? result.body : new Uint8Array(result.body);
  return new Response(body, {
    headers: {
      "Content-Type": result.contentType,
      "Content-Disposition": `attachment; filename="${result.filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
