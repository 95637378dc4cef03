import type { Executor } from "#db/types";

export async function listSites(db: Executor) {
  return db.selectFrom("sites").select(["id", "code", "name", "country", "currency", "time_zone", "vat_rate_bp"]).orderBy("code").execute();
}
