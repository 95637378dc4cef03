import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { annexResponse, invoiceAnnex } from "~/modules/billing/annex.server";
import { getDb } from "~/utils/db.server";

/**
 * GET /app/invoices/:invoiceId/annex.csv — the usage annex of one of the organisation's invoices
 * (docs/usage-annex.md): the copy frozen at issue, or computed live. Another organisation's invoice,
 * a draft or a malformed id is 404.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "invoices:read");
  const annex = await invoiceAnnex(await getDb(), { orgId: user.orgId }, params.invoiceId ?? "");
  if (!annex) notFound();
  return annexResponse(annex);
}
