/**
 * The remote-hands pieces both areas' pages show (tenant and operators): the status badge, the list
 * table, the service level, time and amount, and the timeline. Browser-safe: no server import.
 */
import { Link } from "@remix-run/react";
import type { RemoteHandsEventKind, RemoteHandsKind, RemoteHandsStatus, RemoteHandsUrgency } from "#db/schema";
import { StatusBadge } from "~/components/shell";
import { useFormat, useT } from "~/components/i18n";

const PREWRAP = { whiteSpace: "pre-wrap", overflowWrap: "anywhere" } as const;

const BADGE: Record<RemoteHandsStatus, string> = { open: "pending", taken: "upcoming", closed: "applied", cancelled: "cancelled" };

export function TicketBadge({ status }: { status: RemoteHandsStatus }) {
  const tr = useT();
  return <StatusBadge status={BADGE[status]} label={tr(`remotehands.status.${status}`)} />;
}

export function UrgentBadge({ urgency }: { urgency: RemoteHandsUrgency }) {
  const tr = useT();
  return urgency === "urgent" ? <StatusBadge status="suspended" label={tr("remotehands.flag.urgent")} /> : null;
}

interface ServiceLevelView {
  waitedMinutes: number | null;
  met?: boolean;
  targetMinutes: number;
}

/** "1 h 05" or "45 min": a duration in minutes, short. */
export function useDuration() {
  const tr = useT();
  const format = useFormat();
  return (minutes: number) => {
    if (minutes < 60) return tr("remotehands.minutes", { count: minutes });
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return `${format.number(h)} h${m ? ` ${String(m).padStart(2, "0")}` : ""}`;
  };
}

export function ServiceLevelBadge({ sl }: { sl: ServiceLevelView }) {
  const tr = useT();
  if (sl.waitedMinutes === null) return <span className="muted">{tr("remotehands.sl.none")}</span>;
  if (sl.met === true) return <StatusBadge status="active" label={tr("remotehands.sl.met")} />;
  if (sl.met === false) return <StatusBadge status="rejected" label={tr("remotehands.sl.missed")} />;
  return <StatusBadge status="upcoming" label={tr("remotehands.sl.pending")} />;
}

export interface TicketListItem {
  id: string;
  ref: string;
  kind: RemoteHandsKind;
  urgency: RemoteHandsUrgency;
  status: RemoteHandsStatus;
  site_code: string;
  org_name: string;
  opened_at: string;
  time_zone: string;
  serviceLevel: ServiceLevelView;
}

