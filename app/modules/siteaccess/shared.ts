/** Names and rules of site access that both the server and the pages use (no database). */
import type { IdDocType, VisitStatus } from "#db/schema";

export const ID_DOC_TYPES = ["national_id", "passport", "driving_licence", "other"] as const satisfies readonly IdDocType[];
export const VISIT_STATUSES = ["requested", "approved", "refused", "cancelled"] as const satisfies readonly VisitStatus[];

/** The longest visit window, in minutes (the database holds the same 12 hours). */
export const VISIT_MAX_MINUTES = 12 * 60;
/** How far ahead a visit may be registered, in days (the database holds the same). */
export const VISIT_MAX_DAYS_AHEAD = 90;
/** Current badge holders per organisation and site (the database holds the same). */
export const BADGE_LIMIT = 10;
/** A badge is valid at most this many days ahead. */
export const BADGE_MAX_DAYS = 366;
/** Renewal reminders, in days before a badge's last valid day. */
export const BADGE_REMINDER_DAYS = [30, 7] as const;
/** Default days after the visit (or a badge's end) before identity numbers are purged. */
export const DEFAULT_ID_RETENTION_DAYS = 90;

/** VI-1A2B3C4D: the reference people quote for a visit. */
export const visitRef = (id: string) => `VI-${id.slice(0, 8).toUpperCase()}`;

const BULLETS = "•••••";

/**
 * An identity number as shown to anyone who may not read it: five bullets and the last four
 * characters (last two for numbers of 5–7 characters; nothing of shorter ones). A purged number
 * (null) stays null.
 */
export function maskIdNumber(value: string | null): string | null {
  if (value === null) return null;
  const keep = value.length >= 8 ? 4 : value.length >= 5 ? 2 : 0;
  return BULLETS + (keep ? value.slice(-keep) : "");
}

/** `HH:MM` of a `time` value read from the database (`HH:MM:SS`). */
export const hhmm = (time: string) => time.slice(0, 5);

/** Minutes since midnight of `HH:MM`. */
export const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** What a tenant may do to a visit in `status` (their role permitting): cancel before the window starts. */
export function tenantVisitActions(v: { status: VisitStatus; started: boolean; checked_in_at: unknown }) {
  return { cancel: (v.status === "requested" || v.status === "approved") && !v.started && !v.checked_in_at };
}

/** What an operator may do to a visit. */
export function operatorVisitActions(v: { status: VisitStatus; over: boolean; inWindow: boolean; racksHeld: boolean; checked_in_at: unknown; checked_out_at: unknown }) {
  return {
    approve: v.status === "requested" && !v.over && v.racksHeld,
    refuse: v.status === "requested",
    checkIn: v.status === "approved" && !v.checked_in_at && v.inWindow && v.racksHeld,
    checkOut: v.status === "approved" && Boolean(v.checked_in_at) && !v.checked_out_at,
  };
}
