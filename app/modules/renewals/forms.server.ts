import { z } from "zod";
import { fields } from "~/utils/forms.server";
import { currencyDecimals, type MessageKey } from "~/i18n";
import { decimalToMinor } from "~/modules/inventory/schemas.server";
import { PRODUCT_KINDS } from "~/modules/inventory/products";
import type { NoticeError, RenewalPriceError } from "./renewals.server";

/**
 * The renewal forms (messages are i18n keys). Money is typed in major units of the site's currency
 * and converted to integer minor units by string arithmetic (`decimalToMinor`).
 */


/** The tenant's notice of non-renewal: the commitment the page showed (a renewal since then refuses it). */
export const GiveNoticeForm = z.object({
  commitmentEndsOn: fields.date(),
});

/** An operator's renewal price for one kind of one contract; an empty price clears it. */
export function renewalPriceForm(currency: string) {
  const decimals = currencyDecimals(currency);
  return z.object({
    contractId: z.uuid({ error: "error.invalid" }),
    commitmentEndsOn: fields.date(),
    kind: fields.choice(PRODUCT_KINDS),
    price: z
      .string()
      .trim()
      .max(40, { error: "error.tooLong" })
      .transform((value, ctx): number | null => {
        if (value === "") return null;
        const result = decimalToMinor(value, decimals);
        if (result.ok) return result.minor;
        ctx.addIssue({ code: "custom", message: result.error });
        return z.NEVER;
      }),
  });
}

/** The contract id alone, read first to find the contract's currency. */
export const RenewalContractField = z.object({ contractId: z.uuid({ error: "error.invalid" }) });

export const noticeFailures: Record<Exclude<NoticeError, "not_found">, { status: number; key: MessageKey }> = {
  not_renewing: { status: 409, key: "renewals.error.not_renewing" },
  already_given: { status: 409, key: "renewals.error.already_given" },
  deadline_passed: { status: 409, key: "renewals.error.deadline_passed" },
  termination_pending: { status: 409, key: "renewals.error.termination_pending" },
  commitment_changed: { status: 409, key: "renewals.error.commitment_changed" },
};

export const priceFailures: Record<RenewalPriceError, { status: number; key: MessageKey }> = {
  not_found: { status: 404, key: "renewals.error.not_found" },
  commitment_changed: { status: 409, key: "renewals.error.commitment_changed" },
  not_renewing: { status: 409, key: "renewals.error.not_renewing" },
  too_late: { status: 409, key: "renewals.error.too_late" },
  no_line: { status: 400, key: "renewals.error.no_line" },
};
