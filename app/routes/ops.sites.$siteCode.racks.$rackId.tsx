import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { findSite, rackDetail, updateRack } from "~/modules/inventory/inventory.server";
import { RackForm } from "~/modules/inventory/schemas.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransaction } from "~/utils/db.server";
import { Alert, Field, FormErrors, SelectField } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { RackElevation } from "~/components/rack-elevation";
import { CapacityBar, useCapacityFormat } from "~/components/capacity-bar";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const db = await getDb();
  const site = await findSite(db, params.siteCode);
  if (!site) notFound();
  const detail = await rackDetail(db, site, params.rackId);
  if (!detail) notFound();
  return json({ site: { code: site.code }, ...detail, canManage: operatorCan(user.operatorRole, "inventory:manage") });
}

type ActionData = {
  errors?: FieldErrors;
  formError?: MessageKey;
  formVars?: Record<string, number>;
  notice?: MessageKey;
  values?: Record<string, string>;
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "inventory:manage");
  const site = await findSite(await getDb(), params.siteCode);
  if (!site) notFound();
  const form = formDataObject(await readForm(request));
  const parsed = parseForm(RackForm, form);
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors, values: form }, { status: 400 });
  const input = parsed.data;
  const result = await inTransaction((trx) =>
    updateRack(trx, {
      siteId: site.id,
      rackId: params.rackId ?? "",
      ...input,
      actor: { id: user.id, email: user.email, ip: clientIp(context) },
    }),
  );
  if (result.ok) return json<ActionData>({ notice: result.changed ? "inventory.rack.saved" : "inventory.rack.unchanged" });
  switch (result.error) {
    case "not_found":
      notFound();
    case "name_taken":
      return json<ActionData>({ errors: { name: "inventory.error.rackNameTaken" }, values: form }, { status: 409 });
    case "power_below_committed": {
      const errors: FieldErrors = {};
      for (const field of ["powerCapacityW", "feedAW", "feedBW"] as const) {
        if (input[field] < result.committedW) errors[field] = "inventory.error.belowCommittedPower";
      }
      return json<ActionData>(
        { errors, formError: "inventory.rack.powerBelowCommitted", formVars: { committed: result.committedW }, values: form },
        { status: 409 },
      );
    }
    case "units_below_allocated":
      return json<ActionData>(
        {
          errors: { heightU: "inventory.error.belowAllocatedUnits" },
          formError: "inventory.rack.unitsBelowAllocated",
          formVars: { highest: result.highestU },
          values: form,
        },
        { status: 409 },
      );
  }
}

