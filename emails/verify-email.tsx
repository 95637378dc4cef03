import type { Locale } from "~/i18n";
import { EmailLayout } from "./layout";
import { copyFor } from "./messages";

/** Sent after sign-up; the link confirms the address (valid 24 h). */
export interface VerifyEmailProps {
  name: string;
  url: string;
}

export const verifyEmailVars = (_locale: Locale, props: VerifyEmailProps) => ({ name: props.name });

export function VerifyEmail({ locale, ...props }: VerifyEmailProps & { locale: Locale }) {
  return (
    <EmailLayout locale={locale} url={props.url} copy={copyFor("verify_email", locale, verifyEmailVars(locale, props))} />
  );
}

VerifyEmail.PreviewProps = { locale: "fr", name: "Awa Mensah", url: "https://portail.example.org/verify/abc123" };

export default VerifyEmail;
