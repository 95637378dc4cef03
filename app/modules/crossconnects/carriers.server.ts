import type { Executor, Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { isUniqueViolation, withSavepoint } from "~/utils/db.server";
import { isUuid } from "~/utils/ids";

/** The carriers of a site, active first, by name. */
export async function listCarriers(db: Executor, siteId: string) {
  return db
    .selectFrom("carriers as k")
    .select((eb) => [
      "k.id",
      "k.name",
      "k.is_active",
      "k.created_at",
      eb.selectFrom("cross_connect_orders as x").whereRef("x.carrier_id", "=", "k.id").select(eb.fn.countAll<number>().as("n")).as("orders"),
    ])
    .where("k.site_id", "=", siteId)
    .orderBy("k.is_active", "desc")
    .orderBy("k.name")
    .execute();
}

/** An operator adds a carrier to a site's list (its name unique at the site, whatever the case). */
export async function addCarrier(trx: Trx, input: { siteId: string; name: string; actor: Actor }): Promise<{ ok: true; carrierId: string } | { ok: false; error: "duplicate" }> {
  let row: { id: string };
  try {
    row = await withSavepoint(trx, () => trx.insertInto("carriers").values({ site_id: input.siteId, name: input.name }).returning("id").executeTakeFirstOrThrow(), "sp_carrier");
  } catch (error) {
    if (isUniqueViolation(error, "carriers_site_name_key")) return { ok: false, error: "duplicate" };
    throw error;
  }
  await recordAudit(trx, { actor: input.actor, action: "carrier.created", entityType: "carrier", entityId: row.id, after: { site_id: input.siteId, name: input.name } });
  return { ok: true, carrierId: row.id };
}

/** Take a carrier off the list (new orders cannot name it; existing ones keep it) or put it back. */
export async function setCarrierActive(trx: Trx, input: { siteId: string; carrierId: string; active: boolean; actor: Actor }): Promise<{ ok: true; changed: boolean } | { ok: false; error: "not_found" }> {
  if (!isUuid(input.carrierId)) return { ok: false, error: "not_found" };
  const carrier = await trx.selectFrom("carriers").select(["id", "is_active"]).where("id", "=", input.carrierId).where("site_id", "=", input.siteId).forUpdate().executeTakeFirst();
  if (!carrier) return { ok: false, error: "not_found" };
  if (carrier.is_active === input.active) return { ok: true, changed: false };
  await trx.updateTable("carriers").set({ is_active: input.active }).where("id", "=", carrier.id).execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: input.active ? "carrier.activated" : "carrier.deactivated",
    entityType: "carrier",
    entityId: carrier.id,
    before: { is_active: carrier.is_active },
    after: { is_active: input.active },
  });
  return { ok: true, changed: true };
}
