import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { contractUsageForTenant } from "~/modules/metering/contract-usage.server";
import { CHART_KINDS, drawUsage, type ChartKind } from "~/modules/metering/usage-charts.server";
import { getDb } from "~/utils/db.server";

/**
 * GET /app/usage/:contractId/chart/(bandwidth|power|energy)?month=YYYY-MM&v=… — a month's chart as
 * an SVG image (ADR 030), scoped like the page: another organisation's contract is 404. Asked for with the
 * `v` of its current content, the browser may keep it (privately, a day); otherwise it is the current
 * drawing, not kept.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "usage:read");
  const kind = params.kind as ChartKind;
  if (!CHART_KINDS.includes(kind)) notFound();
  const url = new URL(request.url);
  const u = await contractUsageForTenant(await getDb(), { orgId: user.orgId }, params.contractId ?? "", url.searchParams.get("month"));
  const chart = u && drawUsage(u).charts[kind];
  if (!chart) notFound();
  return new Response(chart.svg, {
    headers: {
      "Content-Type": "image/svg+xml; charset=utf-8",
      "Cache-Control": url.searchParams.get("v") === chart.version ? "private, max-age=86400, immutable" : "private, no-store",
      // Opened by itself, the image may run nothing and load nothing.
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
}
