import Stripe from "stripe";
import { sql } from "kysely";
import type { Currency, Database, StripeEventOutcome, StripeMirrorStatus, TenantRole } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { readBounded } from "~/utils/forms.server";
import type { Kysely } from "kysely";
import { env } from "#db/env.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { tenantCan } from "~/modules/auth/permissions";
import { isUniqueViolation, withSavepoint } from "~/utils/db.server";
import { dayIn } from "~/utils/dates";
import { isUuid } from "~/utils/ids";
import { applyCredit, openInvoices, recordPayment, undoAllocation } from "./payments.server";
import { fromStripeAmount, toStripeAmount } from "./stripe-amount";

/**
 * Cards through Stripe (issue 9; docs/stripe.md). Nothing here runs unless STRIPE_SECRET_KEY is set.
 *
 * Paying: `payByCard` mirrors one of our issued invoices as a Stripe invoice for its current balance
 * when the tenant clicks "Pay by card" (lazily: no Stripe object for invoices paid by transfer, and
 * the amount is the balance of that moment), then sends the tenant to Stripe's hosted page. Every
 * create call carries an idempotency key made of our ids (`colo:<what>:<invoice>:<attempt>`), so a
 * retry, a double click or a crash half-way never creates a second customer, invoice or line. Network
 * calls never happen inside a database transaction; each result is stored right after.
 *
 * Getting paid: `receiveStripeWebhook` verifies the signature on the raw body, records the event once
 * by its id and applies it in the same transaction: `invoice.paid` records a card payment allocated to
 * our invoice up to its balance (the rest is credit, e.g. when a transfer paid it meanwhile),
 * `charge.refunded` records the refund (undoing allocations first when the money was allocated).
 */

// ---------------------------------------------------------------------------------------------
// Configuration and client

export const stripeConfigured = () => Boolean(env().STRIPE_SECRET_KEY);
const webhookSecret = () => (env().STRIPE_SECRET_KEY ? env().STRIPE_WEBHOOK_SECRET : undefined);

let cached: { key: string; url: string | undefined; client: Stripe } | undefined;

/** The Stripe client (null when not configured). STRIPE_API_URL points it elsewhere (tests). */
export function stripeClient(): Stripe | null {
  const { STRIPE_SECRET_KEY: key, STRIPE_API_URL: url } = env();
  if (!key) return null;
  if (cached && cached.key === key && cached.url === url) return cached.client;
  const config: Stripe.StripeConfig = { maxNetworkRetries: 2, timeout: 20_000, telemetry: false, appInfo: { name: "colo-portal" } };
  if (url) {
    const u = new URL(url);
    config.protocol = u.protocol === "http:" ? "http" : "https";
    config.host = u.hostname;
    config.port = u.port || (u.protocol === "http:" ? 80 : 443);
  }
  cached = { key, url, client: new Stripe(key, config) };
  return cached.client;
}

/** Is "Pay by card" shown to this member for this invoice? */
export function cardPaymentOffered(role: TenantRole, invoice: { status: string; balanceMinor: number; currency: Currency }): boolean {
  return stripeConfigured() && tenantCan(role, "invoices:pay") && invoice.status === "issued" && toStripeAmount(invoice.currency, invoice.balanceMinor) !== null;
}

/** The idempotency key of one create call: derived from our ids only, so a retry sends the same. */
export const idempotencyKey = (what: "customer" | "invoice" | "invoiceitem" | "finalize" | "void", ...ids: (string | number)[]) => `colo:${what}:${ids.join(":")}`;

// ---------------------------------------------------------------------------------------------
// Paying: the mirror and Stripe's hosted page

export type PayByCardError = "not_configured" | "not_found" | "nothing_due" | "not_payable" | "stripe_unavailable";

const STRIPE_STATUSES: Record<string, StripeMirrorStatus> = { draft: "draft", open: "open", paid: "paid", void: "void", uncollectible: "uncollectible" };

interface MirrorRow {
  id: string;
  attempt: number;
  amount_minor: number;
  status: StripeMirrorStatus;
  stripe_invoice_id: string | null;
  hosted_invoice_url: string | null;
}

const mirrorColumns = ["id", "attempt", "amount_minor", "status", "stripe_invoice_id", "hosted_invoice_url"] as const;

