import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type SerializeFrom } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState, type FormEvent } from "react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { getOrganisation } from "~/modules/orgs/organisations.server";
import { availabilityFor, getRequest, needsOf, shortRef, termPeriod } from "~/modules/requests/requests.server";
import { approveRequest, rejectRequest, type ApproveError, type HeldUnits } from "~/modules/requests/approve.server";
import { parseApprovalForm, MAX_PLACEMENTS, type ApprovalFormValues } from "~/modules/requests/approval-form.server";
import { RejectForm } from "~/modules/requests/schemas.server";
import { siteRacks, sitePorts, type AvailabilityShortage } from "~/modules/inventory/capacity.server";
import { freeRuns, halfRackUnits, type SpaceKind } from "~/modules/inventory/placement";
import { parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, FormErrors } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { QuoteLines, QuoteSummary } from "~/components/quote-summary";
import { RackElevation, type ElevationAllocation } from "~/components/rack-elevation";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

type PlacementValues = ApprovalFormValues["placements"][number];
interface Slot {
  kind: SpaceKind;
  /** Units the slot should hold (0 when the rack decides: half and full racks, or the optional extra slot). */
  units: number;
  optional: boolean;
}

const blank = (kind: SpaceKind): PlacementValues => ({ rackId: "", kind, firstU: "", lastU: "", powerW: "" });

/** One slot per full rack and half rack asked for, one for the block of units (and a spare one when no rack holds it whole). */
function slotsFor(need: ReturnType<typeof needsOf>, unitsShort: boolean): Slot[] {
  const slots: Slot[] = [
    ...Array.from({ length: need.fullRacks }, () => ({ kind: "full_rack" as const, units: 0, optional: false })),
    ...Array.from({ length: need.halfRacks }, () => ({ kind: "half_rack" as const, units: 0, optional: false })),
    ...(need.units > 0 ? [{ kind: "units" as const, units: need.units, optional: false }] : []),
    ...(need.units > 0 && unitsShort ? [{ kind: "units" as const, units: 0, optional: true }] : []),
  ];
  return slots.slice(0, MAX_PLACEMENTS);
}

