import { z } from "zod";
import { isoDate } from "~/modules/requests/schemas.server";
import { fields } from "~/utils/forms.server";
import { AMENDABLE_KINDS, MAX_AMENDMENT_QUANTITY, type Quantities } from "./amendment-quote";

/** One quantity field of the tenant's change form: a whole number 0 … 10 000. */
const quantity = z
  .string()
  .trim()
  .regex(/^\d{1,6}$/, { error: "amendments.error.quantity" })
  .transform(Number)
  .pipe(z.number().int().min(0, { error: "amendments.error.quantity" }).max(MAX_AMENDMENT_QUANTITY, { error: "amendments.error.quantity" }));

/** The tenant's change form: `effectiveOn`, `details`, and `q_<kind>` per amendable kind. */
export const AmendmentForm = z
  .object({
    effectiveOn: isoDate,
    details: fields.optionalText(2000),
    ...Object.fromEntries(AMENDABLE_KINDS.map((k) => [`q_${k}`, quantity])),
  })
  .transform((v) => {
    const record = v as unknown as Record<string, number>;
    return { effectiveOn: v.effectiveOn, details: v.details, quantities: Object.fromEntries(AMENDABLE_KINDS.map((k) => [k, record[`q_${k}`]])) as Quantities };
  });

/** Quantities from the page's URL (the live availability): each a whole number in range, else the current one. */
export function quantitiesFrom(params: URLSearchParams, current: Quantities): Quantities {
  const out = { ...current };
  for (const k of AMENDABLE_KINDS) {
    const raw = params.get(`q_${k}`);
    if (typeof raw === "string" && /^\d{1,6}$/.test(raw.trim()) && Number(raw) <= MAX_AMENDMENT_QUANTITY) out[k] = Number(raw);
  }
  return out;
}

/** The operator's decision: an optional note for the tenant, or a reason to decline. */
export const AmendmentDecision = z.object({ note: fields.optionalText(1000) });
export const AmendmentRejection = z.object({ reason: fields.text(1000) });
