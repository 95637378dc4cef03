import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { billingSites, changeAgainst, INVOICE_LIST_LIMIT, INVOICE_STATUSES, listInvoices, periodParam } from "~/modules/billing/overview.server";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { InvoiceFlags, InvoiceStatusBadge, MonthField, SiteField } from "~/components/billing-invoice";
import { useFormat, useT } from "~/components/i18n";

/**
 * /ops/billing/invoices — invoices by site, month and status: tenant, number, amounts, the change
 * against the same organisation's invoice at the same site the month before, flags, balance.
 * Filters come from the query string; a value that is not one of the choices is ignored (shown).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  const url = new URL(request.url);
  const db = await getDb();
  const sites = await billingSites(db);
  const askedSite = (url.searchParams.get("site") ?? "").toUpperCase();
  const site = sites.find((s) => s.code === askedSite) ?? null;
  const rawPeriod = url.searchParams.get("period");
  // No period asked: last month at the chosen site (or the first site); "all" lists every month.
  const period = rawPeriod === "all" ? null : (periodParam(rawPeriod) ?? (site ?? sites.find((s) => s.code === "LDC") ?? sites[0])?.defaultPeriod ?? null);
  const rawStatus = url.searchParams.get("status") ?? "";
  const status = (INVOICE_STATUSES as readonly string[]).includes(rawStatus) ? (rawStatus as (typeof INVOICE_STATUSES)[number]) : undefined;
  const { rows, truncated } = await listInvoices(db, { siteId: site?.id, period: period ?? undefined, status });
  return json({
    sites: sites.map((s) => ({ code: s.code, name: s.name })),
    filter: { site: site?.code ?? "", period: period ?? "", status: status ?? "" },
    ignored: (askedSite && !site) || (rawPeriod && rawPeriod !== "all" && !periodParam(rawPeriod)) || (rawStatus && !status) ? true : false,
    rows: rows.map((r) => ({ ...r, change: changeAgainst(r.totalMinor, r.previousTotalMinor) })),
    truncated,
    limit: INVOICE_LIST_LIMIT,
  });
}

export default function OpsInvoices() {
  const { sites, filter, ignored, rows, truncated, limit } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  const percent = (perMille: number) => format.number(perMille / 10, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: "exceptZero" });
  const signed = (minor: number, currency: string) => (minor > 0 ? `+${format.money(minor, currency)}` : format.money(minor, currency));

  return (
    <>
      {ignored ? <Alert kind="warning">{tr("billingOps.list.ignored")}</Alert> : null}
      <section className="card" aria-labelledby="filter-title">
        <h2 id="filter-title">{tr("billingOps.list.title")}</h2>
        <Form method="get" className="audit-filter-form" key={`${filter.site}-${filter.period}-${filter.status}`}>
          <SiteField sites={sites} value={filter.site} allLabel />
          <MonthField name="period" label="billingOps.field.period" value={filter.period} />
          <div className="field">
            <label htmlFor="f-status">{tr("billingOps.field.status")}</label>
            <select id="f-status" name="status" defaultValue={filter.status}>
              <option value="">{tr("billingOps.field.allStatuses")}</option>
              {(["draft", "issued", "paid", "void"] as const).map((s) => (
                <option key={s} value={s}>
                  {tr(`billingOps.status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="audit-filter-actions">
            <button type="submit" className="btn btn--secondary">
              {tr("billingOps.list.apply")}
            </button>
            <Link to={`?site=${filter.site}&period=all&status=${filter.status}`}>{tr("billingOps.list.allMonths")}</Link>
          </div>
        </Form>
      </section>

      <section className="card" aria-labelledby="list-title">
        <h2 id="list-title">
          {tr("billingOps.list.count", { count: rows.length })}
          {filter.period ? ` — ${filter.period}` : ""}
        </h2>
        {rows.length ? (
          <div className="table-scroll">
            <table className="table billing-invoices">
              <thead>
                <tr>
                  <th scope="col">{tr("billingOps.col.tenant")}</th>
                  <th scope="col">{tr("billingOps.col.number")}</th>
                  {filter.period ? null : <th scope="col">{tr("billingOps.col.period")}</th>}
                  {filter.site ? null : <th scope="col">{tr("billingOps.col.site")}</th>}
                  <th scope="col">{tr("billingOps.col.status")}</th>
                  <th scope="col" className="num">{tr("billingOps.col.subtotal")}</th>
                  <th scope="col" className="num">{tr("billingOps.col.vat")}</th>
                  <th scope="col" className="num">{tr("billingOps.col.total")}</th>
                  <th scope="col" className="num">{tr("billingOps.col.change")}</th>
                  <th scope="col">{tr("billingOps.col.flags")}</th>
                  <th scope="col" className="num">{tr("billingOps.col.balance")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const change = r.change;
                  return (
                    <tr key={r.id}>
                      <td>
                        <Link to={`/ops/billing/invoices/${r.id}`}>{r.orgName}</Link>
                      </td>
                      <td>{r.number ? <Link to={`/ops/billing/invoices/${r.id}`}>{r.number}</Link> : <span className="muted">{tr("billingOps.list.noNumber")}</span>}</td>
                      {filter.period ? null : <td>{r.period}</td>}
                      {filter.site ? null : (
                        <td>
                          <span className="badge badge--site">{r.siteCode}</span>
                        </td>
                      )}
                      <td>
                        <InvoiceStatusBadge status={r.status} />
                      </td>
                      <td className="num">{format.money(r.subtotalMinor, r.currency)}</td>
                      <td className="num">{format.money(r.vatMinor, r.currency)}</td>
                      <td className="num">{format.money(r.totalMinor, r.currency)}</td>
                      <td className="num">
                        {change ? (
                          <>
                            {signed(change.amountMinor, r.currency)}
                            {change.perMille !== null ? <div className="muted">{percent(change.perMille)} %</div> : null}
                          </>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td>
                        <InvoiceFlags flags={r.flags} />
                      </td>
                      <td className="num">{r.status === "draft" ? <span className="muted">—</span> : format.money(r.balanceMinor, r.currency)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {truncated ? <p className="muted">{tr("billingOps.list.truncated", { limit: format.number(limit) })}</p> : null}
          </div>
        ) : (
          <p className="muted">{tr("billingOps.list.empty")}</p>
        )}
      </section>
    </>
  );
}
