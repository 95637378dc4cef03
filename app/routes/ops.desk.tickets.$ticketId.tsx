import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { closeTicket, getForOperator, logTime, postUpdate, takeTicket, type Result } from "~/modules/remotehands/tickets.server";
import { CloseForm, TimeForm, UpdateForm } from "~/modules/remotehands/schemas.server";
import { billedMinutes, operatorActions } from "~/modules/remotehands/shared";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors } from "~/components/forms";
import { TicketBadge, TicketBody, TicketFacts, UrgentBadge } from "~/modules/remotehands/ui";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET/POST /ops/desk/tickets/:ticketId — one ticket for the operators: take it, post updates, log minutes, close it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const ticket = await getForOperator(await getDb(), { ticketId: params.ticketId ?? "" });
  if (!ticket) notFound();
  return json({ ticket, canAct: operatorCan(user.operatorRole, "charges:remote_hands"), actions: operatorActions(ticket.status) });
}

type Intent = "take" | "update" | "time" | "close";
type ActionData = { intent?: Intent; errors?: FieldErrors; formError?: MessageKey; notice?: MessageKey; values?: Record<string, string>; done?: string };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "charges:remote_hands");
  const ticketId = params.ticketId ?? "";
  if (!(await getForOperator(await getDb(), { ticketId }))) notFound();
  const values = formDataObject(await readForm(request));
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const intent = (["take", "update", "time", "close"] as const).find((i) => i === values.intent);
  let result: Result;
  if (intent === "take") {
    result = await inTransactionOrRollback((trx) => takeTicket(trx, { actor, ticketId, baseUrl: baseUrl(request) }));
  } else if (intent === "update") {
    const parsed = parseForm(UpdateForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => postUpdate(trx, { actor, ticketId, body: parsed.data.body, baseUrl: baseUrl(request) }));
  } else if (intent === "time") {
    const parsed = parseForm(TimeForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => logTime(trx, { actor, ticketId, minutes: parsed.data.minutes }));
  } else if (intent === "close") {
    const parsed = parseForm(CloseForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => closeTicket(trx, { actor, ticketId, result: parsed.data.result, baseUrl: baseUrl(request) }));
  } else {
    return json<ActionData>({ formError: "error.invalid" }, { status: 400 });
  }
  if (!result.ok) {
    if (result.error === "not_found") notFound();
    const key = `remotehands.error.${result.error}` as MessageKey;
    if (result.error === "bad_minutes") return json<ActionData>({ intent, errors: { minutes: key }, formError: key, values }, { status: 400 });
    return json<ActionData>({ intent, formError: key, values }, { status: result.error === "wrong_state" || result.error === "conflict" ? 409 : 422 });
  }
  return json<ActionData>({ intent, notice: `remotehands.done.${intent}` as MessageKey, done: String(Date.now()) });
}

