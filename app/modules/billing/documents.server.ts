import type { Currency } from "#db/schema";
import type { Executor } from "#db/types";
import { linkBase } from "~/modules/email/recipients.server";
import { getIssuer } from "./issuers.server";
import type { InvoiceDetail } from "./invoices.server";
import { priceTimesDecimal } from "./money";
import { renderInvoicePdf, type InvoicePdfModel } from "./pdf.server";
import { amountInWords } from "./words";

/**
 * Stored documents (PDFs, usage annexes) and the view-model of an invoice or credit note PDF.
 * A document row is never changed; the database computes its SHA-256 from the bytes.
 */

export type DocumentKind = "invoice_pdf" | "credit_note_pdf" | "usage_annex_csv" | "statement_pdf";

export async function storeDocument(
  db: Executor,
  doc: { kind: DocumentKind; filename: string; contentType: string; content: Buffer },
): Promise<{ id: string; sha256: string }> {
  const row = await db
    .insertInto("documents")
    .values({ kind: doc.kind, filename: doc.filename, content_type: doc.contentType, content: doc.content })
    .returning(["id", "sha256"])
    .executeTakeFirstOrThrow();
  return { id: row.id, sha256: row.sha256 as string };
}

/** The public verification address printed as a QR code (billing.md). */
export const verifyUrl = (number: string, key: string) => `${linkBase()}/verify/${encodeURIComponent(number)}?k=${encodeURIComponent(key)}`;

const addressLines = (text: string) => text.split("\n").map((s) => s.trim()).filter(Boolean);

/** "MTN MoMo : +242 06 …" lines → operator and number. */
function mobileMoneyLines(text: string | null) {
  return (text ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf(":");
      return at > 0 ? { operator: line.slice(0, at).trim(), number: line.slice(at + 1).trim() } : { operator: "", number: line };
    });
}

/**
 * An amount in `currency` minor units at a frozen rate (a decimal string, units of `fx` per unit of
 * `currency`), rounded half-up. USD and CDF both have two decimals, so cents × rate = centimes.
 */
export const convertMinor = (amountMinor: number, rate: string) => priceTimesDecimal(amountMinor, rate);

type CreditNoteForPdf = {
  number: string;
  issued_on: string;
  reason: string;
  verify_key: string;
  subtotal_minor: number;
  vat_minor: number;
  total_minor: number;
  lines: { description_fr: string; description_en: string; quantity: string; unit_price_minor: number; amount_minor: number }[];
};

/** The PDF of an issued invoice (or, with `creditNote`, of one of its credit notes). */
export async function documentModel(db: Executor, inv: InvoiceDetail, creditNote?: CreditNoteForPdf): Promise<InvoicePdfModel> {
  if (!inv.number || !inv.issued_on || !inv.due_on || !inv.payment_reference) throw new Error(`invoice ${inv.id} is not issued`);
  const issuer = await getIssuer(db, inv.site_id);
  if (!issuer) throw new Error(`site ${inv.site_code} has no issuer`);
  const org = await db.selectFrom("organisations").select(["name", "address", "tax_id", "rccm"]).where("id", "=", inv.org_id).executeTakeFirstOrThrow();
  const language = inv.billing_language;
  const certificate = inv.vat_exemption_reference
    ? await db
        .selectFrom("vat_exemption_certificates")
        .select(["reference", "valid_from", "valid_to"])
        .where("org_id", "=", inv.org_id)
        .where("reference", "=", inv.vat_exemption_reference)
        .executeTakeFirst()
    : undefined;
  const figures = creditNote ?? inv;
  const lines = creditNote
    ? creditNote.lines.map((l) => ({ descriptionFr: l.description_fr, descriptionEn: l.description_en, quantity: l.quantity, unitPriceMinor: l.unit_price_minor, amountMinor: l.amount_minor }))
    : inv.lines.map((l) => ({ descriptionFr: l.description_fr, descriptionEn: l.description_en, quantity: l.quantity, unitPriceMinor: l.unit_price_minor, amountMinor: l.amount_minor }));
  const fx =
    inv.fx_currency === "CDF" && inv.fx_rate && inv.fx_rate_on
      ? (() => {
          const subtotalMinor = convertMinor(figures.subtotal_minor, inv.fx_rate);
          const vatMinor = convertMinor(figures.vat_minor, inv.fx_rate);
          return { rate: inv.fx_rate.replace(/\.?0+$/, ""), rateOn: inv.fx_rate_on, subtotalMinor, vatMinor, totalMinor: subtotalMinor + vatMinor };
        })()
      : null;
  return {
    language,
    documentType: creditNote ? "credit_note" : "invoice",
    creditedInvoiceNumber: creditNote ? inv.number : null,
    number: creditNote?.number ?? inv.number,
    issuedOn: creditNote?.issued_on ?? inv.issued_on,
    period: inv.period,
    dueOn: inv.due_on,
    currency: inv.currency as Currency,
    issuer: {
      name: issuer.legal_name,
      addressLines: addressLines(issuer.address),
      nif: issuer.nif,
      rccm: issuer.rccm,
      vatNumber: issuer.vat_number,
      footer: language === "fr" ? issuer.footer_fr : issuer.footer_en,
    },
    customer: { name: org.name, addressLines: addressLines(org.address), nif: org.tax_id, rccm: org.rccm },
    lines,
    subtotalMinor: figures.subtotal_minor,
    vatRateBp: inv.vat_rate_bp,
    vatMinor: figures.vat_minor,
    totalMinor: figures.total_minor,
    totalInWords: amountInWords(figures.total_minor, inv.currency, language),
    amountDueMinor: creditNote ? 0 : inv.total_minor,
    paymentReference: inv.payment_reference,
    bank: issuer.bank_name && issuer.bank_account ? { bankName: issuer.bank_name, accountHolder: issuer.legal_name, account: issuer.bank_account, swift: issuer.swift } : null,
    mobileMoney: mobileMoneyLines(issuer.mobile_money),
    vatExemption: certificate ? { certificateReference: certificate.reference, validFrom: certificate.valid_from, validTo: certificate.valid_to } : null,
    cdf: fx,
    verifyUrl: verifyUrl(creditNote?.number ?? inv.number, creditNote?.verify_key ?? inv.verify_key),
  };
}

export async function renderDocument(db: Executor, inv: InvoiceDetail, creditNote?: CreditNoteForPdf): Promise<Buffer> {
  return renderInvoicePdf(await documentModel(db, inv, creditNote));
}
