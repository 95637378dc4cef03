import { formatDate, formatMoney, type Locale } from "~/i18n";
import { detailStyles, EmailLayout } from "./layout";
import { copyFor, fill } from "./messages";
import { RENEWAL_TEMPLATES, renewalLabels, type RenewalTemplate } from "./renewal-messages";

export { RENEWAL_TEMPLATES, type RenewalTemplate };

/**
 * Every renewal e-mail (app/modules/renewals/renewals.server.ts): the 90/60/30-day notices to the
 * tenant's owners and admins and to the operators, and the notice of non-renewal given.
 */
export interface RenewalMailProps {
  orgName: string;
  siteName: string;
  contractRef: string;
  /** YYYY-MM-DD: last day of the commitment in force. */
  commitmentEndsOn: string;
  /** YYYY-MM-DD: the end of the next commitment if it renews. */
  renewedUntil: string;
  termMonths: number;
  /** YYYY-MM-DD: the last day the tenant may give notice of non-renewal. */
  deadlineOn: string;
  /** The site's day the message was written (decides whether the deadline has passed). */
  today: string;
  /** 90, 60 or 30 (notices). */
  daysBefore?: number | null;
  /** Who gave notice of non-renewal. */
  givenBy?: string | null;
  /** New prices announced for the renewal (minor units of `currency`); empty = unchanged. */
  prices?: { nameFr: string; nameEn: string; quantity: number; currentMinor: number; nextMinor: number }[];
  currency: string;
  url: string;
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export const renewalVars = (locale: Locale, props: RenewalMailProps) => {
  const labels = renewalLabels[locale];
  const base = {
    orgName: props.orgName,
    siteName: props.siteName,
    contractRef: props.contractRef,
    commitmentEndsOn: formatDate(props.commitmentEndsOn, locale),
    renewsOn: formatDate(nextDay(props.commitmentEndsOn), locale),
    renewedUntil: formatDate(props.renewedUntil, locale),
    termMonths: props.termMonths,
    deadlineOn: formatDate(props.deadlineOn, locale),
    days: props.daysBefore ?? "",
    givenBy: props.givenBy ?? "",
  };
  return {
    ...base,
    deadlineLine: fill(props.today <= props.deadlineOn ? labels.deadlineAhead : labels.deadlinePassed, base),
    pricesLine: fill(props.prices?.length ? labels.pricesNew : labels.pricesNone, base),
  };
};

function component(template: RenewalTemplate) {
  function RenewalEmail({ locale, ...props }: RenewalMailProps & { locale: Locale }) {
    const copy = copyFor(template, locale, renewalVars(locale, props));
    const labels = renewalLabels[locale];
    const prices = props.prices ?? [];
    return (
      <EmailLayout locale={locale} url={props.url} copy={copy}>
        {prices.length > 0 && (template === "renewal_notice" || template === "renewal_notice_ops") ? (
          <table data-text-table="true" cellPadding={0} cellSpacing={0} border={0} style={detailStyles.table}>
            <thead>
              <tr>
                <th style={detailStyles.th}>{labels.item}</th>
                <th style={detailStyles.thNumber}>{labels.quantity}</th>
                <th style={detailStyles.thNumber}>{labels.current}</th>
                <th style={detailStyles.thNumber}>{labels.next}</th>
              </tr>
            </thead>
            <tbody>
              {prices.map((p) => (
                <tr key={p.nameEn}>
                  <td style={detailStyles.td}>{locale === "en" ? p.nameEn : p.nameFr}</td>
                  <td style={detailStyles.tdNumber}>{p.quantity > 0 ? p.quantity : "—"}</td>
                  <td style={detailStyles.tdNumber}>{formatMoney(p.currentMinor, props.currency, locale)}</td>
                  <td style={detailStyles.tdNumber}>{formatMoney(p.nextMinor, props.currency, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </EmailLayout>
    );
  }
  return RenewalEmail;
}

/** The template entries, for `templates` in index.ts. */
export const renewalTemplates = Object.fromEntries(RENEWAL_TEMPLATES.map((template) => [template, { Component: component(template), vars: renewalVars }])) as Record<
  RenewalTemplate,
  { Component: ReturnType<typeof component>; vars: typeof renewalVars }
>;

export const RenewalPreview = component("renewal_notice");
(RenewalPreview as unknown as { PreviewProps: unknown }).PreviewProps = {
  locale: "fr",
  orgName: "Kossi Digital SARL",
  siteName: "Lomé Data Centre",
  contractRef: "3F2A9C1D",
  commitmentEndsOn: "2027-03-16",
  renewedUntil: "2028-03-16",
  termMonths: 12,
  deadlineOn: "2027-02-14",
  today: "2026-12-16",
  daysBefore: 90,
  prices: [{ nameFr: "Unité de baie (1U)", nameEn: "Rack unit (1U)", quantity: 4, currentMinor: 25_000, nextMinor: 27_500 }],
  currency: "XOF",
  url: "https://portail.example.org/app/services/abc123",
};

export default RenewalPreview;
