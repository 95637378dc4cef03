import { Fragment } from "react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { runRemindersNow, saveSchedule } from "~/modules/payments/reminders.server";
import { ScheduleForm, remindersPageView } from "~/modules/payments/reminders-forms.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransaction } from "~/utils/db.server";
import { Alert, FormErrors } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { usePollWhile } from "~/components/billing-job";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/**
 * /ops/billing/reminders (`billing:manage`): the reminder schedules per site and kind of
 * organisation (editable), the last daily runs with their counts, "run now" for today, and the
 * organisations whose reminders are paused. The page reloads while a run is queued or running.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  return json(await remindersPageView(await getDb()));
}

type ActionData = {
  intent: "schedule" | "run";
  /** Which schedule form the answer is about: `SITE:kind`. */
  form?: string;
  errors?: FieldErrors;
  formError?: MessageKey;
  values?: { offsets: string };
  notice?: MessageKey;
  noticeVars?: Record<string, string>;
};

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "billing:manage");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const formData = await readForm(request);
  const intent = formData.get("intent");

  if (intent === "schedule") {
    const values = formDataObject(formData);
    const form = `${(values.site ?? "").slice(0, 10)}:${(values.kind ?? "").slice(0, 10)}`;
    const shown = { offsets: (values.offsets ?? "").slice(0, 200) };
    const parsed = parseForm(ScheduleForm, formData);
    if (!parsed.ok) return json<ActionData>({ intent, form, errors: parsed.errors, values: shown }, { status: 400 });
    const result = await inTransaction((trx) => saveSchedule(trx, { siteCode: parsed.data.site, orgKind: parsed.data.kind, offsets: parsed.data.offsets, actor }));
    if (!result.ok) return json<ActionData>({ intent, form, errors: { offsets: "reminders.error.site" }, values: shown }, { status: 404 });
    return json<ActionData>({ intent, form, notice: result.changed ? "reminders.saved" : "reminders.unchanged", noticeVars: { site: parsed.data.site, kind: parsed.data.kind } });
  }

  if (intent === "run") {
    const { job, created } = await inTransaction((trx) => runRemindersNow(trx, { actor }));
    return json<ActionData>({ intent, notice: created || job.status === "queued" ? "reminders.runs.started" : "reminders.runs.already" });
  }

  return json<ActionData>({ intent: "schedule", formError: "error.invalid" }, { status: 400 });
}

const STATUS_BADGE = { queued: "pending", running: "upcoming", done: "active", failed: "failed" } as const;

