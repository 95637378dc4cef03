import { capacityErrorOf } from "~/modules/inventory/constraint-errors";

/**
 * Every expected refusal of a cross-connect use-case, as a stable code with a message
 * `crossconnects.error.<code>` (FR/EN). Database refusals (trigger HINTs of
 * 2026_12_02_1020_cross_connect_orders, the port exclusion constraint, foreign keys) map to the same
 * codes, so a race lost at commit reads like the check that would have caught it earlier.
 */
export const CROSS_CONNECT_ERRORS = [
  "not_found",
  "not_allowed",
  "wrong_state",
  "contract_not_active",
  "carrier_inactive",
  "z_not_at_site",
  "same_org",
  "no_price",
  "port_taken",
  "port_maintenance",
  "media_mismatch",
  "same_port",
  "wrong_site",
  "install_before_assignment",
  "install_in_future",
  "removal_before_install",
  "removal_too_far",
  "conflict",
] as const;
export type CrossConnectError = (typeof CROSS_CONNECT_ERRORS)[number];

const HINTS: Record<string, CrossConnectError> = {
  cross_connect_transition: "wrong_state",
  cross_connect_frozen: "wrong_state",
  cross_connect_port: "wrong_state",
  contract_not_active: "contract_not_active",
  carrier_inactive: "carrier_inactive",
  media_mismatch: "media_mismatch",
};

/** The code of a database refusal, or undefined for an unexpected error (which should propagate). */
export function crossConnectErrorOf(error: unknown): CrossConnectError | undefined {
  if (!error || typeof error !== "object") return undefined;
  const e = error as { code?: string; hint?: string; constraint?: string };
  if (e.code === "P0001" && e.hint && HINTS[e.hint]) return HINTS[e.hint];
  if (e.code === "P0001" && e.hint === "wrong_site") return "z_not_at_site";
  const capacity = capacityErrorOf(error);
  if (capacity === "port_taken" || capacity === "port_maintenance" || capacity === "conflict") return capacity;
  if (capacity === "wrong_site" || capacity === "org_mismatch") return "wrong_site";
  // A second order with the same form key, or a second assignment of one side at the same moment.
  if (e.code === "23505") return "conflict";
  if (e.code === "23514" && e.constraint?.startsWith("cross_connect_orders_")) return "wrong_state";
  return undefined;
}
