/** Calendar helpers in a site's time zone (billing periods and "today" are local to the site). */

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD` of an instant in a time zone. */
export function dayIn(timeZone: string, instant = new Date()): string {
  // One formatter per time zone for the process (building one costs more than formatting with it).
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    if (dayFormats.size >= 1000) dayFormats.clear();
    dayFormats.set(timeZone, format);
  }
  return format.format(instant);
}

/** `YYYY-MM` of an instant in a time zone. */
export const monthIn = (timeZone: string, instant = new Date()) => dayIn(timeZone, instant).slice(0, 7);

/**
 * Today at a site: its local calendar date. The one "today" of the portal — modules that depend on
 * it take it as an argument computed here (tests pass a fixed instant); SQL uses `site_today(site_id)`.
 */
export const siteToday = (timeZone: string, now = new Date()) => dayIn(timeZone, now);