const safeUrl = (value: unknown): string | null => {
  if (typeof value !== "string" || value.length > 2000) return null;
  try {
    const u = new URL(value);
    return u.protocol === "https:" || u.protocol === "http:" ? u.toString() : null;
  } catch {
    return null;
  }
};

/**
 * The hosted payment page of the invoice's Stripe mirror for its current balance, made if needed.
 * Called outside any transaction: Stripe calls happen between short writes of their results.
 */
export async function payByCard(db: Kysely<Database>, input: { orgId: string; invoiceId: string }, retried = false): Promise<{ ok: true; url: string } | { ok: false; error: PayByCardError }> {
  const stripe = stripeClient();
  if (!stripe) return { ok: false, error: "not_configured" };
  if (!isUuid(input.orgId) || !isUuid(input.invoiceId)) return { ok: false, error: "not_found" };
  const inv = await db
    .selectFrom("invoices as i")
    .innerJoin("organisations as o", "o.id", "i.org_id")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .select(["i.id", "i.number", "i.status", "i.currency", "i.due_on", "o.name", "o.billing_email", "o.billing_language", "s.time_zone"])
    .select(sql<string>`invoice_balance_minor(i.id)`.as("balance"))
    .where("i.id", "=", input.invoiceId)
    .where("i.org_id", "=", input.orgId)
    .where("i.status", "<>", "draft")
    .executeTakeFirst();
  if (!inv) return { ok: false, error: "not_found" };
  const balance = Number(inv.balance);
  if (inv.status !== "issued" || balance <= 0) return { ok: false, error: "nothing_due" };
  const amount = toStripeAmount(inv.currency, balance);
  if (!amount) return { ok: false, error: "not_payable" };

  // The attempt: the latest one when it is for this amount and still payable, else a new one.
  const latest = await db.selectFrom("stripe_invoices").select(mirrorColumns).where("invoice_id", "=", inv.id).orderBy("attempt", "desc").executeTakeFirst();
  let mirror: MirrorRow;
  if (latest && latest.amount_minor === balance && ["pending", "draft", "open"].includes(latest.status)) {
    mirror = latest;
    if (latest.status === "open" && latest.hosted_invoice_url) return { ok: true, url: latest.hosted_invoice_url };
  } else {
    const attempt = (latest?.attempt ?? 0) + 1;
    if (attempt > 1000) return { ok: false, error: "not_payable" };
    await db.insertInto("stripe_invoices").values({ invoice_id: inv.id, attempt, amount_minor: balance }).onConflict((oc) => oc.constraint("stripe_invoices_attempt_key").doNothing()).execute();
    mirror = await db.selectFrom("stripe_invoices").select(mirrorColumns).where("invoice_id", "=", inv.id).where("attempt", "=", attempt).executeTakeFirstOrThrow();
  }
  const mirrorAmount = toStripeAmount(inv.currency, mirror.amount_minor)!;

  try {
    const customer = await stripeCustomer(db, stripe, input.orgId, { name: inv.name, email: inv.billing_email, locale: inv.billing_language });
    let sInvoice: Stripe.Invoice;
    if (!mirror.stripe_invoice_id) {
      const today = dayIn(inv.time_zone);
      const days = inv.due_on ? Math.round((Date.parse(`${inv.due_on}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000) : 0;
      sInvoice = await stripe.invoices.create(
        {
          customer,
          currency: mirrorAmount.currency,
          collection_method: "send_invoice",
          days_until_due: Math.min(Math.max(days, 1), 365),
          auto_advance: false,
          pending_invoice_items_behavior: "exclude",
          description: inv.number ?? undefined,
          metadata: { invoice_id: inv.id, org_id: input.orgId, number: inv.number ?? "", attempt: String(mirror.attempt) },
        },
        { idempotencyKey: idempotencyKey("invoice", inv.id, mirror.attempt) },
      );
      await db
        .updateTable("stripe_invoices")
        .set({ stripe_invoice_id: sInvoice.id, status: STRIPE_STATUSES[sInvoice.status ?? "draft"] ?? "draft" })
        .where("id", "=", mirror.id)
        .where("stripe_invoice_id", "is", null)
        .execute();
    } else {
      sInvoice = await stripe.invoices.retrieve(mirror.stripe_invoice_id);
    }
    if (sInvoice.status === "draft") {
      // The line, once: an invoice that already carries it (a retry after 24 h) is not given a second.
      if (!sInvoice.total) {
        await stripe.invoiceItems.create(
          { customer, invoice: sInvoice.id, currency: mirrorAmount.currency, amount: mirrorAmount.amount, description: inv.number ?? undefined, metadata: { invoice_id: inv.id } },
          { idempotencyKey: idempotencyKey("invoiceitem", inv.id, mirror.attempt) },
        );
      }
      sInvoice = await stripe.invoices.finalizeInvoice(sInvoice.id, { auto_advance: false }, { idempotencyKey: idempotencyKey("finalize", inv.id, mirror.attempt) });
    }
    const status = STRIPE_STATUSES[sInvoice.status ?? ""] ?? "open";
    const url = safeUrl(sInvoice.hosted_invoice_url);
    await db.updateTable("stripe_invoices").set({ status, hosted_invoice_url: url }).where("id", "=", mirror.id).execute();
    if (status === "void" || status === "uncollectible" || !url) {
      // Voided or closed on Stripe's side meanwhile: one new attempt.
      if (retried) return { ok: false, error: "stripe_unavailable" };
      if (status === "uncollectible" || !url) await db.updateTable("stripe_invoices").set({ status: "void" }).where("id", "=", mirror.id).execute();
      return payByCard(db, input, true);
    }
    await voidOlderMirrors(db, stripe, inv.id, mirror.attempt);
    return { ok: true, url };
  } catch (error) {
    console.error(`[stripe] pay by card, invoice ${inv.number}:`, error instanceof Error ? error.message : error);
    return { ok: false, error: "stripe_unavailable" };
  }
}

async function stripeCustomer(db: Kysely<Database>, stripe: Stripe, orgId: string, org: { name: string; email: string; locale: string }): Promise<string> {
  const known = await db.selectFrom("stripe_customers").select("stripe_customer_id").where("org_id", "=", orgId).executeTakeFirst();
  if (known) return known.stripe_customer_id;
  const customer = await stripe.customers.create(
    { name: org.name.slice(0, 256), email: org.email || undefined, preferred_locales: [org.locale], metadata: { org_id: orgId } },
    { idempotencyKey: idempotencyKey("customer", orgId) },
  );
  await db.insertInto("stripe_customers").values({ org_id: orgId, stripe_customer_id: customer.id }).onConflict((oc) => oc.column("org_id").doNothing()).execute();
  const row = await db.selectFrom("stripe_customers").select("stripe_customer_id").where("org_id", "=", orgId).executeTakeFirstOrThrow();
  return row.stripe_customer_id;
}

/** Earlier attempts for other amounts are voided on Stripe (best effort: a payment on one still counts). */
async function voidOlderMirrors(db: Kysely<Database>, stripe: Stripe, invoiceId: string, attempt: number) {
  const older = await db
    .selectFrom("stripe_invoices")
    .select(["id", "attempt", "stripe_invoice_id"])
    .where("invoice_id", "=", invoiceId)
    .where("attempt", "<", attempt)
    .where("status", "=", "open")
    .where("stripe_invoice_id", "is not", null)
    .execute();
  for (const m of older) {
    try {
      await stripe.invoices.voidInvoice(m.stripe_invoice_id!, {}, { idempotencyKey: idempotencyKey("void", invoiceId, m.attempt) });
      await db.updateTable("stripe_invoices").set({ status: "void" }).where("id", "=", m.id).execute();
    } catch (error) {
      console.error(`[stripe] could not void ${m.stripe_invoice_id}:`, error instanceof Error ? error.message : error);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Getting paid: the webhook

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const STRIPE_ID = /^[A-Za-z0-9_]{1,255}$/;
const EVENT_TYPE = /^[a-z0-9_.]{1,255}$/;
/** A Stripe id (`in_…`, `ch_…`), as a string or an expanded object. */
const idOf = (v: unknown): string | null => {
  const id = isObj(v) ? v.id : v;
  return typeof id === "string" && STRIPE_ID.test(id) ? id : null;
};
/** No lone surrogate (what PostgreSQL refuses in text and jsonb). */
const wellFormed = (v: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(v);
const text = (v: unknown, max = 200): string | null => {
  if (typeof v !== "string") return null;
  // eslint-disable-next-line no-control-regex
  const clean = v.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
  return clean && wellFormed(clean) ? Array.from(clean).slice(0, max).join("") : null;
};

/** Can this value be stored in jsonb (no NUL, no lone surrogate, not absurdly deep)? */
function storable(v: unknown, depth = 0): boolean {
  if (depth > 40) return false;
  if (typeof v === "string") return wellFormed(v) && !v.includes("\u0000");
  if (Array.isArray(v)) return v.every((x) => storable(x, depth + 1));
  if (isObj(v)) return Object.entries(v).every(([k, x]) => storable(k) && storable(x, depth + 1));
  return true;
}

/** The request's body as bytes, exactly as sent (the signature covers them); null beyond `maxBytes` or unreadable. */
export async function readRawBody(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  try {
    return await readBounded(request, maxBytes);
  } catch {
    return null;
  }
}

export type WebhookResult = { ok: true; duplicate: boolean; outcome: StripeEventOutcome } | { ok: false; error: "not_configured" | "bad_signature" | "bad_event" };

/**
 * A webhook delivery: verified on the raw body, recorded once by event id, applied in the same
 * transaction. A redelivery (or a replay) finds the id recorded and changes nothing.
 */
export async function receiveStripeWebhook(db: Kysely<Database>, rawBody: Uint8Array, signature: string | null): Promise<WebhookResult> {
  const secret = webhookSecret();
  if (!secret) return { ok: false, error: "not_configured" };
  if (!signature || signature.length > 2000) return { ok: false, error: "bad_signature" };
  let event: unknown;
  try {
    event = Stripe.webhooks.constructEvent(Buffer.from(rawBody), signature, secret);
  } catch (error) {
    return { ok: false, error: error instanceof Stripe.errors.StripeSignatureVerificationError ? "bad_signature" : "bad_event" };
  }
  if (!isObj(event) || typeof event.id !== "string" || !STRIPE_ID.test(event.id) || typeof event.type !== "string" || !EVENT_TYPE.test(event.type)) return { ok: false, error: "bad_event" };
  const data = event.data;
  if (!isObj(data) || !isObj(data.object) || !storable(data.object)) return { ok: false, error: "bad_event" };
  const object = data.object;
  const occurredAt = typeof event.created === "number" && Number.isFinite(event.created) ? new Date(event.created * 1000) : new Date();
  const type = event.type;
  const eventId = event.id;

  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("stripe_events")
      .values({ id: eventId, type, object_id: idOf(object), livemode: event.livemode === true, payload: JSON.stringify(object), processed_at: null, detail: null, invoice_id: null, org_id: null })
      .onConflict((oc) => oc.column("id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return { ok: true, duplicate: true, outcome: "ignored" } as const;
    const result = await applyEvent(trx, type, object, occurredAt);
    await saveOutcome(trx, eventId, result);
    if (result.outcome === "applied" && result.paymentKnown) await retryDeferred(trx);
    return { ok: true, duplicate: false, outcome: result.outcome } as const;
  });
}

interface Applied {
  outcome: StripeEventOutcome;
  detail?: string;
  invoiceId?: string | null;
  orgId?: string | null;
  /** A payment or its payment intent became known: deferred refunds may now apply. */
  paymentKnown?: boolean;
}

async function saveOutcome(trx: Trx, eventId: string, r: Applied) {
  await trx
    .updateTable("stripe_events")
    .set({ outcome: r.outcome, detail: r.detail?.slice(0, 1000) ?? null, processed_at: new Date(), invoice_id: r.invoiceId ?? null, org_id: r.orgId ?? null })
    .where("id", "=", eventId)
    .execute();
}

/** Refunds that arrived before their payment: applied once the payment is known. */
async function retryDeferred(trx: Trx) {
  const rows = await trx.selectFrom("stripe_events").select(["id", "type", "payload", "received_at"]).where("outcome", "=", "deferred").orderBy("received_at").limit(200).execute();
  for (const row of rows) {
    const object = typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload;
    if (!isObj(object)) continue;
    const result = await applyEvent(trx, row.type, object, new Date(row.received_at as unknown as string));
    if (result.outcome !== "deferred") await saveOutcome(trx, row.id, result);
  }
}

async function applyEvent(trx: Trx, type: string, object: Obj, occurredAt: Date): Promise<Applied> {
  switch (type) {
    case "invoice.paid":
    case "invoice.payment_succeeded":
      return invoicePaid(trx, object, occurredAt);
    case "invoice.created":
    case "invoice.finalized":
    case "invoice.updated":
    case "invoice.sent":
    case "invoice.marked_uncollectible":
    case "invoice.voided":
      return invoiceChanged(trx, object, type === "invoice.voided" ? "void" : undefined);
    case "invoice.payment_failed":
      return invoicePaymentFailed(trx, object);
    case "invoice_payment.paid":
      return invoicePaymentPaid(trx, object);
    case "charge.refunded":
      return chargeRefunded(trx, object, occurredAt);
    default:
      return { outcome: "ignored", detail: "event type not used" };
  }
}

interface Target {
  invoiceId: string;
  orgId: string;
  currency: Currency;
  timeZone: string;
  mirrorId: string | null;
}

/**
 * Our invoice behind a Stripe invoice object: its mirror by Stripe id, else the metadata we set at
 * creation (an event that arrives before we stored the Stripe id, or after a crash) — the mirror row
 * is then completed or made.
 */
async function resolveInvoice(trx: Trx, object: Obj): Promise<Target | null> {
  const stripeInvoiceId = idOf(object.id);
  if (!stripeInvoiceId) return null;
  const base = trx
    .selectFrom("invoices as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .select(["i.id as invoice_id", "i.org_id", "i.currency", "s.time_zone"]);
  const byMirror = await base
    .innerJoin("stripe_invoices as m", "m.invoice_id", "i.id")
    .select("m.id as mirror_id")
    .where("m.stripe_invoice_id", "=", stripeInvoiceId)
    .executeTakeFirst();
  if (byMirror) return { invoiceId: byMirror.invoice_id, orgId: byMirror.org_id, currency: byMirror.currency, timeZone: byMirror.time_zone, mirrorId: byMirror.mirror_id };
  const meta = isObj(object.metadata) ? object.metadata : {};
  const invoiceId = typeof meta.invoice_id === "string" ? meta.invoice_id : "";
  const orgId = typeof meta.org_id === "string" ? meta.org_id : "";
  const attempt = typeof meta.attempt === "string" && /^\d{1,4}$/.test(meta.attempt) ? Number(meta.attempt) : 0;
  if (!isUuid(invoiceId) || !isUuid(orgId) || attempt < 1 || attempt > 1000) return null;
  const inv = await base.where("i.id", "=", invoiceId).where("i.org_id", "=", orgId).where("i.status", "<>", "draft").executeTakeFirst();
  if (!inv) return null;
  const target: Target = { invoiceId: inv.invoice_id, orgId: inv.org_id, currency: inv.currency, timeZone: inv.time_zone, mirrorId: null };
  const row = await trx.selectFrom("stripe_invoices").select(["id", "stripe_invoice_id"]).where("invoice_id", "=", invoiceId).where("attempt", "=", attempt).executeTakeFirst();
  if (row) {
    if (row.stripe_invoice_id && row.stripe_invoice_id !== stripeInvoiceId) return target;
    await trx.updateTable("stripe_invoices").set({ stripe_invoice_id: stripeInvoiceId }).where("id", "=", row.id).execute();
    return { ...target, mirrorId: row.id };
  }
  const amount = fromStripeAmount(object.currency, object.total);
  if (!amount || amount.amountMinor <= 0 || amount.currency !== inv.currency) return target;
  const made = await trx
    .insertInto("stripe_invoices")
    .values({ invoice_id: invoiceId, attempt, amount_minor: amount.amountMinor, stripe_invoice_id: stripeInvoiceId })
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
  return { ...target, mirrorId: made?.id ?? null };
}

async function updateMirror(trx: Trx, mirrorId: string | null, set: { status?: StripeMirrorStatus; hosted_invoice_url?: string | null; payment_intent_id?: string | null }) {
  if (!mirrorId) return;
  await trx.updateTable("stripe_invoices").set(set).where("id", "=", mirrorId).execute();
}

/** The payment intent of an invoice object, in the shapes API versions give it. */
function paymentIntentOf(object: Obj): string | null {
  const direct = idOf(object.payment_intent);
  if (direct) return direct;
  const payments = isObj(object.payments) && Array.isArray(object.payments.data) ? object.payments.data : [];
  for (const p of payments) {
    if (isObj(p) && isObj(p.payment)) {
      const pi = idOf(p.payment.payment_intent);
      if (pi) return pi;
    }
  }
  return null;
}

const notOurs = (object: Obj): Applied => ({ outcome: "unmatched", detail: `no invoice of ours for ${idOf(object.id) ?? "?"}` });

async function invoiceChanged(trx: Trx, object: Obj, forced?: StripeMirrorStatus): Promise<Applied> {
  const target = await resolveInvoice(trx, object);
  if (!target) return notOurs(object);
  const status = forced ?? (typeof object.status === "string" ? STRIPE_STATUSES[object.status] : undefined);
  await updateMirror(trx, target.mirrorId, { status, hosted_invoice_url: safeUrl(object.hosted_invoice_url), payment_intent_id: paymentIntentOf(object) });
  return { outcome: "applied", detail: status ? `mirror ${status}` : undefined, invoiceId: target.invoiceId, orgId: target.orgId, paymentKnown: Boolean(paymentIntentOf(object)) };
}

async function invoicePaymentFailed(trx: Trx, object: Obj): Promise<Applied> {
  const target = await resolveInvoice(trx, object);
  if (!target) return notOurs(object);
  if (target.mirrorId) {
    await trx
      .updateTable("stripe_invoices")
      .set({ payment_failures: sql`payment_failures + 1`, last_payment_failed_at: new Date() })
      .where("id", "=", target.mirrorId)
      .execute();
  }
  const attempts = typeof object.attempt_count === "number" ? ` (attempt ${object.attempt_count})` : "";
  return { outcome: "applied", detail: `card payment failed${attempts}`, invoiceId: target.invoiceId, orgId: target.orgId };
}

async function invoicePaymentPaid(trx: Trx, object: Obj): Promise<Applied> {
  const stripeInvoiceId = idOf(object.invoice);
  const pi = isObj(object.payment) ? idOf(object.payment.payment_intent) : null;
  if (!stripeInvoiceId) return { outcome: "ignored", detail: "no invoice" };
  const mirror = await trx.selectFrom("stripe_invoices").select(["id", "invoice_id", "org_id"]).where("stripe_invoice_id", "=", stripeInvoiceId).executeTakeFirst();
  if (!mirror) return { outcome: "unmatched", detail: `no invoice of ours for ${stripeInvoiceId}` };
  if (pi) await updateMirror(trx, mirror.id, { payment_intent_id: pi });
  return { outcome: "applied", detail: pi ? `payment intent ${pi}` : undefined, invoiceId: mirror.invoice_id, orgId: mirror.org_id, paymentKnown: Boolean(pi) };
}

/** A date of the site's calendar for an instant, never later than today there (recordPayment refuses the future). */
function siteDay(timeZone: string, at: Date): string {
  const today = dayIn(timeZone);
  const day = Number.isNaN(at.getTime()) ? today : dayIn(timeZone, at);
  return day > today || day < "2000-01-01" ? today : day;
}

async function invoicePaid(trx: Trx, object: Obj, occurredAt: Date): Promise<Applied> {
  const target = await resolveInvoice(trx, object);
  if (!target) return notOurs(object);
  const stripeInvoiceId = idOf(object.id)!;
  const pi = paymentIntentOf(object);
  await updateMirror(trx, target.mirrorId, { status: "paid", hosted_invoice_url: safeUrl(object.hosted_invoice_url), payment_intent_id: pi });
  const done = { invoiceId: target.invoiceId, orgId: target.orgId };
  const paid = fromStripeAmount(object.currency, object.amount_paid);
  if (!paid || paid.amountMinor <= 0) return { outcome: "ignored", detail: "nothing paid", ...done };
  if (paid.currency !== target.currency) return { outcome: "refused", detail: `paid in ${paid.currency}, invoice in ${target.currency}`, ...done };
  const known = await trx.selectFrom("payments").select("id").where("external_id", "=", stripeInvoiceId).executeTakeFirst();
  if (known) return { outcome: "ignored", detail: "payment already recorded", ...done, paymentKnown: true };

  const transitions = isObj(object.status_transitions) ? object.status_transitions : {};
  const paidAt = typeof transitions.paid_at === "number" ? new Date(transitions.paid_at * 1000) : occurredAt;
  const payer = text(object.customer_name) ?? text(object.customer_email);
  const record = async (toInvoice: boolean) => {
    const balance = toInvoice ? ((await openInvoices(trx, target.orgId, target.currency, { ids: [target.invoiceId] }))[0]?.balanceMinor ?? 0) : 0;
    return recordPayment(trx, {
      orgId: target.orgId,
      currency: target.currency,
      amountMinor: paid.amountMinor,
      method: "card",
      reference: stripeInvoiceId,
      payer,
      receivedOn: siteDay(target.timeZone, paidAt),
      allocations: balance > 0 ? [{ invoiceId: target.invoiceId, amountMinor: Math.min(balance, paid.amountMinor) }] : [],
      source: "stripe",
      externalId: stripeInvoiceId,
      actor: null,
    });
  };
  let result = await record(true);
  // Paid meanwhile by another payment (or voided): the card money becomes credit, never lost.
  if (!result.ok && (result.error === "allocation_exceeds_invoice" || result.error === "invoice_not_open")) result = await record(false);
  if (!result.ok && (result.error === "duplicate_external" || result.error === "duplicate_reference")) return { outcome: "ignored", detail: "payment already recorded", ...done, paymentKnown: true };
  if (!result.ok) return { outcome: "refused", detail: `payment refused: ${result.error}`, ...done };
  const allocated = result.allocated.reduce((s, a) => s + a.amountMinor, 0);
  return { outcome: "applied", detail: `card payment ${paid.amountMinor} ${paid.currency}: ${allocated} to the invoice, ${result.creditMinor} credit`, ...done, paymentKnown: true };
}

/** The card payment a charge belongs to: through its invoice (older API versions) or its payment intent. */
async function paymentOfCharge(trx: Trx, object: Obj) {
  const stripeInvoiceId = idOf(object.invoice);
  const pi = idOf(object.payment_intent);
  let q = trx
    .selectFrom("stripe_invoices as m")
    .innerJoin("payments as p", "p.external_id", "m.stripe_invoice_id")
    .select(["p.id", "p.org_id", "p.currency", "p.amount_minor", "p.reversed_on", "m.invoice_id"]);
  if (stripeInvoiceId) q = q.where("m.stripe_invoice_id", "=", stripeInvoiceId);
  else if (pi) q = q.where("m.payment_intent_id", "=", pi);
  else return undefined;
  const viaMirror = await q.executeTakeFirst();
  if (viaMirror) return viaMirror;
  // A payment recorded from the Stripe invoice id itself, without a mirror (kept for completeness).
  if (stripeInvoiceId) {
    const p = await trx.selectFrom("payments as p").select(["p.id", "p.org_id", "p.currency", "p.amount_minor", "p.reversed_on"]).where("p.external_id", "=", stripeInvoiceId).executeTakeFirst();
    if (p) return { ...p, invoice_id: null };
  }
  return undefined;
}

async function chargeRefunded(trx: Trx, object: Obj, occurredAt: Date): Promise<Applied> {
  const chargeId = idOf(object.id);
  const refunded = fromStripeAmount(object.currency, object.amount_refunded);
  if (!chargeId || !refunded || refunded.amountMinor <= 0) return { outcome: "ignored", detail: "nothing refunded" };
  const found = await paymentOfCharge(trx, object);
  if (!found) return { outcome: "deferred", detail: `payment of ${chargeId} not known yet` };
  const done = { invoiceId: found.invoice_id, orgId: found.org_id };
  const pay = await trx.selectFrom("payments").select(["id", "org_id", "currency", "amount_minor", "reversed_on"]).where("id", "=", found.id).forUpdate().executeTakeFirstOrThrow();
  if (pay.reversed_on) return { outcome: "refused", detail: "payment reversed", ...done };
  if (refunded.currency !== pay.currency) return { outcome: "refused", detail: `refund in ${refunded.currency}, payment in ${pay.currency}`, ...done };
  // charge.amount_refunded is cumulative: record what is new since the refunds already recorded for this charge.
  const target = Math.min(refunded.amountMinor, pay.amount_minor);
  const already = await trx
    .selectFrom("refunds")
    .select(sql<string>`coalesce(sum(amount_minor), 0)`.as("sum"))
    .where("payment_id", "=", pay.id)
    .where("external_id", "like", `${chargeId}:%`)
    .executeTakeFirstOrThrow();
  const delta = target - Number(already.sum);
  if (delta <= 0) return { outcome: "ignored", detail: "refund already recorded", ...done };

  // The money must be free on the payment: undo its allocations, newest first, as far as needed.
  const left = async () => Number((await sql<{ left: string }>`SELECT payment_unallocated_minor(${pay.id}::uuid)::text AS left`.execute(trx)).rows[0].left);
  const reopened: string[] = [];
  let free = await left();
  if (free < delta) {
    const live = await trx
      .selectFrom("payment_allocations as a")
      .select(["a.id", "a.invoice_id", "a.amount_minor"])
      .where("a.payment_id", "=", pay.id)
      .where("a.amount_minor", ">", 0)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom("payment_allocations as u").select("u.id").whereRef("u.reverses_id", "=", "a.id"))))
      .orderBy("a.created_at", "desc")
      .orderBy("a.id", "desc")
      .execute();
    for (const a of live) {
      if (free >= delta) break;
      const undone = await undoAllocation(trx, { allocationId: a.id, orgId: pay.org_id, actor: null });
      if (undone.ok) {
        free += a.amount_minor;
        reopened.push(a.invoice_id);
      }
    }
  }
  if (free < delta) return { outcome: "refused", detail: `only ${free} of ${delta} could be freed`, ...done };
  const refundedOn = dayIn("UTC", occurredAt) > dayIn("UTC") ? dayIn("UTC") : dayIn("UTC", occurredAt);
  try {
    await withSavepoint(
      trx,
      () =>
        trx
          .insertInto("refunds")
          .values({
            payment_id: pay.id,
            amount_minor: delta,
            refunded_on: refundedOn,
            method: "card",
            reference: chargeId,
            reason: "Remboursement par carte (Stripe) / Card refund (Stripe)",
            external_id: `${chargeId}:${target}`,
            created_by: null,
          })
          .execute(),
      "sp_stripe_refund",
    );
  } catch (error) {
    if (isUniqueViolation(error, "refunds_external_id_key")) return { outcome: "ignored", detail: "refund already recorded", ...done };
    throw error;
  }
  // What the undoing freed beyond the refund goes back to the invoices it came from (as credit, oldest first).
  if (reopened.length) await applyCredit(trx, { orgId: pay.org_id, currency: pay.currency, invoiceIds: [...new Set(reopened)], actor: null });
  await recordAudit(trx, {
    actor: null,
    action: "payment.refunded",
    entityType: "payment",
    entityId: pay.id,
    orgId: pay.org_id,
    after: { currency: pay.currency, amount_minor: delta, method: "card", reference: chargeId, refunded_on: refundedOn, source: "stripe" },
  });
  return { outcome: "applied", detail: `card refund ${delta} ${pay.currency}`, ...done };
}

// ---------------------------------------------------------------------------------------------
// For finance: what Stripe told us

export interface StripeEventView {
  id: string;
  type: string;
  objectId: string | null;
  receivedAt: string;
  outcome: StripeEventOutcome;
  detail: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
  orgName: string | null;
}

/** The latest webhook events (failed card payments, refunds, unmatched or refused ones), newest first. */
export async function recentStripeEvents(db: Executor, opts: { outcome?: StripeEventOutcome; limit?: number } = {}): Promise<StripeEventView[]> {
  let q = db
    .selectFrom("stripe_events as e")
    .leftJoin("invoices as i", "i.id", "e.invoice_id")
    .leftJoin("organisations as o", "o.id", "e.org_id")
    .select(["e.id", "e.type", "e.object_id", "e.received_at", "e.outcome", "e.detail", "e.invoice_id", "i.number", "o.name"]);
  if (opts.outcome) q = q.where("e.outcome", "=", opts.outcome);
  const rows = await q.orderBy("e.received_at", "desc").orderBy("e.id").limit(opts.limit ?? 100).execute();
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    objectId: r.object_id,
    receivedAt: new Date(r.received_at).toISOString(),
    outcome: r.outcome,
    detail: r.detail,
    invoiceId: r.invoice_id,
    invoiceNumber: r.number,
    orgName: r.name,
  }));
}
