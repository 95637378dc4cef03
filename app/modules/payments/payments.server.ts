import { sql } from "kysely";
import type { Currency, PaymentMethod, PaymentSource } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { billingAddresses, linkBase } from "~/modules/email/recipients.server";
import { isUniqueViolation, withSavepoint } from "~/utils/db.server";
import { isUuid } from "~/utils/ids";

/**
 * Payments and the customer balance (issue 9; ADR 014; stored names in billing.md).
 *
 * A payment is money received from one organisation in one currency. It is allocated to that
 * organisation's issued invoices in the same currency (oldest due first unless told otherwise);
 * what is not allocated is the organisation's credit, applied to its next invoices or refunded.
 * Every movement is a row; the database refuses allocations beyond a balance or a payment and
 * moves invoices between `issued` and `paid` (2026_12_02_0900_payments). This module checks the
 * same rules first, with the rows locked, so a refusal is a clear error and writes nothing.
 */

export { PAYMENT_CURRENCIES, PAYMENT_METHODS, type PaymentCurrency, type PaymentMethod } from "./methods";
import { PAYMENT_CURRENCIES, type PaymentCurrency } from "./methods";

/** The largest amount one payment may carry (the column's CHECK): 10^15 minor units. */
export const MAX_PAYMENT_MINOR = 1_000_000_000_000_000;

export type PaymentError =
  | "org_not_found"
  | "bad_amount"
  | "bad_reference"
  | "bad_payer"
  | "bad_date"
  | "duplicate_reference"
  | "duplicate_external"
  | "invoice_not_open"
  | "allocation_exceeds_invoice"
  | "allocations_exceed_amount"
  | "payment_not_found"
  | "already_reversed"
  | "refunded"
  | "bad_reason"
  | "credit_insufficient"
  | "allocation_not_found";

export type Result<T> = ({ ok: true } & T) | { ok: false; error: PaymentError };

