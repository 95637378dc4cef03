import { sql } from "kysely";
import type { Trx } from "#db/types";
import { createTestDb, type TestDb } from "../support/db";
import { outbox } from "../support/factories";
import { actorOf, deliveriesWorld, opActor, TENANT_ROLES, type DeliveriesWorld } from "./deliveries-world";
import {
  announceDelivery,
  cancelDelivery,
  deliverToRack,
  eventsOf,
  getForOperator,
  getForTenant,
  listForSite,
  listForTenant,
  markCollected,
  receiveDelivery,
  storeDelivery,
  type AnnounceInput,
  type TenantActor,
} from "~/modules/deliveries/deliveries.server";
import { deliveryDeskCounts, deliveryQueue } from "~/modules/deliveries/desk.server";
import { deliveryErrorOf } from "~/modules/deliveries/errors";

/**
 * Deliveries against a real database: the lifecycle and its timeline, every impossible step refused by
 * the module and by the database's trigger, the tenant's own racks only, the keeping period counted
 * in the site's time zone, roles, the e-mails (in the reader's language) and the audit trail.
 */
let t: TestDb;
let w: DeliveriesWorld;

beforeEach(async () => {
  t = await createTestDb({ reference: true });
  w = await deliveriesWorld(t.db);
});
afterEach(() => t.cleanup());

/** 10:00 UTC on a day (10:00 in Lomé, 11:00 in Kinshasa). */
const on = (day: string, time = "10:00:00") => new Date(`${day}T${time}Z`);
const NOW = on("2026-03-10");

/** Run a use-case in a transaction rolled back when it answers a refusal (as the routes do). */
async function run<T extends { ok: boolean }>(fn: (trx: Trx) => Promise<T>): Promise<T> {
  let out: T | undefined;
  try {
    await t.db.transaction().execute(async (trx) => {
      out = await fn(trx);
      if (!out.ok) throw new Error("rollback");
    });
  } catch (error) {
    if (!(error instanceof Error && error.message === "rollback")) throw error;
  }
  return out!;
}

const announcement = (actor: TenantActor, over: Partial<AnnounceInput> = {}): AnnounceInput => ({
  actor,
  siteId: w.ldc.id,
  rackId: w.rack.kossi.id,
  carrier: "DHL Express",
  trackingNumber: "JD014600006281230",
  parcels: 3,
  expectedOn: "2026-03-12",
  purpose: "Deux serveurs et leurs rails",
  now: NOW,
  ...over,
});

async function announce(over: Partial<AnnounceInput> = {}, actor = actorOf(w.kossi.technical)) {
  const r = await run((trx) => announceDelivery(trx, announcement(actor, over)));
  if (!r.ok) throw new Error(`announce: ${r.error}`);
  return r.deliveryId;
}

const noc = () => opActor(w.ops.ops_noc);
const receive = (deliveryId: string, now = NOW, over: { parcelsReceived?: number; condition?: "good" | "damaged"; damageNote?: string } = {}) =>
  run((trx) => receiveDelivery(trx, { actor: noc(), deliveryId, parcelsReceived: 3, condition: "good", now, ...over }));
const store = (deliveryId: string) => run((trx) => storeDelivery(trx, { actor: noc(), deliveryId, storageLocation: "Magasin B, étagère 2", now: NOW }));
const deliver = (deliveryId: string) => run((trx) => deliverToRack(trx, { actor: noc(), deliveryId, now: NOW }));
const collect = (deliveryId: string) => run((trx) => markCollected(trx, { actor: noc(), deliveryId, now: NOW }));
const cancel = (deliveryId: string, actor = actorOf(w.kossi.admin)) => run((trx) => cancelDelivery(trx, { actor, deliveryId }));

const row = (id: string) => t.db.selectFrom("deliveries").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const outcome = (r: { ok: boolean; error?: string }) => (r.ok ? "ok" : r.error);