async function load(request: Request, requestId: string | undefined) {
  const db = await getDb();
  const req = await getRequest(db, { operator: true }, requestId ?? "");
  if (!req) notFound();
  return { db, req };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const { db, req } = await load(request, params.requestId);
  const need = needsOf(req.lines);
  // Approved allocations are open-ended: check free resources from the start on, with no end.
  const period = { startOn: req.desired_start_on, endOn: null };
  const org = await getOrganisation(db, req.org_id);
  const base = {
    request: {
      id: req.id,
      ref: shortRef(req.id),
      status: req.status,
      orgId: req.org_id,
      orgName: req.org_name,
      orgKind: req.org_kind,
      orgStatus: org?.status ?? "verified",
      isVatExempt: req.is_vat_exempt,
      siteCode: req.site_code,
      siteName: req.site_name,
      currency: req.currency,
      vatRateBp: req.vat_rate_bp,
      createdAt: req.created_at,
      createdByName: req.created_by_name,
      createdByEmail: req.created_by_email,
      desiredStartOn: req.desired_start_on,
      termMonths: req.term_months,
      notes: req.notes,
      decidedAt: req.decided_at,
      rejectionReason: req.rejection_reason,
      contractId: req.contract_id,
      lines: req.lines,
    },
    quote: req.quote,
    need,
    // The commitment (term), shown to the operator; capacity is checked open-ended.
    period: termPeriod(req.desired_start_on, req.term_months),
    canApprove: operatorCan(user.operatorRole, "requests:approve"),
  };
  if (req.status !== "pending") return json({ ...base, approval: null });

  const [availability, racks, ports] = await Promise.all([
    availabilityFor(db, { siteId: req.site_id, desiredStartOn: req.desired_start_on, lines: req.lines }),
    siteRacks(db, req.site_id, period),
    sitePorts(db, req.site_id, period),
  ]);
  const activeRacks = racks.filter((r) => r.status === "active").length;
  // More whole racks than the site has: no assignment can match the request, so no form to fill in.
  const placeable = need.fullRacks + Math.ceil(need.halfRacks / 2) <= activeRacks && need.fullRacks + need.halfRacks + 2 <= MAX_PLACEMENTS;
  const slots = placeable ? slotsFor(need, availability.shortages.some((s) => s.kind === "units")) : [];
  const suggestions = [...availability.placements];
  const placements = slots.map((slot) => {
    const i = slot.optional ? -1 : suggestions.findIndex((p) => p.kind === slot.kind);
    if (i < 0) return blank(slot.kind);
    const [p] = suggestions.splice(i, 1);
    return { rackId: p.rackId, kind: p.kind, firstU: String(p.firstU), lastU: String(p.lastU), powerW: String(p.powerW) };
  });
  const freePorts = ports.filter((p, i) => p.status === "active" && !p.allocation_id && ports.findIndex((q) => q.id === p.id) === i);
  return json({
    ...base,
    approval: {
      ok: availability.ok,
      placeable,
      activeRacks,
      shortages: availability.shortages,
      bandwidthFreeMbps: availability.bandwidthFreeMbps,
      slots,
      defaults: { startOn: req.desired_start_on, placements, portIds: availability.ports.map((p) => p.id) } satisfies ApprovalFormValues,
      racks: racks.map((r) => {
        const taken = r.allocations.map((a) => ({ first: a.first_u, last: a.last_u }));
        const runs = freeRuns(r.height_u, taken).map((run) => run.last - run.first + 1);
        return {
          id: r.id,
          name: r.name,
          roomName: r.room_name,
          heightU: r.height_u,
          status: r.status,
          headroomW: Math.max(0, r.usableW - r.committedW),
          freeU: runs.reduce((s, n) => s + n, 0),
          largestRunU: Math.max(0, ...runs),
          allocations: r.allocations.map((a) => ({ firstU: a.first_u, lastU: a.last_u, label: a.org_name, kind: a.kind })),
        };
      }),
      ports: freePorts.map((p) => ({ id: p.id, name: p.name, roomName: p.room_name, media: p.media })),
    },
  });
}

type ApproveFailure = Exclude<ApproveError, "not_found">;
/** The operator's own input that does not match the request: 400. Anything else is the state of the world: 409. */
const BAD_INPUT: readonly ApproveFailure[] = ["placement_mismatch", "power_mismatch", "ports_mismatch", "wrong_site", "units_out_of_range", "full_rack_units"];

type ActionData =
  | { intent: "approve"; formError?: MessageKey; errors?: FieldErrors; values: ApprovalFormValues; attempt: number; held?: HeldUnits }
  | { intent: "reject"; formError?: MessageKey; errors?: FieldErrors; reason: string }
  | { intent: "unknown"; formError: MessageKey };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "requests:approve");
  const { db, req } = await load(request, params.requestId);
  const formData = await readForm(request);
  const intent = formData.get("intent");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };

  if (intent === "reject") {
    const reason = String(formData.get("reason") ?? "").slice(0, 2000);
    const parsed = parseForm(RejectForm, formData);
    if (!parsed.ok) return json<ActionData>({ intent: "reject", errors: parsed.errors, reason }, { status: 400 });
    const result = await inTransactionOrRollback((trx) => rejectRequest(trx, { requestId: req.id, reason: parsed.data.reason, actor, baseUrl: baseUrl(request) }));
    if (result.ok) return redirect(`/ops/requests/${req.id}?decided=rejected`);
    if (result.error === "not_found") notFound();
    return json<ActionData>({ intent: "reject", formError: `approvals.error.${result.error}`, reason }, { status: 409 });
  }

  if (intent === "approve") {
    const racks = await siteRacks(db, req.site_id, { startOn: req.desired_start_on, endOn: null });
    const parsed = parseApprovalForm(
      formData,
      racks.map((r) => ({ id: r.id, heightU: r.height_u })),
    );
    const attempt = Date.now();
    if (!parsed.ok) return json<ActionData>({ intent: "approve", errors: parsed.errors, values: parsed.values, attempt }, { status: 400 });
    const result = await inTransactionOrRollback((trx) => approveRequest(trx, { requestId: req.id, ...parsed.data, actor, baseUrl: baseUrl(request) }));
    if (result.ok) return redirect(`/ops/contracts/${result.contractId}?approved=1`);
    if (result.error === "not_found") notFound();
    return json<ActionData>(
      { intent: "approve", formError: `approvals.error.${result.error}`, values: parsed.values, attempt, ...("held" in result && result.held ? { held: result.held } : {}) },
      { status: BAD_INPUT.includes(result.error) ? 400 : 409 },
    );
  }

  return json<ActionData>({ intent: "unknown", formError: "approvals.error.intent" }, { status: 400 });
}

