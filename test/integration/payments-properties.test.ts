import fc from "fast-check";
import { sql } from "kysely";
import { createCreditNote } from "~/modules/billing/credit-notes.server";
import { applyCredit, recordPayment, refundCredit, reversePayment, undoAllocation } from "~/modules/payments/payments.server";
import { inTransactionOrRollback } from "~/utils/db.server";
import { createTestDb, type TestDb } from "../support/db";
import { createOrg } from "../support/factories";
import { issuedInvoice, ledgerBalance } from "../support/payments-world";

/**
 * The customer balance as a property: random sequences of what finance does — payments (oldest
 * first, typed, overpaid), reversals, undone allocations, refunds, credit applied, credit notes
 * (also on paid invoices), new invoices issued (credit applied at issue) — on one organisation
 * with three XOF invoices and a neighbour that must never move. After every step, recomputed from
 * the raw rows by this test (not by the module's functions):
 * - every invoice: 0 ≤ balance = total − credit notes − net allocations; `paid` ⇔ balance 0 with money allocated;
 * - every payment: 0 ≤ amount − net allocations − refunds (0 and nothing allocated once reversed);
 * - the ledger view: Σ debit − Σ credit = Σ invoice balances − Σ unallocated money;
 * - the neighbour's figures are unchanged.
 */

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ reference: true });
}, 120_000);
afterAll(async () => {
  await t?.cleanup();
});

const op = fc.oneof(
  fc.record({ kind: fc.constant("pay" as const), amount: fc.integer({ min: 1, max: 400_000 }), typed: fc.boolean(), pick: fc.nat(5), part: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant("reverse" as const), pick: fc.nat(20) }),
  fc.record({ kind: fc.constant("undo" as const), pick: fc.nat(40) }),
  fc.record({ kind: fc.constant("refund" as const), amount: fc.integer({ min: 1, max: 100_000 }) }),
  fc.record({ kind: fc.constant("apply" as const) }),
  fc.record({ kind: fc.constant("creditNote" as const), pick: fc.nat(5), part: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant("issue" as const), subtotal: fc.integer({ min: 1, max: 300_000 }) }),
);

let run = 0;

async function check(orgId: string, neighbour: { id: string; ledger: number }) {
  const { rows: invoices } = await sql<{ id: string; status: string; total: string; credited: string; allocated: string }>`
    SELECT i.id, i.status, i.total_minor::text AS total,
      (SELECT coalesce(sum(total_minor), 0) FROM credit_notes WHERE invoice_id = i.id)::text AS credited,
      (SELECT coalesce(sum(amount_minor), 0) FROM payment_allocations WHERE invoice_id = i.id)::text AS allocated
    FROM invoices i WHERE i.org_id = ${orgId}::uuid`.execute(t.db);
  let owed = 0;
  for (const i of invoices) {
    const balance = i.status === "void" ? 0 : Number(i.total) - Number(i.credited) - Number(i.allocated);
    expect(balance).toBeGreaterThanOrEqual(0);
    if (i.status !== "void") expect(i.status === "paid").toBe(balance === 0 && Number(i.allocated) > 0);
    owed += balance;
  }
  const { rows: payments } = await sql<{ amount: string; allocated: string; refunded: string; reversed: boolean }>`
    SELECT p.amount_minor::text AS amount, p.reversed_on IS NOT NULL AS reversed,
      (SELECT coalesce(sum(amount_minor), 0) FROM payment_allocations WHERE payment_id = p.id)::text AS allocated,
      (SELECT coalesce(sum(amount_minor), 0) FROM refunds WHERE payment_id = p.id)::text AS refunded
    FROM payments p WHERE p.org_id = ${orgId}::uuid`.execute(t.db);
  let unallocated = 0;
  for (const p of payments) {
    const left = Number(p.amount) - Number(p.allocated) - Number(p.refunded);
    expect(left).toBeGreaterThanOrEqual(0);
    if (p.reversed) expect([Number(p.allocated), Number(p.refunded)]).toEqual([0, 0]);
    else unallocated += left;
  }
  expect(await ledgerBalance(t.db, orgId, "XOF")).toBe(owed - unallocated);
  expect(await ledgerBalance(t.db, neighbour.id, "XOF")).toBe(neighbour.ledger);
}

