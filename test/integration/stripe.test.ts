import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { resetEnvCache } from "#db/env.server";
import { payByCard, stripeClient } from "~/modules/payments/stripe.server";
import { creditBalanceMinor, recordPayment } from "~/modules/payments/payments.server";
import { action as cardAction, loader as cardLoader } from "~/routes/app.invoices.$invoiceId.card";
import { loader as pageLoader } from "~/routes/app.invoices.$invoiceId";
import { action as webhookAction } from "~/routes/webhooks.stripe";
import { createTestDb, type TestDb } from "../support/db";
import { createOrg, signedIn } from "../support/factories";
import { BASE, call, formRequest, getRequest } from "../support/http";
import { invoiceState, issuedInvoice, ledgerBalance } from "../support/payments-world";
import { signedEvent, startFakeStripe, TEST_SECRET_KEY, TEST_WEBHOOK_SECRET, type FakeStripe } from "../support/fake-stripe";

/**
 * Cards through Stripe against a local fake of Stripe's API (the real client, pointed at it) and
 * webhooks signed the way Stripe signs them. The world, worked out by hand:
 *
 * Kossi (SME) — A: LDC 2026-10, subtotal 100 000 XOF + VAT 18 % 18 000 = 118 000 XOF
 *               X: BZV 2026-10, subtotal 100 000 XAF + VAT 18.9 % 18 900 = 118 900 XAF
 *               U: KIN 2026-10, subtotal 104 618 cents + VAT 16 % 16 738.88 → 16 739 = 121 357 cents (USD 1,213.57)
 * Ansi (other tenant) — C: LDC 2026-10, 50 000 + 9 000 = 59 000 XOF
 */
let fake: FakeStripe;
let t: TestDb;
let db: Kysely<Database>;
let kossi: string;
let ansi: string;
let A: Awaited<ReturnType<typeof issuedInvoice>>;
let X: Awaited<ReturnType<typeof issuedInvoice>>;
let U: Awaited<ReturnType<typeof issuedInvoice>>;
let C: Awaited<ReturnType<typeof issuedInvoice>>;

const configure = (on: boolean) => {
  if (on) {
    process.env.STRIPE_SECRET_KEY = TEST_SECRET_KEY;
    process.env.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
    process.env.STRIPE_API_URL = fake.url;
  } else {
    delete process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_WEBHOOK_SECRET;
    delete process.env.STRIPE_API_URL;
  }
  resetEnvCache();
};

beforeAll(async () => {
  fake = await startFakeStripe();
});
afterAll(async () => {
  configure(false);
  await fake.close();
});

beforeEach(async () => {
  configure(true);
  fake.reset();
  t = await createTestDb({ reference: true });
  db = t.db;
  kossi = (await createOrg(db, { name: "Kossi Tech" })).id;
  ansi = (await createOrg(db, { name: "ANSI" })).id;
  A = await issuedInvoice(db, { orgId: kossi, siteCode: "LDC", period: "2026-10", subtotalMinor: 100_000, issuedOn: "2026-11-04" });
  X = await issuedInvoice(db, { orgId: kossi, siteCode: "BZV", period: "2026-10", subtotalMinor: 100_000, issuedOn: "2026-11-04" });
  U = await issuedInvoice(db, { orgId: kossi, siteCode: "KIN", period: "2026-10", subtotalMinor: 104_618, issuedOn: "2026-11-04" });
  C = await issuedInvoice(db, { orgId: ansi, siteCode: "LDC", period: "2026-10", subtotalMinor: 50_000, issuedOn: "2026-11-04" });
});
afterEach(() => t.cleanup());

const webhook = (body: string, signature: string | null) =>
  call(
    webhookAction,
    new Request(`${BASE}/webhooks/stripe`, { method: "POST", headers: { "Content-Type": "application/json", ...(signature ? { "Stripe-Signature": signature } : {}) }, body }),
  );
const deliver = (type: string, object: unknown, opts: { id?: string } = {}) => {
  const e = signedEvent(type, object, opts);
  return webhook(e.payload, e.signature);
};
const mirrorOf = (invoiceId: string) => db.selectFrom("stripe_invoices").selectAll().where("invoice_id", "=", invoiceId).orderBy("attempt").execute();
const payments = (orgId: string) => db.selectFrom("payments").selectAll().where("org_id", "=", orgId).orderBy("created_at").execute();
const posts = () => fake.requests.filter((r) => r.method === "POST");