describe("the lifecycle", () => {
  test("announced by a technical member, received damaged, stored, left at the rack: timeline, audit and e-mails in each reader's language", async () => {
    const id = await announce();
    expect(outcome(await receive(id, NOW, { parcelsReceived: 2, condition: "damaged", damageNote: "Un carton enfoncé" }))).toBe("ok");
    expect(outcome(await store(id))).toBe("ok");
    expect(outcome(await deliver(id))).toBe("ok");

    const d = await row(id);
    expect(d).toMatchObject({ status: "delivered", parcels_announced: 3, parcels_received: 2, condition: "damaged", damage_note: "Un carton enfoncé", received_on: "2026-03-10", storage_location: "Magasin B, étagère 2" });
    const events = await eventsOf(t.db, id);
    expect(events.map((e) => e.kind)).toEqual(["announced", "received", "stored", "delivered"]);
    expect(events[0].by_name).toBe(w.kossi.technical.name);
    expect(events.slice(1).every((e) => e.by_name === w.ops.ops_noc.name)).toBe(true);

    const audit = await t.db.selectFrom("audit_log").select(["action", "actor_email", "org_id"]).where("entity_id", "=", id).orderBy("at").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["delivery.announced", "delivery.received", "delivery.stored", "delivery.delivered"]);
    expect(audit.slice(1).every((a) => a.actor_email === w.ops.ops_noc.email && a.org_id === w.org.kossi.id)).toBe(true);

    // Owner (English), admin and technical (French) are told of each of the 3 operator steps; billing and viewer are not.
    const owner = await outbox(t.db, w.kossi.owner.email);
    expect(owner.map((m) => m.template)).toEqual(["delivery_received_damaged", "delivery_stored", "delivery_delivered"]);
    expect(owner[0].locale).toBe("en");
    expect(owner[0].subject).toMatch(/^Delivery received damaged – DL-[0-9A-F]{8} – /);
    // Received on 10 March, kept 14 days at LDC: may stay until 24 March inclusive.
    expect(owner[0].text).toContain("Mar 24, 2026");
    expect(owner[0].text).toContain("Un carton enfoncé");
    expect(owner[2].subject).toContain(w.rack.kossi.name);
    const admin = await outbox(t.db, w.kossi.admin.email);
    expect(admin.map((m) => m.locale)).toEqual(["fr", "fr", "fr"]);
    expect(admin[0].subject).toMatch(/^Livraison reçue endommagée – DL-/);
    expect(admin[0].text).toContain("24 mars 2026");
    expect(await outbox(t.db, w.kossi.technical.email)).toHaveLength(3);
    expect(await outbox(t.db, w.kossi.billing.email)).toHaveLength(0);
    expect(await outbox(t.db, w.kossi.viewer.email)).toHaveLength(0);
    expect(await outbox(t.db, w.togo.email)).toHaveLength(0);
  });

  test("received then collected at the desk without a rack; an announced one cancelled by the tenant", async () => {
    const a = await announce({ rackId: undefined });
    expect(outcome(await receive(a))).toBe("ok");
    expect(outcome(await deliver(a))).toBe("no_rack");
    expect(outcome(await collect(a))).toBe("ok");
    expect((await eventsOf(t.db, a)).map((e) => e.kind)).toEqual(["announced", "received", "collected"]);
    const b = await announce();
    expect(outcome(await cancel(b))).toBe("ok");
    expect((await row(b)).status).toBe("cancelled");
    expect((await eventsOf(t.db, b)).map((e) => e.kind)).toEqual(["announced", "cancelled"]);
  });

  test("the same announce form sent twice records one delivery", async () => {
    const key = "6f1c1b0e-8a4e-4a53-9d1e-3b7f0f6a1c22";
    const first = await announce({ clientKey: key });
    const second = await run((trx) => announceDelivery(trx, announcement(actorOf(w.kossi.owner), { clientKey: key })));
    expect(second).toEqual({ ok: true, deliveryId: first, repeated: true });
    expect(await t.db.selectFrom("deliveries").select("id").execute()).toHaveLength(1);
  });
});

