import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { listForSite, recordUnannounced, setParcelKeepDays, tenantsAt, type Result, type SiteFilter } from "~/modules/deliveries/deliveries.server";
import { KeepDaysForm, UnannouncedForm } from "~/modules/deliveries/schemas.server";
import { MAX_PARCELS } from "~/modules/deliveries/shared";
import { DeliveryTable } from "~/modules/deliveries/components";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

const FILTERS = ["queue", "upcoming", "done"] as const satisfies readonly SiteFilter[];

/** GET/POST /ops/desk/:siteCode/deliveries?show= — a site's deliveries (by default its queue: expected by today, then waiting at the site) and its keeping period. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const param = new URL(request.url).searchParams.get("show") ?? "queue";
  const show: SiteFilter = (FILTERS as readonly string[]).includes(param) ? (param as SiteFilter) : "queue";
  const db = await getDb();
  const list = await listForSite(db, { siteCode: params.siteCode ?? "", filter: show });
  if (!list) notFound();
  const canSet = operatorCan(user.operatorRole, "deliveries:handle");
  return json({ show, ...list, canSet, tenants: canSet ? await tenantsAt(db, { siteId: list.site.id, today: list.site.today }) : [] });
}

type Intent = "keepDays" | "unannounced";
type ActionData = { intent?: Intent; deliveryId?: string; errors?: FieldErrors; formError?: MessageKey; notice?: MessageKey; values?: Record<string, string> };

/** The site's keeping period (days a received parcel may stay before it is flagged), and a parcel nobody announced. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "deliveries:handle");
  const site = await listForSite(await getDb(), { siteCode: params.siteCode ?? "", filter: "done" });
  if (!site) notFound();
  const values = formDataObject(await readForm(request));
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const intent = values.intent as Intent;
  let result: Result<{ deliveryId?: string }>;
  if (intent === "keepDays") {
    const parsed = parseForm(KeepDaysForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => setParcelKeepDays(trx, { actor, siteId: site.site.id, days: parsed.data.parcelKeepDays }));
  } else if (intent === "unannounced") {
    const parsed = parseForm(UnannouncedForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => recordUnannounced(trx, { actor, siteId: site.site.id, ...parsed.data, baseUrl: baseUrl(request) }));
  } else {
    return json<ActionData>({ formError: "error.invalid" }, { status: 400 });
  }
  if (!result.ok) {
    const key = `deliveries.error.${result.error}` as MessageKey;
    if (result.error === "no_contract") return json<ActionData>({ intent, errors: { orgId: key }, formError: key, values }, { status: 400 });
    return json<ActionData>({ intent, formError: key, values }, { status: 409 });
  }
  return json<ActionData>({ intent, deliveryId: result.deliveryId, notice: intent === "keepDays" ? "deliveries.keepDays.done" : "deliveries.done.unannounced" });
}

export default function OpsSiteDeliveries() {
  const { show, site, deliveries, canSet, tenants } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const of = (intent: Intent) => (data?.intent === intent ? data : undefined);
  const u = of("unannounced");
  const uError = (name: string) => (u?.errors?.[name] ? tr(u.errors[name]!) : null);
  return (
    <>
      <p>
        <Link to={`/ops/desk/${site.code}`}>← {site.code}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("deliveries.ops.title", { site: `${site.code} · ${site.name}` })}</h1>
          <p className="muted">
            {tr("deliveries.ops.lead", { days: site.parcel_keep_days })} · {format.date(site.today)}
          </p>
        </div>
      </div>
      {data?.notice ? (
        <Alert kind="success">
          {tr(data.notice)}
          {data.deliveryId ? (
            <>
              {" "}
              <Link to={`/ops/desk/deliveries/${data.deliveryId}`}>{tr("deliveries.detail.title", { ref: `DL-${data.deliveryId.slice(0, 8).toUpperCase()}` })}</Link>
            </>
          ) : null}
        </Alert>
      ) : null}
      <section className="card" aria-labelledby="site-deliveries">
        <h2 id="site-deliveries">{tr("deliveries.list.count", { count: deliveries.length })}</h2>
        <Form method="get" className="inline-form">
          <label htmlFor="f-show">{tr("deliveries.filter.label")}</label>{" "}
          <select id="f-show" name="show" defaultValue={show}>
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {tr(`deliveries.ops.filter.${f}`)}
              </option>
            ))}
          </select>{" "}
          <button className="btn btn--small btn--secondary">{tr("deliveries.filter.submit")}</button>
        </Form>
        {deliveries.length === 0 ? <p className="muted">{tr("deliveries.list.empty")}</p> : <DeliveryTable deliveries={deliveries} base="/ops/desk/deliveries" showOrg />}
      </section>
      {canSet ? (
        <section className="card" aria-labelledby="keep-days">
          <h2 id="keep-days">{tr("deliveries.keepDays.title")}</h2>
          <FormErrors formError={of("keepDays")?.formError} errors={of("keepDays")?.errors} />
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="keepDays" />
            <Field
              name="parcelKeepDays"
              type="number"
              inputMode="numeric"
              min={1}
              max={365}
              step={1}
              label={tr("deliveries.keepDays.label")}
              hint={tr("deliveries.keepDays.hint")}
              defaultValue={of("keepDays")?.values?.parcelKeepDays ?? String(site.parcel_keep_days)}
              errors={of("keepDays")?.errors}
              required
            />
            <button className="btn btn--secondary" disabled={navigation.state === "submitting"}>
              {tr("deliveries.keepDays.submit")}
            </button>
          </Form>
        </section>
      ) : null}
      {canSet ? (
        <section className="card" aria-labelledby="unannounced">
          <h2 id="unannounced">{tr("deliveries.unannounced.title")}</h2>
          <p className="hint">{tr("deliveries.unannounced.intro")}</p>
          <FormErrors formError={u?.errors ? undefined : u?.formError} errors={u?.errors} />
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="unannounced" />
            <div className={`field${uError("orgId") ? " field--error" : ""}`}>
              <label htmlFor="f-orgId">{tr("deliveries.unannounced.org")}</label>
              <select id="f-orgId" name="orgId" defaultValue={u?.values?.orgId ?? ""} aria-invalid={uError("orgId") ? true : undefined}>
                <option value="">{tr("deliveries.unannounced.choose")}</option>
                {tenants.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
              {uError("orgId") ? (
                <p className="field-error" role="alert">
                  {uError("orgId")}
                </p>
              ) : null}
            </div>
            <Field name="carrier" label={tr("deliveries.new.carrier")} maxLength={80} defaultValue={u?.values?.carrier ?? ""} errors={u?.errors} required autoComplete="off" />
            <Field name="trackingNumber" label={tr("deliveries.new.tracking")} maxLength={100} defaultValue={u?.values?.trackingNumber ?? ""} errors={u?.errors} required autoComplete="off" />
            <Field name="purpose" label={tr("deliveries.unannounced.purpose")} maxLength={500} defaultValue={u?.values?.purpose ?? ""} errors={u?.errors} required />
            <Field name="parcelsReceived" type="number" inputMode="numeric" min={1} max={MAX_PARCELS} step={1} label={tr("deliveries.receive.parcels")} defaultValue={u?.values?.parcelsReceived ?? "1"} errors={u?.errors} required />
            <fieldset className="field">
              <legend>{tr("deliveries.receive.condition")}</legend>
              {(["good", "damaged"] as const).map((c) => (
                <label key={c} className="check">
                  <input type="radio" name="condition" value={c} defaultChecked={(u?.values?.condition ?? "good") === c} /> {tr(`deliveries.condition.${c}`)}
                </label>
              ))}
            </fieldset>
            <Field name="damageNote" label={tr("deliveries.receive.damageNote")} hint={tr("deliveries.receive.damageHint")} maxLength={1000} defaultValue={u?.values?.damageNote ?? ""} errors={u?.errors} optional />
            <button className="btn btn--secondary" disabled={navigation.state === "submitting"}>
              {tr("deliveries.unannounced.submit")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
