import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireTenant } from "~/modules/auth/session.server";
import { statementDownload, statementDownloadResponse } from "~/modules/payments/statement.server";
import { getDb } from "~/utils/db.server";

/** GET /app/statement.pdf?currency=&from=&to=&lang= — the organisation's statement as a PDF (its billing language unless `lang`). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "invoices:read");
  const result = await statementDownload(await getDb(), { orgId: user.orgId, params: new URL(request.url).searchParams, format: "pdf" });
  return statementDownloadResponse(result, user.locale);
}
