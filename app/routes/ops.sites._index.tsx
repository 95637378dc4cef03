import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { sitesOverview } from "~/modules/inventory/inventory.server";
import { getDb } from "~/utils/db.server";
import { CapacityBar, useCapacityFormat } from "~/components/capacity-bar";
import { useFormat, useT } from "~/components/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "orgs:read");
  return json({ sites: await sitesOverview(await getDb()) });
}

export default function Sites() {
  const { sites } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  const cap = useCapacityFormat();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("inventory.sites.title")}</h1>
          <p className="muted">{tr("inventory.sites.lead")}</p>
        </div>
      </div>
      <div className="site-cards">
        {sites.map((s) => (
          <section key={s.id} className="card site-card" aria-labelledby={`site-${s.code}`}>
            <header className="site-card-head">
              <div>
                <h2 id={`site-${s.code}`}>
                  <Link to={`/ops/sites/${s.code}`}>{s.name}</Link>
                </h2>
                <p className="muted small">
                  {format.country(s.country)} · {tr("inventory.sites.today", { date: format.date(s.today) })}
                </p>
              </div>
              <div className="site-card-tags">
                <span className="site-code">{s.code}</span>
                <span className="badge">{s.currency}</span>
              </div>
            </header>
            <CapacityBar
              label={tr("inventory.capacity.space")}
              value={s.space.usedU}
              max={s.space.totalU}
              text={cap.usedOf(cap.n(s.space.usedU), cap.u(s.space.totalU))}
              detail={
                tr("inventory.capacity.freeRacks", { free: s.space.freeRacks, active: s.space.activeRacks }) +
                (s.space.maintenanceRacks > 0 ? ` · ${tr("inventory.capacity.inMaintenance", { count: s.space.maintenanceRacks })}` : "")
              }
            />
            <CapacityBar
              label={tr("inventory.capacity.power")}
              value={s.power.committedW}
              max={s.power.usableW}
              text={cap.usedOf(cap.n(s.power.committedW), cap.w(s.power.usableW))}
              detail={tr("inventory.capacity.powerDetail", { committed: cap.kw(s.power.committedW), usable: cap.kw(s.power.usableW) })}
            />
            <CapacityBar
              label={tr("inventory.capacity.bandwidth")}
              value={s.bandwidth.committedMbps}
              max={s.bandwidth.sellableMbps}
              text={cap.usedOf(cap.n(s.bandwidth.committedMbps), cap.mbps(s.bandwidth.sellableMbps))}
              detail={tr("inventory.capacity.bandwidthDetail", {
                uplink: cap.mbps(s.bandwidth.uplinkMbps),
                ratio: format.number(Number(s.bandwidth.ratio), { maximumFractionDigits: 2 }),
              })}
            />
            <p className="site-card-foot">
              <Link className="btn btn--secondary btn--small" to={`/ops/sites/${s.code}`}>
                {tr("inventory.sites.open")}
              </Link>
            </p>
          </section>
        ))}
      </div>
    </>
  );
}
