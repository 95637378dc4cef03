import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { createCreditNote } from "~/modules/billing/credit-notes.server";
import { recordPayment, refundCredit, reversePayment, type RecordPaymentInput } from "~/modules/payments/payments.server";
import { createOrg } from "./factories";
import { issuedInvoice } from "./payments-world";

/**
 * The statement world (issue 9), built in this order (the order matters: credit is applied to an
 * invoice when it is issued). LDC bills in XOF (VAT 18 %), BZV in XAF (VAT 18.9 %); terms 30 days.
 *
 * Kossi Tech (SME), XOF:
 *   Z  LDC 2026-06  10 000 → 11 800   issued 2026-07-02, due 2026-08-01  (never paid)
 *   A  LDC 2026-08 100 000 → 118 000  issued 2026-09-03, due 2026-10-03
 *   VIR 1   bank transfer  50 000  received 2026-09-20 → A 50 000
 *   B  LDC 2026-09 200 000 → 236 000  issued 2026-10-03, due 2026-11-02
 *   CHQ 77  cheque        100 000  received 2026-10-10 → A 68 000, B 32 000; reversed 2026-10-20
 *   AV on B: 50 000 + VAT 9 000 = 59 000, issued 2026-10-25
 *   C  LDC 2026-10 300 000 → 354 000  issued 2026-11-04, due 2026-12-04
 *   OM 5    Orange Money  400 000  received 2026-11-05 → A 68 000, B 157 000; 175 000 credit
 *   refund  55 000 (bank transfer) 2026-11-15 → credit 120 000
 *   MOMO 9  MTN MoMo       20 000  received 2026-12-01 (after the period) → C 20 000
 * Kossi Tech, XAF:
 *   D  BZV 2026-09 100 000 → 118 900  issued 2026-10-05, due 2026-11-04  (never paid)
 * ANSI (agency, the other tenant), XOF:
 *   E  LDC 2026-09  50 000 → 59 000   issued 2026-10-03; VIR A1 59 000 received 2026-10-15 → E
 */
export async function statementWorld(db: Kysely<Database>) {
  const kossi = await createOrg(db, { name: "Kossi Tech" });
  const ansi = await createOrg(db, { name: "ANSI" });
  await db.updateTable("organisations").set({ kind: "agency", billing_language: "en" }).where("id", "=", ansi.id).execute();
  const pay = async (input: Partial<RecordPaymentInput> & Pick<RecordPaymentInput, "amountMinor" | "reference" | "receivedOn">) => {
    const r = await db.transaction().execute((trx) => recordPayment(trx, { orgId: kossi.id, currency: "XOF", method: "bank_transfer", actor: null, notify: false, ...input }));
    if (!r.ok) throw new Error(`payment ${input.reference}: ${r.error}`);
    return r.paymentId;
  };
  const Z = await issuedInvoice(db, { orgId: kossi.id, siteCode: "LDC", period: "2026-06", subtotalMinor: 10_000, issuedOn: "2026-07-02" });
  const A = await issuedInvoice(db, { orgId: kossi.id, siteCode: "LDC", period: "2026-08", subtotalMinor: 100_000, issuedOn: "2026-09-03" });
  const vir1 = await pay({ amountMinor: 50_000, reference: "VIR 1", receivedOn: "2026-09-20", allocations: [{ invoiceId: A.id, amountMinor: 50_000 }] });
  const B = await issuedInvoice(db, { orgId: kossi.id, siteCode: "LDC", period: "2026-09", subtotalMinor: 200_000, issuedOn: "2026-10-03" });
  const chq = await pay({
    amountMinor: 100_000,
    reference: "CHQ 77",
    method: "cheque",
    receivedOn: "2026-10-10",
    allocations: [
      { invoiceId: A.id, amountMinor: 68_000 },
      { invoiceId: B.id, amountMinor: 32_000 },
    ],
  });
  const rev = await db.transaction().execute((trx) => reversePayment(trx, { paymentId: chq, reason: "Chèque impayé", reversedOn: "2026-10-20", actor: null }));
  if (!rev.ok) throw new Error(rev.error);
  const line = await db.selectFrom("invoice_lines").select("id").where("invoice_id", "=", B.id).executeTakeFirstOrThrow();
  const cn = await createCreditNote(db, { invoiceId: B.id, actor: null, reason: "Geste commercial", lines: [{ invoiceLineId: line.id, amountMinor: 50_000 }], today: "2026-10-25" });
  const C = await issuedInvoice(db, { orgId: kossi.id, siteCode: "LDC", period: "2026-10", subtotalMinor: 300_000, issuedOn: "2026-11-04" });
  const om = await pay({
    amountMinor: 400_000,
    reference: "OM 5",
    method: "orange_money",
    receivedOn: "2026-11-05",
    allocations: [
      { invoiceId: A.id, amountMinor: 68_000 },
      { invoiceId: B.id, amountMinor: 157_000 },
    ],
  });
  const refund = await db.transaction().execute((trx) =>
    refundCredit(trx, { orgId: kossi.id, currency: "XOF", amountMinor: 55_000, refundedOn: "2026-11-15", method: "bank_transfer", reference: "RMB 3", reason: "Trop-perçu", actor: null }),
  );
  if (!refund.ok) throw new Error(refund.error);
  const momo = await pay({ amountMinor: 20_000, reference: "MOMO 9", method: "mtn_momo", receivedOn: "2026-12-01", allocations: [{ invoiceId: C.id, amountMinor: 20_000 }] });
  const D = await issuedInvoice(db, { orgId: kossi.id, siteCode: "BZV", period: "2026-09", subtotalMinor: 100_000, issuedOn: "2026-10-05" });
  const E = await issuedInvoice(db, { orgId: ansi.id, siteCode: "LDC", period: "2026-09", subtotalMinor: 50_000, issuedOn: "2026-10-03" });
  const ansiPay = await db.transaction().execute((trx) =>
    recordPayment(trx, { orgId: ansi.id, currency: "XOF", method: "bank_transfer", amountMinor: 59_000, reference: "VIR A1", receivedOn: "2026-10-15", actor: null, notify: false }),
  );
  if (!ansiPay.ok) throw new Error(ansiPay.error);
  return { kossi, ansi, Z, A, B, C, D, E, cn, payments: { vir1, chq, om, momo, ansi: ansiPay.paymentId } };
}

export type StatementWorld = Awaited<ReturnType<typeof statementWorld>>;
