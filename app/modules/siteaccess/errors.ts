/**
 * Every expected refusal of a site-access use-case, as a stable code with a message
 * `siteaccess.error.<code>` (FR/EN). Database refusals (trigger HINTs of 2026_12_02_1210_site_access,
 * unique keys, CHECKs) map to the same codes, so a race lost at commit reads like the check that
 * would have caught it earlier.
 */
export const SITE_ACCESS_ERRORS = [
  "not_found",
  "not_allowed",
  "wrong_state",
  "rack_not_held",
  "racks_released",
  "no_rack",
  "visit_in_past",
  "visit_too_far",
  "window_too_long",
  "window_order",
  "visit_started",
  "visit_over",
  "outside_window",
  "not_approved",
  "already_checked_in",
  "not_checked_in",
  "badge_limit",
  "badge_validity",
  "wrong_site",
  "conflict",
] as const;
export type SiteAccessError = (typeof SITE_ACCESS_ERRORS)[number];

const HINTS: Record<string, SiteAccessError> = {
  visit_transition: "wrong_state",
  visit_frozen: "wrong_state",
  visit_in_past: "visit_in_past",
  visit_too_far: "visit_too_far",
  visit_started: "visit_started",
  visit_outside_window: "outside_window",
  rack_not_held: "rack_not_held",
  racks_released: "racks_released",
  visit_without_rack: "no_rack",
  badge_limit: "badge_limit",
  badge_validity: "badge_validity",
  badge_frozen: "wrong_state",
};

/** The code of a database refusal, or undefined for an unexpected error (which should propagate). */
export function siteAccessErrorOf(error: unknown): SiteAccessError | undefined {
  if (!error || typeof error !== "object") return undefined;
  const e = error as { code?: string; hint?: string; constraint?: string };
  if (e.code === "P0001" && e.hint && HINTS[e.hint]) return HINTS[e.hint];
  if (e.code === "23505") return "conflict";
  if (e.code === "23514" && e.constraint === "visits_window") return "window_too_long";
  if (e.code === "23514" && (e.constraint?.startsWith("visits_") || e.constraint?.startsWith("badge_holders_"))) return "wrong_state";
  return undefined;
}
