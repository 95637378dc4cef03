import { sql } from "kysely";
import type { Currency, PaymentMethod } from "#db/schema";
import type { Executor } from "#db/types";
import { isUuid } from "~/utils/ids";
import { PAYMENT_CURRENCIES, PAYMENT_METHODS, type PaymentCurrency } from "./payments.server";

/** What the payments pages read: the list, one payment with its allocations, an invoice's payments. */

export const PAYMENT_LIST_LIMIT = 200;

export interface PaymentFilters {
  orgId?: string;
  currency?: PaymentCurrency;
  method?: PaymentMethod;
  /** "live" | "reversed" */
  state?: "live" | "reversed";
}

/** Query-string filters; anything that is not one of the choices is dropped (and reported). */
export function paymentFilters(url: URL): { filters: PaymentFilters; ignored: boolean } {
  const filters: PaymentFilters = {};
  let ignored = false;
  const org = url.searchParams.get("org");
  if (org) (isUuid(org) ? (filters.orgId = org) : (ignored = true));
  const currency = url.searchParams.get("currency");
  if (currency) ((PAYMENT_CURRENCIES as readonly string[]).includes(currency) ? (filters.currency = currency as PaymentCurrency) : (ignored = true));
  const method = url.searchParams.get("method");
  if (method) ((PAYMENT_METHODS as readonly string[]).includes(method) ? (filters.method = method as PaymentMethod) : (ignored = true));
  const state = url.searchParams.get("state");
  if (state) (state === "live" || state === "reversed" ? (filters.state = state) : (ignored = true));
  return { filters, ignored };
}

export async function listPayments(db: Executor, filters: PaymentFilters) {
  let q = db
    .selectFrom("payments as p")
    .innerJoin("organisations as o", "o.id", "p.org_id")
    .select(["p.id", "p.org_id", "o.name as org_name", "p.currency", "p.amount_minor", "p.method", "p.reference", "p.payer", "p.received_on", "p.source", "p.reversed_on"])
    .select(sql<string>`coalesce((SELECT sum(a.amount_minor) FROM payment_allocations a WHERE a.payment_id = p.id), 0)`.as("allocated"))
    .select(sql<string>`coalesce((SELECT sum(r.amount_minor) FROM refunds r WHERE r.payment_id = p.id), 0)`.as("refunded"));
  if (filters.orgId) q = q.where("p.org_id", "=", filters.orgId);
  if (filters.currency) q = q.where("p.currency", "=", filters.currency);
  if (filters.method) q = q.where("p.method", "=", filters.method);
  if (filters.state === "live") q = q.where("p.reversed_on", "is", null);
  if (filters.state === "reversed") q = q.where("p.reversed_on", "is not", null);
  const rows = await q.orderBy("p.received_on", "desc").orderBy("p.created_at", "desc").limit(PAYMENT_LIST_LIMIT + 1).execute();
  return {
    truncated: rows.length > PAYMENT_LIST_LIMIT,
    rows: rows.slice(0, PAYMENT_LIST_LIMIT).map((r) => ({
      id: r.id,
      orgId: r.org_id,
      orgName: r.org_name,
      currency: r.currency,
      amountMinor: r.amount_minor,
      allocatedMinor: Number(r.allocated),
      refundedMinor: Number(r.refunded),
      unallocatedMinor: r.reversed_on ? 0 : r.amount_minor - Number(r.allocated) - Number(r.refunded),
      method: r.method,
      reference: r.reference,
      payer: r.payer,
      receivedOn: r.received_on,
      source: r.source,
      reversedOn: r.reversed_on,
    })),
  };
}

