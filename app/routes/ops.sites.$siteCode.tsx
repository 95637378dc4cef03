import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { findSite, siteToday } from "~/modules/inventory/inventory.server";
import { getDb } from "~/utils/db.server";
import { useFormat, useT } from "~/components/i18n";

/** The frame of every page of one site: its name, facts, and the Capacity / Inventory / Prices sub-navigation. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const site = await findSite(await getDb(), params.siteCode);
  if (!site) notFound();
  return json({
    site: { code: site.code, name: site.name, country: site.country, currency: site.currency, timeZone: site.time_zone },
    today: siteToday(site.time_zone),
    canSeePrices: operatorCan(user.operatorRole, "prices:manage"),
  });
}

export default function SiteLayout() {
  const { site, today, canSeePrices } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  const { pathname } = useLocation();
  const base = `/ops/sites/${site.code}`;
  const section = pathname.endsWith("/inventory") ? "inventory" : pathname.endsWith("/prices") ? "prices" : pathname.endsWith("/carriers") ? "carriers" : "capacity";
  const tabs = [
    { to: base, key: "capacity", label: tr("inventory.nav.capacity") },
    { to: `${base}/inventory`, key: "inventory", label: tr("inventory.nav.inventory") },
    ...(canSeePrices ? [{ to: `${base}/prices`, key: "prices", label: tr("inventory.nav.prices") } as const] : []),
    { to: `${base}/carriers`, key: "carriers", label: tr("crossconnects.carriers.tab") },
  ];
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/ops/sites">← {tr("inventory.sites.title")}</Link>
      </p>
      <div className="page-head site-head">
        <div>
          <h1>
            {site.name} <span className="site-code">{site.code}</span>
          </h1>
          <p className="muted">
            {format.country(site.country)} · {tr("inventory.site.currency", { currency: site.currency })} · {site.timeZone} ·{" "}
            {tr("inventory.sites.today", { date: format.date(today) })}
          </p>
        </div>
      </div>
      <nav className="subnav" aria-label={tr("inventory.nav.label")}>
        {tabs.map((tab) => (
          <Link
            key={tab.key}
            to={tab.to}
            className={section === tab.key ? "active" : undefined}
            aria-current={section === tab.key ? "page" : undefined}
          >
            {tab.label}
          </Link>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
