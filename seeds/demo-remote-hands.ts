import { sql } from "kysely";
import type { Trx } from "#db/types";
import { dayIn } from "~/utils/dates";

/**
 * Demo remote hands (issue 13): Kossi Digital asked the Lomé team yesterday to check the link lights
 * on its rack A01; the NOC took it 40 minutes later, posted an update and logged 10 minutes — it is
 * still open, so nothing is billed yet. Demo data only. Idempotent: nothing is written once the
 * organisation has a ticket.
 */
export async function seedDemoRemoteHands(trx: Trx, now = new Date()) {
  const org = await trx.selectFrom("organisations").select("id").where("name", "=", "Kossi Digital SARL").orderBy("created_at").executeTakeFirst();
  const site = await trx.selectFrom("sites").select(["id", "time_zone", "remote_hands_target_standard_min"]).where("code", "=", "LDC").executeTakeFirst();
  if (!org || !site) return;
  if (await trx.selectFrom("remote_hands_tickets").select("id").where("org_id", "=", org.id).executeTakeFirst()) return;
  // The database checks "today" by its own clock: the contract and the rack must be in force then.
  const today = [dayIn(site.time_zone, now), dayIn(site.time_zone)].sort()[1];
  const allocation = await trx
    .selectFrom("allocations as a")
    .innerJoin("racks as r", "r.id", "a.rack_id")
    .innerJoin("rooms as m", "m.id", "r.room_id")
    .innerJoin("contracts as c", "c.id", "a.contract_id")
    .select(["a.id", "a.contract_id"])
    .where("a.org_id", "=", org.id)
    .where("m.site_id", "=", site.id)
    .where(sql<boolean>`a.during @> ${today}::date`)
    .where("c.start_on", "<=", today)
    .where((eb) => eb.or([eb("c.end_on", "is", null), eb("c.end_on", ">=", today)]))
    .orderBy("r.name")
    .executeTakeFirst();
  if (!allocation) return;
  const owner = await trx.selectFrom("users").select("id").where("email", "=", "owner@kossi.demo.test").executeTakeFirst();
  const noc = await trx.selectFrom("users").select("id").where("email", "=", "noc@ops.demo.test").executeTakeFirst();
  const openedAt = new Date(now.getTime() - 26 * 3_600_000);
  const takenAt = new Date(openedAt.getTime() + 40 * 60_000);
  const { id } = await trx
    .insertInto("remote_hands_tickets")
    .values({
      org_id: org.id,
      contract_id: allocation.contract_id,
      site_id: site.id,
      kind: "inspection",
      urgency: "standard",
      description: "Vérifier les voyants de lien des ports 1 à 4 du commutateur en haut de la baie et envoyer une photo de la face avant.",
      target_minutes: site.remote_hands_target_standard_min,
      opened_by: owner?.id ?? null,
      opened_at: openedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx.insertInto("remote_hands_ticket_racks").values({ ticket_id: id, org_id: org.id, allocation_id: allocation.id }).execute();
  await trx.insertInto("remote_hands_events").values({ ticket_id: id, org_id: org.id, kind: "created", author_id: owner?.id ?? null, at: openedAt }).execute();
  await trx.updateTable("remote_hands_tickets").set({ status: "taken", taken_by: noc?.id ?? null, taken_at: takenAt }).where("id", "=", id).execute();
  await trx.insertInto("remote_hands_events").values({ ticket_id: id, org_id: org.id, kind: "taken", author_id: noc?.id ?? null, at: takenAt }).execute();
  await trx
    .insertInto("remote_hands_events")
    .values([
      { ticket_id: id, org_id: org.id, kind: "update", body: "Ports 1 à 3 allumés en vert ; port 4 éteint. Nous vérifions le câble.", author_id: noc?.id ?? null, at: new Date(takenAt.getTime() + 15 * 60_000) },
      { ticket_id: id, org_id: org.id, kind: "time", minutes: 10, author_id: noc?.id ?? null, at: new Date(takenAt.getTime() + 16 * 60_000) },
    ])
    .execute();
}
