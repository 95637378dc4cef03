import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { getForTenant } from "~/modules/crossconnects/orders.server";
import { loaPdfFor, loaResponse } from "~/modules/crossconnects/loa.server";
import { tenantActions } from "~/modules/crossconnects/shared";
import { getDb } from "~/utils/db.server";

/**
 * GET /app/cross-connects/:orderId/loa.pdf — the letter of authorisation (LOA/CFA), in the reader's
 * language, for the A and the Z organisation only; any other organisation's order is 404, and so is
 * a cancelled or rejected one.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const db = await getDb();
  const order = await getForTenant(db, { orgId: user.orgId, orderId: params.orderId ?? "" });
  if (!order || !tenantActions(order.status, order.side).loa) notFound();
  return loaResponse(await loaPdfFor(db, order, user.locale));
}
