import { z } from "zod";
import { fields } from "~/utils/forms.server";
import { TEXT_MAX, TICKET_KINDS, TICKET_URGENCIES } from "./shared";

/** The remote-hands forms, with i18n keys as messages. Texts may span lines; other control characters are refused. */
const choiceId = (message: "error.invalidChoice" | "remotehands.error.chooseContract" = "error.invalidChoice") =>
  z.string({ error: message }).trim().min(1, { error: message }).max(64, { error: message });

export const OpenTicketForm = z.object({
  contractId: choiceId("remotehands.error.chooseContract"),
  kind: fields.choice(TICKET_KINDS),
  urgency: fields.choice(TICKET_URGENCIES),
  description: fields.text(TEXT_MAX),
  clientKey: z.string().trim().max(64).optional(),
});

export const UpdateForm = z.object({ body: fields.text(TEXT_MAX) });
export const TimeForm = z.object({ minutes: fields.int(1, 1440, { range: "remotehands.error.bad_minutes", format: "remotehands.error.bad_minutes" }) });
export const CloseForm = z.object({ result: fields.text(TEXT_MAX) });
export const SettingsForm = z.object({
  incrementMin: fields.int(3, 240, { range: "remotehands.settings.error.bad_increment" }),
  targetStandardMin: fields.int(5, 10080),
  targetUrgentMin: fields.int(5, 10080),
});
