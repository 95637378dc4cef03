import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { listForTenant, orderCrossConnect, orderFormOptions } from "~/modules/crossconnects/orders.server";
import { OrderForm } from "~/modules/crossconnects/schemas.server";
import { CROSS_CONNECT_MEDIA } from "~/modules/crossconnects/shared";
import type { CrossConnectError } from "~/modules/crossconnects/errors";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors } from "~/components/forms";
import { CrossConnectTable } from "~/components/cross-connects";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET/POST /app/services/:contractId/cross-connects — a contract's cross-connects and the order form. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const db = await getDb();
  const options = await orderFormOptions(db, { orgId: user.orgId, contractId: params.contractId ?? "" });
  if (!options) notFound();
  const orders = await listForTenant(db, { orgId: user.orgId, contractId: options.contract.id });
  return json({
    contract: { id: options.contract.id, ref: options.contract.id.slice(0, 8).toUpperCase(), siteCode: options.contract.site_code, siteName: options.contract.site_name, currency: options.contract.currency, live: options.contract.live },
    carriers: options.carriers,
    tenants: options.tenants,
    price: options.price ? { monthlyMinor: options.price.unit_price_minor, setupMinor: options.price.setup_fee_minor } : null,
    canOrder: tenantCan(user.role, "crossconnects:order"),
    clientKey: options.clientKey,
    orders,
  });
}

type ActionData = { errors?: FieldErrors; formError?: MessageKey; values?: Record<string, string> };

/** Refusals of the order: a field's fault (400) or the state of things (409). */
const FAILURES: Partial<Record<CrossConnectError, { status: number; field?: string }>> = {
  carrier_inactive: { status: 400, field: "carrierId" },
  z_not_at_site: { status: 400, field: "zOrgId" },
  same_org: { status: 400, field: "zOrgId" },
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "crossconnects:order");
  const contractId = params.contractId ?? "";
  // Another organisation's contract is not found, whatever the form says.
  if (!(await orderFormOptions(await getDb(), { orgId: user.orgId, contractId }))) notFound();
  const values = formDataObject(await readForm(request));
  const parsed = parseForm(OrderForm, values);
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors, values }, { status: 400 });
  const result = await inTransactionOrRollback((trx) =>
    orderCrossConnect(trx, {
      actor: { id: user.id, email: user.email, ip: clientIp(context), orgId: user.orgId, role: user.role },
      contractId,
      ...parsed.data,
      baseUrl: baseUrl(request),
    }),
  );
  if (!result.ok) {
    if (result.error === "not_found") notFound();
    const failure = FAILURES[result.error] ?? { status: 409 };
    const key = `crossconnects.error.${result.error}` as MessageKey;
    return json<ActionData>(failure.field ? { errors: { [failure.field]: key }, values } : { formError: key, values }, { status: failure.status });
  }
  return redirect(`/app/cross-connects/${result.orderId}`);
}

