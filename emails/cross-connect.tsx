import { formatDate, type Locale } from "~/i18n";
import { EmailLayout } from "./layout";
import { copyFor } from "./messages";
import { QuotedText } from "./quoted-text";
import { CROSS_CONNECT_TEMPLATES, type CrossConnectTemplate } from "./cross-connect-messages";

export { CROSS_CONNECT_TEMPLATES, type CrossConnectTemplate };

/** Every cross-connect e-mail (to either tenant or to the operators): one order, one event. */
export interface CrossConnectMailProps {
  /** XC-1A2B3C4D (not `ref`: React keeps that prop for itself and the body never got it). */
  reference: string;
  siteName: string;
  /** The organisation that ordered (A side). */
  aOrgName: string;
  /** The carrier or the other organisation (Z side). */
  zName: string;
  media: "smf" | "mmf" | "cat6";
  /** YYYY-MM-DD: the installation or removal day. */
  date?: string | null;
  /** Free text typed by someone: a reason, a test result. Shown quoted, escaped. */
  text?: string | null;
  /** Who acted (cancelled, asked for the removal). */
  actorName?: string | null;
  url: string;
}

const MEDIA = { smf: "SMF", mmf: "MMF", cat6: "Cat6" } as const;

export const crossConnectVars = (locale: Locale, props: CrossConnectMailProps) => ({
  ref: props.reference,
  siteName: props.siteName,
  aOrgName: props.aOrgName,
  zName: props.zName,
  media: MEDIA[props.media],
  date: props.date ? formatDate(props.date, locale) : "",
  actorName: props.actorName ?? "",
});

/** The component of one cross-connect template (they share the layout and differ by their words). */
function component(template: CrossConnectTemplate) {
  function CrossConnectEmail({ locale, ...props }: CrossConnectMailProps & { locale: Locale }) {
    const copy = copyFor(template, locale, crossConnectVars(locale, props));
    return (
      <EmailLayout locale={locale} url={props.url} copy={copy}>
        {props.text?.trim() ? <QuotedText label={copy.detailLabel} text={props.text} /> : null}
      </EmailLayout>
    );
  }
  return CrossConnectEmail;
}

/** The template entries, for `templates` in index.ts. */
export const crossConnectTemplates = Object.fromEntries(
  CROSS_CONNECT_TEMPLATES.map((template) => [template, { Component: component(template), vars: crossConnectVars }]),
) as Record<CrossConnectTemplate, { Component: ReturnType<typeof component>; vars: typeof crossConnectVars }>;

export const CrossConnectPreview = component("cross_connect_incoming");
(CrossConnectPreview as unknown as { PreviewProps: unknown }).PreviewProps = {
  locale: "fr",
  reference: "XC-3F2A9C1D",
  siteName: "Lomé Data Centre",
  aOrgName: "Kossi Digital",
  zName: "Togo Cloud SARL",
  media: "smf",
  url: "https://portail.example.org/app/cross-connects/abc123",
};

export default CrossConnectPreview;
