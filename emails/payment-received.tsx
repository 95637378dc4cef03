import { formatDate, formatMoney, type Locale } from "~/i18n";
import { detailStyles, EmailLayout } from "./layout";
import { copyFor } from "./messages";

/** Sent to the organisation's billing address and its billing and owner members when a payment is recorded. */
export interface PaymentReceivedProps {
  orgName: string;
  amountMinor: number;
  currency: string;
  /** YYYY-MM-DD */
  receivedOn: string;
  reference: string;
  /** The invoices it settled, and how much of each. */
  invoices: { number: string; amountMinor: number }[];
  /** What remains due in that currency after this payment. */
  outstandingMinor: number;
  /** The organisation's credit in that currency. */
  creditMinor: number;
  url: string;
}

export const paymentReceivedVars = (locale: Locale, props: PaymentReceivedProps) => ({
  orgName: props.orgName,
  amount: formatMoney(props.amountMinor, props.currency, locale),
  receivedOn: formatDate(props.receivedOn, locale),
  reference: props.reference,
  outstanding: formatMoney(props.outstandingMinor, props.currency, locale),
  credit: formatMoney(props.creditMinor, props.currency, locale),
});

export function PaymentReceived({ locale, ...props }: PaymentReceivedProps & { locale: Locale }) {
  const vars = paymentReceivedVars(locale, props);
  const copy = copyFor("payment_received", locale, vars);
  return (
    <EmailLayout locale={locale} url={props.url} copy={copy}>
      <ul style={detailStyles.list}>
        {props.invoices.map((i) => (
          <li key={i.number} style={detailStyles.listItem}>
            {i.number}: {formatMoney(i.amountMinor, props.currency, locale)}
          </li>
        ))}
      </ul>
    </EmailLayout>
  );
}

PaymentReceived.PreviewProps = {
  locale: "fr",
  orgName: "Agence Nationale des Systèmes d’Information",
  amountMinor: 1345200,
  currency: "XOF",
  receivedOn: "2026-12-02",
  reference: "VIR LDC-7K3Q9X",
  invoices: [{ number: "LDC-2026-000042", amountMinor: 1345200 }],
  outstandingMinor: 0,
  creditMinor: 0,
  url: "https://portail.example.org/app/invoices",
};