/** A table of tickets, each row linking to its page under `base`. */
export function TicketTable({ tickets, base, showOrg = false, caption }: { tickets: TicketListItem[]; base: string; showOrg?: boolean; caption: string }) {
  const tr = useT();
  const format = useFormat();
  const duration = useDuration();
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{tr("remotehands.col.ref")}</th>
            <th scope="col">{tr("remotehands.col.kind")}</th>
            {showOrg ? <th scope="col">{tr("remotehands.col.org")}</th> : null}
            <th scope="col">{tr("remotehands.col.status")}</th>
            <th scope="col" className="hide-sm">
              {tr("remotehands.col.opened")}
            </th>
            <th scope="col" className="hide-sm">
              {tr("remotehands.col.waited")}
            </th>
          </tr>
        </thead>
        <tbody>
          {tickets.map((t) => (
            <tr key={t.id}>
              <td className="nowrap">
                <Link to={`${base}/${t.id}`} className="mono">
                  {t.ref}
                </Link>{" "}
                <span className="badge badge--site">{t.site_code}</span>
              </td>
              <td>
                {tr(`remotehands.kind.${t.kind}`)} <UrgentBadge urgency={t.urgency} />
              </td>
              {showOrg ? <td>{t.org_name}</td> : null}
              <td>
                <TicketBadge status={t.status} />
              </td>
              <td className="hide-sm nowrap">{format.dateTime(t.opened_at, t.time_zone)}</td>
              <td className="hide-sm nowrap">
                {t.serviceLevel.waitedMinutes === null ? "—" : duration(t.serviceLevel.waitedMinutes)} <ServiceLevelBadge sl={t.serviceLevel} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface TicketView {
  ref: string;
  kind: RemoteHandsKind;
  urgency: RemoteHandsUrgency;
  status: RemoteHandsStatus;
  description: string;
  result: string | null;
  opened_at: string;
  opened_by_name: string | null;
  time_zone: string;
  currency: string;
  increment_min: number;
  site_code: string;
  site_name: string;
  serviceLevel: ServiceLevelView;
  billing: { logged: number; billed: number; unitPriceMinor: number | null; amountMinor: number | null; chargedOn: string | null; final: boolean };
  racks: { id: string; rack_name: string; room_name: string; first_u: number; last_u: number }[];
  events: { id: string; kind: RemoteHandsEventKind; body: string | null; minutes: number | null; at: string; author_name: string | null }[];
  attachments: { id: string; file_name: string; content_type: string; size_bytes: number }[];
}

/** Description, racks, attachment and timeline: the body of a ticket's page. */
export function TicketBody({ ticket, attachmentBase }: { ticket: TicketView; attachmentBase: string }) {
  const tr = useT();
  const format = useFormat();
  return (
    <>
      <section className="card" aria-labelledby="rh-description">
        <h2 id="rh-description">{tr("remotehands.detail.description")}</h2>
        <p className="muted small">
          {tr(`remotehands.kind.${ticket.kind}`)} ·{" "}
          {tr("remotehands.detail.openedBy", { name: ticket.opened_by_name ?? "—", date: format.dateTime(ticket.opened_at, ticket.time_zone) })}
        </p>
        <p style={PREWRAP}>{ticket.description}</p>
        <h3>{tr("remotehands.detail.racks")}</h3>
        <ul className="list">
          {ticket.racks.map((r) => (
            <li key={r.id}>{tr("remotehands.new.allocation", { rack: r.rack_name, room: r.room_name, first: r.first_u, last: r.last_u })}</li>
          ))}
        </ul>
        {ticket.attachments.length ? (
          <>
            <h3>{tr("remotehands.detail.attachments")}</h3>
            <ul className="list">
              {ticket.attachments.map((a) => (
                <li key={a.id}>
                  <a href={`${attachmentBase}/${a.id}`}>
                    {tr("remotehands.detail.download", { name: a.file_name, size: format.number(Math.max(1, Math.round(a.size_bytes / 1024)), { style: "unit", unit: "kilobyte" }) })}
                  </a>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {ticket.result ? (
          <>
            <h3>{tr("remotehands.detail.result")}</h3>
            <p style={PREWRAP}>{ticket.result}</p>
          </>
        ) : null}
      </section>
      <section className="card" aria-labelledby="rh-timeline">
        <h2 id="rh-timeline">{tr("remotehands.detail.timeline")}</h2>
        <ol className="list">
          {ticket.events.map((e) => (
            <li key={e.id}>
              <div>
                <strong>{e.kind === "time" ? tr("remotehands.event.time", { minutes: tr("remotehands.minutes", { count: e.minutes ?? 0 }) }) : tr(`remotehands.event.${e.kind}`)}</strong>{" "}
                <span className="muted small">
                  {format.dateTime(e.at, ticket.time_zone)}
                  {e.author_name ? ` · ${tr("remotehands.event.by", { name: e.author_name })}` : ""}
                </span>
                {e.body && e.kind === "update" ? <p style={PREWRAP}>{e.body}</p> : null}
              </div>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

/** Service level and time/amount, for the page's side column. */
export function TicketFacts({ ticket }: { ticket: TicketView }) {
  const tr = useT();
  const format = useFormat();
  const duration = useDuration();
  const sl = ticket.serviceLevel;
  const b = ticket.billing;
  return (
    <>
      <section className="card" aria-labelledby="rh-sl">
        <h2 id="rh-sl">{tr("remotehands.sl.title")}</h2>
        <p>
          <ServiceLevelBadge sl={sl} />
        </p>
        <dl className="facts">
          <dt>{tr("remotehands.sl.targetLabel")}</dt>
          <dd>{duration(sl.targetMinutes)}</dd>
          {sl.waitedMinutes !== null ? (
            <>
              <dt>{tr("remotehands.col.waited")}</dt>
              <dd>{duration(sl.waitedMinutes)}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section className="card" aria-labelledby="rh-billing">
        <h2 id="rh-billing">{tr("remotehands.billing.title")}</h2>
        <dl className="facts">
          <dt>{tr("remotehands.billing.logged")}</dt>
          <dd data-testid="rh-logged">{tr("remotehands.minutes", { count: b.logged })}</dd>
          <dt>{tr("remotehands.billing.billed")}</dt>
          <dd data-testid="rh-billed">{tr("remotehands.minutes", { count: b.billed })}</dd>
          <dt>{tr("remotehands.billing.unitPrice")}</dt>
          <dd data-testid="rh-unit">{b.unitPriceMinor === null ? tr("remotehands.billing.noPrice") : tr("remotehands.perHour", { price: format.money(b.unitPriceMinor, ticket.currency) })}</dd>
          <dt>{tr("remotehands.billing.amount")}</dt>
          <dd data-testid="rh-amount">{b.amountMinor === null ? "—" : format.money(b.amountMinor, ticket.currency)}</dd>
        </dl>
        <p className="hint">
          {b.final
            ? b.chargedOn
              ? `${tr("remotehands.billing.chargedOn", { date: format.date(b.chargedOn) })}. ${tr("remotehands.billing.rounding", { increment: tr("remotehands.minutes", { count: ticket.increment_min }) })}`
              : tr("remotehands.billing.none")
            : tr("remotehands.billing.estimate", { increment: tr("remotehands.minutes", { count: ticket.increment_min }) })}
        </p>
      </section>
    </>
  );
}
