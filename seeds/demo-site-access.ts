import { sql } from "kysely";
import type { Trx } from "#db/types";
import { dayIn } from "~/utils/dates";

/**
 * Demo site access (issue 13): at Lomé, for Kossi Digital's rack A01, an approved visit tomorrow
 * (on tomorrow's security desk list), a visit the day after waiting for the operators, and a badge
 * holder whose access ends in 25 days (a badge to renew). Days count from the database's clock (its
 * triggers refuse a visit in the past), not from the seed's `now`. Demo data only. Idempotent:
 * nothing is written once the organisation has a visit.
 */
export async function seedDemoSiteAccess(trx: Trx) {
  const org = await trx.selectFrom("organisations").select("id").where("name", "=", "Kossi Digital SARL").orderBy("created_at").executeTakeFirst();
  const site = await trx.selectFrom("sites").select(["id", "time_zone"]).where("code", "=", "LDC").executeTakeFirst();
  if (!org || !site) return;
  if (await trx.selectFrom("visits").select("id").where("org_id", "=", org.id).executeTakeFirst()) return;
  const today = dayIn(site.time_zone);
  const day = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const heldOn = async (d: string) =>
    trx
      .selectFrom("allocations as a")
      .innerJoin("racks as r", "r.id", "a.rack_id")
      .innerJoin("rooms as m", "m.id", "r.room_id")
      .innerJoin("contracts as c", "c.id", "a.contract_id")
      .select("r.id")
      .where("a.org_id", "=", org.id)
      .where("m.site_id", "=", site.id)
      .where("r.name", "=", "A01")
      .where(sql<boolean>`(a.during @> ${d}::date AND c.start_on <= ${d}::date AND (c.end_on IS NULL OR c.end_on >= ${d}::date))`)
      .executeTakeFirst();
  const owner = await trx.selectFrom("users").select("id").where("email", "=", "owner@kossi.demo.test").executeTakeFirst();
  const noc = await trx.selectFrom("users").select("id").where("email", "=", "noc@ops.demo.test").executeTakeFirst();
  const visits = [
    { on: day(1), start: "09:00", end: "12:30", name: "Komlan Adjovi", company: "Kossi Digital SARL", doc: "national_id" as const, number: "TG-0012457789", escort: false, approve: true },
    { on: day(2), start: "14:00", end: "17:00", name: "Jean-Marc Dupuis", company: "Schneider Electric", doc: "passport" as const, number: "19AV48213", escort: true, approve: false },
  ];
  for (const v of visits) {
    const rack = await heldOn(v.on);
    if (!rack) continue;
    const { id } = await trx
      .insertInto("visits")
      .values({
        org_id: org.id,
        site_id: site.id,
        registered_by: owner?.id ?? null,
        visitor_name: v.name,
        company: v.company,
        id_doc_type: v.doc,
        id_doc_number: v.number,
        visit_on: v.on,
        window_start: v.start,
        window_end: v.end,
        escort_needed: v.escort,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.insertInto("visit_racks").values({ visit_id: id, rack_id: rack.id }).execute();
    if (v.approve) await trx.updateTable("visits").set({ status: "approved", decided_by: noc?.id ?? null, decided_at: new Date() }).where("id", "=", id).execute();
  }
  if (!(await trx.selectFrom("badge_holders").select("id").where("org_id", "=", org.id).executeTakeFirst())) {
    await trx
      .insertInto("badge_holders")
      .values({ org_id: org.id, site_id: site.id, name: "Afi Mensah", company: "Kossi Digital SARL", id_doc_type: "national_id", id_doc_number: "TG-0098765432", valid_until: day(25), created_by: owner?.id ?? null })
      .execute();
  }
}
