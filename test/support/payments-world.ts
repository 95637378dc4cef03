import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import { issueInTransaction } from "~/modules/billing/issue.server";
import { vatMinor } from "~/modules/billing/money";

/**
 * Issued invoices for payment tests, without the billing run: a draft with one line of the given
 * subtotal (VAT at the site's rate, or `vatRateBp`), issued on `issuedOn` (after the period) through the real issuing step, so the
 * number, payment reference, due date and credit application are the production ones.
 * The PDF is not rendered (step two of issuing), which keeps these worlds fast.
 */
export async function issuedInvoice(
  db: Kysely<Database>,
  o: { orgId: string; siteCode: string; period: string; subtotalMinor: number; issuedOn: string; vatRateBp?: number },
): Promise<{ id: string; number: string; totalMinor: number; paymentReference: string; dueOn: string }> {
  const site = await db.selectFrom("sites").select(["id", "currency", "vat_rate_bp"]).where("code", "=", o.siteCode).executeTakeFirstOrThrow();
  const rate = o.vatRateBp ?? site.vat_rate_bp;
  const vat = vatMinor(o.subtotalMinor, rate);
  return db.transaction().execute(async (trx) => {
    const inv = await trx
      .insertInto("invoices")
      .values({ org_id: o.orgId, site_id: site.id, period: o.period, currency: site.currency, vat_rate_bp: rate, subtotal_minor: o.subtotalMinor, vat_minor: vat, total_minor: o.subtotalMinor + vat })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("invoice_lines")
      .values({
        invoice_id: inv.id,
        org_id: o.orgId,
        site_id: site.id,
        position: 0,
        contract_id: null,
        kind: "one_off",
        description_fr: "Prestation",
        description_en: "Service",
        quantity: "1",
        unit_price_minor: o.subtotalMinor,
        amount_minor: o.subtotalMinor,
      })
      .execute();
    const issued = await issueInTransaction(trx, { invoiceId: inv.id, actor: null, today: o.issuedOn });
    const row = await trx.selectFrom("invoices").select(["total_minor", "payment_reference", "due_on"]).where("id", "=", inv.id).executeTakeFirstOrThrow();
    return { id: issued.id, number: issued.number, totalMinor: row.total_minor, paymentReference: row.payment_reference!, dueOn: row.due_on! };
  });
}

/** The organisation's balance by the ledger view: Σ debit − Σ credit (what it owes; negative = credit). */
export async function ledgerBalance(db: Kysely<Database>, orgId: string, currency: string): Promise<number> {
  const rows = await db.selectFrom("customer_ledger").select(["debit_minor", "credit_minor"]).where("org_id", "=", orgId).where("currency", "=", currency as "XOF").execute();
  return rows.reduce((s, r) => s + Number(r.debit_minor) - Number(r.credit_minor), 0);
}

export const invoiceState = async (db: Kysely<Database>, id: string) => {
  const { rows } = await sql<{ status: string; balance: string }>`SELECT status, invoice_balance_minor(id)::text AS balance FROM invoices WHERE id = ${id}::uuid`.execute(db);
  return { status: rows[0].status, balanceMinor: Number(rows[0].balance) };
};
