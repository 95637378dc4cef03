import { Link, Outlet, useLocation } from "@remix-run/react";
import { useT } from "~/components/i18n";

/**
 * The frame of the metering pages: title and the Meters / API tokens / Import / Usage sub-navigation.
 * The operator area (ops.tsx) already requires an operator; each page checks its own permission.
 * The chosen site (`?site=`) follows the operator from one tab to the next.
 */
export default function MeteringLayout() {
  const tr = useT();
  const { pathname, search } = useLocation();
  const site = new URLSearchParams(search).get("site");
  const query = site && /^[A-Za-z]{3}$/.test(site) ? `?site=${site.toUpperCase()}` : "";
  const path = pathname.replace(/\/+$/, "");
  const section = path.endsWith("/tokens") ? "tokens" : path.endsWith("/import") ? "import" : path.endsWith("/usage") ? "usage" : "meters";
  const tabs = [
    { key: "meters", to: `/ops/metering${query}`, label: tr("meteringOps.nav.meters") },
    { key: "tokens", to: `/ops/metering/tokens${query}`, label: tr("meteringOps.nav.tokens") },
    { key: "import", to: `/ops/metering/import${query}`, label: tr("meteringOps.nav.import") },
    { key: "usage", to: `/ops/metering/usage${query}`, label: tr("usage.title") },
  ] as const;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("meteringOps.title")}</h1>
          <p className="muted">{tr("meteringOps.lead")}</p>
        </div>
      </div>
      <nav className="subnav metering-subnav" aria-label={tr("meteringOps.nav.label")}>
        {tabs.map((tab) => (
          <Link key={tab.key} to={tab.to} className={section === tab.key ? "active" : undefined} aria-current={section === tab.key ? "page" : undefined}>
            {tab.label}
          </Link>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
