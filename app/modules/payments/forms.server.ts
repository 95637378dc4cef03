/**
 * The finance forms of payments: record (with an editable allocation), reverse, undo an allocation,
 * apply credit, refund. Zod schemas whose messages are i18n keys, and the mapping of the module's
 * error codes to a field, a message and a status. Amounts are typed in major units of the currency
 * and become integer minor units by string arithmetic (`amountField`), never through a float.
 */
import { z } from "zod";
import { fields } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import type { MessageKey } from "~/i18n";
import { amountField } from "~/modules/billing/ops-forms.server";
import { PAYMENT_CURRENCIES, PAYMENT_METHODS, type PaymentError } from "./payments.server";

export const CurrencyChoice = z.object({ currency: fields.choice(PAYMENT_CURRENCIES) });

/** Who pays and in which currency: the first step of the form (from the query string too). */
export const PayerChoice = z.object({ org: z.uuid({ error: "payments.error.org" }), currency: fields.choice(PAYMENT_CURRENCIES) });

const ALLOC_PREFIX = "alloc.";

/** The payment fields; the allocation (`mode` and `alloc.<invoice id>` amounts) is read by `allocationsFrom`. */
export function recordPaymentForm(currency: string) {
  return z.object({
    org: z.uuid({ error: "payments.error.org" }),
    currency: fields.choice(PAYMENT_CURRENCIES),
    amount: amountField(currency),
    method: fields.choice(PAYMENT_METHODS),
    reference: fields.text(200),
    payer: fields.optionalText(200),
    receivedOn: fields.date(),
    mode: z.enum(["auto", "manual"], { error: "error.invalidChoice" }),
  });
}

/** `alloc.<invoice id>` fields of the form → allocation rows (empty or 0: none), or field errors. */
export function allocationsFrom(values: Record<string, string>, currency: string): { ok: true; rows: { invoiceId: string; amountMinor: number }[] } | { ok: false; errors: FieldErrors } {
  const rows: { invoiceId: string; amountMinor: number }[] = [];
  const errors: FieldErrors = {};
  const amount = amountField(currency);
  for (const [name, raw] of Object.entries(values)) {
    if (!name.startsWith(ALLOC_PREFIX)) continue;
    const invoiceId = name.slice(ALLOC_PREFIX.length);
    const text = raw.trim();
    if (!text || /^0+(?:[.,]0*)?$/.test(text)) continue;
    const parsed = amount.safeParse(text);
    if (!z.uuid().safeParse(invoiceId).success) errors.form = "error.invalid";
    else if (!parsed.success) errors[name] = (parsed.error.issues[0]?.message as MessageKey) ?? "error.invalid";
    else rows.push({ invoiceId, amountMinor: parsed.data });
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, rows };
}

export const ReverseForm = z.object({ reason: fields.text(1000), reversedOn: fields.date() });
export const UndoForm = z.object({ allocation: z.uuid({ error: "error.invalid" }) });

export function refundForm(currency: string) {
  return z.object({
    currency: fields.choice(PAYMENT_CURRENCIES),
    refundAmount: amountField(currency),
    refundedOn: fields.date(),
    refundMethod: fields.choice(PAYMENT_METHODS),
    refundReference: fields.text(200),
    refundReason: fields.text(1000),
  });
}

/** Each PaymentError: the field it belongs to (none: a form-level message), its message and status. */
export const PAYMENT_ERRORS: Record<PaymentError, { field?: string; key: MessageKey; status: 400 | 404 | 409 }> = {
  org_not_found: { field: "org", key: "payments.error.org", status: 400 },
  bad_amount: { field: "amount", key: "payments.error.amount", status: 400 },
  bad_reference: { field: "reference", key: "payments.error.reference", status: 400 },
  bad_payer: { field: "payer", key: "errors.invalidCharacters", status: 400 },
  bad_date: { field: "receivedOn", key: "payments.error.date", status: 400 },
  duplicate_reference: { field: "reference", key: "payments.error.duplicateReference", status: 409 },
  duplicate_external: { key: "payments.error.duplicateExternal", status: 409 },
  invoice_not_open: { key: "payments.error.invoiceNotOpen", status: 409 },
  allocation_exceeds_invoice: { key: "payments.error.exceedsInvoice", status: 409 },
  allocations_exceed_amount: { field: "amount", key: "payments.error.exceedsAmount", status: 400 },
  payment_not_found: { key: "payments.error.paymentNotFound", status: 404 },
  already_reversed: { key: "payments.error.alreadyReversed", status: 409 },
  refunded: { key: "payments.error.refunded", status: 409 },
  bad_reason: { field: "reason", key: "payments.error.reason", status: 400 },
  credit_insufficient: { field: "refundAmount", key: "payments.error.creditInsufficient", status: 409 },
  allocation_not_found: { key: "payments.error.allocationNotFound", status: 409 },
};
