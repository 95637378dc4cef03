import type { Executor } from "#db/types";

/** Every site, by code (also read inside another statement: the tenant dashboard's). */
export function sitesQuery(db: Executor) {
  return db.selectFrom("sites").select(["id", "code", "name", "country", "currency", "time_zone", "vat_rate_bp"]).orderBy("code");
}

export async function listSites(db: Executor) {
  return sitesQuery(db).execute();
}
