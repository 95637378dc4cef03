import type { SerializeFrom } from "@remix-run/node";
import { Form, Link } from "@remix-run/react";
import { Alert } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";
import type { StatementView } from "~/modules/payments/statement.server";

const BUCKETS = ["notDue", "d1_30", "d31_60", "d61_90", "over90"] as const;

/**
 * The statement of account page's body (tenant /app/statement and the operators' copy): period and
 * currency form, summary tiles, movements with the running balance, ageing and the invoices still
 * due at the period's end, download links. Everything is computed by statement.server.ts.
 */
export function StatementBody({ view, path }: { view: SerializeFrom<StatementView>; path: string }) {
  const tr = useT();
  const format = useFormat();
  const errors = view.errors as Partial<Record<"currency" | "from" | "to" | "year", MessageKey>>;
  const s = view.statement;
  const money = (minor: number) => (s ? format.money(minor, s.currency) : "");
  const fieldError = (name: keyof typeof errors) =>
    errors[name] ? (
      <p className="field-error" id={`st-${name}-error`}>
        {tr(errors[name]!)}
      </p>
    ) : null;
  const fieldClass = (name: keyof typeof errors) => `field${errors[name] ? " field--error" : ""}`;
  const currency = view.query.currency ?? "";

  if (!view.currencies.length && !s?.lines.length) {
    return (
      <section className="card">
        <p className="muted">{tr("statement.empty")}</p>
      </section>
    );
  }

  return (
    <>
      <section className="card" aria-labelledby="statement-filters-title">
        <h2 id="statement-filters-title" className="visually-hidden">
          {tr("statement.filters")}
        </h2>
        {Object.keys(errors).length ? <Alert kind="warning">{tr("statement.ignored")}</Alert> : null}
        {view.query.clamped ? <Alert kind="info">{tr("statement.clamped")}</Alert> : null}
        <Form method="get" action={path} className="audit-filter-form" key={`${currency}-${view.query.from}-${view.query.to}`}>
          <div className={fieldClass("currency")}>
            <label htmlFor="st-currency">{tr("statement.field.currency")}</label>
            <select id="st-currency" name="currency" defaultValue={currency} aria-invalid={errors.currency ? true : undefined} aria-describedby={errors.currency ? "st-currency-error" : undefined}>
              {(view.currencies.includes(currency as never) || !currency ? view.currencies : [...view.currencies, currency]).map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
            {fieldError("currency")}
          </div>
          <div className={`${fieldClass("from")} field--date`}>
            <label htmlFor="st-from">{tr("statement.field.from")}</label>
            <input id="st-from" name="from" type="date" min="2000-01-01" max={view.today} defaultValue={view.query.from} aria-invalid={errors.from || errors.year ? true : undefined} aria-describedby={errors.from ? "st-from-error" : undefined} />
            {fieldError("from")}
            {fieldError("year")}
          </div>
          <div className={`${fieldClass("to")} field--date`}>
            <label htmlFor="st-to">{tr("statement.field.to")}</label>
            <input id="st-to" name="to" type="date" min="2000-01-01" max={view.today} defaultValue={view.query.to} aria-invalid={errors.to ? true : undefined} aria-describedby={errors.to ? "st-to-error" : undefined} />
            {fieldError("to")}
          </div>
          <div className="audit-filter-actions">
            <button className="btn" type="submit">
              {tr("statement.apply")}
            </button>
            <Link to={`${path}?currency=${currency}&from=${view.presets.thisYear}&to=${view.today}`} className="audit-reset">
              {tr("statement.preset.thisYear")}
            </Link>
            <Link to={`${path}?currency=${currency}&from=${view.presets.lastYearFrom}&to=${view.presets.lastYearTo}`} className="audit-reset">
              {tr("statement.preset.lastYear")}
            </Link>
          </div>
        </Form>
      </section>

      {s ? (
        <>
          <section className="tiles" aria-label={tr("statement.title")}>
            <div className="tile">
              <span className="tile-label">{tr("statement.openingOn", { date: format.date(s.from) })}</span>
              <strong>{money(s.openingMinor)}</strong>
            </div>
            <div className="tile">
              <span className="tile-label">{tr("statement.debits")}</span>
              <strong>{money(s.totalDebitMinor)}</strong>
            </div>
            <div className="tile">
              <span className="tile-label">{tr("statement.credits")}</span>
              <strong>{money(s.totalCreditMinor)}</strong>
            </div>
            <div className="tile">
              <span className="tile-label">{tr("statement.closingOn", { date: format.date(s.to) })}</span>
              <strong>{money(s.closingMinor)}</strong>
              <span className={s.closingMinor > 0 ? "tile-sub" : "tile-sub"}>{s.closingMinor < 0 ? tr("statement.inCredit") : tr("statement.owes")}</span>
            </div>
          </section>

          <section className="card" aria-labelledby="statement-movements-title">
            <div className="page-head">
              <h2 id="statement-movements-title">
                {tr("statement.title")} · {s.currency}
              </h2>
              <div className="stack-h">
                {view.pdfHref ? (
                  <a className="btn btn--secondary" href={view.pdfHref} download>
                    {tr("statement.download.pdf")}
                  </a>
                ) : null}
                {view.pdfOtherHref ? (
                  <a className="btn btn--ghost" href={view.pdfOtherHref} download hrefLang={view.otherLanguage}>
                    {tr("statement.download.pdfOther")}
                  </a>
                ) : null}
                {view.csvHref ? (
                  <a className="btn btn--ghost" href={view.csvHref} download>
                    {tr("statement.download.csv")}
                  </a>
                ) : null}
              </div>
            </div>
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{tr("statement.col.date")}</th>
                    <th scope="col">{tr("statement.col.document")}</th>
                    <th scope="col" className="hide-sm">
                      {tr("statement.col.description")}
                    </th>
                    <th scope="col" className="num">
                      {tr("statement.col.debit")}
                    </th>
                    <th scope="col" className="num">
                      {tr("statement.col.credit")}
                    </th>
                    <th scope="col" className="num">
                      {tr("statement.col.balance")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <tr className="row-highlight">
                    <td className="nowrap">{format.date(s.from)}</td>
                    <td colSpan={4}>
                      <strong>{tr("statement.opening")}</strong>
                    </td>
                    <td className="num nowrap">
                      <strong>{money(s.openingMinor)}</strong>
                    </td>
                  </tr>
                  {s.lines.length === 0 ? (
                    <tr>
                      <td colSpan={6} className="muted">
                        {tr("statement.noMovement")}
                      </td>
                    </tr>
                  ) : null}
                  {s.lines.map((l, i) => (
                    <tr key={i}>
                      <td className="nowrap">{format.date(l.occurredOn)}</td>
                      <td className="mono nowrap">{l.document}</td>
                      <td className="hide-sm">
                        {tr(`statement.kind.${l.kind}`)}
                        {l.kind === "credit_note" && l.invoiceNumber ? ` ${tr("statement.onInvoice", { number: l.invoiceNumber })}` : ""}
                        {l.method ? ` (${tr(`statement.method.${l.method}`)})` : ""}
                        {l.kind === "invoice" && l.dueOn ? <span className="muted"> — {tr("statement.dueOn", { date: format.date(l.dueOn) })}</span> : null}
                      </td>
                      <td className="num nowrap">{l.debitMinor ? money(l.debitMinor) : ""}</td>
                      <td className="num nowrap">{l.creditMinor ? money(l.creditMinor) : ""}</td>
                      <td className="num nowrap">{money(l.balanceMinor)}</td>
                    </tr>
                  ))}
                  <tr>
                    <td />
                    <td colSpan={2}>{tr("statement.totals")}</td>
                    <td className="num nowrap">{money(s.totalDebitMinor)}</td>
                    <td className="num nowrap">{money(s.totalCreditMinor)}</td>
                    <td />
                  </tr>
                  <tr className="row-highlight">
                    <td className="nowrap">{format.date(s.to)}</td>
                    <td colSpan={4}>
                      <strong>{tr("statement.closingOn", { date: format.date(s.to) })}</strong>
                    </td>
                    <td className="num nowrap">
                      <strong>{money(s.closingMinor)}</strong>
                    </td>
                  </tr>
                </tbody>
              </table>
            </div>
          </section>

          <section className="card" aria-labelledby="statement-ageing-title">
            <h2 id="statement-ageing-title">{tr("statement.ageing", { date: format.date(s.to) })}</h2>
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    {BUCKETS.map((b) => (
                      <th key={b} scope="col" className="num">
                        {tr(`statement.bucket.${b}`)}
                      </th>
                    ))}
                    <th scope="col" className="num">
                      {tr("statement.totalDue")}
                    </th>
                    <th scope="col" className="num">
                      {tr("statement.creditAvailable")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    {BUCKETS.map((b) => (
                      <td key={b} className={`num nowrap${b !== "notDue" && s.ageing[b] > 0 ? " invoice-overdue" : ""}`}>
                        {money(s.ageing[b])}
                      </td>
                    ))}
                    <td className="num nowrap">
                      <strong>{money(s.ageing.totalMinor)}</strong>
                    </td>
                    <td className="num nowrap">{money(s.creditMinor)}</td>
                  </tr>
                </tbody>
              </table>
            </div>
            <p className="muted small">{tr("statement.rule", { date: format.date(s.to) })}</p>
            {s.owing.length ? (
              <>
                <h3>{tr("statement.owingTitle", { date: format.date(s.to) })}</h3>
                <table className="table table--compact">
                  <thead>
                    <tr>
                      <th scope="col">{tr("statement.col.number")}</th>
                      <th scope="col" className="hide-sm">
                        {tr("statement.col.issuedOn")}
                      </th>
                      <th scope="col">{tr("statement.col.dueOn")}</th>
                      <th scope="col" className="num">
                        {tr("statement.col.late")}
                      </th>
                      <th scope="col" className="num">
                        {tr("statement.col.balance")}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.owing.map((o) => (
                      <tr key={o.id}>
                        <td className="mono nowrap">{o.number}</td>
                        <td className="hide-sm nowrap">{format.date(o.issuedOn)}</td>
                        <td className="nowrap">{format.date(o.dueOn)}</td>
                        <td className={`num nowrap${o.daysLate > 0 ? " invoice-overdue" : ""}`}>{o.daysLate > 0 ? tr("statement.days", { count: format.number(o.daysLate) }) : "—"}</td>
                        <td className="num nowrap">{money(o.balanceMinor)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            ) : null}
          </section>
        </>
      ) : null}
    </>
  );
}
