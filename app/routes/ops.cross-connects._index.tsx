import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import type { CrossConnectStatus } from "#db/schema";
import { requireOperator } from "~/modules/auth/session.server";
import { listForOperators } from "~/modules/crossconnects/orders.server";
import { CROSS_CONNECT_STATUSES } from "~/modules/crossconnects/shared";
import { getDb } from "~/utils/db.server";
import { CrossConnectTable } from "~/components/cross-connects";
import { useT } from "~/components/i18n";

const FILTERS = ["open", "all", ...CROSS_CONNECT_STATUSES] as const;
type Filter = (typeof FILTERS)[number];

/** GET /ops/cross-connects?status= — cross-connect orders: by default those waiting for someone, oldest first. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "orgs:read");
  const param = new URL(request.url).searchParams.get("status") ?? "open";
  const status: Filter = (FILTERS as readonly string[]).includes(param) ? (param as Filter) : "open";
  const orders = await listForOperators(await getDb(), { status: status as CrossConnectStatus | "open" | "all" });
  return json({ status, orders });
}

export default function OpsCrossConnects() {
  const { status, orders } = useLoaderData<typeof loader>();
  const tr = useT();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("crossconnects.ops.title")}</h1>
          <p className="muted">{tr("crossconnects.ops.lead")}</p>
        </div>
      </div>
      <section className="card">
        <Form method="get" className="inline-form">
          <label htmlFor="f-status">{tr("crossconnects.col.status")}</label>{" "}
          <select id="f-status" name="status" defaultValue={status}>
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {f === "open" ? tr("crossconnects.ops.filterOpen") : f === "all" ? tr("crossconnects.ops.filterAll") : tr(`crossconnects.status.${f}`)}
              </option>
            ))}
          </select>{" "}
          <button className="btn btn--small btn--secondary">{tr("crossconnects.ops.filter")}</button>
        </Form>
        {orders.length === 0 ? <p className="muted">{tr("crossconnects.ops.empty")}</p> : <CrossConnectTable orders={orders} base="/ops/cross-connects" showParties />}
      </section>
    </>
  );
}
