import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireOperator } from "~/modules/auth/session.server";
import { auditCsv } from "~/modules/audit/audit.server";
import { t } from "~/i18n";
import { getDb } from "~/utils/db.server";
import { csvResponse } from "~/utils/csv.server";

/**
 * GET /ops/audit.csv?actor=&action=&org=&from=&to= — the filtered audit log as CSV, newest first,
 * streamed in batches. Malformed filters are a 400 naming them (the page shows the same message).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "audit:read");
  const csv = await auditCsv(await getDb(), new URL(request.url).searchParams, user.locale);
  if (!csv.ok) {
    const fields = Object.entries(csv.errors)
      .map(([field, key]) => `${field} (${t(user.locale, key!)})`)
      .join(", ");
    return new Response(t(user.locale, "audit.csv.badFilters", { fields }), {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-store" },
    });
  }
  return csvResponse(csv.filename, csv.lines);
}
