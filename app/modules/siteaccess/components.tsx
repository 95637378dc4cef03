/** Site-access pieces the tenant and operator pages share (status badge, visits table, a visit's facts). */
import { Alert } from "~/components/forms";
import { Link } from "@remix-run/react";
import type { IdDocType, VisitStatus } from "#db/schema";
import { StatusBadge } from "~/components/shell";
import { useFormat, useT } from "~/components/i18n";

const BADGE: Record<VisitStatus, string> = { requested: "pending", approved: "approved", refused: "rejected", cancelled: "cancelled" };

/** A visit's state; a request whose window ended undecided reads as such (it can no longer be approved). */
export function VisitBadge({ status, over = false }: { status: VisitStatus; over?: boolean }) {
  const tr = useT();
  if (status === "requested" && over) return <StatusBadge status="cancelled" label={tr("siteaccess.status.lapsed")} />;
  return <StatusBadge status={BADGE[status]} label={tr(`siteaccess.status.${status}`)} />;
}

export function IdDoc({ type, number, masked }: { type: IdDocType; number: string | null; masked?: boolean }) {
  const tr = useT();
  return (
    <>
      {tr(`siteaccess.doc.${type}`)}{" "}
      {number === null ? (
        <span className="muted">({tr("siteaccess.id.purged")})</span>
      ) : (
        <span className="mono" aria-label={masked ? `${number} (${tr("siteaccess.id.masked")})` : undefined}>
          {number}
        </span>
      )}
    </>
  );
}

export interface VisitListItem {
  id: string;
  ref: string;
  status: VisitStatus;
  visitor_name: string;
  company: string;
  org_name: string;
  site_code: string;
  visit_on: string;
  window_start: string;
  window_end: string;
  today: boolean;
  /** The window has ended. */
  over: boolean;
  racks: { name: string }[];
}