type Data = SerializeFrom<typeof loader>;
type Approval = NonNullable<Data["approval"]>;
type RackOption = Approval["racks"][number];

function useShortageText() {
  const tr = useT();
  const format = useFormat();
  const kw = (w: number) => format.number(w / 1000, { maximumFractionDigits: 1 });
  return (s: AvailabilityShortage) => {
    switch (s.kind) {
      case "units":
        return tr("requests.avail.units", { needed: s.needed, available: s.largestFreeRun });
      case "half_rack":
      case "full_rack":
        return tr(`requests.avail.${s.kind}`, { needed: format.number(s.needed), available: format.number(s.available) });
      case "power":
        return tr("requests.avail.power", { needed: kw(s.neededW), available: kw(s.availableW) });
      case "bandwidth":
        return tr("requests.avail.bandwidth", { needed: format.number(s.neededMbps), available: format.number(s.availableMbps) });
      case "ports":
        return tr("requests.avail.ports", { needed: format.number(s.needed), available: format.number(s.available) });
      case "power_without_space":
        return tr("requests.error.power_without_space");
    }
  };
}

function useNeedText() {
  const tr = useT();
  const format = useFormat();
  return (lines: { kind: keyof typeof KIND_ORDER; quantity: number }[]) =>
    [...lines]
      .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind])
      .map((l) => tr(`approvals.ask.${l.kind}`, { n: l.quantity }))
      .join(" · ");
}
const KIND_ORDER = { rack_unit: 0, half_rack: 1, full_rack: 2, cage: 3, power_commit_kw: 4, bandwidth_commit_mbps: 5, cross_connect: 6 } as const;

/** The placement values of the form as it is now (for the live elevation preview). */
function readPlacements(form: HTMLFormElement, count: number): PlacementValues[] {
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)?.value ?? "";
  return Array.from({ length: count }, (_, i) => ({
    rackId: value(`placements.${i}.rackId`),
    kind: value(`placements.${i}.kind`),
    firstU: value(`placements.${i}.firstU`),
    lastU: value(`placements.${i}.lastU`),
    powerW: value(`placements.${i}.powerW`),
  }));
}

const intOf = (v: string) => (/^\d{1,3}$/.test(v.trim()) ? Number(v) : NaN);

