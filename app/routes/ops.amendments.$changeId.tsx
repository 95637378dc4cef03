import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { approveAmendment, earlyRelease, getAmendment, rejectAmendment, suggestAssignment } from "~/modules/contracts/amendments.server";
import { parseApprovalForm, MAX_PLACEMENTS, type ApprovalFormValues } from "~/modules/requests/approval-form.server";
import { siteRacks, sitePorts } from "~/modules/inventory/capacity.server";
import { shortRef } from "~/modules/requests/requests.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { AmendmentDecision, AmendmentRejection } from "~/modules/contracts/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, FormErrors } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/**
 * An operator handles an amendment: what changes from which date, the resources the contract holds
 * then, and the whole set it will hold after (prefilled: blocks grown in place where the rack
 * allows, power spread within each rack's headroom); approve — the database refuses any oversell —
 * or decline with a reason the tenant reads.
 */

async function load(changeId: string | undefined) {
  const db = await getDb();
  const change = await getAmendment(db, { operator: true }, changeId ?? "");
  if (!change) notFound();
  return { db, change };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const { db, change } = await load(params.changeId);
  const period = { startOn: change.effective_on, endOn: null };
  const [racks, ports, suggestion, release] = await Promise.all([siteRacks(db, change.site_id, period), sitePorts(db, change.site_id, period), suggestAssignment(db, change), earlyRelease(db, change)]);
  const mine = racks.flatMap((r) => r.allocations.filter((a) => a.contract_id === change.contract_id).map((a) => ({ ...a, rackName: r.name, roomName: r.room_name })));
  return json({
    canDecide: operatorCan(user.operatorRole, "requests:approve") && change.status === "pending",
    change: {
      id: change.id,
      contractId: change.contract_id,
      contractRef: shortRef(change.contract_id),
      status: change.status,
      orgName: change.org_name,
      siteCode: change.site_code,
      siteName: change.site_name,
      currency: change.currency,
      effectiveOn: change.effective_on,
      beforeCommitmentEnd: change.before_commitment_end,
      details: change.details,
      decisionNote: change.decision_note,
      requestedBy: change.requested_by_name,
      lines: change.lines,
    },
    earlyRelease: release ? { amountMinor: release.early.amountMinor, toOn: release.early.toOn } : null,
    held: mine.map((a) => ({ id: a.id, rack: a.rackName, room: a.roomName, firstU: a.first_u, lastU: a.last_u, powerW: a.power_w, startOn: a.start_on, endOn: a.end_on })),
    // Free power as this change sees it: the contract's own power in a rack is replaced, not added.
    racks: racks
      .filter((r) => r.status === "active")
      .map((r) => ({ id: r.id, label: `${r.room_name} · ${r.name}`, heightU: r.height_u, freeW: r.usableW - r.committedW + mine.filter((a) => a.rack_id === r.id).reduce((s, a) => s + a.power_w, 0) })),
    // Free ports, and those this contract holds (kept unless unticked).
    ports: ports
      .filter((p) => p.status === "active" && (!p.allocation_id || suggestion.portIds.includes(p.id)))
      .filter(() => suggestion.portIds.length > 0 || change.lines.some((l) => l.kind === "cross_connect"))
      .map((p) => ({ id: p.id, name: p.name, room: p.room_name })),
    suggestion,
  });
}

type ActionData = { errors?: FieldErrors; formError?: MessageKey; values?: ApprovalFormValues };


