import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { cancelDelivery, getForTenant } from "~/modules/deliveries/deliveries.server";
import { tenantActions } from "~/modules/deliveries/shared";
import { DeliveryBadge, DeliveryDetails } from "~/modules/deliveries/components";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { useT } from "~/components/i18n";
import { areaRefusal, tenantCancelAction } from "~/modules/servicedesk/cancel.server";

/** GET/POST /app/desk/deliveries/:deliveryId — one delivery of the organisation, its timeline, and cancelling it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const delivery = await getForTenant(await getDb(), { orgId: user.orgId, deliveryId: params.deliveryId ?? "" });
  if (!delivery) notFound();
  const mayAct = tenantCan(user.role, "desk:order");
  return json({
    // The operators who handled it are "the data centre" to the tenant: their names stay inside.
    delivery: { ...delivery, events: delivery.events.map(({ operator_role, ...e }) => ({ ...e, by_name: operator_role ? null : e.by_name, recorded: e.kind === "announced" && operator_role !== null })) },
    canCancel: mayAct && tenantActions(delivery.status).cancel,
  });
}

export const action = (args: ActionFunctionArgs) =>
  tenantCancelAction(args, {
    belongs: (db, user) => getForTenant(db, { orgId: user.orgId, deliveryId: args.params.deliveryId ?? "" }),
    cancel: (trx, actor) => cancelDelivery(trx, { actor, deliveryId: args.params.deliveryId ?? "" }),
    refusal: areaRefusal("deliveries"),
    done: "deliveries.done.cancel",
  });

export default function DeliveryPage() {
  const { delivery, canCancel } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  return (
    <>
      <p>
        <Link to="/app/desk/deliveries">← {tr("deliveries.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("deliveries.detail.title", { ref: delivery.ref })}</h1>
          <p className="muted">
            <strong>{delivery.site_code}</strong> · {delivery.site_name}
          </p>
        </div>
        <DeliveryBadge status={delivery.status} />
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      {data?.formError ? <Alert>{tr(data.formError)}</Alert> : null}
      <div className="req-detail">
        <div>
          <DeliveryDetails delivery={delivery} />
        </div>
        <aside>
          {canCancel ? (
            <section className="card">
              <h2>{tr("deliveries.cancel.title")}</h2>
              <p className="hint">{tr("deliveries.cancel.hint")}</p>
              <Form method="post" onSubmit={(e) => (confirm(tr("deliveries.cancel.confirm")) ? undefined : e.preventDefault())}>
                <input type="hidden" name="intent" value="cancel" />
                <button className="btn btn--danger-ghost btn--block" disabled={navigation.state === "submitting"}>
                  {tr("deliveries.cancel.submit")}
                </button>
              </Form>
            </section>
          ) : null}
        </aside>
      </div>
    </>
  );
}