function ApprovalForm({ data, approval, action }: { data: Data; approval: Approval; action?: Extract<ActionData, { intent: "approve" }> }) {
  const tr = useT();
  const format = useFormat();
  const navigation = useNavigation();
  const needText = useNeedText();
  const values = action?.values ?? approval.defaults;
  const errors = action?.errors ?? {};
  const [draft, setDraft] = useState<PlacementValues[]>(() => approval.slots.map((s, i) => values.placements[i] ?? blank(s.kind)));
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "approve";
  const rackById = new Map(approval.racks.map((r) => [r.id, r]));
  const spaceLines = data.request.lines.filter((l) => l.kind !== "cage");

  /** With JavaScript: picking a rack for a full or half rack (or a block of units) fills in a range that fits. */
  const onChange = (event: FormEvent<HTMLFormElement>) => {
    const form = event.currentTarget;
    const target = event.target as HTMLElement;
    const match = target instanceof HTMLSelectElement ? /^placements\.(\d+)\.rackId$/.exec(target.name) : null;
    if (match) {
      const i = Number(match[1]);
      const slot = approval.slots[i];
      const rack = rackById.get((target as HTMLSelectElement).value);
      const first = form.elements.namedItem(`placements.${i}.firstU`) as HTMLInputElement | null;
      const last = form.elements.namedItem(`placements.${i}.lastU`) as HTMLInputElement | null;
      if (rack && slot && first && last) {
        const taken = rack.allocations.map((a) => ({ first: a.firstU, last: a.lastU }));
        if (slot.kind === "full_rack") {
          first.value = "1";
          last.value = String(rack.heightU);
        } else if (slot.kind === "half_rack") {
          const size = halfRackUnits(rack.heightU);
          const top = rack.heightU - size + 1;
          const start = [1, top].find((f) => taken.every((t) => t.last < f || t.first > f + size - 1)) ?? 1;
          first.value = String(start);
          last.value = String(start + size - 1);
        } else {
          const current = intOf(last.value) - intOf(first.value) + 1;
          const size = Number.isFinite(current) && current > 0 ? current : slot.units;
          const run = size > 0 ? freeRuns(rack.heightU, taken).find((r) => r.last - r.first + 1 >= size) : undefined;
          if (run) {
            first.value = String(run.first);
            last.value = String(run.first + size - 1);
          }
        }
      }
    }
    setDraft(readPlacements(form, approval.slots.length));
  };

  // The racks the form points at now, with what is there and what is proposed.
  const previews = [...new Set(draft.map((p) => p.rackId).filter((id) => rackById.has(id)))].map((id) => {
    const rack = rackById.get(id)!;
    const proposed = draft
      .filter((p) => p.rackId === id && Number.isFinite(intOf(p.firstU)) && Number.isFinite(intOf(p.lastU)) && intOf(p.firstU) <= intOf(p.lastU))
      .map((p) => {
        const range = { firstU: intOf(p.firstU), lastU: intOf(p.lastU), kind: (p.kind || "units") as SpaceKind };
        const clash = range.lastU > rack.heightU || rack.allocations.some((a) => a.firstU <= range.lastU && a.lastU >= range.firstU);
        return { ...range, clash };
      });
    // What is there first: a proposal over taken units shows the block already there (and a red range below).
    const allocations: ElevationAllocation[] = [
      ...rack.allocations,
      ...proposed.map(({ clash: _, ...p }) => ({ ...p, label: tr("approvals.form.proposed", { tenant: data.request.orgName }), highlight: true })),
    ];
    return { rack, proposed, allocations };
  });

  const rackLabel = (r: RackOption) =>
    r.status === "maintenance"
      ? tr("approvals.form.rackOptionMaintenance", { room: r.roomName, rack: r.name })
      : tr("approvals.form.rackOption", {
          room: r.roomName,
          rack: r.name,
          free: r.freeU,
          run: r.largestRunU,
          headroom: r.headroomW,
        });

  const fieldError = (name: string) =>
    errors[name] ? (
      <p className="field-error" id={`f-${name}-error`} role="alert">
        {tr(errors[name]!)}
      </p>
    ) : null;
  const invalid = (name: string) => (errors[name] ? { "aria-invalid": true as const, "aria-describedby": `f-${name}-error` } : {});

  return (
    <Form method="post" className="approval-form" onChange={onChange} noValidate>
      <input type="hidden" name="intent" value="approve" />
      {action?.held ? (
        // Units held by a contract: name it (the tenant's own earlier contract, or another's).
        <Alert>
          {tr(action.held.sameOrg ? "approvals.error.units_held_own" : "approvals.error.units_held_other", {
            first: action.held.firstU,
            last: action.held.lastU,
            rack: action.held.rack,
            ref: action.held.contractRef,
            org: action.held.orgName,
            date: format.date(action.held.fromOn),
          })}{" "}
          <Link to={`/ops/contracts/${action.held.contractId}`}>{tr("approvals.error.units_held_link", { ref: action.held.contractRef })}</Link>
        </Alert>
      ) : (
        <FormErrors formError={action?.formError} errors={action?.errors} />
      )}
      {action?.formError ? (
        <p className="small">
          <Link to="." replace>
            {tr("approvals.form.reset")}
          </Link>
        </p>
      ) : null}
      <p className="muted small">{tr("approvals.form.intro")}</p>
      <p>
        <strong>{tr("approvals.form.toAssign", { what: needText(spaceLines) || tr("approvals.ask.nothing") })}</strong>
      </p>

      <div className="approval-layout">
        <div className="approval-fields">
          {approval.slots.length === 0 ? <p className="muted">{tr("approvals.form.nothingToPlace")}</p> : null}
          {approval.slots.map((slot, i) => {
            const v = values.placements[i] ?? blank(slot.kind);
            const name = (f: keyof PlacementValues) => `placements.${i}.${f}`;
            const legend = slot.optional
              ? tr("approvals.form.slotExtra")
              : tr("approvals.form.slot", { n: i + 1, kind: tr(`approvals.form.kind.${slot.kind}`, { n: format.number(slot.units) }) });
            return (
              <fieldset key={i} className="placement">
                <legend>{legend}</legend>
                <input type="hidden" name={name("kind")} value={slot.kind} />
                <div className={`field placement-rack${errors[name("rackId")] ? " field--error" : ""}`}>
                  <label htmlFor={`f-${name("rackId")}`}>{tr("approvals.form.rack")}</label>
                  <select id={`f-${name("rackId")}`} name={name("rackId")} defaultValue={v.rackId} {...invalid(name("rackId"))}>
                    <option value="">{tr("approvals.form.chooseRack")}</option>
                    {approval.racks.map((r) => (
                      <option key={r.id} value={r.id} disabled={r.status === "maintenance"}>
                        {rackLabel(r)}
                      </option>
                    ))}
                  </select>
                  {fieldError(name("rackId"))}
                </div>
                <div className="placement-numbers">
                  {(["firstU", "lastU", "powerW"] as const).map((f) => (
                    <div key={f} className={`field${errors[name(f)] ? " field--error" : ""}`}>
                      <label htmlFor={`f-${name(f)}`}>{tr(`approvals.form.${f}`)}</label>
                      <input
                        id={`f-${name(f)}`}
                        name={name(f)}
                        inputMode="numeric"
                        pattern="[0-9]*"
                        autoComplete="off"
                        defaultValue={v[f]}
                        {...invalid(name(f))}
                      />
                      {fieldError(name(f))}
                    </div>
                  ))}
                </div>
              </fieldset>
            );
          })}
          {data.need.powerW > 0 ? <p className="hint">{tr("approvals.form.powerHint", { watts: format.number(data.need.powerW) })}</p> : null}

          {data.need.ports > 0 ? (
            <fieldset className={`ports-pick${errors.portIds ? " field--error" : ""}`}>
              <legend>{tr("approvals.form.ports", { count: data.need.ports })}</legend>
              {approval.ports.length === 0 ? <p className="muted">{tr("approvals.form.noFreePorts")}</p> : null}
              {[...new Set(approval.ports.map((p) => p.roomName))].map((room) => (
                <div key={room} className="ports-room">
                  <p className="ports-room-name small muted">{room}</p>
                  <ul className="ports-grid">
                    {approval.ports
                      .filter((p) => p.roomName === room)
                      .map((p) => (
                        <li key={p.id}>
                          <label className="check">
                            <input type="checkbox" name="portIds" value={p.id} defaultChecked={values.portIds.includes(p.id)} />
                            <span>
                              <span className="mono">{p.name}</span> <span className="muted small">{tr(`requests.media.${p.media}`)}</span>
                            </span>
                          </label>
                        </li>
                      ))}
                  </ul>
                </div>
              ))}
              {fieldError("portIds")}
            </fieldset>
          ) : null}

          <div className={`field field--date${errors.startOn ? " field--error" : ""}`}>
            <label htmlFor="f-startOn">{tr("approvals.form.startOn")}</label>
            <input id="f-startOn" name="startOn" type="date" defaultValue={values.startOn} {...invalid("startOn")} />
            {errors.startOn ? fieldError("startOn") : <p className="hint">{tr("approvals.form.startHint")}</p>}
          </div>
        </div>

        {approval.slots.length ? (
          <aside className="approval-preview" aria-label={tr("approvals.form.preview")}>
            <h3>{tr("approvals.form.preview")}</h3>
            {previews.length === 0 ? <p className="muted small">{tr("approvals.form.noPreview")}</p> : null}
            <ul className="preview-racks">
              {previews.map(({ rack, proposed, allocations }) => (
                <li key={rack.id}>
                  <RackElevation name={rack.name} height={rack.heightU} allocations={allocations} compact maintenance={rack.status === "maintenance"} />
                  <span className="small">
                    <strong>{rack.name}</strong> <span className="muted">{rack.roomName}</span>
                    {proposed.map((p) => (
                      <span key={`${p.firstU}-${p.lastU}`} className={`preview-range${p.clash ? " preview-range--clash" : ""}`}>
                        U{p.firstU}–U{p.lastU}
                        {p.clash ? ` · ${tr("approvals.form.clash")}` : ""}
                      </span>
                    ))}
                  </span>
                </li>
              ))}
            </ul>
          </aside>
        ) : null}
      </div>

      <button className="btn" disabled={busy}>
        {tr("approvals.form.submit")}
      </button>
    </Form>
  );
}

