import { Form } from "@remix-run/react";
import type { FieldErrors } from "~/utils/forms";
import type { MessageKey } from "~/i18n";
import { Alert, Field, FormErrors } from "./forms";
import { StatusBadge } from "./shell";
import { useFormat, useT } from "./i18n";

/** What the organisation page's pause/resume forms answer (`intent` reminders_pause | reminders_resume). */
export type RemindersActionData = { intent: string; errors?: FieldErrors; formError?: MessageKey; notice?: MessageKey };

export interface OrgRemindersView {
  paused: { reason: string; pausedAt: string; pausedBy: string | null } | null;
  history: { id: string; reason: string; pausedAt: string; resumedAt: string | null }[];
  canManage: boolean;
}

/**
 * The payment-reminders block of the operator organisation page: active or paused (since when, by
 * whom, why), the form to pause with a reason or to resume (`billing:manage`), the earlier pauses.
 */
export function OrgRemindersSection({ view, data }: { view: OrgRemindersView; data?: RemindersActionData }) {
  const tr = useT();
  const format = useFormat();
  const mine = data?.intent === "reminders_pause" || data?.intent === "reminders_resume" ? data : undefined;
  return (
    <section className="card" aria-labelledby="reminders-title">
      <div className="page-head">
        <h2 id="reminders-title">{tr("reminders.org.title")}</h2>
        <StatusBadge status={view.paused ? "pending" : "active"} label={tr(view.paused ? "reminders.status.paused" : "reminders.status.active")} />
      </div>
      {mine?.notice ? <Alert kind="success">{tr(mine.notice)}</Alert> : null}
      <FormErrors formError={mine?.formError} errors={mine?.errors} />
      {view.paused ? (
        <>
          <p>{tr("reminders.org.paused", { date: format.dateTime(view.paused.pausedAt), by: view.paused.pausedBy ?? tr("reminders.org.unknownUser") })}</p>
          <p>{tr("reminders.org.reasonLine", { reason: view.paused.reason })}</p>
          {view.canManage ? (
            <Form method="post">
              <input type="hidden" name="intent" value="reminders_resume" />
              <p className="hint">{tr("reminders.org.resumeHint")}</p>
              <button className="btn">{tr("reminders.org.resume")}</button>
            </Form>
          ) : null}
        </>
      ) : (
        <>
          <p className="muted">{tr("reminders.org.active")}</p>
          {view.canManage ? (
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="reminders_pause" />
              <Field name="reason" label={tr("reminders.org.reason")} hint={tr("reminders.org.reasonHint")} errors={mine?.errors} maxLength={500} required />
              <button className="btn btn--secondary">{tr("reminders.org.pause")}</button>
            </Form>
          ) : null}
        </>
      )}
      {!view.canManage ? <p className="hint">{tr("reminders.org.readOnly")}</p> : null}
      {view.history.length ? (
        <>
          <h3>{tr("reminders.org.history")}</h3>
          <ul className="small">
            {view.history.map((h) => (
              <li key={h.id}>{tr("reminders.org.historyLine", { from: format.date(h.pausedAt.slice(0, 10)), to: h.resumedAt ? format.date(h.resumedAt.slice(0, 10)) : "—", reason: h.reason })}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
