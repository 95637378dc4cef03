import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { listForSite, setParcelKeepDays, type SiteFilter } from "~/modules/deliveries/deliveries.server";
import { KeepDaysForm } from "~/modules/deliveries/schemas.server";
import { DeliveryTable } from "~/modules/deliveries/components";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
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
  const list = await listForSite(await getDb(), { siteCode: params.siteCode ?? "", filter: show });
  if (!list) notFound();
  return json({ show, ...list, canSet: operatorCan(user.operatorRole, "deliveries:handle") });
}

type ActionData = { errors?: FieldErrors; formError?: MessageKey; notice?: MessageKey; values?: Record<string, string> };

/** The site's keeping period (days a received parcel may stay before it is flagged). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "deliveries:handle");
  const site = await listForSite(await getDb(), { siteCode: params.siteCode ?? "", filter: "done" });
  if (!site) notFound();
  const values = formDataObject(await readForm(request));
  const parsed = parseForm(KeepDaysForm, values);
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors, values }, { status: 400 });
  const result = await inTransactionOrRollback((trx) => setParcelKeepDays(trx, { actor: { id: user.id, email: user.email, ip: clientIp(context) }, siteId: site.site.id, days: parsed.data.parcelKeepDays }));
  if (!result.ok) return json<ActionData>({ formError: `deliveries.error.${result.error}` as MessageKey, values }, { status: 409 });
  return json<ActionData>({ notice: "deliveries.keepDays.done" });
}

export default function OpsSiteDeliveries() {
  const { show, site, deliveries, canSet } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
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
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
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
          <FormErrors formError={data?.formError} errors={data?.errors} />
          <Form method="post" noValidate>
            <Field
              name="parcelKeepDays"
              type="number"
              inputMode="numeric"
              min={1}
              max={365}
              step={1}
              label={tr("deliveries.keepDays.label")}
              hint={tr("deliveries.keepDays.hint")}
              defaultValue={data?.values?.parcelKeepDays ?? String(site.parcel_keep_days)}
              errors={data?.errors}
              required
            />
            <button className="btn btn--secondary" disabled={navigation.state === "submitting"}>
              {tr("deliveries.keepDays.submit")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
