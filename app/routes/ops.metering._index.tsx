import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { listSites } from "~/modules/inventory/sites.server";
import { attachMeter, createMeter, listMeters } from "~/modules/metering/meters.server";
import { AttachMeterForm, NewMeterForm, pickSite } from "~/modules/metering/schemas.server";
import { listContracts } from "~/modules/requests/contracts.server";
import { shortRef } from "~/modules/requests/requests.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors, SelectField } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";
import { dayIn } from "~/utils/dates";

const METER_KINDS_OPTIONS = ["power", "bandwidth"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const url = new URL(request.url);
  const db = await getDb();
  const sites = await listSites(db);
  const site = pickSite(sites, url.searchParams.get("site"));
  if (!site) notFound();
  // Today at the site: what each meter measures now, and the default first day of an attachment.
  const today = dayIn(site.time_zone);
  const [meters, contracts] = await Promise.all([listMeters(db, site.id, today), listContracts(db, { operator: true, status: ["active", "upcoming"] })]);
  return json({
    sites: sites.map((s) => ({ code: s.code, name: s.name })),
    site: { code: site.code, name: site.name, timeZone: site.time_zone },
    today,
    canManage: operatorCan(user.operatorRole, "usage:manage"),
    selectedMeter: url.searchParams.get("meter") ?? "",
    meters: meters.map((m) => ({
      id: m.id,
      externalId: m.external_id,
      kind: m.kind,
      description: m.description,
      contractId: m.contract_id,
      contractRef: m.contract_id ? shortRef(m.contract_id) : null,
      orgName: m.org_name,
      attachedOn: m.attached_on,
      /** An attachment that starts after today: shown as upcoming ("from …"), not as current. */
      upcoming: m.upcoming_on
        ? { on: m.upcoming_on, contractId: m.upcoming_contract_id!, contractRef: shortRef(m.upcoming_contract_id!), orgName: m.upcoming_org_name }
        : null,
      lastSampleAt: m.last_sample_at,
    })),
    contracts: contracts
      .filter((c) => c.site_code === site.code)
      .map((c) => ({ id: c.id, ref: shortRef(c.id), orgName: c.org_name, startOn: c.start_on, endOn: c.end_on })),
  });
}

type Intent = "create" | "attach";
type ActionData = {
  intent: Intent | "";
  errors?: FieldErrors;
  formError?: MessageKey;
  values?: Record<string, string>;
  /** What was just created or attached: resets the form and names it in the notice. */
  done?: { meterId: string; externalId?: string; contractId?: string; fromOn?: string };
};

const attachErrors = {
  wrong_site: { contractId: "meteringOps.error.wrongSite" },
  before_contract: { fromOn: "meteringOps.error.outsideContract" },
  overlap: { fromOn: "meteringOps.error.overlap" },
} as const satisfies Record<string, FieldErrors>;

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "usage:manage");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const form = formDataObject(await readForm(request));
  const site = pickSite(await listSites(await getDb()), form.site ?? new URL(request.url).searchParams.get("site"));
  if (!site) notFound();
  const intent = (["create", "attach"] as const).find((i) => i === form.intent) ?? "";
  const reply = (data: Omit<ActionData, "intent">, status = 200) => json<ActionData>({ intent, ...data }, { status });
  const invalid = (errors: FieldErrors) => reply({ errors, values: form }, 400);

  switch (intent) {
    case "create": {
      const parsed = parseForm(NewMeterForm, form);
      if (!parsed.ok) return invalid(parsed.errors);
      const result = await inTransactionOrRollback((trx) => createMeter(trx, { siteId: site.id, ...parsed.data, actor }));
      // Another meter (perhaps created at the same instant) holds this id at the site.
      if (!result.ok) return reply({ errors: { externalId: "meteringOps.error.externalIdTaken" }, values: form }, 409);
      return reply({ done: { meterId: result.meterId, externalId: parsed.data.externalId } });
    }
    case "attach": {
      const parsed = parseForm(AttachMeterForm, form);
      if (!parsed.ok) return invalid(parsed.errors);
      const result = await inTransactionOrRollback((trx) => attachMeter(trx, { ...parsed.data, actor }));
      if (!result.ok) {
        if (result.error === "not_found") notFound();
        return invalid(attachErrors[result.error]);
      }
      return reply({ done: parsed.data });
    }
    default:
      return reply({ formError: "error.invalid" }, 400);
  }
}