const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function validDate(on: string): boolean {
  if (!ISO_DATE.test(on)) return false;
  const d = new Date(`${on}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === on && on >= "2000-01-01" && on <= "2100-12-31";
}

const cleanText = (value: string | null | undefined, max: number): string | null | false => {
  if (value == null) return null;
  const v = value.trim();
  if (!v) return null;
  if (v.length > max || CONTROL.test(v)) return false;
  return v;
};

/** A payment's money may not be received in the future (the site's calendar is at most a day ahead of UTC). */
const latestReceivedOn = () => new Date(Date.now() + 36 * 3_600_000).toISOString().slice(0, 10);

export interface OpenInvoice {
  id: string;
  number: string;
  siteCode: string;
  issuedOn: string;
  dueOn: string;
  totalMinor: number;
  balanceMinor: number;
}

/** The organisation's issued invoices in that currency that still have a balance, oldest due first. */
export async function openInvoices(db: Executor, orgId: string, currency: Currency, opts: { lock?: boolean; ids?: string[] } = {}): Promise<OpenInvoice[]> {
  if (!isUuid(orgId)) return [];
  let q = db
    .selectFrom("invoices as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .select(["i.id", "i.number", "s.code", "i.issued_on", "i.due_on", "i.total_minor"])
    .select(sql<string>`invoice_balance_minor(i.id)`.as("balance"))
    .where("i.org_id", "=", orgId)
    .where("i.currency", "=", currency)
    .where("i.status", "=", "issued");
  if (opts.ids) q = q.where("i.id", "in", opts.ids.length ? opts.ids : ["00000000-0000-0000-0000-000000000000"]);
  const rows = await q.orderBy("i.due_on").orderBy("i.number").execute();
  if (opts.lock && rows.length) {
    // Lock in id order (the order every writer uses), then read the balances again.
    await db.selectFrom("invoices").select("id").where("id", "in", rows.map((r) => r.id)).orderBy("id").forUpdate().execute();
    return openInvoices(db, orgId, currency, { ids: rows.map((r) => r.id) });
  }
  return rows
    .map((r) => ({
      id: r.id,
      number: r.number!,
      siteCode: r.code,
      issuedOn: r.issued_on!,
      dueOn: r.due_on!,
      totalMinor: r.total_minor,
      balanceMinor: Number(r.balance),
    }))
    .filter((r) => r.balanceMinor > 0);
}

/** Unallocated, unrefunded money of the organisation's live payments in that currency. */
export async function creditBalanceMinor(db: Executor, orgId: string, currency: Currency): Promise<number> {
  const row = await db
    .selectFrom("payments as p")
    .select(sql<string>`coalesce(sum(payment_unallocated_minor(p.id)), 0)`.as("credit"))
    .where("p.org_id", "=", orgId)
    .where("p.currency", "=", currency)
    .where("p.reversed_on", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.credit);
}

/** Payments of the organisation with money left, oldest first (the credit is spent in that order). */
async function paymentsWithCredit(db: Executor, orgId: string, currency: Currency) {
  const rows = await db
    .selectFrom("payments as p")
    .select(["p.id", "p.reference"])
    .select(sql<string>`payment_unallocated_minor(p.id)`.as("left"))
    .where("p.org_id", "=", orgId)
    .where("p.currency", "=", currency)
    .where("p.reversed_on", "is", null)
    .orderBy("p.received_on")
    .orderBy("p.created_at")
    .orderBy("p.id")
    .execute();
  return rows.map((r) => ({ id: r.id, reference: r.reference, leftMinor: Number(r.left) })).filter((r) => r.leftMinor > 0);
}

/** Splits `amount` over the invoices in their order, each up to its balance. */
export function allocateOldestFirst(amountMinor: number, invoices: readonly { id: string; balanceMinor: number }[]) {
  const out: { invoiceId: string; amountMinor: number }[] = [];
  let left = amountMinor;
  for (const inv of invoices) {
    if (left <= 0) break;
    const take = Math.min(left, inv.balanceMinor);
    if (take > 0) out.push({ invoiceId: inv.id, amountMinor: take });
    left -= take;
  }
  return out;
}

const dbHint = (error: unknown) => (error && typeof error === "object" && typeof (error as { hint?: unknown }).hint === "string" ? (error as { hint: string }).hint : undefined);

/** Inserts allocation rows in invoice-id order (the lock order of the database's guard). */
async function insertAllocations(trx: Trx, paymentId: string, rows: { invoiceId: string; amountMinor: number }[], actor: Actor | null) {
  const sorted = [...rows].sort((a, b) => (a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0));
  for (const r of sorted) {
    await trx
      .insertInto("payment_allocations")
      .values({ payment_id: paymentId, invoice_id: r.invoiceId, amount_minor: r.amountMinor, reverses_id: null, created_by: actor?.id ?? null })
      .execute();
  }
}

export interface RecordPaymentInput {
  orgId: string;
  currency: Currency;
  amountMinor: number;
  method: PaymentMethod;
  reference: string;
  payer?: string | null;
  /** YYYY-MM-DD */
  receivedOn: string;
  /** "auto" (default): oldest due first. A list: exactly those amounts; the rest becomes credit. */
  allocations?: "auto" | { invoiceId: string; amountMinor: number }[];
  source?: PaymentSource;
  /** The outside transaction it comes from (statement line key, Stripe id): recorded once. */
  externalId?: string | null;
  actor: Actor | null;
  /** Queue the "payment received" e-mail (default true). */
  notify?: boolean;
}

export interface Allocated {
  invoiceId: string;
  number: string;
  amountMinor: number;
}

/**
 * Records a payment and allocates it. Runs in the caller's transaction; a refusal writes nothing
 * (the writes happen inside a savepoint).
 */
export async function recordPayment(trx: Trx, input: RecordPaymentInput): Promise<Result<{ paymentId: string; allocated: Allocated[]; creditMinor: number }>> {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0 || input.amountMinor > MAX_PAYMENT_MINOR) return { ok: false, error: "bad_amount" };
  const reference = cleanText(input.reference, 200);
  if (!reference) return { ok: false, error: "bad_reference" };
  const payer = cleanText(input.payer, 200);
  if (payer === false) return { ok: false, error: "bad_payer" };
  if (!validDate(input.receivedOn) || input.receivedOn > latestReceivedOn()) return { ok: false, error: "bad_date" };
  if (!isUuid(input.orgId) || !(PAYMENT_CURRENCIES as readonly string[]).includes(input.currency)) return { ok: false, error: "org_not_found" };
  const org = await trx.selectFrom("organisations").select(["id", "name"]).where("id", "=", input.orgId).executeTakeFirst();
  if (!org) return { ok: false, error: "org_not_found" };

  const open = await openInvoices(trx, input.orgId, input.currency, { lock: true });
  let plan: { invoiceId: string; amountMinor: number }[];
  if (!input.allocations || input.allocations === "auto") {
    plan = allocateOldestFirst(input.amountMinor, open);
  } else {
    const byId = new Map(open.map((i) => [i.id, i]));
    const seen = new Set<string>();
    plan = [];
    for (const a of input.allocations) {
      if (!Number.isSafeInteger(a.amountMinor) || a.amountMinor < 0) return { ok: false, error: "bad_amount" };
      if (a.amountMinor === 0) continue;
      const inv = byId.get(a.invoiceId);
      if (!inv || seen.has(a.invoiceId)) return { ok: false, error: "invoice_not_open" };
      seen.add(a.invoiceId);
      if (a.amountMinor > inv.balanceMinor) return { ok: false, error: "allocation_exceeds_invoice" };
      plan.push(a);
    }
    if (plan.reduce((s, a) => s + a.amountMinor, 0) > input.amountMinor) return { ok: false, error: "allocations_exceed_amount" };
  }

  let paymentId: string;
  try {
    paymentId = await withSavepoint(
      trx,
      async () => {
        const row = await trx
          .insertInto("payments")
          .values({
            org_id: input.orgId,
            currency: input.currency,
            amount_minor: input.amountMinor,
            method: input.method,
            reference,
            payer: payer || null,
            received_on: input.receivedOn,
            source: input.source ?? "manual",
            external_id: input.externalId ?? null,
            reversed_on: null,
            reversal_reason: null,
            reversed_by: null,
            created_by: input.actor?.id ?? null,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        await insertAllocations(trx, row.id, plan, input.actor);
        return row.id;
      },
      "sp_payment",
    );
  } catch (error) {
    if (isUniqueViolation(error, "payments_reference_key")) return { ok: false, error: "duplicate_reference" };
    if (isUniqueViolation(error, "payments_external_id_key")) return { ok: false, error: "duplicate_external" };
    const hint = dbHint(error);
    if (hint === "allocation_exceeds_invoice" || hint === "allocation_exceeds_payment") return { ok: false, error: "allocation_exceeds_invoice" };
    if (hint === "invoice_not_issued" || hint === "allocation_mismatch") return { ok: false, error: "invoice_not_open" };
    throw error;
  }

  const numbers = new Map(open.map((i) => [i.id, i.number]));
  const allocated = plan.map((a) => ({ invoiceId: a.invoiceId, number: numbers.get(a.invoiceId)!, amountMinor: a.amountMinor }));
  const creditMinor = input.amountMinor - allocated.reduce((s, a) => s + a.amountMinor, 0);
  await recordAudit(trx, {
    actor: input.actor,
    action: "payment.recorded",
    entityType: "payment",
    entityId: paymentId,
    orgId: input.orgId,
    after: {
      amount_minor: input.amountMinor,
      currency: input.currency,
      method: input.method,
      reference,
      received_on: input.receivedOn,
      source: input.source ?? "manual",
      allocated: allocated.map((a) => ({ number: a.number, amount_minor: a.amountMinor })),
      credit_minor: creditMinor,
    },
  });
  if (input.notify !== false) await queuePaymentReceived(trx, { orgId: input.orgId, paymentId });
  return { ok: true, paymentId, allocated, creditMinor };
}

/**
 * Applies the organisation's credit (money left on its payments, oldest first) to its open invoices
 * in that currency (oldest due first, or only `invoiceIds`). Returns what was applied.
 */
export async function applyCredit(trx: Trx, input: { orgId: string; currency: Currency; invoiceIds?: string[]; actor: Actor | null }): Promise<Allocated[]> {
  const payments = await paymentsWithCredit(trx, input.orgId, input.currency);
  if (!payments.length) return [];
  // Lock the payments (id order), then the invoices; read both again under the locks.
  await trx.selectFrom("payments").select("id").where("id", "in", payments.map((p) => p.id)).orderBy("id").forUpdate().execute();
  const invoices = await openInvoices(trx, input.orgId, input.currency, { lock: true, ids: input.invoiceIds });
  const fresh = await paymentsWithCredit(trx, input.orgId, input.currency);
  const applied: Allocated[] = [];
  const balances = new Map(invoices.map((i) => [i.id, i.balanceMinor]));
  for (const p of fresh) {
    const plan = allocateOldestFirst(
      p.leftMinor,
      invoices.map((i) => ({ id: i.id, balanceMinor: balances.get(i.id)! })),
    );
    if (!plan.length) break;
    await insertAllocations(trx, p.id, plan, input.actor);
    for (const a of plan) {
      balances.set(a.invoiceId, balances.get(a.invoiceId)! - a.amountMinor);
      applied.push({ invoiceId: a.invoiceId, number: invoices.find((i) => i.id === a.invoiceId)!.number, amountMinor: a.amountMinor });
    }
  }
  if (applied.length) {
    await recordAudit(trx, {
      actor: input.actor,
      action: "payment.credit_applied",
      entityType: "organisation",
      entityId: input.orgId,
      orgId: input.orgId,
      after: { currency: input.currency, applied: applied.map((a) => ({ number: a.number, amount_minor: a.amountMinor })) },
    });
  }
  return applied;
}

/** Live (not undone) allocations of a payment or of an invoice, newest first. */
async function liveAllocations(db: Executor, where: { paymentId?: string; invoiceId?: string }) {
  let q = db
    .selectFrom("payment_allocations as a")
    .select(["a.id", "a.payment_id", "a.invoice_id", "a.amount_minor"])
    .where("a.amount_minor", ">", 0)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("payment_allocations as u").select("u.id").whereRef("u.reverses_id", "=", "a.id"))));
  if (where.paymentId) q = q.where("a.payment_id", "=", where.paymentId);
  if (where.invoiceId) q = q.where("a.invoice_id", "=", where.invoiceId);
  return q.orderBy("a.created_at", "desc").orderBy("a.id", "desc").execute();
}

async function undoRows(trx: Trx, rows: { id: string; payment_id: string; invoice_id: string; amount_minor: number }[], actor: Actor | null) {
  const sorted = [...rows].sort((a, b) => (a.invoice_id < b.invoice_id ? -1 : a.invoice_id > b.invoice_id ? 1 : 0));
  for (const r of sorted) {
    await trx
      .insertInto("payment_allocations")
      .values({ payment_id: r.payment_id, invoice_id: r.invoice_id, amount_minor: -r.amount_minor, reverses_id: r.id, created_by: actor?.id ?? null })
      .execute();
  }
}

/** Takes one allocation back: the invoice reopens by that amount, the money returns to credit. */
export async function undoAllocation(trx: Trx, input: { allocationId: string; orgId?: string; actor: Actor | null }): Promise<Result<{ invoiceId: string }>> {
  if (!isUuid(input.allocationId)) return { ok: false, error: "allocation_not_found" };
  let q = trx
    .selectFrom("payment_allocations as a")
    .innerJoin("payments as p", "p.id", "a.payment_id")
    .select(["a.id", "a.payment_id", "a.invoice_id", "a.amount_minor", "p.org_id"])
    .where("a.id", "=", input.allocationId);
  if (input.orgId) q = q.where("p.org_id", "=", input.orgId);
  const row = await q.executeTakeFirst();
  if (!row) return { ok: false, error: "allocation_not_found" };
  await trx.selectFrom("payments").select("id").where("id", "=", row.payment_id).forUpdate().execute();
  const live = await liveAllocations(trx, { paymentId: row.payment_id });
  const target = live.find((a) => a.id === row.id);
  if (!target) return { ok: false, error: "allocation_not_found" };
  await undoRows(trx, [target], input.actor);
  await recordAudit(trx, {
    actor: input.actor,
    action: "payment.allocation_undone",
    entityType: "payment",
    entityId: row.payment_id,
    orgId: row.org_id,
    after: { invoice_id: row.invoice_id, amount_minor: row.amount_minor },
  });
  return { ok: true, invoiceId: row.invoice_id };
}

/**
 * Frees at least `neededMinor` of an invoice's payments (newest allocations first) so a credit note
 * fits: the freed money becomes the organisation's credit. Called by credit notes, in their transaction.
 */
export async function freeAllocationsForCredit(trx: Trx, invoiceId: string, neededMinor: number, actor: Actor | null): Promise<number> {
  if (neededMinor <= 0) return 0;
  const live = await liveAllocations(trx, { invoiceId });
  const chosen: typeof live = [];
  let freed = 0;
  for (const a of live) {
    if (freed >= neededMinor) break;
    chosen.push(a);
    freed += a.amount_minor;
  }
  if (chosen.length) {
    const paymentIds = [...new Set(chosen.map((a) => a.payment_id))].sort();
    await trx.selectFrom("payments").select("id").where("id", "in", paymentIds).orderBy("id").forUpdate().execute();
    await undoRows(trx, chosen, actor);
  }
  return freed;
}

/** Records a payment's reversal (bounced cheque, mobile-money reversal): its invoices reopen. */
export async function reversePayment(trx: Trx, input: { paymentId: string; reason: string; reversedOn?: string; actor: Actor | null }): Promise<Result<{ reopened: string[] }>> {
  const reason = cleanText(input.reason, 1000);
  if (!reason || reason.length < 2) return { ok: false, error: "bad_reason" };
  if (!isUuid(input.paymentId)) return { ok: false, error: "payment_not_found" };
  const pay = await trx.selectFrom("payments").selectAll().where("id", "=", input.paymentId).forUpdate().executeTakeFirst();
  if (!pay) return { ok: false, error: "payment_not_found" };
  if (pay.reversed_on) return { ok: false, error: "already_reversed" };
  const refunded = await trx.selectFrom("refunds").select("id").where("payment_id", "=", pay.id).executeTakeFirst();
  if (refunded) return { ok: false, error: "refunded" };
  const reversedOn = input.reversedOn ?? new Date().toISOString().slice(0, 10);
  if (!validDate(reversedOn) || reversedOn < pay.received_on) return { ok: false, error: "bad_date" };
  const live = await liveAllocations(trx, { paymentId: pay.id });
  await undoRows(trx, live, input.actor);
  await trx
    .updateTable("payments")
    .set({ reversed_on: reversedOn, reversal_reason: reason, reversed_by: input.actor?.id ?? null })
    .where("id", "=", pay.id)
    .execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "payment.reversed",
    entityType: "payment",
    entityId: pay.id,
    orgId: pay.org_id,
    before: { amount_minor: pay.amount_minor, reference: pay.reference },
    after: { reversed_on: reversedOn, reason, reopened: live.map((a) => a.invoice_id) },
  });
  return { ok: true, reopened: [...new Set(live.map((a) => a.invoice_id))] };
}

/** Refunds part of the organisation's credit, drawn from its payments oldest first. */
export async function refundCredit(
  trx: Trx,
  input: { orgId: string; currency: Currency; amountMinor: number; refundedOn: string; method: PaymentMethod; reference: string; reason: string; actor: Actor | null },
): Promise<Result<{ refundIds: string[] }>> {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0 || input.amountMinor > MAX_PAYMENT_MINOR) return { ok: false, error: "bad_amount" };
  const reference = cleanText(input.reference, 200);
  if (!reference) return { ok: false, error: "bad_reference" };
  const reason = cleanText(input.reason, 1000);
  if (!reason || reason.length < 2) return { ok: false, error: "bad_reason" };
  if (!validDate(input.refundedOn) || input.refundedOn > latestReceivedOn()) return { ok: false, error: "bad_date" };
  if (!isUuid(input.orgId)) return { ok: false, error: "org_not_found" };
  const candidates = await paymentsWithCredit(trx, input.orgId, input.currency);
  if (candidates.length) await trx.selectFrom("payments").select("id").where("id", "in", candidates.map((p) => p.id)).orderBy("id").forUpdate().execute();
  const payments = await paymentsWithCredit(trx, input.orgId, input.currency);
  if (payments.reduce((s, p) => s + p.leftMinor, 0) < input.amountMinor) return { ok: false, error: "credit_insufficient" };
  const refundIds: string[] = [];
  let left = input.amountMinor;
  for (const p of payments) {
    if (left <= 0) break;
    const take = Math.min(left, p.leftMinor);
    const row = await trx
      .insertInto("refunds")
      .values({
        payment_id: p.id,
        amount_minor: take,
        refunded_on: input.refundedOn,
        method: input.method,
        reference,
        reason,
        external_id: null,
        created_by: input.actor?.id ?? null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    refundIds.push(row.id);
    left -= take;
  }
  await recordAudit(trx, {
    actor: input.actor,
    action: "payment.refunded",
    entityType: "organisation",
    entityId: input.orgId,
    orgId: input.orgId,
    after: { currency: input.currency, amount_minor: input.amountMinor, method: input.method, reference, reason, refunded_on: input.refundedOn },
  });
  return { ok: true, refundIds };
}

export interface CurrencyPosition {
  currency: Currency;
  /** Σ balances of issued invoices. */
  outstandingMinor: number;
  overdueMinor: number;
  /** Earliest due date among invoices with a balance. */
  nextDueOn: string | null;
  creditMinor: number;
}

/**
 * What the organisation owes and holds, per currency (dashboard card, e-mails, customer account).
 * Overdue: past its due date in its site's calendar, unless `today` is given (tests, e-mails).
 */
export async function accountPosition(db: Executor, orgId: string, today?: string): Promise<CurrencyPosition[]> {
  if (!isUuid(orgId)) return [];
  const overdueBefore = today ? sql`${today}::date` : sql`site_today(i.site_id)`;
  // One statement: the issued invoices' balances and the payments' unallocated amounts, per currency.
  const { rows } = await sql<{ currency: Currency; outstanding: string; overdue: string; next_due: string | null; credit: string }>`
    SELECT x.currency, coalesce(sum(x.outstanding), 0) AS outstanding, coalesce(sum(x.overdue), 0) AS overdue,
           min(x.due_on)::text AS next_due, coalesce(sum(x.credit), 0) AS credit
    FROM (
      SELECT b.currency, b.balance AS outstanding, CASE WHEN b.is_overdue THEN b.balance ELSE 0 END AS overdue, b.due_on, 0 AS credit
      FROM (
        SELECT i.currency, invoice_balance_minor(i.id) AS balance, i.due_on < ${overdueBefore} AS is_overdue, i.due_on
        FROM invoices AS i
        WHERE i.org_id = ${orgId} AND i.status = 'issued'
      ) AS b
      UNION ALL
      SELECT p.currency, 0, 0, NULL, payment_unallocated_minor(p.id)
      FROM payments AS p
      WHERE p.org_id = ${orgId} AND p.reversed_on IS NULL
    ) AS x
    GROUP BY x.currency`.execute(db);
  return rows
    .map((r) => ({ currency: r.currency, outstandingMinor: Number(r.outstanding), overdueMinor: Number(r.overdue), nextDueOn: r.next_due, creditMinor: Number(r.credit) }))
    .filter((p) => p.outstandingMinor || p.creditMinor)
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

/** Queues "payment received" (FR/EN per the organisation's billing language) with what remains due. */
async function queuePaymentReceived(trx: Trx, input: { orgId: string; paymentId: string }) {
  const pay = await trx
    .selectFrom("payments as p")
    .innerJoin("organisations as o", "o.id", "p.org_id")
    .select(["p.amount_minor", "p.currency", "p.reference", "p.received_on", "o.name", "o.billing_email", "o.billing_language"])
    .where("p.id", "=", input.paymentId)
    .executeTakeFirstOrThrow();
  const allocations = await trx
    .selectFrom("payment_allocations as a")
    .innerJoin("invoices as i", "i.id", "a.invoice_id")
    .select(["i.number", "a.amount_minor"])
    .where("a.payment_id", "=", input.paymentId)
    .orderBy("i.number")
    .execute();
  const position = (await accountPosition(trx, input.orgId)).find((p) => p.currency === pay.currency);
  const addresses = await billingAddresses(trx, input.orgId, pay.billing_email);
  for (const to of addresses) {
    await enqueueEmail(trx, {
      to,
      locale: pay.billing_language,
      message: {
        template: "payment_received",
        props: {
          orgName: pay.name,
          amountMinor: pay.amount_minor,
          currency: pay.currency,
          receivedOn: pay.received_on,
          reference: pay.reference,
          invoices: allocations.map((a) => ({ number: a.number!, amountMinor: a.amount_minor })),
          outstandingMinor: position?.outstandingMinor ?? 0,
          creditMinor: position?.creditMinor ?? 0,
          url: `${linkBase()}/app/invoices`,
        },
      },
    });
  }
}
