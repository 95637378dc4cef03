/**
 * Refusals of the database's own rules (db/migrations/2026_12_01_0900_database_rules.ts) that
 * have no message elsewhere. Keys follow `approvals.error.<code>` (constraint-errors.ts).
 */
export const databaseFr = {
  "approvals.error.half_rack_units": "Une demi-baie occupe exactement la moitié basse ou la moitié haute de la baie.",
  "approvals.error.org_mismatch": "Ces ressources ne peuvent être attribuées qu'à l'organisation titulaire du contrat.",
};

export const databaseEn: Record<keyof typeof databaseFr, string> = {
  "approvals.error.half_rack_units": "A half rack is exactly the bottom or the top half of the rack.",
  "approvals.error.org_mismatch": "These resources can only be assigned to the organisation that holds the contract.",
};
