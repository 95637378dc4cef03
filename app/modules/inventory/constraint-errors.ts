/**
 * The capacity and consistency rules the database enforces, as stable codes. Triggers raise them
 * with a HINT; exclusion and foreign-key constraints are recognised by name. Both pg and PGlite
 * errors carry code/hint/constraint. Every code has a message `approvals.error.<code>`.
 */
export const CAPACITY_ERRORS = [
  "units_taken",
  "port_taken",
  "power_exceeded",
  "bandwidth_exceeded",
  "rack_maintenance",
  "port_maintenance",
  "units_out_of_range",
  "full_rack_units",
  "half_rack_units",
  "wrong_site",
  "org_mismatch",
  "power_below_committed",
  "units_below_allocated",
  "bandwidth_below_committed",
  "conflict",
] as const;
export type CapacityError = (typeof CAPACITY_ERRORS)[number];

export function capacityErrorOf(error: unknown): CapacityError | undefined {
  if (!error || typeof error !== "object") return undefined;
  const e = error as { code?: string; hint?: string; constraint?: string };
  if (e.code === "23P01") return e.constraint === "port_allocations_no_sharing" ? "port_taken" : "units_taken";
  // The organisation copied onto a row is not its contract's (composite foreign keys).
  if (e.code === "23503" && e.constraint?.endsWith("_contract_org_fkey")) return "org_mismatch";
  if (e.code === "P0001" && e.hint && (CAPACITY_ERRORS as readonly string[]).includes(e.hint)) return e.hint as CapacityError;
  // Deadlock or serialization failure between concurrent operators: nothing was written, try again.
  if (e.code === "40P01" || e.code === "40001") return "conflict";
  return undefined;
}
