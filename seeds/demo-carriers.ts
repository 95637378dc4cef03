import type { Trx } from "#db/types";

/**
 * Carriers present in each demo site's meet-me room (what tenants order cross-connects to). Demo
 * data only: in production each site's operators keep their own list (/ops/sites/:code/carriers).
 * Idempotent: a name already listed at the site (whatever its case) is left as it is.
 */
export const DEMO_CARRIERS: Record<string, readonly string[]> = {
  LDC: ["Togocom", "Moov Africa Togo", "WACS Togo"],
  KIN: ["Vodacom Congo", "Orange RDC", "Airtel Congo RDC"],
  BZV: ["Congo Telecom", "MTN Congo", "Airtel Congo"],
};

export async function seedDemoCarriers(trx: Trx) {
  for (const [code, names] of Object.entries(DEMO_CARRIERS)) {
    const site = await trx.selectFrom("sites").select("id").where("code", "=", code).executeTakeFirst();
    if (!site) continue;
    const existing = new Set((await trx.selectFrom("carriers").select("name").where("site_id", "=", site.id).execute()).map((c) => c.name.toLowerCase()));
    const missing = names.filter((n) => !existing.has(n.toLowerCase()));
    if (missing.length) await trx.insertInto("carriers").values(missing.map((name) => ({ site_id: site.id, name }))).execute();
  }
}
