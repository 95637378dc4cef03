import { formatMoney, t, type Locale, type MessageKey } from "~/i18n";
import { EmailLayout } from "./layout";
import { copyFor } from "./messages";
import { QuotedText } from "./quoted-text";
import { REMOTE_HANDS_TEMPLATES, type RemoteHandsTemplate } from "./remote-hands-messages";

export { REMOTE_HANDS_TEMPLATES, type RemoteHandsTemplate };

/** Every remote-hands e-mail: one ticket, one event (opened → operators; taken, update, closed → the tenant). */
export interface RemoteHandsMailProps {
  /** RH-LDC-2026-0001 */
  ticketRef: string;
  siteName: string;
  orgName: string;
  kind: "reboot" | "cabling" | "inspection" | "media_swap" | "other";
  urgency: "standard" | "urgent";
  /** Free text typed by someone: the description, an update, the result. Shown quoted, escaped. */
  text?: string | null;
  actorName?: string | null;
  /** At close: minutes billed and the amount (null when nothing is billed). */
  billedMinutes?: number | null;
  amountMinor?: number | null;
  currency?: string | null;
  url: string;
}

export const remoteHandsVars = (locale: Locale, props: RemoteHandsMailProps) => ({
  ref: props.ticketRef,
  siteName: props.siteName,
  orgName: props.orgName,
  kind: t(locale, `remotehands.kind.${props.kind}` as MessageKey),
  urgency: t(locale, `remotehands.urgency.${props.urgency}` as MessageKey),
  actorName: props.actorName ?? "",
  billed: t(locale, "remotehands.minutes", { count: props.billedMinutes ?? 0 }),
  amount: props.amountMinor != null && props.currency ? formatMoney(props.amountMinor, props.currency, locale) : formatMoney(0, props.currency ?? "XOF", locale),
});

function component(template: RemoteHandsTemplate) {
  function RemoteHandsEmail({ locale, ...props }: RemoteHandsMailProps & { locale: Locale }) {
    const copy = copyFor(template, locale, remoteHandsVars(locale, props));
    return (
      <EmailLayout locale={locale} url={props.url} copy={copy}>
        {props.text?.trim() ? <QuotedText label={copy.detailLabel} text={props.text} /> : null}
      </EmailLayout>
    );
  }
  return RemoteHandsEmail;
}

/** The template entries, for `templates` in index.ts. */
export const remoteHandsTemplates = Object.fromEntries(
  REMOTE_HANDS_TEMPLATES.map((template) => [template, { Component: component(template), vars: remoteHandsVars }]),
) as Record<RemoteHandsTemplate, { Component: ReturnType<typeof component>; vars: typeof remoteHandsVars }>;

export const RemoteHandsPreview = component("remote_hands_closed");
(RemoteHandsPreview as unknown as { PreviewProps: unknown }).PreviewProps = {
  locale: "fr",
  ticketRef: "RH-LDC-2026-0001",
  siteName: "Lomé Data Centre",
  orgName: "Kossi Digital",
  kind: "reboot",
  urgency: "urgent",
  text: "Serveur redémarré, services revenus à 10 h 12.",
  billedMinutes: 30,
  amountMinor: 26250,
  currency: "XOF",
  url: "https://portail.example.org/app/desk/tickets/abc123",
};

export default RemoteHandsPreview;
