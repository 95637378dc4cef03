import { json, type LoaderFunctionArgs, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { findSite, siteDashboard } from "~/modules/inventory/inventory.server";
import { usageLevel, usageRatio, worseLevel } from "~/modules/inventory/elevation";
import { getDb } from "~/utils/db.server";
import { CapacityBar, useCapacityFormat } from "~/components/capacity-bar";
import { StatusBadge } from "~/components/shell";
import { useFormat, useT } from "~/components/i18n";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "orgs:read");
  const db = await getDb();
  const site = await findSite(db, params.siteCode);
  if (!site) notFound();
  return json({ site: { code: site.code, timeZone: site.time_zone }, dashboard: await siteDashboard(db, site) });
}

type Dashboard = SerializeFrom<typeof loader>["dashboard"];
type Rack = Dashboard["rooms"][number]["racks"][number];

function MiniBar({ value, max, label }: { value: number; max: number; label: string }) {
  return (
    <span className={`mini-bar mini-bar--${usageLevel(value, max)}`} aria-hidden="true" title={label}>
      <span style={{ width: `${(usageRatio(value, max) * 100).toFixed(1)}%` }} />
    </span>
  );
}

function RackTile({ rack, href }: { rack: Rack; href: string }) {
  const tr = useT();
  const cap = useCapacityFormat();
  const level = worseLevel(usageLevel(rack.usedU, rack.heightU), usageLevel(rack.committedW, rack.usableW));
  const maintenance = rack.status === "maintenance";
  const space = cap.usedOf(cap.n(rack.usedU), cap.u(rack.heightU));
  const power = cap.usedOf(cap.n(rack.committedW), cap.w(rack.usableW));
  return (
    <li>
      <Link
        to={href}
        className={`rack-tile rack-tile--${maintenance ? "maintenance" : level}${rack.usedU === 0 && !maintenance ? " rack-tile--empty" : ""}`}
      >
        {/* Named by its visible text (WCAG 2.5.3), with the figures' labels for screen readers. */}
        <span className="rack-tile-head">
          <strong>{rack.name}</strong>
          {maintenance ? <span className="badge badge--maintenance">{tr("inventory.status.maintenance")}</span> : null}
        </span>
        <span className="rack-tile-row">
          <span>
            <span className="visually-hidden">{tr("inventory.tile.space")} </span>
            {space}
          </span>
          <MiniBar value={rack.usedU} max={rack.heightU} label={space} />
        </span>
        <span className="rack-tile-row">
          <span>
            <span className="visually-hidden">{tr("inventory.tile.power")} </span>
            {power}
          </span>
          <MiniBar value={rack.committedW} max={rack.usableW} label={power} />
        </span>
      </Link>
    </li>
  );
}

