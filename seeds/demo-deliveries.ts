import { sql } from "kysely";
import type { Trx } from "#db/types";
import { dayIn } from "~/utils/dates";

/**
 * Demo deliveries (issue 13): Kossi Digital's server parcels received at Lomé 16 days ago and still
 * waiting for it there (beyond the site's 14 days: flagged in both areas), for its rack A01. Demo data
 * only. Idempotent: nothing is written once the organisation has a delivery.
 */
export async function seedDemoDeliveries(trx: Trx, now = new Date()) {
  const org = await trx.selectFrom("organisations").select("id").where("name", "=", "Kossi Digital SARL").orderBy("created_at").executeTakeFirst();
  const site = await trx.selectFrom("sites").select(["id", "time_zone"]).where("code", "=", "LDC").executeTakeFirst();
  if (!org || !site) return;
  if (await trx.selectFrom("deliveries").select("id").where("org_id", "=", org.id).executeTakeFirst()) return;
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
  const expectedOn = dayIn(site.time_zone, daysAgo(16));
  // The rack as the database checks it: held on the expected day.
  const rack = await trx
    .selectFrom("allocations as a")
    .innerJoin("racks as r", "r.id", "a.rack_id")
    .innerJoin("rooms as m", "m.id", "r.room_id")
    .select("r.id")
    .where("a.org_id", "=", org.id)
    .where("m.site_id", "=", site.id)
    .where("r.name", "=", "A01")
    .where(sql<boolean>`a.during @> ${expectedOn}::date`)
    .executeTakeFirst();
  const contract = await trx
    .selectFrom("contracts")
    .select("id")
    .where("org_id", "=", org.id)
    .where("site_id", "=", site.id)
    // Live at the seed's instant and today (the database checks the latter).
    .where((eb) => eb.or([eb("end_on", "is", null), eb("end_on", ">=", [dayIn(site.time_zone, now), dayIn(site.time_zone)].sort()[1])]))
    .executeTakeFirst();
  if (!contract) return;
  const owner = await trx.selectFrom("users").select("id").where("email", "=", "owner@kossi.demo.test").executeTakeFirst();
  const noc = await trx.selectFrom("users").select("id").where("email", "=", "noc@ops.demo.test").executeTakeFirst();
  const { id } = await trx
    .insertInto("deliveries")
    .values({
      org_id: org.id,
      site_id: site.id,
      rack_id: rack?.id ?? null,
      carrier: "DHL Express",
      tracking_number: "JD014600006281230",
      parcels_announced: 2,
      expected_on: expectedOn,
      purpose: "Deux serveurs 1U et leurs rails",
      announced_by: owner?.id ?? null,
      announced_at: daysAgo(18),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .updateTable("deliveries")
    .set({
      status: "received",
      received_by: noc?.id ?? null,
      received_at: daysAgo(16),
      received_on: dayIn(site.time_zone, daysAgo(16)),
      parcels_received: 2,
      condition: "good",
    })
    .where("id", "=", id)
    .execute();
}
