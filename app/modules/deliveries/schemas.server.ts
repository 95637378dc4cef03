import { z } from "zod";
import { fields } from "~/utils/forms.server";
import { MAX_PARCELS } from "./shared";

/**
 * The delivery forms, with i18n keys as messages. One-line fields refuse every control character
 * (tabs, line breaks, the Unicode line and paragraph separators included), as the database's CHECKs
 * do; parcel counts are whole numbers within the column's limit (1–999).
 */
const ONE_LINE_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const line = (max: number) => fields.text(max).refine((v) => !ONE_LINE_CONTROLS.test(v), { error: "errors.invalidCharacters" });
const optionalLine = (max: number) =>
  fields
    .optionalText(max)
    .refine((v) => v === undefined || !ONE_LINE_CONTROLS.test(v), { error: "errors.invalidCharacters" });
const parcels = () => fields.int(1, MAX_PARCELS, { range: "deliveries.error.parcelsRange" });
const optionalId = () =>
  z
    .string()
    .trim()
    .max(64, { error: "error.invalidChoice" })
    .optional()
    .transform((v) => (v ? v : undefined));

export const AnnounceForm = z.object({
  siteId: z.string({ error: "error.invalidChoice" }).trim().min(1, { error: "error.invalidChoice" }).max(64, { error: "error.invalidChoice" }),
  rackId: optionalId(),
  carrier: line(80),
  trackingNumber: line(100),
  parcels: parcels(),
  expectedOn: fields.date(),
  purpose: line(500),
  clientKey: optionalId(),
});

export const ReceiveForm = z
  .object({
    parcelsReceived: parcels(),
    condition: fields.choice(["good", "damaged"] as const),
    damageNote: optionalLine(1000),
  })
  .superRefine((v, ctx) => {
    if (v.condition === "damaged" && !v.damageNote) ctx.addIssue({ code: "custom", path: ["damageNote"], message: "deliveries.error.damageNoteRequired" });
  })
  .transform((v) => ({ ...v, damageNote: v.condition === "damaged" ? v.damageNote : undefined }));

export const KeepDaysForm = z.object({ parcelKeepDays: fields.int(1, 365, { range: "deliveries.error.keepDaysRange" }) });

export const StoreForm = z.object({ storageLocation: optionalLine(100) });

/** A parcel nobody announced, recorded by an operator on arrival. */
export const UnannouncedForm = z
  .object({
    orgId: z.string({ error: "error.invalidChoice" }).trim().min(1, { error: "error.invalidChoice" }).max(64, { error: "error.invalidChoice" }),
    carrier: line(80),
    trackingNumber: line(100),
    purpose: line(500),
    parcelsReceived: parcels(),
    condition: fields.choice(["good", "damaged"] as const),
    damageNote: optionalLine(1000),
  })
  .superRefine((v, ctx) => {
    if (v.condition === "damaged" && !v.damageNote) ctx.addIssue({ code: "custom", path: ["damageNote"], message: "deliveries.error.damageNoteRequired" });
  })
  .transform((v) => ({ ...v, damageNote: v.condition === "damaged" ? v.damageNote : undefined }));
