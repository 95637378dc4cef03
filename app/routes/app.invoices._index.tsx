import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireTenant } from "~/modules/auth/session.server";
import { tenantInvoicesView } from "~/modules/billing/tenant-invoices.server";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { useFormat, useLocale, useT } from "~/components/i18n";
import type { FieldErrors } from "~/utils/forms";
import { cachedIntl } from "~/i18n/format";

/**
 * GET /app/invoices?status=&site=&year= — the organisation's issued invoices (never drafts),
 * filtered by a GET form. A malformed filter is left out and named beside its field (400).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "invoices:read");
  const view = await tenantInvoicesView(await getDb(), user.orgId, new URL(request.url).searchParams);
  return json(view, { status: Object.keys(view.errors).length ? 400 : 200 });
}

function usePeriod() {
  const locale = useLocale();
  return (period: string) =>
    cachedIntl(`month\u0000${locale}`, () => new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-US", { month: "long", year: "numeric", timeZone: "UTC" })).format(new Date(`${period}-01T00:00:00Z`));
}

export default function Invoices() {
  const view = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  const period = usePeriod();
  const errors: FieldErrors = view.errors;
  const field = (name: keyof typeof view.values) => `field${errors[name] ? " field--error" : ""}`;
  const fieldError = (name: string) =>
    errors[name] ? (
      <p className="field-error" id={`if-${name}-error`}>
        {tr(errors[name]!)}
      </p>
    ) : null;
  const described = (name: string) => (errors[name] ? `if-${name}-error` : undefined);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("invoices.title")}</h1>
          <p className="muted">{tr("invoices.intro")}</p>
          <Link to="/app/statement">{tr("statement.link")} →</Link>
        </div>
        {view.hasAny ? (
          <a className="btn btn--secondary" href={view.csvHref} download title={tr("invoices.exportHint")}>
            {tr("invoices.export")}
          </a>
        ) : null}
      </div>

      {!view.hasAny ? (
        <section className="card">
          <p className="muted">{tr("invoices.empty")}</p>
        </section>
      ) : (
        <>
          <section className="card" aria-labelledby="invoice-filters-title">
            <h2 id="invoice-filters-title" className="visually-hidden">
              {tr("invoices.filters")}
            </h2>
            {Object.keys(errors).length ? <Alert kind="warning">{tr("invoices.filter.ignored")}</Alert> : null}
            <Form method="get" className="audit-filter-form">
              <div className={field("status")}>
                <label htmlFor="if-status">{tr("invoices.filter.status")}</label>
                <select id="if-status" name="status" defaultValue={view.filters.status ?? ""} aria-invalid={errors.status ? true : undefined} aria-describedby={described("status")}>
                  <option value="">{tr("invoices.filter.any")}</option>
                  {view.options.statuses.map((s) => (
                    <option key={s} value={s}>
                      {tr(`invoices.status.${s}`)}
                    </option>
                  ))}
                </select>
                {fieldError("status")}
              </div>
              <div className={field("site")}>
                <label htmlFor="if-site">{tr("invoices.filter.site")}</label>
                <select id="if-site" name="site" defaultValue={view.filters.site ?? ""} aria-invalid={errors.site ? true : undefined} aria-describedby={described("site")}>
                  <option value="">{tr("invoices.filter.any")}</option>
                  {view.options.sites.map((s) => (
                    <option key={s.code} value={s.code}>
                      {s.code} · {s.name}
                    </option>
                  ))}
                </select>
                {fieldError("site")}
              </div>
              <div className={field("year")}>
                <label htmlFor="if-year">{tr("invoices.filter.year")}</label>
                <select id="if-year" name="year" defaultValue={view.filters.year ? String(view.filters.year) : ""} aria-invalid={errors.year ? true : undefined} aria-describedby={described("year")}>
                  <option value="">{tr("invoices.filter.any")}</option>
                  {view.options.years.map((y) => (
                    <option key={y} value={String(y)}>
                      {y}
                    </option>
                  ))}
                </select>
                {fieldError("year")}
              </div>
              <div className="audit-filter-actions">
                <button className="btn" type="submit">
                  {tr("invoices.filter.apply")}
                </button>
                {view.filtered || Object.keys(errors).length ? (
                  <Link to="/app/invoices" className="audit-reset">
                    {tr("invoices.filter.reset")}
                  </Link>
                ) : null}
              </div>
            </Form>
          </section>

          {view.totals.length ? (
            <section className="tiles" aria-label={tr("invoices.totals.title")}>
              {view.totals.map((t) => (
                <div className="tile" key={t.currency}>
                  <span className="tile-label">
                    {tr("invoices.totals.due")} · {t.currency}
                  </span>
                  <strong>{format.money(t.dueMinor, t.currency)}</strong>
                  <span className="tile-sub">
                    {tr("invoices.totals.invoiced", { amount: format.money(t.totalMinor, t.currency) })}
                  </span>
                  {t.overdueMinor > 0 ? (
                    <span className="tile-sub invoice-overdue">
                      {tr("invoices.totals.overdue", { amount: format.money(t.overdueMinor, t.currency) })}
                    </span>
                  ) : null}
                </div>
              ))}
            </section>
          ) : null}

          <section className="card">
            <p className="muted">{tr("invoices.count", { count: view.rows.length })}</p>
            {view.truncated ? <Alert kind="info">{tr("invoices.truncated", { count: format.number(view.rows.length) })}</Alert> : null}
            {view.rows.length === 0 ? (
              <p className="muted">{tr("invoices.emptyFiltered")}</p>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th>{tr("invoices.col.number")}</th>
                    <th className="hide-sm">{tr("invoices.col.period")}</th>
                    <th className="hide-sm">{tr("invoices.col.site")}</th>
                    <th className="hide-sm">{tr("invoices.col.issuedOn")}</th>
                    <th className="num hide-sm">{tr("invoices.col.total")}</th>
                    <th className="num">{tr("invoices.col.balance")}</th>
                    <th>{tr("invoices.col.status")}</th>
                    <th className="hide-sm">{tr("invoices.col.dueOn")}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.rows.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link to={`/app/invoices/${r.id}`} className="mono nowrap">
                          {r.number}
                        </Link>
                      </td>
                      <td className="hide-sm nowrap">{period(r.period)}</td>
                      <td className="hide-sm">
                        <strong>{r.siteCode}</strong>
                      </td>
                      <td className="hide-sm nowrap">{format.date(r.issuedOn)}</td>
                      <td className="num hide-sm nowrap">{format.money(r.totalMinor, r.currency)}</td>
                      <td className="num nowrap">{format.money(r.balanceMinor, r.currency)}</td>
                      <td>
                        <StatusBadge status={`invoice-${r.displayStatus}`} label={tr(`invoices.status.${r.displayStatus}`)} />
                      </td>
                      <td className="hide-sm nowrap">{format.date(r.dueOn)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </>
  );
}
