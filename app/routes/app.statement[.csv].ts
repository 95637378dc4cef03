import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireTenant } from "~/modules/auth/session.server";
import { statementDownload, statementDownloadResponse } from "~/modules/payments/statement.server";
import { getDb } from "~/utils/db.server";

/** GET /app/statement.csv?currency=&from=&to= — the organisation's statement as CSV (statement.server.ts, STATEMENT_CSV_HEADER). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "invoices:read");
  const result = await statementDownload(await getDb(), { orgId: user.orgId, params: new URL(request.url).searchParams, format: "csv" });
  return statementDownloadResponse(result, user.locale);
}
