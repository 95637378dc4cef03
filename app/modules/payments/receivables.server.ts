import { sql } from "kysely";
import { stringify } from "csv-stringify/sync";
import type { Currency, Locale, OrgKind, PaymentMethod } from "#db/schema";
import type { Executor } from "#db/types";
import { neutraliseFormula } from "~/modules/audit/actions";
import { forbidden, requireOperator, type OperatorUser } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { csvAmount } from "~/modules/billing/tenant-invoices.server";
import { t } from "~/i18n";
import type { MessageKey } from "~/i18n/format";
import { dayIn } from "~/utils/dates";
import { PAYMENT_CURRENCIES } from "./payments.server";
import { AGEING_BUCKETS, ageingBucket, emptyAgeing, type Ageing } from "./statement.server";

/**
 * Receivables (issue 9, `/ops/receivables`): for admins and finance.
 *
 * Outstanding: per organisation and currency, the balances (`invoice_balance_minor`, THE balance
 * rule) of its issued invoices, split by how late they are today (same buckets as the statement:
 * not due, 1–30, 31–60, 61–90, over 90 days past the due date), the credit it holds in that currency
 * (`payment_unallocated_minor` of its live payments) and the net (due − credit). Filters: site (only
 * that site's invoices count in what is due; the credit, which belongs to the organisation and the
 * currency, is shown for organisations invoiced at that site, in its currency), currency,
 * organisation kind, overdue only (something 1 day late or more).
 *
 * Cash collected in a month: the payments received in that month (by `received_on`) and not
 * reversed, per site, currency and method. A payment belongs to an organisation, not to a site: it
 * is attributed to the sites of the invoices it is allocated to today (net of undone allocations);
 * what is allocated to no invoice — credit, whether refunded since or not — is a row of its own
 * with no site ("Unallocated"). With a site filter only that site's rows are shown. Without one,
 * the rows of a currency add up to the money received in it that month.
 */

/** Admins and finance (`billing:manage` or `payments:record`); other operators get 403. */
export async function requireFinanceOperator(request: Request): Promise<OperatorUser> {
  const user = await requireOperator(request, "orgs:read");
  if (!operatorCan(user.operatorRole, "billing:manage") && !operatorCan(user.operatorRole, "payments:record")) forbidden();
  return user;
}

export const ORG_KINDS = ["sme", "agency"] as const satisfies readonly OrgKind[];

export interface ReceivablesFilters {
  site?: { id: string; code: string; currency: Currency };
  currency?: Currency;
  kind?: OrgKind;
  overdueOnly: boolean;
  /** `YYYY-MM`: the month of cash collected. */
  month: string;
}

export type ReceivablesField = "site" | "currency" | "kind" | "overdue" | "month";
export type ReceivablesErrors = Partial<Record<ReceivablesField, MessageKey>>;

const one = (params: URLSearchParams, name: string) => (params.get(name) ?? "").trim().slice(0, 40);

/** Reads the filters; a malformed one is named in `errors` and not applied. */
export async function parseReceivablesQuery(db: Executor, params: URLSearchParams, today: string) {
  const sites = await db.selectFrom("sites").select(["id", "code", "name", "currency"]).orderBy("code").execute();
  const values = { site: one(params, "site").toUpperCase(), currency: one(params, "currency").toUpperCase(), kind: one(params, "kind"), overdue: one(params, "overdue"), month: one(params, "month") };
  const errors: ReceivablesErrors = {};
  const filters: ReceivablesFilters = { overdueOnly: false, month: today.slice(0, 7) };
  if (values.site) {
    const site = sites.find((s) => s.code === values.site);
    if (site) filters.site = { id: site.id, code: site.code, currency: site.currency };
    else errors.site = "receivables.error.site";
  }
  if (values.currency) {
    if ((PAYMENT_CURRENCIES as readonly string[]).includes(values.currency)) filters.currency = values.currency as Currency;
    else errors.currency = "receivables.error.currency";
  }
  if (values.kind) {
    if ((ORG_KINDS as readonly string[]).includes(values.kind)) filters.kind = values.kind as OrgKind;
    else errors.kind = "receivables.error.kind";
  }
  if (values.overdue) {
    if (values.overdue === "1" || values.overdue === "on" || values.overdue === "true") filters.overdueOnly = true;
    else if (values.overdue !== "0" && values.overdue !== "false") errors.overdue = "receivables.error.overdue";
  }
  if (values.month) {
    const m = /^(\d{4})-(\d{2})$/.exec(values.month);
    if (m && Number(m[1]) >= 2000 && Number(m[1]) <= 2100 && Number(m[2]) >= 1 && Number(m[2]) <= 12) filters.month = values.month;
    else errors.month = "receivables.error.month";
  }
  return { filters, errors, values, sites: sites.map((s) => ({ code: s.code, name: s.name, currency: s.currency })) };
}

