/**
 * Every expected refusal of a delivery use-case, as a stable code with a message
 * `deliveries.error.<code>` (FR/EN). Database refusals (trigger HINTs of 2026_12_02_1220_deliveries,
 * CHECKs, the form key's uniqueness) map to the same codes, so a race lost at commit reads like the
 * check that would have caught it earlier.
 */
export const DELIVERY_ERRORS = [
  "not_found",
  "not_allowed",
  "wrong_state",
  "no_contract",
  "rack_not_held",
  "expected_too_early",
  "expected_too_far",
  "no_rack",
  "conflict",
] as const;
export type DeliveryError = (typeof DELIVERY_ERRORS)[number];

const HINTS: Record<string, DeliveryError> = {
  delivery_transition: "wrong_state",
  delivery_frozen: "wrong_state",
  delivery_site: "no_contract",
  delivery_rack: "rack_not_held",
};

/** The code of a database refusal, or undefined for an unexpected error (which should propagate). */
export function deliveryErrorOf(error: unknown): DeliveryError | undefined {
  if (!error || typeof error !== "object") return undefined;
  const e = error as { code?: string; hint?: string; constraint?: string };
  if (e.code === "P0001" && e.hint && HINTS[e.hint]) return HINTS[e.hint];
  if (e.code === "23505") return "conflict";
  if (e.code === "23514" && (e.constraint?.startsWith("deliveries_") || e.constraint?.startsWith("delivery_"))) return "wrong_state";
  return undefined;
}
