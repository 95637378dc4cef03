import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { annexResponse, invoiceAnnex } from "~/modules/billing/annex.server";
import { getDb } from "~/utils/db.server";

/**
 * GET /ops/billing/invoices/:invoiceId/annex.csv — the usage annex of any invoice, drafts included
 * (docs/usage-annex.md): the copy frozen at issue, or computed live. Unknown or malformed id: 404.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  const annex = await invoiceAnnex(await getDb(), { operator: true }, params.invoiceId ?? "");
  if (!annex) notFound();
  return annexResponse(annex);
}
