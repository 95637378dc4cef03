import type { Locale } from "~/i18n";
import { EmailLayout } from "./layout";
import { copyFor } from "./messages";

/** Sent when a tenant cancels a pending request: to the organisation's owners and admins, and to the operators whose queue held it. */
export interface RequestCancelledProps {
  orgName: string;
  siteName: string;
  requestRef: string;
  /** The name of the member who cancelled it. */
  cancelledBy: string;
  url: string;
}

export const requestCancelledVars = (_locale: Locale, props: RequestCancelledProps) => ({
  orgName: props.orgName,
  siteName: props.siteName,
  requestRef: props.requestRef,
  cancelledBy: props.cancelledBy,
});

export function RequestCancelled({ locale, ...props }: RequestCancelledProps & { locale: Locale }) {
  return <EmailLayout locale={locale} url={props.url} copy={copyFor("request_cancelled", locale, requestCancelledVars(locale, props))} />;
}

RequestCancelled.PreviewProps = {
  locale: "fr",
  orgName: "Togo Cloud SARL",
  siteName: "Lomé 1",
  requestRef: "REQ-2026-0042",
  cancelledBy: "Awa Mensah",
  url: "https://portail.example.org/app/requests/abc123",
};

export default RequestCancelled;
