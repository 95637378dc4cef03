import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { assignPorts, confirmRemoval, getForOperator, markInstalled, portChoices, rejectCrossConnect, type Result } from "~/modules/crossconnects/orders.server";
import { AssignPortsForm, InstallForm, ReasonForm, RemovalForm } from "~/modules/crossconnects/schemas.server";
import { operatorActions } from "~/modules/crossconnects/shared";
import type { CrossConnectError } from "~/modules/crossconnects/errors";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { siteToday } from "~/utils/dates";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors } from "~/components/forms";
import { CrossConnectDetails, ReasonField } from "~/components/cross-connect-details";
import { CrossConnectBadge } from "~/components/cross-connects";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET/POST /ops/cross-connects/:orderId — one order: assign its ports, record its installation, reject it, confirm its removal. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const db = await getDb();
  const order = await getForOperator(db, params.orderId ?? "");
  if (!order) notFound();
  const today = siteToday(order.time_zone);
  const canAct = operatorCan(user.operatorRole, "requests:approve");
  const can = operatorActions(order.status);
  const ports = canAct && can.assignPorts ? await portChoices(db, { siteId: order.site_id, media: order.media, orderId: order.id, today }) : [];
  return json({ order, today, canAct, actions: can, ports });
}

type Intent = "assign" | "install" | "reject" | "remove";
type ActionData = { intent?: Intent; errors?: FieldErrors; formError?: MessageKey; notice?: MessageKey; values?: Record<string, string> };

/** Which field a refusal belongs to, per form. */
const FIELD_OF: Partial<Record<CrossConnectError, string>> = {
  port_taken: "aPortId",
  port_maintenance: "aPortId",
  media_mismatch: "aPortId",
  same_port: "zPortId",
  wrong_site: "aPortId",
  install_before_assignment: "installedOn",
  install_in_future: "installedOn",
  removal_before_install: "removedOn",
  removal_too_far: "removedOn",
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "requests:approve");
  const db = await getDb();
  const orderId = params.orderId ?? "";
  if (!(await getForOperator(db, orderId))) notFound();
  const values = formDataObject(await readForm(request));
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const intent = values.intent as Intent;
  let result: Result;
  if (intent === "assign") {
    const parsed = parseForm(AssignPortsForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => assignPorts(trx, { actor, orderId, ...parsed.data }));
  } else if (intent === "install") {
    const parsed = parseForm(InstallForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => markInstalled(trx, { actor, orderId, ...parsed.data, baseUrl: baseUrl(request) }));
  } else if (intent === "reject") {
    const parsed = parseForm(ReasonForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => rejectCrossConnect(trx, { actor, orderId, reason: parsed.data.reason, baseUrl: baseUrl(request) }));
  } else if (intent === "remove") {
    const parsed = parseForm(RemovalForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => confirmRemoval(trx, { actor, orderId, removedOn: parsed.data.removedOn, baseUrl: baseUrl(request) }));
  } else {
    return json<ActionData>({ formError: "error.invalid" }, { status: 400 });
  }
  if (!result.ok) {
    if (result.error === "not_found") notFound();
    const key = `crossconnects.error.${result.error}` as MessageKey;
    const field = FIELD_OF[result.error];
    const status = result.error === "wrong_state" || result.error === "conflict" || result.error === "port_taken" ? 409 : 400;
    return json<ActionData>(field ? { intent, errors: { [field]: key }, formError: key, values } : { intent, formError: key, values }, { status });
  }
  return json<ActionData>({ intent, notice: `crossconnects.done.${intent}` as MessageKey });
}

