import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { listForTenant } from "~/modules/remotehands/tickets.server";
import { TicketTable } from "~/modules/remotehands/ui";
import { getDb } from "~/utils/db.server";
import { useT } from "~/components/i18n";

const FILTERS = ["open", "closed", "all"] as const;
type Filter = (typeof FILTERS)[number];

/** GET /app/desk/tickets?show=open|closed|all — the organisation's remote-hands tickets. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const show = new URL(request.url).searchParams.get("show");
  const filter: Filter = FILTERS.find((f) => f === show) ?? "open";
  const tickets = await listForTenant(await getDb(), { orgId: user.orgId, filter });
  return json({ filter, tickets, canOpen: tenantCan(user.role, "desk:order") });
}

export default function Tickets() {
  const { filter, tickets, canOpen } = useLoaderData<typeof loader>();
  const tr = useT();
  return (
    <>
      <p>
        <Link to="/app/desk">← {tr("remotehands.backDesk")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("remotehands.title")}</h1>
          <p className="muted">{tr("remotehands.lead")}</p>
        </div>
        {canOpen ? (
          <Link className="btn" to="/app/desk/tickets/new">
            {tr("remotehands.new.open")}
          </Link>
        ) : null}
      </div>
      <section className="card" aria-labelledby="rh-list">
        <h2 id="rh-list" className="visually-hidden">
          {tr("remotehands.title")}
        </h2>
        <nav className="filters" aria-label={tr("remotehands.filter.label")}>
          {FILTERS.map((f) => (
            <Link key={f} to={`?show=${f}`} className={f === filter ? "active" : undefined} aria-current={f === filter ? "page" : undefined}>
              {tr(`remotehands.filter.${f}`)}
            </Link>
          ))}
        </nav>
        {tickets.length === 0 ? <p className="muted">{tr("remotehands.list.empty")}</p> : <TicketTable tickets={tickets} base="/app/desk/tickets" caption={tr("remotehands.title")} />}
      </section>
    </>
  );
}
