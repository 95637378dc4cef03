import {
  json,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
} from "@remix-run/react";
import { useState } from "react";
import { requireTenant } from "~/modules/auth/session.server";
import {
  openFormOptions,
  openTicket,
} from "~/modules/remotehands/tickets.server";
import { OpenTicketForm } from "~/modules/remotehands/schemas.server";
import { readTicketForm } from "~/modules/remotehands/upload.server";
import { TICKET_KINDS, TICKET_URGENCIES } from "~/modules/remotehands/shared";
import type { RemoteHandsError } from "~/modules/remotehands/errors";
import { formDataObject, parseForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, FormErrors } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET/POST /app/desk/tickets/new — open a remote-hands ticket (multipart: the optional attachment). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "desk:order");
  const options = await openFormOptions(await getDb(), { orgId: user.orgId });
  return json({
    clientKey: options.clientKey,
    contracts: options.contracts.map((c) => ({
      id: c.id,
      ref: c.ref,
      siteCode: c.site_code,
      siteName: c.site_name,
      currency: c.currency,
      standardPriceMinor: c.standardPriceMinor,
      urgentPriceMinor: c.urgentPriceMinor,
      targets: { standard: c.target_standard, urgent: c.target_urgent },
      allocations: c.allocations.map((a) => ({
        id: a.id,
        rack: a.rack_name,
        room: a.room_name,
        first: a.first_u,
        last: a.last_u,
      })),
    })),
  });
}

type ActionData = {
  errors?: FieldErrors;
  formError?: MessageKey;
  values?: Record<string, string>;
  allocationIds?: string[];
};

/** Which field a refusal belongs to (400), or none (409). */
const FIELD_OF: Partial<Record<RemoteHandsError, string>> = {
  rack_not_held: "allocationIds",
  no_rack: "allocationIds",
  urgent_unavailable: "urgency",
  attachment_type: "attachment",
  attachment_too_large: "attachment",
  attachment_empty: "attachment",
  not_found: "contractId",
  contract_not_active: "contractId",
};

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "desk:order");
  const read = await readTicketForm(request);
  if (!read.ok) {
    return json<ActionData>(
      {
        errors: { attachment: "remotehands.error.attachment_too_large" },
        formError: "remotehands.error.attachment_too_large",
      },
      { status: 413 },
    );
  }
  const values = formDataObject(read.form);
  const allocationIds = read.form
    .getAll("allocationIds")
    .filter((v): v is string => typeof v === "string")
    .slice(0, 100);
  const parsed = parseForm(OpenTicketForm, values);
  if (!parsed.ok)
    return json<ActionData>(
      { errors: parsed.errors, values, allocationIds },
      { status: 400 },
    );
  const result = await inTransactionOrRollback((trx) =>
    openTicket(trx, {
      actor: {
        id: user.id,
        email: user.email,
        ip: clientIp(context),
        orgId: user.orgId,
        role: user.role,
      },
      ...parsed.data,
      allocationIds,
      attachment: read.file,
      baseUrl: baseUrl(request),
    }),
  );
  if (!result.ok) {
    const key = `remotehands.error.${result.error}` as MessageKey;
    const field = FIELD_OF[result.error];
    if (field)
      return json<ActionData>(
        { errors: { [field]: key }, formError: key, values, allocationIds },
        { status: 400 },
      );
    return json<ActionData>(
      { formError: key, values, allocationIds },
      { status: result.error === "not_allowed" ? 403 : 409 },
    );
  }
  return redirect(`/app/desk/tickets/${result.ticketId}`);
}

