import { json, type LoaderFunctionArgs, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireTenant } from "~/modules/auth/session.server";
import { listContracts } from "~/modules/requests/contracts.server";
import { shortRef } from "~/modules/requests/requests.server";
import { getDb } from "~/utils/db.server";
import { StatusBadge } from "~/components/shell";
import { useFormat, useT } from "~/components/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const contracts = (await listContracts(await getDb(), { orgId: user.orgId })).map((c) => ({
    id: c.id,
    ref: shortRef(c.id),
    status: c.status,
    siteCode: c.site_code,
    siteName: c.site_name,
    currency: c.currency,
    startOn: c.start_on,
    endOn: c.end_on,
    // The commitment in force (moved on by tacit renewals).
    commitmentEndOn: c.commitment_ends_on,
    termMonths: c.term_months,
    monthlyMinor: c.monthly_minor,
    pendingChanges: Number(c.pending_changes ?? 0),
  }));
  return json({
    // Current and upcoming (a contract that has not started yet says so), then the ended ones.
    active: contracts.filter((c) => c.status !== "terminated"),
    past: contracts.filter((c) => c.status === "terminated"),
  });
}

type Row = SerializeFrom<typeof loader>["active"][number];

function ContractsTable({ rows }: { rows: Row[] }) {
  const tr = useT();
  const format = useFormat();
  return (
    <table className="table">
      <thead>
        <tr>
          <th>{tr("requests.col.ref")}</th>
          <th>{tr("common.site")}</th>
          <th className="hide-sm">{tr("requests.services.start")}</th>
          <th className="hide-sm">{tr("requests.services.end")}</th>
          <th className="hide-sm">{tr("requests.col.term")}</th>
          <th className="num">{tr("requests.col.monthly")}</th>
          <th className="hide-sm">{tr("requests.col.status")}</th>
          <th className="hide-sm"><span className="visually-hidden">{tr("common.actions")}</span></th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.id}>
            <td>
              <Link to={`/app/services/${c.id}`} className="mono">
                {c.ref}
              </Link>
            </td>
            <td>
              <strong>{c.siteCode}</strong> <span className="muted hide-xs">{c.siteName}</span>
            </td>
            <td className="hide-sm nowrap">{format.date(c.startOn)}</td>
            <td className="hide-sm nowrap">
              {c.endOn ? format.date(c.endOn) : <span className="muted">{tr("requests.services.committedUntil", { date: format.date(c.commitmentEndOn) })}</span>}
            </td>
            <td className="hide-sm nowrap">{tr("requests.termValue", { months: c.termMonths })}</td>
            <td className="num nowrap">{format.money(c.monthlyMinor, c.currency)}</td>
            <td className="hide-sm">
              <div className="stack-h">
                <StatusBadge status={c.status} label={tr(`requests.contractStatus.${c.status}`)} />
                {c.pendingChanges > 0 ? <StatusBadge status="pending" label={tr("requests.services.changePending")} /> : null}
              </div>
            </td>
            <td className="actions hide-sm">
              <Link to={`/app/services/${c.id}`}>{tr("requests.view")}</Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function Services() {
  const { active, past } = useLoaderData<typeof loader>();
  const tr = useT();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("requests.services.title")}</h1>
          <p className="muted">{tr("requests.services.intro")}</p>
        </div>
      </div>
      <section className="card">
        <h2>{tr("requests.services.active")}</h2>
        {active.length ? <ContractsTable rows={active} /> : <p className="muted">{tr("requests.services.empty")}</p>}
      </section>
      {past.length ? (
        <section className="card">
          <h2>{tr("requests.services.past")}</h2>
          <ContractsTable rows={past} />
        </section>
      ) : null}
    </>
  );
}
