import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { getForOperator } from "~/modules/crossconnects/orders.server";
import { loaPdfFor, loaResponse } from "~/modules/crossconnects/loa.server";
import { getDb } from "~/utils/db.server";

/** GET /ops/cross-connects/:orderId/loa.pdf — the LOA/CFA of any order, in the operator's language. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const db = await getDb();
  const order = await getForOperator(db, params.orderId ?? "");
  if (!order) notFound();
  return loaResponse(await loaPdfFor(db, order, user.locale));
}