export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "requests:approve");
  const { db, change } = await load(params.changeId);
  const form = await readForm(request);
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  if (form.get("intent") === "reject") {
    const parsed = parseForm(AmendmentRejection, { reason: form.get("reason") ?? "" });
    if (!parsed.ok) return json<ActionData>({ errors: parsed.errors }, { status: 400 });
    const result = await inTransactionOrRollback((trx) => rejectAmendment(trx, { changeId: change.id, reason: parsed.data.reason, actor, baseUrl: baseUrl(request) }));
    if (!result.ok) return json<ActionData>({ formError: "amendments.error.not_pending" }, { status: 409 });
    return redirect(`/ops/amendments/${change.id}?done=rejected`);
  }
  const racks = (await siteRacks(db, change.site_id, { startOn: change.effective_on, endOn: null })).map((r) => ({ id: r.id, heightU: r.height_u }));
  form.set("startOn", change.effective_on);
  const parsed = parseApprovalForm(form, racks);
  const note = parseForm(AmendmentDecision, { note: form.get("note") ?? "" });
  if (!parsed.ok || !note.ok) return json<ActionData>({ errors: { ...(parsed.ok ? {} : parsed.errors), ...(note.ok ? {} : note.errors) }, values: parsed.values }, { status: 400 });
  const result = await inTransactionOrRollback((trx) =>
    approveAmendment(trx, {
      changeId: change.id,
      placements: parsed.data.placements,
      portIds: parsed.data.portIds,
      waiveEarlyRelease: form.get("waive") === "on",
      note: note.data.note,
      actor,
      baseUrl: baseUrl(request),
    }),
  );
  if (!result.ok) {
    if (result.error === "not_found") notFound();
    const key = (["placement_mismatch", "power_mismatch", "ports_mismatch", "not_pending", "later_change_exists", "missing_price", "not_active"].includes(result.error)
      ? `amendments.error.${result.error}`
      : `approvals.error.${result.error}`) as MessageKey;
    return json<ActionData>({ formError: key, values: parsed.values }, { status: 409 });
  }
  return redirect(`/ops/amendments/${change.id}?done=${result.earlyReleaseMinor > 0 ? `approved&charge=${result.earlyReleaseMinor}` : "approved"}`);
}

