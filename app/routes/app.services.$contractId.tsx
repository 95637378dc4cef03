import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { getContract, rackNeighbours, requestTermination, type ChangeError } from "~/modules/requests/contracts.server";
import { shortRef } from "~/modules/requests/requests.server";
import { TerminationForm } from "~/modules/requests/schemas.server";
import { quote, REQUESTABLE_KINDS, type PriceItem } from "~/modules/requests/quote";
import { lineAmount } from "~/modules/billing/money";
import { commitmentEndOn, earlyTermination } from "~/modules/billing/compute";
import type { RequestableKind } from "#db/schema";
import { parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { QuoteSummary } from "~/components/quote-summary";
import { RackElevation, type ElevationAllocation } from "~/components/rack-elevation";
import { tenantColours } from "~/modules/inventory/elevation";
import { useFormat, useLocale, useT } from "~/components/i18n";
import { ContractVersions } from "~/components/contract-versions";
import { pendingAmendmentOf } from "~/modules/contracts/amendments.server";
import { listForTenant } from "~/modules/crossconnects/orders.server";
import type { MessageKey } from "~/i18n";
import { renewalPanel } from "~/modules/renewals/views.server";
import { ContractRenewal } from "~/components/contract-renewal";

/** The order of the request form; other kinds last. */
const kindOrder = (kind: string) => {
  const i = (REQUESTABLE_KINDS as readonly string[]).indexOf(kind);
  return i < 0 ? REQUESTABLE_KINDS.length : i;
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const db = await getDb();
  const c = await getContract(db, { orgId: user.orgId }, params.contractId ?? "");
  if (!c) notFound();
  const neighbours = await rackNeighbours(db, c);

  // One entry per rack: this contract's blocks, and the other blocks of the rack, anonymous.
  const racks = new Map<string, { id: string; name: string; room: string; height: number; mine: typeof c.allocations; others: { firstU: number; lastU: number }[] }>();
  for (const a of c.allocations) {
    const rack = racks.get(a.rack_id) ?? { id: a.rack_id, name: a.rack_name, room: a.room_name, height: a.height_u, mine: [], others: [] };
    rack.mine.push(a);
    racks.set(a.rack_id, rack);
  }
  for (const n of neighbours) racks.get(n.rack_id)?.others.push({ firstU: n.first_u, lastU: n.last_u });

  const priced = quote(
    c.lines.map((l) => ({ kind: l.kind as RequestableKind, quantity: l.quantity })),
    c.lines.map((l): PriceItem => ({ kind: l.kind, unit_price_minor: l.unit_price_minor, setup_fee_minor: l.setup_fee_minor })),
    { rateBp: c.vat_rate_bp, exempt: c.is_vat_exempt },
  );
  const pendingTermination = c.changes.some((ch) => ch.kind === "termination" && ch.status === "pending");

  // Commitment, renewal status, notice deadline, new prices (components/contract-renewal.tsx).
  const renewal = (await renewalPanel(db, { orgId: user.orgId, role: user.role }, c.id)) ?? null;
  return json({
    renewal,
    canAmend: c.status !== "terminated" && tenantCan(user.role, "contracts:amend"),
    versions: c.versions,
    pendingAmendment: await pendingAmendmentOf(db, c.id),
    crossConnects: (await listForTenant(db, { orgId: user.orgId, contractId: c.id })).map((o) => ({ id: o.id, ref: o.ref, zName: o.z_name, media: o.media, status: o.status, installedOn: o.installed_on })),
    amendmentNotice: new URL(request.url).searchParams.get("amendment"),
    canTerminate: c.status !== "terminated" && tenantCan(user.role, "contracts:terminate"),
    pendingTermination,
    contract: {
      id: c.id,
      ref: shortRef(c.id),
      requestId: c.request_id,
      requestRef: c.request_id ? shortRef(c.request_id) : null,
      status: c.status,
      siteCode: c.site_code,
      siteName: c.site_name,
      currency: c.currency,
      timeZone: c.time_zone,
      vatRateBp: c.vat_rate_bp,
      isVatExempt: c.is_vat_exempt,
      startOn: c.start_on,
      endOn: c.end_on,
      // The billing run's rule (compute.ts): the early-termination charge is counted up to this day.
      // The commitment in force (moved on by tacit renewals), else the first one.
      commitmentEndOn: renewal?.commitmentEndsOn ?? commitmentEndOn(c.start_on, c.term_months),
      termMonths: c.term_months,
      bandwidthMbps: c.bandwidthCommitMbps,
      lines: c.lines
        .map((l) => ({ ...l, monthlyMinor: lineAmount(l.unit_price_minor, l.quantity) }))
        .sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind)),
      totals: priced,
      ports: c.ports,
      changes: c.changes.map((ch) => ({
        id: ch.id,
        kind: ch.kind,
        status: ch.status,
        requestedEndOn: ch.requested_end_on,
        effectiveOn: ch.effective_on,
        requestedAt: ch.requested_at,
        details: ch.details,
        decisionNote: ch.decision_note,
      })),
    },
    racks: [...racks.values()].map((r) => ({
      id: r.id,
      name: r.name,
      room: r.room,
      height: r.height,
      mine: r.mine.map((a) => ({ id: a.id, kind: a.kind, firstU: a.first_u, lastU: a.last_u, powerW: a.power_w, startOn: a.start_on, endOn: a.end_on })),
      others: r.others,
    })),
  });
}

