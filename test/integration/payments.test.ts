import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import { createCreditNote } from "~/modules/billing/credit-notes.server";
import {
  accountPosition,
  creditBalanceMinor,
  recordPayment,
  refundCredit,
  reversePayment,
  undoAllocation,
  type RecordPaymentInput,
} from "~/modules/payments/payments.server";
import { createTestDb, type TestDb } from "../support/db";
import { createOrg } from "../support/factories";
import { invoiceState, issuedInvoice, ledgerBalance } from "../support/payments-world";

/**
 * The customer balance in a world of two tenants at LDC (XOF, VAT 18 %) and one at BZV (XAF):
 *
 * Kossi (SME): A = LDC 2026-09, subtotal 100 000 → total 118 000, issued 2026-10-03, due 2026-11-02;
 *              B = LDC 2026-10, subtotal 200 000 → total 236 000, issued 2026-11-04, due 2026-12-04.
 * Ansi (agency, other tenant): C = LDC 2026-10, subtotal 50 000 → total 59 000.
 * Kossi also owes nothing at BZV; a XAF payment from it has no XOF invoice to go to.
 */
describe("payments: allocation, credit, reversal, refunds", () => {
  let t: TestDb;
  let db: Kysely<Database>;
  let kossi: string;
  let ansi: string;
  let A: Awaited<ReturnType<typeof issuedInvoice>>;
  let B: Awaited<ReturnType<typeof issuedInvoice>>;
  let C: Awaited<ReturnType<typeof issuedInvoice>>;

  beforeEach(async () => {
    t = await createTestDb({ reference: true });
    db = t.db;
    kossi = (await createOrg(db, { name: "Kossi Tech" })).id;
    ansi = (await createOrg(db, { name: "ANSI" })).id;
    A = await issuedInvoice(db, { orgId: kossi, siteCode: "LDC", period: "2026-09", subtotalMinor: 100_000, issuedOn: "2026-10-03" });
    B = await issuedInvoice(db, { orgId: kossi, siteCode: "LDC", period: "2026-10", subtotalMinor: 200_000, issuedOn: "2026-11-04" });
    C = await issuedInvoice(db, { orgId: ansi, siteCode: "LDC", period: "2026-10", subtotalMinor: 50_000, issuedOn: "2026-11-04" });
  });
  afterEach(() => t.cleanup());

  const pay = (input: Partial<RecordPaymentInput> & { amountMinor: number; reference: string }) =>
    db.transaction().execute((trx) =>
      recordPayment(trx, { orgId: kossi, currency: "XOF", method: "bank_transfer", receivedOn: "2026-11-20", actor: null, ...input }),
    );

  it("has the figures the world describes", () => {
    expect([A.totalMinor, B.totalMinor, C.totalMinor]).toEqual([118_000, 236_000, 59_000]);
    expect(A.dueOn).toBe("2026-11-02");
  });

  it("allocates oldest due first, leaves a partial balance, and keeps the rest as credit", async () => {
    const r1 = await pay({ amountMinor: 150_000, reference: "VIR 001" });
    expect(r1).toMatchObject({ ok: true, creditMinor: 0 });
    if (!r1.ok) return;
    expect(r1.allocated.map((a) => [a.number, a.amountMinor])).toEqual([
      [A.number, 118_000],
      [B.number, 32_000],
    ]);
    expect(await invoiceState(db, A.id)).toEqual({ status: "paid", balanceMinor: 0 });
    expect(await invoiceState(db, B.id)).toEqual({ status: "issued", balanceMinor: 204_000 });

    // Overpayment: 204 000 due, 250 000 paid → 46 000 credit.
    const r2 = await pay({ amountMinor: 250_000, reference: "VIR 002", method: "orange_money" });
    expect(r2).toMatchObject({ ok: true, creditMinor: 46_000 });
    expect(await invoiceState(db, B.id)).toEqual({ status: "paid", balanceMinor: 0 });
    expect(await creditBalanceMinor(db, kossi, "XOF")).toBe(46_000);
    // The ledger: invoices 354 000 − payments 400 000 = −46 000 (in credit).
    expect(await ledgerBalance(db, kossi, "XOF")).toBe(-46_000);
    // The other tenant is untouched.
    expect(await invoiceState(db, C.id)).toEqual({ status: "issued", balanceMinor: 59_000 });
    expect(await ledgerBalance(db, ansi, "XOF")).toBe(59_000);
    // A "payment received" e-mail went to Kossi's billing address, with what remains.
    const mails = await db.selectFrom("email_outbox").select(["to_address", "subject", "text"]).where("template", "=", "payment_received").orderBy("created_at").execute();
    const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");
    expect(mails.map((m) => plain(m.subject))).toEqual(["Paiement reçu – 150 000 F CFA – Kossi Tech", "Paiement reçu – 250 000 F CFA – Kossi Tech"]);
    expect(plain(mails[1].text)).toContain("Avoir disponible : 46 000 F CFA");
    expect(mails[1].text).toContain(B.number);
  });

  it("applies the credit to the next invoice at issue", async () => {
    await pay({ amountMinor: 400_000, reference: "VIR 003" }); // 354 000 due → 46 000 credit
    const D = await issuedInvoice(db, { orgId: kossi, siteCode: "LDC", period: "2026-11", subtotalMinor: 50_000, issuedOn: "2026-12-02" });
    // D = 59 000; 46 000 applied at issue → 13 000 left.
    expect(await invoiceState(db, D.id)).toEqual({ status: "issued", balanceMinor: 13_000 });
    expect(await creditBalanceMinor(db, kossi, "XOF")).toBe(0);
    expect(await ledgerBalance(db, kossi, "XOF")).toBe(13_000);
  });

  it("allocates exactly as asked, refuses another tenant's invoice, and writes nothing when refused", async () => {
    const asked = await pay({ amountMinor: 100_000, reference: "VIR 004", allocations: [{ invoiceId: B.id, amountMinor: 60_000 }] });
    expect(asked).toMatchObject({ ok: true, creditMinor: 40_000 });
    expect(await invoiceState(db, A.id)).toEqual({ status: "issued", balanceMinor: 118_000 });
    expect(await invoiceState(db, B.id)).toEqual({ status: "issued", balanceMinor: 176_000 });

    const before = await db.selectFrom("payments").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(await pay({ amountMinor: 10_000, reference: "VIR 005", allocations: [{ invoiceId: C.id, amountMinor: 10_000 }] })).toEqual({ ok: false, error: "invoice_not_open" });
    expect(await pay({ amountMinor: 10_000, reference: "VIR 006", allocations: [{ invoiceId: A.id, amountMinor: 118_001 }] })).toEqual({ ok: false, error: "allocation_exceeds_invoice" });
    expect(await pay({ amountMinor: 10_000, reference: "VIR 007", allocations: [{ invoiceId: A.id, amountMinor: 10_001 }] })).toEqual({ ok: false, error: "allocations_exceed_amount" });
    expect(await pay({ amountMinor: 10_000, reference: "vir 004" })).toEqual({ ok: false, error: "duplicate_reference" });
    expect(await pay({ amountMinor: 0, reference: "VIR 008" })).toEqual({ ok: false, error: "bad_amount" });
    expect(await pay({ amountMinor: 1.5, reference: "VIR 009" })).toEqual({ ok: false, error: "bad_amount" });
    expect(await pay({ amountMinor: 10, reference: "VIR\u0000" })).toEqual({ ok: false, error: "bad_reference" });
    expect(await pay({ amountMinor: 10, reference: "VIR 010", receivedOn: "9999-01-01" })).toEqual({ ok: false, error: "bad_date" });
    expect(await pay({ amountMinor: 10, reference: "VIR 011", receivedOn: "2026-02-30" })).toEqual({ ok: false, error: "bad_date" });
    const after = await db.selectFrom("payments").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);

    // A XAF payment: nothing to allocate in XAF, all credit in XAF; the XOF position is unchanged.
    const xaf = await pay({ amountMinor: 5_000, reference: "MOMO 1", currency: "XAF", method: "mtn_momo" });
    expect(xaf).toMatchObject({ ok: true, allocated: [], creditMinor: 5_000 });
    const position = await accountPosition(db, kossi, "2026-11-20");
    expect(position).toEqual([
      { currency: "XAF", outstandingMinor: 0, overdueMinor: 0, nextDueOn: null, creditMinor: 5_000 },
      { currency: "XOF", outstandingMinor: 294_000, overdueMinor: 118_000, nextDueOn: "2026-11-02", creditMinor: 40_000 },
    ]);
  });

  it("without a given day, overdue is judged in each invoice's own site calendar (Kinshasa, UTC+1)", async () => {
    const { rows } = await sql<{ d: string }>`SELECT site_today(id)::text AS d FROM sites WHERE code = 'KIN'`.execute(db);
    const kinToday = rows[0].d;
    const minusDays = (n: number) => new Date(Date.parse(`${kinToday}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
    const monthsBefore = (day: string, n: number) => new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1 - n, 1)).toISOString().slice(0, 7);
    // Payment terms 30 days: issued 30 days ago is due today (not overdue), 31 days ago was due yesterday (overdue).
    const dueToday = await issuedInvoice(db, { orgId: ansi, siteCode: "KIN", period: monthsBefore(minusDays(30), 1), subtotalMinor: 10_000, issuedOn: minusDays(30) });
    const dueYesterday = await issuedInvoice(db, { orgId: ansi, siteCode: "KIN", period: monthsBefore(minusDays(31), 2), subtotalMinor: 20_000, issuedOn: minusDays(31) });
    expect([dueToday.dueOn, dueYesterday.dueOn]).toEqual([kinToday, minusDays(1)]);
    const usd = (await accountPosition(db, ansi)).find((p) => p.currency === "USD");
    expect(usd).toEqual({ currency: "USD", outstandingMinor: dueToday.totalMinor + dueYesterday.totalMinor, overdueMinor: dueYesterday.totalMinor, nextDueOn: minusDays(1), creditMinor: 0 });
  });

  it("reverses a payment: its invoices reopen, its credit disappears, the ledger shows both movements", async () => {
    const r = await pay({ amountMinor: 400_000, reference: "CHQ 123", method: "cheque" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const rev = await db.transaction().execute((trx) => reversePayment(trx, { paymentId: r.paymentId, reason: "Chèque impayé", reversedOn: "2026-11-25", actor: null }));
    expect(rev).toMatchObject({ ok: true });
    expect(await invoiceState(db, A.id)).toEqual({ status: "issued", balanceMinor: 118_000 });
    expect(await invoiceState(db, B.id)).toEqual({ status: "issued", balanceMinor: 236_000 });
    expect(await creditBalanceMinor(db, kossi, "XOF")).toBe(0);
    expect(await ledgerBalance(db, kossi, "XOF")).toBe(354_000);
    const again = await db.transaction().execute((trx) => reversePayment(trx, { paymentId: r.paymentId, reason: "again", actor: null }));
    expect(again).toEqual({ ok: false, error: "already_reversed" });
    // The same reference may be recorded again once the first is reversed (a re-presented cheque).
    expect((await pay({ amountMinor: 118_000, reference: "CHQ 123", method: "cheque" })).ok).toBe(true);
  });

  it("the database itself refuses what the module would never do", async () => {
    const r = await pay({ amountMinor: 10_000, reference: "VIR 020", allocations: [] });
    if (!r.ok) throw new Error("setup");
    await expect(db.insertInto("payment_allocations").values({ payment_id: r.paymentId, invoice_id: A.id, amount_minor: 10_001, reverses_id: null, created_by: null }).execute()).rejects.toMatchObject({
      hint: "allocation_exceeds_payment",
    });
    await expect(db.insertInto("payment_allocations").values({ payment_id: r.paymentId, invoice_id: C.id, amount_minor: 1, reverses_id: null, created_by: null }).execute()).rejects.toMatchObject({
      hint: "allocation_mismatch",
    });
    await expect(db.updateTable("payments").set({ amount_minor: 1 }).where("id", "=", r.paymentId).execute()).rejects.toMatchObject({ hint: "payment_immutable" });
    await expect(db.deleteFrom("payments").where("id", "=", r.paymentId).execute()).rejects.toMatchObject({ hint: "payment_immutable" });
    await db.insertInto("payment_allocations").values({ payment_id: r.paymentId, invoice_id: A.id, amount_minor: 10_000, reverses_id: null, created_by: null }).execute();
    await expect(db.deleteFrom("payment_allocations").execute()).rejects.toMatchObject({ hint: "allocation_immutable" });
    await expect(db.updateTable("payments").set({ reversed_on: "2026-11-21", reversal_reason: "x y" }).where("id", "=", r.paymentId).execute()).rejects.toMatchObject({
      hint: "payment_still_allocated",
    });
  });

  it("undoes an allocation, refunds credit within what is left, and a credit note on a paid invoice turns paid money into credit", async () => {
    const r = await pay({ amountMinor: 130_000, reference: "VIR 030" }); // A paid 118 000, B 12 000
    if (!r.ok) throw new Error("setup");
    const allocB = await db.selectFrom("payment_allocations").select("id").where("invoice_id", "=", B.id).executeTakeFirstOrThrow();
    expect(await db.transaction().execute((trx) => undoAllocation(trx, { allocationId: allocB.id, orgId: ansi, actor: null }))).toEqual({ ok: false, error: "allocation_not_found" });
    expect(await db.transaction().execute((trx) => undoAllocation(trx, { allocationId: allocB.id, orgId: kossi, actor: null }))).toMatchObject({ ok: true });
    expect(await creditBalanceMinor(db, kossi, "XOF")).toBe(12_000);
    expect(await db.transaction().execute((trx) => undoAllocation(trx, { allocationId: allocB.id, actor: null }))).toEqual({ ok: false, error: "allocation_not_found" });

    const refund = (amountMinor: number) =>
      db.transaction().execute((trx) =>
        refundCredit(trx, { orgId: kossi, currency: "XOF", amountMinor, refundedOn: "2026-11-22", method: "bank_transfer", reference: "RMB 1", reason: "Trop-perçu", actor: null }),
      );
    expect(await refund(12_001)).toEqual({ ok: false, error: "credit_insufficient" });
    expect(await refund(2_000)).toMatchObject({ ok: true });
    expect(await creditBalanceMinor(db, kossi, "XOF")).toBe(10_000);

    // Credit note of 59 000 (subtotal 50 000) on the paid invoice A: 59 000 of the payment becomes credit.
    const line = await db.selectFrom("invoice_lines").select("id").where("invoice_id", "=", A.id).executeTakeFirstOrThrow();
    await createCreditNote(db, { invoiceId: A.id, actor: null, reason: "Geste commercial", lines: [{ invoiceLineId: line.id, amountMinor: 50_000 }], today: "2026-11-23" });
    expect(await invoiceState(db, A.id)).toEqual({ status: "paid", balanceMinor: 0 });
    expect(await creditBalanceMinor(db, kossi, "XOF")).toBe(69_000);
    // Ledger: 354 000 − 59 000 (credit note) − 130 000 + 2 000 (refund) = 167 000 = B's 236 000 − credit 69 000.
    expect(await ledgerBalance(db, kossi, "XOF")).toBe(167_000);
    expect(await invoiceState(db, B.id)).toEqual({ status: "issued", balanceMinor: 236_000 });
  });
});