describe("the state machine", () => {
  /** One delivery in each state, all with a rack. */
  async function oneOfEach() {
    const announced = await announce();
    const received = await announce();
    await receive(received);
    const stored = await announce();
    await receive(stored);
    await store(stored);
    const delivered = await announce();
    await receive(delivered);
    await deliver(delivered);
    const collected = await announce();
    await receive(collected);
    await collect(collected);
    const cancelled = await announce();
    await cancel(cancelled);
    return { announced, received, stored, delivered, collected, cancelled };
  }

  test("the module refuses every impossible step with wrong_state and changes nothing", async () => {
    const ids = await oneOfEach();
    const steps = { receive, store, deliver, collect, cancel: (id: string) => cancel(id) } as const;
    // What each step answers from each state (ok = allowed).
    const expected: Record<keyof typeof ids, Record<keyof typeof steps, string>> = {
      announced: { receive: "ok", store: "wrong_state", deliver: "wrong_state", collect: "wrong_state", cancel: "ok" },
      received: { receive: "wrong_state", store: "ok", deliver: "ok", collect: "ok", cancel: "wrong_state" },
      stored: { receive: "wrong_state", store: "wrong_state", deliver: "ok", collect: "ok", cancel: "wrong_state" },
      delivered: { receive: "wrong_state", store: "wrong_state", deliver: "wrong_state", collect: "wrong_state", cancel: "wrong_state" },
      collected: { receive: "wrong_state", store: "wrong_state", deliver: "wrong_state", collect: "wrong_state", cancel: "wrong_state" },
      cancelled: { receive: "wrong_state", store: "wrong_state", deliver: "wrong_state", collect: "wrong_state", cancel: "wrong_state" },
    };
    for (const [state, id] of Object.entries(ids) as [keyof typeof ids, string][]) {
      for (const [name, step] of Object.entries(steps) as [keyof typeof steps, (id: string) => Promise<{ ok: boolean; error?: string }>][]) {
        if (expected[state][name] === "ok") continue;
        const before = await row(id);
        const events = (await eventsOf(t.db, id)).length;
        expect(outcome(await step(id)), `${name} from ${state}`).toBe("wrong_state");
        expect(await row(id), `${name} from ${state}`).toEqual(before);
        expect((await eventsOf(t.db, id)).length).toBe(events);
      }
    }
    // The allowed ones do go through (on fresh rows of the same state).
    const fresh = await oneOfEach();
    expect(outcome(await receive(fresh.announced))).toBe("ok");
    expect(outcome(await store(fresh.received))).toBe("ok");
    expect(outcome(await collect(fresh.stored))).toBe("ok");
  });

  /** A statement straight to the database, and the HINT of its refusal (undefined when it went through). */
  async function refusal(statement: ReturnType<typeof sql>) {
    try {
      await statement.execute(t.db);
      return undefined;
    } catch (error) {
      const e = error as { code?: string; hint?: string; constraint?: string };
      return e.code === "P0001" ? e.hint : `${e.code}:${e.constraint ?? ""}`;
    }
  }

  test("the database's trigger refuses them too, whatever the application does", async () => {
    const ids = await oneOfEach();
    const at = sql`now()`;
    // Delivered (or stored) before being received.
    expect(await refusal(sql`UPDATE deliveries SET status = 'delivered', delivered_at = ${at} WHERE id = ${ids.announced}`)).toBe("delivery_transition");
    expect(await refusal(sql`UPDATE deliveries SET status = 'stored', stored_at = ${at} WHERE id = ${ids.announced}`)).toBe("delivery_transition");
    // Received twice: the same state again, or its receipt rewritten.
    expect(await refusal(sql`UPDATE deliveries SET status = 'received' WHERE id = ${ids.received}`)).toBe("delivery_transition");
    expect(await refusal(sql`UPDATE deliveries SET parcels_received = 1 WHERE id = ${ids.received}`)).toBe("delivery_frozen");
    // Anything after collected, delivered or cancelled.
    for (const id of [ids.collected, ids.delivered]) {
      expect(await refusal(sql`UPDATE deliveries SET status = 'stored', stored_at = coalesce(stored_at, now()) WHERE id = ${id}`)).toBe("delivery_transition");
    }
    expect(await refusal(sql`UPDATE deliveries SET status = 'delivered', collected_at = NULL, delivered_at = now() WHERE id = ${ids.collected}`)).toBe("delivery_frozen");
    expect(await refusal(sql`UPDATE deliveries SET status = 'received', cancelled_at = NULL, received_at = now(), received_on = '2026-03-10', parcels_received = 1, condition = 'good' WHERE id = ${ids.cancelled}`)).toBe(
      "delivery_frozen",
    );
    // Cancelled once received; back to announced.
    expect(await refusal(sql`UPDATE deliveries SET status = 'cancelled', cancelled_at = now() WHERE id = ${ids.received}`)).toBe("delivery_transition");
    expect(await refusal(sql`UPDATE deliveries SET status = 'announced', received_at = NULL, received_on = NULL, parcels_received = NULL, condition = NULL, received_by = NULL WHERE id = ${ids.received}`)).toBe("delivery_frozen");
    // What was announced is frozen; nothing is deleted; the timeline is kept as written.
    expect(await refusal(sql`UPDATE deliveries SET carrier = 'Autre' WHERE id = ${ids.announced}`)).toBe("delivery_frozen");
    expect(await refusal(sql`UPDATE deliveries SET rack_id = NULL WHERE id = ${ids.announced}`)).toBe("delivery_frozen");
    expect(await refusal(sql`DELETE FROM deliveries WHERE id = ${ids.cancelled}`)).toBe("delivery_frozen");
    expect(await refusal(sql`UPDATE delivery_events SET at = now() WHERE delivery_id = ${ids.delivered}`)).toBe("delivery_frozen");
    expect(await refusal(sql`DELETE FROM delivery_events WHERE delivery_id = ${ids.delivered}`)).toBe("delivery_frozen");
    // A step without its fields (CHECKs): received without a count; left at the rack with no rack; damaged without a note.
    expect(await refusal(sql`UPDATE deliveries SET status = 'received', received_at = now() WHERE id = ${ids.announced}`)).toBe("23514:deliveries_receipt");
    expect(
      await refusal(sql`UPDATE deliveries SET status = 'received', received_at = now(), received_on = '2026-03-10', parcels_received = 2, condition = 'damaged' WHERE id = ${ids.announced}`),
    ).toBe("23514:deliveries_receipt");
    // A delivery cannot start in a later state.
    expect(
      await refusal(
        sql`INSERT INTO deliveries (org_id, site_id, carrier, tracking_number, parcels_announced, expected_on, purpose, status, received_at, received_on, parcels_received, condition)
            VALUES (${w.org.kossi.id}, ${w.ldc.id}, 'DHL', 'X1', 1, '2026-03-12', 'x', 'received', now(), '2026-03-10', 1, 'good')`,
      ),
    ).toBe("delivery_transition");
    // Column limits: 0 and 1000 parcels.
    for (const n of [0, 1000]) {
      expect(
        await refusal(sql`INSERT INTO deliveries (org_id, site_id, carrier, tracking_number, parcels_announced, expected_on, purpose) VALUES (${w.org.kossi.id}, ${w.ldc.id}, 'DHL', 'X1', ${n}, '2026-03-12', 'x')`),
      ).toMatch(/^23514:/);
    }
    // The refusals read as the module's codes.
    expect(deliveryErrorOf({ code: "P0001", hint: "delivery_transition" })).toBe("wrong_state");
    expect(deliveryErrorOf({ code: "P0001", hint: "delivery_rack" })).toBe("rack_not_held");
    // Nothing moved: the allowed path still works on the announced one.
    expect(outcome(await receive(ids.announced))).toBe("ok");
  });
});

