import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { listForSite, type SiteFilter } from "~/modules/deliveries/deliveries.server";
import { DeliveryTable } from "~/modules/deliveries/components";
import { getDb } from "~/utils/db.server";
import { useFormat, useT } from "~/components/i18n";

const FILTERS = ["queue", "upcoming", "done"] as const satisfies readonly SiteFilter[];

/** GET /ops/desk/:siteCode/deliveries?show= — a site's deliveries: by default its queue (expected by today, then waiting at the site). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "orgs:read");
  const param = new URL(request.url).searchParams.get("show") ?? "queue";
  const show: SiteFilter = (FILTERS as readonly string[]).includes(param) ? (param as SiteFilter) : "queue";
  const list = await listForSite(await getDb(), { siteCode: params.siteCode ?? "", filter: show });
  if (!list) notFound();
  return json({ show, ...list });
}

export default function OpsSiteDeliveries() {
  const { show, site, deliveries } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  return (
    <>
      <p>
        <Link to={`/ops/desk/${site.code}`}>← {site.code}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("deliveries.ops.title", { site: `${site.code} · ${site.name}` })}</h1>
          <p className="muted">
            {tr("deliveries.ops.lead", { days: site.parcel_keep_days })} · {format.date(site.today)}
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="site-deliveries">
        <h2 id="site-deliveries">{tr("deliveries.list.count", { count: deliveries.length })}</h2>
        <Form method="get" className="inline-form">
          <label htmlFor="f-show">{tr("deliveries.filter.label")}</label>{" "}
          <select id="f-show" name="show" defaultValue={show}>
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {tr(`deliveries.ops.filter.${f}`)}
              </option>
            ))}
          </select>{" "}
          <button className="btn btn--small btn--secondary">{tr("deliveries.filter.submit")}</button>
        </Form>
        {deliveries.length === 0 ? <p className="muted">{tr("deliveries.list.empty")}</p> : <DeliveryTable deliveries={deliveries} base="/ops/desk/deliveries" showOrg />}
      </section>
    </>
  );
}
