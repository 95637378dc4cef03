import { formatDate, type Locale } from "~/i18n";
import { EmailLayout } from "./layout";
import { copyFor } from "./messages";
import { QuotedText } from "./quoted-text";
import { DELIVERY_TEMPLATES, type DeliveryTemplate } from "./delivery-messages";

export { DELIVERY_TEMPLATES, type DeliveryTemplate };

/** Every delivery e-mail (to the tenant): one delivery, one step. */
export interface DeliveryMailProps {
  /** DL-1A2B3C4D */
  ref: string;
  siteName: string;
  orgName: string;
  carrier: string;
  trackingNumber: string;
  /** Parcels received (announced before receipt). */
  parcels: number;
  rackName?: string | null;
  /** YYYY-MM-DD: the last day the parcels may stay at the site. */
  date?: string | null;
  /** Free text typed by an operator (a damage note). Shown quoted, escaped. */
  text?: string | null;
  url: string;
}

export const deliveryVars = (locale: Locale, props: DeliveryMailProps) => ({
  ref: props.ref,
  siteName: props.siteName,
  orgName: props.orgName,
  carrier: props.carrier,
  trackingNumber: props.trackingNumber,
  parcels: String(props.parcels),
  rackName: props.rackName ?? "",
  date: props.date ? formatDate(props.date, locale) : "",
});

function component(template: DeliveryTemplate) {
  function DeliveryEmail({ locale, ...props }: DeliveryMailProps & { locale: Locale }) {
    const copy = copyFor(template, locale, deliveryVars(locale, props));
    return (
      <EmailLayout locale={locale} url={props.url} copy={copy}>
        {props.text?.trim() ? <QuotedText label={copy.detailLabel} text={props.text} /> : null}
      </EmailLayout>
    );
  }
  return DeliveryEmail;
}

/** The template entries, for `templates` in index.ts. */
export const deliveryTemplates = Object.fromEntries(DELIVERY_TEMPLATES.map((template) => [template, { Component: component(template), vars: deliveryVars }])) as Record<
  DeliveryTemplate,
  { Component: ReturnType<typeof component>; vars: typeof deliveryVars }
>;

export const DeliveryPreview = component("delivery_received_damaged");
(DeliveryPreview as unknown as { PreviewProps: unknown }).PreviewProps = {
  locale: "fr",
  ref: "DL-3F2A9C1D",
  siteName: "Lomé Data Centre",
  orgName: "Kossi Digital",
  carrier: "DHL Express",
  trackingNumber: "1234567890",
  parcels: 3,
  date: "2026-03-15",
  text: "Un carton enfoncé sur un angle.",
  url: "https://portail.example.org/app/desk/deliveries/abc123",
};

export default DeliveryPreview;
