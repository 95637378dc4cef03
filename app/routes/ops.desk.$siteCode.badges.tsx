import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { badgesForSite, revokeBadgeHolder } from "~/modules/siteaccess/badges.server";
import { siteByCode } from "~/modules/siteaccess/visits.server";
import { RevokeBadgeForm } from "~/modules/siteaccess/schemas.server";
import { refusal } from "~/modules/siteaccess/http.server";
import { IdDoc } from "~/modules/siteaccess/components";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** GET/POST /ops/desk/:siteCode/badges — a site's standing badges (current first); revoke one (audited). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const db = await getDb();
  const site = await siteByCode(db, params.siteCode);
  if (!site) notFound();
  const holders = await badgesForSite(db, { siteId: site.id, role: user.operatorRole });
  return json({ site, holders, canAct: operatorCan(user.operatorRole, "visits:manage") });
}

type ActionData = { formError?: MessageKey; notice?: MessageKey };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "visits:manage");
  const site = await siteByCode(await getDb(), params.siteCode);
  if (!site) notFound();
  const parsed = parseForm(RevokeBadgeForm, formDataObject(await readForm(request)));
  if (!parsed.ok) return json<ActionData>({ formError: "error.invalid" }, { status: 400 });
  const actor = { id: user.id, email: user.email, ip: clientIp(context), operatorRole: user.operatorRole };
  const result = await inTransactionOrRollback((trx) => revokeBadgeHolder(trx, { actor, holderId: parsed.data.holderId, siteId: site.id }));
  if (!result.ok) {
    const r = refusal(result.error);
    if (r.status === 404) notFound();
    return json<ActionData>({ formError: r.key }, { status: r.status });
  }
  return json<ActionData>({ notice: "siteaccess.done.badgeRevoked" });
}

export default function OpsSiteBadges() {
  const { site, holders, canAct } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const tr = useT();
  const format = useFormat();
  return (
    <>
      <p>
        <Link to={`/ops/desk/${site.code}/visits`}>← {tr("siteaccess.ops.visits")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("siteaccess.badges.opsTitle", { site: `${site.code} · ${site.name}` })}</h1>
          <p className="muted">{format.date(site.today)}</p>
        </div>
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      {data?.formError ? <Alert>{tr(data.formError)}</Alert> : null}
      <section className="card" aria-labelledby="badges-title">
        <h2 id="badges-title">{tr("siteaccess.ops.badges")}</h2>
        {holders.length === 0 ? (
          <p className="muted">{tr("siteaccess.badges.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>{tr("siteaccess.col.name")}</th>
                  <th>{tr("siteaccess.col.org")}</th>
                  <th>{tr("siteaccess.col.id")}</th>
                  <th>{tr("siteaccess.col.validUntil")}</th>
                  {canAct ? <th>{tr("siteaccess.col.actions")}</th> : null}
                </tr>
              </thead>
              <tbody>
                {holders.map((h) => (
                  <tr key={h.id}>
                    <td>
                      <strong>{h.name}</strong>
                      <br />
                      <span className="muted">{h.company}</span>
                    </td>
                    <td>{h.org_name}</td>
                    <td>
                      <IdDoc type={h.id_doc_type} number={h.id_doc_number} />
                    </td>
                    <td className="nowrap">
                      {format.date(h.valid_until)}{" "}
                      {h.revoked_at ? (
                        <span className="badge badge--cancelled">{tr("siteaccess.badges.state.revoked")}</span>
                      ) : h.current ? (
                        <span className="badge badge--approved">{tr("siteaccess.badges.state.current")}</span>
                      ) : (
                        <span className="badge badge--inactive">{tr("siteaccess.badges.state.expired")}</span>
                      )}
                    </td>
                    {canAct ? (
                      <td>
                        {!h.revoked_at ? (
                          <Form method="post" onSubmit={(e) => (confirm(tr("siteaccess.badges.revokeConfirm")) ? undefined : e.preventDefault())}>
                            <input type="hidden" name="holderId" value={h.id} />
                            <button className="btn btn--small btn--danger-ghost" disabled={busy} aria-label={`${tr("siteaccess.badges.revoke")} — ${h.name}`}>
                              {tr("siteaccess.badges.revoke")}
                            </button>
                          </Form>
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
    </>
  );
}
