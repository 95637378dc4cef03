import { formatDate, formatNumber, type Locale } from "~/i18n";
import { detailStyles, EmailLayout } from "./layout";
import { copyFor, detailLabels } from "./messages";

/** Sent to the tenant when a request is submitted: what was asked, answer within 2 working days. */
export interface RequestReceivedProps {
  orgName: string;
  siteName: string;
  requestRef: string;
  lines: { label: string; quantity: number }[];
  /** YYYY-MM-DD */
  desiredStartOn: string;
  url: string;
}

export const requestReceivedVars = (locale: Locale, props: RequestReceivedProps) => ({
  orgName: props.orgName,
  siteName: props.siteName,
  requestRef: props.requestRef,
  desiredStartOn: formatDate(props.desiredStartOn, locale),
});

export function RequestReceived({ locale, ...props }: RequestReceivedProps & { locale: Locale }) {
  const labels = detailLabels[locale];
  return (
    <EmailLayout locale={locale} url={props.url} copy={copyFor("request_received", locale, requestReceivedVars(locale, props))}>
      {/* data-text-table: the plain-text version keeps this as a two-column table. */}
      <table data-text-table="true" cellPadding={0} cellSpacing={0} border={0} style={detailStyles.table}>
        <thead>
          <tr>
            <th style={detailStyles.th}>{labels.item}</th>
            <th style={detailStyles.thNumber}>{labels.quantity}</th>
          </tr>
        </thead>
        <tbody>
          {props.lines.map((line, i) => (
            <tr key={i}>
              <td style={detailStyles.td}>{line.label}</td>
              <td style={detailStyles.tdNumber}>{formatNumber(line.quantity, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </EmailLayout>
  );
}

RequestReceived.PreviewProps = {
  locale: "fr",
  orgName: "Togo Cloud SARL",
  siteName: "Lomé 1",
  requestRef: "REQ-2026-0042",
  lines: [
    { label: "Baie complète 42U", quantity: 2 },
    { label: "Engagement électrique (kW)", quantity: 8 },
    { label: "Cross-connect", quantity: 1 },
  ],
  desiredStartOn: "2026-12-01",
  url: "https://portail.example.org/app/requests/abc123",
};

export default RequestReceived;
