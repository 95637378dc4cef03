import { Text } from "@react-email/components";
import { formatDate, type Locale } from "~/i18n";
import { EmailLayout, detailStyles } from "./layout";
import { copyFor } from "./messages";
import { QuotedText } from "./quoted-text";
import { AMENDMENT_TEMPLATES, type AmendmentTemplate } from "./amendment-messages";

export { AMENDMENT_TEMPLATES, type AmendmentTemplate };

/** An amendment asked for (to the operators), approved or declined (to the tenant's owners and admins). */
export interface AmendmentMailProps {
  orgName: string;
  siteName: string;
  contractRef: string;
  /** YYYY-MM-DD: first day of the new quantities. */
  effectiveOn: string;
  /** One line per changed kind, already in the reader's language ("Puissance engagée (kW) : 2 → 4"). */
  changes: string[];
  /** Free text: the tenant's details, the operator's note or reason. Shown quoted, escaped. */
  text?: string | null;
  url: string;
}

export const amendmentVars = (locale: Locale, props: AmendmentMailProps) => ({
  orgName: props.orgName,
  siteName: props.siteName,
  contractRef: props.contractRef,
  effectiveOn: props.effectiveOn ? formatDate(props.effectiveOn, locale) : "",
});

function component(template: AmendmentTemplate) {
  function AmendmentEmail({ locale, ...props }: AmendmentMailProps & { locale: Locale }) {
    const copy = copyFor(template, locale, amendmentVars(locale, props));
    return (
      <EmailLayout locale={locale} url={props.url} copy={copy}>
        {props.changes.map((line, i) => (
          <Text key={i} style={detailStyles.quote}>
            {line}
          </Text>
        ))}
        {props.text?.trim() ? <QuotedText label={copy.detailLabel} text={props.text} /> : null}
      </EmailLayout>
    );
  }
  return AmendmentEmail;
}

/** The template entries, for `templates` in index.ts. */
export const amendmentTemplates = Object.fromEntries(AMENDMENT_TEMPLATES.map((template) => [template, { Component: component(template), vars: amendmentVars }])) as Record<
  AmendmentTemplate,
  { Component: ReturnType<typeof component>; vars: typeof amendmentVars }
>;

export const AmendmentPreview = component("amendment_applied");
(AmendmentPreview as unknown as { PreviewProps: unknown }).PreviewProps = {
  locale: "fr",
  orgName: "Kossi Digital SARL",
  siteName: "Lomé Data Centre",
  contractRef: "3F2A9C1D",
  effectiveOn: "2027-03-15",
  changes: ["Puissance engagée (kW) : 2 → 4"],
  url: "https://portail.example.org/app/services/abc123",
};

export default AmendmentPreview;
