import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { createPort, createRack, createRoom, findSite, setPortStatus, siteInventory, updateUplink } from "~/modules/inventory/inventory.server";
import { NewPortForm, NewRackForm, NewRoomForm, PortStatusForm, UplinkForm } from "~/modules/inventory/schemas.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransaction } from "~/utils/db.server";
import { Alert, Field, FormErrors, SelectField } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { useCapacityFormat } from "~/components/capacity-bar";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";
import { remoteHandsSettings, updateRemoteHandsSettings } from "~/modules/remotehands/tickets.server";
import { SettingsForm as RemoteHandsSettingsForm } from "~/modules/remotehands/schemas.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const db = await getDb();
  const site = await findSite(db, params.siteCode);
  if (!site) notFound();
  return json({
    site: { code: site.code },
    ...(await siteInventory(db, site)),
    remoteHands: await remoteHandsSettings(db, site.id),
    canManage: operatorCan(user.operatorRole, "inventory:manage"),
  });
}

type Intent = "room" | "rack" | "port" | "portStatus" | "uplink" | "remoteHands";
type ActionData = {
  intent: Intent | "";
  errors?: FieldErrors;
  formError?: MessageKey;
  formVars?: Record<string, number>;
  notice?: MessageKey;
  noticeVars?: Record<string, string>;
  values?: Record<string, string>;
  /** Id of what was just created or changed: resets the form it came from. */
  done?: string;
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "inventory:manage");
  const site = await findSite(await getDb(), params.siteCode);
  if (!site) notFound();
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const form = formDataObject(await readForm(request));
  const intent = (["room", "rack", "port", "portStatus", "uplink", "remoteHands"] as const).find((i) => i === form.intent) ?? "";
  const reply = (data: Omit<ActionData, "intent">, status = 200) => json<ActionData>({ intent, ...data }, { status });
  const invalid = (errors: FieldErrors) => reply({ errors, values: form }, 400);

  switch (intent) {
    case "room": {
      const parsed = parseForm(NewRoomForm, form);
      if (!parsed.ok) return invalid(parsed.errors);
      const result = await inTransaction((trx) =>
        createRoom(trx, { siteId: site.id, name: parsed.data.roomName, kind: parsed.data.roomKind, actor }),
      );
      if (!result.ok) return reply({ errors: { roomName: "inventory.error.roomNameTaken" }, values: form }, 409);
      return reply({ notice: "inventory.room.created", noticeVars: { name: parsed.data.roomName }, done: result.roomId });
    }
    case "rack": {
      const parsed = parseForm(NewRackForm, form);
      if (!parsed.ok) return invalid(parsed.errors);
      const { rackRoomId, rackName, ...capacity } = parsed.data;
      const result = await inTransaction((trx) => createRack(trx, { siteId: site.id, roomId: rackRoomId, name: rackName, ...capacity, actor }));
      if (!result.ok && result.error === "room_not_found") notFound();
      if (!result.ok) return reply({ errors: { rackName: "inventory.error.rackNameTaken" }, values: form }, 409);
      return reply({ notice: "inventory.rack.created", noticeVars: { name: rackName }, done: result.rackId });
    }
    case "port": {
      const parsed = parseForm(NewPortForm, form);
      if (!parsed.ok) return invalid(parsed.errors);
      const result = await inTransaction((trx) =>
        createPort(trx, { siteId: site.id, roomId: parsed.data.portRoomId, name: parsed.data.portName, media: parsed.data.media, actor }),
      );
      if (!result.ok && result.error === "room_not_found") notFound();
      if (!result.ok) return reply({ errors: { portName: "inventory.error.portNameTaken" }, values: form }, 409);
      return reply({ notice: "inventory.ports.created", noticeVars: { name: parsed.data.portName }, done: result.portId });
    }
    case "portStatus": {
      const parsed = parseForm(PortStatusForm, form);
      if (!parsed.ok) return reply({ formError: "error.invalid" }, 400);
      const result = await inTransaction((trx) => setPortStatus(trx, { siteId: site.id, ...parsed.data, actor }));
      if (!result.ok) notFound();
      return reply({
        notice: parsed.data.status === "maintenance" ? "inventory.ports.toMaintenance" : "inventory.ports.toActive",
        noticeVars: { name: result.name },
        done: parsed.data.portId,
      });
    }
    case "uplink": {
      const parsed = parseForm(UplinkForm, form);
      if (!parsed.ok) return invalid(parsed.errors);
      const result = await inTransaction((trx) =>
        updateUplink(trx, { siteId: site.id, uplinkMbps: parsed.data.uplinkMbps, ratio: parsed.data.ratio, actor }),
      );
      if (!result.ok && result.error === "not_found") notFound();
      if (!result.ok)
        return reply(
          {
            errors: { uplinkMbps: "inventory.error.belowCommittedBandwidth", ratio: "inventory.error.belowCommittedBandwidth" },
            formError: "inventory.uplink.belowCommitted",
            formVars: { committed: result.committedMbps },
            values: form,
          },
          409,
        );
      return reply({ notice: result.changed ? "inventory.uplink.saved" : "inventory.rack.unchanged", done: String(Date.now()) });
    }
    case "remoteHands": {
      const parsed = parseForm(RemoteHandsSettingsForm, form);
      if (!parsed.ok) return invalid(parsed.errors);
      const result = await inTransaction((trx) => updateRemoteHandsSettings(trx, { actor, siteId: site.id, ...parsed.data }));
      if (!result.ok) {
        const key = `remotehands.settings.error.${result.error}` as MessageKey;
        return reply({ errors: result.error === "bad_increment" ? { incrementMin: key } : { targetUrgentMin: key }, values: form }, 400);
      }
      return reply({ notice: result.changed ? "remotehands.settings.saved" : "inventory.rack.unchanged", done: String(Date.now()) });
    }
    default:
      return reply({ formError: "error.invalid" }, 400);
  }
}

