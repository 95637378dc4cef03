import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { billingSites, INVOICE_LIST_LIMIT, listCreditNotes, periodParam } from "~/modules/billing/overview.server";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { MonthField, SiteField } from "~/components/billing-invoice";
import { useFormat, useT } from "~/components/i18n";

/** /ops/billing/credit-notes — credit notes, newest first, by site and month of issue. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  const url = new URL(request.url);
  const db = await getDb();
  const sites = await billingSites(db);
  const askedSite = (url.searchParams.get("site") ?? "").toUpperCase();
  const site = sites.find((s) => s.code === askedSite) ?? null;
  const rawMonth = url.searchParams.get("month") ?? "";
  const month = periodParam(rawMonth);
  const { rows, truncated } = await listCreditNotes(db, { siteId: site?.id, month: month ?? undefined });
  return json({
    sites: sites.map((s) => ({ code: s.code, name: s.name })),
    filter: { site: site?.code ?? "", month: month ?? "" },
    ignored: Boolean((askedSite && !site) || (rawMonth && !month)),
    rows,
    truncated,
    limit: INVOICE_LIST_LIMIT,
  });
}

export default function OpsCreditNotes() {
  const { sites, filter, ignored, rows, truncated, limit } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  return (
    <>
      {ignored ? <Alert kind="warning">{tr("billingOps.list.ignored")}</Alert> : null}
      <section className="card" aria-labelledby="cn-title">
        <h2 id="cn-title">{tr("billingOps.creditNotes.listTitle")}</h2>
        <Form method="get" className="audit-filter-form" key={`${filter.site}-${filter.month}`}>
          <SiteField sites={sites} value={filter.site} allLabel />
          <MonthField name="month" label="billingOps.field.issuedIn" value={filter.month} />
          <div className="audit-filter-actions">
            <button type="submit" className="btn btn--secondary">
              {tr("billingOps.list.apply")}
            </button>
          </div>
        </Form>
      </section>
      {/* Not a second landmark of the same name: the list belongs to the heading above. */}
      <section className="card">
        {rows.length ? (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{tr("billingOps.col.number")}</th>
                  <th scope="col">{tr("billingOps.col.invoice")}</th>
                  <th scope="col">{tr("billingOps.col.tenant")}</th>
                  <th scope="col" className="num">{tr("billingOps.col.total")}</th>
                  <th scope="col">{tr("billingOps.col.date")}</th>
                  <th scope="col">{tr("billingOps.col.reason")}</th>
                  <th scope="col">{tr("billingOps.col.pdf")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>{r.number}</td>
                    <td>
                      <Link to={`/ops/billing/invoices/${r.invoiceId}`}>{r.invoiceNumber}</Link>
                    </td>
                    <td>{r.orgName}</td>
                    <td className="num">{format.money(r.totalMinor, r.currency)}</td>
                    <td>{format.date(r.issuedOn)}</td>
                    <td>{r.reason}</td>
                    <td>
                      <a href={`/ops/billing/credit-notes/${r.id}/pdf`} download>
                        {tr("billingOps.col.pdf")}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {truncated ? <p className="muted">{tr("billingOps.list.truncated", { limit: format.number(limit) })}</p> : null}
          </div>
        ) : (
          <p className="muted">{tr("billingOps.creditNotes.empty")}</p>
        )}
      </section>
    </>
  );
}
