import type { Locale } from "~/i18n";
import { EmailLayout } from "./layout";
import { copyFor } from "./messages";

/** Sent to an organisation's owners and admins when an operator verifies (or reinstates) it. */
export interface OrgVerifiedProps {
  orgName: string;
  url: string;
}

export const orgVerifiedVars = (_locale: Locale, props: OrgVerifiedProps) => ({ orgName: props.orgName });

export function OrgVerified({ locale, ...props }: OrgVerifiedProps & { locale: Locale }) {
  return <EmailLayout locale={locale} url={props.url} copy={copyFor("org_verified", locale, orgVerifiedVars(locale, props))} />;
}

OrgVerified.PreviewProps = {
  locale: "fr",
  orgName: "Togo Cloud SARL",
  url: "https://portail.example.org/app/requests/new",
};

export default OrgVerified;
