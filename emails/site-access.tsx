import { formatDate, type Locale } from "~/i18n";
import { EmailLayout } from "./layout";
import { copyFor } from "./messages";
import { QuotedText } from "./quoted-text";
import { SITE_ACCESS_TEMPLATES, type SiteAccessTemplate } from "./site-access-messages";

export { SITE_ACCESS_TEMPLATES, type SiteAccessTemplate };

/** Every site-access e-mail: one visit (or one badge holder), one event. Identity numbers arrive masked. */
export interface SiteAccessMailProps {
  /** VI-1A2B3C4D (empty for a badge). Not `ref`: React keeps that prop for itself. */
  visitRef: string;
  siteName: string;
  orgName: string;
  /** The visitor or the badge holder. */
  personName: string;
  company: string;
  idDocType: "national_id" | "passport" | "driving_licence" | "other";
  /** Masked (`•••••1234`), or null once purged. Never the number in full. */
  idNumberMasked: string | null;
  /** YYYY-MM-DD: the visit's day, or the badge's last valid day. */
  date: string;
  windowStart?: string | null;
  windowEnd?: string | null;
  escortNeeded?: boolean | null;
  /** A badge reminder: 30 or 7. */
  daysBefore?: number | null;
  /** Free text typed by an operator (a refusal reason). Shown quoted, escaped. */
  text?: string | null;
  url: string;
}

const DOC = {
  fr: { national_id: "carte nationale d’identité", passport: "passeport", driving_licence: "permis de conduire", other: "autre pièce" },
  en: { national_id: "national ID card", passport: "passport", driving_licence: "driving licence", other: "other document" },
} as const;
const ESCORT = {
  fr: { yes: "Un accompagnement par le personnel du site est demandé.", no: "" },
  en: { yes: "An escort by the site's staff is requested.", no: "" },
} as const;

export const siteAccessVars = (locale: Locale, props: SiteAccessMailProps) => ({
  ref: props.visitRef,
  siteName: props.siteName,
  orgName: props.orgName,
  personName: props.personName,
  company: props.company,
  idDoc: `${DOC[locale][props.idDocType]} ${props.idNumberMasked ?? "—"}`,
  date: formatDate(props.date, locale),
  window: props.windowStart && props.windowEnd ? `${props.windowStart}–${props.windowEnd}` : "",
  escort: ESCORT[locale][props.escortNeeded ? "yes" : "no"],
  daysBefore: props.daysBefore ?? "",
});

function component(template: SiteAccessTemplate) {
  function SiteAccessEmail({ locale, ...props }: SiteAccessMailProps & { locale: Locale }) {
    const copy = copyFor(template, locale, siteAccessVars(locale, props));
    return (
      <EmailLayout locale={locale} url={props.url} copy={copy}>
        {props.text?.trim() ? <QuotedText label={copy.detailLabel} text={props.text} /> : null}
      </EmailLayout>
    );
  }
  return SiteAccessEmail;
}

/** The template entries, for `templates` in index.ts. */
export const siteAccessTemplates = Object.fromEntries(
  SITE_ACCESS_TEMPLATES.map((template) => [template, { Component: component(template), vars: siteAccessVars }]),
) as Record<SiteAccessTemplate, { Component: ReturnType<typeof component>; vars: typeof siteAccessVars }>;

export const SiteAccessPreview = component("site_access_approved");
(SiteAccessPreview as unknown as { PreviewProps: unknown }).PreviewProps = {
  locale: "fr",
  visitRef: "VI-3F2A9C1D",
  siteName: "Lomé Data Centre",
  orgName: "Kossi Digital",
  personName: "Afi Mensah",
  company: "Kossi Digital",
  idDocType: "national_id",
  idNumberMasked: "•••••4521",
  date: "2026-12-03",
  windowStart: "09:00",
  windowEnd: "12:00",
  escortNeeded: true,
  url: "https://portail.example.org/app/desk/visits/abc123",
};

export default SiteAccessPreview;