/** A table of visits, each linking to its page under `base` (`/app/desk/visits` or `/ops/desk/visits`). */
export function VisitTable({ visits, base, showOrg = false }: { visits: VisitListItem[]; base: string; showOrg?: boolean }) {
  const tr = useT();
  const format = useFormat();
  return (
    <div className="table-scroll">
      <table className="table">
        <thead>
          <tr>
            <th>{tr("siteaccess.col.day")}</th>
            <th>{tr("siteaccess.col.visitor")}</th>
            {showOrg ? <th>{tr("siteaccess.col.org")}</th> : <th>{tr("siteaccess.col.site")}</th>}
            <th className="hide-sm">{tr("siteaccess.col.racks")}</th>
            <th>{tr("siteaccess.col.status")}</th>
          </tr>
        </thead>
        <tbody>
          {visits.map((v) => (
            <tr key={v.id}>
              <td className="nowrap">
                <Link to={`${base}/${v.id}`}>{format.date(v.visit_on)}</Link>
                <br />
                <span className="muted">{tr("siteaccess.window", { start: v.window_start, end: v.window_end })}</span>
                {v.today ? (
                  <>
                    {" "}
                    <span className="badge badge--upcoming">{tr("siteaccess.flag.today")}</span>
                  </>
                ) : null}
              </td>
              <td>
                <strong>{v.visitor_name}</strong>
                <br />
                <span className="muted">{v.company}</span>
              </td>
              <td>{showOrg ? v.org_name : <span className="badge badge--site">{v.site_code}</span>}</td>
              <td className="hide-sm">{v.racks.map((r) => r.name).join(", ")}</td>
              <td>
                <VisitBadge status={v.status} over={v.over} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface VisitFactsModel extends VisitListItem {
  site_name: string;
  time_zone: string;
  id_doc_type: IdDocType;
  id_doc_number: string | null;
  idMasked: boolean;
  escort_needed: boolean;
  registered_at: string;
  registered_by_name: string | null;
  decided_at: string | null;
  refusal_reason: string | null;
  cancelled_at: string | null;
  checked_in_at: string | null;
  checked_out_at: string | null;
  racks: { name: string; room_name: string }[];
  racks_held: boolean;
}

/** The facts of one visit, for tenants and operators alike. */
export function VisitFacts({ visit, showOrg = false }: { visit: VisitFactsModel; showOrg?: boolean }) {
  const tr = useT();
  const format = useFormat();
  const when = (at: string | null) => (at ? format.dateTime(at, visit.time_zone) : tr("siteaccess.detail.notYet"));
  const released = !visit.racks_held && !visit.checked_in_at && (visit.status === "requested" || visit.status === "approved");
  return (
    <section className="card">
      {released ? <Alert kind="warning">{tr(showOrg ? "siteaccess.error.racks_released" : "siteaccess.racksReleased")}</Alert> : null}
      <dl className="facts">
        <dt>{tr("siteaccess.detail.visitor")}</dt>
        <dd>
          <strong>{visit.visitor_name}</strong>
        </dd>
        <dt>{tr("siteaccess.detail.company")}</dt>
        <dd>{visit.company}</dd>
        {showOrg ? (
          <>
            <dt>{tr("siteaccess.detail.org")}</dt>
            <dd>{visit.org_name}</dd>
          </>
        ) : null}
        <dt>{tr("siteaccess.detail.id")}</dt>
        <dd>
          <IdDoc type={visit.id_doc_type} number={visit.id_doc_number} masked={visit.idMasked} />
        </dd>
        <dt>{tr("siteaccess.detail.day")}</dt>
        <dd>{format.date(visit.visit_on)}</dd>
        <dt>{tr("siteaccess.detail.window")}</dt>
        <dd>
          {tr("siteaccess.window", { start: visit.window_start, end: visit.window_end })} <span className="muted">({tr("siteaccess.siteTime")}, {visit.time_zone})</span>
        </dd>
        <dt>{tr("siteaccess.detail.racks")}</dt>
        <dd>{visit.racks.map((r) => `${r.name} · ${r.room_name}`).join(", ")}</dd>
        <dt>{tr("siteaccess.detail.escort")}</dt>
        <dd>{visit.escort_needed ? tr("siteaccess.escort.yes") : tr("siteaccess.escort.no")}</dd>
        <dt>{tr("siteaccess.detail.registered")}</dt>
        <dd>
          {format.dateTime(visit.registered_at, visit.time_zone)}
          {visit.registered_by_name ? ` · ${visit.registered_by_name}` : ""}
        </dd>
        {visit.decided_at ? (
          <>
            <dt>{tr("siteaccess.detail.decided")}</dt>
            <dd>{format.dateTime(visit.decided_at, visit.time_zone)}</dd>
          </>
        ) : null}
        {visit.refusal_reason ? (
          <>
            <dt>{tr("siteaccess.detail.reason")}</dt>
            <dd className="pre-line">{visit.refusal_reason}</dd>
          </>
        ) : null}
        {visit.cancelled_at ? (
          <>
            <dt>{tr("siteaccess.detail.cancelled")}</dt>
            <dd>{format.dateTime(visit.cancelled_at, visit.time_zone)}</dd>
          </>
        ) : null}
        <dt>{tr("siteaccess.detail.checkedIn")}</dt>
        <dd>{when(visit.checked_in_at)}</dd>
        <dt>{tr("siteaccess.detail.checkedOut")}</dt>
        <dd>{when(visit.checked_out_at)}</dd>
      </dl>
    </section>
  );
}

/** The refusal reason's textarea, labelled, with its error. */
export function ReasonField({ error, value }: { error?: import("~/i18n").MessageKey; value?: string }) {
  const tr = useT();
  return (
    <div className={`field${error ? " field--error" : ""}`}>
      <label htmlFor="f-reason">{tr("siteaccess.field.reason")}</label>
      <textarea id="f-reason" name="reason" rows={3} maxLength={1000} defaultValue={value ?? ""} aria-invalid={error ? true : undefined} aria-describedby={error ? "f-reason-error" : "f-reason-hint"} />
      {error ? (
        <p className="field-error" id="f-reason-error" role="alert">
          {tr(error)}
        </p>
      ) : (
        <p className="hint" id="f-reason-hint">
          {tr("siteaccess.field.reasonHint")}
        </p>
      )}
    </div>
  );
}