export default function ReviewRequest() {
  const data = useLoaderData<typeof loader>();
  const action = useActionData<typeof action>() as ActionData | undefined;
  const [params] = useSearchParams();
  const tr = useT();
  const format = useFormat();
  const shortageText = useShortageText();
  const r = data.request;
  const approval = data.approval;
  const approveAction = action?.intent === "approve" ? action : undefined;
  const rejectAction = action?.intent === "reject" ? action : undefined;
  const pending = r.status === "pending";

  return (
    <>
      <p>
        <Link to="/ops/requests">← {tr("approvals.request.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("approvals.request.title", { ref: r.ref })}</h1>
          <p className="muted">
            <Link to={`/ops/organisations/${r.orgId}`}>{r.orgName}</Link> · {tr(`orgKind.${r.orgKind}`)} · {r.siteCode} — {r.siteName}
          </p>
        </div>
        <StatusBadge status={r.status} label={tr(`requests.status.${r.status}`)} />
      </div>

      {params.get("decided") === "rejected" && r.status === "rejected" ? <Alert kind="success">{tr("approvals.decided.rejectedNotice")}</Alert> : null}
      {action?.intent === "unknown" ? <Alert>{tr(action.formError)}</Alert> : null}
      {r.status === "approved" ? (
        <Alert kind="success">
          {tr("approvals.decided.approved", { date: r.decidedAt ? format.dateTime(r.decidedAt) : "" })}{" "}
          {r.contractId ? <Link to={`/ops/contracts/${r.contractId}`}>{tr("requests.viewContract")}</Link> : null}
        </Alert>
      ) : null}
      {r.status === "rejected" ? (
        <Alert kind="warning">
          <p>{tr("approvals.decided.rejected", { date: r.decidedAt ? format.dateTime(r.decidedAt) : "" })}</p>
          <blockquote className="reason">{r.rejectionReason}</blockquote>
        </Alert>
      ) : null}
      {r.status === "cancelled" ? <Alert kind="info">{tr("approvals.decided.cancelled", { date: r.decidedAt ? format.dateTime(r.decidedAt) : "" })}</Alert> : null}
      {pending && r.orgStatus !== "verified" ? (
        <Alert kind="warning">
          {tr("approvals.error.org_not_verified")} <Link to={`/ops/organisations/${r.orgId}`}>{r.orgName}</Link>
        </Alert>
      ) : null}

      <div className="review-grid">
        <section className="card">
          <h2>{tr("approvals.request.tenant")}</h2>
          <dl className="facts">
            <dt>{tr("approvals.request.tenant")}</dt>
            <dd>
              <Link to={`/ops/organisations/${r.orgId}`}>{r.orgName}</Link>
            </dd>
            <dt>{tr("approvals.request.site")}</dt>
            <dd>
              {r.siteCode} — {r.siteName} ({r.currency})
            </dd>
            <dt>{tr("approvals.request.submitted")}</dt>
            <dd>
              {format.dateTime(r.createdAt)}
              {r.createdByName ? (
                <>
                  <br />
                  <span className="small">{tr("approvals.request.submittedBy", { name: r.createdByName, email: r.createdByEmail ?? "" })}</span>
                </>
              ) : null}
            </dd>
            <dt>{tr("approvals.request.desiredStart")}</dt>
            <dd>{format.date(r.desiredStartOn)}</dd>
            <dt>{tr("approvals.request.term")}</dt>
            <dd>{tr("requests.termValue", { months: r.termMonths })}</dd>
            <dt>{tr("approvals.request.period")}</dt>
            <dd>{tr("approvals.request.periodValue", { start: format.date(data.period.startOn), end: format.date(data.period.endOn) })}</dd>
          </dl>
          <h3 className="subhead">{tr("approvals.request.notes")}</h3>
          {r.notes ? <p className="notes">{r.notes}</p> : <p className="muted">{tr("approvals.request.noNotes")}</p>}
        </section>

        <section className="card">
          <h2>{tr("approvals.request.lines")}</h2>
          <div className="table-scroll">
            <QuoteLines lines={data.quote.lines} currency={r.currency} compact />
          </div>
          <QuoteSummary quote={data.quote} currency={r.currency} vatRateBp={r.vatRateBp} exempt={r.isVatExempt} />
          {r.isVatExempt ? <p className="small vat-mention">{tr("approvals.request.vatExempt")}</p> : null}
          {pending ? <p className="small muted">{tr("approvals.request.currency", { currency: r.currency })}</p> : null}
        </section>
      </div>

      {approval ? (
        <section className="card" aria-labelledby="avail-title">
          <h2 id="avail-title">{tr("approvals.avail.title")}</h2>
          {approval.ok ? (
            <Alert kind="success">{tr("approvals.avail.ok", { site: r.siteCode })}</Alert>
          ) : (
            <Alert kind="warning">
              <p>{tr("requests.avail.short", { site: r.siteCode })}</p>
              <ul className="shortages">
                {approval.shortages.map((s, i) => (
                  <li key={i}>{shortageText(s)}</li>
                ))}
              </ul>
              {approval.placeable ? <p>{tr("approvals.avail.manual")}</p> : null}
            </Alert>
          )}
          {data.need.bandwidthMbps > 0 ? (
            <p className="small">{tr("approvals.avail.bandwidth", { asked: format.number(data.need.bandwidthMbps), free: format.number(approval.bandwidthFreeMbps) })}</p>
          ) : null}
          {data.need.cages > 0 ? <p className="small">{tr("approvals.avail.cages")}</p> : null}
          {!approval.placeable ? <Alert kind="error">{tr("approvals.avail.impossible", { racks: approval.activeRacks })}</Alert> : null}
        </section>
      ) : null}

      {approval && data.canApprove ? (
        <>
          {approval.placeable ? (
            <section className="card" aria-labelledby="approve-title">
              <h2 id="approve-title">{tr("approvals.form.title")}</h2>
              <ApprovalForm key={approveAction?.attempt ?? "suggested"} data={data} approval={approval} action={approveAction} />
            </section>
          ) : null}
          <section className="card" aria-labelledby="reject-title">
            <h2 id="reject-title">{tr("approvals.reject.title")}</h2>
            <RejectRequest action={rejectAction} />
          </section>
        </>
      ) : null}
      {approval && !data.canApprove ? <Alert kind="info">{tr("approvals.readOnly")}</Alert> : null}
    </>
  );
}

function RejectRequest({ action }: { action?: Extract<ActionData, { intent: "reject" }> }) {
  const tr = useT();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "reject";
  const error = action?.errors?.reason;
  return (
    <Form method="post" className="reject-form" noValidate>
      <input type="hidden" name="intent" value="reject" />
      {action?.formError ? <Alert>{tr(action.formError)}</Alert> : null}
      <div className={`field${error ? " field--error" : ""}`}>
        <label htmlFor="f-reason">{tr("approvals.reject.reason")}</label>
        <textarea id="f-reason" name="reason" rows={3} maxLength={1000} required defaultValue={action?.reason} aria-invalid={error ? true : undefined} aria-describedby={error ? "f-reason-error" : undefined} />
        {error ? (
          <p className="field-error" id="f-reason-error" role="alert">
            {tr(error)}
          </p>
        ) : null}
      </div>
      <button className="btn btn--danger" disabled={busy}>
        {tr("approvals.reject.submit")}
      </button>
    </Form>
  );
}
