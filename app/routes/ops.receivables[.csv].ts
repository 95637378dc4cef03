import type { LoaderFunctionArgs } from "@remix-run/node";
import { badReceivablesQuery, receivablesCsv, requireFinanceOperator } from "~/modules/payments/receivables.server";
import { getDb } from "~/utils/db.server";

/**
 * GET /ops/receivables.csv?site=&currency=&kind=&overdue=1 — the outstanding per organisation and
 * currency as the page filters it (RECEIVABLES_CSV_HEADER; decimal amounts with a dot). Bad filters: 400.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireFinanceOperator(request);
  const result = await receivablesCsv(await getDb(), { params: new URL(request.url).searchParams });
  if (!result.ok) return badReceivablesQuery(result.errors, user.locale);
  return new Response(result.csv, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${result.filename}"`, "Cache-Control": "private, no-store" },
  });
}