export default function Meters() {
  const { sites, site, today, canManage, meters, contracts, selectedMeter } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const busy = (intent: Intent) => navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  const mine = (intent: Intent) => (data?.intent === intent ? data : undefined);
  const value = (intent: Intent, name: string, fallback = "") => mine(intent)?.values?.[name] ?? fallback;
  const formKey = (intent: Intent) => `${site.code}-${intent}-${mine(intent)?.done?.meterId ?? ""}-${mine(intent)?.done?.fromOn ?? ""}`;
  const q = `?site=${site.code}`;

  const notice = (() => {
    const done = data?.done;
    if (!done) return null;
    if (data.intent === "create") return tr("meteringOps.meters.created", { meter: done.externalId ?? "" });
    const meter = meters.find((m) => m.id === done.meterId)?.externalId ?? "";
    const contract = contracts.find((c) => c.id === done.contractId);
    return tr("meteringOps.meters.attached", { meter, org: contract?.orgName ?? "", ref: contract?.ref ?? "", date: format.date(done.fromOn ?? today) });
  })();

  const meterOptions = [
    { value: "", label: tr("meteringOps.attach.chooseMeter") },
    ...meters.map((m) => ({ value: m.id, label: `${m.externalId} — ${tr(`meteringOps.kind.${m.kind}`)}` })),
  ];
  const contractOptions = [
    { value: "", label: tr("meteringOps.attach.chooseContract") },
    ...contracts.map((c) => ({
      value: c.id,
      label: tr(c.endOn ? "meteringOps.attach.contractOptionEnds" : "meteringOps.attach.contractOption", {
        org: c.orgName,
        ref: c.ref,
        start: format.date(c.startOn),
        end: c.endOn ? format.date(c.endOn) : "",
      }),
    })),
  ];

  return (
    <>
      <nav className="filters metering-sites" aria-label={tr("meteringOps.site.label")}>
        {sites.map((s) => (
          <Link key={s.code} to={`?site=${s.code}`} className={s.code === site.code ? "active" : undefined} aria-current={s.code === site.code ? "page" : undefined}>
            <strong>{s.code}</strong> <span className="hide-xs">{s.name}</span>
          </Link>
        ))}
      </nav>

      {notice ? <Alert kind="success">{notice}</Alert> : null}
      {data?.intent === "" ? <FormErrors formError={data.formError} /> : null}
      {!canManage ? <Alert kind="info">{tr("meteringOps.readOnly")}</Alert> : null}

      <section className="card" aria-labelledby="meters-title">
        <div className="metering-card-head">
          <h2 id="meters-title">{tr("meteringOps.meters.title", { site: site.name })}</h2>
          <span className="muted small">{tr("meteringOps.meters.timeZone", { timeZone: site.timeZone })}</span>
        </div>
        {meters.length === 0 ? (
          <p className="muted">{tr("meteringOps.meters.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table metering-table metering-stack">
              <thead>
                <tr>
                  <th scope="col">{tr("meteringOps.meters.externalId")}</th>
                  <th scope="col">{tr("meteringOps.meters.kind")}</th>
                  <th scope="col">{tr("meteringOps.meters.contract")}</th>
                  <th scope="col">{tr("meteringOps.meters.since")}</th>
                  <th scope="col">{tr("meteringOps.meters.lastSample")}</th>
                  {canManage ? (
                    <th scope="col">
                      <span className="visually-hidden">{tr("meteringOps.meters.actions")}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {meters.map((m) => (
                  <tr key={m.id} className={mine("create")?.done?.meterId === m.id ? "row-highlight" : undefined}>
                    <td className="metering-stack-head">
                      <div>
                        <span className="mono metering-id">{m.externalId}</span>
                        {m.description ? <div className="muted small">{m.description}</div> : null}
                      </div>
                    </td>
                    <td data-label={tr("meteringOps.meters.kind")}>
                      <span>
                        <span className={`badge badge--meter-${m.kind}`}>{tr(`meteringOps.kind.${m.kind}`)}</span>
                      </span>
                    </td>
                    <td data-label={tr("meteringOps.meters.contract")}>
                      {m.contractId ? (
                        <div>
                          <div>{m.orgName}</div>
                          <Link to={`/ops/contracts/${m.contractId}`} className="mono small">
                            {m.contractRef}
                          </Link>
                        </div>
                      ) : (
                        <span className="muted">{tr(m.upcoming ? "meteringOps.meters.notYetAttached" : "meteringOps.meters.notAttached")}</span>
                      )}
                      {m.upcoming ? (
                        <div className="small metering-upcoming">
                          <span className="badge badge--pending">{tr("meteringOps.meters.upcoming")}</span>{" "}
                          {tr("meteringOps.meters.upcomingFrom", { date: format.date(m.upcoming.on), org: m.upcoming.orgName ?? "" })}{" "}
                          <Link to={`/ops/contracts/${m.upcoming.contractId}`} className="mono">
                            {m.upcoming.contractRef}
                          </Link>
                        </div>
                      ) : null}
                    </td>
                    <td className="nowrap" data-label={tr("meteringOps.meters.since")}>
                      <span>{m.attachedOn ? format.date(m.attachedOn) : <span className="muted">—</span>}</span>
                    </td>
                    <td className="nowrap" data-label={tr("meteringOps.meters.lastSample")}>
                      <span>{m.lastSampleAt ? format.dateTime(m.lastSampleAt, site.timeZone) : <span className="muted">{tr("meteringOps.meters.noSample")}</span>}</span>
                    </td>
                    {canManage ? (
                      <td className="actions">
                        <Link to={`${q}&meter=${m.id}#attach`} className="btn btn--small btn--secondary">
                          {m.contractId ? tr("meteringOps.meters.reattach") : tr("meteringOps.meters.attach")}
                        </Link>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {canManage ? (
        <div className="grid-2 grid-2--top metering-grid">
          <section className="card" aria-labelledby="create-title">
            <h2 id="create-title">{tr("meteringOps.create.title")}</h2>
            {mine("create") ? <FormErrors formError={mine("create")?.formError} errors={mine("create")?.errors} /> : null}
            <Form method="post" noValidate key={formKey("create")}>
              <input type="hidden" name="intent" value="create" />
              <input type="hidden" name="site" value={site.code} />
              <Field
                name="externalId"
                label={tr("meteringOps.meters.externalId")}
                errors={mine("create")?.errors}
                defaultValue={value("create", "externalId")}
                hint={tr("meteringOps.create.externalIdHint", { site: site.code })}
                maxLength={100}
                autoComplete="off"
                spellCheck={false}
                required
              />
              <SelectField
                name="kind"
                label={tr("meteringOps.meters.kind")}
                errors={mine("create")?.errors}
                defaultValue={value("create", "kind", "power")}
                options={METER_KINDS_OPTIONS.map((k) => ({ value: k, label: tr(`meteringOps.kind.${k}`) }))}
              />
              <Field
                name="description"
                label={tr("meteringOps.meters.description")}
                errors={mine("create")?.errors}
                defaultValue={value("create", "description")}
                maxLength={200}
                optional
              />
              <button className="btn" disabled={busy("create")}>
                {tr("meteringOps.create.submit")}
              </button>
            </Form>
          </section>

          <section className="card" id="attach" aria-labelledby="attach-title">
            <h2 id="attach-title">{tr("meteringOps.attach.title")}</h2>
            <p className="muted small">{tr("meteringOps.attach.help")}</p>
            {mine("attach") ? <FormErrors formError={mine("attach")?.formError} errors={mine("attach")?.errors} /> : null}
            {meters.length === 0 ? (
              <p className="muted">{tr("meteringOps.attach.noMeters")}</p>
            ) : contracts.length === 0 ? (
              <p className="muted">{tr("meteringOps.attach.noContracts", { site: site.code })}</p>
            ) : (
              <Form method="post" noValidate key={`${formKey("attach")}-${selectedMeter}`}>
                <input type="hidden" name="intent" value="attach" />
                <input type="hidden" name="site" value={site.code} />
                <SelectField
                  name="meterId"
                  label={tr("meteringOps.attach.meter")}
                  errors={mine("attach")?.errors}
                  defaultValue={value("attach", "meterId", selectedMeter)}
                  options={meterOptions}
                />
                <SelectField
                  name="contractId"
                  label={tr("meteringOps.attach.contract")}
                  errors={mine("attach")?.errors}
                  defaultValue={value("attach", "contractId")}
                  options={contractOptions}
                />
                <div className="field--date">
                  <Field
                    name="fromOn"
                    type="date"
                    label={tr("meteringOps.attach.fromOn")}
                    errors={mine("attach")?.errors}
                    defaultValue={value("attach", "fromOn", today)}
                    hint={tr("meteringOps.attach.fromOnHint")}
                    required
                  />
                </div>
                <button className="btn" disabled={busy("attach")}>
                  {tr("meteringOps.attach.submit")}
                </button>
              </Form>
            )}
          </section>
        </div>
      ) : null}
    </>
  );
}