export interface ReceivableRow {
  orgId: string;
  orgName: string;
  taxId: string;
  kind: OrgKind;
  currency: Currency;
  ageing: Ageing;
  overdueMinor: number;
  creditMinor: number;
  netMinor: number;
  oldestDueOn: string | null;
}

/** Outstanding per organisation and currency, as of `today`. */
export async function receivables(db: Executor, filters: ReceivablesFilters, today: string): Promise<ReceivableRow[]> {
  const currency = filters.site?.currency ?? filters.currency;
  if (filters.site && filters.currency && filters.site.currency !== filters.currency) return [];
  const invoiceWhere = [
    sql`i.status = 'issued'`,
    filters.site ? sql`i.site_id = ${filters.site.id}::uuid` : null,
    currency ? sql`i.currency = ${currency}` : null,
    filters.kind ? sql`o.kind = ${filters.kind}` : null,
  ].filter((x): x is NonNullable<typeof x> => x !== null);
  const { rows: owed } = await sql<{ org_id: string; currency: Currency; days: number; balance: string; due_on: string }>`
    SELECT i.org_id, i.currency, (${today}::date - i.due_on) AS days, invoice_balance_minor(i.id)::text AS balance, i.due_on::text AS due_on
      FROM invoices i JOIN organisations o ON o.id = i.org_id
     WHERE ${sql.join(invoiceWhere, sql` AND `)}
  `.execute(db);

  const creditWhere = [
    sql`p.reversed_on IS NULL`,
    currency ? sql`p.currency = ${currency}` : null,
    filters.kind ? sql`o.kind = ${filters.kind}` : null,
    filters.site ? sql`EXISTS (SELECT 1 FROM invoices si WHERE si.org_id = p.org_id AND si.site_id = ${filters.site.id}::uuid AND si.status <> 'draft')` : null,
  ].filter((x): x is NonNullable<typeof x> => x !== null);
  const { rows: credits } = await sql<{ org_id: string; currency: Currency; credit: string }>`
    SELECT p.org_id, p.currency, sum(payment_unallocated_minor(p.id))::text AS credit
      FROM payments p JOIN organisations o ON o.id = p.org_id
     WHERE ${sql.join(creditWhere, sql` AND `)}
     GROUP BY p.org_id, p.currency
    HAVING sum(payment_unallocated_minor(p.id)) > 0
  `.execute(db);

  const byKey = new Map<string, Omit<ReceivableRow, "orgName" | "taxId" | "kind">>();
  const get = (orgId: string, c: Currency) => {
    const key = `${orgId}|${c}`;
    let row = byKey.get(key);
    if (!row) byKey.set(key, (row = { orgId, currency: c, ageing: emptyAgeing(), overdueMinor: 0, creditMinor: 0, netMinor: 0, oldestDueOn: null }));
    return row;
  };
  for (const r of owed) {
    const balance = Number(r.balance);
    if (balance <= 0) continue;
    const row = get(r.org_id, r.currency);
    const bucket = ageingBucket(Number(r.days));
    row.ageing[bucket] += balance;
    row.ageing.totalMinor += balance;
    if (bucket !== "notDue") row.overdueMinor += balance;
    if (!row.oldestDueOn || r.due_on < row.oldestDueOn) row.oldestDueOn = r.due_on;
  }
  for (const c of credits) get(c.org_id, c.currency).creditMinor = Number(c.credit);
  const orgIds = [...new Set([...byKey.values()].map((r) => r.orgId))];
  const orgs = orgIds.length ? await db.selectFrom("organisations").select(["id", "name", "tax_id", "kind"]).where("id", "in", orgIds).execute() : [];
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  return [...byKey.values()]
    .map((r) => {
      const o = orgById.get(r.orgId)!;
      return { ...r, orgName: o.name, taxId: o.tax_id, kind: o.kind, netMinor: r.ageing.totalMinor - r.creditMinor };
    })
    .filter((r) => !filters.overdueOnly || r.overdueMinor > 0)
    .sort((a, b) => a.currency.localeCompare(b.currency) || b.overdueMinor - a.overdueMinor || b.ageing.totalMinor - a.ageing.totalMinor || a.orgName.localeCompare(b.orgName));
}

