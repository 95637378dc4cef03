import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { pdfResponse, tenantInvoicePdf } from "~/modules/billing/tenant-invoices.server";
import { getDb } from "~/utils/db.server";

/**
 * GET /app/invoices/:invoiceId/pdf — the stored PDF of one of the organisation's issued invoices
 * (billing.md), rendered and stored first if issuing stopped before it. Another organisation's
 * invoice, a draft or a malformed id is 404.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "invoices:read");
  const pdf = await tenantInvoicePdf(await getDb(), { orgId: user.orgId, invoiceId: params.invoiceId ?? "" });
  if (!pdf) notFound();
  return pdfResponse(pdf);
}
