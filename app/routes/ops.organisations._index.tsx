import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { listOrganisations } from "~/modules/orgs/organisations.server";
import { OrgStatusFilter } from "~/modules/orgs/schemas.server";
import { getDb } from "~/utils/db.server";
import { StatusBadge } from "~/components/shell";
import { useFormat, useT } from "~/components/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "orgs:read");
  const status = OrgStatusFilter.parse(new URL(request.url).searchParams.get("status") ?? undefined);
  return json({ orgs: await listOrganisations(await getDb(), { status }), status });
}

export default function Organisations() {
  const { orgs, status } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const tr = useT();
  const format = useFormat();
  const filters = [undefined, "pending", "verified", "suspended"] as const;
  return (
    <>
      <div className="page-head">
        <h1>{tr("ops.orgs.title")}</h1>
        <nav className="filters" aria-label={tr("nav.statusFilter")}>
          {filters.map((f) => (
            <Link key={f ?? "all"} to={f ? `?status=${f}` : "."} className={status === f ? "active" : ""}>
              {f ? tr(`orgStatus.${f}`) : tr("ops.orgs.filterAll")}
            </Link>
          ))}
        </nav>
      </div>
      <section className="card">
        {orgs.length === 0 ? (
          <p className="muted">{tr("ops.orgs.empty")}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>{tr("field.orgName")}</th>
                <th className="hide-sm">{tr("field.orgKind")}</th>
                <th>{tr("field.country")}</th>
                <th>{tr("field.taxIdShort")}</th>
                <th className="num">{tr("ops.orgs.members")}</th>
                <th>{tr("ops.orgs.created")}</th>
                <th>{tr("ops.outbox.status")}</th>
              </tr>
            </thead>
            <tbody>
              {orgs.map((o) => (
                <tr key={o.id}>
                  <td>
                    <Link to={`/ops/organisations/${o.id}${params.size ? `?${params}` : ""}`}>{o.name}</Link>
                  </td>
                  <td className="hide-sm">{tr(`orgKind.${o.kind}`)}</td>
                  <td>{format.country(o.country)}</td>
                  <td className="mono">{o.tax_id}</td>
                  <td className="num">{o.members}</td>
                  <td className="nowrap">{format.date(o.created_at)}</td>
                  <td>
                    <StatusBadge status={o.status} label={tr(`orgStatus.${o.status}`)} />
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
