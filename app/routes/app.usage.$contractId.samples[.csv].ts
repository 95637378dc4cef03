import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { contractSamplesExport } from "~/modules/metering/contract-usage.server";
import { getDb } from "~/utils/db.server";
import { csvResponse } from "~/utils/csv.server";

/**
 * GET /app/usage/:contractId/samples.csv?month=YYYY-MM — the raw samples of a month, streamed page by
 * page (a month of four metrics every 5 minutes is ~35,000 lines per meter). Another organisation's
 * contract is 404; a missing or malformed month is the current month.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "usage:read");
  const asked = new URL(request.url).searchParams.get("month");
  const csv = await contractSamplesExport(await getDb(), { orgId: user.orgId }, params.contractId ?? "", asked);
  if (!csv) notFound();
  return csvResponse(csv.filename, csv.lines);
}
