import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { pdfResponse, tenantCreditNotePdf } from "~/modules/billing/tenant-invoices.server";
import { getDb } from "~/utils/db.server";

/**
 * GET /app/credit-notes/:creditNoteId/pdf — the stored PDF of a credit note on one of the
 * organisation's invoices. Another organisation's credit note or a malformed id is 404.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "invoices:read");
  const pdf = await tenantCreditNotePdf(await getDb(), { orgId: user.orgId, creditNoteId: params.creditNoteId ?? "" });
  if (!pdf) notFound();
  return pdfResponse(pdf);
}
