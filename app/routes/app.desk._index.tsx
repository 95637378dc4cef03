import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { tenantDesk } from "~/modules/servicedesk/hub.server";
import type { TenantDeskCounts } from "~/modules/servicedesk/desk";
import { getDb } from "~/utils/db.server";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET /app/desk — the tenant's service desk: remote hands, site access and deliveries, with what waits for it. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const desk = await tenantDesk(await getDb(), user.orgId);
  return json({ desk, canOrder: tenantCan(user.role, "desk:order") });
}

const AREAS = [
  { key: "tickets", base: "/app/desk/tickets", extra: null },
  { key: "visits", base: "/app/desk/visits", extra: { to: "/app/desk/badges", label: "servicedesk.visits.badges" } },
  { key: "deliveries", base: "/app/desk/deliveries", extra: null },
] as const satisfies readonly { key: "tickets" | "visits" | "deliveries"; base: string; extra: { to: string; label: MessageKey } | null }[];

export default function ServiceDesk() {
  const { desk, canOrder } = useLoaderData<typeof loader>();
  const tr = useT();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("servicedesk.title")}</h1>
          <p className="muted">{tr("servicedesk.lead")}</p>
        </div>
      </div>
      <div className="desk-cards">
        {AREAS.map((area) => {
          const counts: TenantDeskCounts = desk[area.key];
          return (
            <section key={area.key} className="card desk-card" aria-labelledby={`desk-${area.key}`}>
              <h2 id={`desk-${area.key}`}>
                <Link to={area.base}>{tr(`servicedesk.${area.key}.title`)}</Link>
              </h2>
              <p className="muted small">{tr(`servicedesk.${area.key}.lead`)}</p>
              <p>
                <span className="desk-count">{tr("servicedesk.open", { count: counts.open })}</span>
                {counts.attention > 0 ? (
                  <>
                    {" · "}
                    <span className="badge badge--pending">{tr("servicedesk.attention", { count: counts.attention })}</span>
                  </>
                ) : null}
              </p>
              <p className="desk-actions">
                {canOrder ? (
                  <Link className="btn btn--small" to={`${area.base}/new`}>
                    {tr(`servicedesk.${area.key}.new`)}
                  </Link>
                ) : null}{" "}
                <Link className="btn btn--small btn--secondary" to={area.base}>
                  {tr(`servicedesk.${area.key}.all`)}
                </Link>{" "}
                {area.extra ? (
                  <Link className="btn btn--small btn--secondary" to={area.extra.to}>
                    {tr(area.extra.label)}
                  </Link>
                ) : null}
              </p>
            </section>
          );
        })}
      </div>
    </>
  );
}