export default function NewTicket() {
  const { contracts, clientKey } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const v = data?.values ?? {};
  const [contractId, setContractId] = useState<string>(
    v.contractId ?? contracts[0]?.id ?? "",
  );
  const contract = contracts.find((c) => c.id === contractId) ?? contracts[0];
  const chosen = new Set(
    data?.allocationIds ??
      (contract?.allocations.length === 1 ? [contract.allocations[0].id] : []),
  );
  const errorOf = (name: string) =>
    data?.errors?.[name] ? tr(data.errors[name]!) : null;
  const minutes = (n: number) => tr("remotehands.minutes", { count: n });

  return (
    <>
      <p>
        <Link to="/app/desk/tickets">← {tr("remotehands.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("remotehands.new.title")}</h1>
          <p className="muted">{tr("remotehands.new.intro")}</p>
        </div>
      </div>
      {contracts.length === 0 || !contract ? (
        <section className="card">
          <p className="muted">{tr("remotehands.new.noContract")}</p>
        </section>
      ) : (
        <section className="card" aria-labelledby="rh-new">
          <h2 id="rh-new" className="visually-hidden">
            {tr("remotehands.new.title")}
          </h2>
          <FormErrors formError={data?.formError} errors={data?.errors} />
          <Form method="post" encType="multipart/form-data" noValidate>
            <input type="hidden" name="clientKey" value={clientKey} />
            <div
              className={`field${errorOf("contractId") ? " field--error" : ""}`}
            >
              <label htmlFor="f-contractId">
                {tr("remotehands.new.contract")}
              </label>
              <select
                id="f-contractId"
                name="contractId"
                value={contract.id}
                onChange={(e) => setContractId(e.target.value)}
                aria-invalid={errorOf("contractId") ? true : undefined}
              >
                {contracts.map((c) => (
                  <option key={c.id} value={c.id}>
                    {tr("remotehands.new.contractOption", {
                      site: `${c.siteCode} ${c.siteName}`,
                      ref: c.ref,
                    })}
                  </option>
                ))}
              </select>
              {errorOf("contractId") ? (
                <p className="field-error" role="alert">
                  {errorOf("contractId")}
                </p>
              ) : null}
            </div>

            <fieldset
              className={`field${errorOf("allocationIds") ? " field--error" : ""}`}
              aria-describedby="f-allocationIds-hint"
            >
              <legend>{tr("remotehands.new.racks")}</legend>
              <p className="hint" id="f-allocationIds-hint">
                {tr("remotehands.new.racksHint")}
              </p>
              {contract.allocations.length === 0 ? (
                <p className="muted">{tr("remotehands.new.noRacks")}</p>
              ) : null}
              {contract.allocations.map((a) => (
                <label key={`${contract.id}-${a.id}`} className="check">
                  <input
                    type="checkbox"
                    name="allocationIds"
                    value={a.id}
                    defaultChecked={chosen.has(a.id)}
                  />{" "}
                  {tr("remotehands.new.allocation", {
                    rack: a.rack,
                    room: a.room,
                    first: a.first,
                    last: a.last,
                  })}
                </label>
              ))}
              {errorOf("allocationIds") ? (
                <p className="field-error" role="alert">
                  {errorOf("allocationIds")}
                </p>
              ) : null}
            </fieldset>

            <div className={`field${errorOf("kind") ? " field--error" : ""}`}>
              <label htmlFor="f-kind">{tr("remotehands.new.kind")}</label>
              <select id="f-kind" name="kind" defaultValue={v.kind ?? "reboot"}>
                {TICKET_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {tr(`remotehands.kind.${k}`)}
                  </option>
                ))}
              </select>
              {errorOf("kind") ? (
                <p className="field-error" role="alert">
                  {errorOf("kind")}
                </p>
              ) : null}
            </div>

            <fieldset
              className={`field${errorOf("urgency") ? " field--error" : ""}`}
              aria-describedby="f-urgency-hint"
            >
              <legend>{tr("remotehands.new.urgency")}</legend>
              {TICKET_URGENCIES.map((u) => {
                const price =
                  u === "urgent"
                    ? contract.urgentPriceMinor
                    : contract.standardPriceMinor;
                const disabled = u === "urgent" && price === null;
                const label = tr(`remotehands.urgency.${u}`);
                return (
                  <label key={`${contract.id}-${u}`} className="check">
                    <input
                      type="radio"
                      name="urgency"
                      value={u}
                      defaultChecked={
                        (v.urgency ?? "standard") === u && !disabled
                      }
                      disabled={disabled}
                    />{" "}
                    {price === null
                      ? tr("remotehands.new.urgencyNoPrice", { urgency: label })
                      : tr("remotehands.new.urgencyOption", {
                          urgency: label,
                          price: tr("remotehands.perHour", {
                            price: format.money(price, contract.currency),
                          }),
                        })}
                  </label>
                );
              })}
              <p className="hint" id="f-urgency-hint">
                {contract.urgentPriceMinor === null
                  ? `${tr("remotehands.new.urgentUnavailable")} `
                  : ""}
                {tr("remotehands.new.targets", {
                  standard: minutes(contract.targets.standard),
                  urgent: minutes(contract.targets.urgent),
                })}
              </p>
              {errorOf("urgency") ? (
                <p className="field-error" role="alert">
                  {errorOf("urgency")}
                </p>
              ) : null}
            </fieldset>

            <div
              className={`field${errorOf("description") ? " field--error" : ""}`}
            >
              <label htmlFor="f-description">
                {tr("remotehands.new.description")}
              </label>
              <textarea
                id="f-description"
                name="description"
                rows={5}
                maxLength={4000}
                defaultValue={v.description ?? ""}
                aria-describedby="f-description-hint"
                aria-invalid={errorOf("description") ? true : undefined}
                required
              />
              <p className="hint" id="f-description-hint">
                {tr("remotehands.new.descriptionHint")}
              </p>
              {errorOf("description") ? (
                <p className="field-error" role="alert">
                  {errorOf("description")}
                </p>
              ) : null}
            </div>

            <div
              className={`field${errorOf("attachment") ? " field--error" : ""}`}
            >
              <label htmlFor="f-attachment">
                {tr("remotehands.new.attachment")}{" "}
                <span className="muted">({tr("field.optional")})</span>
              </label>
              <input
                id="f-attachment"
                name="attachment"
                type="file"
                accept="image/jpeg,image/png,image/webp,application/pdf"
                aria-describedby="f-attachment-hint"
                aria-invalid={errorOf("attachment") ? true : undefined}
              />
              <p className="hint" id="f-attachment-hint">
                {tr("remotehands.new.attachmentHint")}
              </p>
              {errorOf("attachment") ? (
                <p className="field-error" role="alert">
                  {errorOf("attachment")}
                </p>
              ) : null}
            </div>
            <button
              className="btn"
              disabled={navigation.state === "submitting"}
            >
              {tr("remotehands.new.submit")}
            </button>
          </Form>
          {data?.formError ? (
            <Alert kind="info">{tr("remotehands.new.nothingWritten")}</Alert>
          ) : null}
        </section>
      )}
    </>
  );
}
