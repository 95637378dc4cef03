import type { CSSProperties } from "react";
import { formatDate, formatMoney, type Locale } from "~/i18n";
import { detailStyles, EmailLayout } from "./layout";
import { copyFor, reminderLabels } from "./messages";

/**
 * A payment reminder (the daily reminders job, app/modules/payments/reminders.server.ts), sent to
 * the organisation's billing address and its billing and owner members with its statement of
 * account attached. One component, three tones (three templates, three copies in messages.ts):
 * `payment_reminder_upcoming` before the due date (friendly), `payment_reminder_overdue` after it,
 * `payment_reminder_final` from 30 days late (firm).
 */
export type ReminderTone = "upcoming" | "overdue" | "final";

export interface PaymentReminderProps {
  orgName: string;
  siteName: string;
  number: string;
  /** What is left to pay on the invoice (its balance). */
  balanceMinor: number;
  totalMinor: number;
  currency: string;
  /** YYYY-MM-DD */
  dueOn: string;
  /** The site's day of the reminder minus the due date: negative = days left, positive = days late. */
  daysFromDue: number;
  paymentReference: string;
  /** Where to pay: the site's legal entity's bank and mobile-money details (as printed on invoices). */
  payee: { legalName: string; bankName: string | null; bankAccount: string | null; swift: string | null; mobileMoney: string[] };
  /** The statement of account is attached as a PDF. */
  statementAttached: boolean;
  url: string;
}

export const reminderTone = (daysFromDue: number): ReminderTone => (daysFromDue <= 0 ? "upcoming" : daysFromDue >= 30 ? "final" : "overdue");

const days = (n: number, locale: Locale) => new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-GB", { style: "unit", unit: "day", unitDisplay: "long" }).format(n);
const relativeDays = (n: number, locale: Locale) => new Intl.RelativeTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", { numeric: "auto" }).format(n, "day");

export const paymentReminderVars = (locale: Locale, props: PaymentReminderProps) => ({
  orgName: props.orgName,
  siteName: props.siteName,
  number: props.number,
  balance: formatMoney(props.balanceMinor, props.currency, locale),
  total: formatMoney(props.totalMinor, props.currency, locale),
  dueOn: formatDate(props.dueOn, locale),
  paymentReference: props.paymentReference,
  /** "in 3 days", "today" (before the due date). */
  dueIn: relativeDays(Math.max(0, -props.daysFromDue), locale),
  /** "7 days" (after it). */
  daysLate: days(Math.max(0, props.daysFromDue), locale),
  payee: props.payee.legalName,
  statement: props.statementAttached ? reminderLabels[locale].statementAttached : "",
});

/** Labels stay on one line; values (an IBAN, mobile-money numbers) may wrap. */
const cell = {
  label: { ...detailStyles.td, whiteSpace: "nowrap", paddingRight: "16px" },
  value: { ...detailStyles.td, textAlign: "right" },
} satisfies Record<string, CSSProperties>;

const templateOf = (tone: ReminderTone) => `payment_reminder_${tone}` as const;

export function PaymentReminder({ locale, ...props }: PaymentReminderProps & { locale: Locale }) {
  const vars = paymentReminderVars(locale, props);
  const copy = copyFor(templateOf(reminderTone(props.daysFromDue)), locale, vars);
  const labels = reminderLabels[locale];
  const rows: [string, string][] = [
    [labels.invoice, vars.number],
    [labels.total, vars.total],
    [labels.balance, vars.balance],
    [labels.dueOn, vars.dueOn],
    props.daysFromDue > 0 ? [labels.daysLate, vars.daysLate] : [labels.daysLeft, vars.dueIn],
    [labels.reference, vars.paymentReference],
    [labels.payee, props.payee.legalName],
  ];
  if (props.payee.bankName) rows.push([labels.bank, props.payee.bankName]);
  if (props.payee.bankAccount) rows.push([labels.account, props.payee.bankAccount]);
  if (props.payee.swift) rows.push([labels.swift, props.payee.swift]);
  if (props.payee.mobileMoney.length) rows.push([labels.mobileMoney, props.payee.mobileMoney.join(" · ")]);
  return (
    <EmailLayout locale={locale} url={props.url} copy={copy}>
      {/* data-text-table: the plain-text version keeps this as a two-column table. */}
      <table data-text-table="true" cellPadding={0} cellSpacing={0} border={0} style={detailStyles.table}>
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <td style={cell.label}>{label}</td>
              <td style={cell.value}>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </EmailLayout>
  );
}


PaymentReminder.PreviewProps = {
  locale: "fr",
  orgName: "Togo Cloud SARL",
  siteName: "Lomé Data Centre",
  number: "LDC-2026-000042",
  balanceMinor: 1345200,
  totalMinor: 1345200,
  currency: "XOF",
  dueOn: "2026-11-25",
  daysFromDue: 7,
  paymentReference: "LDC-7K3Q9X",
  payee: { legalName: "Lomé Data Centre SA", bankName: "Ecobank Togo", bankAccount: "TG005 01001 012345678901 23", swift: "ECOCTGTG", mobileMoney: ["Flooz 99 00 00 00", "T-Money 90 00 00 00"] },
  statementAttached: true,
  url: "https://portail.example.org/app/invoices/abc123",
};

export default PaymentReminder;
