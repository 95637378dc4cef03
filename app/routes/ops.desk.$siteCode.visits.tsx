import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { VisitStatus } from "#db/schema";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { listVisitsForSite, siteByCode } from "~/modules/siteaccess/visits.server";
import { VISIT_STATUSES } from "~/modules/siteaccess/shared";
import { VisitTable } from "~/modules/siteaccess/components";
import { getDb } from "~/utils/db.server";
import { useFormat, useT } from "~/components/i18n";

const FILTERS = [...VISIT_STATUSES, "all"] as const;
type Filter = (typeof FILTERS)[number];

/** GET /ops/desk/:siteCode/visits?status= — a site's visits: by default those to approve (window not over), soonest first. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const db = await getDb();
  const site = await siteByCode(db, params.siteCode);
  if (!site) notFound();
  const param = new URL(request.url).searchParams.get("status") ?? "requested";
  const status: Filter = (FILTERS as readonly string[]).includes(param) ? (param as Filter) : "requested";
  const visits = await listVisitsForSite(db, { siteId: site.id, role: user.operatorRole, status: status as VisitStatus | "all" });
  return json({ site, status, visits });
}

export default function OpsSiteVisits() {
  const { site, status, visits } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  return (
    <>
      <p>
        <Link to={`/ops/desk/${site.code}`}>← {site.code}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("siteaccess.ops.title", { site: `${site.code} · ${site.name}` })}</h1>
          <p className="muted">
            {tr("siteaccess.ops.lead")} · {format.date(site.today)}
          </p>
        </div>
        <div className="stack-h">
          <Link className="btn" to={`/ops/desk/${site.code}/security-list?day=${site.today}`}>
            {tr("siteaccess.ops.securityList")}
          </Link>
          <Link className="btn btn--secondary" to={`/ops/desk/${site.code}/badges`}>
            {tr("siteaccess.ops.badges")}
          </Link>
        </div>
      </div>
      <section className="card" aria-labelledby="site-visits">
        <h2 id="site-visits">{status === "all" ? tr("siteaccess.ops.filterAll") : tr(`siteaccess.status.${status}`)}</h2>
        <Form method="get" className="inline-form">
          <label htmlFor="f-status">{tr("siteaccess.col.status")}</label>{" "}
          <select id="f-status" name="status" defaultValue={status}>
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {f === "all" ? tr("siteaccess.ops.filterAll") : tr(`siteaccess.status.${f}`)}
              </option>
            ))}
          </select>{" "}
          <button className="btn btn--small btn--secondary">{tr("siteaccess.ops.filter")}</button>
        </Form>
        {visits.length === 0 ? <p className="muted">{tr("siteaccess.ops.empty")}</p> : <VisitTable visits={visits} base="/ops/desk/visits" showOrg />}
      </section>
    </>
  );
}
