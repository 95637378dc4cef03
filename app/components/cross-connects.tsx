import { Link } from "@remix-run/react";
import type { CrossConnectStatus } from "#db/schema";
import { StatusBadge } from "./shell";
import { useFormat, useT } from "./i18n";

/** The badge colour of each state, from the shared badge styles. */
const BADGE: Record<CrossConnectStatus, string> = {
  pending_acceptance: "pending",
  ordered: "upcoming",
  installed: "active",
  removal_requested: "pending",
  removed: "terminated",
  rejected: "rejected",
  cancelled: "cancelled",
};

export function CrossConnectBadge({ status }: { status: CrossConnectStatus }) {
  const tr = useT();
  return <StatusBadge status={BADGE[status]} label={tr(`crossconnects.status.${status}`)} />;
}

export interface CrossConnectListItem {
  id: string;
  ref: string;
  status: CrossConnectStatus;
  media: "smf" | "mmf" | "cat6";
  z_kind: "carrier" | "tenant";
  a_org_name: string;
  z_name: string;
  site_code: string;
  a_position: string;
  z_position: string | null;
  installed_on: string | null;
  removed_on: string | null;
  requested_at: string;
  side?: "a" | "z";
}

/** A table of orders, each row linking to its page under `base` (`/app/cross-connects` or `/ops/cross-connects`). */
export function CrossConnectTable({ orders, base, showParties = false }: { orders: CrossConnectListItem[]; base: string; showParties?: boolean }) {
  const tr = useT();
  const format = useFormat();
  return (
    <div className="table-scroll">
      <table className="table">
        <thead>
          <tr>
            <th>{tr("crossconnects.col.ref")}</th>
            <th>{tr("crossconnects.col.link")}</th>
            <th className="hide-sm">{tr("crossconnects.col.media")}</th>
            <th>{tr("crossconnects.col.status")}</th>
            <th className="hide-sm">{tr("crossconnects.col.since")}</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => (
            <tr key={o.id}>
              <td className="nowrap">
                <Link to={`${base}/${o.id}`} className="mono">
                  {o.ref}
                </Link>{" "}
                <span className="badge badge--site">{o.site_code}</span>
              </td>
              <td>
                {showParties || !o.side ? (
                  <>
                    <strong>{o.a_org_name}</strong> → {o.z_name}
                  </>
                ) : o.side === "a" ? (
                  tr("crossconnects.side.toZ", { z: o.z_name })
                ) : (
                  tr("crossconnects.side.fromA", { a: o.a_org_name })
                )}
                <div className="muted small">{tr(`crossconnects.kind.${o.z_kind}`)}</div>
              </td>
              <td className="hide-sm">{tr(`crossconnects.media.${o.media}`)}</td>
              <td>
                <CrossConnectBadge status={o.status} />
              </td>
              <td className="hide-sm nowrap">
                {o.removed_on ? tr("crossconnects.removedOn", { date: format.date(o.removed_on) }) : o.installed_on ? tr("crossconnects.installedOn", { date: format.date(o.installed_on) }) : format.date(o.requested_at)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The operators' queue block: cross-connect orders waiting for someone, with their kind, oldest first. */
export function CrossConnectQueue({ orders }: { orders: CrossConnectListItem[] }) {
  const tr = useT();
  return (
    <section className="card" aria-labelledby="cross-connects-title">
      <h2 id="cross-connects-title">{tr("crossconnects.queue.title", { count: orders.length })}</h2>
      {orders.length === 0 ? <p className="muted">{tr("crossconnects.ops.empty")}</p> : <CrossConnectTable orders={orders} base="/ops/cross-connects" showParties />}
      <p className="small">
        <Link to="/ops/cross-connects?status=all">{tr("crossconnects.queue.all")}</Link>
      </p>
    </section>
  );
}
