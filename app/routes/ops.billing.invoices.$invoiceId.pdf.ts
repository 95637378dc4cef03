import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { getInvoice, getStoredDocument } from "~/modules/billing/invoices.server";
import { attachInvoiceDocuments } from "~/modules/billing/issue.server";
import { getDb } from "~/utils/db.server";
import { pdfResponse } from "~/modules/billing/overview.server";

/**
 * GET /ops/billing/invoices/:invoiceId/pdf — the stored PDF of an issued (paid, void) invoice, as
 * it was sent. A draft has none (404). An invoice whose documents were not stored yet (the process
 * stopped between issuing and rendering) gets them now, once.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  const db = await getDb();
  let inv = await getInvoice(db, params.invoiceId ?? "");
  if (!inv || inv.status === "draft" || !inv.number) notFound();
  if (!inv.document_id) {
    await attachInvoiceDocuments(db, inv.id);
    inv = await getInvoice(db, inv.id);
  }
  const doc = inv?.document_id ? await getStoredDocument(db, inv.document_id) : null;
  if (!inv || !doc) notFound();
  return pdfResponse(`${inv.number}.pdf`, doc.content);
}
