import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { cancelVisit, getVisitForTenant } from "~/modules/siteaccess/visits.server";
import { refusal } from "~/modules/siteaccess/http.server";
import { VisitBadge, VisitFacts } from "~/modules/siteaccess/components";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { useT } from "~/components/i18n";
import { tenantCancelAction } from "~/modules/servicedesk/cancel.server";

/** GET/POST /app/desk/visits/:visitId — one of the organisation's visits; cancel it before its window starts. Another organisation's visit is 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const visit = await getVisitForTenant(await getDb(), { orgId: user.orgId, role: user.role, visitId: params.visitId ?? "" });
  if (!visit) notFound();
  return json({ visit, canCancel: visit.actions.cancel && tenantCan(user.role, "desk:order") });
}

export const action = (args: ActionFunctionArgs) =>
  tenantCancelAction(args, {
    belongs: (db, user) => getVisitForTenant(db, { orgId: user.orgId, role: user.role, visitId: args.params.visitId ?? "" }),
    cancel: (trx, actor) => cancelVisit(trx, { actor, visitId: args.params.visitId ?? "" }),
    refusal: (error) => refusal(error as Parameters<typeof refusal>[0]),
    done: "siteaccess.done.cancel",
  });

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
