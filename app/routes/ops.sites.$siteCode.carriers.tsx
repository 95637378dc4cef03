import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { findSite } from "~/modules/inventory/inventory.server";
import { addCarrier, listCarriers, setCarrierActive } from "~/modules/crossconnects/carriers.server";
import { CarrierActiveForm, CarrierForm } from "~/modules/crossconnects/schemas.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransaction } from "~/utils/db.server";
import { Alert, Field, FormErrors } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET/POST /ops/sites/:siteCode/carriers — the carriers present in the site's meet-me room, which tenants order cross-connects to. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const db = await getDb();
  const site = await findSite(db, params.siteCode);
  if (!site) notFound();
  const carriers = await listCarriers(db, site.id);
  return json({ site: { code: site.code }, carriers: carriers.map((c) => ({ ...c, orders: Number(c.orders) })), canManage: operatorCan(user.operatorRole, "inventory:manage") });
}

type ActionData = { intent?: "add" | "active"; errors?: FieldErrors; formError?: MessageKey; notice?: MessageKey; values?: Record<string, string> };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "inventory:manage");
  const site = await findSite(await getDb(), params.siteCode);
  if (!site) notFound();
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const values = formDataObject(await readForm(request));
  if (values.intent === "add") {
    const parsed = parseForm(CarrierForm, values);
    if (!parsed.ok) return json<ActionData>({ intent: "add", errors: parsed.errors, values }, { status: 400 });
    const result = await inTransaction((trx) => addCarrier(trx, { siteId: site.id, name: parsed.data.name, actor }));
    if (!result.ok) return json<ActionData>({ intent: "add", errors: { name: "crossconnects.carriers.duplicate" }, values }, { status: 409 });
    return json<ActionData>({ intent: "add", notice: "crossconnects.carriers.added" });
  }
  if (values.intent === "active") {
    const parsed = parseForm(CarrierActiveForm, values);
    if (!parsed.ok) return json<ActionData>({ intent: "active", formError: "error.invalid" }, { status: 400 });
    const result = await inTransaction((trx) => setCarrierActive(trx, { siteId: site.id, carrierId: parsed.data.carrierId, active: parsed.data.active === "true", actor }));
    if (!result.ok) notFound();
    return json<ActionData>({ intent: "active", notice: "crossconnects.carriers.updated" });
  }
  return json<ActionData>({ formError: "error.invalid" }, { status: 400 });
}

export default function SiteCarriers() {
  const { carriers, canManage } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  return (
    <section className="card">
      <h2>{tr("crossconnects.carriers.title")}</h2>
      <p className="hint">{tr("crossconnects.carriers.lead")}</p>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      {data?.intent === "active" && data.formError ? <Alert>{tr(data.formError)}</Alert> : null}
      {carriers.length === 0 ? (
        <p className="muted">{tr("crossconnects.carriers.empty")}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{tr("crossconnects.carriers.name")}</th>
              <th className="num">{tr("crossconnects.carriers.orders")}</th>
              <th>{tr("crossconnects.col.status")}</th>
              <th><span className="visually-hidden">{tr("common.actions")}</span></th>
            </tr>
          </thead>
          <tbody>
            {carriers.map((c) => (
              <tr key={c.id}>
                <td>
                  <strong>{c.name}</strong>
                </td>
                <td className="num">{format.number(c.orders)}</td>
                <td>
                  <StatusBadge status={c.is_active ? "active" : "inactive"} label={tr(c.is_active ? "crossconnects.carriers.active" : "crossconnects.carriers.inactive")} />
                </td>
                <td className="actions">
                  {canManage ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="active" />
                      <input type="hidden" name="carrierId" value={c.id} />
                      <input type="hidden" name="active" value={c.is_active ? "false" : "true"} />
                      <button className="btn btn--small btn--secondary" disabled={navigation.state === "submitting"}>
                        {tr(c.is_active ? "crossconnects.carriers.deactivate" : "crossconnects.carriers.activate")}
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canManage ? (
        <Form method="post" noValidate className="inline-form">
          <input type="hidden" name="intent" value="add" />
          <FormErrors errors={data?.intent === "add" ? data.errors : undefined} />
          <Field name="name" label={tr("crossconnects.carriers.name")} maxLength={80} defaultValue={data?.intent === "add" && data.errors ? (data.values?.name ?? "") : ""} errors={data?.intent === "add" ? data.errors : undefined} required />
          <button className="btn" disabled={navigation.state === "submitting"}>
            {tr("crossconnects.carriers.add")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}