describe("whose rack, whose site", () => {
  test("only a rack the tenant holds at that site on the expected day; only a site where it holds a live contract", async () => {
    const kossi = actorOf(w.kossi.owner);
    const tryAnnounce = async (over: Partial<AnnounceInput>, actor = kossi) => outcome(await run((trx) => announceDelivery(trx, announcement(actor, over))));
    expect(await tryAnnounce({ rackId: w.rack.togo.id })).toBe("rack_not_held");
    expect(await tryAnnounce({ rackId: w.rack.kin.id })).toBe("rack_not_held");
    // Held until 31 March: fine for the 20th, not for 2 April.
    expect(await tryAnnounce({ rackId: w.rack.kossiOld.id, expectedOn: "2026-03-20" })).toBe("ok");
    expect(await tryAnnounce({ rackId: w.rack.kossiOld.id, expectedOn: "2026-04-02" })).toBe("rack_not_held");
    expect(await tryAnnounce({ rackId: "not-a-uuid" })).toBe("rack_not_held");
    // Another site: Kinshasa with its own rack is fine; Togo Cloud holds nothing there.
    expect(await tryAnnounce({ siteId: w.kin.id, rackId: w.rack.kin.id })).toBe("ok");
    expect(await tryAnnounce({ siteId: w.kin.id, rackId: undefined }, actorOf(w.togo))).toBe("no_contract");
    // A terminated contract (ended 28 February) allows no announcement.
    expect(await tryAnnounce({ rackId: undefined }, actorOf(w.ancien))).toBe("no_contract");
    // The expected day: from 7 days back to 180 days ahead of the site's today (10 March).
    expect(await tryAnnounce({ expectedOn: "2026-03-03" })).toBe("ok");
    expect(await tryAnnounce({ expectedOn: "2026-03-02" })).toBe("expected_too_early");
    expect(await tryAnnounce({ rackId: undefined, expectedOn: "2026-09-06" })).toBe("ok");
    expect(await tryAnnounce({ rackId: undefined, expectedOn: "2026-09-07" })).toBe("expected_too_far");
    expect(await t.db.selectFrom("deliveries").select("id").execute()).toHaveLength(4);
  });

  test("the database refuses another tenant's rack, a rack elsewhere, and an organisation without a contract at the site", async () => {
    const insert = (orgId: string, siteId: string, rackId: string | null, expectedOn = "2026-03-12") =>
      t.db.insertInto("deliveries").values({ org_id: orgId, site_id: siteId, rack_id: rackId, carrier: "DHL", tracking_number: "X1", parcels_announced: 1, expected_on: expectedOn, purpose: "x" }).execute();
    const hint = async (p: Promise<unknown>) => p.then(() => "ok", (e: { hint?: string }) => e.hint);
    expect(await hint(insert(w.org.kossi.id, w.ldc.id, w.rack.togo.id))).toBe("delivery_rack");
    expect(await hint(insert(w.org.kossi.id, w.ldc.id, w.rack.kin.id))).toBe("delivery_rack");
    expect(await hint(insert(w.org.kossi.id, w.ldc.id, w.rack.kossiOld.id, "2026-04-01"))).toBe("delivery_rack");
    expect(await hint(insert(w.org.ancien.id, w.ldc.id, null))).toBe("delivery_site");
    expect(await hint(insert(w.org.togo.id, w.kin.id, null))).toBe("delivery_site");
    expect(await hint(insert(w.org.kossi.id, w.ldc.id, w.rack.kossi.id))).toBe("ok");
  });

  test("roles: owners, admins and technical members announce and cancel; billing and viewer may not; another tenant's delivery is not found", async () => {
    for (const role of TENANT_ROLES) {
      const r = await run((trx) => announceDelivery(trx, announcement(actorOf(w.kossi[role]))));
      expect(outcome(r), role).toBe(role === "billing" || role === "viewer" ? "not_allowed" : "ok");
    }
    const id = await announce();
    expect(outcome(await cancel(id, actorOf(w.kossi.viewer)))).toBe("not_allowed");
    expect(outcome(await cancel(id, actorOf(w.kossi.billing)))).toBe("not_allowed");
    expect(outcome(await cancel(id, actorOf(w.togo)))).toBe("not_found");
    expect(await getForTenant(t.db, { orgId: w.org.togo.id, deliveryId: id })).toBeUndefined();
    expect((await listForTenant(t.db, { orgId: w.org.togo.id })).length).toBe(0);
    expect((await getForTenant(t.db, { orgId: w.org.kossi.id, deliveryId: id }))?.status).toBe("announced");
    expect(outcome(await cancel(id, actorOf(w.kossi.technical)))).toBe("ok");
  });
});

