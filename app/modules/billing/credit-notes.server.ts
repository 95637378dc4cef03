import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import type { Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { applyCredit, freeAllocationsForCredit } from "~/modules/payments/payments.server";
import { isUuid } from "~/utils/ids";
import { renderDocument, storeDocument } from "./documents.server";
import { getInvoice, type InvoiceDetail } from "./invoices.server";
import { roundHalfUp, sumMinor, toSafeNumber } from "./money";
import { nextNumber } from "./numbering.server";

/**
 * Credit notes (avoirs): the only correction of an issued invoice (PRODUCT.md, ADR 012).
 *
 * - Full (everything still creditable) or partial (chosen lines, each at most what remains of it).
 * - VAT: at the invoice's rate on the credited subtotal, rounded half-up; a credit note that takes
 *   the invoice's last creditable franc takes exactly the VAT left, so the credit notes of an invoice
 *   never sum to more (or less) than its total. Exempt invoice: no VAT.
 * - Numbered `<SITE>-AV-<YEAR>-NNNNNN` in their own gapless series; dated the site's today.
 * - The database refuses a credit beyond what remains (`credit_exceeds_invoice`), locks the invoice
 *   row (two credit notes of one invoice are decided one after the other), and keeps them immutable.
 * - When credit notes cover the total, the invoice becomes `void`.
 */

export type CreditErrorCode = "not_found" | "not_issued" | "bad_reason" | "no_lines" | "bad_amount" | "exceeds_line" | "nothing_left";

export class CreditError extends Error {
  constructor(readonly code: CreditErrorCode) {
    super(`credit note refused: ${code}`);
    this.name = "CreditError";
  }
}

export interface CreditableLine {
  id: string;
  position: number;
  descriptionFr: string;
  descriptionEn: string;
  quantity: string;
  unitPriceMinor: number;
  amountMinor: number;
  creditedMinor: number;
  creditableMinor: number;
}

/** Each line of the invoice with what earlier credit notes took from it and what remains. */
export async function creditableLines(db: Kysely<Database> | Trx, invoiceId: string): Promise<CreditableLine[]> {
  const rows = await db
    .selectFrom("invoice_lines as l")
    .leftJoin("credit_note_lines as cl", "cl.invoice_line_id", "l.id")
    .select(["l.id", "l.position", "l.description_fr", "l.description_en", "l.quantity", "l.unit_price_minor", "l.amount_minor"])
    .select(sql<string>`coalesce(sum(cl.amount_minor), 0)`.as("credited"))
    .where("l.invoice_id", "=", invoiceId)
    .groupBy(["l.id", "l.position", "l.description_fr", "l.description_en", "l.quantity", "l.unit_price_minor", "l.amount_minor"])
    .orderBy("l.position")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    position: r.position,
    descriptionFr: r.description_fr,
    descriptionEn: r.description_en,
    quantity: r.quantity,
    unitPriceMinor: r.unit_price_minor,
    amountMinor: r.amount_minor,
    creditedMinor: Number(r.credited),
    creditableMinor: r.amount_minor - Number(r.credited),
  }));
}

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export interface CreditNoteInput {
  invoiceId: string;
  actor: Actor | null;
  reason: string;
  /** "full": everything still creditable; else the lines and the amount (minor units) taken from each. */
  lines: "full" | { invoiceLineId: string; amountMinor: number }[];
  /** The site's today unless given (tests). */
  today?: string;
}

