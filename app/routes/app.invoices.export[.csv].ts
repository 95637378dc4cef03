import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireTenant } from "~/modules/auth/session.server";
import { invoicesCsv, parseInvoiceFilters } from "~/modules/billing/tenant-invoices.server";
import { t } from "~/i18n";
import { getDb } from "~/utils/db.server";
import { csvResponse } from "~/utils/csv.server";

/**
 * GET /app/invoices/export.csv?status=&site=&year= — the organisation's invoices as the list shows
 * them, filtered alike (billing.md, "Documents over HTTP"): header
 * `number,period,site,issued_on,due_on,currency,subtotal,vat,total,balance,status`, amounts as
 * decimal strings in major units with a dot, UTF-8. Malformed filters are a 400 naming them.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "invoices:read");
  const { filters, errors } = parseInvoiceFilters(new URL(request.url).searchParams);
  if (Object.keys(errors).length) {
    const fields = Object.entries(errors)
      .map(([field, key]) => `${field} (${t(user.locale, key!)})`)
      .join(", ");
    return new Response(t(user.locale, "invoices.csv.badFilters", { fields }), {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-store" },
    });
  }
  return csvResponse("invoices.csv", invoicesCsv(await getDb(), user.orgId, filters));
}