export async function getPayment(db: Executor, id: string) {
  if (!isUuid(id)) return null;
  const p = await db
    .selectFrom("payments as p")
    .innerJoin("organisations as o", "o.id", "p.org_id")
    .leftJoin("users as u", "u.id", "p.created_by")
    .selectAll("p")
    .select(["o.name as org_name", "o.tax_id", "u.email as created_by_email"])
    .where("p.id", "=", id)
    .executeTakeFirst();
  if (!p) return null;
  const [allocations, refunds] = await Promise.all([
    db
      .selectFrom("payment_allocations as a")
      .innerJoin("invoices as i", "i.id", "a.invoice_id")
      .select(["a.id", "a.invoice_id", "i.number", "i.status", "a.amount_minor", "a.reverses_id", "a.created_at"])
      .select(sql<boolean>`EXISTS (SELECT 1 FROM payment_allocations u WHERE u.reverses_id = a.id)`.as("undone"))
      .where("a.payment_id", "=", id)
      .orderBy("a.created_at")
      .orderBy("a.amount_minor", "desc")
      .execute(),
    db.selectFrom("refunds").select(["id", "amount_minor", "refunded_on", "method", "reference", "reason"]).where("payment_id", "=", id).orderBy("created_at").execute(),
  ]);
  const net = allocations.reduce((s, a) => s + a.amount_minor, 0);
  const refunded = refunds.reduce((s, r) => s + r.amount_minor, 0);
  return {
    id: p.id,
    orgId: p.org_id,
    orgName: p.org_name,
    taxId: p.tax_id,
    currency: p.currency as Currency,
    amountMinor: p.amount_minor,
    method: p.method,
    reference: p.reference,
    payer: p.payer,
    receivedOn: p.received_on,
    source: p.source,
    externalId: p.external_id,
    reversedOn: p.reversed_on,
    reversalReason: p.reversal_reason,
    createdAt: p.created_at.toISOString(),
    createdBy: p.created_by_email,
    allocatedMinor: net,
    refundedMinor: refunded,
    unallocatedMinor: p.reversed_on ? 0 : p.amount_minor - net - refunded,
    allocations: allocations.map((a) => ({
      id: a.id,
      invoiceId: a.invoice_id,
      number: a.number!,
      amountMinor: a.amount_minor,
      isUndoing: a.reverses_id !== null,
      undone: Boolean(a.undone),
      at: a.created_at.toISOString(),
    })),
    refunds: refunds.map((r) => ({ id: r.id, amountMinor: r.amount_minor, refundedOn: r.refunded_on, method: r.method, reference: r.reference, reason: r.reason })),
  };
}

export type PaymentDetail = NonNullable<Awaited<ReturnType<typeof getPayment>>>;

/** The payments that settled one invoice (net per payment), for the invoice pages. Scoped by organisation. */
export async function invoicePayments(db: Executor, invoiceId: string, orgId: string) {
  if (!isUuid(invoiceId) || !isUuid(orgId)) return [];
  const rows = await db
    .selectFrom("payment_allocations as a")
    .innerJoin("payments as p", "p.id", "a.payment_id")
    .select(["p.id", "p.method", "p.reference", "p.received_on", "p.reversed_on"])
    .select(sql<string>`sum(a.amount_minor)`.as("amount"))
    .select(sql<string>`sum(a.amount_minor) FILTER (WHERE a.amount_minor > 0)`.as("gross"))
    .where("a.invoice_id", "=", invoiceId)
    .where("p.org_id", "=", orgId)
    .groupBy(["p.id", "p.method", "p.reference", "p.received_on", "p.reversed_on"])
    .orderBy("p.received_on")
    .execute();
  // A reversed payment shows what it had paid (its net is zero); an allocation undone by hand disappears.
  return rows
    .map((r) => ({ id: r.id, method: r.method, reference: r.reference, receivedOn: r.received_on, reversedOn: r.reversed_on, amountMinor: Number(r.reversed_on ? r.gross : r.amount) }))
    .filter((r) => r.amountMinor !== 0);
}

/** One organisation's id and name, or null (an unknown or malformed id). */
export async function getOrganisation(db: Executor, orgId: string) {
  if (!isUuid(orgId)) return null;
  return (await db.selectFrom("organisations").select(["id", "name"]).where("id", "=", orgId).executeTakeFirst()) ?? null;
}

/** Organisations to pick from when recording a payment (name and tax id). */
export async function payingOrganisations(db: Executor) {
  return db.selectFrom("organisations").select(["id", "name", "tax_id"]).where("status", "!=", "pending").orderBy("name").execute();
}