async function createInTransaction(trx: Trx, input: CreditNoteInput) {
  const reason = input.reason.trim();
  if (reason.length < 2 || reason.length > 1000 || CONTROL.test(reason)) throw new CreditError("bad_reason");
  if (!isUuid(input.invoiceId)) throw new CreditError("not_found");
  const inv = await trx
    .selectFrom("invoices as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .select(["i.id", "i.status", "i.org_id", "i.site_id", "i.currency", "i.number", "i.total_minor", "i.vat_minor", "i.vat_rate_bp", "i.is_vat_exempt", "s.code"])
    .select(sql<string>`site_today(i.site_id)::text`.as("site_today"))
    .where("i.id", "=", input.invoiceId)
    .forUpdate("i")
    .executeTakeFirst();
  if (!inv) throw new CreditError("not_found");
  if (inv.status !== "issued" && inv.status !== "paid") throw new CreditError("not_issued");

  const available = await creditableLines(trx, inv.id);
  const byId = new Map(available.map((l) => [l.id, l]));
  const chosen: { line: CreditableLine; amountMinor: number }[] = [];
  if (input.lines === "full") {
    for (const line of available) if (line.creditableMinor > 0) chosen.push({ line, amountMinor: line.creditableMinor });
    if (!chosen.length) throw new CreditError("nothing_left");
  } else {
    if (!input.lines.length) throw new CreditError("no_lines");
    const seen = new Set<string>();
    for (const asked of input.lines) {
      const line = byId.get(asked.invoiceLineId);
      if (!line || seen.has(line.id)) throw new CreditError("no_lines");
      seen.add(line.id);
      if (!Number.isSafeInteger(asked.amountMinor) || asked.amountMinor <= 0) throw new CreditError("bad_amount");
      if (asked.amountMinor > line.creditableMinor) throw new CreditError("exceeds_line");
      chosen.push({ line, amountMinor: asked.amountMinor });
    }
  }

  const subtotal = sumMinor(chosen.map((c) => c.amountMinor));
  const credited = await trx
    .selectFrom("credit_notes")
    .select([sql<string>`coalesce(sum(subtotal_minor), 0)`.as("subtotal"), sql<string>`coalesce(sum(vat_minor), 0)`.as("vat")])
    .where("invoice_id", "=", inv.id)
    .executeTakeFirstOrThrow();
  const subtotalLeft = inv.total_minor - inv.vat_minor - Number(credited.subtotal);
  const vatLeft = inv.vat_minor - Number(credited.vat);
  const vat = inv.is_vat_exempt
    ? 0
    : subtotal === subtotalLeft
      ? vatLeft
      : Math.min(vatLeft, toSafeNumber(roundHalfUp(BigInt(subtotal) * BigInt(inv.vat_rate_bp), 10_000n)));

  // Paid money the credit note needs is taken back from the invoice first (it becomes the
  // organisation's credit) and whatever the invoice still owes afterwards is settled from it again.
  const paidBack = await freeAllocationsForCredit(trx, inv.id, subtotal + vat - Number((await sql<{ b: string }>`SELECT invoice_balance_minor(${inv.id}::uuid) AS b`.execute(trx)).rows[0].b), input.actor);

  const today = input.today ?? inv.site_today;
  const number = await nextNumber(trx, { siteId: inv.site_id, siteCode: inv.code, series: "credit_note", year: Number(today.slice(0, 4)) });
  const note = await trx
    .insertInto("credit_notes")
    .values({
      number,
      invoice_id: inv.id,
      org_id: inv.org_id,
      site_id: inv.site_id,
      subtotal_minor: subtotal,
      vat_minor: vat,
      total_minor: subtotal + vat,
      reason,
      issued_on: today,
      created_by: input.actor?.id ?? null,
    })
    .returning(["id", "number", "total_minor"])
    .executeTakeFirstOrThrow();
  for (const [position, { line, amountMinor }] of chosen.entries()) {
    const whole = amountMinor === line.amountMinor;
    await trx
      .insertInto("credit_note_lines")
      .values({
        credit_note_id: note.id,
        position,
        invoice_line_id: line.id,
        description_fr: line.descriptionFr,
        description_en: line.descriptionEn,
        // A whole line keeps its quantity and price; part of a line is one unit of that amount.
        quantity: whole ? line.quantity : "1",
        unit_price_minor: whole ? line.unitPriceMinor : amountMinor,
        amount_minor: amountMinor,
      })
      .execute();
  }
  const creditedTotal = Number(credited.subtotal) + Number(credited.vat) + note.total_minor;
  if (creditedTotal === inv.total_minor) {
    await trx.updateTable("invoices").set({ status: "void", updated_at: new Date() }).where("id", "=", inv.id).execute();
  } else if (paidBack > 0) {
    await applyCredit(trx, { orgId: inv.org_id, currency: inv.currency, invoiceIds: [inv.id], actor: input.actor });
  }
  await recordAudit(trx, {
    actor: input.actor,
    action: "billing.credit_note_issued",
    entityType: "invoice",
    entityId: inv.id,
    orgId: inv.org_id,
    after: { number, invoice: inv.number, total_minor: note.total_minor, reason, lines: chosen.map((c) => ({ line: c.line.position, amount_minor: c.amountMinor })) },
  });
  return { id: note.id, number: note.number, invoiceId: inv.id };
}

/** Renders and stores a credit note's PDF when it has none yet. */
export async function attachCreditNoteDocument(db: Kysely<Database>, creditNoteId: string, inv?: InvoiceDetail): Promise<boolean> {
  const note = await db.selectFrom("credit_notes").selectAll().where("id", "=", creditNoteId).executeTakeFirst();
  if (!note || note.document_id) return false;
  const invoice = inv ?? (await getInvoice(db, note.invoice_id));
  if (!invoice) return false;
  const lines = await db
    .selectFrom("credit_note_lines")
    .select(["description_fr", "description_en", "quantity", "unit_price_minor", "amount_minor"])
    .where("credit_note_id", "=", note.id)
    .orderBy("position")
    .execute();
  const pdf = await renderDocument(db, invoice, { ...note, lines });
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("credit_notes").select("document_id").where("id", "=", note.id).forUpdate().executeTakeFirstOrThrow();
    if (row.document_id) return false;
    const stored = await storeDocument(trx, { kind: "credit_note_pdf", filename: `${note.number}.pdf`, contentType: "application/pdf", content: pdf });
    await trx.updateTable("credit_notes").set({ document_id: stored.id, pdf_sha256: stored.sha256 }).where("id", "=", note.id).execute();
    return true;
  });
}

/** Issues a credit note and stores its PDF. Throws CreditError for what the operator can fix. */
export async function createCreditNote(db: Kysely<Database>, input: CreditNoteInput): Promise<{ id: string; number: string }> {
  const note = await db.transaction().execute((trx) => createInTransaction(trx, input));
  await attachCreditNoteDocument(db, note.id);
  return { id: note.id, number: note.number };
}