describe("parcels kept too long", () => {
  test("Lomé (UTC+0, 14 days): received on 1 March, within its time through 15 March, flagged from 16 March", async () => {
    const id = await announce({ expectedOn: "2026-03-01", now: on("2026-02-27") }, actorOf(w.kossi.owner));
    await receive(id, on("2026-03-01", "08:00:00"));
    const flagged = async (now: Date) => (await getForTenant(t.db, { orgId: w.org.kossi.id, deliveryId: id, now }))!;
    expect((await flagged(on("2026-03-15", "23:59:59"))).flagged).toBe(false);
    expect((await flagged(on("2026-03-15", "23:59:59"))).daysAtSite).toBe(14);
    expect((await flagged(on("2026-03-16", "00:00:00"))).flagged).toBe(true);
    expect((await flagged(on("2026-03-16", "00:00:00"))).keepUntil).toBe("2026-03-15");
    // Stored, it still waits and stays flagged; once handed over, it is not.
    await store(id);
    expect((await getForOperator(t.db, id, on("2026-03-16")))!.flagged).toBe(true);
    await collect(id);
    expect((await getForOperator(t.db, id, on("2026-03-16")))!.flagged).toBe(false);
  });

  test("Kinshasa (UTC+1, 5 days here): a parcel received at 23:30 UTC on 1 March was received on the 2nd, and is flagged from the 8th, local time", async () => {
    const id = await announce({ siteId: w.kin.id, rackId: w.rack.kin.id, expectedOn: "2026-03-01", now: on("2026-02-27") }, actorOf(w.kossi.owner));
    await receive(id, on("2026-03-01", "23:30:00"));
    expect((await row(id)).received_on).toBe("2026-03-02");
    // 22:59 UTC on the 7th is 23:59 on the 7th in Kinshasa (2 + 5 = 7: the last day); 23:00 UTC is the 8th there.
    const at = async (now: Date) => (await listForTenant(t.db, { orgId: w.org.kossi.id, now })).find((d) => d.id === id)!;
    expect((await at(on("2026-03-07", "22:59:59"))).flagged).toBe(false);
    expect((await at(on("2026-03-07", "23:00:00"))).flagged).toBe(true);
    // The operators' queue, on the site's day, flags it as well.
    expect((await deliveryQueue(t.db, w.kin.id, "2026-03-07", 10)).items[0].flagKey).toBeUndefined();
    expect((await deliveryQueue(t.db, w.kin.id, "2026-03-08", 10)).items[0].flagKey).toBe("deliveries.flag.keptTooLong");
    const site = await listForSite(t.db, { siteCode: "KIN", now: on("2026-03-07", "23:00:00") });
    expect(site!.site.today).toBe("2026-03-08");
    expect(site!.deliveries.map((d) => [d.id, d.flagged])).toEqual([[id, true]]);
  });
});

