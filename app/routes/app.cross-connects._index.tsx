import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { listForTenant, liveContractsOf } from "~/modules/crossconnects/orders.server";
import { getDb } from "~/utils/db.server";
import { CrossConnectTable } from "~/components/cross-connects";
import { useT } from "~/components/i18n";

/** GET /app/cross-connects — every cross-connect the organisation ordered or was asked for; those awaiting its answer first. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const db = await getDb();
  const [orders, contracts] = await Promise.all([listForTenant(db, { orgId: user.orgId }), liveContractsOf(db, { orgId: user.orgId })]);
  return json({
    incoming: orders.filter((o) => o.side === "z" && o.status === "pending_acceptance"),
    orders,
    contracts: contracts.map((c) => ({ id: c.id, ref: c.id.slice(0, 8).toUpperCase(), siteCode: c.site_code, siteName: c.site_name })),
    canOrder: tenantCan(user.role, "crossconnects:order"),
  });
}

export default function CrossConnects() {
  const { incoming, orders, contracts, canOrder } = useLoaderData<typeof loader>();
  const tr = useT();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("crossconnects.title")}</h1>
          <p className="muted">{tr("crossconnects.lead")}</p>
        </div>
      </div>

      {incoming.length ? (
        <section className="card" aria-labelledby="incoming-title">
          <h2 id="incoming-title">{tr("crossconnects.list.incoming", { count: incoming.length })}</h2>
          <p className="hint">{tr("crossconnects.list.incomingHint")}</p>
          <CrossConnectTable orders={incoming} base="/app/cross-connects" />
        </section>
      ) : null}

      <section className="card" aria-labelledby="all-title">
        <h2 id="all-title">{tr("crossconnects.list.all")}</h2>
        {orders.length === 0 ? <p className="muted">{tr("crossconnects.list.empty")}</p> : <CrossConnectTable orders={orders} base="/app/cross-connects" />}
      </section>

      <section className="card" aria-labelledby="order-title">
        <h2 id="order-title">{tr("crossconnects.order.title")}</h2>
        {contracts.length === 0 ? (
          <p className="muted">{tr("crossconnects.order.noContract")}</p>
        ) : (
          <>
            <p className="hint">{canOrder ? tr("crossconnects.order.pickContract") : tr("crossconnects.order.roleNeeded")}</p>
            <ul className="list">
              {contracts.map((c) => (
                <li key={c.id}>
                  <span>
                    <span className="badge badge--site">{c.siteCode}</span> {c.siteName} · <span className="mono">{c.ref}</span>
                  </span>
                  <Link className="btn btn--small btn--secondary" to={`/app/services/${c.id}/cross-connects`}>
                    {canOrder ? tr("crossconnects.order.title") : tr("crossconnects.order.see")}
                  </Link>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}
