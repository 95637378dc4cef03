import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { annexResponse, invoiceAnnex } from "~/modules/billing/annex.server";
import { getDb } from "~/utils/db.server";

/**
 * GET /ops/billing/invoices/:invoiceId/annex.csv — the usage annex of any invoice, drafts included
 * (docs/usage-annex.md): the copy frozen at issue, or computed live (always with `?live=1`, to see
 * late samples). Unknown or malformed id: 404.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  const live = new URL(request.url).searchParams.get("live") === "1";
  const annex = await invoiceAnnex(await getDb(), { operator: true }, params.invoiceId ?? "", { live });
  if (!annex) notFound();
  return annexResponse(annex);
}