export default function AmendmentPage() {
  const { change, held, racks, ports, suggestion, canDecide, earlyRelease } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const busy = navigation.state === "submitting";
  const search = typeof window === "undefined" ? null : new URLSearchParams(window.location.search);
  const rows: ApprovalFormValues["placements"] = data?.values?.placements.length
    ? data.values.placements
    : suggestion.placements.map((p) => ({ rackId: p.rackId, kind: p.kind, firstU: String(p.firstU), lastU: String(p.lastU), powerW: String(p.powerW) }));
  const slots = [...rows, ...Array.from({ length: 2 }, () => ({ rackId: "", kind: "units", firstU: "", lastU: "", powerW: "" }))].slice(0, MAX_PLACEMENTS);
  const chosenPorts = data?.values?.portIds ?? suggestion.portIds;
  const err = (name: string) => data?.errors?.[name];

  return (
    <>
      <p>
        <Link to="/ops/requests">← {tr("approvals.queue.title")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("amendments.ops.title", { ref: change.contractRef })}</h1>
          <p className="muted">
            {tr("amendments.ops.lead", { org: change.orgName, site: `${change.siteCode} · ${change.siteName}`, date: format.date(change.effectiveOn) })} ·{" "}
            <Link to={`/ops/contracts/${change.contractId}`}>{tr("approvals.col.contract")}</Link>
          </p>
        </div>
        <StatusBadge status={change.status} label={tr(`requests.change.status.${change.status}`)} />
      </div>
      {search?.get("done") === "approved" ? (
        <Alert kind="success">
          {search.get("charge")
            ? tr("amendments.ops.approvedCharge", { date: format.date(change.effectiveOn), amount: format.money(Number(search.get("charge")), change.currency) })
            : tr("amendments.ops.approved", { date: format.date(change.effectiveOn) })}
        </Alert>
      ) : search?.get("done") === "rejected" ? (
        <Alert kind="success">{tr("amendments.ops.rejected")}</Alert>
      ) : null}
      <FormErrors formError={data?.formError} errors={data?.errors} />

      <div className="req-detail">
        <div>
          <section className="card">
            <h2>{tr("amendments.queue.col.changes")}</h2>
            <ul className="list">
              {change.lines.map((l) => (
                <li key={l.kind}>
                  {tr("amendments.versions.change", { kind: tr(`requests.kind.${l.kind}` as MessageKey), before: format.number(l.quantity_before), after: format.number(l.quantity), date: format.date(change.effectiveOn) })}
                </li>
              ))}
            </ul>
            {change.details ? <p className="pre-line small">{change.details}</p> : null}
            {change.decisionNote ? <p className="small">{tr("requests.change.answer", { note: change.decisionNote })}</p> : null}
            {earlyRelease ? (
              <Alert kind="warning">
                <strong>{tr("amendments.ops.early")}</strong> — {tr("amendments.ops.earlyHint", { date: format.date(earlyRelease.toOn) })} ({format.money(earlyRelease.amountMinor, change.currency)})
              </Alert>
            ) : null}
          </section>

          <section className="card">
            <h2>{tr("amendments.ops.held")}</h2>
            <ul className="list">
              {held.map((a) => (
                <li key={a.id}>
                  {a.room} · {a.rack} · U{a.firstU}–U{a.lastU} · {format.number(a.powerW)} W
                  <span className="muted small">
                    {" "}
                    · {a.endOn ? tr("requests.contract.period", { start: format.date(a.startOn), end: format.date(a.endOn) }) : tr("requests.contract.since", { start: format.date(a.startOn) })}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        </div>

        {canDecide ? (
          <aside>
            <section className="card">
              <h2>{tr("amendments.ops.reject")}</h2>
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="reject" />
                <div className={`field${err("reason") ? " field--error" : ""}`}>
                  <label htmlFor="f-reason">{tr("amendments.ops.reason")}</label>
                  <textarea id="f-reason" name="reason" rows={2} maxLength={1000} required aria-invalid={err("reason") ? true : undefined} />
                  {err("reason") ? (
                    <p className="field-error" role="alert">
                      {tr(err("reason")!)}
                    </p>
                  ) : null}
                </div>
                <button className="btn btn--danger-ghost btn--block" disabled={busy}>
                  {tr("amendments.ops.reject")}
                </button>
              </Form>
            </section>
          </aside>
        ) : null}
      </div>

      {canDecide ? (
        <section className="card">
          <h2>{tr("amendments.ops.assign", { date: format.date(change.effectiveOn) })}</h2>
          <p className="hint">{tr("amendments.ops.assignHint")}</p>
          <Form method="post" noValidate>
            <div className="table-scroll">
              <table className="table assignment-table">
                <thead>
                  <tr>
                    <th>{tr("amendments.ops.rack")}</th>
                    <th>{tr("amendments.col.kind")}</th>
                    <th>{tr("amendments.ops.firstU")}</th>
                    <th>{tr("amendments.ops.lastU")}</th>
                    <th>{tr("amendments.ops.powerW")}</th>
                  </tr>
                </thead>
                <tbody>
                  {slots.map((p, i) => (
                    <tr key={i}>
                      <td>
                        <select aria-label={`${tr("amendments.ops.row", { n: i + 1 })} · ${tr("amendments.ops.rack")}`} name={`placements.${i}.rackId`} defaultValue={p.rackId} aria-invalid={err(`placements.${i}.rackId`) ? true : undefined}>
                          <option value="">{tr("amendments.ops.removeRow")}</option>
                          {racks.map((r) => (
                            <option key={r.id} value={r.id}>
                              {tr("amendments.ops.rackOption", { rack: r.label, free: format.number(r.freeW) })}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        <select aria-label={`${tr("amendments.ops.row", { n: i + 1 })} · ${tr("amendments.col.kind")}`} name={`placements.${i}.kind`} defaultValue={p.kind || "units"}>
                          <option value="units">{tr("requests.contract.allocationKind.units")}</option>
                          <option value="half_rack">{tr("requests.contract.allocationKind.half_rack")}</option>
                          <option value="full_rack">{tr("requests.contract.allocationKind.full_rack")}</option>
                        </select>
                      </td>
                      {(["firstU", "lastU", "powerW"] as const).map((f) => (
                        <td key={f}>
                          <input
                            aria-label={`${tr("amendments.ops.row", { n: i + 1 })} · ${tr(`amendments.ops.${f}`)}`}
                            name={`placements.${i}.${f}`}
                            inputMode="numeric"
                            defaultValue={p[f]}
                            aria-invalid={err(`placements.${i}.${f}`) ? true : undefined}
                          />
                          {err(`placements.${i}.${f}`) ? (
                            <p className="field-error" role="alert">
                              {tr(err(`placements.${i}.${f}`)!)}
                            </p>
                          ) : null}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {ports.length ? (
              <fieldset>
                <legend>{tr("amendments.ops.ports")}</legend>
                {ports.map((p) => (
                  <label key={p.id} className="check">
                    <input type="checkbox" name="portIds" value={p.id} defaultChecked={chosenPorts.includes(p.id)} /> <span className="mono">{p.name}</span> · {p.room}
                  </label>
                ))}
              </fieldset>
            ) : null}
            {earlyRelease ? (
              <label className="check">
                <input type="checkbox" name="waive" /> {tr("amendments.ops.waive")}
              </label>
            ) : null}
            <div className="field">
              <label htmlFor="f-note">{tr("amendments.ops.note")}</label>
              <textarea id="f-note" name="note" rows={2} maxLength={1000} />
            </div>
            <button className="btn btn--primary" disabled={busy}>
              {tr("amendments.ops.approve")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