type ActionData = { errors?: FieldErrors; formError?: MessageKey; sent?: boolean; values?: Record<string, string> };

const failures: Record<Exclude<ChangeError, "not_found">, { status: number; field?: string; key: MessageKey }> = {
  not_active: { status: 409, key: "requests.error.not_active" },
  already_pending: { status: 409, key: "requests.error.already_pending" },
  end_before_start: { status: 400, field: "endOn", key: "requests.error.end_before_start" },
  end_in_past: { status: 400, field: "endOn", key: "requests.error.end_in_past" },
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "contracts:terminate");
  const contractId = params.contractId ?? "";
  // Another organisation's contract is not found, whatever the form says.
  if (!(await getContract(await getDb(), { orgId: user.orgId }, contractId))) notFound();
  const form = await readForm(request);
  const values = { endOn: String(form.get("endOn") ?? ""), details: String(form.get("details") ?? "") };
  const parsed = parseForm(TerminationForm, values);
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors, values }, { status: 400 });
  const result = await inTransactionOrRollback((trx) =>
    requestTermination(trx, {
      orgId: user.orgId,
      contractId,
      endOn: parsed.data.endOn,
      details: parsed.data.details,
      actor: { id: user.id, email: user.email, ip: clientIp(context) },
      baseUrl: baseUrl(request),
    }),
  );
  if (!result.ok) {
    if (result.error === "not_found") notFound();
    const failure = failures[result.error];
    return json<ActionData>(failure.field ? { errors: { [failure.field]: failure.key }, values } : { formError: failure.key, values }, { status: failure.status });
  }
  return json<ActionData>({ sent: true });
}

