import { z } from "zod";
import { fields } from "~/utils/forms.server";
import { CROSS_CONNECT_MEDIA } from "./shared";

/**
 * The cross-connect forms, with i18n keys as messages. One-line fields (positions, a test result,
 * a carrier's name) refuse every control character, tab and line break included (and the Unicode
 * line and paragraph separators, which PostgreSQL's [[:cntrl:]] matches in a UTF-8 locale), as the
 * database's CHECKs do; a reason may span lines.
 */
const ONE_LINE_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const line = (max: number, min = 1) =>
  fields
    .text(max)
    .refine((v) => v.length >= min, { error: "error.required" })
    .refine((v) => !ONE_LINE_CONTROLS.test(v), { error: "errors.invalidCharacters" });

/** An id from a select list: anything else is "choose one". */
const choiceId = () => z.string({ error: "error.invalidChoice" }).trim().min(1, { error: "error.invalidChoice" }).max(64, { error: "error.invalidChoice" });

export const OrderForm = z
  .object({
    zKind: fields.choice(["carrier", "tenant"] as const),
    carrierId: z.string().trim().max(64).optional(),
    zOrgId: z.string().trim().max(64).optional(),
    media: fields.choice(CROSS_CONNECT_MEDIA),
    aPosition: line(100),
    notes: fields.optionalText(1000),
    clientKey: z.string().trim().max(64).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.zKind === "carrier" && !v.carrierId) ctx.addIssue({ code: "custom", path: ["carrierId"], message: "crossconnects.error.chooseCarrier" });
    if (v.zKind === "tenant" && !v.zOrgId) ctx.addIssue({ code: "custom", path: ["zOrgId"], message: "crossconnects.error.chooseTenant" });
  });

export const AcceptForm = z.object({ zContractId: choiceId(), zPosition: line(100) });
export const ReasonForm = z.object({ reason: fields.text(2000) });
export const AssignPortsForm = z.object({ aPortId: choiceId(), zPortId: choiceId(), zPosition: line(100).optional().or(z.literal("").transform(() => undefined)) });
export const InstallForm = z.object({ installedOn: fields.date(), testResult: line(500) });
export const RemovalForm = z.object({ removedOn: fields.date() });
export const CarrierForm = z.object({ name: line(80, 2) });
export const CarrierActiveForm = z.object({ carrierId: choiceId(), active: fields.choice(["true", "false"] as const) });
