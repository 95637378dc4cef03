import type { Quote } from "~/modules/requests/quote";
import { useFormat, useT } from "./i18n";

type Totals = Pick<Quote, "monthlyMinor" | "setupMinor" | "subtotalMinor" | "vatMinor" | "totalMinor" | "monthlyTotalMinor">;

/**
 * The totals of a quote (a request's live quote, or a contract's frozen lines): monthly recurring,
 * one-time setup, first-month subtotal, VAT at the site's rate (or the exemption mention), total of
 * the first month, then each later month VAT included. Amounts are integer minor units.
 */
export function QuoteSummary({
  quote,
  currency,
  vatRateBp,
  exempt,
  variant = "request",
}: {
  quote: Totals;
  currency: string;
  vatRateBp: number;
  exempt: boolean;
  /** "contract": recurring first, setup as a one-time note, VAT on the monthly amount. */
  variant?: "request" | "contract";
}) {
  const tr = useT();
  const format = useFormat();
  const money = (minor: number) => format.money(minor, currency);
  const rate = format.number(vatRateBp / 10000, { style: "percent", maximumFractionDigits: 2 });
  const vatLabel = exempt ? tr("requests.quote.vatExempt") : tr("requests.quote.vat", { rate });

  if (variant === "contract") {
    const monthlyVat = quote.monthlyTotalMinor - quote.monthlyMinor;
    return (
      <dl className="quote">
        <dt>{tr("requests.quote.monthly")}</dt>
        <dd>{money(quote.monthlyMinor)}</dd>
        <dt>{vatLabel}</dt>
        <dd>{money(monthlyVat)}</dd>
        <dt className="quote-total">{tr("requests.contract.monthlyTotal")}</dt>
        <dd className="quote-total">{money(quote.monthlyTotalMinor)}</dd>
        {quote.setupMinor > 0 ? (
          <>
            <dt className="quote-once">{tr("requests.contract.setupOnce")}</dt>
            <dd className="quote-once">{money(quote.setupMinor)}</dd>
          </>
        ) : null}
      </dl>
    );
  }

  return (
    <dl className="quote">
      <dt>{tr("requests.quote.monthly")}</dt>
      <dd>{money(quote.monthlyMinor)}</dd>
      <dt>{tr("requests.quote.setup")}</dt>
      <dd>{money(quote.setupMinor)}</dd>
      <dt className="quote-sub">{tr("requests.quote.subtotal")}</dt>
      <dd className="quote-sub">{money(quote.subtotalMinor)}</dd>
      <dt>{vatLabel}</dt>
      <dd>{money(quote.vatMinor)}</dd>
      <dt className="quote-total">{tr("requests.quote.total")}</dt>
      <dd className="quote-total">{money(quote.totalMinor)}</dd>
      <dt className="quote-then">{tr("requests.quote.thenMonthly")}</dt>
      <dd className="quote-then">{money(quote.monthlyTotalMinor)}</dd>
    </dl>
  );
}

/** The priced lines of a request: item, quantity, unit price, monthly amount and setup fee. */
export function QuoteLines({ lines, currency, compact }: { lines: Quote["lines"]; currency: string; compact?: boolean }) {
  const tr = useT();
  const format = useFormat();
  return (
    <table className={`table${compact ? " table--compact" : ""}`}>
      <thead>
        <tr>
          <th>{tr("requests.col.item")}</th>
          <th className="num hide-sm">{tr("requests.col.quantity")}</th>
          <th className="num hide-sm">{tr("requests.col.unitPrice")}</th>
          <th className="num">{tr("requests.col.monthly")}</th>
          <th className="num hide-sm">{tr("requests.col.setup")}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr key={l.kind}>
            <td>
              {tr(`requests.kind.${l.kind}`)}
              <span className="qty-inline"> × {format.number(l.quantity)}</span>
            </td>
            <td className="num hide-sm">{format.number(l.quantity)}</td>
            <td className="num hide-sm nowrap">{format.money(l.unitPriceMinor, currency)}</td>
            <td className="num nowrap">{format.money(l.monthlyMinor, currency)}</td>
            <td className="num hide-sm nowrap">{format.money(l.setupMinor, currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The quote's total in a bar that stays at the bottom of a phone's screen while the fields above are
 * typed in (hidden on wide screens, where the whole quote stays beside the form). Not a live region:
 * the full quote already announces its changes.
 */
export function QuoteTotalBar({ quote, currency, detailsId }: { quote: Pick<Quote, "totalMinor" | "monthlyTotalMinor">; currency: string; detailsId: string }) {
  const tr = useT();
  const format = useFormat();
  return (
    <div className="quote-bar" data-testid="quote-bar">
      <span className="quote-bar-label">{tr("requests.quote.total")}</span>
      <strong className="quote-bar-total">{format.money(quote.totalMinor, currency)}</strong>
      <span className="quote-bar-then">
        {tr("requests.quote.thenMonthly")} <span className="nowrap">{format.money(quote.monthlyTotalMinor, currency)}</span>
      </span>
      <a className="quote-bar-link" href={`#${detailsId}`}>
        {tr("requests.view")} ↓
      </a>
    </div>
  );
}
