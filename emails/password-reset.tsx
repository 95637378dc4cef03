import type { Locale } from "~/i18n";
import { EmailLayout } from "./layout";
import { copyFor } from "./messages";

/** Sent on "forgot password"; the link lets the user choose a new one (valid 1 h). */
export interface PasswordResetProps {
  name: string;
  url: string;
}

export const passwordResetVars = (_locale: Locale, props: PasswordResetProps) => ({ name: props.name });

export function PasswordReset({ locale, ...props }: PasswordResetProps & { locale: Locale }) {
  return (
    <EmailLayout locale={locale} url={props.url} copy={copyFor("password_reset", locale, passwordResetVars(locale, props))} />
  );
}

PasswordReset.PreviewProps = { locale: "fr", name: "Awa Mensah", url: "https://portail.example.org/reset/abc123" };

export default PasswordReset;