/** Σ of the rows per currency. */
export function receivablesTotals(rows: readonly ReceivableRow[]) {
  const totals = new Map<Currency, { currency: Currency; ageing: Ageing; overdueMinor: number; creditMinor: number; netMinor: number; organisations: number }>();
  for (const r of rows) {
    const tot = totals.get(r.currency) ?? { currency: r.currency, ageing: emptyAgeing(), overdueMinor: 0, creditMinor: 0, netMinor: 0, organisations: 0 };
    for (const b of AGEING_BUCKETS) tot.ageing[b] += r.ageing[b];
    tot.ageing.totalMinor += r.ageing.totalMinor;
    tot.overdueMinor += r.overdueMinor;
    tot.creditMinor += r.creditMinor;
    tot.netMinor += r.netMinor;
    tot.organisations++;
    totals.set(r.currency, tot);
  }
  return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

export interface CashRow {
  /** null: money allocated to no invoice. */
  siteCode: string | null;
  currency: Currency;
  method: PaymentMethod;
  payments: number;
  amountMinor: number;
}

const nextMonth = (month: string) => {
  const [y, m] = month.split("-").map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
};

/** Cash collected in `filters.month` per site (by allocation), currency and method; see the module's doc. */
export async function cashCollected(db: Executor, filters: ReceivablesFilters): Promise<CashRow[]> {
  const currency = filters.site?.currency ?? filters.currency;
  if (filters.site && filters.currency && filters.site.currency !== filters.currency) return [];
  const payWhere = [
    sql`p.received_on >= ${`${filters.month}-01`}::date`,
    sql`p.received_on < ${nextMonth(filters.month)}::date`,
    sql`p.reversed_on IS NULL`,
    currency ? sql`p.currency = ${currency}` : null,
    filters.kind ? sql`o.kind = ${filters.kind}` : null,
  ].filter((x): x is NonNullable<typeof x> => x !== null);
  const { rows } = await sql<{ site_code: string | null; currency: Currency; method: PaymentMethod; payments: string; amount: string }>`
    WITH pay AS (
      SELECT p.id, p.currency, p.method, p.amount_minor
        FROM payments p JOIN organisations o ON o.id = p.org_id
       WHERE ${sql.join(payWhere, sql` AND `)}
    ), alloc AS (
      SELECT a.payment_id, i.site_id, sum(a.amount_minor) AS amount
        FROM payment_allocations a JOIN pay ON pay.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id
       GROUP BY a.payment_id, i.site_id
      HAVING sum(a.amount_minor) <> 0
    ), by_site AS (
      SELECT s.code AS site_code, pay.currency, pay.method, count(DISTINCT pay.id) AS payments, sum(alloc.amount) AS amount
        FROM alloc JOIN pay ON pay.id = alloc.payment_id JOIN sites s ON s.id = alloc.site_id
       ${filters.site ? sql`WHERE alloc.site_id = ${filters.site.id}::uuid` : sql``}
       GROUP BY s.code, pay.currency, pay.method
    ), unallocated AS (
      SELECT NULL::text AS site_code, pay.currency, pay.method, count(*) AS payments,
             sum(pay.amount_minor - coalesce(al.amount, 0)) AS amount
        FROM pay LEFT JOIN (SELECT payment_id, sum(amount) AS amount FROM alloc GROUP BY payment_id) al ON al.payment_id = pay.id
       WHERE pay.amount_minor - coalesce(al.amount, 0) <> 0
       GROUP BY pay.currency, pay.method
    )
    SELECT site_code, currency, method, payments::text, amount::text FROM by_site
    ${filters.site ? sql`` : sql`UNION ALL SELECT site_code, currency, method, payments::text, amount::text FROM unallocated`}
    ORDER BY currency, site_code NULLS LAST, method
  `.execute(db);
  return rows.map((r) => ({ siteCode: r.site_code, currency: r.currency, method: r.method, payments: Number(r.payments), amountMinor: Number(r.amount) }));
}

/** The page's view-model. */
export async function receivablesView(db: Executor, input: { params: URLSearchParams; today?: string }) {
  const today = input.today ?? dayIn("UTC");
  const { filters, errors, values, sites } = await parseReceivablesQuery(db, input.params, today);
  const [rows, cash] = await Promise.all([receivables(db, filters, today), cashCollected(db, filters)]);
  const cashTotals = new Map<Currency, number>();
  for (const c of cash) cashTotals.set(c.currency, (cashTotals.get(c.currency) ?? 0) + c.amountMinor);
  const query = new URLSearchParams();
  if (filters.site) query.set("site", filters.site.code);
  if (filters.currency) query.set("currency", filters.currency);
  if (filters.kind) query.set("kind", filters.kind);
  if (filters.overdueOnly) query.set("overdue", "1");
  return {
    today,
    errors,
    values,
    filters: { site: filters.site?.code ?? "", currency: filters.currency ?? "", kind: filters.kind ?? "", overdueOnly: filters.overdueOnly, month: filters.month },
    options: { sites, currencies: PAYMENT_CURRENCIES, kinds: ORG_KINDS },
    rows,
    totals: receivablesTotals(rows),
    cash,
    cashTotals: [...cashTotals.entries()].map(([currency, amountMinor]) => ({ currency, amountMinor })).sort((a, b) => a.currency.localeCompare(b.currency)),
    csvHref: `/ops/receivables.csv${query.size ? `?${query.toString()}` : ""}`,
  };
}

export type ReceivablesView = Awaited<ReturnType<typeof receivablesView>>;

export const RECEIVABLES_CSV_HEADER = [
  "organisation",
  "tax_id",
  "kind",
  "currency",
  "not_due",
  "days_1_30",
  "days_31_60",
  "days_61_90",
  "days_over_90",
  "outstanding",
  "overdue",
  "credit",
  "net",
  "oldest_due_on",
] as const;

/** The filtered outstanding as CSV: amounts as decimal strings in major units with a dot. */
export async function receivablesCsv(db: Executor, input: { params: URLSearchParams; today?: string }) {
  const today = input.today ?? dayIn("UTC");
  const { filters, errors } = await parseReceivablesQuery(db, input.params, today);
  if (Object.keys(errors).length) return { ok: false as const, errors };
  const rows = await receivables(db, filters, today);
  const text = (v: string) => neutraliseFormula(v);
  const csv = stringify([
    [...RECEIVABLES_CSV_HEADER],
    ...rows.map((r) => {
      const a = (minor: number) => csvAmount(minor, r.currency);
      return [text(r.orgName), text(r.taxId), r.kind, r.currency, a(r.ageing.notDue), a(r.ageing.d1_30), a(r.ageing.d31_60), a(r.ageing.d61_90), a(r.ageing.over90), a(r.ageing.totalMinor), a(r.overdueMinor), a(r.creditMinor), a(r.netMinor), r.oldestDueOn ?? ""];
    }),
  ]);
  return { ok: true as const, filename: `receivables-${today}.csv`, csv };
}

/** 400 text naming the bad filters, in the reader's language. */
export function badReceivablesQuery(errors: ReceivablesErrors, locale: Locale): Response {
  const fields = Object.entries(errors)
    .map(([field, key]) => `${field} (${t(locale, key!)})`)
    .join(", ");
  return new Response(t(locale, "receivables.badQuery", { fields }), { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-store" } });
}
