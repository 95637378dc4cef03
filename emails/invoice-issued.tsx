import { formatDate, formatMoney, type Locale } from "~/i18n";
import { detailStyles, EmailLayout } from "./layout";
import { copyFor } from "./messages";

/** Sent to the organisation's billing address and its billing and owner members when an invoice is issued (PDF attached). */
export interface InvoiceIssuedProps {
  orgName: string;
  siteName: string;
  number: string;
  /** YYYY-MM */
  period: string;
  totalMinor: number;
  currency: string;
  /** YYYY-MM-DD */
  dueOn: string;
  paymentReference: string;
  url: string;
}

const monthOf = (period: string, locale: Locale) =>
  new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${period}-01T00:00:00Z`));

export const invoiceIssuedVars = (locale: Locale, props: InvoiceIssuedProps) => ({
  orgName: props.orgName,
  siteName: props.siteName,
  number: props.number,
  period: monthOf(props.period, locale),
  total: formatMoney(props.totalMinor, props.currency, locale),
  dueOn: formatDate(props.dueOn, locale),
  paymentReference: props.paymentReference,
});

export function InvoiceIssued({ locale, ...props }: InvoiceIssuedProps & { locale: Locale }) {
  const vars = invoiceIssuedVars(locale, props);
  const copy = copyFor("invoice_issued", locale, vars);
  return (
    <EmailLayout locale={locale} url={props.url} copy={copy}>
      <ul style={detailStyles.list}>
        <li style={detailStyles.listItem}>{vars.number}</li>
        <li style={detailStyles.listItem}>{vars.total}</li>
        <li style={detailStyles.listItem}>{vars.dueOn}</li>
        <li style={detailStyles.listItem}>{vars.paymentReference}</li>
      </ul>
    </EmailLayout>
  );
}

InvoiceIssued.PreviewProps = {
  locale: "fr",
  orgName: "Togo Cloud SARL",
  siteName: "Lomé 1",
  number: "LDC-2026-000042",
  period: "2026-11",
  totalMinor: 1345200,
  currency: "XOF",
  dueOn: "2026-12-31",
  paymentReference: "LDC-7K3Q9X",
  url: "https://portail.example.org/app/invoices/abc123",
};

export default InvoiceIssued;
