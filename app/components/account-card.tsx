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
    <div className="tile tile--invoices" data-testid="account-card">
      <span className="tile-label">{tr("statement.card.title")}</span>
      {positions.length === 0 ? <strong>{tr("statement.card.nothingDue")}</strong> : null}
      {positions.map((p) => (
        <div key={p.currency}>
          <span className="tile-sub">
            {tr("statement.card.due")} · {p.currency}
          </span>
          <strong>{format.money(p.outstandingMinor, p.currency)}</strong>
          {p.nextDueOn ? (
            <span className={p.nextDueOn < today ? "tile-sub invoice-overdue" : "tile-sub"}>{tr(p.nextDueOn < today ? "statement.card.pastDue" : "statement.card.nextDue", { date: format.date(p.nextDueOn) })}</span>
          ) : null}
          {p.outstandingMinor > 0 ? (
            <span className={p.overdueMinor > 0 ? "tile-sub invoice-overdue" : "tile-sub"}>
              {p.overdueMinor > 0 ? tr("statement.card.overdue", { amount: format.money(p.overdueMinor, p.currency) }) : tr("statement.card.noOverdue")}
            </span>
          ) : null}
          {p.creditMinor > 0 ? <span className="tile-sub">{tr("statement.card.credit", { amount: format.money(p.creditMinor, p.currency) })}</span> : null}
        </div>
      ))}
      <span className="stack-h">
        <Link to="/app/invoices">{tr("statement.card.invoices")} →</Link>
        <Link to="/app/statement">{tr("statement.card.link")} →</Link>
      </span>
    </div>
  );
}
