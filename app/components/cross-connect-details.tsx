import type { FieldErrors } from "~/utils/forms";
import { useFormat, useT } from "./i18n";

interface Port {
  name: string;
  room_name: string;
  start_on: string;
  end_on: string | null;
}

export interface CrossConnectDetailsModel {
  ref: string;
  status: string;
  z_kind: "carrier" | "tenant";
  media: "smf" | "mmf" | "cat6";
  a_org_name: string;
  z_name: string;
  a_position: string;
  z_position: string | null;
  notes: string | null;
  contract_id: string;
  z_contract_id: string | null;
  monthly_price_minor: number;
  setup_fee_minor: number;
  currency: string;
  requested_at: string;
  accepted_at: string | null;
  rejected_side: "z" | "operator" | null;
  rejected_at: string | null;
  rejection_reason: string | null;
  cancelled_at: string | null;
  ports_assigned_on: string | null;
  installed_on: string | null;
  test_result: string | null;
  removal_requested_side: "a" | "z" | null;
  removal_requested_at: string | null;
  removed_on: string | null;
  time_zone: string;
  aPort: Port | null;
  zPort: Port | null;
}

/** The facts of one order (parties, positions, ports, price, history), for tenants and operators alike. */
export function CrossConnectDetails({ order }: { order: CrossConnectDetailsModel }) {
  const tr = useT();
  const format = useFormat();
  const ref = (id: string | null) => (id ? id.slice(0, 8).toUpperCase() : tr("common.none"));
  const port = (p: Port | null) => (p ? `${p.name} · ${p.room_name}` : tr("crossconnects.detail.portPending"));
  const history: { at: string; label: string }[] = [
    { at: format.dateTime(order.requested_at, order.time_zone), label: tr("crossconnects.history.ordered") },
    ...(order.accepted_at ? [{ at: format.dateTime(order.accepted_at, order.time_zone), label: tr("crossconnects.history.accepted", { z: order.z_name }) }] : []),
    ...(order.ports_assigned_on ? [{ at: format.date(order.ports_assigned_on), label: tr("crossconnects.history.portsAssigned") }] : []),
    ...(order.installed_on ? [{ at: format.date(order.installed_on), label: tr("crossconnects.history.installed") }] : []),
    ...(order.removal_requested_at
      ? [{ at: format.dateTime(order.removal_requested_at, order.time_zone), label: tr(order.removal_requested_side === "z" ? "crossconnects.history.removalRequestedZ" : "crossconnects.history.removalRequestedA") }]
      : []),
    ...(order.removed_on ? [{ at: format.date(order.removed_on), label: tr("crossconnects.history.removed") }] : []),
    ...(order.rejected_at ? [{ at: format.dateTime(order.rejected_at, order.time_zone), label: tr(order.rejected_side === "z" ? "crossconnects.history.declined" : "crossconnects.history.rejected") }] : []),
    ...(order.cancelled_at ? [{ at: format.dateTime(order.cancelled_at, order.time_zone), label: tr("crossconnects.history.cancelled") }] : []),
  ];
  return (
    <>
      <section className="card">
        <h2>{tr("crossconnects.detail.link")}</h2>
        <dl className="facts">
          <dt>{tr("crossconnects.detail.aSide")}</dt>
          <dd>
            <strong>{order.a_org_name}</strong> · {tr("crossconnects.detail.contract", { ref: ref(order.contract_id) })}
          </dd>
          <dt>{tr("crossconnects.detail.aPosition")}</dt>
          <dd className="mono">{order.a_position}</dd>
          <dt>{tr("crossconnects.detail.aPort")}</dt>
          <dd>{port(order.aPort)}</dd>
          <dt>{tr("crossconnects.detail.zSide")}</dt>
          <dd>
            <strong>{order.z_name}</strong> · {tr(`crossconnects.kind.${order.z_kind}`)}
            {order.z_contract_id ? <> · {tr("crossconnects.detail.contract", { ref: ref(order.z_contract_id) })}</> : null}
          </dd>
          <dt>{tr("crossconnects.detail.zPosition")}</dt>
          <dd className="mono">{order.z_position ?? tr("crossconnects.detail.positionPending")}</dd>
          <dt>{tr("crossconnects.detail.zPort")}</dt>
          <dd>{port(order.zPort)}</dd>
          <dt>{tr("crossconnects.col.media")}</dt>
          <dd>{tr(`crossconnects.media.${order.media}`)}</dd>
          <dt>{tr("crossconnects.detail.price")}</dt>
          <dd>
            {tr("crossconnects.order.price", { monthly: format.money(order.monthly_price_minor, order.currency), setup: format.money(order.setup_fee_minor, order.currency) })}
          </dd>
          {order.test_result ? (
            <>
              <dt>{tr("crossconnects.detail.testResult")}</dt>
              <dd>{order.test_result}</dd>
            </>
          ) : null}
        </dl>
        {order.notes ? <p className="small pre-line">{order.notes}</p> : null}
        {order.rejection_reason ? (
          <p className="small pre-line">
            <strong>{tr("crossconnects.reason")}</strong> {order.rejection_reason}
          </p>
        ) : null}
      </section>
      <section className="card">
        <h2>{tr("crossconnects.history.title")}</h2>
        <ul className="list">
          {history.map((h, i) => (
            <li key={i}>
              <span>{h.label}</span>
              <span className="muted small">{h.at}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

export function ReasonField({ errors, value, label }: { errors?: FieldErrors; value?: string; label?: string }) {
  const tr = useT();
  return (
    <div className={`field${errors?.reason ? " field--error" : ""}`}>
      <label htmlFor="f-reason">{label ?? tr("crossconnects.reason")}</label>
      <textarea id="f-reason" name="reason" rows={3} maxLength={2000} defaultValue={value ?? ""} required />
      {errors?.reason ? (
        <p className="field-error" role="alert">
          {tr(errors.reason)}
        </p>
      ) : null}
    </div>
  );
}
