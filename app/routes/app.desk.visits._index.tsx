import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { listVisitsForTenant, type VisitFilter } from "~/modules/siteaccess/visits.server";
import { VisitTable } from "~/modules/siteaccess/components";
import { getDb } from "~/utils/db.server";
import { useT } from "~/components/i18n";

const FILTERS = ["upcoming", "past"] as const satisfies readonly VisitFilter[];

/** GET /app/desk/visits?show=upcoming|past — the organisation's visits (upcoming soonest first, past latest first). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const param = new URL(request.url).searchParams.get("show") ?? "upcoming";
  const show: (typeof FILTERS)[number] = (FILTERS as readonly string[]).includes(param) ? (param as (typeof FILTERS)[number]) : "upcoming";
  const visits = await listVisitsForTenant(await getDb(), { orgId: user.orgId, role: user.role, filter: show });
  return json({ show, visits, canRegister: tenantCan(user.role, "desk:order") });
}

export default function Visits() {
  const { show, visits, canRegister } = useLoaderData<typeof loader>();
  const tr = useT();
  return (
    <>
      <p>
        <Link to="/app/desk">← {tr("siteaccess.nav")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("siteaccess.visits.title")}</h1>
          <p className="muted">{tr("siteaccess.visits.lead")}</p>
        </div>
        <div className="stack-h">
          <Link className="btn btn--secondary" to="/app/desk/badges">
            {tr("siteaccess.visits.badgesLink")}
          </Link>
          {canRegister ? (
            <Link className="btn" to="/app/desk/visits/new">
              {tr("siteaccess.visits.register")}
            </Link>
          ) : null}
        </div>
      </div>
      {!canRegister ? <p className="muted">{tr("siteaccess.visits.roleNeeded")}</p> : null}
      <section className="card" aria-labelledby="visits-title">
        <h2 id="visits-title" className="visually-hidden">
          {tr(`siteaccess.visits.filter.${show}`)}
        </h2>
        <nav className="filters" aria-label={tr("siteaccess.visits.filter.label")}>
          {FILTERS.map((f) => (
            <Link key={f} to={`?show=${f}`} className={f === show ? "active" : undefined} aria-current={f === show ? "page" : undefined}>
              {tr(`siteaccess.visits.filter.${f}`)}
            </Link>
          ))}
        </nav>
        {visits.length === 0 ? <p className="muted">{tr("siteaccess.visits.empty")}</p> : <VisitTable visits={visits} base="/app/desk/visits" />}
      </section>
    </>
  );
}
