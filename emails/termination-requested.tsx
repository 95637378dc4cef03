import { formatDate, type Locale } from "~/i18n";
import { EmailLayout } from "./layout";
import { copyFor } from "./messages";
import { QuotedText } from "./quoted-text";

/** Sent to the operators who handle terminations when a tenant asks to end a contract. */
export interface TerminationRequestedProps {
  orgName: string;
  siteName: string;
  contractRef: string;
  /** YYYY-MM-DD, the last day of service asked for. */
  endOn: string;
  requesterName: string;
  /** What the tenant typed, or nothing. */
  details?: string | null;
  url: string;
}

export const terminationRequestedVars = (locale: Locale, props: TerminationRequestedProps) => ({
  orgName: props.orgName,
  siteName: props.siteName,
  contractRef: props.contractRef,
  endOn: formatDate(props.endOn, locale),
  requesterName: props.requesterName,
});

export function TerminationRequested({ locale, ...props }: TerminationRequestedProps & { locale: Locale }) {
  const copy = copyFor("termination_requested", locale, terminationRequestedVars(locale, props));
  return (
    <EmailLayout locale={locale} url={props.url} copy={copy}>
      {props.details?.trim() ? <QuotedText label={copy.detailLabel} text={props.details} /> : null}
    </EmailLayout>
  );
}

TerminationRequested.PreviewProps = {
  locale: "fr",
  orgName: "Togo Cloud SARL",
  siteName: "Lomé 1",
  contractRef: "3F2A9C1D",
  endOn: "2027-06-30",
  requesterName: "Awa Mensah",
  details: "Nous regroupons nos serveurs à Kinshasa.",
  url: "https://portail.example.org/ops/contracts/abc123",
};

export default TerminationRequested;
