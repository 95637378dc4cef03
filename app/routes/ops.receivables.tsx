import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { receivablesView, requireFinanceOperator } from "~/modules/payments/receivables.server";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { useFormat, useLocale, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/**
 * GET /ops/receivables?site=&currency=&kind=&overdue=1&month=YYYY-MM — what each organisation owes
 * with ageing and credit, and the month's cash collected per site, currency and method (admins
 * and finance; rules in receivables.server.ts). A malformed filter is ignored and named (400).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireFinanceOperator(request);
  const view = await receivablesView(await getDb(), { params: new URL(request.url).searchParams });
  return json(view, { status: Object.keys(view.errors).length ? 400 : 200 });
}

const BUCKETS = ["notDue", "d1_30", "d31_60", "d61_90", "over90"] as const;

export default function Receivables() {
  const view = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  const errors = view.errors as Partial<Record<"site" | "currency" | "kind" | "overdue" | "month", MessageKey>>;
  const fieldError = (name: keyof typeof errors) =>
    errors[name] ? (
      <p className="field-error" id={`rv-${name}-error`}>
        {tr(errors[name]!)}
      </p>
    ) : null;
  const fieldClass = (name: keyof typeof errors) => `field${errors[name] ? " field--error" : ""}`;
  const locale = useLocale();
  const monthLabel = new Intl.DateTimeFormat(locale === "en" ? "en-US" : "fr-FR", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${view.filters.month}-01T00:00:00Z`));
  const f = view.filters;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("receivables.title")}</h1>
          <p className="muted">
            {tr("receivables.intro")} {tr("receivables.asOf", { date: format.date(view.today) })}
          </p>
        </div>
        <a className="btn btn--secondary" href={view.csvHref} download>
          {tr("receivables.export")}
        </a>
      </div>

      <section className="card" aria-labelledby="rv-filters-title">
        <h2 id="rv-filters-title" className="visually-hidden">
          {tr("receivables.filters")}
        </h2>
        {Object.keys(errors).length ? <Alert kind="warning">{tr("receivables.ignored")}</Alert> : null}
        <Form method="get" className="audit-filter-form" key={JSON.stringify(f)}>
          <div className={fieldClass("site")}>
            <label htmlFor="rv-site">{tr("receivables.field.site")}</label>
            <select id="rv-site" name="site" defaultValue={f.site} aria-invalid={errors.site ? true : undefined} aria-describedby={errors.site ? "rv-site-error" : undefined}>
              <option value="">{tr("receivables.any")}</option>
              {view.options.sites.map((s) => (
                <option key={s.code} value={s.code}>
                  {s.code} · {s.name}
                </option>
              ))}
            </select>
            {fieldError("site")}
          </div>
          <div className={fieldClass("currency")}>
            <label htmlFor="rv-currency">{tr("receivables.field.currency")}</label>
            <select id="rv-currency" name="currency" defaultValue={f.currency} aria-invalid={errors.currency ? true : undefined} aria-describedby={errors.currency ? "rv-currency-error" : undefined}>
              <option value="">{tr("receivables.any")}</option>
              {view.options.currencies.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
            {fieldError("currency")}
          </div>
          <div className={fieldClass("kind")}>
            <label htmlFor="rv-kind">{tr("receivables.field.kind")}</label>
            <select id="rv-kind" name="kind" defaultValue={f.kind} aria-invalid={errors.kind ? true : undefined} aria-describedby={errors.kind ? "rv-kind-error" : undefined}>
              <option value="">{tr("receivables.any")}</option>
              {view.options.kinds.map((k) => (
                <option key={k} value={k}>
                  {tr(`orgKind.${k}`)}
                </option>
              ))}
            </select>
            {fieldError("kind")}
          </div>
          <div className={fieldClass("month")}>
            <label htmlFor="rv-month">{tr("receivables.field.month")}</label>
            <input id="rv-month" name="month" type="month" min="2000-01" max="2100-12" defaultValue={f.month} aria-invalid={errors.month ? true : undefined} aria-describedby={errors.month ? "rv-month-error" : undefined} />
            {fieldError("month")}
          </div>
          <div className={fieldClass("overdue")}>
            <label className="check">
              <input type="checkbox" name="overdue" value="1" defaultChecked={f.overdueOnly} /> {tr("receivables.field.overdueOnly")}
            </label>
            {fieldError("overdue")}
          </div>
          <div className="audit-filter-actions">
            <button className="btn" type="submit">
              {tr("receivables.apply")}
            </button>
            <Link to="/ops/receivables" className="audit-reset">
              {tr("receivables.reset")}
            </Link>
          </div>
        </Form>
      </section>

      {view.totals.length ? (
        <section className="tiles" aria-label={tr("receivables.title")}>
          {view.totals.map((t) => (
            <div className="tile" key={t.currency}>
              <span className="tile-label">{tr("receivables.total", { currency: t.currency })}</span>
              <strong>{format.money(t.ageing.totalMinor, t.currency)}</strong>
              {t.overdueMinor > 0 ? <span className="tile-sub invoice-overdue">{`${tr("receivables.col.overdue")} : ${format.money(t.overdueMinor, t.currency)}`}</span> : null}
              <span className="tile-sub">{`${tr("receivables.col.credit")} : ${format.money(t.creditMinor, t.currency)}`}</span>
            </div>
          ))}
        </section>
      ) : null}

      <section className="card" aria-labelledby="rv-list-title">
        <h2 id="rv-list-title">{tr("receivables.count", { count: view.rows.length })}</h2>
        {f.site ? <p className="muted small">{tr("receivables.siteCreditNote")}</p> : null}
        {view.rows.length === 0 ? (
          <p className="muted">{tr("receivables.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table table--compact" style={{ fontSize: "0.85rem" }}>
              <thead>
                <tr>
                  <th scope="col">{tr("receivables.col.organisation")}</th>
                  <th scope="col">{tr("receivables.col.currency")}</th>
                  {BUCKETS.map((b) => (
                    <th key={b} scope="col" className="num">
                      {tr(`statement.bucket.${b}`)}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    {tr("receivables.col.outstanding")}
                  </th>
                  <th scope="col" className="num">
                    {tr("receivables.col.credit")}
                  </th>
                  <th scope="col" className="num">
                    {tr("receivables.col.net")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {view.rows.map((r) => (
                  <tr key={`${r.orgId}-${r.currency}`}>
                    <td style={{ minWidth: "11rem" }}>
                      <Link to={`/ops/organisations/${r.orgId}/statement?currency=${r.currency}`}>{r.orgName}</Link>
                      <div className="muted small">
                        {tr(`orgKind.${r.kind}`)}
                        {r.oldestDueOn ? ` · ${tr("receivables.col.oldestDue")} : ${format.date(r.oldestDueOn)}` : ""}
                      </div>
                    </td>
                    <td>{r.currency}</td>
                    {BUCKETS.map((b) => (
                      <td key={b} className={`num nowrap${b !== "notDue" && r.ageing[b] > 0 ? " invoice-overdue" : ""}`}>
                        {r.ageing[b] ? format.money(r.ageing[b], r.currency) : "—"}
                      </td>
                    ))}
                    <td className="num nowrap">
                      <strong>{format.money(r.ageing.totalMinor, r.currency)}</strong>
                    </td>
                    <td className="num nowrap">{r.creditMinor ? format.money(r.creditMinor, r.currency) : "—"}</td>
                    <td className="num nowrap">{format.money(r.netMinor, r.currency)}</td>
                  </tr>
                ))}
                {view.totals.map((t) => (
                  <tr key={t.currency} className="row-highlight">
                    <td>
                      <strong>{tr("receivables.total", { currency: t.currency })}</strong>
                    </td>
                    <td>{t.currency}</td>
                    {BUCKETS.map((b) => (
                      <td key={b} className="num nowrap">
                        {format.money(t.ageing[b], t.currency)}
                      </td>
                    ))}
                    <td className="num nowrap">
                      <strong>{format.money(t.ageing.totalMinor, t.currency)}</strong>
                    </td>
                    <td className="num nowrap">{format.money(t.creditMinor, t.currency)}</td>
                    <td className="num nowrap">{format.money(t.netMinor, t.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="rv-cash-title">
        <h2 id="rv-cash-title">{tr("receivables.cash.title", { month: monthLabel })}</h2>
        <p className="muted">{tr("receivables.cash.intro")}</p>
        {view.cash.length === 0 ? (
          <p className="muted">{tr("receivables.cash.empty")}</p>
        ) : (
          <table className="table table--compact">
            <thead>
              <tr>
                <th scope="col">{tr("receivables.cash.col.site")}</th>
                <th scope="col">{tr("receivables.cash.col.currency")}</th>
                <th scope="col">{tr("receivables.cash.col.method")}</th>
                <th scope="col" className="num">
                  {tr("receivables.cash.col.payments")}
                </th>
                <th scope="col" className="num">
                  {tr("receivables.cash.col.amount")}
                </th>
              </tr>
            </thead>
            <tbody>
              {view.cash.map((c, i) => (
                <tr key={i}>
                  <td>{c.siteCode ? <span className="badge badge--site">{c.siteCode}</span> : <em>{tr("receivables.cash.unallocated")}</em>}</td>
                  <td>{c.currency}</td>
                  <td>{tr(`statement.method.${c.method}`)}</td>
                  <td className="num">{format.number(c.payments)}</td>
                  <td className="num nowrap">{format.money(c.amountMinor, c.currency)}</td>
                </tr>
              ))}
              {view.cashTotals.map((t) => (
                <tr key={t.currency} className="row-highlight">
                  <td colSpan={4}>
                    <strong>{tr("receivables.cash.total", { currency: t.currency })}</strong>
                  </td>
                  <td className="num nowrap">
                    <strong>{format.money(t.amountMinor, t.currency)}</strong>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="muted small">{tr("receivables.cash.rule")}</p>
      </section>
    </>
  );
}
