import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { CONTRACT_STATUSES, listContracts, type ContractStatus } from "~/modules/requests/contracts.server";
import { shortRef } from "~/modules/requests/requests.server";
import { getDb } from "~/utils/db.server";
import { StatusBadge } from "~/components/shell";
import { useFormat, useT } from "~/components/i18n";


export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "orgs:read");
  const param = new URL(request.url).searchParams.get("status");
  const status = CONTRACT_STATUSES.find((s) => s === param);
  const rows = await listContracts(await getDb(), { operator: true, status });
  return json({
    status: status ?? null,
    contracts: rows.map((c) => ({
      id: c.id,
      ref: shortRef(c.id),
      orgId: c.org_id,
      orgName: c.org_name,
      siteCode: c.site_code,
      status: c.status,
      startOn: c.start_on,
      endOn: c.end_on,
      monthlyMinor: c.monthly_minor,
      currency: c.currency,
      pendingChanges: Number(c.pending_changes ?? 0),
    })),
  });
}

export default function Contracts() {
  const { contracts, status } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  const filters: (ContractStatus | null)[] = [null, "active", "upcoming", "terminated"];
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("approvals.contracts.title")}</h1>
          <p className="muted">{tr("approvals.contracts.intro")}</p>
          <p>
            <Link to="/ops/contracts/renewals">{tr("renewals.ops.link")}</Link>
          </p>
        </div>
        <nav className="filters" aria-label={tr("approvals.col.status")}>
          {filters.map((f) => (
            <Link key={f ?? "all"} to={f ? `?status=${f}` : "."} className={status === f ? "active" : ""} aria-current={status === f ? "page" : undefined}>
              {f ? tr(`requests.contractStatus.${f}`) : tr("approvals.contracts.all")}
            </Link>
          ))}
        </nav>
      </div>
      <section className="card">
        {contracts.length === 0 ? (
          <p className="muted">{tr("approvals.contracts.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table contracts-table">
              <thead>
                <tr>
                  <th>{tr("approvals.col.contract")}</th>
                  <th>{tr("approvals.col.tenant")}</th>
                  <th className="hide-sm">{tr("common.site")}</th>
                  <th className="hide-sm">{tr("approvals.col.status")}</th>
                  <th className="hide-sm">{tr("approvals.col.startOn")}</th>
                  <th className="hide-sm">{tr("approvals.col.endOn")}</th>
                  <th className="num">{tr("approvals.col.monthly")}</th>
                </tr>
              </thead>
              <tbody>
                {contracts.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/ops/contracts/${c.id}`} className="mono">
                        {c.ref}
                      </Link>
                      {/* Phones: site and status under the reference (their columns are hidden). */}
                      <span className="contract-meta small">
                        {c.siteCode} <StatusBadge status={c.status} label={tr(`requests.contractStatus.${c.status}`)} />
                        {c.pendingChanges > 0 ? <StatusBadge status="pending" label={tr("requests.services.changePending")} /> : null}
                      </span>
                    </td>
                    <td>
                      <Link to={`/ops/organisations/${c.orgId}`}>{c.orgName}</Link>
                    </td>
                    <td className="hide-sm">{c.siteCode}</td>
                    <td className="hide-sm">
                      <StatusBadge status={c.status} label={tr(`requests.contractStatus.${c.status}`)} />
                      {c.pendingChanges > 0 ? (
                        <>
                          {" "}
                          <StatusBadge status="pending" label={tr("requests.services.changePending")} />
                        </>
                      ) : null}
                    </td>
                    <td className="hide-sm nowrap">{format.date(c.startOn)}</td>
                    <td className="hide-sm nowrap">{c.endOn ? format.date(c.endOn) : <span className="muted">{tr("approvals.contracts.openEnded")}</span>}</td>
                    <td className="num nowrap">{format.money(c.monthlyMinor, c.currency)}</td>
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
