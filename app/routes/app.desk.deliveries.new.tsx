import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { announceDelivery, announceOptions } from "~/modules/deliveries/deliveries.server";
import { AnnounceForm } from "~/modules/deliveries/schemas.server";
import type { DeliveryError } from "~/modules/deliveries/errors";
import { MAX_PARCELS } from "~/modules/deliveries/shared";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors } from "~/components/forms";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET/POST /app/desk/deliveries/new — announce a shipment to one of the organisation's sites. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const options = await announceOptions(await getDb(), { orgId: user.orgId });
  return json({ ...options, canAnnounce: tenantCan(user.role, "desk:order") });
}

type ActionData = {
  errors?: FieldErrors;
  formError?: MessageKey;
  values?: Record<string, string>;
};

/** Refusals of the announcement: a field's fault (400) or the state of things (409). */
const FIELD_OF: Partial<Record<DeliveryError, string>> = {
  no_contract: "siteId",
  rack_not_held: "rackId",
  expected_too_early: "expectedOn",
  expected_too_far: "expectedOn",
};

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "desk:order");
  const values = formDataObject(await readForm(request));
  const parsed = parseForm(AnnounceForm, values);
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors, values }, { status: 400 });
  const result = await inTransactionOrRollback((trx) =>
    announceDelivery(trx, {
      actor: {
        id: user.id,
        email: user.email,
        ip: clientIp(context),
        orgId: user.orgId,
        role: user.role,
      },
      ...parsed.data,
    }),
  );
  if (!result.ok) {
    const key = `deliveries.error.${result.error}` as MessageKey;
    const field = FIELD_OF[result.error];
    if (field) return json<ActionData>({ errors: { [field]: key }, formError: key, values }, { status: 400 });
    return json<ActionData>({ formError: key, values }, { status: result.error === "not_allowed" ? 403 : 409 });
  }
  return redirect(`/app/desk/deliveries/${result.deliveryId}`);
}

export default function NewDelivery() {
  const { sites, racks, clientKey, canAnnounce } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const v = data?.values ?? {};
  const [siteId, setSiteId] = useState<string>(v.siteId ?? sites[0]?.id ?? "");
  const site = sites.find((s) => s.id === siteId);
  const siteRacks = racks.filter((r) => r.site_id === siteId);
  const errorOf = (name: string) => (data?.errors?.[name] ? tr(data.errors[name]!) : null);
  return (
    <>
      <p>
        <Link to="/app/desk/deliveries">← {tr("deliveries.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("deliveries.new.title")}</h1>
          <p className="muted">{tr("deliveries.new.intro")}</p>
        </div>
      </div>
      <section className="card">
        {!canAnnounce ? (
          <p className="muted">{tr("deliveries.new.roleNeeded")}</p>
        ) : sites.length === 0 ? (
          <p className="muted">{tr("deliveries.new.noSite")}</p>
        ) : (
          <>
            <FormErrors formError={data?.formError} errors={data?.errors} />
            <Form method="post" noValidate>
              <input type="hidden" name="clientKey" value={clientKey} />
              <div className="form-grid">
                <div className={`field${errorOf("siteId") ? " field--error" : ""}`}>
                  <label htmlFor="f-siteId">{tr("deliveries.new.site")}</label>
                  <select id="f-siteId" name="siteId" value={siteId} onChange={(e) => setSiteId(e.target.value)} aria-invalid={errorOf("siteId") ? true : undefined}>
                    {sites.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.code} · {s.name}
                      </option>
                    ))}
                  </select>
                  {errorOf("siteId") ? (
                    <p className="field-error" role="alert">
                      {errorOf("siteId")}
                    </p>
                  ) : null}
                </div>
                <div className={`field${errorOf("rackId") ? " field--error" : ""}`}>
                  <label htmlFor="f-rackId">{tr("deliveries.new.rack")}</label>
                  <select id="f-rackId" name="rackId" defaultValue={v.rackId ?? ""} key={siteId} aria-invalid={errorOf("rackId") ? true : undefined} aria-describedby="f-rackId-hint">
                    <option value="">{tr("deliveries.new.rackNone")}</option>
                    {siteRacks.map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.name} · {r.room_name}
                      </option>
                    ))}
                  </select>
                  <p className="hint" id="f-rackId-hint">
                    {tr("deliveries.new.rackHint")}
                  </p>
                  {errorOf("rackId") ? (
                    <p className="field-error" role="alert">
                      {errorOf("rackId")}
                    </p>
                  ) : null}
                </div>
                <Field
                  name="carrier"
                  label={tr("deliveries.new.carrier")}
                  hint={tr("deliveries.new.carrierHint")}
                  maxLength={80}
                  defaultValue={v.carrier ?? ""}
                  errors={data?.errors}
                  required
                  autoComplete="off"
                />
                <Field name="trackingNumber" label={tr("deliveries.new.tracking")} maxLength={100} defaultValue={v.trackingNumber ?? ""} errors={data?.errors} required autoComplete="off" />
                <Field
                  name="parcels"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={MAX_PARCELS}
                  step={1}
                  label={tr("deliveries.new.parcels")}
                  defaultValue={v.parcels ?? "1"}
                  errors={data?.errors}
                  required
                />
                <Field name="expectedOn" type="date" label={tr("deliveries.new.expectedOn")} defaultValue={v.expectedOn ?? site?.today ?? ""} errors={data?.errors} required />
              </div>
              <Field name="purpose" label={tr("deliveries.new.purpose")} hint={tr("deliveries.new.purposeHint")} maxLength={500} defaultValue={v.purpose ?? ""} errors={data?.errors} required />
              {/* Left enabled while sending (focus stays on it): the form's key makes a second press record nothing more. */}
              <button className="btn" aria-busy={navigation.state === "submitting" || undefined}>
                {tr("deliveries.new.submit")}
              </button>
            </Form>
            {data?.formError || data?.errors ? <Alert kind="info">{tr("deliveries.new.nothingWritten")}</Alert> : null}
          </>
        )}
      </section>
    </>
  );
}
