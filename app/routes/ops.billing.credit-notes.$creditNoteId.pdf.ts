import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { getStoredDocument } from "~/modules/billing/invoices.server";
import { attachCreditNoteDocument } from "~/modules/billing/credit-notes.server";
import { creditNoteDocument, pdfResponse } from "~/modules/billing/overview.server";
import { getDb } from "~/utils/db.server";

/** GET /ops/billing/credit-notes/:creditNoteId/pdf — a credit note's stored PDF (rendered once if it has none yet). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  const db = await getDb();
  let note = await creditNoteDocument(db, params.creditNoteId ?? "");
  if (!note) notFound();
  if (!note.document_id) {
    await attachCreditNoteDocument(db, note.id);
    note = await creditNoteDocument(db, note.id);
  }
  const doc = note?.document_id ? await getStoredDocument(db, note.document_id) : null;
  if (!note || !doc) notFound();
  return pdfResponse(`${note.number}.pdf`, doc.content);
}
