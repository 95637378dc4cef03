import { z } from "zod";
import { fields } from "~/utils/forms.server";
import { ID_DOC_TYPES, minutesOf, VISIT_MAX_MINUTES } from "./shared";

/**
 * The site-access forms, with i18n keys as messages. One-line fields (names, companies, identity
 * numbers) refuse every control character, tab and line break included (and the Unicode line and
 * paragraph separators), as the database's CHECKs do; a refusal reason may span lines.
 */
const ONE_LINE_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const line = (max: number, min = 1) =>
  fields
    .text(max)
    .refine((v) => v.length >= min, { error: "siteaccess.error.tooShort" })
    .refine((v) => !ONE_LINE_CONTROLS.test(v), { error: "errors.invalidCharacters" });

const choiceId = () => z.string({ error: "error.invalidChoice" }).trim().min(1, { error: "error.invalidChoice" }).max(64, { error: "error.invalidChoice" });

/** `HH:MM`, 00:00 to 23:59 (what a time input sends). */
const time = () =>
  z
    .string({ error: "error.required" })
    .trim()
    .min(1, { error: "error.required" })
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "siteaccess.error.time" });

/** Letters, digits, spaces, dots, slashes and hyphens; 3 to 40 characters (as the database's CHECK). */
const idNumber = () =>
  fields
    .text(40)
    .refine((v) => v.length >= 3, { error: "siteaccess.error.idNumber" })
    .refine((v) => /^[A-Za-z0-9][A-Za-z0-9 ./-]*$/.test(v), { error: "siteaccess.error.idNumber" });

export const VisitForm = z
  .object({
    siteId: choiceId(),
    visitOn: fields.date(),
    windowStart: time(),
    windowEnd: time(),
    visitorName: line(120, 2),
    company: line(120),
    idDocType: fields.choice(ID_DOC_TYPES),
    idDocNumber: idNumber(),
    escortNeeded: z.enum(["on", "true"]).optional().transform((v) => Boolean(v)),
    rackIds: z.array(choiceId(), { error: "siteaccess.error.no_rack" }).min(1, { error: "siteaccess.error.no_rack" }).max(20, { error: "siteaccess.error.tooManyRacks" }),
    clientKey: z.string().trim().max(64).optional(),
  })
  .superRefine((v, ctx) => {
    if (!/^\d\d:\d\d$/.test(v.windowStart) || !/^\d\d:\d\d$/.test(v.windowEnd)) return;
    const length = minutesOf(v.windowEnd) - minutesOf(v.windowStart);
    if (length <= 0) ctx.addIssue({ code: "custom", path: ["windowEnd"], message: "siteaccess.error.window_order" });
    else if (length > VISIT_MAX_MINUTES) ctx.addIssue({ code: "custom", path: ["windowEnd"], message: "siteaccess.error.window_too_long" });
  });
export type VisitFormData = z.infer<typeof VisitForm>;

export const ReasonForm = z.object({ reason: fields.text(1000) });

export const BadgeForm = z.object({
  siteId: choiceId(),
  name: line(120, 2),
  company: line(120),
  idDocType: fields.choice(ID_DOC_TYPES),
  idDocNumber: idNumber(),
  validUntil: fields.date(),
});
export type BadgeFormData = z.infer<typeof BadgeForm>;

export const RenewBadgeForm = z.object({ holderId: choiceId(), validUntil: fields.date() });
export const RevokeBadgeForm = z.object({ holderId: choiceId() });

/** `?day=YYYY-MM-DD` of the security desk list. */
export const DayParam = z.object({ day: fields.date() });