describe("the desk", () => {
  test("the tenant's counts and the site's queue: announced for today or earlier first, then what waits at the site", async () => {
    const waitingOld = await announce({ expectedOn: "2026-03-03" });
    await receive(waitingOld, on("2026-03-04"));
    const waitingNew = await announce({ expectedOn: "2026-03-09" });
    await receive(waitingNew, on("2026-03-09"));
    await store(waitingNew);
    const late = await announce({ expectedOn: "2026-03-05" });
    const today = await announce({ expectedOn: "2026-03-10" });
    const future = await announce({ expectedOn: "2026-03-11" });
    const done = await announce({ expectedOn: "2026-03-08" });
    await receive(done);
    await collect(done);
    const cancelled = await announce({ expectedOn: "2026-03-08" });
    await cancel(cancelled);
    // Togo Cloud's delivery at the same site is in the queue, not in Kossi's counts.
    const togo = await run((trx) => announceDelivery(trx, announcement(actorOf(w.togo), { rackId: w.rack.togo.id, expectedOn: "2026-03-10", now: on("2026-03-10", "11:00:00") })));
    if (!togo.ok) throw new Error(togo.error);

    // Open: 2 waiting + 3 announced (late, today, future) = 5; attention: the 2 waiting at the site.
    expect(await deliveryDeskCounts(t.db, w.org.kossi.id)).toEqual({ open: 5, attention: 2 });
    expect(await deliveryDeskCounts(t.db, w.org.togo.id)).toEqual({ open: 1, attention: 0 });

    const queue = await deliveryQueue(t.db, w.ldc.id, "2026-03-10", 4);
    expect(queue.total).toBe(5);
    // late (5th), today (10th, announced first of the two on that day), Togo's (10th), then waiting: received 4th, received 9th.
    expect(queue.items.map((i) => i.id)).toEqual([late, today, togo.deliveryId, waitingOld]);
    expect(queue.items[2].orgName).toBe("Togo Cloud SARL");
    expect(queue.items[0]).toMatchObject({ href: `/ops/desk/deliveries/${late}`, statusKey: "deliveries.status.announced", at: "2026-03-05T00:00:00.000Z" });
    expect(queue.items[0].title).toMatch(/^DHL Express · JD014600006281230 \(DL-/);
    expect(queue.items.some((i) => i.id === future || i.id === done || i.id === cancelled)).toBe(false);
    // Received 4 March, 14 days: not flagged on the 10th, flagged on the 19th.
    expect(queue.items[3].flagKey).toBeUndefined();
    expect((await deliveryQueue(t.db, w.ldc.id, "2026-03-19", 10)).items.find((i) => i.id === waitingOld)!.flagKey).toBe("deliveries.flag.keptTooLong");
    expect((await deliveryQueue(t.db, w.ldc.id, "2026-03-19", 10)).items.find((i) => i.id === waitingNew)!.flagKey).toBeUndefined();
    expect((await deliveryQueue(t.db, w.kin.id, "2026-03-10", 10)).total).toBe(0);

    const upcoming = await listForSite(t.db, { siteCode: "LDC", filter: "upcoming", now: NOW });
    expect(upcoming!.deliveries.map((d) => d.id)).toEqual([future]);
    const finished = await listForSite(t.db, { siteCode: "LDC", filter: "done", now: NOW });
    expect(finished!.deliveries.map((d) => d.id).sort()).toEqual([cancelled, done].sort());
    expect((await listForTenant(t.db, { orgId: w.org.kossi.id, filter: "open" })).length).toBe(5);
    expect((await listForTenant(t.db, { orgId: w.org.kossi.id, filter: "done" })).length).toBe(2);
    expect(await listForSite(t.db, { siteCode: "NOPE" })).toBeUndefined();
  });
});
