import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { listIssuers } from "~/modules/billing/issuers.server";
import { listSites } from "~/modules/inventory/sites.server";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  const db = await getDb();
  const [sites, issuers] = await Promise.all([listSites(db), listIssuers(db)]);
  return json({
    sites: sites.map((s) => {
      const i = issuers.find((x) => x.site_id === s.id);
      return {
        code: s.code,
        name: s.name,
        issuer: i ? { legalName: i.legal_name, nif: i.nif, rccm: i.rccm, bankName: i.bank_name, bankAccount: i.bank_account, updatedAt: i.updated_at } : null,
      };
    }),
  });
}

export default function Issuers() {
  const { sites } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const tr = useT();
  const format = useFormat();
  const saved = sites.find((s) => s.code === params.get("saved"));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("billingOpsForms.issuers.title")}</h1>
          <p className="muted">{tr("billingOpsForms.issuers.lead")}</p>
        </div>
      </div>
      {saved ? <Alert kind="success">{tr("billingOpsForms.issuers.saved", { site: saved.code })}</Alert> : null}
      <section className="card">
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th>{tr("billingOpsForms.issuers.col.site")}</th>
                <th>{tr("billingOpsForms.issuers.col.legalName")}</th>
                <th className="hide-sm">{tr("billingOpsForms.issuers.col.ids")}</th>
                <th className="hide-sm">{tr("billingOpsForms.issuers.col.bank")}</th>
                <th className="hide-sm">{tr("billingOpsForms.issuers.col.updated")}</th>
                <th>
                  <span className="visually-hidden">{tr("billingOpsForms.issuers.edit")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sites.map((s) => (
                <tr key={s.code}>
                  <td className="nowrap">
                    <strong>{s.code}</strong> <span className="muted small">{s.name}</span>
                  </td>
                  {s.issuer ? (
                    <>
                      <td>{s.issuer.legalName}</td>
                      <td className="hide-sm small mono">
                        {s.issuer.nif} · {s.issuer.rccm}
                      </td>
                      <td className="hide-sm small">
                        {s.issuer.bankName ?? tr("common.none")}
                        {s.issuer.bankAccount ? <div className="mono muted">{s.issuer.bankAccount}</div> : null}
                      </td>
                      <td className="hide-sm small muted nowrap">{format.date(s.issuer.updatedAt)}</td>
                    </>
                  ) : (
                    <td colSpan={4}>
                      <span className="muted">{tr("billingOpsForms.issuers.missing")}</span>
                    </td>
                  )}
                  <td className="num">
                    <Link to={`/ops/billing/issuers/${s.code}`} className="btn btn--ghost btn--small">
                      {tr("billingOpsForms.issuers.edit")}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
