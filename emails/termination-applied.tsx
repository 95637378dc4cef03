import { formatDate, type Locale } from "~/i18n";
import { EmailLayout } from "./layout";
import { copyFor } from "./messages";
import { QuotedText } from "./quoted-text";

/** Sent to the tenant's owners and admins when an operator applies a termination. */
export interface TerminationAppliedProps {
  orgName: string;
  siteName: string;
  contractRef: string;
  /** YYYY-MM-DD, the last day of service. */
  endOn: string;
  /** The operator's note, or nothing. */
  note?: string | null;
  url: string;
}

export const terminationAppliedVars = (locale: Locale, props: TerminationAppliedProps) => ({
  orgName: props.orgName,
  siteName: props.siteName,
  contractRef: props.contractRef,
  endOn: formatDate(props.endOn, locale),
});

export function TerminationApplied({ locale, ...props }: TerminationAppliedProps & { locale: Locale }) {
  const copy = copyFor("termination_applied", locale, terminationAppliedVars(locale, props));
  return (
    <EmailLayout locale={locale} url={props.url} copy={copy}>
      {props.note?.trim() ? <QuotedText label={copy.detailLabel} text={props.note} /> : null}
    </EmailLayout>
  );
}

TerminationApplied.PreviewProps = {
  locale: "fr",
  orgName: "Togo Cloud SARL",
  siteName: "Lomé 1",
  contractRef: "3F2A9C1D",
  endOn: "2027-06-30",
  note: null,
  url: "https://portail.example.org/app/services/abc123",
};

export default TerminationApplied;
