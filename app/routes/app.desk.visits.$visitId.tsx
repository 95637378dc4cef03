import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { cancelVisit, getVisitForTenant } from "~/modules/siteaccess/visits.server";
import { refusal } from "~/modules/siteaccess/http.server";
import { VisitBadge, VisitFacts } from "~/modules/siteaccess/components";
import { formDataObject, readForm } from "~/utils/forms.server";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET/POST /app/desk/visits/:visitId — one of the organisation's visits; cancel it before its window starts. Another organisation's visit is 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const visit = await getVisitForTenant(await getDb(), { orgId: user.orgId, role: user.role, visitId: params.visitId ?? "" });
  if (!visit) notFound();
  return json({ visit, canCancel: visit.actions.cancel && tenantCan(user.role, "desk:order") });
}

type ActionData = { formError?: MessageKey; notice?: MessageKey };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "desk:order");
  const visitId = params.visitId ?? "";
  if (!(await getVisitForTenant(await getDb(), { orgId: user.orgId, role: user.role, visitId }))) notFound();
  const values = formDataObject(await readForm(request));
  if (values.intent !== "cancel") return json<ActionData>({ formError: "error.invalid" }, { status: 400 });
  const actor = { id: user.id, email: user.email, ip: clientIp(context), orgId: user.orgId, role: user.role };
  const result = await inTransactionOrRollback((trx) => cancelVisit(trx, { actor, visitId }));
  if (!result.ok) {
    const r = refusal(result.error);
    if (r.status === 404) notFound();
    return json<ActionData>({ formError: r.key }, { status: r.status });
  }
  return json<ActionData>({ notice: "siteaccess.done.cancel" });
}

export default function VisitPage() {
  const { visit, canCancel } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const tr = useT();
  return (
    <>
      <p>
        <Link to="/app/desk/visits">← {tr("siteaccess.new.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("siteaccess.detail.title", { ref: visit.ref })}</h1>
          <p className="muted">
            <span className="badge badge--site">{visit.site_code}</span> {visit.site_name}
          </p>
        </div>
        <VisitBadge status={visit.status} over={visit.over} />
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      {data?.formError ? <Alert>{tr(data.formError)}</Alert> : null}
      <div className="req-detail">
        <div>
          <VisitFacts visit={visit} />
        </div>
        <aside>
          {canCancel ? (
            <section className="card">
              <h2>{tr("siteaccess.cancel.title")}</h2>
              <p className="hint">{tr("siteaccess.cancel.hint")}</p>
              <Form method="post" onSubmit={(e) => (confirm(tr("siteaccess.cancel.confirm")) ? undefined : e.preventDefault())}>
                <input type="hidden" name="intent" value="cancel" />
                <button className="btn btn--danger-ghost btn--block" disabled={busy}>
                  {tr("siteaccess.cancel.submit")}
                </button>
              </Form>
            </section>
          ) : null}
        </aside>
      </div>
    </>
  );
}
