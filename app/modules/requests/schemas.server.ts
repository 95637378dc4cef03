import { z } from "zod";
import { fields } from "~/utils/forms.server";
import { REQUESTABLE_KINDS } from "./quote";

const quantity = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : "0"))
  .pipe(z.string().regex(/^\d{1,6}$/, { error: "requests.error.quantity" }))
  .transform(Number);

const isoDate = z.string({ error: "error.required" }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: "requests.error.date" }).refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
  error: "requests.error.date",
});

/** The new-request form: one quantity field per requestable product kind (`qty_rack_unit`, …). */
export const NewRequestForm = z
  .object({
    siteId: z.uuid({ error: "requests.error.site" }),
    desiredStartOn: isoDate,
    termMonths: z.enum(["12", "24", "36"], { error: "error.invalidChoice" }).transform(Number),
    notes: fields.optionalText(2000),
    ...Object.fromEntries(REQUESTABLE_KINDS.map((k) => [`qty_${k}`, quantity])),
  })
  .transform((v) => {
    const record = v as unknown as Record<string, unknown>;
    return {
      siteId: v.siteId,
      desiredStartOn: v.desiredStartOn,
      termMonths: v.termMonths as 12 | 24 | 36,
      notes: v.notes,
      lines: REQUESTABLE_KINDS.map((kind) => ({ kind, quantity: record[`qty_${kind}`] as number })).filter((l) => l.quantity > 0),
    };
  });
export type NewRequestInput = z.output<typeof NewRequestForm>;

export const RejectForm = z.object({ reason: fields.text(1000) });

export const TerminationForm = z.object({
  endOn: isoDate,
  details: fields.optionalText(2000),
});

export { isoDate };
