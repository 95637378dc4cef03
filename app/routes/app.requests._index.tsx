import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { listOrgRequests, shortRef } from "~/modules/requests/requests.server";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { useFormat, useT } from "~/components/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "requests:read");
  const rows = await listOrgRequests(await getDb(), user.orgId);
  return json({
    canCreate: tenantCan(user.role, "requests:create"),
    orgStatus: user.org_status ?? "pending",
    requests: rows.map((r) => ({
      id: r.id,
      ref: shortRef(r.id),
      status: r.status,
      siteCode: r.site_code,
      siteName: r.site_name,
      createdAt: r.created_at,
      desiredStartOn: r.desired_start_on,
      termMonths: r.term_months,
      contractId: r.contract_id,
    })),
  });
}

export default function Requests() {
  const { canCreate, orgStatus, requests } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("requests.title")}</h1>
          <p className="muted">{tr("requests.intro")}</p>
        </div>
        {canCreate && orgStatus !== "suspended" ? (
          <Link className="btn" to="/app/requests/new">
            + {tr("requests.new")}
          </Link>
        ) : null}
      </div>
      {orgStatus === "pending" ? <Alert kind="warning">{tr("requests.notVerified")}</Alert> : null}
      {orgStatus === "suspended" ? <Alert kind="error">{tr("requests.suspended")}</Alert> : null}
      <section className="card">
        {requests.length === 0 ? (
          <p className="muted">{tr("requests.empty")}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>{tr("requests.col.ref")}</th>
                <th>{tr("common.site")}</th>
                <th className="hide-sm">{tr("requests.col.submitted")}</th>
                <th className="hide-sm">{tr("requests.col.start")}</th>
                <th>{tr("requests.col.status")}</th>
                <th className="hide-sm"><span className="visually-hidden">{tr("common.actions")}</span></th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/app/requests/${r.id}`} className="mono">
                      {r.ref}
                    </Link>
                  </td>
                  <td>
                    <strong>{r.siteCode}</strong> <span className="muted hide-xs">{r.siteName}</span>
                  </td>
                  <td className="hide-sm nowrap">{format.date(r.createdAt)}</td>
                  <td className="hide-sm nowrap">
                    {format.date(r.desiredStartOn)} · {tr("requests.termValue", { months: r.termMonths })}
                  </td>
                  <td>
                    <StatusBadge status={r.status} label={tr(`requests.status.${r.status}`)} />
                  </td>
                  <td className="actions nowrap hide-sm">
                    {r.contractId ? (
                      <Link to={`/app/services/${r.contractId}`}>{tr("requests.viewContract")}</Link>
                    ) : (
                      <Link to={`/app/requests/${r.id}`}>{tr("requests.view")}</Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
