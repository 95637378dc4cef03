import { z } from "zod";
import { fields, MAX_YEARS_AHEAD } from "~/utils/forms.server";
import { REQUESTABLE_KINDS } from "./quote";

/** A line's quantity: empty means none; at most 100 000 (the `request_lines.quantity` CHECK). */
const quantity = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : "0"))
  .pipe(fields.int(0, 100_000, { format: "requests.error.quantity", range: "requests.error.quantity" }));

/** A start date: a real day between 2000 and 2100, at most three years ahead. */
const isoDate = fields.date({ maxYearsAhead: MAX_YEARS_AHEAD, invalid: "requests.error.date" });
/** A date without the "three years ahead" cap (a termination of a contract that starts later). */
const anyDate = fields.date({ invalid: "requests.error.date" });

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
  endOn: anyDate,
  details: fields.optionalText(2000),
});

export { isoDate };