export default function RackPage() {
  const { site, rack, room, allocations, upcoming, today, committedAheadW, highestAllocatedU, canManage } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const cap = useCapacityFormat();
  const values = data?.values;
  const v = (name: string, fallback: string | number) => values?.[name] ?? String(fallback);
  const formVars = Object.fromEntries(Object.entries(data?.formVars ?? {}).map(([k, n]) => [k, cap.n(n)]));
  const detailOf = (a: (typeof allocations)[number]) =>
    [cap.w(a.powerW), a.endOn ? tr("inventory.allocation.until", { date: format.date(a.endOn) }) : tr("inventory.allocation.openEnded")].join(", ");
  return (
    <>
      <p className="breadcrumbs small">
        <Link to={`/ops/sites/${site.code}`}>{tr("inventory.nav.capacity")}</Link> › {room.name} › <strong>{rack.name}</strong>
      </p>
      <div className="page-head">
        <div>
          <h2 className="rack-title">
            {tr("inventory.rack.heading", { name: rack.name })} <StatusBadge status={rack.status} label={tr(`inventory.status.${rack.status}`)} />
          </h2>
          <p className="muted small">
            {room.name} · {tr(`inventory.roomKind.${room.kind}`)} · {tr("inventory.rack.elevationToday", { date: format.date(today) })}
          </p>
        </div>
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      <div className="rack-layout">
        <section className="card rack-drawing" aria-label={tr("inventory.rack.elevation")}>
          <RackElevation
            name={rack.name}
            height={rack.heightU}
            maintenance={rack.status === "maintenance"}
            allocations={allocations.map((a) => ({ firstU: a.firstU, lastU: a.lastU, label: a.orgName, kind: a.kind, detail: detailOf(a) }))}
          />
          <ul className="elevation-legend small">
            <li>
              <span className="inv-swatch inv-swatch--free" /> {tr("inventory.elevation.free")}
            </li>
            <li>
              <span className="inv-swatch inv-swatch--taken" /> {tr("inventory.elevation.legendTaken")}
            </li>
            {rack.status === "maintenance" ? (
              <li>
                <span className="inv-swatch inv-swatch--maintenance" /> {tr("inventory.elevation.legendMaintenance")}
              </li>
            ) : null}
          </ul>
        </section>
        <div className="rack-side">
          <section className="card">
            <h2>{tr("inventory.rack.facts")}</h2>
            <CapacityBar
              small
              label={tr("inventory.capacity.space")}
              value={rack.usedU}
              max={rack.heightU}
              text={cap.usedOf(cap.n(rack.usedU), cap.u(rack.heightU))}
            />
            <CapacityBar
              small
              label={tr("inventory.capacity.power")}
              value={rack.committedW}
              max={rack.usableW}
              text={cap.usedOf(cap.n(rack.committedW), cap.w(rack.usableW))}
            />
            <dl className="facts">
              <dt>{tr("inventory.rack.heightU")}</dt>
              <dd>{cap.u(rack.heightU)}</dd>
              <dt>{tr("inventory.rack.largestFree")}</dt>
              <dd>{cap.u(rack.largestFreeRun)}</dd>
              <dt>{tr("inventory.rack.powerCapacityW")}</dt>
              <dd>{cap.w(rack.powerCapacityW)}</dd>
              <dt>{tr("inventory.rack.feedAW")}</dt>
              <dd>{cap.w(rack.feedAW)}</dd>
              <dt>{tr("inventory.rack.feedBW")}</dt>
              <dd>{cap.w(rack.feedBW)}</dd>
              <dt>{tr("inventory.rack.usable")}</dt>
              <dd>{cap.w(rack.usableW)}</dd>
              <dt>{tr("inventory.rack.committedToday")}</dt>
              <dd>{cap.w(rack.committedW)}</dd>
              <dt>{tr("inventory.rack.committedAhead")}</dt>
              <dd>{cap.w(committedAheadW)}</dd>
            </dl>
          </section>
          {canManage ? (
            <section className="card">
              <h2>{tr("inventory.rack.edit")}</h2>
              {data?.formError ? <Alert>{tr(data.formError, formVars)}</Alert> : <FormErrors errors={data?.errors} />}
              <Form method="post" noValidate className="form-grid">
                <Field
                  name="name"
                  label={tr("inventory.rack.name")}
                  errors={data?.errors}
                  defaultValue={v("name", rack.name)}
                  maxLength={60}
                  required
                />
                <Field
                  name="heightU"
                  label={tr("inventory.rack.heightU")}
                  errors={data?.errors}
                  defaultValue={v("heightU", rack.heightU)}
                  inputMode="numeric"
                  hint={highestAllocatedU > 0 ? tr("inventory.rack.heightHint", { u: highestAllocatedU }) : tr("inventory.rack.heightRange")}
                  required
                />
                <div className="form-grid-full form-grid form-grid--3">
                  <Field
                    name="powerCapacityW"
                    label={tr("inventory.rack.capacityField")}
                    errors={data?.errors}
                    defaultValue={v("powerCapacityW", rack.powerCapacityW)}
                    inputMode="numeric"
                    required
                  />
                  <Field
                    name="feedAW"
                    label={tr("inventory.rack.feedAW")}
                    errors={data?.errors}
                    defaultValue={v("feedAW", rack.feedAW)}
                    inputMode="numeric"
                    required
                  />
                  <Field
                    name="feedBW"
                    label={tr("inventory.rack.feedBW")}
                    errors={data?.errors}
                    defaultValue={v("feedBW", rack.feedBW)}
                    inputMode="numeric"
                    required
                  />
                </div>
                <SelectField
                  name="status"
                  label={tr("inventory.rack.status")}
                  errors={data?.errors}
                  defaultValue={v("status", rack.status)}
                  options={(["active", "maintenance"] as const).map((s) => ({ value: s, label: tr(`inventory.status.${s}`) }))}
                />
                <p className="hint form-grid-full">{tr("inventory.rack.powerHint", { committed: cap.w(committedAheadW) })}</p>
                <div className="form-grid-full">
                  <button className="btn" disabled={navigation.state === "submitting"}>
                    {tr("inventory.rack.save")}
                  </button>
                </div>
              </Form>
            </section>
          ) : null}
        </div>
      </div>
      <section className="card">
        <h2>{tr("inventory.rack.allocations")}</h2>
        {upcoming.length === 0 ? (
          <p className="muted">{tr("inventory.rack.noAllocations")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table table--compact">
              <thead>
                <tr>
                  <th>{tr("inventory.ports.tenant")}</th>
                  <th>{tr("inventory.allocation.units")}</th>
                  <th>{tr("inventory.allocation.kind")}</th>
                  <th className="num">{tr("inventory.rack.power")}</th>
                  <th>{tr("inventory.allocation.from")}</th>
                  <th>{tr("inventory.allocation.to")}</th>
                </tr>
              </thead>
              <tbody>
                {upcoming.map((a) => (
                  <tr key={a.id}>
                    <td>{a.orgName}</td>
                    <td className="nowrap">{a.firstU === a.lastU ? `U${a.firstU}` : `U${a.firstU}–U${a.lastU}`}</td>
                    <td>{tr(`inventory.allocationKind.${a.kind}`)}</td>
                    <td className="num nowrap">{cap.w(a.powerW)}</td>
                    <td className="nowrap">{format.date(a.startOn)}</td>
                    <td className="nowrap">{a.endOn ? format.date(a.endOn) : tr("inventory.allocation.openEnded")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