export default function OpsTicketPage() {
  const { ticket, canAct, actions } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const busy = navigation.state === "submitting";
  const of = (intent: Intent) => (data?.intent === intent ? data : undefined);
  const minutes = (n: number) => tr("remotehands.minutes", { count: n });
  const formKey = (intent: Intent) => `${intent}-${of(intent)?.done ?? ""}`;
  return (
    <>
      <p>
        <Link to={`/ops/desk/${ticket.site_code}/tickets`}>← {tr("remotehands.ops.back", { site: ticket.site_code })}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("remotehands.detail.title", { ref: ticket.ref })}</h1>
          <p className="muted">
            <strong>{ticket.org_name}</strong> · {ticket.site_code} · {tr(`remotehands.kind.${ticket.kind}`)} <UrgentBadge urgency={ticket.urgency} />
          </p>
        </div>
        <TicketBadge status={ticket.status} />
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      {data?.formError && !data.errors ? <FormErrors formError={data.formError} /> : null}
      <div className="req-detail">
        <div>
          <TicketBody ticket={ticket} attachmentBase={`/ops/desk/tickets/${ticket.id}/attachments`} />
        </div>
        <aside>
          {canAct && actions.take ? (
            <section className="card" aria-labelledby="rh-take">
              <h2 id="rh-take">{tr("remotehands.ops.take.title")}</h2>
              <Form method="post">
                <input type="hidden" name="intent" value="take" />
                <button className="btn btn--block" disabled={busy}>
                  {tr("remotehands.ops.take.submit")}
                </button>
              </Form>
            </section>
          ) : null}
          {canAct && actions.update ? (
            <section className="card" aria-labelledby="rh-update">
              <h2 id="rh-update">{tr("remotehands.ops.update.title")}</h2>
              {of("update")?.errors ? <FormErrors errors={of("update")?.errors} /> : null}
              <Form method="post" noValidate key={formKey("update")}>
                <input type="hidden" name="intent" value="update" />
                <div className={`field${of("update")?.errors?.body ? " field--error" : ""}`}>
                  <label htmlFor="f-body">{tr("remotehands.ops.update.body")}</label>
                  <textarea id="f-body" name="body" rows={3} maxLength={4000} defaultValue={of("update")?.errors ? of("update")?.values?.body : ""} aria-describedby="f-body-hint" />
                  <p className="hint" id="f-body-hint">
                    {tr("remotehands.ops.update.hint")}
                  </p>
                  {of("update")?.errors?.body ? (
                    <p className="field-error" role="alert">
                      {tr(of("update")!.errors!.body!)}
                    </p>
                  ) : null}
                </div>
                <button className="btn btn--secondary btn--block" disabled={busy}>
                  {tr("remotehands.ops.update.submit")}
                </button>
              </Form>
            </section>
          ) : null}
          {canAct && actions.logTime ? (
            <section className="card" aria-labelledby="rh-time">
              <h2 id="rh-time">{tr("remotehands.ops.time.title")}</h2>
              {of("time")?.errors ? <FormErrors errors={of("time")?.errors} /> : null}
              <Form method="post" noValidate key={formKey("time")}>
                <input type="hidden" name="intent" value="time" />
                <Field
                  name="minutes"
                  label={tr("remotehands.ops.time.minutes")}
                  inputMode="numeric"
                  defaultValue={of("time")?.errors ? of("time")?.values?.minutes : ""}
                  errors={of("time")?.errors}
                  hint={tr("remotehands.ops.time.hint", { total: minutes(ticket.billing.logged) })}
                  required
                />
                <button className="btn btn--secondary btn--block" disabled={busy}>
                  {tr("remotehands.ops.time.submit")}
                </button>
              </Form>
            </section>
          ) : null}
          {canAct && actions.close ? (
            <section className="card" aria-labelledby="rh-close">
              <h2 id="rh-close">{tr("remotehands.ops.close.title")}</h2>
              {of("close")?.errors ? <FormErrors errors={of("close")?.errors} /> : null}
              <p className="hint">{tr("remotehands.ops.close.hint", { logged: minutes(ticket.billing.logged), billed: minutes(billedMinutes(ticket.billing.logged, ticket.increment_min)) })}</p>
              <Form method="post" noValidate key={formKey("close")}>
                <input type="hidden" name="intent" value="close" />
                <div className={`field${of("close")?.errors?.result ? " field--error" : ""}`}>
                  <label htmlFor="f-result">{tr("remotehands.ops.close.result")}</label>
                  <textarea id="f-result" name="result" rows={3} maxLength={4000} defaultValue={of("close")?.values?.result ?? ""} />
                  {of("close")?.errors?.result ? (
                    <p className="field-error" role="alert">
                      {tr(of("close")!.errors!.result!)}
                    </p>
                  ) : null}
                </div>
                <button className="btn btn--block" disabled={busy}>
                  {tr("remotehands.ops.close.submit")}
                </button>
              </Form>
            </section>
          ) : null}
          {!canAct && (actions.take || actions.close) ? <p className="muted">{tr("remotehands.ops.roleNeeded")}</p> : null}
          <TicketFacts ticket={ticket} />
        </aside>
      </div>
    </>
  );
}
