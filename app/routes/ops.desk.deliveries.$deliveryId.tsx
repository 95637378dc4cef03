import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { deliverToRack, getForOperator, markCollected, receiveDelivery, storeDelivery, type Result } from "~/modules/deliveries/deliveries.server";
import { ReceiveForm, StoreForm } from "~/modules/deliveries/schemas.server";
import { MAX_PARCELS, operatorActions } from "~/modules/deliveries/shared";
import { DeliveryBadge, DeliveryDetails } from "~/modules/deliveries/components";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors } from "~/components/forms";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET/POST /ops/desk/deliveries/:deliveryId — one delivery: receive it, store it, leave it at the rack or hand it over. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const delivery = await getForOperator(await getDb(), params.deliveryId ?? "");
  if (!delivery) notFound();
  const canAct = operatorCan(user.operatorRole, "deliveries:handle");
  return json({ delivery, canAct, actions: operatorActions(delivery.status, delivery.rack_id !== null) });
}

type Intent = "receive" | "store" | "deliver" | "collect";
type ActionData = { intent?: Intent; errors?: FieldErrors; formError?: MessageKey; notice?: MessageKey; values?: Record<string, string> };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "deliveries:handle");
  const deliveryId = params.deliveryId ?? "";
  if (!(await getForOperator(await getDb(), deliveryId))) notFound();
  const values = formDataObject(await readForm(request));
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const intent = values.intent as Intent;
  const common = { actor, deliveryId, baseUrl: baseUrl(request) };
  let result: Result;
  if (intent === "receive") {
    const parsed = parseForm(ReceiveForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => receiveDelivery(trx, { ...common, ...parsed.data }));
  } else if (intent === "store") {
    const parsed = parseForm(StoreForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => storeDelivery(trx, { ...common, ...parsed.data }));
  } else if (intent === "deliver") {
    result = await inTransactionOrRollback((trx) => deliverToRack(trx, common));
  } else if (intent === "collect") {
    result = await inTransactionOrRollback((trx) => markCollected(trx, common));
  } else {
    return json<ActionData>({ formError: "error.invalid" }, { status: 400 });
  }
  if (!result.ok) {
    if (result.error === "not_found") notFound();
    return json<ActionData>({ intent, formError: `deliveries.error.${result.error}` as MessageKey, values }, { status: 409 });
  }
  return json<ActionData>({ intent, notice: `deliveries.done.${intent}` as MessageKey });
}

export default function OpsDeliveryPage() {
  const { delivery, canAct, actions } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const busy = navigation.state === "submitting";
  const of = (intent: Intent) => (data?.intent === intent ? data : undefined);
  const nothingLeft = !actions.receive && !actions.store && !actions.deliver && !actions.collect;
  return (
    <>
      <p>
        <Link to={`/ops/desk/${delivery.site_code}/deliveries`}>← {tr("deliveries.ops.back", { site: delivery.site_code })}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("deliveries.detail.title", { ref: delivery.ref })}</h1>
          <p className="muted">
            <strong>{delivery.site_code}</strong> · {delivery.site_name} · <Link to={`/ops/organisations/${delivery.org_id}`}>{delivery.org_name}</Link>
          </p>
        </div>
        <DeliveryBadge status={delivery.status} />
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      {data?.formError && !data.errors ? <Alert>{tr(data.formError)}</Alert> : null}
      <div className="req-detail">
        <div>
          <DeliveryDetails delivery={delivery} />
        </div>
        <aside>
          {!canAct ? <p className="muted">{tr("deliveries.ops.readOnly")}</p> : null}
          {canAct && nothingLeft ? <p className="muted">{tr("deliveries.ops.nothingToDo")}</p> : null}

          {canAct && actions.receive ? (
            <section className="card" aria-labelledby="receive-title">
              <h2 id="receive-title">{tr("deliveries.receive.title")}</h2>
              <FormErrors errors={of("receive")?.errors} />
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="receive" />
                <Field
                  name="parcelsReceived"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={MAX_PARCELS}
                  step={1}
                  label={tr("deliveries.receive.parcels")}
                  defaultValue={of("receive")?.values?.parcelsReceived ?? String(delivery.parcels_announced)}
                  errors={of("receive")?.errors}
                  required
                />
                <fieldset className="field">
                  <legend>{tr("deliveries.receive.condition")}</legend>
                  {(["good", "damaged"] as const).map((c) => (
                    <label key={c} className="check">
                      <input type="radio" name="condition" value={c} defaultChecked={(of("receive")?.values?.condition ?? "good") === c} /> {tr(`deliveries.condition.${c}`)}
                    </label>
                  ))}
                </fieldset>
                <Field
                  name="damageNote"
                  label={tr("deliveries.receive.damageNote")}
                  hint={tr("deliveries.receive.damageHint")}
                  maxLength={1000}
                  defaultValue={of("receive")?.values?.damageNote ?? ""}
                  errors={of("receive")?.errors}
                  optional
                />
                <button className="btn btn--block" disabled={busy}>
                  {tr("deliveries.receive.submit")}
                </button>
              </Form>
            </section>
          ) : null}

          {canAct && actions.store ? (
            <section className="card" aria-labelledby="store-title">
              <h2 id="store-title">{tr("deliveries.store.title")}</h2>
              <FormErrors errors={of("store")?.errors} />
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="store" />
                <Field name="storageLocation" label={tr("deliveries.store.location")} maxLength={100} defaultValue={of("store")?.values?.storageLocation ?? ""} errors={of("store")?.errors} optional />
                <button className="btn btn--secondary btn--block" disabled={busy}>
                  {tr("deliveries.store.submit")}
                </button>
              </Form>
            </section>
          ) : null}

          {canAct && actions.deliver ? (
            <section className="card" aria-labelledby="deliver-title">
              <h2 id="deliver-title">{tr("deliveries.deliver.title")}</h2>
              <p className="hint">{tr("deliveries.deliver.hint", { rack: delivery.rack_name ?? "" })}</p>
              <Form method="post">
                <input type="hidden" name="intent" value="deliver" />
                <button className="btn btn--block" disabled={busy}>
                  {tr("deliveries.deliver.submit")}
                </button>
              </Form>
            </section>
          ) : null}

          {canAct && actions.collect ? (
            <section className="card" aria-labelledby="collect-title">
              <h2 id="collect-title">{tr("deliveries.collect.title")}</h2>
              <p className="hint">{tr("deliveries.collect.hint")}</p>
              <Form method="post">
                <input type="hidden" name="intent" value="collect" />
                <button className="btn btn--secondary btn--block" disabled={busy}>
                  {tr("deliveries.collect.submit")}
                </button>
              </Form>
            </section>
          ) : null}
        </aside>
      </div>
    </>
  );
}