export default function OpsCrossConnectPage() {
  const { order, today, canAct, actions, ports } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const busy = navigation.state === "submitting";
  const of = (intent: Intent) => (data?.intent === intent ? data : undefined);
  const portSelect = (name: "aPortId" | "zPortId", label: string, current: string | undefined) => (
    <div className={`field${of("assign")?.errors?.[name] ? " field--error" : ""}`}>
      <label htmlFor={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} name={name} defaultValue={of("assign")?.values?.[name] ?? current ?? ""}>
        <option value="">{tr("crossconnects.order.choose")}</option>
        {ports.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} · {p.room_name}
          </option>
        ))}
      </select>
      {of("assign")?.errors?.[name] ? (
        <p className="field-error" role="alert">
          {tr(of("assign")!.errors![name]!)}
        </p>
      ) : null}
    </div>
  );
  return (
    <>
      <p>
        <Link to="/ops/cross-connects">← {tr("crossconnects.ops.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("crossconnects.detail.title", { ref: order.ref })}</h1>
          <p className="muted">
            <strong>{order.site_code}</strong> · {order.site_name} · <Link to={`/ops/organisations/${order.org_id}`}>{order.a_org_name}</Link> → {order.z_name}
          </p>
        </div>
        <CrossConnectBadge status={order.status} />
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      {data?.formError ? <Alert>{tr(data.formError)}</Alert> : null}

      <div className="req-detail">
        <div>
          <CrossConnectDetails order={order} />
        </div>
        <aside>
          <section className="card">
            <h2>{tr("crossconnects.loa.title")}</h2>
            <a className="btn btn--secondary btn--block" href={`/ops/cross-connects/${order.id}/loa.pdf`}>
              {tr("crossconnects.loa.download")}
            </a>
          </section>
          {!canAct ? <p className="muted">{tr("crossconnects.ops.readOnly")}</p> : null}
          {canAct && order.status === "pending_acceptance" ? <p className="muted">{tr("crossconnects.ops.waitingZ")}</p> : null}

          {canAct && actions.assignPorts ? (
            <section className="card">
              <h2>{tr("crossconnects.assign.title")}</h2>
              <p className="hint">{tr("crossconnects.assign.intro", { media: tr(`crossconnects.media.${order.media}`), date: format.date(today) })}</p>
              {ports.length < 2 ? <p className="muted">{tr("crossconnects.assign.noPorts")}</p> : null}
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="assign" />
                {portSelect("aPortId", tr("crossconnects.detail.aPort"), order.aPort?.port_id)}
                {portSelect("zPortId", tr("crossconnects.detail.zPort"), order.zPort?.port_id)}
                {order.z_kind === "carrier" ? (
                  <Field
                    name="zPosition"
                    label={tr("crossconnects.assign.zPosition")}
                    maxLength={100}
                    defaultValue={of("assign")?.values?.zPosition ?? order.z_position ?? ""}
                    errors={of("assign")?.errors}
                    required
                  />
                ) : null}
                <button className="btn btn--block" disabled={busy}>
                  {tr("crossconnects.assign.submit")}
                </button>
              </Form>
            </section>
          ) : null}

          {canAct && actions.install ? (
            <section className="card">
              <h2>{tr("crossconnects.install.title")}</h2>
              {!order.ports_assigned_on ? (
                <p className="muted">{tr("crossconnects.error.install_before_assignment")}</p>
              ) : (
                <Form method="post" noValidate>
                  <input type="hidden" name="intent" value="install" />
                  <FormErrors errors={of("install")?.errors} />
                  <Field name="installedOn" type="date" label={tr("crossconnects.install.on")} min={order.ports_assigned_on} max={today} defaultValue={of("install")?.values?.installedOn ?? today} errors={of("install")?.errors} required />
                  <Field name="testResult" label={tr("crossconnects.install.testResult")} hint={tr("crossconnects.install.testHint")} maxLength={500} defaultValue={of("install")?.values?.testResult ?? ""} errors={of("install")?.errors} required />
                  <button className="btn btn--block" disabled={busy}>
                    {tr("crossconnects.install.submit")}
                  </button>
                </Form>
              )}
            </section>
          ) : null}

          {canAct && actions.confirmRemoval ? (
            <section className="card">
              <h2>{tr("crossconnects.remove.title")}</h2>
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="remove" />
                <p className="hint">{tr("crossconnects.remove.hint")}</p>
                <Field name="removedOn" type="date" label={tr("crossconnects.remove.on")} min={order.installed_on ?? undefined} defaultValue={of("remove")?.values?.removedOn ?? today} errors={of("remove")?.errors} required />
                <button className="btn btn--danger-ghost btn--block" disabled={busy}>
                  {tr("crossconnects.remove.submit")}
                </button>
              </Form>
            </section>
          ) : null}

          {canAct && actions.reject ? (
            <section className="card">
              <h2>{tr("crossconnects.reject.title")}</h2>
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="reject" />
                <ReasonField errors={of("reject")?.errors} value={of("reject")?.values?.reason} />
                <button className="btn btn--danger-ghost btn--block" disabled={busy}>
                  {tr("crossconnects.reject.submit")}
                </button>
              </Form>
            </section>
          ) : null}
        </aside>
      </div>
    </>
  );
}