export default function ContractCrossConnects() {
  const { contract, carriers, tenants, price, canOrder, clientKey, orders } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const [zKind, setZKind] = useState<string>(data?.values?.zKind ?? (carriers.length ? "carrier" : "tenant"));
  const v = data?.values ?? {};
  const errorOf = (name: string) => (data?.errors?.[name] ? tr(data.errors[name]!) : null);

  return (
    <>
      <p>
        <Link to={`/app/services/${contract.id}`}>← {tr("crossconnects.backToContract", { ref: contract.ref })}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("crossconnects.contractTitle", { ref: contract.ref })}</h1>
          <p className="muted">
            <strong>{contract.siteCode}</strong> · {contract.siteName} · <Link to="/app/cross-connects">{tr("crossconnects.allLink")}</Link>
          </p>
        </div>
      </div>

      <div className="req-detail">
        <div>
          <section className="card">
            <h2>{tr("crossconnects.list.title")}</h2>
            {orders.length === 0 ? <p className="muted">{tr("crossconnects.list.empty")}</p> : <CrossConnectTable orders={orders} base="/app/cross-connects" />}
          </section>
        </div>
        <aside>
          <section className="card">
            <h2>{tr("crossconnects.order.title")}</h2>
            {!canOrder ? (
              <p className="muted">{tr("crossconnects.order.roleNeeded")}</p>
            ) : !contract.live ? (
              <p className="muted">{tr("crossconnects.order.notLive")}</p>
            ) : !price ? (
              <p className="muted">{tr("crossconnects.error.no_price")}</p>
            ) : (
              <>
                <p className="hint">{tr("crossconnects.order.intro")}</p>
                <p>{tr("crossconnects.order.price", { monthly: format.money(price.monthlyMinor, contract.currency), setup: format.money(price.setupMinor, contract.currency) })}</p>
                <FormErrors formError={data?.formError} errors={data?.errors} />
                <Form method="post" noValidate>
                  <input type="hidden" name="clientKey" value={clientKey} />
                  <fieldset className="field">
                    <legend>{tr("crossconnects.order.zKind")}</legend>
                    {(["carrier", "tenant"] as const).map((k) => (
                      <label key={k} className="check">
                        <input type="radio" name="zKind" value={k} checked={zKind === k} onChange={() => setZKind(k)} /> {tr(`crossconnects.kind.${k}`)}
                      </label>
                    ))}
                  </fieldset>
                  {zKind === "carrier" ? (
                    <div className={`field${errorOf("carrierId") ? " field--error" : ""}`}>
                      <label htmlFor="f-carrierId">{tr("crossconnects.order.carrier")}</label>
                      <select id="f-carrierId" name="carrierId" defaultValue={v.carrierId ?? ""}>
                        <option value="">{tr("crossconnects.order.choose")}</option>
                        {carriers.map((c) => (
                          <option key={c.id} value={c.id}>
                            {c.name}
                          </option>
                        ))}
                      </select>
                      {carriers.length === 0 ? <p className="hint">{tr("crossconnects.order.noCarrier")}</p> : null}
                      {errorOf("carrierId") ? <p className="field-error" role="alert">{errorOf("carrierId")}</p> : null}
                    </div>
                  ) : (
                    <div className={`field${errorOf("zOrgId") ? " field--error" : ""}`}>
                      <label htmlFor="f-zOrgId">{tr("crossconnects.order.tenant")}</label>
                      <select id="f-zOrgId" name="zOrgId" defaultValue={v.zOrgId ?? ""}>
                        <option value="">{tr("crossconnects.order.choose")}</option>
                        {tenants.map((o) => (
                          <option key={o.id} value={o.id}>
                            {o.name}
                          </option>
                        ))}
                      </select>
                      <p className="hint">{tenants.length === 0 ? tr("crossconnects.order.noTenant") : tr("crossconnects.order.tenantHint")}</p>
                      {errorOf("zOrgId") ? <p className="field-error" role="alert">{errorOf("zOrgId")}</p> : null}
                    </div>
                  )}
                  <div className={`field${errorOf("media") ? " field--error" : ""}`}>
                    <label htmlFor="f-media">{tr("crossconnects.col.media")}</label>
                    <select id="f-media" name="media" defaultValue={v.media ?? "smf"}>
                      {CROSS_CONNECT_MEDIA.map((m) => (
                        <option key={m} value={m}>
                          {tr(`crossconnects.media.${m}`)}
                        </option>
                      ))}
                    </select>
                    {errorOf("media") ? <p className="field-error" role="alert">{errorOf("media")}</p> : null}
                  </div>
                  <Field name="aPosition" label={tr("crossconnects.order.aPosition")} hint={tr("crossconnects.order.aPositionHint")} maxLength={100} defaultValue={v.aPosition ?? ""} errors={data?.errors} required />
                  <div className={`field${errorOf("notes") ? " field--error" : ""}`}>
                    <label htmlFor="f-notes">
                      {tr("crossconnects.order.notes")} <span className="muted">({tr("field.optional")})</span>
                    </label>
                    <textarea id="f-notes" name="notes" rows={3} maxLength={1000} defaultValue={v.notes ?? ""} />
                    {errorOf("notes") ? <p className="field-error" role="alert">{errorOf("notes")}</p> : null}
                  </div>
                  <button className="btn btn--block" disabled={navigation.state === "submitting"}>
                    {tr("crossconnects.order.submit")}
                  </button>
                </Form>
              </>
            )}
          </section>
          {data?.formError ? <Alert kind="info">{tr("crossconnects.order.nothingWritten")}</Alert> : null}
        </aside>
      </div>
    </>
  );
}
