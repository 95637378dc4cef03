import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireFinanceOperator } from "~/modules/payments/receivables.server";
import { statementDownload, statementDownloadResponse } from "~/modules/payments/statement.server";
import { getDb } from "~/utils/db.server";

/** GET /ops/organisations/:orgId/statement.pdf?currency=&from=&to=&lang= — an organisation's statement as a PDF (admins and finance). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireFinanceOperator(request);
  const result = await statementDownload(await getDb(), { orgId: params.orgId ?? "", params: new URL(request.url).searchParams, format: "pdf" });
  return statementDownloadResponse(result, user.locale);
}
