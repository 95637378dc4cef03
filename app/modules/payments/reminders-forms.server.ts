import { json } from "@remix-run/node";
import { z } from "zod";
import type { OperatorRole } from "#db/schema";
import type { Executor } from "#db/types";
import type { MessageKey } from "~/i18n";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { fields, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { isUuid } from "~/utils/ids";
import { inTransaction, inTransactionOrRollback } from "~/utils/db.server";
import {
  REMINDER_MAX_STEPS,
  REMINDER_OFFSET_MAX,
  REMINDER_OFFSET_MIN,
  REMINDER_ORG_KINDS,
  listSchedules,
  pauseReminders,
  pausedOrganisations,
  recentReminderRuns,
  reminderPauses,
  resumeReminders,
  type PauseError,
} from "./reminders.server";

/**
 * The reminders' forms (zod stays on the server): the schedules of /ops/billing/reminders and the
 * pause/resume block of the operator organisation page, with the view-models of both.
 */

/** "-3, 7, 15, 30" (commas, semicolons or spaces; "+7" and "−3" accepted) → [-3, 7, 15, 30]. */
export function parseOffsets(text: string): { ok: true; offsets: number[] } | { ok: false; error: MessageKey } {
  const parts = text
    .replace(/[\u2212\u2013]/g, "-")
    .split(/[\s,;]+/)
    .filter(Boolean);
  if (!parts.every((p) => /^[+-]?\d{1,4}$/.test(p))) return { ok: false, error: "reminders.error.offsetsFormat" };
  const offsets = parts.map(Number);
  if (offsets.some((o) => o < REMINDER_OFFSET_MIN || o > REMINDER_OFFSET_MAX)) return { ok: false, error: "reminders.error.offsetsRange" };
  if (offsets.length > REMINDER_MAX_STEPS) return { ok: false, error: "reminders.error.offsetsTooMany" };
  if (new Set(offsets).size !== offsets.length) return { ok: false, error: "reminders.error.offsetsDuplicate" };
  return { ok: true, offsets: offsets.sort((a, b) => a - b) };
}

export const ScheduleForm = z.object({
  site: z.string({ error: "error.required" }).trim().regex(/^[A-Z]{2,10}$/, { error: "reminders.error.site" }),
  kind: z.enum(REMINDER_ORG_KINDS, { error: "error.invalidChoice" }),
  offsets: z
    .string({ error: "error.required" })
    .max(200, { error: "error.tooLong" })
    .transform((value, ctx) => {
      const parsed = parseOffsets(value);
      if (parsed.ok) return parsed.offsets;
      ctx.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    }),
});

export const PauseForm = z.object({
  reason: fields.text(500).pipe(z.string().min(2, { error: "reminders.error.reason" })),
});

/** /ops/billing/reminders: the schedules per site, the last runs, the organisations paused. */
export async function remindersPageView(db: Executor) {
  const [schedules, runs, paused] = await Promise.all([listSchedules(db), recentReminderRuns(db, 10), pausedOrganisations(db)]);
  return {
    schedules: schedules.map((s) => ({ siteCode: s.siteCode, siteName: s.siteName, today: s.today, sme: s.offsets.sme, agency: s.offsets.agency })),
    runs,
    paused: paused.map((p) => ({ ...p, pausedAt: p.pausedAt.toISOString() })),
  };
}

// ---------------------------------------------------------------------------------------------
// The organisation page's block

export const REMINDER_INTENTS = ["reminders_pause", "reminders_resume"] as const;
export type ReminderIntent = (typeof REMINDER_INTENTS)[number];
export const isReminderIntent = (value: string): value is ReminderIntent => (REMINDER_INTENTS as readonly string[]).includes(value);

export type ReminderActionData = { intent: ReminderIntent; errors?: FieldErrors; formError?: MessageKey; notice?: MessageKey };

/** The pause state of an organisation for the operator page (every operator reads it). */
export async function orgRemindersView(db: Executor, orgId: string, role: OperatorRole) {
  const pauses = isUuid(orgId) ? await reminderPauses(db, orgId, 5) : [];
  const open = pauses.find((p) => p.resumedAt === null) ?? null;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    paused: open ? { reason: open.reason, pausedAt: open.pausedAt.toISOString(), pausedBy: open.pausedBy } : null,
    history: pauses
      .filter((p) => p.resumedAt !== null)
      .map((p) => ({ id: p.id, reason: p.reason, pausedAt: p.pausedAt.toISOString(), pausedBy: p.pausedBy, resumedAt: iso(p.resumedAt), resumedBy: p.resumedBy })),
    canManage: operatorCan(role, "billing:manage"),
  };
}

const PAUSE_ERRORS: Record<Exclude<PauseError, "not_found">, MessageKey> = {
  already_paused: "reminders.error.alreadyPaused",
  not_paused: "reminders.error.notPaused",
};

/** The pause and resume forms of the organisation page (`billing:manage`): guard, parse, one call, answer. */
export async function reminderPauseAction(request: Request, orgId: string, intent: ReminderIntent, ip: string | null) {
  const user = await requireOperator(request, "billing:manage");
  const form = await readForm(request);
  if (!isUuid(orgId)) notFound();
  const actor = { id: user.id, email: user.email, ip };
  let result: Awaited<ReturnType<typeof pauseReminders>>;
  if (intent === "reminders_pause") {
    const parsed = parseForm(PauseForm, form);
    if (!parsed.ok) return json<ReminderActionData>({ intent, errors: parsed.errors }, { status: 400 });
    result = await inTransactionOrRollback((trx) => pauseReminders(trx, { orgId, reason: parsed.data.reason, actor }));
  } else {
    result = await inTransaction((trx) => resumeReminders(trx, { orgId, actor }));
  }
  if (result.ok) return json<ReminderActionData>({ intent, notice: intent === "reminders_pause" ? "reminders.org.pausedNotice" : "reminders.org.resumedNotice" });
  if (result.error === "not_found") notFound();
  return json<ReminderActionData>({ intent, formError: PAUSE_ERRORS[result.error] }, { status: 409 });
}
