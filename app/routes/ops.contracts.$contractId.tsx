import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type SerializeFrom } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import type { ProductKind } from "#db/schema";
import { forbidden, notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { applyTermination, getContract, rejectChange } from "~/modules/requests/contracts.server";
import { pendingAmendmentOf } from "~/modules/contracts/amendments.server";
import { ContractVersions } from "~/components/contract-versions";
import { shortRef } from "~/modules/requests/requests.server";
import { RejectForm, TerminationForm } from "~/modules/requests/schemas.server";
import { siteRacks } from "~/modules/inventory/capacity.server";
import { lineAmount, vatMinor } from "~/modules/billing/money";
import { ChargeError, recordOneOff, waiveEarlyTermination } from "~/modules/billing/charges.server";
import { earlyTermination } from "~/modules/billing/compute";
import { CHARGE_ERRORS, contractChargesView, otherChargeForm, RemoteHandsForm, WaiveForm } from "~/modules/billing/ops-forms.server";
import { siteToday } from "~/utils/dates";
import { parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransaction, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { QuoteSummary } from "~/components/quote-summary";
import { RackElevation } from "~/components/rack-elevation";
import { useFormat, useLocale, useT } from "~/components/i18n";
import { currencyDecimals, minorToDecimalString, type MessageKey } from "~/i18n/format";

const LINE_ORDER: ProductKind[] = [
  "rack_unit",
  "half_rack",
  "full_rack",
  "cage",
  "power_commit_kw",
  "bandwidth_commit_mbps",
  "cross_connect",
  "energy_kwh",
  "bandwidth_overage_mbps",
  "remote_hands_hour",
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const db = await getDb();
  const contract = await getContract(db, { operator: true }, params.contractId ?? "");
  if (!contract) notFound();
  const rackIds = new Set(contract.allocations.map((a) => a.rack_id));
  const racks = rackIds.size ? (await siteRacks(db, contract.site_id, { startOn: contract.start_on, endOn: contract.end_on })).filter((r) => rackIds.has(r.id)) : [];
  const setupMinor = contract.lines.reduce((s, l) => s + lineAmount(l.setup_fee_minor, l.quantity), 0);
  const monthlyVat = vatMinor(contract.monthlyMinor, contract.vat_rate_bp, contract.is_vat_exempt);
  const firstMonthVat = vatMinor(contract.monthlyMinor + setupMinor, contract.vat_rate_bp, contract.is_vat_exempt);
  const charges = await contractChargesView(db, contract);
  const today = siteToday(contract.time_zone);
  return json({
    versions: contract.versions,
    pendingAmendment: await pendingAmendmentOf(db, contract.id),
    canDecide: operatorCan(user.operatorRole, "requests:approve"),
    canRemoteHands: operatorCan(user.operatorRole, "charges:remote_hands"),
    canOtherCharge: operatorCan(user.operatorRole, "charges:other"),
    charges: {
      list: charges.charges,
      earlyTermination: charges.earlyTermination ? { fromOn: charges.earlyTermination.fromOn, toOn: charges.earlyTermination.toOn, amountMinor: charges.earlyTermination.amountMinor } : null,
      waiver: charges.waiver,
      // The form's default day: the site's today, inside the contract's dates.
      defaultOn: contract.end_on && contract.end_on < today ? contract.end_on : today < contract.start_on ? contract.start_on : today,
    },
    contract: {
      id: contract.id,
      ref: shortRef(contract.id),
      orgId: contract.org_id,
      orgName: contract.org_name,
      isVatExempt: contract.is_vat_exempt,
      siteCode: contract.site_code,
      siteName: contract.site_name,
      currency: contract.currency,
      vatRateBp: contract.vat_rate_bp,
      status: contract.status,
      startOn: contract.start_on,
      endOn: contract.end_on,
      termMonths: contract.term_months,
      bandwidthMbps: contract.bandwidthCommitMbps,
      createdAt: contract.created_at,
      requestId: contract.request_id,
      requestRef: contract.request_id ? shortRef(contract.request_id) : null,
      // What was asked first (in the request form's order), then what is metered.
      lines: contract.lines
        .map((l) => ({ ...l, monthlyMinor: lineAmount(l.unit_price_minor, l.quantity), setupMinor: lineAmount(l.setup_fee_minor, l.quantity) }))
        .sort((a, b) => Number(b.quantity > 0) - Number(a.quantity > 0) || LINE_ORDER.indexOf(a.kind) - LINE_ORDER.indexOf(b.kind)),
      allocations: contract.allocations,
      ports: contract.ports,
      changes: contract.changes.map((c) => ({
        id: c.id,
        kind: c.kind,
        status: c.status,
        requestedEndOn: c.requested_end_on,
        details: c.details,
        requestedAt: c.requested_at,
        decidedAt: c.decided_at,
        note: c.decision_note,
      })),
    },
    totals: {
      monthlyMinor: contract.monthlyMinor,
      setupMinor,
      subtotalMinor: contract.monthlyMinor + setupMinor,
      vatMinor: firstMonthVat,
      totalMinor: contract.monthlyMinor + setupMinor + firstMonthVat,
      monthlyTotalMinor: contract.monthlyMinor + monthlyVat,
    },
    racks: racks.map((r) => ({
      id: r.id,
      name: r.name,
      roomName: r.room_name,
      heightU: r.height_u,
      status: r.status,
      allocations: r.allocations.map((a) => ({
        firstU: a.first_u,
        lastU: a.last_u,
        label: a.org_name,
        kind: a.kind,
        highlight: a.contract_id === contract.id,
        detail: `${a.power_w} W`,
      })),
    })),
  });
}

type ActionData = { changeId: string; intent: "apply" | "decline"; formError?: MessageKey; errors?: FieldErrors; values?: Record<string, string> };
type ChargeIntent = "remote_hands" | "other_charge" | "waive";
type ChargeActionData = { intent: ChargeIntent; formError?: MessageKey; errors?: FieldErrors; values?: Record<string, string> };

/** Each charge form: the permission it needs and the form field a ChargeError's field is shown beside. */
const CHARGE_FORMS: Record<ChargeIntent, { permission: "charges:remote_hands" | "charges:other"; fields: Partial<Record<string, string>> }> = {
  remote_hands: { permission: "charges:remote_hands", fields: { on: "rhOn", quantity: "rhHours", description: "rhNote" } },
  other_charge: { permission: "charges:other", fields: { on: "otherOn", amount: "otherAmount", description: "otherDescription" } },
  waive: { permission: "charges:other", fields: { reason: "waiveReason" } },
};
const isChargeIntent = (v: unknown): v is ChargeIntent => typeof v === "string" && Object.hasOwn(CHARGE_FORMS, v);

export async function action({ request, params, context }: ActionFunctionArgs) {
  // Every operator may open the page; each form checks its own permission below (403 otherwise).
  const user = await requireOperator(request, "orgs:read");
  const db = await getDb();
  const contract = await getContract(db, { operator: true }, params.contractId ?? "");
  if (!contract) notFound();
  const formData = await readForm(request);
  const chargeIntent = formData.get("intent");
  if (isChargeIntent(chargeIntent)) {
    if (!operatorCan(user.operatorRole, CHARGE_FORMS[chargeIntent].permission)) forbidden();
    return chargeAction(chargeIntent, formData, contract, { id: user.id, email: user.email, ip: clientIp(context) });
  }
  if (!operatorCan(user.operatorRole, "requests:approve")) forbidden();
  const changeId = String(formData.get("changeId") ?? "");
  // Only a change of this contract can be decided from its page.
  const change = contract.changes.find((c) => c.id === changeId);
  if (!change) notFound();
  const intent = formData.get("intent");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const text = (name: string) => String(formData.get(name) ?? "").slice(0, 2000);

  if (intent === "apply" && change.kind === "termination") {
    const values = { endOn: text("endOn"), details: text("details") };
    const parsed = parseForm(TerminationForm, formData);
    if (!parsed.ok) return json<ActionData>({ changeId, intent, errors: parsed.errors, values }, { status: 400 });
    const result = await inTransactionOrRollback((trx) => applyTermination(trx, { changeId, endOn: parsed.data.endOn, note: parsed.data.details, actor, baseUrl: baseUrl(request) }));
    if (result.ok) return redirect(`/ops/contracts/${contract.id}?done=applied`);
    if (result.error === "not_found") notFound();
    if (result.error === "end_before_start") return json<ActionData>({ changeId, intent, errors: { endOn: "approvals.error.end_before_start" }, values }, { status: 400 });
    return json<ActionData>({ changeId, intent, formError: "approvals.error.not_active", values }, { status: 409 });
  }

  if (intent === "decline") {
    const values = { reason: text("reason") };
    const parsed = parseForm(RejectForm, formData);
    if (!parsed.ok) return json<ActionData>({ changeId, intent, errors: parsed.errors, values }, { status: 400 });
    const result = await inTransactionOrRollback(async (trx) => ({ ok: await rejectChange(trx, { changeId, actor, note: parsed.data.reason }) }));
    if (!result.ok) return json<ActionData>({ changeId, intent, formError: "approvals.error.not_active", values }, { status: 409 });
    return redirect(`/ops/contracts/${contract.id}?done=declined`);
  }

  return json<ActionData>({ changeId, intent: "decline", formError: "approvals.error.intent" }, { status: 400 });
}

/** A one-off charge or a waiver: parse, one call into the billing module, ChargeError → a localized 4xx (nothing written). */
async function chargeAction(
  intent: ChargeIntent,
  formData: FormData,
  contract: NonNullable<Awaited<ReturnType<typeof getContract>>>,
  actor: { id: string; email: string; ip: string | null },
) {
  const values: Record<string, string> = {};
  for (const name of Object.values(CHARGE_FORMS[intent].fields)) values[name!] = String(formData.get(name!) ?? "").slice(0, 2000);
  const refuse = (body: Omit<ChargeActionData, "intent" | "values">, status: number) => json<ChargeActionData>({ intent, values, ...body }, { status });
  try {
    if (intent === "remote_hands") {
      const parsed = parseForm(RemoteHandsForm, formData);
      if (!parsed.ok) return refuse({ errors: parsed.errors }, 400);
      await inTransaction((trx) =>
        recordOneOff(trx, { actor, contractId: contract.id, kind: "remote_hands", chargedOn: parsed.data.rhOn, quantity: parsed.data.rhHours, description: parsed.data.rhNote }),
      );
    } else if (intent === "other_charge") {
      const parsed = parseForm(otherChargeForm(contract.currency), formData);
      if (!parsed.ok) return refuse({ errors: parsed.errors }, 400);
      await inTransaction((trx) =>
        recordOneOff(trx, { actor, contractId: contract.id, kind: "other", chargedOn: parsed.data.otherOn, amountMinor: parsed.data.otherAmount, description: parsed.data.otherDescription }),
      );
    } else {
      const parsed = parseForm(WaiveForm, formData);
      if (!parsed.ok) return refuse({ errors: parsed.errors }, 400);
      // Only a contract that ended before its commitment carries a charge to waive.
      if (!earlyTermination({ startOn: contract.start_on, endOn: contract.end_on, termMonths: contract.term_months, lines: contract.lines })) {
        return refuse({ formError: "billingOpsForms.waive.nothingDue" }, 409);
      }
      await inTransaction((trx) => waiveEarlyTermination(trx, { actor, contractId: contract.id, reason: parsed.data.waiveReason }));
    }
  } catch (error) {
    if (!(error instanceof ChargeError)) throw error;
    const failure = CHARGE_ERRORS[error.code];
    if (failure.status === 404) notFound();
    const field = failure.field ? CHARGE_FORMS[intent].fields[failure.field] : undefined;
    return refuse(field ? { errors: { [field]: failure.key } } : { formError: failure.key }, failure.status);
  }
  return redirect(`/ops/contracts/${contract.id}?done=${intent === "waive" ? "waived" : "charged"}#charges`);
}

type Data = SerializeFrom<typeof loader>;

export default function OperatorContract() {
  const { contract: c, totals, racks, canDecide, canRemoteHands, canOtherCharge, charges, versions, pendingAmendment } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | ChargeActionData | undefined;
  const action = actionData && "changeId" in actionData ? actionData : undefined;
  const chargeAction = actionData && !("changeId" in actionData) ? actionData : undefined;
  const [params] = useSearchParams();
  const tr = useT();
  const format = useFormat();
  const locale = useLocale();
  const done = params.get("done");
  const kw = (w: number) => tr("requests.contract.powerValue", { kw: format.number(w / 1000, { maximumFractionDigits: 2 }) });
  const period = (start: string, end: string | null) =>
    end ? tr("requests.contract.period", { start: format.date(start), end: format.date(end) }) : tr("requests.contract.since", { start: format.date(start) });

  return (
    <>
      <p>
        <Link to="/ops/contracts">← {tr("approvals.contract.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("requests.contract.title", { ref: c.ref })}</h1>
          <p className="muted">
            <Link to={`/ops/organisations/${c.orgId}`}>{c.orgName}</Link> · {c.siteCode} — {c.siteName}
          </p>
        </div>
        <StatusBadge status={c.status} label={tr(`requests.contractStatus.${c.status}`)} />
      </div>
      {params.get("approved") ? <Alert kind="success">{tr("approvals.contract.approved")}</Alert> : null}
      {done === "applied" ? <Alert kind="success">{tr("approvals.contract.applied")}</Alert> : null}
      {done === "declined" ? <Alert kind="success">{tr("approvals.contract.declined")}</Alert> : null}
      {done === "charged" ? <Alert kind="success">{tr("billingOpsForms.charges.recorded")}</Alert> : null}
      {done === "waived" ? <Alert kind="success">{tr("billingOpsForms.waive.done")}</Alert> : null}

      <div className="review-grid review-grid--contract">
        <section className="card">
          <h2>{tr("approvals.contract.facts")}</h2>
          <dl className="facts">
            <dt>{tr("approvals.col.tenant")}</dt>
            <dd>
              <Link to={`/ops/organisations/${c.orgId}`}>{c.orgName}</Link>
            </dd>
            <dt>{tr("common.site")}</dt>
            <dd>
              {c.siteCode} — {c.siteName} ({c.currency})
            </dd>
            <dt>{tr("approvals.col.startOn")}</dt>
            <dd>{format.date(c.startOn)}</dd>
            <dt>{tr("approvals.col.endOn")}</dt>
            <dd>{c.endOn ? format.date(c.endOn) : <span className="muted">{tr("approvals.contracts.openEnded")}</span>}</dd>
            <dt>{tr("approvals.request.term")}</dt>
            <dd>{tr("requests.termValue", { months: c.termMonths })}</dd>
            <dt>{tr("requests.contract.bandwidth")}</dt>
            <dd>{c.bandwidthMbps > 0 ? tr("requests.contract.mbps", { mbps: format.number(c.bandwidthMbps) }) : <span className="muted">{tr("requests.contract.noBandwidth")}</span>}</dd>
            {c.requestId ? (
              <>
                <dt>{tr("approvals.contract.fromRequest")}</dt>
                <dd>
                  <Link to={`/ops/requests/${c.requestId}`} className="mono">
                    {c.requestRef}
                  </Link>
                </dd>
              </>
            ) : null}
          </dl>
        </section>
        <section className="card">
          <h2>{tr("requests.contract.totals")}</h2>
          <QuoteSummary quote={totals} currency={c.currency} vatRateBp={c.vatRateBp} exempt={c.isVatExempt} variant="contract" />
          {c.isVatExempt ? <p className="small vat-mention">{tr("approvals.request.vatExempt")}</p> : null}
        </section>
      </div>

      <section className="card">
        <h2>{tr("requests.contract.lines")}</h2>
        <div className="table-scroll">
          <table className="table table--compact contract-lines">
            <thead>
              <tr>
                <th>{tr("requests.col.item")}</th>
                <th className="num">{tr("requests.col.quantity")}</th>
                <th className="num">{tr("requests.col.unitPrice")}</th>
                <th className="num hide-sm">{tr("requests.col.monthly")}</th>
                <th className="num hide-sm">{tr("requests.col.setup")}</th>
              </tr>
            </thead>
            <tbody>
              {c.lines.map((l) => (
                <tr key={l.kind}>
                  <td>{locale === "fr" ? l.name_fr : l.name_en}</td>
                  <td className="num">{l.quantity > 0 ? format.number(l.quantity) : <span className="muted">{tr("approvals.contract.metered")}</span>}</td>
                  <td className="num nowrap">{format.money(l.unit_price_minor, l.currency)}</td>
                  <td className="num nowrap hide-sm">{l.quantity > 0 ? format.money(l.monthlyMinor, l.currency) : tr("common.none")}</td>
                  <td className="num nowrap hide-sm">{l.quantity > 0 ? format.money(l.setupMinor, l.currency) : tr("common.none")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <ChargesSection currency={c.currency} charges={charges} canRemoteHands={canRemoteHands} canOtherCharge={canOtherCharge} action={chargeAction} />

      <section className="card">
        <h2>{tr("requests.contract.racks")}</h2>
        {c.allocations.length === 0 ? (
          <p className="muted">{tr("requests.contract.noRacks")}</p>
        ) : (
          <>
            <div className="table-scroll">
              <table className="table table--compact">
                <thead>
                  <tr>
                    <th>{tr("approvals.form.rack")}</th>
                    <th className="hide-sm">{tr("approvals.col.kind")}</th>
                    <th>{tr("approvals.col.units")}</th>
                    <th className="num">{tr("approvals.col.power")}</th>
                    <th className="hide-sm">{tr("approvals.col.period")}</th>
                  </tr>
                </thead>
                <tbody>
                  {c.allocations.map((a) => (
                    <tr key={a.id}>
                      <td>
                        <strong>{tr("requests.contract.rack", { room: a.room_name, rack: a.rack_name })}</strong>
                      </td>
                      <td className="hide-sm">{tr(`requests.contract.allocationKind.${a.kind}`)}</td>
                      <td className="nowrap mono">{tr("requests.contract.unitsRange", { first: a.first_u, last: a.last_u })}</td>
                      <td className="num nowrap">{kw(a.power_w)}</td>
                      <td className="hide-sm small muted">{period(a.start_on, a.end_on)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h3 className="subhead">{tr("approvals.contract.elevations")}</h3>
            <ul className="contract-racks">
              {racks.map((r) => (
                <li key={r.id}>
                  <RackElevation name={r.name} height={r.heightU} allocations={r.allocations} maintenance={r.status === "maintenance"} />
                  <span className="small">
                    <strong>{r.name}</strong> <span className="muted">{r.roomName}</span>
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section className="card">
        <h2>{tr("requests.contract.ports")}</h2>
        {c.ports.length === 0 ? (
          <p className="muted">{tr("requests.contract.noPorts")}</p>
        ) : (
          <ul className="list">
            {c.ports.map((p) => (
              <li key={p.id}>
                <span>
                  <span className="mono">{p.name}</span> · {tr(`requests.media.${p.media}`)} · <span className="muted">{p.room_name}</span>
                </span>
                <span className="small muted">{period(p.start_on, p.end_on)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <ContractVersions versions={versions} pending={pendingAmendment} />
      {pendingAmendment ? (
        <p>
          <Link className="btn btn--secondary" to={`/ops/amendments/${pendingAmendment.id}`}>
            {tr("approvals.changes.handle")}
          </Link>
        </p>
      ) : null}

      <section className="card" id="changes" aria-labelledby="changes-title">
        <h2 id="changes-title">{tr("requests.contract.changes")}</h2>
        {c.changes.length === 0 ? <p className="muted">{tr("requests.contract.noChanges")}</p> : null}
        <ul className="changes">
          {c.changes.map((ch) => (
            <ChangeItem key={ch.id} change={ch} canDecide={canDecide} action={action?.changeId === ch.id ? action : undefined} />
          ))}
        </ul>
      </section>
    </>
  );
}

function ChangeItem({ change, canDecide, action }: { change: Data["contract"]["changes"][number]; canDecide: boolean; action?: ActionData }) {
  const tr = useT();
  const format = useFormat();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("changeId") === change.id;
  const applyErrors = action?.intent === "apply" ? action.errors ?? {} : {};
  const declineErrors = action?.intent === "decline" ? action.errors ?? {} : {};
  const error = (errors: FieldErrors, name: string, id: string) =>
    errors[name] ? (
      <p className="field-error" id={id} role="alert">
        {tr(errors[name]!)}
      </p>
    ) : null;
  const idFor = (name: string) => `f-${change.id}-${name}`;
  return (
    <li className="change">
      <div className="change-head">
        <strong>{tr(`requests.change.${change.kind}`)}</strong>
        <StatusBadge status={change.status} label={tr(`requests.change.status.${change.status}`)} />
        <span className="small muted">
          {tr("requests.change.requestedOn", { date: format.date(change.requestedAt) })}
          {change.decidedAt ? ` · ${tr("approvals.contract.decidedOn", { date: format.date(change.decidedAt) })}` : ""}
        </span>
      </div>
      {change.requestedEndOn ? <p>{tr("requests.change.lastDay", { date: format.date(change.requestedEndOn) })}</p> : null}
      {change.details ? <p className="small">{tr("approvals.contract.details", { details: change.details })}</p> : null}
      {change.note ? <p className="small muted">{tr("requests.change.answer", { note: change.note })}</p> : null}
      {action?.formError ? <Alert>{tr(action.formError)}</Alert> : null}
      {change.status === "pending" && canDecide ? (
        <div className="change-forms">
          {change.kind === "termination" ? (
            <Form method="post" className="change-form" noValidate>
              <input type="hidden" name="changeId" value={change.id} />
              <input type="hidden" name="intent" value="apply" />
              <h3>{tr("approvals.contract.apply")}</h3>
              <div className={`field${applyErrors.endOn ? " field--error" : ""}`}>
                <label htmlFor={idFor("endOn")}>{tr("approvals.contract.applyEndOn")}</label>
                <input
                  id={idFor("endOn")}
                  name="endOn"
                  type="date"
                  defaultValue={action?.intent === "apply" ? action.values?.endOn : change.requestedEndOn ?? ""}
                  aria-invalid={applyErrors.endOn ? true : undefined}
                  aria-describedby={applyErrors.endOn ? `${idFor("endOn")}-error` : undefined}
                />
                {error(applyErrors, "endOn", `${idFor("endOn")}-error`) ?? <p className="hint">{tr("approvals.contract.applyHint")}</p>}
              </div>
              <div className={`field${applyErrors.details ? " field--error" : ""}`}>
                <label htmlFor={idFor("details")}>
                  {tr("approvals.contract.applyNote")} <span className="muted">({tr("field.optional")})</span>
                </label>
                <input id={idFor("details")} name="details" maxLength={2000} defaultValue={action?.intent === "apply" ? action.values?.details : ""} />
                {error(applyErrors, "details", `${idFor("details")}-error`)}
              </div>
              <button className="btn" disabled={busy}>
                {tr("approvals.contract.apply")}
              </button>
            </Form>
          ) : null}
          <Form method="post" className="change-form" noValidate>
            <input type="hidden" name="changeId" value={change.id} />
            <input type="hidden" name="intent" value="decline" />
            <h3>{tr("approvals.contract.decline")}</h3>
            <div className={`field${declineErrors.reason ? " field--error" : ""}`}>
              <label htmlFor={idFor("reason")}>{tr("approvals.contract.declineReason")}</label>
              <textarea
                id={idFor("reason")}
                name="reason"
                rows={2}
                maxLength={1000}
                defaultValue={action?.intent === "decline" ? action.values?.reason : ""}
                aria-invalid={declineErrors.reason ? true : undefined}
                aria-describedby={declineErrors.reason ? `${idFor("reason")}-error` : undefined}
              />
              {error(declineErrors, "reason", `${idFor("reason")}-error`)}
            </div>
            <button className="btn btn--danger-ghost" disabled={busy}>
              {tr("approvals.contract.decline")}
            </button>
          </Form>
        </div>
      ) : null}
    </li>
  );
}

function ChargesSection({
  currency,
  charges,
  canRemoteHands,
  canOtherCharge,
  action,
}: {
  currency: string;
  charges: Data["charges"];
  canRemoteHands: boolean;
  canOtherCharge: boolean;
  action?: ChargeActionData;
}) {
  const tr = useT();
  const format = useFormat();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const mine = (intent: ChargeIntent) => (action?.intent === intent ? action : undefined);
  const value = (intent: ChargeIntent, name: string, fallback = "") => mine(intent)?.values?.[name] ?? fallback;
  const et = charges.earlyTermination;
  const money = (minor: number) => format.money(minor, currency);
  const locale = useLocale();
  // An exact decimal string ("1.5") as the reader writes it ("1,5" in French), without a float.
  const decimal = (value: string) => (locale === "fr" ? value.replace(".", ",") : value);
  // A recorded charge empties the forms (the page is the same route after the redirect).
  const formKey = `${charges.list.length}`;
  return (
    <section className="card" id="charges" aria-labelledby="charges-title">
      <h2 id="charges-title">{tr("billingOpsForms.charges.title")}</h2>
      <p className="hint">{tr("billingOpsForms.charges.intro")}</p>
      {charges.list.length === 0 ? (
        <p className="muted">{tr("billingOpsForms.charges.empty")}</p>
      ) : (
        <div className="table-scroll">
          <table className="table table--compact">
            <thead>
              <tr>
                <th>{tr("billingOpsForms.col.date")}</th>
                <th>{tr("billingOpsForms.col.kind")}</th>
                <th>{tr("billingOpsForms.col.description")}</th>
                <th className="num">{tr("billingOpsForms.col.quantity")}</th>
                <th className="num hide-sm">{tr("billingOpsForms.col.unitPrice")}</th>
                <th className="num">{tr("billingOpsForms.col.amount")}</th>
                <th className="hide-sm">{tr("billingOpsForms.col.by")}</th>
              </tr>
            </thead>
            <tbody>
              {charges.list.map((ch) => (
                <tr key={ch.id}>
                  <td className="nowrap">{format.date(ch.chargedOn)}</td>
                  <td>{tr(`billingOpsForms.kind.${ch.kind}`)}</td>
                  <td className="pre-line">{ch.description}</td>
                  <td className="num nowrap">{ch.kind === "remote_hands" ? tr("billingOpsForms.hoursValue", { hours: decimal(ch.quantity) }) : decimal(ch.quantity)}</td>
                  <td className="num nowrap hide-sm">{money(ch.unitPriceMinor)}</td>
                  <td className="num nowrap">
                    <strong>{money(ch.amountMinor)}</strong>
                  </td>
                  <td className="hide-sm small muted">{ch.by ?? tr("common.none")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {et ? (
        <div className="early-termination">
          <h3 className="subhead">{tr("billingOpsForms.waive.title")}</h3>
          <p>{tr(charges.waiver ? "billingOpsForms.waive.dueWaived" : "billingOpsForms.waive.due", { amount: money(et.amountMinor), from: format.date(et.fromOn), to: format.date(et.toOn) })}</p>
          {charges.waiver ? (
            <Alert kind="info">
              {tr("billingOpsForms.waive.waived", { by: charges.waiver.by ?? tr("common.none"), date: format.date(charges.waiver.at) })} — <span className="pre-line">{charges.waiver.reason}</span>
            </Alert>
          ) : canOtherCharge ? (
            <Form method="post" className="change-form" noValidate>
              <input type="hidden" name="intent" value="waive" />
              <FormErrors formError={mine("waive")?.formError} />
              <div className={`field${mine("waive")?.errors?.waiveReason ? " field--error" : ""}`}>
                <label htmlFor="f-waiveReason">{tr("billingOpsForms.waive.reason")}</label>
                <textarea
                  id="f-waiveReason"
                  name="waiveReason"
                  rows={2}
                  maxLength={1000}
                  defaultValue={value("waive", "waiveReason")}
                  aria-invalid={mine("waive")?.errors?.waiveReason ? true : undefined}
                  aria-describedby={mine("waive")?.errors?.waiveReason ? "f-waiveReason-error" : undefined}
                />
                {mine("waive")?.errors?.waiveReason ? (
                  <p className="field-error" id="f-waiveReason-error" role="alert">
                    {tr(mine("waive")!.errors!.waiveReason!)}
                  </p>
                ) : null}
              </div>
              <button className="btn btn--danger-ghost" disabled={busy}>
                {tr("billingOpsForms.waive.submit", { amount: money(et.amountMinor) })}
              </button>
            </Form>
          ) : null}
        </div>
      ) : null}

      {canRemoteHands || canOtherCharge ? (
        <div className="change-forms">
          {canRemoteHands ? (
            <Form method="post" className="change-form" noValidate key={`rh-${formKey}`}>
              <input type="hidden" name="intent" value="remote_hands" />
              <h3>{tr("billingOpsForms.remoteHands.title")}</h3>
              <FormErrors formError={mine("remote_hands")?.formError} />
              <Field name="rhOn" type="date" label={tr("billingOpsForms.field.on")} errors={mine("remote_hands")?.errors} defaultValue={value("remote_hands", "rhOn", charges.defaultOn)} />
              <Field
                name="rhHours"
                inputMode="decimal"
                label={tr("billingOpsForms.field.hours")}
                hint={tr("billingOpsForms.field.hoursHint")}
                errors={mine("remote_hands")?.errors}
                defaultValue={value("remote_hands", "rhHours")}
              />
              <Field name="rhNote" label={tr("billingOpsForms.field.note")} maxLength={500} errors={mine("remote_hands")?.errors} defaultValue={value("remote_hands", "rhNote")} />
              <button className="btn" disabled={busy}>
                {tr("billingOpsForms.remoteHands.submit")}
              </button>
            </Form>
          ) : null}
          {canOtherCharge ? (
            <Form method="post" className="change-form" noValidate key={`other-${formKey}`}>
              <input type="hidden" name="intent" value="other_charge" />
              <h3>{tr("billingOpsForms.other.title")}</h3>
              <FormErrors formError={mine("other_charge")?.formError} />
              <Field name="otherOn" type="date" label={tr("billingOpsForms.field.on")} errors={mine("other_charge")?.errors} defaultValue={value("other_charge", "otherOn", charges.defaultOn)} />
              <Field
                name="otherDescription"
                label={tr("billingOpsForms.field.description")}
                maxLength={500}
                errors={mine("other_charge")?.errors}
                defaultValue={value("other_charge", "otherDescription")}
              />
              <Field
                name="otherAmount"
                inputMode="decimal"
                label={tr("billingOpsForms.field.amount", { currency })}
                hint={tr("billingOpsForms.field.amountHint", { example: currencyDecimals(currency) ? minorToDecimalString(123456, currencyDecimals(currency)) : "150000" })}
                errors={mine("other_charge")?.errors}
                defaultValue={value("other_charge", "otherAmount")}
              />
              <button className="btn" disabled={busy}>
                {tr("billingOpsForms.other.submit")}
              </button>
            </Form>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