export default function ContractPage() {
  const { contract: c, racks, canTerminate, pendingTermination, canAmend, versions, pendingAmendment, amendmentNotice, crossConnects } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const locale = useLocale();
  const format = useFormat();
  const money = (minor: number) => format.money(minor, c.currency);
  // The early-termination charge for the end date being typed, by the billing run's own rule.
  const [endOn, setEndOn] = useState<string>(data?.values?.endOn ?? c.commitmentEndOn);
  const early = (end: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(end) || end < c.startOn || end > "2100-12-31") return null;
    try {
      return earlyTermination({ startOn: c.startOn, endOn: end, termMonths: c.termMonths, lines: c.lines, commitmentEndOn: c.commitmentEndOn });
    } catch {
      return null; // not a calendar day (the form refuses it)
    }
  };
  const kw = (w: number) => tr("requests.contract.powerValue", { kw: format.number(w / 1000, { maximumFractionDigits: 1 }) });
  const period = (start: string, end: string | null) =>
    end ? tr("requests.contract.period", { start: format.date(start), end: format.date(end) }) : tr("requests.contract.since", { start: format.date(start) });

  return (
    <>
      <p>
        <Link to="/app/services">← {tr("requests.contract.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("requests.contract.title", { ref: c.ref })}</h1>
          <p className="muted">
            <strong>{c.siteCode}</strong> · {c.siteName}
            {c.requestId ? (
              <>
                {" · "}
                <Link to={`/app/requests/${c.requestId}`}>{tr("requests.contract.fromRequest", { ref: c.requestRef ?? "" })}</Link>
              </>
            ) : null}
          </p>
        </div>
        <StatusBadge status={c.status} label={tr(`requests.contractStatus.${c.status}`)} />
      </div>
      {data?.sent ? <Alert kind="success">{tr("requests.terminate.sent")}</Alert> : null}
      {amendmentNotice === "requested" ? <Alert kind="success">{tr("amendments.requested")}</Alert> : amendmentNotice === "withdrawn" ? <Alert kind="success">{tr("amendments.withdrawn")}</Alert> : null}

      <div className="req-detail">
        <div>
          <section className="card">
            <h2>{tr("requests.contract.lines")}</h2>
            <table className="table">
              <thead>
                <tr>
                  <th>{tr("requests.col.item")}</th>
                  <th className="num hide-sm">{tr("requests.col.quantity")}</th>
                  <th className="num hide-sm">{tr("requests.col.unitPrice")}</th>
                  <th className="num">{tr("requests.col.monthly")}</th>
                </tr>
              </thead>
              <tbody>
                {c.lines.map((l) => (
                  <tr key={l.kind}>
                    <td>
                      {locale === "en" ? l.name_en : l.name_fr}
                      {l.quantity > 0 ? <span className="qty-inline"> × {format.number(l.quantity)}</span> : null}
                      {l.setup_fee_minor > 0 ? (
                        <div className="muted small">{tr("requests.plusSetup", { setup: money(l.setup_fee_minor) })}</div>
                      ) : null}
                    </td>
                    <td className="num hide-sm">{l.quantity > 0 ? format.number(l.quantity) : <span className="muted">{tr("approvals.contract.metered")}</span>}</td>
                    <td className="num hide-sm nowrap">{format.money(l.unit_price_minor, l.currency)}</td>
                    <td className="num nowrap">{l.quantity > 0 ? format.money(l.monthlyMinor, l.currency) : <span className="muted">{tr("common.none")}</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section className="card">
            <h2>{tr("requests.contract.racks")}</h2>
            {racks.length === 0 ? (
              <p className="muted">{tr("requests.contract.noRacks")}</p>
            ) : (
              <div className="rack-cards">
                {racks.map((r) => {
                  const allocations: ElevationAllocation[] = [
                    ...r.others.map((o) => ({
                      firstU: o.firstU,
                      lastU: o.lastU,
                      label: tr("requests.contract.occupied"),
                      kind: o.firstU === 1 && o.lastU === r.height ? ("full_rack" as const) : ("units" as const),
                    })),
                    ...r.mine.map((a) => ({
                      firstU: a.firstU,
                      lastU: a.lastU,
                      label: tr("requests.contract.yours"),
                      kind: a.kind,
                      highlight: true,
                      detail: a.powerW ? kw(a.powerW) : undefined,
                    })),
                  ];
                  // The elevation colours blocks by label: the legend uses the same colours.
                  const colours = tenantColours(allocations.map((a) => a.label));
                  return (
                    <div className="rack-card" key={r.id}>
                      <RackElevation name={r.name} height={r.height} allocations={allocations} compact />
                      <div>
                        <h3>{tr("requests.contract.rack", { room: r.room, rack: r.name })}</h3>
                        <ul className="rack-mine">
                          {r.mine.map((a) => (
                            <li key={a.id}>
                              <strong>{tr("requests.contract.unitsRange", { first: a.firstU, last: a.lastU })}</strong> ·{" "}
                              {tr(`requests.contract.allocationKind.${a.kind}`)}
                              {a.powerW ? <> · {kw(a.powerW)}</> : null}
                              <div className="muted small">{period(a.startOn, a.endOn)}</div>
                            </li>
                          ))}
                        </ul>
                        <ul className="rack-legend" aria-hidden="true">
                          <li>
                            <span className="swatch swatch--mine" style={{ background: colours.get(tr("requests.contract.yours")) }} /> {tr("requests.contract.yours")}
                          </li>
                          {r.others.length ? (
                            <li>
                              <span className="swatch swatch--other" style={{ background: colours.get(tr("requests.contract.occupied")) }} /> {tr("requests.contract.occupiedOther")}
                            </li>
                          ) : null}
                          <li>
                            <span className="swatch swatch--free" /> {tr("requests.contract.free")}
                          </li>
                        </ul>
                      </div>
                    </div>
                  );
                })}
              </div>
            )}
          </section>

          <section className="card">
            <h2>{tr("requests.contract.bandwidthTitle")}</h2>
            <dl className="facts">
              <dt>{tr("requests.contract.bandwidth")}</dt>
              <dd>{c.bandwidthMbps > 0 ? tr("requests.contract.mbps", { mbps: format.number(c.bandwidthMbps) }) : tr("requests.contract.noBandwidth")}</dd>
            </dl>
            <h3>{tr("requests.contract.ports")}</h3>
            {crossConnects.length ? (
              <ul className="list">
                {crossConnects.map((x) => (
                  <li key={x.id}>
                    <span>
                      <Link to={`/app/cross-connects/${x.id}`} className="mono">
                        {x.ref}
                      </Link>{" "}
                      · {x.zName} · {tr(`requests.media.${x.media}`)}
                      {x.installedOn ? <span className="muted small"> · {tr("requests.contract.since", { start: format.date(x.installedOn) })}</span> : null}
                    </span>
                    <StatusBadge status={x.status} label={tr(`crossconnects.status.${x.status}`)} />
                  </li>
                ))}
              </ul>
            ) : null}
            <p>
              <Link to={`/app/services/${c.id}/cross-connects`}>{tr("crossconnects.contractTitle", { ref: c.ref })} →</Link>
            </p>
            {c.ports.length === 0 ? (
              <p className="muted">{tr("requests.contract.noPorts")}</p>
            ) : (
              <ul className="list">
                {c.ports.map((p) => (
                  <li key={p.id}>
                    <div>
                      <strong className="mono">{p.name}</strong> · {tr(`requests.media.${p.media}`)}
                      <div className="muted small">
                        {p.room_name} · {period(p.start_on, p.end_on)}
                      </div>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>

        <aside>
          <section className="card">
            <h2>{tr("requests.contract.totals")}</h2>
            <QuoteSummary quote={c.totals} currency={c.currency} vatRateBp={c.vatRateBp} exempt={c.isVatExempt} variant="contract" />
            <dl className="facts facts--tight">
              <dt>{tr("requests.services.start")}</dt>
              <dd>{format.date(c.startOn)}</dd>
              <dt>{tr("requests.col.term")}</dt>
              <dd>{tr("requests.termValue", { months: c.termMonths })}</dd>
              <dt>{tr("requests.contract.commitmentEnd")}</dt>
              <dd>{format.date(c.commitmentEndOn)}</dd>
              <dt>{tr("requests.services.end")}</dt>
              <dd>{c.endOn ? format.date(c.endOn) : tr("requests.services.openEnded")}</dd>
            </dl>
          </section>

          <ContractRenewal />

          <ContractVersions versions={versions} pending={pendingAmendment} canAmend={canAmend} changeUrl={`/app/services/${c.id}/change`} />

          <section className="card">
            <h2>{tr("requests.contract.changes")}</h2>
            {c.changes.length === 0 ? (
              <p className="muted">{tr("requests.contract.noChanges")}</p>
            ) : (
              <ul className="list">
                {c.changes.map((ch) => (
                  <li key={ch.id}>
                    <div>
                      <strong>{tr(`requests.change.${ch.kind}`)}</strong>
                      {ch.requestedEndOn ? <> · {tr("requests.change.lastDay", { date: format.date(ch.requestedEndOn) })}</> : null}
                      {ch.effectiveOn ? <> · {tr("amendments.fromDate", { date: format.date(ch.effectiveOn) })}</> : null}
                      <div className="muted small">{tr("requests.change.requestedOn", { date: format.date(ch.requestedAt, c.timeZone) })}</div>
                      {ch.details ? <div className="small pre-line">{ch.details}</div> : null}
                      {ch.decisionNote ? <div className="small">{tr("requests.change.answer", { note: ch.decisionNote })}</div> : null}
                    </div>
                    <StatusBadge status={ch.status} label={tr(`requests.change.status.${ch.status}`)} />
                  </li>
                ))}
              </ul>
            )}
          </section>

          {canTerminate ? (
            <section className="card">
              <h2>{tr("requests.terminate.title")}</h2>
              {pendingTermination ? (
                <p className="muted">{tr("requests.terminate.pending")}</p>
              ) : (
                <>
                  <p className="hint">{tr("requests.terminate.intro")}</p>
                  <p>{tr("billingOpsForms.terminate.commitment", { date: format.date(c.commitmentEndOn) })}</p>
                  <FormErrors formError={data?.formError} errors={data?.errors} />
                  <Form
                    method="post"
                    noValidate
                    onSubmit={(e) => {
                      const due = early(endOn);
                      const question = due ? tr("billingOpsForms.terminate.confirmDue", { end: format.date(endOn), amount: money(due.amountMinor) }) : tr("requests.terminate.confirm");
                      if (!confirm(question)) e.preventDefault();
                    }}
                  >
                    <Field
                      name="endOn"
                      type="date"
                      label={tr("requests.terminate.endOn")}
                      errors={data?.errors}
                      defaultValue={data?.values?.endOn ?? c.commitmentEndOn}
                      onChange={(e) => setEndOn(e.currentTarget.value)}
                      min={c.startOn}
                      required
                    />
                    <EarlyTerminationNotice endOn={endOn} due={early(endOn)} money={money} />
                    <div className={`field${data?.errors?.details ? " field--error" : ""}`}>
                      <label htmlFor="f-details">
                        {tr("requests.terminate.details")} <span className="muted">({tr("field.optional")})</span>
                      </label>
                      <textarea id="f-details" name="details" rows={3} maxLength={2000} defaultValue={data?.values?.details ?? ""} />
                      {data?.errors?.details ? (
                        <p className="field-error" role="alert">
                          {tr(data.errors.details)}
                        </p>
                      ) : null}
                    </div>
                    <button className="btn btn--danger-ghost btn--block" disabled={navigation.state === "submitting"}>
                      {tr("requests.terminate.submit")}
                    </button>
                  </Form>
                </>
              )}
            </section>
          ) : null}
        </aside>
      </div>
    </>
  );
}

/** What ending on `endOn` costs before the commitment's end, shown before the tenant confirms. */
function EarlyTerminationNotice({ endOn, due, money }: { endOn: string; due: ReturnType<typeof earlyTermination>; money: (minor: number) => string }) {
  const tr = useT();
  const format = useFormat();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(endOn)) return null;
  return due ? (
    <p className="alert alert--warning early-termination-notice" role="status">
      {tr("billingOpsForms.terminate.earlyDue", { end: format.date(endOn), to: format.date(due.toOn), amount: money(due.amountMinor) })}
    </p>
  ) : (
    <p className="hint early-termination-notice" role="status">
      {tr("billingOpsForms.terminate.noneDue", { end: format.date(endOn) })}
    </p>
  );
}
