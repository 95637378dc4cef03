import { createElement, type ComponentType } from "react";
import { plainTextSelectors, render, toPlainText } from "@react-email/render";
import type { Locale } from "~/i18n";
import { copyFor, type EmailVars } from "./messages";
import { VerifyEmail, verifyEmailVars, type VerifyEmailProps } from "./verify-email";
import { Invitation, invitationVars, type InvitationProps } from "./invitation";
import { PasswordReset, passwordResetVars, type PasswordResetProps } from "./password-reset";
import { RequestReceived, requestReceivedVars, type RequestReceivedProps } from "./request-received";
import { RequestApproved, requestApprovedVars, type RequestApprovedProps } from "./request-approved";
import { RequestRejected, requestRejectedVars, type RequestRejectedProps } from "./request-rejected";
import { RequestCancelled, requestCancelledVars, type RequestCancelledProps } from "./request-cancelled";
import { OrgVerified, orgVerifiedVars, type OrgVerifiedProps } from "./org-verified";
import { OrgSuspended, orgSuspendedVars, type OrgSuspendedProps } from "./org-suspended";
import { TerminationRequested, terminationRequestedVars, type TerminationRequestedProps } from "./termination-requested";
import { TerminationApplied, terminationAppliedVars, type TerminationAppliedProps } from "./termination-applied";
import { InvoiceIssued, invoiceIssuedVars, type InvoiceIssuedProps } from "./invoice-issued";
import { PaymentReceived, paymentReceivedVars, type PaymentReceivedProps } from "./payment-received";
import { PaymentReminder, paymentReminderVars, type PaymentReminderProps } from "./payment-reminder";
import { amendmentTemplates, type AmendmentMailProps, type AmendmentTemplate } from "./amendment";
import { crossConnectTemplates, type CrossConnectMailProps, type CrossConnectTemplate } from "./cross-connect";
import { renewalTemplates, type RenewalMailProps, type RenewalTemplate } from "./renewal";
import { remoteHandsTemplates, type RemoteHandsMailProps, type RemoteHandsTemplate } from "./remote-hands";
import { siteAccessTemplates, type SiteAccessMailProps, type SiteAccessTemplate } from "./site-access";
import { deliveryTemplates, type DeliveryMailProps, type DeliveryTemplate } from "./delivery";

/**
 * Every e-mail the portal sends. To add one: write `emails/<name>.tsx` (component + vars),
 * add its copy to `messages.ts`, one member here and one entry in `templates` below.
 */
export type EmailMessage =
  | { template: "verify_email"; props: VerifyEmailProps }
  | { template: "invitation"; props: InvitationProps }
  | { template: "password_reset"; props: PasswordResetProps }
  | { template: "request_received"; props: RequestReceivedProps }
  | { template: "request_approved"; props: RequestApprovedProps }
  | { template: "request_rejected"; props: RequestRejectedProps }
  | { template: "request_cancelled"; props: RequestCancelledProps }
  | { template: "org_verified"; props: OrgVerifiedProps }
  | { template: "org_suspended"; props: OrgSuspendedProps }
  | { template: "termination_requested"; props: TerminationRequestedProps }
  | { template: "termination_applied"; props: TerminationAppliedProps }
  | { template: "invoice_issued"; props: InvoiceIssuedProps }
  | { template: "payment_received"; props: PaymentReceivedProps }
  | { template: "payment_reminder_upcoming"; props: PaymentReminderProps }
  | { template: "payment_reminder_overdue"; props: PaymentReminderProps }
  | { template: "payment_reminder_final"; props: PaymentReminderProps }
  | { [T in CrossConnectTemplate]: { template: T; props: CrossConnectMailProps } }[CrossConnectTemplate]
  | { [T in AmendmentTemplate]: { template: T; props: AmendmentMailProps } }[AmendmentTemplate]
  | { [T in RenewalTemplate]: { template: T; props: RenewalMailProps } }[RenewalTemplate]
  | { [T in RemoteHandsTemplate]: { template: T; props: RemoteHandsMailProps } }[RemoteHandsTemplate]
  | { [T in SiteAccessTemplate]: { template: T; props: SiteAccessMailProps } }[SiteAccessTemplate]
  | { [T in DeliveryTemplate]: { template: T; props: DeliveryMailProps } }[DeliveryTemplate];

