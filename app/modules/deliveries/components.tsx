/** The deliveries' UI pieces shared by the tenant and operator pages (badge, table, facts, timeline). */
import { Link } from "@remix-run/react";
import type { DeliveryCondition, DeliveryStatus } from "#db/schema";
import { StatusBadge } from "~/components/shell";
import { useFormat, useT } from "~/components/i18n";

const BADGE: Record<DeliveryStatus, string> = {
  announced: "upcoming",
  received: "pending",
  stored: "pending",
  delivered: "active",
  collected: "active",
  cancelled: "cancelled",
};

export function DeliveryBadge({ status }: { status: DeliveryStatus }) {
  const tr = useT();
  return <StatusBadge status={BADGE[status]} label={tr(`deliveries.status.${status}`)} />;
}

export function KeptTooLongBadge() {
  const tr = useT();
  return <StatusBadge status="rejected" label={tr("deliveries.flag.keptTooLong")} />;
}

export interface DeliveryListItem {
  id: string;
  ref: string;
  status: DeliveryStatus;
  carrier: string;
  tracking_number: string;
  parcels_announced: number;
  parcels_received: number | null;
  expected_on: string;
  site_code: string;
  org_name: string;
  rack_name: string | null;
  flagged: boolean;
  daysAtSite: number | null;
}

/** A table of deliveries, each row linking to its page under `base`. */
export function DeliveryTable({ deliveries, base, showOrg = false }: { deliveries: DeliveryListItem[]; base: string; showOrg?: boolean }) {
  const tr = useT();
  const format = useFormat();
  return (
    <div className="table-scroll">
      <table className="table">
        <thead>
          <tr>
            <th>{tr("deliveries.col.ref")}</th>
            {showOrg ? <th>{tr("deliveries.col.org")}</th> : null}
            <th>{tr("deliveries.col.shipment")}</th>
            <th className="hide-sm">{tr("deliveries.col.expected")}</th>
            <th className="num">{tr("deliveries.col.parcels")}</th>
            <th>{tr("deliveries.col.status")}</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id}>
              <td className="nowrap">
                <Link to={`${base}/${d.id}`} className="mono">
                  {d.ref}
                </Link>{" "}
                <span className="badge badge--site">{d.site_code}</span>
              </td>
              {showOrg ? <td>{d.org_name}</td> : null}
              <td>
                {d.carrier} · <span className="mono">{d.tracking_number}</span>
                {d.rack_name ? <span className="muted small"> · {d.rack_name}</span> : null}
              </td>
              <td className="hide-sm nowrap">{format.date(d.expected_on)}</td>
              <td className="num">{d.parcels_received ?? d.parcels_announced}</td>
              <td>
                <DeliveryBadge status={d.status} />
                {d.flagged ? (
                  <>
                    {" "}
                    <KeptTooLongBadge />
                  </>
                ) : null}
                {d.daysAtSite !== null ? <div className="muted small">{tr("deliveries.flag.keptDays", { days: d.daysAtSite })}</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface DeliveryDetailsModel extends DeliveryListItem {
  purpose: string;
  site_name: string;
  time_zone: string;
  condition: DeliveryCondition | null;
  damage_note: string | null;
  storage_location: string | null;
  parcel_keep_days: number;
  keepUntil: string | null;
  events: { kind: string; at: string; by_name: string | null; operator_role?: string | null; recorded?: boolean }[];
}

/** The facts of one delivery and its timeline. */
export function DeliveryDetails({ delivery: d }: { delivery: DeliveryDetailsModel }) {
  const tr = useT();
  const format = useFormat();
  return (
    <>
      {d.flagged ? (
        <div className="alert alert--warning" role="status">
          {tr("deliveries.detail.keptTooLong", { days: d.parcel_keep_days })}
        </div>
      ) : null}
      <section className="card" aria-labelledby="delivery-facts">
        <h2 id="delivery-facts">{tr("deliveries.detail.shipment")}</h2>
        <dl className="facts">
          <dt>{tr("deliveries.detail.carrier")}</dt>
          <dd>{d.carrier}</dd>
          <dt>{tr("deliveries.detail.tracking")}</dt>
          <dd className="mono">{d.tracking_number}</dd>
          <dt>{tr("deliveries.detail.parcels")}</dt>
          <dd>{tr("deliveries.parcels", { count: d.parcels_announced })}</dd>
          <dt>{tr("deliveries.detail.expectedOn")}</dt>
          <dd>{format.date(d.expected_on)}</dd>
          <dt>{tr("deliveries.detail.rack")}</dt>
          <dd>{d.rack_name ?? tr("deliveries.detail.noRack")}</dd>
          <dt>{tr("deliveries.detail.purpose")}</dt>
          <dd>{d.purpose}</dd>
          {d.parcels_received !== null ? (
            <>
              <dt>{tr("deliveries.detail.parcelsReceived")}</dt>
              <dd>{tr("deliveries.parcelsOf", { received: d.parcels_received, announced: d.parcels_announced })}</dd>
              <dt>{tr("deliveries.detail.condition")}</dt>
              <dd>
                {d.condition ? tr(`deliveries.condition.${d.condition}`) : null}
                {d.damage_note ? <> — {d.damage_note}</> : null}
              </dd>
            </>
          ) : null}
          {d.storage_location ? (
            <>
              <dt>{tr("deliveries.detail.storage")}</dt>
              <dd>{d.storage_location}</dd>
            </>
          ) : null}
        </dl>
        {d.daysAtSite !== null && d.keepUntil ? (
          <p className="small">
            {tr("deliveries.flag.keptDays", { days: d.daysAtSite })} · {tr("deliveries.flag.keepUntil", { date: format.date(d.keepUntil) })}
          </p>
        ) : null}
      </section>
      <section className="card" aria-labelledby="delivery-timeline">
        <h2 id="delivery-timeline">{tr("deliveries.timeline.title")}</h2>
        <ol className="list" data-testid="delivery-timeline">
          {d.events.map((e) => (
            <li key={e.kind}>
              <span>
                {e.kind === "announced" && (e.recorded || e.operator_role) ? tr("deliveries.timeline.recorded") : tr(`deliveries.timeline.${e.kind as DeliveryStatus}`)}
                {e.by_name ? <span className="muted small"> {tr("deliveries.timeline.by", { name: e.by_name })}</span> : null}
              </span>
              <span className="muted small">{format.dateTime(e.at, d.time_zone)}</span>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
