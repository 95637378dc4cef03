import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { addBadgeHolder, badgesForTenant, renewBadgeHolder, revokeBadgeHolder } from "~/modules/siteaccess/badges.server";
import { BadgeForm, RenewBadgeForm, RevokeBadgeForm } from "~/modules/siteaccess/schemas.server";
import { refusal } from "~/modules/siteaccess/http.server";
import { BADGE_LIMIT, ID_DOC_TYPES } from "~/modules/siteaccess/shared";
import { IdDoc } from "~/modules/siteaccess/components";
import type { Result } from "~/modules/siteaccess/visits.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors, SelectField } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET/POST /app/desk/badges — standing access: the organisation's badge holders per site; add, renew, end. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const { holders, sites } = await badgesForTenant(await getDb(), { orgId: user.orgId, role: user.role });
  return json({ holders, sites, canManage: tenantCan(user.role, "desk:order") });
}

type Intent = "add" | "renew" | "revoke";
type ActionData = { intent?: Intent; holderId?: string; errors?: FieldErrors; formError?: MessageKey; notice?: MessageKey; values?: Record<string, string> };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "desk:order");
  const values = formDataObject(await readForm(request));
  const actor = { id: user.id, email: user.email, ip: clientIp(context), orgId: user.orgId, role: user.role };
  const intent = values.intent as Intent;
  let result: Result;
  if (intent === "add") {
    const parsed = parseForm(BadgeForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => addBadgeHolder(trx, { actor, ...parsed.data }));
  } else if (intent === "renew") {
    const parsed = parseForm(RenewBadgeForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, holderId: values.holderId, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => renewBadgeHolder(trx, { actor, ...parsed.data }));
  } else if (intent === "revoke") {
    const parsed = parseForm(RevokeBadgeForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => revokeBadgeHolder(trx, { actor, holderId: parsed.data.holderId }));
  } else {
    return json<ActionData>({ formError: "error.invalid" }, { status: 400 });
  }
  if (!result.ok) {
    const r = refusal(result.error);
    return json<ActionData>({ intent, holderId: values.holderId, errors: r.field ? { [r.field]: r.key } : undefined, formError: r.key, values }, { status: r.status });
  }
  const notice: Record<Intent, MessageKey> = { add: "siteaccess.done.badgeAdded", renew: "siteaccess.done.badgeRenewed", revoke: "siteaccess.done.badgeRevoked" };
  return json<ActionData>({ intent, notice: notice[intent] });
}

