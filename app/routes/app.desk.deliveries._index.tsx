import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { listForTenant, type TenantFilter } from "~/modules/deliveries/deliveries.server";
import { DeliveryTable } from "~/modules/deliveries/components";
import { getDb } from "~/utils/db.server";
import { useT } from "~/components/i18n";

const FILTERS = ["open", "done", "all"] as const satisfies readonly TenantFilter[];

/** GET /app/desk/deliveries?show=open|done|all — the organisation's deliveries, in progress by default. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const param = new URL(request.url).searchParams.get("show") ?? "open";
  const show: TenantFilter = (FILTERS as readonly string[]).includes(param) ? (param as TenantFilter) : "open";
  const deliveries = await listForTenant(await getDb(), { orgId: user.orgId, filter: show });
  return json({ show, deliveries, canAnnounce: tenantCan(user.role, "desk:order") });
}

export default function Deliveries() {
  const { show, deliveries, canAnnounce } = useLoaderData<typeof loader>();
  const tr = useT();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("deliveries.title")}</h1>
          <p className="muted">{tr("deliveries.lead")}</p>
        </div>
        {canAnnounce ? (
          <Link className="btn" to="/app/desk/deliveries/new">
            {tr("deliveries.announceLink")}
          </Link>
        ) : null}
      </div>
      <section className="card" aria-labelledby="deliveries-list">
        <h2 id="deliveries-list">{tr("deliveries.list.count", { count: deliveries.length })}</h2>
        <Form method="get" className="inline-form">
          <label htmlFor="f-show">{tr("deliveries.filter.label")}</label>{" "}
          <select id="f-show" name="show" defaultValue={show}>
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {tr(`deliveries.filter.${f}`)}
              </option>
            ))}
          </select>{" "}
          <button className="btn btn--small btn--secondary">{tr("deliveries.filter.submit")}</button>
        </Form>
        {deliveries.length === 0 ? <p className="muted">{tr("deliveries.list.empty")}</p> : <DeliveryTable deliveries={deliveries} base="/app/desk/deliveries" />}
      </section>
    </>
  );
}
