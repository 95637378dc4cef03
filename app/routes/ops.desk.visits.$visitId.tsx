import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { approveVisit, checkInVisit, checkOutVisit, getVisitForOperator, refuseVisit, type Result } from "~/modules/siteaccess/visits.server";
import { ReasonForm } from "~/modules/siteaccess/schemas.server";
import { refusal } from "~/modules/siteaccess/http.server";
import { ReasonField, VisitBadge, VisitFacts } from "~/modules/siteaccess/components";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET/POST /ops/desk/visits/:visitId — one visit: approve it, refuse it with a reason, check the visitor in and out. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const visit = await getVisitForOperator(await getDb(), { visitId: params.visitId ?? "", role: user.operatorRole });
  if (!visit) notFound();
  return json({ visit, canAct: operatorCan(user.operatorRole, "visits:manage") });
}

type Intent = "approve" | "refuse" | "checkIn" | "checkOut";
type ActionData = { intent?: Intent; errors?: FieldErrors; formError?: MessageKey; notice?: MessageKey; values?: Record<string, string> };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "visits:manage");
  const visitId = params.visitId ?? "";
  if (!(await getVisitForOperator(await getDb(), { visitId, role: user.operatorRole }))) notFound();
  const values = formDataObject(await readForm(request));
  const actor = { id: user.id, email: user.email, ip: clientIp(context), operatorRole: user.operatorRole };
  const intent = values.intent as Intent;
  let result: Result;
  if (intent === "approve") result = await inTransactionOrRollback((trx) => approveVisit(trx, { actor, visitId, baseUrl: baseUrl(request) }));
  else if (intent === "refuse") {
    const parsed = parseForm(ReasonForm, values);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    result = await inTransactionOrRollback((trx) => refuseVisit(trx, { actor, visitId, reason: parsed.data.reason, baseUrl: baseUrl(request) }));
  } else if (intent === "checkIn") result = await inTransactionOrRollback((trx) => checkInVisit(trx, { actor, visitId }));
  else if (intent === "checkOut") result = await inTransactionOrRollback((trx) => checkOutVisit(trx, { actor, visitId }));
  else return json<ActionData>({ formError: "error.invalid" }, { status: 400 });
  if (!result.ok) {
    const r = refusal(result.error);
    if (r.status === 404) notFound();
    return json<ActionData>({ intent, formError: r.key, values }, { status: r.status });
  }
  return json<ActionData>({ intent, notice: `siteaccess.done.${intent}` as MessageKey });
}

export default function OpsVisitPage() {
  const { visit, canAct } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const tr = useT();
  const a = visit.actions;
  return (
    <>
      <p>
        <Link to={`/ops/desk/${visit.site_code}/visits`}>← {tr("siteaccess.ops.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("siteaccess.detail.title", { ref: visit.ref })}</h1>
          <p className="muted">
            <span className="badge badge--site">{visit.site_code}</span> {visit.site_name} · <Link to={`/ops/organisations/${visit.org_id}`}>{visit.org_name}</Link>
          </p>
        </div>
        <VisitBadge status={visit.status} over={visit.over} />
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      {data?.formError ? <Alert>{tr(data.formError)}</Alert> : null}
      <div className="req-detail">
        <div>
          <VisitFacts visit={visit} showOrg />
        </div>
        <aside>
          {!canAct ? <p className="muted">{tr("siteaccess.ops.readOnly")}</p> : null}
          {canAct && (a.approve || a.refuse) ? (
            <section className="card">
              <h2>{tr("siteaccess.approve.title")}</h2>
              {a.approve ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="approve" />
                  <button className="btn btn--block" disabled={busy}>
                    {tr("siteaccess.approve.submit")}
                  </button>
                </Form>
              ) : (
                <p className="muted">{tr(visit.over ? "siteaccess.error.visit_over" : "siteaccess.error.racks_released")}</p>
              )}
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="refuse" />
                <ReasonField error={data?.intent === "refuse" ? data.errors?.reason : undefined} value={data?.intent === "refuse" ? data.values?.reason : undefined} />
                <button className="btn btn--danger-ghost btn--block" disabled={busy}>
                  {tr("siteaccess.refuse.submit")}
                </button>
              </Form>
            </section>
          ) : null}
          {canAct && visit.status === "approved" ? (
            <section className="card">
              <h2>{tr("siteaccess.desk.title")}</h2>
              {!visit.checked_in_at ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="checkIn" />
                  {!a.checkIn ? <p className="hint">{tr("siteaccess.checkIn.outside")}</p> : null}
                  <button className="btn btn--block" disabled={busy}>
                    {tr("siteaccess.checkIn.submit")}
                  </button>
                </Form>
              ) : null}
              {a.checkOut ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="checkOut" />
                  <button className="btn btn--secondary btn--block" disabled={busy}>
                    {tr("siteaccess.checkOut.submit")}
                  </button>
                </Form>
              ) : null}
              <p>
                <Link to={`/ops/desk/${visit.site_code}/security-list?day=${visit.visit_on}`}>{tr("siteaccess.ops.securityList")}</Link>
              </p>
            </section>
          ) : null}
        </aside>
      </div>
    </>
  );
}