export default function SiteInventory() {
  const { rooms, ports, bandwidth, remoteHands, canManage } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const tr = useT();
  const format = useFormat();
  const cap = useCapacityFormat();
  const mine = (intent: Intent) => (data?.intent === intent ? data : undefined);
  const value = (intent: Intent, name: string, fallback = "") => mine(intent)?.values?.[name] ?? fallback;
  const formKey = (intent: Intent) => `${intent}-${mine(intent)?.done ?? ""}`;
  const formErrorOf = (intent: Intent) => {
    const d = mine(intent);
    if (!d) return null;
    if (d.formError) return <Alert>{tr(d.formError, Object.fromEntries(Object.entries(d.formVars ?? {}).map(([k, n]) => [k, cap.n(n)])))}</Alert>;
    return <FormErrors errors={d.errors} />;
  };
  const roomOptions = rooms.map((r) => ({ value: r.id, label: `${r.name} — ${tr(`inventory.roomKind.${r.kind}`)}` }));
  return (
    <>
      {data?.notice ? <Alert kind="success">{tr(data.notice, data.noticeVars)}</Alert> : null}
      {/* Errors of the per-row port toggles and of an unknown intent have no form of their own. */}
      {(data?.intent === "portStatus" || data?.intent === "") && data.formError ? <Alert>{tr(data.formError)}</Alert> : null}
      {!canManage ? <Alert kind="info">{tr("inventory.readOnly")}</Alert> : null}
      <div className="grid-2 grid-2--top">
        <section className="card" aria-labelledby="rooms-title">
          <h2 id="rooms-title">{tr("inventory.rooms.title")}</h2>
          <ul className="list">
            {rooms.map((r) => (
              <li key={r.id}>
                <div>
                  <strong>{r.name}</strong>
                  <div className="muted small">{tr(`inventory.roomKind.${r.kind}`)}</div>
                </div>
                <span className="muted small nowrap">{tr("inventory.rooms.rackCount", { count: r.racks })}</span>
              </li>
            ))}
          </ul>
          {canManage ? (
            <Form method="post" noValidate key={formKey("room")} className="subform">
              <h3>{tr("inventory.rooms.add")}</h3>
              {formErrorOf("room")}
              <input type="hidden" name="intent" value="room" />
              <Field
                name="roomName"
                label={tr("inventory.rooms.name")}
                errors={mine("room")?.errors}
                defaultValue={value("room", "roomName")}
                maxLength={100}
                required
              />
              <SelectField
                name="roomKind"
                label={tr("inventory.rooms.kind")}
                errors={mine("room")?.errors}
                defaultValue={value("room", "roomKind", "data_hall")}
                options={(["data_hall", "meet_me_room"] as const).map((k) => ({ value: k, label: tr(`inventory.roomKind.${k}`) }))}
              />
              <button className="btn">{tr("inventory.rooms.submit")}</button>
            </Form>
          ) : null}
        </section>

        {canManage ? (
          <section className="card" aria-labelledby="rack-title">
            <h2 id="rack-title">{tr("inventory.racks.add")}</h2>
            {formErrorOf("rack")}
            <Form method="post" noValidate key={formKey("rack")} className="form-grid">
              <input type="hidden" name="intent" value="rack" />
              <div className="form-grid-full">
                <SelectField
                  name="rackRoomId"
                  label={tr("inventory.racks.room")}
                  errors={mine("rack")?.errors}
                  defaultValue={value("rack", "rackRoomId", rooms.find((r) => r.kind === "data_hall")?.id ?? rooms[0]?.id)}
                  options={roomOptions}
                />
              </div>
              <Field
                name="rackName"
                label={tr("inventory.rack.name")}
                errors={mine("rack")?.errors}
                defaultValue={value("rack", "rackName")}
                maxLength={60}
                required
              />
              <Field
                name="heightU"
                label={tr("inventory.rack.heightU")}
                errors={mine("rack")?.errors}
                defaultValue={value("rack", "heightU", "42")}
                inputMode="numeric"
                hint={tr("inventory.rack.heightRange")}
                required
              />
              <div className="form-grid-full form-grid form-grid--3">
                <Field
                  name="powerCapacityW"
                  label={tr("inventory.rack.capacityField")}
                  errors={mine("rack")?.errors}
                  defaultValue={value("rack", "powerCapacityW")}
                  inputMode="numeric"
                  required
                />
                <Field
                  name="feedAW"
                  label={tr("inventory.rack.feedAW")}
                  errors={mine("rack")?.errors}
                  defaultValue={value("rack", "feedAW")}
                  inputMode="numeric"
                  required
                />
                <Field
                  name="feedBW"
                  label={tr("inventory.rack.feedBW")}
                  errors={mine("rack")?.errors}
                  defaultValue={value("rack", "feedBW")}
                  inputMode="numeric"
                  required
                />
              </div>
              <p className="hint form-grid-full">{tr("inventory.racks.usableHint")}</p>
              <div className="form-grid-full">
                <button className="btn">{tr("inventory.racks.submit")}</button>
              </div>
            </Form>
          </section>
        ) : null}

        <section className="card" aria-labelledby="uplink-title">
          <h2 id="uplink-title">{tr("inventory.uplink.title")}</h2>
          <dl className="facts">
            <dt>{tr("inventory.uplink.capacity")}</dt>
            <dd>{cap.mbps(bandwidth.uplinkMbps)}</dd>
            <dt>{tr("inventory.uplink.ratio")}</dt>
            <dd>{format.number(Number(bandwidth.ratio), { maximumFractionDigits: 2 })}</dd>
            <dt>{tr("inventory.uplink.sellable")}</dt>
            <dd>{cap.mbps(bandwidth.sellableMbps)}</dd>
            <dt>{tr("inventory.uplink.committed")}</dt>
            <dd>{cap.mbps(bandwidth.committedMbps)}</dd>
          </dl>
          {canManage ? (
            <Form method="post" noValidate key={formKey("uplink")} className="subform">
              {formErrorOf("uplink")}
              <input type="hidden" name="intent" value="uplink" />
              <div className="form-grid">
                <Field
                  name="uplinkMbps"
                  label={tr("inventory.uplink.capacityField")}
                  errors={mine("uplink")?.errors}
                  defaultValue={value("uplink", "uplinkMbps", String(bandwidth.uplinkMbps))}
                  inputMode="numeric"
                  required
                />
                <Field
                  name="ratio"
                  label={tr("inventory.uplink.ratio")}
                  errors={mine("uplink")?.errors}
                  defaultValue={value("uplink", "ratio", bandwidth.ratio)}
                  inputMode="decimal"
                  hint={tr("inventory.uplink.ratioHint")}
                  required
                />
              </div>
              <button className="btn">{tr("inventory.uplink.submit")}</button>
            </Form>
          ) : null}
        </section>

        <section className="card" aria-labelledby="remote-hands-title">
          <h2 id="remote-hands-title">{tr("remotehands.settings.title")}</h2>
          <p className="hint">{tr("remotehands.settings.intro")}</p>
          {canManage ? (
            <Form method="post" noValidate key={formKey("remoteHands")} className="subform">
              {formErrorOf("remoteHands")}
              <input type="hidden" name="intent" value="remoteHands" />
              <Field
                name="incrementMin"
                label={tr("remotehands.settings.increment")}
                errors={mine("remoteHands")?.errors}
                defaultValue={value("remoteHands", "incrementMin", String(remoteHands.incrementMin))}
                inputMode="numeric"
                hint={tr("remotehands.settings.incrementHint")}
                required
              />
              <div className="form-grid">
                <Field
                  name="targetStandardMin"
                  label={tr("remotehands.settings.targetStandard")}
                  errors={mine("remoteHands")?.errors}
                  defaultValue={value("remoteHands", "targetStandardMin", String(remoteHands.targetStandardMin))}
                  inputMode="numeric"
                  required
                />
                <Field
                  name="targetUrgentMin"
                  label={tr("remotehands.settings.targetUrgent")}
                  errors={mine("remoteHands")?.errors}
                  defaultValue={value("remoteHands", "targetUrgentMin", String(remoteHands.targetUrgentMin))}
                  inputMode="numeric"
                  required
                />
              </div>
              <button className="btn">{tr("remotehands.settings.save")}</button>
            </Form>
          ) : (
            <dl className="facts">
              <dt>{tr("remotehands.settings.increment")}</dt>
              <dd>{format.number(remoteHands.incrementMin)}</dd>
              <dt>{tr("remotehands.settings.targetStandard")}</dt>
              <dd>{format.number(remoteHands.targetStandardMin)}</dd>
              <dt>{tr("remotehands.settings.targetUrgent")}</dt>
              <dd>{format.number(remoteHands.targetUrgentMin)}</dd>
            </dl>
          )}
        </section>

        {canManage ? (
          <section className="card" aria-labelledby="port-title">
            <h2 id="port-title">{tr("inventory.ports.add")}</h2>
            {formErrorOf("port")}
            <Form method="post" noValidate key={formKey("port")}>
              <input type="hidden" name="intent" value="port" />
              <Field
                name="portName"
                label={tr("inventory.ports.name")}
                errors={mine("port")?.errors}
                defaultValue={value("port", "portName")}
                maxLength={60}
                hint={tr("inventory.ports.nameHint")}
                required
              />
              <div className="form-grid">
                <SelectField
                  name="portRoomId"
                  label={tr("inventory.ports.room")}
                  errors={mine("port")?.errors}
                  defaultValue={value("port", "portRoomId", rooms.find((r) => r.kind === "meet_me_room")?.id ?? rooms[0]?.id)}
                  options={roomOptions}
                />
                <SelectField
                  name="media"
                  label={tr("inventory.ports.media")}
                  errors={mine("port")?.errors}
                  defaultValue={value("port", "media", "smf")}
                  options={(["smf", "mmf", "cat6"] as const).map((m) => ({ value: m, label: tr(`inventory.media.${m}`) }))}
                />
              </div>
              <button className="btn">{tr("inventory.ports.submit")}</button>
            </Form>
          </section>
        ) : null}
      </div>

      <section className="card" id="ports" aria-labelledby="ports-title">
        <h2 id="ports-title">{tr("inventory.ports.title")}</h2>
        {ports.length === 0 ? (
          <p className="muted">{tr("inventory.ports.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table table--compact">
              <thead>
                <tr>
                  <th>{tr("inventory.ports.port")}</th>
                  <th className="hide-sm">{tr("inventory.ports.room")}</th>
                  <th>{tr("inventory.ports.media")}</th>
                  <th>{tr("inventory.ports.state")}</th>
                  <th>{tr("inventory.ports.tenant")}</th>
                  {canManage ? <th><span className="visually-hidden">{tr("common.actions")}</span></th> : null}
                </tr>
              </thead>
              <tbody>
                {ports.map((p) => {
                  const state = p.status === "maintenance" ? "maintenance" : p.inUse ? "used" : "free";
                  const next = p.status === "maintenance" ? "active" : "maintenance";
                  return (
                    <tr key={p.id}>
                      <td className="mono nowrap">{p.name}</td>
                      <td className="hide-sm">{p.roomName}</td>
                      <td className="nowrap">
                        <abbr className="inv-abbr" title={tr(`inventory.media.${p.media}`)}>
                          {tr(`inventory.mediaShort.${p.media}`)}
                        </abbr>
                      </td>
                      <td>
                        <StatusBadge status={state === "free" ? "active" : state} label={tr(`inventory.portState.${state}`)} />
                      </td>
                      <td>{p.tenant ?? <span className="muted">{tr("common.none")}</span>}</td>
                      {canManage ? (
                        <td className="actions">
                          <Form method="post">
                            <input type="hidden" name="intent" value="portStatus" />
                            <input type="hidden" name="portId" value={p.id} />
                            <input type="hidden" name="status" value={next} />
                            <button
                              className="btn btn--small btn--secondary nowrap"
                              aria-label={`${tr(next === "maintenance" ? "inventory.ports.toMaintenanceAction" : "inventory.ports.toActiveAction")} — ${p.name}`}
                            >
                              {tr(next === "maintenance" ? "inventory.ports.toMaintenanceAction" : "inventory.ports.toActiveAction")}
                            </button>
                          </Form>
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
