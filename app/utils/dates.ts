/** Calendar helpers in a site's time zone (billing periods and "today" are local to the site). */

/** `YYYY-MM-DD` of an instant in a time zone. */
export function dayIn(timeZone: string, instant = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
}

/** `YYYY-MM` of an instant in a time zone. */
export const monthIn = (timeZone: string, instant = new Date()) => dayIn(timeZone, instant).slice(0, 7);