export type EmailTemplate = EmailMessage["template"];
export type EmailProps<T extends EmailTemplate> = Extract<EmailMessage, { template: T }>["props"];

interface TemplateEntry<P> {
  Component: ComponentType<P & { locale: Locale }>;
  /** The placeholder values for the copy (subject included). */
  vars: (locale: Locale, props: P) => EmailVars;
}

const templates: { [T in EmailTemplate]: TemplateEntry<EmailProps<T>> } = {
  verify_email: { Component: VerifyEmail, vars: verifyEmailVars },
  invitation: { Component: Invitation, vars: invitationVars },
  password_reset: { Component: PasswordReset, vars: passwordResetVars },
  request_received: { Component: RequestReceived, vars: requestReceivedVars },
  request_approved: { Component: RequestApproved, vars: requestApprovedVars },
  request_rejected: { Component: RequestRejected, vars: requestRejectedVars },
  request_cancelled: { Component: RequestCancelled, vars: requestCancelledVars },
  org_verified: { Component: OrgVerified, vars: orgVerifiedVars },
  org_suspended: { Component: OrgSuspended, vars: orgSuspendedVars },
  termination_requested: { Component: TerminationRequested, vars: terminationRequestedVars },
  termination_applied: { Component: TerminationApplied, vars: terminationAppliedVars },
  invoice_issued: { Component: InvoiceIssued, vars: invoiceIssuedVars },
  payment_received: { Component: PaymentReceived, vars: paymentReceivedVars },
  payment_reminder_upcoming: { Component: PaymentReminder, vars: paymentReminderVars },
  payment_reminder_overdue: { Component: PaymentReminder, vars: paymentReminderVars },
  payment_reminder_final: { Component: PaymentReminder, vars: paymentReminderVars },
  ...crossConnectTemplates,
  ...amendmentTemplates,
  ...renewalTemplates,
  ...remoteHandsTemplates,
  ...siteAccessTemplates,
  ...deliveryTemplates,
};

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Render one message in one locale: the subject line, the HTML body and its plain-text twin. */
export async function renderEmail(locale: Locale, message: EmailMessage): Promise<RenderedEmail> {
  const entry = templates[message.template] as TemplateEntry<EmailMessage["props"]>;
  const subject = copyFor(message.template, locale, entry.vars(locale, message.props)).subject;
  // React 18's streaming renderer can leak NUL bytes at its 2 KB buffer boundaries when a
  // multi-byte character lands there; mail clients (Gmail) truncate the HTML at a NUL, and
  // PostgreSQL refuses it in a text column. The characters themselves are not lost: strip them.
  const html = (await render(createElement(entry.Component, { ...message.props, locale }))).replaceAll("\u0000", "");
  // Same as render(el, { plainText: true }) (deprecated in @react-email/render 1.x) without rendering twice,
  // plus: tables marked data-text-table (a template's details) keep their rows and columns in the text.
  const text = toPlainText(html, { selectors: textSelectors });
  return { subject: oneLine(subject), html, text };
}

const textSelectors = [
  ...plainTextSelectors,
  { selector: "table[data-text-table=true]", format: "dataTable", options: { uppercaseHeaderCells: false } },
];

/** A subject is one header line: user-supplied names must not smuggle line breaks into it. */
function oneLine(value: string) {
  return value.replace(/[\r\n\t]+/g, " ").replace(/\s{2,}/g, " ").trim();
}

export const EMAIL_TEMPLATES = Object.keys(templates) as EmailTemplate[];
