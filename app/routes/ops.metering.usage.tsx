import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { listSites } from "~/modules/inventory/sites.server";
import { pickSite } from "~/modules/metering/schemas.server";
import { siteUsageOverview } from "~/modules/metering/site-usage-view.server";
import { getDb } from "~/utils/db.server";
import { useFormat, useT } from "~/components/i18n";

/** /ops/metering/usage?site=LDC&month=2026-11 — every contract's month at a site (p95, energy, power), read set-based. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "orgs:read");
  const url = new URL(request.url);
  const db = await getDb();
  const sites = await listSites(db);
  const site = pickSite(sites, url.searchParams.get("site"));
  if (!site) notFound();
  const view = await siteUsageOverview(db, site, url.searchParams.get("month"));
  return json({ sites: sites.map((s) => ({ code: s.code, name: s.name })), site: { code: site.code }, ...view });
}

export default function SiteUsagePage() {
  const d = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  const num = (value: string | null, digits = 1) => (value === null ? tr("usage.none") : format.number(Number(value), { maximumFractionDigits: digits }));
  return (
    <section className="card" aria-labelledby="site-usage">
      <h2 id="site-usage">{tr("usage.title")}</h2>
      <Form method="get" className="usage-toolbar">
        <label>
          {tr("billingAnnex.late.filter.site")}{" "}
          <select name="site" defaultValue={d.site.code}>
            {d.sites.map((s) => (
              <option key={s.code} value={s.code}>
                {s.code} — {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {tr("usage.month")} <input type="month" name="month" defaultValue={d.month} max={d.current} />
        </label>
        <button className="btn" type="submit">
          {tr("usage.show")}
        </button>
      </Form>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>{tr("usage.contractRef", { ref: "" })}</th>
              <th><span className="visually-hidden">{tr("common.actions")}</span></th>
              <th className="num">{tr("usage.p95Month")}</th>
              <th className="num">{tr("usage.energyMonth")}</th>
              <th className="num">{tr("usage.power.peak")}</th>
              <th className="num">{tr("usage.power.average")}</th>
            </tr>
          </thead>
          <tbody>
            {d.rows.map((r) => (
              <tr key={r.id}>
                <td className="mono">{r.ref}</td>
                <td>{r.orgName}</td>
                <td className="num nowrap">{r.p95 === null ? tr("usage.none") : tr("usage.unit.mbps", { value: num(r.p95, 2) })}</td>
                <td className="num nowrap">{tr("usage.unit.kwh", { value: num(r.energyKwh, 1) })}</td>
                <td className="num nowrap">{r.peakW === null ? tr("usage.none") : tr("usage.unit.kw", { value: num(String(Number(r.peakW) / 1000), 2) })}</td>
                <td className="num nowrap">{r.averageW === null ? tr("usage.none") : tr("usage.unit.kw", { value: num(String(Number(r.averageW) / 1000), 2) })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
