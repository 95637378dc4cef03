import { timingSafeEqual } from "node:crypto";
import type { Executor } from "#db/types";
import { parseNumber } from "./numbering.server";

/**
 * The public verification of a printed invoice or credit note (`/verify/<number>?k=<key>`, the URL
 * of its QR code): what anyone holding the paper may check, and nothing else — issuer, number,
 * issue date, total, currency, status and the SHA-256 of the stored PDF. The key is unguessable
 * (122 random bits) and compared in constant time, so numbers cannot be enumerated.
 */

export type VerifiedStatus = "issued" | "paid" | "partially_credited" | "credited" | "credit_note";

export interface VerifiedDocument {
  kind: "invoice" | "credit_note";
  number: string;
  issuerName: string;
  issuedOn: string;
  totalMinor: number;
  currency: string;
  status: VerifiedStatus;
  sha256: string | null;
  /** For a credit note: the invoice it credits. */
  invoiceNumber: string | null;
}

const KEY_RE = /^[0-9a-f]{32,64}$/;

function sameKey(stored: string, given: string) {
  const a = Buffer.from(stored);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function verifyDocument(db: Executor, number: string, key: string): Promise<VerifiedDocument | null> {
  const parsed = parseNumber(number);
  if (!parsed || !KEY_RE.test(key)) return null;
  if (parsed.series === "invoice") {
    const inv = await db
      .selectFrom("invoices as i")
      .innerJoin("site_issuers as si", "si.site_id", "i.site_id")
      .select(["i.number", "i.status", "i.issued_on", "i.total_minor", "i.currency", "i.pdf_sha256", "i.verify_key", "si.legal_name"])
      .select((eb) => eb.selectFrom("credit_notes as cn").select(eb.fn.countAll<string>().as("n")).whereRef("cn.invoice_id", "=", "i.id").as("credit_notes"))
      .where("i.number", "=", number)
      .executeTakeFirst();
    if (!inv || !inv.issued_on || !sameKey(inv.verify_key, key)) return null;
    const status: VerifiedStatus =
      inv.status === "void" ? "credited" : inv.status === "paid" ? "paid" : Number(inv.credit_notes) > 0 ? "partially_credited" : "issued";
    return {
      kind: "invoice",
      number,
      issuerName: inv.legal_name,
      issuedOn: inv.issued_on,
      totalMinor: inv.total_minor,
      currency: inv.currency,
      status,
      sha256: inv.pdf_sha256,
      invoiceNumber: null,
    };
  }
  const note = await db
    .selectFrom("credit_notes as cn")
    .innerJoin("invoices as i", "i.id", "cn.invoice_id")
    .innerJoin("site_issuers as si", "si.site_id", "cn.site_id")
    .select(["cn.number", "cn.issued_on", "cn.total_minor", "cn.currency", "cn.pdf_sha256", "cn.verify_key", "si.legal_name", "i.number as invoice_number"])
    .where("cn.number", "=", number)
    .executeTakeFirst();
  if (!note || !sameKey(note.verify_key, key)) return null;
  return {
    kind: "credit_note",
    number,
    issuerName: note.legal_name,
    issuedOn: note.issued_on,
    totalMinor: note.total_minor,
    currency: note.currency,
    status: "credit_note",
    sha256: note.pdf_sha256,
    invoiceNumber: note.invoice_number,
  };
}