test("the ledger always equals the invoices' balances minus the credit, whatever finance does", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 12 }), async (ops) => {
      run++;
      const orgId = (await createOrg(t.db, { name: `Prop ${run}` })).id;
      const neighbourId = (await createOrg(t.db, { name: `Neighbour ${run}` })).id;
      // Each run its own year of periods, so the (org, site, period) keys never collide.
      const year = 2000 + run;
      const period = (m: number) => `${year}-${String(m).padStart(2, "0")}`;
      const issuedOn = `${year + 1}-01-10`;
      const invoices = [];
      for (const [m, subtotal] of [[1, 100_000], [2, 50_000], [3, 250_000]] as const) invoices.push(await issuedInvoice(t.db, { orgId, siteCode: "LDC", period: period(m), subtotalMinor: subtotal, issuedOn }));
      await issuedInvoice(t.db, { orgId: neighbourId, siteCode: "LDC", period: period(1), subtotalMinor: 70_000, issuedOn });
      const neighbour = { id: neighbourId, ledger: await ledgerBalance(t.db, neighbourId, "XOF") };
      let month = 4;
      let n = 0;
      for (const o of ops) {
        n++;
        if (o.kind === "pay") {
          const open = await t.db.selectFrom("invoices").select("id").where("org_id", "=", orgId).where("status", "=", "issued").orderBy("number").execute();
          const target = open[o.pick % Math.max(open.length, 1)];
          const allocations = o.typed && target ? [{ invoiceId: target.id, amountMinor: Math.max(1, Math.floor((o.amount * o.part) / 100)) }] : "auto";
          await inTransactionOrRollback((trx) =>
            recordPayment(trx, { orgId, currency: "XOF", amountMinor: o.amount, method: "bank_transfer", reference: `P-${run}-${n}`, receivedOn: issuedOn, allocations, actor: null, notify: false }),
          );
        } else if (o.kind === "reverse") {
          const live = await t.db.selectFrom("payments").select("id").where("org_id", "=", orgId).where("reversed_on", "is", null).orderBy("created_at").execute();
          if (live.length) await inTransactionOrRollback((trx) => reversePayment(trx, { paymentId: live[o.pick % live.length].id, reason: "Rejet", reversedOn: issuedOn, actor: null }));
        } else if (o.kind === "undo") {
          const rows = await t.db.selectFrom("payment_allocations as a").innerJoin("payments as p", "p.id", "a.payment_id").select("a.id").where("p.org_id", "=", orgId).where("a.amount_minor", ">", 0).orderBy("a.created_at").execute();
          if (rows.length) await inTransactionOrRollback((trx) => undoAllocation(trx, { allocationId: rows[o.pick % rows.length].id, orgId, actor: null }));
        } else if (o.kind === "refund") {
          await inTransactionOrRollback((trx) =>
            refundCredit(trx, { orgId, currency: "XOF", amountMinor: o.amount, refundedOn: issuedOn, method: "bank_transfer", reference: `R-${run}-${n}`, reason: "Trop-perçu", actor: null }),
          );
        } else if (o.kind === "apply") {
          await t.db.transaction().execute((trx) => applyCredit(trx, { orgId, currency: "XOF", actor: null }));
        } else if (o.kind === "creditNote") {
          const inv = invoices[o.pick % invoices.length];
          const line = await t.db.selectFrom("invoice_lines").select(["id", "amount_minor"]).where("invoice_id", "=", inv.id).executeTakeFirstOrThrow();
          const credited = await t.db.selectFrom("credit_note_lines").select(sql<string>`coalesce(sum(amount_minor), 0)`.as("c")).where("invoice_line_id", "=", line.id).executeTakeFirstOrThrow();
          const left = line.amount_minor - Number(credited.c);
          if (left > 0) {
            await createCreditNote(t.db, { invoiceId: inv.id, actor: null, reason: "Geste", lines: [{ invoiceLineId: line.id, amountMinor: Math.max(1, Math.floor((left * o.part) / 100)) }], today: issuedOn });
          }
        } else {
          if (month <= 12) invoices.push(await issuedInvoice(t.db, { orgId, siteCode: "LDC", period: period(month++), subtotalMinor: o.subtotal, issuedOn }));
        }
        await check(orgId, neighbour);
      }
    }),
    { numRuns: 12 },
  );
}, 300_000);