export default function Reminders() {
  const { schedules, runs, paused } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const busy = navigation.state === "submitting";
  usePollWhile(runs.some((r) => r.status === "queued" || r.status === "running"));
  const step = (n: number) => (n === 0 ? tr("reminders.stepOn") : tr(n < 0 ? "reminders.stepBefore" : "reminders.stepAfter", { n: Math.abs(n) }));
  const steps = (offsets: number[]) => (offsets.length ? offsets.map(step).join(" · ") : tr("reminders.noSteps"));

  return (
    <>
      <div className="page-head">
        <div>
          <h2>{tr("reminders.title")}</h2>
          <p className="muted">{tr("reminders.lead")}</p>
        </div>
      </div>
      {data?.intent === "run" && data.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}

      <section className="card" aria-labelledby="schedules-title">
        <h2 id="schedules-title">{tr("reminders.schedules.title")}</h2>
        <p className="hint">{tr("reminders.schedules.intro")}</p>
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th>{tr("common.site")}</th>
                <th>{tr("field.orgKind")}</th>
                <th>{tr("reminders.field.offsets")}</th>
              </tr>
            </thead>
            <tbody>
              {schedules.flatMap((s) =>
                (["sme", "agency"] as const).map((kind) => {
                  const key = `${s.siteCode}:${kind}`;
                  const mine = data?.intent === "schedule" && data.form === key ? data : undefined;
                  const offsets = kind === "sme" ? s.sme : s.agency;
                  return (
                    <tr key={key}>
                      <td className="nowrap">
                        <strong>{s.siteCode}</strong>
                        <div className="small muted">{tr("reminders.schedules.siteToday", { date: format.date(s.today) })}</div>
                      </td>
                      <td className="nowrap">
                        {tr(`orgKind.${kind}`)}
                        <div className="small muted">{steps(offsets)}</div>
                      </td>
                      <td>
                        {mine?.notice ? <Alert kind="success">{tr(mine.notice, mine.noticeVars)}</Alert> : null}
                        <FormErrors formError={mine?.formError} />
                        <Form method="post" noValidate className="stack-h" key={`${key}:${offsets.join(",")}`}>
                          <input type="hidden" name="intent" value="schedule" />
                          <input type="hidden" name="site" value={s.siteCode} />
                          <input type="hidden" name="kind" value={kind} />
                          <div className={`field${mine?.errors?.offsets ? " field--error" : ""}`}>
                            <label htmlFor={`offsets-${key}`} className="visually-hidden">
                              {tr("reminders.field.offsets")} ({s.siteCode}, {tr(`orgKind.${kind}`)})
                            </label>
                            <input
                              id={`offsets-${key}`}
                              name="offsets"
                              defaultValue={mine?.values?.offsets ?? offsets.join(", ")}
                              maxLength={200}
                              inputMode="text"
                              aria-invalid={mine?.errors?.offsets ? true : undefined}
                              aria-describedby={`offsets-${key}-hint`}
                            />
                            <p className={mine?.errors?.offsets ? "field-error" : "hint"} id={`offsets-${key}-hint`} role={mine?.errors?.offsets ? "alert" : undefined}>
                              {tr(mine?.errors?.offsets ?? "reminders.field.offsetsHint")}
                            </p>
                          </div>
                          <button className="btn btn--secondary" disabled={busy}>
                            {tr("reminders.save")}
                          </button>
                        </Form>
                      </td>
                    </tr>
                  );
                }),
              )}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="runs-title">
        <div className="page-head">
          <h2 id="runs-title">{tr("reminders.runs.title")}</h2>
          <Form method="post">
            <input type="hidden" name="intent" value="run" />
            <button className="btn" disabled={busy}>
              {tr("reminders.runs.runNow")}
            </button>
          </Form>
        </div>
        <p className="hint">{tr("reminders.runs.intro")}</p>
        <p className="hint">{tr("reminders.overdueNote")}</p>
        {runs.length === 0 ? (
          <p className="muted">{tr("reminders.runs.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table table--compact">
              <thead>
                <tr>
                  <th>{tr("reminders.runs.col.day")}</th>
                  <th>{tr("reminders.runs.col.status")}</th>
                  <th>{tr("reminders.runs.col.finished")}</th>
                  <th className="num">{tr("reminders.runs.col.sent")}</th>
                  <th className="num">{tr("reminders.runs.col.emails")}</th>
                  <th className="num">{tr("reminders.runs.col.skipped")}</th>
                  <th className="num">{tr("reminders.runs.col.paused")}</th>
                  <th className="num">{tr("reminders.runs.col.overdue")}</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => {
                  const bySite = r.result?.sites.filter((s) => s.sent > 0 || s.overdue > 0 || s.paused > 0) ?? [];
                  return (
                    <Fragment key={r.id}>
                      <tr>
                        <td className="nowrap">{format.date(r.key.slice(-10))}</td>
                        <td>
                          <StatusBadge status={STATUS_BADGE[r.status]} label={tr(`reminders.status.${r.status}`)} />
                          {r.error ? <div className="small muted">{r.error.slice(0, 200)}</div> : null}
                        </td>
                        <td className="nowrap small">{r.finishedAt ? format.dateTime(r.finishedAt) : "—"}</td>
                        <td className="num">{r.result ? format.number(r.result.sent) : "—"}</td>
                        <td className="num">{r.result ? format.number(r.result.emails) : "—"}</td>
                        <td className="num">{r.result ? format.number(r.result.skipped) : "—"}</td>
                        <td className="num">{r.result ? format.number(r.result.paused) : "—"}</td>
                        <td className="num">{r.result ? format.number(r.result.overdue) : "—"}</td>
                      </tr>
                      {bySite.length ? (
                        <tr>
                          <td colSpan={8} className="small muted">
                            {bySite.map((s) => tr("reminders.runs.bySite", { site: s.site, date: format.date(s.today), sent: format.number(s.sent), overdue: format.number(s.overdue) })).join(" · ")}
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="paused-title">
        <h2 id="paused-title">{tr("reminders.paused.title")}</h2>
        {paused.length === 0 ? (
          <p className="muted">{tr("reminders.paused.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table table--compact">
              <thead>
                <tr>
                  <th>{tr("reminders.paused.col.org")}</th>
                  <th>{tr("reminders.paused.col.reason")}</th>
                  <th>{tr("reminders.paused.col.since")}</th>
                  <th>{tr("reminders.paused.col.by")}</th>
                </tr>
              </thead>
              <tbody>
                {paused.map((p) => (
                  <tr key={p.orgId}>
                    <td>
                      <Link to={`/ops/organisations/${p.orgId}`}>{p.name}</Link>
                      <div className="small muted">{tr(`orgKind.${p.kind}`)}</div>
                    </td>
                    <td>{p.reason}</td>
                    <td className="nowrap">{format.dateTime(p.pausedAt)}</td>
                    <td className="small">{p.pausedBy ?? tr("reminders.org.unknownUser")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
