import type { Locale } from "~/i18n";
import { EmailLayout } from "./layout";
import { QuotedText } from "./quoted-text";
import { copyFor } from "./messages";

/** Sent to the tenant when an operator rejects a request; shows the operator's reason verbatim. */
export interface RequestRejectedProps {
  orgName: string;
  siteName: string;
  requestRef: string;
  /** Free text typed by the operator; shown as is (React escapes it), line breaks kept. */
  reason: string;
  url: string;
}

export const requestRejectedVars = (_locale: Locale, props: RequestRejectedProps) => ({
  orgName: props.orgName,
  siteName: props.siteName,
  requestRef: props.requestRef,
});

export function RequestRejected({ locale, ...props }: RequestRejectedProps & { locale: Locale }) {
  return (
    <EmailLayout locale={locale} url={props.url} copy={copyFor("request_rejected", locale, requestRejectedVars(locale, props))}>
      <QuotedText text={props.reason} />
    </EmailLayout>
  );
}

RequestRejected.PreviewProps = {
  locale: "fr",
  orgName: "Togo Cloud SARL",
  siteName: "Lomé 1",
  requestRef: "REQ-2026-0042",
  reason: "La salle 1 n’a plus de baie complète disponible avant mars 2027.\nNous pouvons vous proposer deux demi-baies en salle 2 dès décembre.",
  url: "https://portail.example.org/app/requests/abc123",
};

export default RequestRejected;