/** Pays A by card on the fake (mirror, then "the tenant pays on the hosted page"): the Stripe invoice as an event carries it. */
async function paidOnStripe(invoiceId: string, orgId = kossi) {
  const r = await payByCard(db, { orgId, invoiceId });
  expect(r.ok).toBe(true);
  const [m] = await mirrorOf(invoiceId);
  return { ...fake.pay(m.stripe_invoice_id!), payment_intent: `pi_for_${m.stripe_invoice_id}` };
}

describe("mirroring an invoice to Stripe", () => {
  it("mirrors the balance in the site currency: XOF and XAF in francs, USD in cents", async () => {
    expect([A.totalMinor, X.totalMinor, U.totalMinor]).toEqual([118_000, 118_900, 121_357]);
    for (const inv of [A, X, U]) {
      const r = await payByCard(db, { orgId: kossi, invoiceId: inv.id });
      expect(r.ok).toBe(true);
      const [m] = await mirrorOf(inv.id);
      expect(r).toEqual({ ok: true, url: `${fake.url}/i/${m.stripe_invoice_id}` });
      expect(m).toMatchObject({ status: "open", attempt: 1, amount_minor: inv.totalMinor, hosted_invoice_url: `${fake.url}/i/${m.stripe_invoice_id}` });
    }
    const items = [...fake.items.values()].map((i) => [i.currency, i.amount]);
    expect(items).toEqual([
      ["xof", 118_000],
      ["xaf", 118_900],
      ["usd", 121_357],
    ]);
    // One Stripe customer for the organisation, whatever the number of invoices.
    expect(fake.customers.size).toBe(1);
    const invoices = [...fake.invoices.values()];
    expect(invoices.map((i) => [i.currency, i.amount_due, i.status, i.collection_method])).toEqual([
      ["xof", 118_000, "open", "send_invoice"],
      ["xaf", 118_900, "open", "send_invoice"],
      ["usd", 121_357, "open", "send_invoice"],
    ]);
    expect(invoices[0].metadata).toEqual({ invoice_id: A.id, org_id: kossi, number: A.number, attempt: "1" });
  });

  it("sends an idempotency key made of our ids on every create call, the same on a retry", async () => {
    // The invoice is created on Stripe but the answer is lost: the client retries with the same key.
    fake.failNext(/^\/v1\/invoices$/, "drop");
    // Finalizing fails once: the tenant's click fails, the next click resumes the same attempt.
    fake.failNext(/\/finalize$/, { status: 500 });
    const first = await payByCard(db, { orgId: kossi, invoiceId: A.id });
    expect(first).toEqual({ ok: false, error: "stripe_unavailable" });
    const second = await payByCard(db, { orgId: kossi, invoiceId: A.id });
    expect(second.ok).toBe(true);
    expect(fake.invoices.size).toBe(1);
    expect(fake.items.size).toBe(1);
    for (const r of posts()) expect(r.idempotencyKey, `${r.path}`).toMatch(/^colo:/);
    const keys = posts().map((r) => `${r.path.replace(/in_fake\d+/, "ID")} ${r.idempotencyKey}${r.replayed ? " (replayed)" : ""}`);
    expect(keys).toEqual([
      `/v1/customers colo:customer:${kossi}`,
      `/v1/invoices colo:invoice:${A.id}:1`,
      `/v1/invoices colo:invoice:${A.id}:1 (replayed)`,
      `/v1/invoiceitems colo:invoiceitem:${A.id}:1`,
      `/v1/invoices/ID/finalize colo:finalize:${A.id}:1`,
      `/v1/invoices/ID/finalize colo:finalize:${A.id}:1`,
    ]);
    // Once open, a click goes straight to the stored page: no call to Stripe.
    const before = fake.requests.length;
    expect(await payByCard(db, { orgId: kossi, invoiceId: A.id })).toEqual(second);
    expect(fake.requests.length).toBe(before);
  });

  it("makes a new attempt for a changed balance and voids the stale Stripe invoice", async () => {
    await payByCard(db, { orgId: kossi, invoiceId: A.id });
    const paid = await db.transaction().execute((trx) =>
      recordPayment(trx, { orgId: kossi, currency: "XOF", amountMinor: 18_000, method: "bank_transfer", reference: "VIR 1", receivedOn: "2026-11-20", allocations: [{ invoiceId: A.id, amountMinor: 18_000 }], actor: null }),
    );
    expect(paid.ok).toBe(true);
    const r = await payByCard(db, { orgId: kossi, invoiceId: A.id });
    expect(r.ok).toBe(true);
    const mirrors = await mirrorOf(A.id);
    expect(mirrors.map((m) => [m.attempt, m.amount_minor, m.status])).toEqual([
      [1, 118_000, "void"],
      [2, 100_000, "open"],
    ]);
    expect(posts().filter((p) => p.path === "/v1/invoices").map((p) => p.idempotencyKey)).toEqual([`colo:invoice:${A.id}:1`, `colo:invoice:${A.id}:2`]);
  });

  it("answers without a 5xx when Stripe is down, and offers nothing for another tenant's invoice", async () => {
    fake.failNext(/^\/v1\/customers$/, { status: 500 });
    expect(await payByCard(db, { orgId: kossi, invoiceId: A.id })).toEqual({ ok: false, error: "stripe_unavailable" });
    expect(await payByCard(db, { orgId: kossi, invoiceId: C.id })).toEqual({ ok: false, error: "not_found" });
  });
});

