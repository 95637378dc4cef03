import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { parseBillingPeriod } from "~/modules/billing/run.server";
import { deskOverview } from "~/modules/servicedesk/hub.server";
import { getDb } from "~/utils/db.server";
import { monthIn } from "~/utils/dates";
import { Alert } from "~/components/forms";
import { useFormat, useLocale, useT } from "~/components/i18n";
import { cachedIntl } from "~/i18n/format";

/**
 * GET /ops/desk?month=YYYY-MM — the operators' service desk: each site's three queues (tickets,
 * visits, deliveries) and the month's remote-hands service levels per site. `/ops` lands here.
 * A month that is not one (or outside 2000–2100) shows the current month with a notice, never a 5xx.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "orgs:read");
  const asked = new URL(request.url).searchParams.get("month");
  const month = asked === null ? monthIn("UTC") : parseBillingPeriod(asked);
  const period = month ?? monthIn("UTC");
  const overview = await deskOverview(await getDb(), period);
  return json({ ...overview, period, badMonth: month === null });
}

export default function OpsDesk() {
  const { sites, serviceLevels, period, badMonth } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  const locale = useLocale();
  const monthLabel = cachedIntl(`month-${locale}`, () => new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" })).format(new Date(`${period}-01T00:00:00Z`));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("servicedesk.ops.title")}</h1>
          <p className="muted">{tr("servicedesk.ops.lead")}</p>
        </div>
      </div>
      <section className="card" aria-labelledby="queues-title">
        <h2 id="queues-title" className="visually-hidden">
          {tr("servicedesk.ops.title")}
        </h2>
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{tr("servicedesk.ops.col.site")}</th>
                <th scope="col" className="num">{tr("servicedesk.ops.col.tickets")}</th>
                <th scope="col" className="num">{tr("servicedesk.ops.col.visits")}</th>
                <th scope="col" className="num">{tr("servicedesk.ops.col.deliveries")}</th>
              </tr>
            </thead>
            <tbody>
              {sites.map((s) => (
                <tr key={s.code}>
                  <td>
                    <Link to={`/ops/desk/${s.code}`}>{s.name}</Link> <span className="badge badge--site">{s.code}</span>
                  </td>
                  <td className="num">{format.number(s.tickets)}</td>
                  <td className="num">{format.number(s.visits)}</td>
                  <td className="num">{format.number(s.deliveries)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="sla-title">
        <h2 id="sla-title">{tr("servicedesk.ops.sla.title", { month: monthLabel })}</h2>
        <p className="hint">{tr("servicedesk.ops.sla.lead")}</p>
        {badMonth ? <Alert kind="warning">{tr("servicedesk.ops.sla.badMonth")}</Alert> : null}
        <Form method="get" className="inline-form">
          <label htmlFor="f-month">{tr("servicedesk.ops.sla.month")}</label>{" "}
          <input id="f-month" type="month" name="month" defaultValue={period} min="2000-01" max="2100-12" />{" "}
          <button className="btn btn--small btn--secondary">{tr("servicedesk.ops.sla.show")}</button>
        </Form>
        {serviceLevels.every((r) => r.tickets === 0) ? (
          <p className="muted">{tr("servicedesk.ops.sla.none")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{tr("servicedesk.ops.col.site")}</th>
                  <th scope="col" className="num">{tr("servicedesk.ops.sla.col.tickets")}</th>
                  <th scope="col" className="num">{tr("servicedesk.ops.sla.col.closed")}</th>
                  <th scope="col" className="num">{tr("servicedesk.ops.sla.col.met")}</th>
                  <th scope="col" className="num">{tr("servicedesk.ops.sla.col.share")}</th>
                </tr>
              </thead>
              <tbody>
                {serviceLevels.map((r) => (
                  <tr key={r.siteCode}>
                    <td>{r.siteName}</td>
                    <td className="num">{format.number(r.tickets)}</td>
                    <td className="num">{format.number(r.closed)}</td>
                    <td className="num">{format.number(r.met)}</td>
                    <td className="num">{r.tickets ? format.number(r.met / r.tickets, { style: "percent", maximumFractionDigits: 0 }) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
