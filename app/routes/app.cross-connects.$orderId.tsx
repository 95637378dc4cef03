import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { acceptCrossConnect, cancelCrossConnect, declineCrossConnect, getForTenant, requestRemoval, zContractsFor, type Result } from "~/modules/crossconnects/orders.server";
import { AcceptForm, ReasonForm } from "~/modules/crossconnects/schemas.server";
import { tenantActions } from "~/modules/crossconnects/shared";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors } from "~/components/forms";
import { CrossConnectDetails, ReasonField } from "~/components/cross-connect-details";
import { CrossConnectBadge } from "~/components/cross-connects";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET/POST /app/cross-connects/:orderId — one cross-connect as its A or Z organisation sees it, and what it may do. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const db = await getDb();
  const order = await getForTenant(db, { orgId: user.orgId, orderId: params.orderId ?? "" });
  if (!order) notFound();
  const can = tenantActions(order.status, order.side);
  const mayAct = tenantCan(user.role, "crossconnects:order");
  const zContracts = can.accept && mayAct ? await zContractsFor(db, { orgId: user.orgId, siteId: order.site_id }) : [];
  return json({
    order,
    actions: { ...can, accept: can.accept && mayAct, decline: can.decline && mayAct, cancel: can.cancel && mayAct, requestRemoval: can.requestRemoval && mayAct },
    roleNeeded: !mayAct && (can.accept || can.cancel || can.requestRemoval),
    zContracts: zContracts.map((c) => ({ id: c.id, ref: c.id.slice(0, 8).toUpperCase(), startOn: c.start_on })),
  });
}

type Intent = "accept" | "decline" | "cancel" | "removal";
type ActionData = { intent?: Intent; errors?: FieldErrors; formError?: MessageKey; notice?: MessageKey; values?: Record<string, string> };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "crossconnects:order");
  const orderId = params.orderId ?? "";
  // Another organisation's order is not found, whatever the form says.
  if (!(await getForTenant(await getDb(), { orgId: user.orgId, orderId }))) notFound();
  const values = formDataObject(await readForm(request));
  const actor = { id: user.id, email: user.email, ip: clientIp(context), orgId: user.orgId, role: user.role };
  const intent = values.intent as Intent;
  let result: Result;
  if (intent === "accept") {
    const parsed = parseForm(AcceptForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => acceptCrossConnect(trx, { actor, orderId, ...parsed.data, baseUrl: baseUrl(request) }));
  } else if (intent === "decline") {
    const parsed = parseForm(ReasonForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => declineCrossConnect(trx, { actor, orderId, reason: parsed.data.reason, baseUrl: baseUrl(request) }));
  } else if (intent === "cancel") {
    result = await inTransactionOrRollback((trx) => cancelCrossConnect(trx, { actor, orderId, baseUrl: baseUrl(request) }));
  } else if (intent === "removal") {
    result = await inTransactionOrRollback((trx) => requestRemoval(trx, { actor, orderId, baseUrl: baseUrl(request) }));
  } else {
    return json<ActionData>({ formError: "error.invalid" }, { status: 400 });
  }
  if (!result.ok) {
    if (result.error === "not_found") notFound();
    const key = `crossconnects.error.${result.error}` as MessageKey;
    if (result.error === "contract_not_active" && intent === "accept") return json<ActionData>({ intent, errors: { zContractId: key }, values }, { status: 400 });
    return json<ActionData>({ intent, formError: key, values }, { status: result.error === "not_allowed" ? 403 : 409 });
  }
  return json<ActionData>({ intent, notice: `crossconnects.done.${intent}` as MessageKey });
}

