import { t, type Locale } from "~/i18n";
import type { TenantRole } from "#db/schema";
import { EmailLayout } from "./layout";
import { copyFor } from "./messages";

/** Sent when a member invites someone into their organisation (link valid 7 days). */
export interface InvitationProps {
  orgName: string;
  inviterName: string;
  role: TenantRole;
  url: string;
}

export const invitationVars = (locale: Locale, props: InvitationProps) => ({
  orgName: props.orgName,
  inviterName: props.inviterName,
  role: t(locale, `role.${props.role}`),
});

export function Invitation({ locale, ...props }: InvitationProps & { locale: Locale }) {
  return <EmailLayout locale={locale} url={props.url} copy={copyFor("invitation", locale, invitationVars(locale, props))} />;
}

Invitation.PreviewProps = {
  locale: "fr",
  orgName: "Togo Cloud SARL",
  inviterName: "Kossi Agbeko",
  role: "billing",
  url: "https://portail.example.org/invitations/abc123",
};

export default Invitation;
