import { sql } from "kysely";
import { recordPayment } from "~/modules/payments/payments.server";
import { inTransactionOrRollback } from "~/utils/db.server";
import { createTestDb, usingPostgres, type TestDb } from "../support/db";
import { createOrg } from "../support/factories";
import { invoiceState, issuedInvoice, ledgerBalance } from "../support/payments-world";

/**
 * Twenty recordings at once against one invoice's last franc, on PostgreSQL (real connections;
 * PGlite cannot overlap transactions). The invoice (LDC, 100 000 + VAT 18 % = 118 000) is first paid
 * 117 999, leaving 1 franc.
 */
describe.runIf(usingPostgres())("concurrent allocations on PostgreSQL", () => {
  let t: TestDb;
  let orgId: string;
  let invoice: Awaited<ReturnType<typeof issuedInvoice>>;

  beforeEach(async () => {
    t = await createTestDb({ reference: true });
    orgId = (await createOrg(t.db, { name: "Kossi Tech" })).id;
    invoice = await issuedInvoice(t.db, { orgId, siteCode: "LDC", period: "2026-10", subtotalMinor: 100_000, issuedOn: "2026-11-04" });
    const first = await t.db.transaction().execute((trx) =>
      recordPayment(trx, { orgId, currency: "XOF", amountMinor: 117_999, method: "bank_transfer", reference: "VIR-0", receivedOn: "2026-11-10", actor: null }),
    );
    expect(first.ok).toBe(true);
  });
  afterEach(() => t.cleanup());

  const twenty = <T>(f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: 20 }, (_, i) => f(i)));

  test("20 payments asking for the last franc: exactly one allocation, the rest refused and nothing written", async () => {
    const results = await twenty((i) =>
      inTransactionOrRollback((trx) =>
        recordPayment(trx, { orgId, currency: "XOF", amountMinor: 1, method: "mtn_momo", reference: `MOMO-${i}`, receivedOn: "2026-11-11", allocations: [{ invoiceId: invoice.id, amountMinor: 1 }], actor: null }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    // Refused as "no longer open" (the winner made it paid) — never an allocation past the balance.
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error)).toEqual(Array(19).fill("invoice_not_open"));
    expect(await invoiceState(t.db, invoice.id)).toEqual({ status: "paid", balanceMinor: 0 });
    const payments = await t.db.selectFrom("payments").select("id").where("org_id", "=", orgId).execute();
    expect(payments).toHaveLength(2);
    expect(await ledgerBalance(t.db, orgId, "XOF")).toBe(0);
  });

  test("20 payments allocated oldest-first at once: one takes the franc, nineteen become credit, the balance never below zero", async () => {
    const results = await twenty((i) =>
      inTransactionOrRollback((trx) =>
        recordPayment(trx, { orgId, currency: "XOF", amountMinor: 1_000, method: "orange_money", reference: `OM-${i}`, receivedOn: "2026-11-11", actor: null }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const allocated = results.flatMap((r) => (r.ok ? r.allocated : []));
    expect(allocated).toEqual([{ invoiceId: invoice.id, number: invoice.number, amountMinor: 1 }]);
    expect(await invoiceState(t.db, invoice.id)).toEqual({ status: "paid", balanceMinor: 0 });
    // 118 000 invoiced − 117 999 − 20 × 1 000 paid = −19 999: the organisation is in credit.
    expect(await ledgerBalance(t.db, orgId, "XOF")).toBe(-19_999);
  });

  test("the database alone: 20 raw inserts racing for the last franc (no module checks) — exactly one lands", async () => {
    const payments = await twenty(async (i) => {
      const r = await t.db.transaction().execute((trx) =>
        recordPayment(trx, { orgId, currency: "XOF", amountMinor: 5, method: "cash", reference: `CASH-${i}`, receivedOn: "2026-11-11", allocations: [], actor: null }),
      );
      if (!r.ok) throw new Error("setup");
      return r.paymentId;
    });
    const outcomes = await Promise.allSettled(
      payments.map((paymentId) =>
        t.db.insertInto("payment_allocations").values({ payment_id: paymentId, invoice_id: invoice.id, amount_minor: 1, reverses_id: null, created_by: null }).execute(),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const o of outcomes) if (o.status === "rejected") expect((o.reason as { hint?: string }).hint).toBe("allocation_exceeds_invoice");
    const { rows } = await sql<{ b: string }>`SELECT invoice_balance_minor(${invoice.id}::uuid)::text AS b`.execute(t.db);
    expect(rows[0].b).toBe("0");
  });

  test("one payment of 1 franc raced onto 12 open invoices: it is spent once", async () => {
    const open: Awaited<ReturnType<typeof issuedInvoice>>[] = [];
    for (let m = 1; m <= 12; m++) {
      open.push(await issuedInvoice(t.db, { orgId, siteCode: "LDC", period: `2025-${String(m).padStart(2, "0")}`, subtotalMinor: 1_000, issuedOn: "2026-01-15" }));
    }
    const one = await t.db.transaction().execute((trx) =>
      recordPayment(trx, { orgId, currency: "XOF", amountMinor: 1, method: "cash", reference: "CASH-ONE", receivedOn: "2026-11-11", allocations: [], actor: null }),
    );
    if (!one.ok) throw new Error("setup");
    const outcomes = await Promise.allSettled(
      open.map((inv) => t.db.insertInto("payment_allocations").values({ payment_id: one.paymentId, invoice_id: inv.id, amount_minor: 1, reverses_id: null, created_by: null }).execute()),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const o of outcomes) if (o.status === "rejected") expect((o.reason as { hint?: string }).hint).toBe("allocation_exceeds_payment");
  });
});
