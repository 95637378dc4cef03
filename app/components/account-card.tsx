import type { SerializeFrom } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { useFormat, useT } from "~/components/i18n";
import type { CurrencyPosition } from "~/modules/payments/payments.server";

/**
 * The tenant dashboard's account card (roles with invoices:read): per currency, what is left to
 * pay, the earliest due date among the invoices still owing, the overdue total and the credit held
 * (`accountPosition`); links to the invoices and the statement of account.
 */
export function AccountCard({ positions, today }: { positions: SerializeFrom<CurrencyPosition>[]; today: string }) {
  const tr = useT();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="account-card-title" data-testid="account-card">
      <div className="page-head">
        <h2 id="account-card-title">{tr("statement.card.title")}</h2>
        <span className="stack-h">
          <Link to="/app/invoices">{tr("statement.card.invoices")} →</Link>
          <Link to="/app/statement">{tr("statement.card.link")} →</Link>
        </span>
      </div>
      {positions.length === 0 ? (
        <p className="muted">{tr("statement.card.nothingDue")}</p>
      ) : (
        <table className="table table--compact">
          <thead>
            <tr>
              <th scope="col">{tr("statement.field.currency")}</th>
              <th scope="col" className="num">
                {tr("statement.card.due")}
              </th>
              <th scope="col" className="num">
                {tr("statement.card.overdueCol")}
              </th>
              <th scope="col" className="hide-sm">
                {tr("statement.card.nextDueCol")}
              </th>
              <th scope="col" className="num">
                {tr("statement.creditAvailable")}
              </th>
            </tr>
          </thead>
          <tbody>
            {positions.map((p) => (
              <tr key={p.currency}>
                <td>{p.currency}</td>
                <td className="num nowrap">
                  <strong>{format.money(p.outstandingMinor, p.currency)}</strong>
                </td>
                <td className={`num nowrap${p.overdueMinor > 0 ? " invoice-overdue" : ""}`}>{p.overdueMinor > 0 ? format.money(p.overdueMinor, p.currency) : "—"}</td>
                <td className={`hide-sm nowrap${p.nextDueOn && p.nextDueOn < today ? " invoice-overdue" : ""}`}>
                  {p.nextDueOn ? tr(p.nextDueOn < today ? "statement.card.pastDue" : "statement.card.nextDue", { date: format.date(p.nextDueOn) }) : "—"}
                </td>
                <td className="num nowrap">{p.creditMinor > 0 ? format.money(p.creditMinor, p.currency) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
