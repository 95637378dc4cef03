import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import * as listPage from "~/routes/ops.payments._index";
import * as newPage from "~/routes/ops.payments.new";
import * as paymentPage from "~/routes/ops.payments.$paymentId";
import * as creditPage from "~/routes/ops.payments.credit.$orgId";
import * as stripePage from "~/routes/ops.payments.stripe";
import * as tenantInvoice from "~/routes/app.invoices.$invoiceId";
import { createTestDb, type TestDb } from "../support/db";
import { createOrg, signedIn } from "../support/factories";
import { body, call, formRequest, getRequest } from "../support/http";
import { invoiceState, issuedInvoice, ledgerBalance } from "../support/payments-world";

/**
 * The finance pages of payments, called as Remix would, on a world of two tenants at LDC:
 * Kossi: A 2026-09 = 118 000 (due 2026-11-02), B 2026-10 = 236 000; Ansi: C 2026-10 = 59 000.
 */
describe("payments pages", () => {
  let t: TestDb;
  let db: Kysely<Database>;
  let finance: Awaited<ReturnType<typeof signedIn>>;
  let noc: Awaited<ReturnType<typeof signedIn>>;
  let kossiOwner: Awaited<ReturnType<typeof signedIn>>;
  let ansiOwner: Awaited<ReturnType<typeof signedIn>>;
  let kossi: string;
  let ansi: string;
  let A: Awaited<ReturnType<typeof issuedInvoice>>;
  let B: Awaited<ReturnType<typeof issuedInvoice>>;
  let C: Awaited<ReturnType<typeof issuedInvoice>>;

  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    db = t.db;
    finance = await signedIn(db, { operatorRole: "ops_finance", email: "finance@dc.test" });
    noc = await signedIn(db, { operatorRole: "ops_noc", email: "noc@dc.test" });
    kossi = (await createOrg(db, { name: "Kossi Tech" })).id;
    ansi = (await createOrg(db, { name: "ANSI" })).id;
    kossiOwner = await signedIn(db, { orgId: kossi, role: "owner", email: "owner@kossi.test" });
    ansiOwner = await signedIn(db, { orgId: ansi, role: "owner", email: "owner@ansi.test" });
    A = await issuedInvoice(db, { orgId: kossi, siteCode: "LDC", period: "2026-09", subtotalMinor: 100_000, issuedOn: "2026-10-03" });
    B = await issuedInvoice(db, { orgId: kossi, siteCode: "LDC", period: "2026-10", subtotalMinor: 200_000, issuedOn: "2026-11-04" });
    C = await issuedInvoice(db, { orgId: ansi, siteCode: "LDC", period: "2026-10", subtotalMinor: 50_000, issuedOn: "2026-11-04" });
  });
  afterAll(() => t.cleanup());

  const record = (fields: Record<string, string>, cookie = finance.cookie) => call(newPage.action, formRequest("/ops/payments/new", fields, { cookie }));
  const base = () => ({ org: kossi, currency: "XOF", method: "bank_transfer", payer: "", receivedOn: "2026-11-20", mode: "auto" });

  it("records a payment typed across two invoices in major units; the rest is credit; the tenant sees it on its invoice", async () => {
    const step2 = await body(await call(newPage.loader, getRequest(`/ops/payments/new?org=${kossi}&currency=XOF`, { cookie: finance.cookie })));
    expect(step2.payer.invoices.map((i: { number: string; balanceMinor: number }) => [i.number, i.balanceMinor])).toEqual([
      [A.number, 118_000],
      [B.number, 236_000],
    ]);
    const res = await record({ ...base(), amount: "200000", reference: "VIR 1", mode: "manual", [`alloc.${A.id}`]: "118000", [`alloc.${B.id}`]: "50000" });
    expect(res.status).toBe(302);
    const paymentPath = res.headers.get("Location")!;
    expect(paymentPath).toMatch(/^\/ops\/payments\/[0-9a-f-]{36}\?recorded=1$/);
    expect(await invoiceState(db, A.id)).toEqual({ status: "paid", balanceMinor: 0 });
    expect(await invoiceState(db, B.id)).toEqual({ status: "issued", balanceMinor: 186_000 });
    const paymentId = paymentPath.split("/")[3].split("?")[0];
    const detail = await body(await call(paymentPage.loader, getRequest(`/ops/payments/${paymentId}`, { cookie: finance.cookie }), { paymentId }));
    expect(detail.payment).toMatchObject({ amountMinor: 200_000, allocatedMinor: 168_000, unallocatedMinor: 32_000 });

    const seen = await body(await call(tenantInvoice.loader, getRequest(`/app/invoices/${B.id}`, { cookie: kossiOwner.cookie }), { invoiceId: B.id }));
    expect(seen.invoice).toMatchObject({ paidMinor: 50_000, balanceMinor: 186_000, payments: [{ reference: "VIR 1", amountMinor: 50_000, method: "bank_transfer" }] });
    // The other tenant does not see Kossi's invoice at all.
    expect((await call(tenantInvoice.loader, getRequest(`/app/invoices/${B.id}`, { cookie: ansiOwner.cookie }), { invoiceId: B.id })).status).toBe(404);
  });

  it("refuses bad input with a localized error and writes nothing", async () => {
    const before = await db.selectFrom("payments").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    const cases: [Record<string, string>, number, Record<string, string> | undefined][] = [
      [{ ...base(), amount: "12.5", reference: "X1" }, 400, { amount: "inventory.error.amountNoDecimals" }],
      [{ ...base(), amount: "-5", reference: "X2" }, 400, undefined],
      [{ ...base(), amount: "99999999999999999999", reference: "X3" }, 400, undefined],
      [{ ...base(), amount: "10", reference: "X4", receivedOn: "9999-12-31" }, 400, { receivedOn: "errors.dateRange" }],
      [{ ...base(), amount: "10", reference: "X4b", receivedOn: "2099-01-01" }, 400, { receivedOn: "payments.error.date" }],
      [{ ...base(), amount: "10", reference: "X5", method: "bitcoin" }, 400, undefined],
      [{ ...base(), amount: "10", reference: "VIR 1" }, 409, { reference: "payments.error.duplicateReference" }],
      [{ ...base(), amount: "10", reference: "X6", mode: "manual", [`alloc.${C.id}`]: "10" }, 409, undefined],
      [{ ...base(), amount: "10", reference: "X7", mode: "manual", [`alloc.${B.id}`]: "11" }, 400, { amount: "payments.error.exceedsAmount" }],
      [{ ...base(), org: ansi, currency: "XOF", amount: "10", reference: "X8", mode: "manual", [`alloc.${A.id}`]: "10" }, 409, undefined],
    ];
    for (const [fields, status, errors] of cases) {
      const res = await record(fields);
      expect(res.status, JSON.stringify(fields)).toBe(status);
      if (errors) expect((await body(res)).errors).toMatchObject(errors);
    }
    const after = await db.selectFrom("payments").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("undoes an allocation, applies credit, refunds and reverses from the pages", async () => {
    const { rows } = await body(await call(listPage.loader, getRequest(`/ops/payments?org=${kossi}`, { cookie: finance.cookie })));
    const paymentId = rows[0].id;
    const detail = await body(await call(paymentPage.loader, getRequest(`/ops/payments/${paymentId}`, { cookie: finance.cookie }), { paymentId }));
    const toB = detail.payment.allocations.find((a: { number: string }) => a.number === B.number);
    const undo = await call(paymentPage.action, formRequest(`/ops/payments/${paymentId}`, { intent: "undo", allocation: toB.id }, { cookie: finance.cookie }), { paymentId });
    expect(undo.status).toBe(302);
    expect(await invoiceState(db, B.id)).toEqual({ status: "issued", balanceMinor: 236_000 });
    // Credit is now 82 000; applying it settles B by that much.
    const apply = await call(creditPage.action, formRequest(`/ops/payments/credit/${kossi}`, { intent: "apply", currency: "XOF" }, { cookie: finance.cookie }), { orgId: kossi });
    expect(apply.status).toBe(302);
    expect(await invoiceState(db, B.id)).toEqual({ status: "issued", balanceMinor: 154_000 });
    const refund = (amount: string) =>
      call(
        creditPage.action,
        formRequest(`/ops/payments/credit/${kossi}`, { intent: "refund", currency: "XOF", refundAmount: amount, refundedOn: "2026-11-25", refundMethod: "bank_transfer", refundReference: "RMB-1", refundReason: "Trop-perçu" }, { cookie: finance.cookie }),
        { orgId: kossi },
      );
    expect(await body(await refund("1"))).toMatchObject({ errors: { refundAmount: "payments.error.creditInsufficient" } });
    const reverse = await call(paymentPage.action, formRequest(`/ops/payments/${paymentId}`, { intent: "reverse", reason: "Rejet bancaire", reversedOn: "2026-11-26" }, { cookie: finance.cookie }), { paymentId });
    expect(reverse.status).toBe(302);
    expect(await invoiceState(db, A.id)).toEqual({ status: "issued", balanceMinor: 118_000 });
    expect(await invoiceState(db, B.id)).toEqual({ status: "issued", balanceMinor: 236_000 });
    expect(await ledgerBalance(db, kossi, "XOF")).toBe(354_000);
    const again = await call(paymentPage.action, formRequest(`/ops/payments/${paymentId}`, { intent: "reverse", reason: "Encore", reversedOn: "2026-11-26" }, { cookie: finance.cookie }), { paymentId });
    expect(again.status).toBe(409);
  });

  it("is for finance only: the NOC gets 403, a tenant 404, an unknown payment or organisation 404", async () => {
    for (const [loader, path, params] of [
      [listPage.loader, "/ops/payments", {}],
      [newPage.loader, "/ops/payments/new", {}],
      [creditPage.loader, `/ops/payments/credit/${kossi}`, { orgId: kossi }],
      [stripePage.loader, "/ops/payments/stripe", {}],
    ] as const) {
      expect((await call(loader, getRequest(path, { cookie: noc.cookie }), params)).status, path).toBe(403);
      expect((await call(loader, getRequest(path, { cookie: kossiOwner.cookie }), params)).status, path).toBe(404);
      expect((await call(loader, getRequest(path, { cookie: finance.cookie }), params)).status, path).toBe(200);
    }
    expect((await call(paymentPage.loader, getRequest("/ops/payments/nope", { cookie: finance.cookie }), { paymentId: "nope" })).status).toBe(404);
    expect((await call(creditPage.loader, getRequest(`/ops/payments/credit/${crypto.randomUUID()}`, { cookie: finance.cookie }), { orgId: crypto.randomUUID() })).status).toBe(404);
    const stripe = await body(await call(stripePage.loader, getRequest("/ops/payments/stripe?outcome=nope", { cookie: finance.cookie })));
    expect(stripe).toMatchObject({ configured: false, outcome: "", events: [] });
  });
});