export default function Badges() {
  const { holders, sites, canManage } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const tr = useT();
  const format = useFormat();
  const addErrors = data?.intent === "add" ? data : undefined;
  const siteCodes = [...new Set([...sites.map((s) => s.code), ...holders.map((h) => h.site_code)])].sort();
  return (
    <>
      <p>
        <Link to="/app/desk/visits">← {tr("siteaccess.visits.title")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("siteaccess.badges.title")}</h1>
          <p className="muted">{tr("siteaccess.badges.lead", { limit: BADGE_LIMIT })}</p>
        </div>
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      {data?.formError && data.intent !== "add" ? <Alert>{tr(data.formError)}</Alert> : null}
      {siteCodes.map((code) => {
        const list = holders.filter((h) => h.site_code === code);
        const site = sites.find((s) => s.code === code);
        const name = site?.name ?? list[0]?.site_name ?? code;
        const current = list.filter((h) => h.current).length;
        return (
          <section key={code} className="card" aria-labelledby={`site-${code}`}>
            <h2 id={`site-${code}`}>{tr("siteaccess.badges.site", { code, name })}</h2>
            <p className="muted">{tr("siteaccess.badges.count", { count: current, limit: BADGE_LIMIT })}</p>
            {list.length === 0 ? (
              <p className="muted">{tr("siteaccess.badges.empty")}</p>
            ) : (
              <div className="table-scroll">
                <table className="table">
                  <thead>
                    <tr>
                      <th>{tr("siteaccess.col.name")}</th>
                      <th>{tr("siteaccess.col.id")}</th>
                      <th>{tr("siteaccess.col.validUntil")}</th>
                      {canManage ? <th>{tr("siteaccess.col.actions")}</th> : null}
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((h) => (
                      <tr key={h.id}>
                        <td>
                          <strong>{h.name}</strong>
                          <br />
                          <span className="muted">{h.company}</span>
                        </td>
                        <td>
                          <IdDoc type={h.id_doc_type} number={h.id_doc_number} />
                        </td>
                        <td className="nowrap">
                          {format.date(h.valid_until)}
                          <br />
                          {h.revoked_at ? (
                            <span className="badge badge--cancelled">{tr("siteaccess.badges.state.revoked")}</span>
                          ) : h.current ? (
                            <span className={`badge badge--${h.daysLeft <= 30 ? "pending" : "approved"}`}>{tr("siteaccess.badges.expiresIn", { days: h.daysLeft })}</span>
                          ) : (
                            <span className="badge badge--inactive">{tr("siteaccess.badges.state.expired")}</span>
                          )}
                        </td>
                        {canManage ? (
                          <td>
                            {!h.revoked_at && site ? (
                              <div className="row-actions">
                                <Form method="post" className="inline-form" noValidate>
                                  <input type="hidden" name="intent" value="renew" />
                                  <input type="hidden" name="holderId" value={h.id} />
                                  <label htmlFor={`renew-${h.id}`} className="visually-hidden">
                                    {tr("siteaccess.badges.renew")} — {h.name}
                                  </label>
                                  <input id={`renew-${h.id}`} type="date" name="validUntil" min={site.today} max={site.maxUntil} defaultValue={h.valid_until < site.today ? site.today : h.valid_until} />{" "}
                                  <button className="btn btn--small btn--secondary" disabled={busy}>
                                    {tr("siteaccess.badges.renewSubmit")}
                                  </button>
                                  {data?.intent === "renew" && data.holderId === h.id && data.errors?.validUntil ? (
                                    <p className="field-error" role="alert">
                                      {tr(data.errors.validUntil)}
                                    </p>
                                  ) : null}
                                </Form>
                                <Form method="post" onSubmit={(e) => (confirm(tr("siteaccess.badges.revokeConfirm")) ? undefined : e.preventDefault())}>
                                  <input type="hidden" name="intent" value="revoke" />
                                  <input type="hidden" name="holderId" value={h.id} />
                                  <button className="btn btn--small btn--danger-ghost" disabled={busy} aria-label={`${tr("siteaccess.badges.revoke")} — ${h.name}`}>
                                    {tr("siteaccess.badges.revoke")}
                                  </button>
                                </Form>
                              </div>
                            ) : null}
                          </td>
                        ) : null}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        );
      })}
      {canManage ? (
        <section className="card" aria-labelledby="add-title">
          <h2 id="add-title">{tr("siteaccess.badges.add")}</h2>
          {sites.length === 0 ? (
            <p className="muted">{tr("siteaccess.badges.noSite")}</p>
          ) : (
            <>
              <FormErrors formError={addErrors?.formError} errors={addErrors?.errors} />
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="add" />
                <div className="form-grid">
                  <SelectField name="siteId" label={tr("siteaccess.field.site")} options={sites.map((s) => ({ value: s.id, label: `${s.code} · ${s.name}` }))} defaultValue={addErrors?.values?.siteId} errors={addErrors?.errors} />
                  <Field name="validUntil" type="date" label={tr("siteaccess.field.validUntil")} hint={tr("siteaccess.field.validUntilHint")} min={sites[0].today} max={sites[0].maxUntil} defaultValue={addErrors?.values?.validUntil ?? ""} errors={addErrors?.errors} required />
                  <Field name="name" label={tr("siteaccess.field.name")} maxLength={120} autoComplete="off" defaultValue={addErrors?.values?.name ?? ""} errors={addErrors?.errors} required />
                  <Field name="company" label={tr("siteaccess.field.company")} maxLength={120} defaultValue={addErrors?.values?.company ?? ""} errors={addErrors?.errors} required />
                  <SelectField name="idDocType" label={tr("siteaccess.field.idDocType")} options={ID_DOC_TYPES.map((d) => ({ value: d, label: tr(`siteaccess.doc.${d}`) }))} defaultValue={addErrors?.values?.idDocType} errors={addErrors?.errors} />
                  <Field name="idDocNumber" label={tr("siteaccess.field.idDocNumber")} maxLength={40} autoComplete="off" defaultValue={addErrors?.values?.idDocNumber ?? ""} errors={addErrors?.errors} required />
                </div>
                <button className="btn" disabled={busy}>
                  {tr("siteaccess.badges.addSubmit")}
                </button>
              </Form>
            </>
          )}
        </section>
      ) : null}
    </>
  );
}