export default function SiteCapacity() {
  const { site, dashboard: d } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  const cap = useCapacityFormat();
  const portCounts = {
    free: d.ports.filter((p) => p.state === "free").length,
    used: d.ports.filter((p) => p.state === "used").length,
    maintenance: d.ports.filter((p) => p.state === "maintenance").length,
  };
  const rackHref = (id: string) => `/ops/sites/${site.code}/racks/${id}`;
  return (
    <>
      <p className="muted small">
        {tr("inventory.dashboard.period", { date: format.date(d.today), timeZone: site.timeZone })}{" "}
        {d.space.maintenanceRacks > 0 ? tr("inventory.dashboard.activeOnly", { count: d.space.maintenanceRacks }) : null}
      </p>
      <div className="capacity-cards">
        <section className="card">
          <h2>{tr("inventory.capacity.space")}</h2>
          <CapacityBar
            label={tr("inventory.capacity.unitsUsed")}
            value={d.space.usedU}
            max={d.space.totalU}
            text={cap.usedOf(cap.n(d.space.usedU), cap.u(d.space.totalU))}
            detail={tr("inventory.capacity.freeRacks", { free: d.space.freeRacks, active: d.space.activeRacks })}
          />
        </section>
        <section className="card">
          <h2>{tr("inventory.capacity.power")}</h2>
          <CapacityBar
            label={tr("inventory.capacity.powerCommitted")}
            value={d.power.committedW}
            max={d.power.usableW}
            text={cap.usedOf(cap.n(d.power.committedW), cap.w(d.power.usableW))}
            detail={tr("inventory.capacity.usableHint")}
          />
        </section>
        <section className="card" id="bandwidth">
          <h2>{tr("inventory.capacity.bandwidth")}</h2>
          <CapacityBar
            label={tr("inventory.capacity.bandwidthCommitted")}
            value={d.bandwidth.committedMbps}
            max={d.bandwidth.sellableMbps}
            text={cap.usedOf(cap.n(d.bandwidth.committedMbps), cap.mbps(d.bandwidth.sellableMbps))}
            detail={tr("inventory.capacity.bandwidthDetail", {
              uplink: cap.mbps(d.bandwidth.uplinkMbps),
              ratio: format.number(Number(d.bandwidth.ratio), { maximumFractionDigits: 2 }),
            })}
          />
          <p className="small muted">
            {tr("inventory.capacity.bandwidthFree", { free: cap.mbps(Math.max(0, d.bandwidth.sellableMbps - d.bandwidth.committedMbps)) })}
          </p>
        </section>
      </div>

      {d.rooms.map((room) => (
        <section key={room.id} className="card room" aria-labelledby={`room-${room.id}`}>
          <div className="room-head">
            <h2 id={`room-${room.id}`}>{room.name}</h2>
            <span className="badge">{tr(`inventory.roomKind.${room.kind}`)}</span>
          </div>
          {room.racks.length === 0 ? (
            <p className="muted">{tr("inventory.room.noRacks")}</p>
          ) : (
            <>
              <ul className="room-map" aria-label={tr("inventory.room.mapLabel", { room: room.name })}>
                {room.racks.map((r) => (
                  <RackTile key={r.id} rack={r} href={rackHref(r.id)} />
                ))}
              </ul>
              <div className="table-scroll">
                <table className="table table--compact">
                  <caption className="visually-hidden">{tr("inventory.room.tableCaption", { room: room.name })}</caption>
                  <thead>
                    <tr>
                      <th>{tr("inventory.rack.rack")}</th>
                      <th className="hide-sm">{tr("inventory.rack.status")}</th>
                      <th className="num">{tr("inventory.rack.space")}</th>
                      <th className="num hide-sm">{tr("inventory.rack.largestFree")}</th>
                      <th className="num">{tr("inventory.rack.power")}</th>
                      <th className="num hide-sm">{tr("inventory.rack.feeds")}</th>
                      <th className="hide-sm">{tr("inventory.rack.tenants")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {room.racks.map((r) => (
                      <tr key={r.id}>
                        <td>
                          <Link to={rackHref(r.id)}>
                            <strong>{r.name}</strong>
                          </Link>
                        </td>
                        <td className="hide-sm">
                          <StatusBadge status={r.status} label={tr(`inventory.status.${r.status}`)} />
                        </td>
                        <td className="num nowrap">{cap.usedOf(cap.n(r.usedU), cap.u(r.heightU))}</td>
                        <td className="num nowrap hide-sm">{cap.u(r.largestFreeRun)}</td>
                        <td className="num nowrap">{cap.usedOf(cap.n(r.committedW), cap.w(r.usableW))}</td>
                        <td className="num nowrap hide-sm small">
                          {tr("inventory.rack.feedsValue", { capacity: cap.n(r.powerCapacityW), a: cap.n(r.feedAW), b: cap.n(r.feedBW) })}
                        </td>
                        <td className="hide-sm small">
                          {r.tenants.length ? r.tenants.join(", ") : <span className="muted">{tr("common.none")}</span>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>
      ))}

      <section className="card" aria-labelledby="ports-title">
        <div className="room-head">
          <h2 id="ports-title">{tr("inventory.ports.title")}</h2>
          <span className="port-counts small">
            <span className="badge badge--active">{tr("inventory.ports.countFree", { count: portCounts.free })}</span>{" "}
            <span className="badge badge--used">{tr("inventory.ports.countUsed", { count: portCounts.used })}</span>{" "}
            <span className="badge badge--maintenance">{tr("inventory.ports.countMaintenance", { count: portCounts.maintenance })}</span>
          </span>
        </div>
        {d.ports.length === 0 ? (
          <p className="muted">
            {tr("inventory.ports.empty")} <Link to={`/ops/sites/${site.code}/inventory#ports`}>{tr("inventory.ports.addLink")}</Link>
          </p>
        ) : (
          [...new Set(d.ports.map((p) => p.roomName))].map((roomName) => (
            <div key={roomName} className="port-room">
              <h3 className="port-room-name">{roomName}</h3>
              <ul className="port-grid">
                {d.ports
                  .filter((p) => p.roomName === roomName)
                  .map((p) => {
                    const state = tr(`inventory.portState.${p.state}`);
                    return (
                      <li
                        key={p.id}
                        className={`port-chip port-chip--${p.state}`}
                        title={`${p.name} · ${tr(`inventory.media.${p.media}`)} · ${state}${p.tenant ? ` · ${p.tenant}` : ""}`}
                      >
                        <span className="visually-hidden">
                          {tr("inventory.ports.chipLabel", { name: p.name, media: tr(`inventory.media.${p.media}`), state })}
                          {p.tenant ? `, ${p.tenant}` : ""}
                        </span>
                        <span aria-hidden="true" className="port-chip-head">
                          <span className="mono port-chip-name">{p.name}</span>
                          <span className="port-chip-media">{tr(`inventory.mediaShort.${p.media}`)}</span>
                        </span>
                        <span aria-hidden="true" className="port-chip-state">
                          {p.tenant ?? state}
                        </span>
                      </li>
                    );
                  })}
              </ul>
            </div>
          ))
        )}
      </section>
    </>
  );
}
