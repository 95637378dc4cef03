import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { newClientKey, registerVisit, visitFormOptions } from "~/modules/siteaccess/visits.server";
import { VisitForm } from "~/modules/siteaccess/schemas.server";
import { refusal } from "~/modules/siteaccess/http.server";
import { idRetentionDays } from "~/modules/siteaccess/daily.server";
import { ID_DOC_TYPES } from "~/modules/siteaccess/shared";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Field, FormErrors, SelectField } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET/POST /app/desk/visits/new — register a visitor at a site where the organisation holds racks. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "desk:order");
  const sites = await visitFormOptions(await getDb(), { orgId: user.orgId });
  return json({ sites, clientKey: newClientKey(), retentionDays: idRetentionDays(), canRegister: tenantCan(user.role, "desk:order") });
}

type ActionData = { errors?: FieldErrors; formError?: MessageKey; values?: Record<string, string>; rackIds?: string[] };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "desk:order");
  const form = await readForm(request);
  const values = formDataObject(form);
  const rackIds = form.getAll("rackIds").filter((v): v is string => typeof v === "string");
  const parsed = parseForm(VisitForm, { ...values, rackIds });
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors, values, rackIds }, { status: 400 });
  const actor = { id: user.id, email: user.email, ip: clientIp(context), orgId: user.orgId, role: user.role };
  const result = await inTransactionOrRollback((trx) => registerVisit(trx, { actor, ...parsed.data, baseUrl: baseUrl(request) }));
  if (!result.ok) {
    const r = refusal(result.error);
    return json<ActionData>({ errors: r.field ? { [r.field]: r.key } : undefined, formError: r.key, values, rackIds }, { status: r.status === 404 ? 400 : r.status });
  }
  return redirect(`/app/desk/visits/${result.visitId}`);
}

export default function NewVisit() {
  const { sites, clientKey, retentionDays } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const tr = useT();
  const format = useFormat();
  const v = data?.values ?? {};
  const [siteId, setSiteId] = useState<string>(v.siteId ?? sites[0]?.id ?? "");
  const site = sites.find((s) => s.id === siteId) ?? sites[0];
  const chosen = new Set(data?.rackIds ?? []);
  const errors = data?.errors;
  return (
    <>
      <p>
        <Link to="/app/desk/visits">← {tr("siteaccess.new.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("siteaccess.new.title")}</h1>
          <p className="muted">{tr("siteaccess.new.intro")}</p>
        </div>
      </div>
      {sites.length === 0 ? (
        <section className="card">
          <p className="muted">{tr("siteaccess.new.noRacks")}</p>
        </section>
      ) : (
        <section className="card">
          <FormErrors formError={data?.formError} errors={errors} />
          <Form method="post" noValidate>
            <input type="hidden" name="clientKey" value={v.clientKey ?? clientKey} />
            <div className="form-grid">
              <div className={`field${errors?.siteId ? " field--error" : ""}`}>
                <label htmlFor="f-siteId">{tr("siteaccess.field.site")}</label>
                <select id="f-siteId" name="siteId" value={siteId} onChange={(e) => setSiteId(e.target.value)} aria-invalid={errors?.siteId ? true : undefined}>
                  {sites.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.code} · {s.name}
                    </option>
                  ))}
                </select>
                {errors?.siteId ? (
                  <p className="field-error" role="alert">
                    {tr(errors.siteId)}
                  </p>
                ) : null}
              </div>
              <Field
                name="visitOn"
                type="date"
                label={tr("siteaccess.field.visitOn")}
                hint={tr("siteaccess.field.visitOnHint")}
                min={site?.today}
                defaultValue={v.visitOn ?? site?.today ?? ""}
                errors={errors}
                required
              />
              <Field name="windowStart" type="time" label={tr("siteaccess.field.windowStart")} hint={tr("siteaccess.field.windowHint")} defaultValue={v.windowStart ?? "09:00"} errors={errors} required />
              <Field name="windowEnd" type="time" label={tr("siteaccess.field.windowEnd")} hint={tr("siteaccess.field.windowHint")} defaultValue={v.windowEnd ?? "17:00"} errors={errors} required />
              <Field name="visitorName" label={tr("siteaccess.field.visitorName")} maxLength={120} autoComplete="off" defaultValue={v.visitorName ?? ""} errors={errors} required />
              <Field name="company" label={tr("siteaccess.field.company")} maxLength={120} defaultValue={v.company ?? ""} errors={errors} required />
              <SelectField
                name="idDocType"
                label={tr("siteaccess.field.idDocType")}
                options={ID_DOC_TYPES.map((d) => ({ value: d, label: tr(`siteaccess.doc.${d}`) }))}
                defaultValue={v.idDocType ?? "national_id"}
                errors={errors}
              />
              <Field
                name="idDocNumber"
                label={tr("siteaccess.field.idDocNumber")}
                hint={tr("siteaccess.field.idDocNumberHint", { days: retentionDays })}
                maxLength={40}
                autoComplete="off"
                defaultValue={v.idDocNumber ?? ""}
                errors={errors}
                required
              />
            </div>
            <fieldset className={errors?.rackIds ? "field--error" : undefined} aria-describedby={errors?.rackIds ? "f-rackIds-error" : "f-rackIds-hint"}>
              <legend>{tr("siteaccess.field.racks")}</legend>
              {site?.racks.map((r) => (
                <label key={r.id} className="check">
                  <input type="checkbox" name="rackIds" value={r.id} defaultChecked={chosen.has(r.id) || site.racks.length === 1} />
                  {r.untilOn
                    ? tr("siteaccess.field.rackHeldUntil", { rack: r.name, room: r.room, from: format.date(r.fromOn), until: format.date(r.untilOn) })
                    : tr("siteaccess.field.rackHeld", { rack: r.name, room: r.room, from: format.date(r.fromOn) })}
                </label>
              ))}
              {errors?.rackIds ? (
                <p className="field-error" id="f-rackIds-error" role="alert">
                  {tr(errors.rackIds)}
                </p>
              ) : (
                <p className="hint" id="f-rackIds-hint">
                  {tr("siteaccess.field.racksHint")}
                </p>
              )}
            </fieldset>
            <label className="check">
              <input type="checkbox" name="escortNeeded" value="on" defaultChecked={v.escortNeeded === "on"} />
              {tr("siteaccess.field.escort")}
            </label>
            <p>
              <button className="btn" disabled={busy}>
                {tr("siteaccess.new.submit")}
              </button>
            </p>
          </Form>
        </section>
      )}
    </>
  );
}
