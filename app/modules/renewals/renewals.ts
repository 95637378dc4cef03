/**
 * Renewals, the pure part (browser-safe): the notice steps, the notice deadline, a contract's
 * renewal status. Calendar dates are `YYYY-MM-DD` strings of the site's calendar.
 */

/** Days before the end of a commitment on which a notice goes out, earliest first. */
export const NOTICE_STEPS = [90, 60, 30] as const;
export type NoticeStep = (typeof NOTICE_STEPS)[number];

/** The site's notice period bounds (CHECK sites_renewal_notice_days_check). */
export const NOTICE_DAYS_MIN = 1;
export const NOTICE_DAYS_MAX = 90;
export const DEFAULT_NOTICE_DAYS = 30;

const DAY_MS = 86_400_000;

/** `day` plus `n` calendar days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** The last day the tenant may give notice of non-renewal: the commitment's end minus the site's notice days. */
export const noticeDeadline = (commitmentEndsOn: string, noticeDays: number) => addDays(commitmentEndsOn, -noticeDays);

/**
 * Which notices of a commitment to record on `today`, given those already recorded: the latest due
 * step is sent (the one closest to the end), earlier due ones not yet recorded are skipped (a job
 * that first sees a contract 45 days before its end sends the 60-day notice, not two at once). A
 * step earlier than one already recorded is never sent. Nothing once the commitment has ended.
 */
export function noticesToRecord(input: { commitmentEndsOn: string; today: string; recorded: readonly number[] }): { send: NoticeStep | null; skip: NoticeStep[] } {
  const left = daysBetween(input.today, input.commitmentEndsOn);
  if (left < 0) return { send: null, skip: [] };
  const latest = input.recorded.length ? Math.min(...input.recorded) : Infinity;
  const due = NOTICE_STEPS.filter((n) => left <= n && n < latest && !input.recorded.includes(n));
  if (!due.length) return { send: null, skip: [] };
  return { send: due[due.length - 1], skip: due.slice(0, -1) };
}

export type RenewalStatus =
  /** Open-ended: renews tacitly the day after the commitment unless notice is given by the deadline. */
  | "renews"
  /** Ends on the commitment's end: the tenant gave notice of non-renewal. */
  | "notice_given"
  /** Has a last day of service set otherwise (a termination): no renewal. */
  | "ends";

export function renewalStatus(c: { endOn: string | null; commitmentEndsOn: string; noticeGiven: boolean }): RenewalStatus {
  if (c.endOn === null) return "renews";
  return c.noticeGiven && c.endOn === c.commitmentEndsOn ? "notice_given" : "ends";
}