export default function CrossConnectPage() {
  const { order, actions, roleNeeded, zContracts } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const busy = navigation.state === "submitting";
  const errorsFor = (intent: Intent) => (data?.intent === intent ? data : undefined);
  return (
    <>
      <p>
        <Link to="/app/cross-connects">← {tr("crossconnects.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("crossconnects.detail.title", { ref: order.ref })}</h1>
          <p className="muted">
            <strong>{order.site_code}</strong> · {order.site_name} ·{" "}
            {order.side === "a" ? tr("crossconnects.side.toZ", { z: order.z_name }) : tr("crossconnects.side.fromA", { a: order.a_org_name })}
          </p>
        </div>
        <CrossConnectBadge status={order.status} />
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      {data?.formError && !data.errors ? <Alert>{tr(data.formError)}</Alert> : null}

      <div className="req-detail">
        <div>
          <CrossConnectDetails order={order} />
        </div>
        <aside>
          {actions.loa ? (
            <section className="card">
              <h2>{tr("crossconnects.loa.title")}</h2>
              <p className="hint">{tr("crossconnects.loa.hint")}</p>
              <a className="btn btn--secondary btn--block" href={`/app/cross-connects/${order.id}/loa.pdf`}>
                {tr("crossconnects.loa.download")}
              </a>
            </section>
          ) : null}

          {actions.accept ? (
            <section className="card">
              <h2>{tr("crossconnects.accept.title")}</h2>
              {zContracts.length === 0 ? (
                <p className="muted">{tr("crossconnects.accept.noContract")}</p>
              ) : (
                <>
                  <p className="hint">{tr("crossconnects.accept.intro")}</p>
                  <FormErrors errors={errorsFor("accept")?.errors} />
                  <Form method="post" noValidate>
                    <input type="hidden" name="intent" value="accept" />
                    <div className={`field${errorsFor("accept")?.errors?.zContractId ? " field--error" : ""}`}>
                      <label htmlFor="f-zContractId">{tr("crossconnects.accept.contract")}</label>
                      <select id="f-zContractId" name="zContractId" defaultValue={errorsFor("accept")?.values?.zContractId ?? zContracts[0].id}>
                        {zContracts.map((c) => (
                          <option key={c.id} value={c.id}>
                            {c.ref}
                          </option>
                        ))}
                      </select>
                      {errorsFor("accept")?.errors?.zContractId ? (
                        <p className="field-error" role="alert">
                          {tr(errorsFor("accept")!.errors!.zContractId!)}
                        </p>
                      ) : null}
                    </div>
                    <Field
                      name="zPosition"
                      label={tr("crossconnects.accept.position")}
                      hint={tr("crossconnects.order.aPositionHint")}
                      maxLength={100}
                      defaultValue={errorsFor("accept")?.values?.zPosition ?? ""}
                      errors={errorsFor("accept")?.errors}
                      required
                    />
                    <button className="btn btn--block" disabled={busy}>
                      {tr("crossconnects.accept.submit")}
                    </button>
                  </Form>
                </>
              )}
            </section>
          ) : null}

          {actions.decline ? (
            <section className="card">
              <h2>{tr("crossconnects.decline.title")}</h2>
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="decline" />
                <ReasonField errors={errorsFor("decline")?.errors} value={errorsFor("decline")?.values?.reason} />
                <button className="btn btn--danger-ghost btn--block" disabled={busy}>
                  {tr("crossconnects.decline.submit")}
                </button>
              </Form>
            </section>
          ) : null}

          {actions.cancel || actions.requestRemoval ? (
            <section className="card">
              <h2>{tr("crossconnects.manage.title")}</h2>
              {actions.cancel ? (
                <Form method="post" onSubmit={(e) => (confirm(tr("crossconnects.cancel.confirm")) ? undefined : e.preventDefault())}>
                  <input type="hidden" name="intent" value="cancel" />
                  <button className="btn btn--danger-ghost btn--block" disabled={busy}>
                    {tr("crossconnects.cancel.submit")}
                  </button>
                </Form>
              ) : null}
              {actions.requestRemoval ? (
                <Form method="post" onSubmit={(e) => (confirm(tr("crossconnects.removal.confirm")) ? undefined : e.preventDefault())}>
                  <input type="hidden" name="intent" value="removal" />
                  <p className="hint">{tr("crossconnects.removal.hint")}</p>
                  <button className="btn btn--danger-ghost btn--block" disabled={busy}>
                    {tr("crossconnects.removal.submit")}
                  </button>
                </Form>
              ) : null}
            </section>
          ) : null}
          {roleNeeded ? <p className="muted">{tr("crossconnects.order.roleNeeded")}</p> : null}
        </aside>
      </div>
    </>
  );
}