describe("Pay by card on the tenant's invoice page", () => {
  it("is offered to those who can pay, sends them to Stripe's page, and is absent for a viewer or without STRIPE_SECRET_KEY", async () => {
    const owner = await signedIn(db, { orgId: kossi, role: "owner" });
    const billing = await signedIn(db, { orgId: kossi, role: "billing" });
    const viewer = await signedIn(db, { orgId: kossi, role: "viewer" });
    const page = async (cookie: string) => (await (await call(pageLoader, getRequest(`/app/invoices/${A.id}`, { cookie }), { invoiceId: A.id })).json()) as { cardPayment: boolean };
    const pay = (cookie: string, invoiceId = A.id) => call(cardAction, formRequest(`/app/invoices/${invoiceId}/card`, {}, { cookie }), { invoiceId });

    expect((await page(owner.cookie)).cardPayment).toBe(true);
    expect((await page(billing.cookie)).cardPayment).toBe(true);
    expect((await page(viewer.cookie)).cardPayment).toBe(false);

    const res = await pay(owner.cookie);
    expect(res.status).toBe(302);
    const [m] = await mirrorOf(A.id);
    expect(res.headers.get("Location")).toBe(`${fake.url}/i/${m.stripe_invoice_id}`);
    expect((await pay(viewer.cookie)).status).toBe(403);
    expect((await pay(owner.cookie, C.id)).status).toBe(404);
    expect((await call(cardLoader, getRequest(`/app/invoices/${A.id}/card`, { cookie: owner.cookie }), { invoiceId: A.id })).status).toBe(302);

    configure(false);
    expect((await page(owner.cookie)).cardPayment).toBe(false);
    expect((await pay(owner.cookie)).status).toBe(404);
    expect(stripeClient()).toBeNull();
  });

  it("is not offered once the invoice is paid", async () => {
    const owner = await signedIn(db, { orgId: kossi, role: "owner" });
    await db.transaction().execute((trx) =>
      recordPayment(trx, { orgId: kossi, currency: "XOF", amountMinor: 118_000, method: "bank_transfer", reference: "VIR 2", receivedOn: "2026-11-20", actor: null }),
    );
    const data = (await (await call(pageLoader, getRequest(`/app/invoices/${A.id}`, { cookie: owner.cookie }), { invoiceId: A.id })).json()) as { cardPayment: boolean };
    expect(data.cardPayment).toBe(false);
    const res = await call(cardAction, formRequest(`/app/invoices/${A.id}/card`, {}, { cookie: owner.cookie }), { invoiceId: A.id });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ message: "stripe.error.nothing_due" });
  });
});

