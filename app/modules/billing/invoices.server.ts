import { sql, type ExpressionBuilder } from "kysely";
import type { Database } from "#db/schema";
import type { Executor } from "#db/types";
import { isUuid } from "~/utils/ids";

/**
 * Reading invoices: one invoice with its lines and credit notes, and the balance rule.
 *
 * Balance = total − credit notes − payments allocated to it (the database's `invoice_balance_minor`,
 * 2026_12_02_0900_payments). A draft or a void invoice has no balance due.
 * Tenant callers pass `orgId`: the row is then looked up with the organisation in the WHERE clause,
 * so another tenant's id reads as "not found".
 */

/** `invoices.total_minor − credited`, as a SQL expression over the alias `i`. */
export const creditedMinorSql = (eb: ExpressionBuilder<Database & { i: Database["invoices"] }, "i">) =>
  eb
    .selectFrom("credit_notes as cn")
    .select(sql<string>`coalesce(sum(cn.total_minor), 0)`.as("credited"))
    .whereRef("cn.invoice_id", "=", "i.id");

/** Net payments allocated to `i`, as a SQL expression over the alias `i`. */
export const paidMinorSql = (eb: ExpressionBuilder<Database & { i: Database["invoices"] }, "i">) =>
  eb
    .selectFrom("payment_allocations as pa")
    .select(sql<string>`coalesce(sum(pa.amount_minor), 0)`.as("paid"))
    .whereRef("pa.invoice_id", "=", "i.id");

export type InvoiceDisplayStatus = "draft" | "issued" | "paid" | "void" | "credited" | "overdue";

/**
 * What the lists show: `credited` when credit notes cover part of an issued invoice, `overdue`
 * when it is past due with a balance.
 */
export function displayStatus(inv: { status: string; balanceMinor: number; creditedMinor: number; dueOn: string | null }, today: string): InvoiceDisplayStatus {
  if (inv.status === "draft" || inv.status === "paid" || inv.status === "void") return inv.status;
  if (inv.balanceMinor > 0 && inv.dueOn && inv.dueOn < today) return "overdue";
  if (inv.creditedMinor > 0) return "credited";
  return "issued";
}

export async function getInvoice(db: Executor, id: string, scope: { orgId?: string } = {}) {
  if (!isUuid(id)) return null;
  let q = db
    .selectFrom("invoices as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .innerJoin("organisations as o", "o.id", "i.org_id")
    .selectAll("i")
    .select(["s.code as site_code", "s.name as site_name", "s.time_zone", "o.name as org_name"])
    .select((eb) => creditedMinorSql(eb).as("credited_minor"))
    .select((eb) => paidMinorSql(eb).as("paid_minor"))
    .where("i.id", "=", id);
  if (scope.orgId !== undefined) q = q.where("i.org_id", "=", scope.orgId);
  const inv = await q.executeTakeFirst();
  if (!inv) return null;
  const [lines, creditNotes] = await Promise.all([
    db.selectFrom("invoice_lines").selectAll().where("invoice_id", "=", id).orderBy("position").execute(),
    db
      .selectFrom("credit_notes")
      .select(["id", "number", "total_minor", "subtotal_minor", "vat_minor", "reason", "issued_on", "pdf_sha256", "document_id"])
      .where("invoice_id", "=", id)
      .orderBy("number")
      .execute(),
  ]);
  const creditedMinor = Number(inv.credited_minor);
  const paidMinor = Number(inv.paid_minor);
  const balanceMinor = inv.status === "draft" || inv.status === "void" ? 0 : inv.total_minor - creditedMinor - paidMinor;
  return { ...inv, creditedMinor, paidMinor, balanceMinor, lines, creditNotes };
}

export type InvoiceDetail = NonNullable<Awaited<ReturnType<typeof getInvoice>>>;

/** The stored document (PDF) of an invoice or credit note of that organisation, or null. */
export async function getStoredDocument(db: Executor, documentId: string) {
  if (!isUuid(documentId)) return null;
  return (
    (await db
      .selectFrom("documents")
      .select(["id", "kind", "content_type", "filename", "content", "sha256", "byte_size"])
      .where("id", "=", documentId)
      .executeTakeFirst()) ?? null
  );
}
