/**
 * Forms of the operator's metering pages (/ops/metering*). Messages are i18n keys, shown beside the
 * field they belong to.
 */
import { z } from "zod";
import { fields } from "~/utils/forms.server";
import { TOKEN_SCOPES } from "./tokens.server";

/** The same rule as the `meters.external_id` CHECK constraint. */
export const EXTERNAL_ID = /^[A-Za-z0-9._:/-]{1,100}$/;

export const METER_KINDS = ["power", "bandwidth"] as const;

/** An id chosen in a select: required, then a uuid. */
const chosenId = () =>
  z
    .string({ error: "meteringOps.error.choose" })
    .trim()
    .min(1, { error: "meteringOps.error.choose" })
    .pipe(z.uuid({ error: "meteringOps.error.choose" }));

export const NewMeterForm = z.object({
  externalId: z
    .string({ error: "error.required" })
    .trim()
    .min(1, { error: "error.required" })
    .max(100, { error: "meteringOps.error.externalIdTooLong" })
    .regex(EXTERNAL_ID, { error: "meteringOps.error.externalIdFormat" }),
  kind: fields.choice(METER_KINDS),
  description: fields.optionalText(200),
});

export const AttachMeterForm = z.object({
  meterId: chosenId(),
  contractId: chosenId(),
  fromOn: fields.date({ invalid: "meteringOps.error.date" }),
});

/** `scopes` comes from `formData.getAll("scopes")`: checkboxes, at least one. */
export const NewTokenForm = z.object({
  site: z.string({ error: "error.invalidChoice" }).trim().min(1, { error: "error.invalidChoice" }),
  name: fields.text(100),
  // One error for the whole group of checkboxes (not `scopes.0`), shown under them.
  scopes: z
    .array(z.string(), { error: "meteringOps.error.scopes" })
    .refine((scopes) => scopes.length > 0 && scopes.every((s) => (TOKEN_SCOPES as readonly string[]).includes(s)), { error: "meteringOps.error.scopes" })
    .transform((scopes) => TOKEN_SCOPES.filter((s) => scopes.includes(s))),
});

/** The site a page or a form names by code (`?site=LDC`, a select); the first site when none is named. */
export function pickSite<S extends { code: string }>(sites: S[], code: string | null | undefined): S | undefined {
  if (code === null || code === undefined || code === "") return sites[0];
  return sites.find((s) => s.code === code.trim().toUpperCase());
}
