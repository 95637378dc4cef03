import { formatDate, formatMoney, type Locale } from "~/i18n";
import { detailStyles, EmailLayout } from "./layout";
import { copyFor } from "./messages";

/** Sent to the tenant when an operator approves a request: start date, assigned resources, monthly amount. */
export interface RequestApprovedProps {
  orgName: string;
  siteName: string;
  requestRef: string;
  /** YYYY-MM-DD */
  startOn: string;
  /** Already human-readable, e.g. "Baie A03 (Salle 1) — U1 à U10". */
  allocations: string[];
  /** Monthly recurring amount excl. VAT, integer minor units of `currency`. */
  monthlyMinor: number;
  currency: string;
  url: string;
}

export const requestApprovedVars = (locale: Locale, props: RequestApprovedProps) => ({
  orgName: props.orgName,
  siteName: props.siteName,
  requestRef: props.requestRef,
  startOn: formatDate(props.startOn, locale),
  monthlyAmount: formatMoney(props.monthlyMinor, props.currency, locale),
});

export function RequestApproved({ locale, ...props }: RequestApprovedProps & { locale: Locale }) {
  return (
    <EmailLayout locale={locale} url={props.url} copy={copyFor("request_approved", locale, requestApprovedVars(locale, props))}>
      {props.allocations.length > 0 && (
        <ul style={detailStyles.list}>
          {props.allocations.map((allocation, i) => (
            <li key={i} style={detailStyles.listItem}>
              {allocation}
            </li>
          ))}
        </ul>
      )}
    </EmailLayout>
  );
}

RequestApproved.PreviewProps = {
  locale: "fr",
  orgName: "Togo Cloud SARL",
  siteName: "Lomé 1",
  requestRef: "REQ-2026-0042",
  startOn: "2026-12-01",
  allocations: ["Baie A03 (Salle 1) — U1 à U10", "Port 12 du commutateur d’accès SW-LFW-01"],
  monthlyMinor: 1250000,
  currency: "XOF",
  url: "https://portail.example.org/app/services",
};

export default RequestApproved;
