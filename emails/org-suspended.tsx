import type { Locale } from "~/i18n";
import { EmailLayout } from "./layout";
import { copyFor } from "./messages";
import { QuotedText } from "./quoted-text";

/** Sent to an organisation's owners and admins when an operator suspends it; the reason, when given, verbatim. */
export interface OrgSuspendedProps {
  orgName: string;
  /** Free text typed by the operator, or nothing. */
  reason?: string | null;
  url: string;
}

export const orgSuspendedVars = (_locale: Locale, props: OrgSuspendedProps) => ({ orgName: props.orgName });

export function OrgSuspended({ locale, ...props }: OrgSuspendedProps & { locale: Locale }) {
  const copy = copyFor("org_suspended", locale, orgSuspendedVars(locale, props));
  return (
    <EmailLayout locale={locale} url={props.url} copy={copy}>
      {props.reason?.trim() ? <QuotedText label={copy.detailLabel} text={props.reason} /> : null}
    </EmailLayout>
  );
}

OrgSuspended.PreviewProps = {
  locale: "fr",
  orgName: "Togo Cloud SARL",
  reason: "Pièces justificatives (RCCM) expirées.",
  url: "https://portail.example.org/app",
};

export default OrgSuspended;