describe("the Stripe webhook", () => {
  it("applies a valid event delivered five times once", async () => {
    const object = await paidOnStripe(A.id);
    const e = signedEvent("invoice.paid", object);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await (await webhook(e.payload, e.signature)).json());
    expect(answers.map((a) => [a.received, a.duplicate])).toEqual([[true, false], [true, true], [true, true], [true, true], [true, true]]);
    const pays = await payments(kossi);
    expect(pays.map((p) => [p.amount_minor, p.method, p.source, p.external_id, p.currency])).toEqual([[118_000, "card", "stripe", object.id, "XOF"]]);
    expect(await invoiceState(db, A.id)).toEqual({ status: "paid", balanceMinor: 0 });
    expect((await mirrorOf(A.id))[0].status).toBe("paid");
    const events = await db.selectFrom("stripe_events").selectAll().execute();
    expect(events.map((ev) => [ev.id, ev.type, ev.outcome, ev.invoice_id])).toEqual([[e.id, "invoice.paid", "applied", A.id]]);
    // The same payment under another event (invoice.payment_succeeded) is not counted again.
    expect(await (await deliver("invoice.payment_succeeded", object)).json()).toMatchObject({ outcome: "ignored" });
    expect(await payments(kossi)).toHaveLength(1);
    // "Payment received" queued once.
    expect(await db.selectFrom("email_outbox").select("id").where("template", "=", "payment_received").execute()).not.toHaveLength(0);
  });

  it("refuses a bad signature with a 400 and writes nothing", async () => {
    const object = await paidOnStripe(A.id);
    const good = signedEvent("invoice.paid", object);
    const other = signedEvent("invoice.paid", object, { secret: "whsec_someone_else" });
    const cases: [string, string | null][] = [
      [good.payload, null],
      [good.payload, "t=1,v1=deadbeef"],
      [good.payload, other.signature],
      [good.payload.replace("118000", "1"), good.signature],
      [`${good.payload} `, good.signature],
      [good.payload, signedEvent("invoice.paid", object, { created: 1_600_000_000 }).signature],
    ];
    for (const [body, sig] of cases) {
      const res = await webhook(body, sig);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: "bad_signature" });
    }
    expect(await db.selectFrom("stripe_events").select("id").execute()).toEqual([]);
    expect(await payments(kossi)).toEqual([]);
    expect(await invoiceState(db, A.id)).toEqual({ status: "issued", balanceMinor: 118_000 });
  });

  it("records unknown event types once and ignores them", async () => {
    const res = await deliver("customer.created", { id: "cus_x", object: "customer" }, { id: "evt_unknown_1" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false, outcome: "ignored" });
    expect(await db.selectFrom("stripe_events").select(["id", "outcome"]).execute()).toEqual([{ id: "evt_unknown_1", outcome: "ignored" }]);
  });

  it("ends right when invoice.paid arrives before invoice.finalized, and before we stored the Stripe id", async () => {
    const object = await paidOnStripe(A.id);
    // A second attempt whose Stripe id the server never stored (it crashed): only the metadata links it.
    const crashed = { ...object, id: "in_after_crash", metadata: { invoice_id: A.id, org_id: kossi, number: A.number, attempt: "2" }, hosted_invoice_url: null };
    expect((await (await deliver("invoice.paid", crashed)).json()).outcome).toBe("applied");
    expect((await (await deliver("invoice.finalized", { ...crashed, status: "open", amount_paid: 0 })).json()).outcome).toBe("applied");
    expect((await (await deliver("invoice.updated", { ...crashed, status: "draft" })).json()).outcome).toBe("applied");
    const mirrors = await mirrorOf(A.id);
    expect(mirrors.map((m) => [m.attempt, m.stripe_invoice_id, m.status])).toEqual([
      [1, object.id, "open"],
      [2, "in_after_crash", "paid"],
    ]);
    expect(await invoiceState(db, A.id)).toEqual({ status: "paid", balanceMinor: 0 });
    // A void notice for the paid one changes nothing either; the other attempt's own paid event is credit.
    expect((await (await deliver("invoice.voided", { ...crashed, status: "void" })).json()).outcome).toBe("applied");
    expect((await mirrorOf(A.id))[1].status).toBe("paid");
  });

  it("turns card money into credit when a transfer paid the invoice meanwhile", async () => {
    const object = await paidOnStripe(A.id);
    const transfer = await db.transaction().execute((trx) =>
      recordPayment(trx, { orgId: kossi, currency: "XOF", amountMinor: 118_000, method: "bank_transfer", reference: "VIR 3", receivedOn: "2026-11-20", actor: null }),
    );
    expect(transfer.ok).toBe(true);
    expect((await (await deliver("invoice.paid", object)).json()).outcome).toBe("applied");
    const card = (await payments(kossi)).find((p) => p.method === "card")!;
    expect(card.amount_minor).toBe(118_000);
    expect(await db.selectFrom("payment_allocations").select("id").where("payment_id", "=", card.id).execute()).toEqual([]);
    expect(await creditBalanceMinor(db, kossi, "XOF")).toBe(118_000);
    // The ledger: invoice A 118 000 (+ nothing else in XOF for Kossi) − 2 × 118 000 = −118 000 (in credit).
    expect(await ledgerBalance(db, kossi, "XOF")).toBe(-118_000);
  });

  it("records a refund twice delivered once, reopening the invoice; a partial refund first, then the rest", async () => {
    const object = await paidOnStripe(A.id);
    await deliver("invoice.paid", object);
    const charge = { id: "ch_card_1", object: "charge", amount: 118_000, currency: "xof", payment_intent: object.payment_intent, refunded: false };
    const partial = signedEvent("charge.refunded", { ...charge, amount_refunded: 18_000 });
    expect((await (await webhook(partial.payload, partial.signature)).json()).outcome).toBe("applied");
    expect((await (await webhook(partial.payload, partial.signature)).json()).duplicate).toBe(true);
    // Another event id telling the same cumulative amount: nothing new.
    expect((await (await deliver("charge.refunded", { ...charge, amount_refunded: 18_000 })).json()).outcome).toBe("ignored");
    const refunds = () => db.selectFrom("refunds").select(["amount_minor", "external_id", "method"]).orderBy("created_at").execute();
    expect(await refunds()).toEqual([{ amount_minor: 18_000, external_id: "ch_card_1:18000", method: "card" }]);
    // 118 000 paid, 18 000 given back: the invoice owes 18 000 again; the rest stays allocated.
    expect(await invoiceState(db, A.id)).toEqual({ status: "issued", balanceMinor: 18_000 });
    expect(await ledgerBalance(db, kossi, "XOF")).toBe(18_000);
    expect(await creditBalanceMinor(db, kossi, "XOF")).toBe(0);

    expect((await (await deliver("charge.refunded", { ...charge, amount_refunded: 118_000, refunded: true })).json()).outcome).toBe("applied");
    expect(await refunds()).toEqual([
      { amount_minor: 18_000, external_id: "ch_card_1:18000", method: "card" },
      { amount_minor: 100_000, external_id: "ch_card_1:118000", method: "card" },
    ]);
    expect(await invoiceState(db, A.id)).toEqual({ status: "issued", balanceMinor: 118_000 });
    expect(await ledgerBalance(db, kossi, "XOF")).toBe(118_000);
  });

  it("keeps a refund that arrives before its payment and applies it when the payment comes", async () => {
    const object = await paidOnStripe(X.id);
    const charge = { id: "ch_card_2", object: "charge", amount: 118_900, amount_refunded: 118_900, currency: "xaf", payment_intent: object.payment_intent, refunded: true };
    expect((await (await deliver("charge.refunded", charge)).json()).outcome).toBe("deferred");
    expect((await (await deliver("invoice.paid", object)).json()).outcome).toBe("applied");
    expect(await db.selectFrom("stripe_events").select(["type", "outcome"]).orderBy("received_at").execute()).toEqual([
      { type: "charge.refunded", outcome: "applied" },
      { type: "invoice.paid", outcome: "applied" },
    ]);
    expect(await invoiceState(db, X.id)).toEqual({ status: "issued", balanceMinor: 118_900 });
    expect(await ledgerBalance(db, kossi, "XAF")).toBe(118_900);
  });

  it("records a failed card payment for finance and a voided Stripe invoice on the mirror", async () => {
    await payByCard(db, { orgId: kossi, invoiceId: U.id });
    const [m] = await mirrorOf(U.id);
    const stripeInvoice = fake.invoices.get(m.stripe_invoice_id!)!;
    expect((await (await deliver("invoice.payment_failed", { ...stripeInvoice, attempt_count: 1 })).json()).outcome).toBe("applied");
    expect((await mirrorOf(U.id))[0].payment_failures).toBe(1);
    const failed = await db.selectFrom("stripe_events").select(["type", "outcome", "detail", "org_id"]).executeTakeFirstOrThrow();
    expect(failed).toEqual({ type: "invoice.payment_failed", outcome: "applied", detail: "card payment failed (attempt 1)", org_id: kossi });
    expect((await (await deliver("invoice.voided", { ...stripeInvoice, status: "void" })).json()).outcome).toBe("applied");
    expect((await mirrorOf(U.id))[0].status).toBe("void");
    // A voided mirror is never offered again: the next click makes a new Stripe invoice.
    const again = await payByCard(db, { orgId: kossi, invoiceId: U.id });
    expect(again.ok).toBe(true);
    expect((await mirrorOf(U.id)).map((x) => [x.attempt, x.status])).toEqual([
      [1, "void"],
      [2, "open"],
    ]);
    expect(await invoiceState(db, U.id)).toEqual({ status: "issued", balanceMinor: 121_357 });
  });

  it("is a 404 without STRIPE_SECRET_KEY, whatever the body", async () => {
    const object = await paidOnStripe(A.id);
    configure(false);
    const e = signedEvent("invoice.paid", object);
    expect((await webhook(e.payload, e.signature)).status).toBe(404);
    expect(await db.selectFrom("stripe_events").select("id").execute()).toEqual([]);
  });
});
