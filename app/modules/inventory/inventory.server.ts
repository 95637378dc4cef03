import { PRODUCT_KINDS } from "./products";
import { isUuid } from "~/utils/ids";
import { siteToday } from "~/utils/dates";
/**
 * The operator's inventory: capacity dashboards (read) and the edits of rooms, racks, ports, the
 * site uplink and the price list (write). Capacity numbers come from `capacity.server.ts`; the
 * database keeps the last word on every invariant (triggers refuse a capacity below what is
 * committed, unique indexes refuse duplicate names), and those refusals come back here as values.
 *
 * Every mutation takes the action's transaction and writes its audit entry in it.
 */
import { sql } from "kysely";
import type { Currency, ProductKind } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { siteBandwidth, sitePorts, siteRacks, type Period, type SiteRack } from "./capacity.server";
import { freeRuns } from "./placement";

const SITE_CODE = /^[A-Za-z]{3}$/;


/** Today at the site (capacity views are "as of today" in the site's time zone). */
export { siteToday };

const todayPeriod = (timeZone: string, now?: Date): Period => {
  const today = siteToday(timeZone, now);
  return { startOn: today, endOn: today };
};

export interface Site {
  id: string;
  code: string;
  name: string;
  country: string;
  time_zone: string;
  currency: Currency;
  uplink_capacity_mbps: number;
  oversubscription_ratio: string;
}

const siteColumns = ["id", "code", "name", "country", "time_zone", "currency", "uplink_capacity_mbps", "oversubscription_ratio"] as const;

/** A site by its code, whatever the case ("ldc" = "LDC"); undefined when unknown or malformed. */
export async function findSite(db: Executor, code: string | undefined): Promise<Site | undefined> {
  if (!code || !SITE_CODE.test(code)) return undefined;
  return db.selectFrom("sites").select(siteColumns).where("code", "=", code.toUpperCase()).executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------
// Reading: capacity at a glance

/** Space and power totals over a site's active racks (racks in maintenance take nothing new). */
export function capacityTotals(racks: SiteRack[]) {
  const active = racks.filter((r) => r.status === "active");
  const sum = (f: (r: SiteRack) => number) => active.reduce((s, r) => s + f(r), 0);
  return {
    space: {
      usedU: sum((r) => r.usedU),
      totalU: sum((r) => r.height_u),
      freeRacks: active.filter((r) => r.allocations.length === 0).length,
      activeRacks: active.length,
      maintenanceRacks: racks.length - active.length,
    },
    power: { committedW: sum((r) => r.committedW), usableW: sum((r) => r.usableW) },
  };
}

/** Every site with its capacity today (in its own time zone): the operator's list of sites. */
export async function sitesOverview(db: Executor, now = new Date()) {
  const sites = await db.selectFrom("sites").select(siteColumns).orderBy("code").execute();
  const out = [];
  for (const site of sites) {
    const period = todayPeriod(site.time_zone, now);
    const racks = await siteRacks(db, site.id, period);
    const bandwidth = await siteBandwidth(db, site.id, period);
    out.push({ ...site, today: period.startOn, ...capacityTotals(racks), bandwidth });
  }
  return out;
}

const largestRun = (r: SiteRack) =>
  Math.max(
    0,
    ...freeRuns(
      r.height_u,
      r.allocations.map((a) => ({ first: a.first_u, last: a.last_u })),
    ).map((x) => x.last - x.first + 1),
  );

/** One site's capacity dashboard for today: totals, rooms with their racks, bandwidth, ports. */
export async function siteDashboard(db: Executor, site: Site, now = new Date()) {
  const period = todayPeriod(site.time_zone, now);
  const racks = await siteRacks(db, site.id, period);
  const rooms = await db.selectFrom("rooms").select(["id", "name", "kind"]).where("site_id", "=", site.id).orderBy("name").execute();
  const bandwidth = await siteBandwidth(db, site.id, period);
  const ports = await sitePorts(db, site.id, period);
  return {
    today: period.startOn,
    ...capacityTotals(racks),
    bandwidth,
    rooms: rooms.map((room) => ({
      ...room,
      racks: racks
        .filter((r) => r.room_id === room.id)
        .map((r) => ({
          id: r.id,
          name: r.name,
          status: r.status,
          heightU: r.height_u,
          usedU: r.usedU,
          largestFreeRun: largestRun(r),
          powerCapacityW: r.power_capacity_w,
          feedAW: r.feed_a_capacity_w,
          feedBW: r.feed_b_capacity_w,
          usableW: r.usableW,
          committedW: r.committedW,
          tenants: [...new Set(r.allocations.map((a) => a.org_name))],
        })),
    })),
    ports: ports.map((p) => ({
      id: p.id,
      name: p.name,
      media: p.media,
      roomName: p.room_name,
      state: p.status === "maintenance" ? ("maintenance" as const) : p.allocation_id ? ("used" as const) : ("free" as const),
      tenant: p.org_name,
    })),
  };
}

/**
 * One rack of a site (undefined when the rack is unknown or belongs to another site): its facts,
 * what occupies it today (the elevation), and what is committed from today on — the floor the
 * database holds its capacity to.
 */
export async function rackDetail(db: Executor, site: Site, rackId: string | undefined, now = new Date()) {
  if (!isUuid(rackId)) return undefined;
  const today = siteToday(site.time_zone, now);
  const todayRacks = await siteRacks(db, site.id, { startOn: today, endOn: today });
  const rack = todayRacks.find((r) => r.id === rackId);
  if (!rack) return undefined;
  const ahead = (await siteRacks(db, site.id, { startOn: today, endOn: null })).find((r) => r.id === rackId)!;
  const room = await db.selectFrom("rooms").select(["id", "name", "kind"]).where("id", "=", rack.room_id).executeTakeFirstOrThrow();
  return {
    today,
    room,
    rack: {
      id: rack.id,
      name: rack.name,
      status: rack.status,
      heightU: rack.height_u,
      powerCapacityW: rack.power_capacity_w,
      feedAW: rack.feed_a_capacity_w,
      feedBW: rack.feed_b_capacity_w,
      usableW: rack.usableW,
      committedW: rack.committedW,
      usedU: rack.usedU,
      largestFreeRun: largestRun(rack),
    },
    /** Occupying the rack today, bottom to top. */
    allocations: rack.allocations.map((a) => ({
      id: a.id,
      orgId: a.org_id,
      orgName: a.org_name,
      kind: a.kind,
      firstU: a.first_u,
      lastU: a.last_u,
      powerW: a.power_w,
      startOn: a.start_on,
      endOn: a.end_on,
    })),
    /** Today and later: what the rack's capacity may not drop below. */
    upcoming: ahead.allocations.map((a) => ({
      id: a.id,
      orgName: a.org_name,
      kind: a.kind,
      firstU: a.first_u,
      lastU: a.last_u,
      powerW: a.power_w,
      startOn: a.start_on,
      endOn: a.end_on,
    })),
    committedAheadW: ahead.committedW,
    highestAllocatedU: Math.max(0, ...ahead.allocations.map((a) => a.last_u)),
  };
}

/** Rooms and ports of a site, for the inventory page. */
export async function siteInventory(db: Executor, site: Site, now = new Date()) {
  const period = todayPeriod(site.time_zone, now);
  const rooms = await db
    .selectFrom("rooms as m")
    .leftJoin("racks as r", "r.room_id", "m.id")
    .select(["m.id", "m.name", "m.kind", (eb) => eb.fn.count<number>("r.id").as("racks")])
    .where("m.site_id", "=", site.id)
    .groupBy(["m.id", "m.name", "m.kind"])
    .orderBy("m.name")
    .execute();
  const ports = await sitePorts(db, site.id, period);
  return {
    rooms: rooms.map((r) => ({ ...r, racks: Number(r.racks) })),
    ports: ports.map((p) => ({
      id: p.id,
      name: p.name,
      media: p.media,
      status: p.status,
      roomName: p.room_name,
      inUse: Boolean(p.allocation_id),
      tenant: p.org_name,
    })),
    bandwidth: await siteBandwidth(db, site.id, period),
  };
}

export async function listProducts(db: Executor, siteId: string) {
  const rows = await db
    .selectFrom("products")
    .select(["id", "kind", "name_fr", "name_en", "unit_price_minor", "setup_fee_minor", "is_active", "created_at"])
    .where("site_id", "=", siteId)
    .execute();
  return rows.sort((a, b) => (PRODUCT_KINDS as readonly string[]).indexOf(a.kind) - (PRODUCT_KINDS as readonly string[]).indexOf(b.kind) || Number(b.is_active) - Number(a.is_active));
}


// ---------------------------------------------------------------------------------------------
// Writing

interface DbError {
  code?: string;
  hint?: string;
  constraint?: string;
}

const UNIQUE_VIOLATION = "23505";
const RAISED = "P0001";

/**
 * Run one write inside a savepoint. An expected refusal of the database (unique violation, or a
 * trigger's P0001 with a HINT) rolls back to the savepoint and comes back as a value, leaving the
 * transaction usable; anything else is unexpected and is thrown.
 */
async function attempt<T>(trx: Trx, write: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: DbError }> {
  await sql`SAVEPOINT inventory_write`.execute(trx);
  try {
    const value = await write();
    await sql`RELEASE SAVEPOINT inventory_write`.execute(trx);
    return { ok: true, value };
  } catch (thrown) {
    const error = thrown as DbError;
    const expected = error?.code === UNIQUE_VIOLATION || (error?.code === RAISED && typeof error.hint === "string");
    if (!expected) throw thrown;
    await sql`ROLLBACK TO SAVEPOINT inventory_write`.execute(trx);
    return { ok: false, error };
  }
}

async function roomOfSite(db: Executor, siteId: string, roomId: string) {
  if (!isUuid(roomId)) return undefined;
  return db.selectFrom("rooms").select(["id", "name"]).where("id", "=", roomId).where("site_id", "=", siteId).executeTakeFirst();
}

export async function createRoom(trx: Trx, input: { siteId: string; name: string; kind: "data_hall" | "meet_me_room"; actor: Actor }) {
  const result = await attempt(trx, () =>
    trx.insertInto("rooms").values({ site_id: input.siteId, name: input.name, kind: input.kind }).returning("id").executeTakeFirstOrThrow(),
  );
  if (!result.ok) return { ok: false as const, error: "name_taken" as const };
  await recordAudit(trx, {
    actor: input.actor,
    action: "inventory.room_created",
    entityType: "room",
    entityId: result.value.id,
    after: { site_id: input.siteId, name: input.name, kind: input.kind },
  });
  return { ok: true as const, roomId: result.value.id };
}

export interface RackValues {
  name: string;
  heightU: number;
  powerCapacityW: number;
  feedAW: number;
  feedBW: number;
}

export async function createRack(trx: Trx, input: RackValues & { siteId: string; roomId: string; actor: Actor }) {
  const room = await roomOfSite(trx, input.siteId, input.roomId);
  if (!room) return { ok: false as const, error: "room_not_found" as const };
  const row = {
    room_id: room.id,
    name: input.name,
    height_u: input.heightU,
    power_capacity_w: input.powerCapacityW,
    feed_a_capacity_w: input.feedAW,
    feed_b_capacity_w: input.feedBW,
  };
  const result = await attempt(trx, () => trx.insertInto("racks").values(row).returning("id").executeTakeFirstOrThrow());
  if (!result.ok) return { ok: false as const, error: "name_taken" as const };
  await recordAudit(trx, {
    actor: input.actor,
    action: "inventory.rack_created",
    entityType: "rack",
    entityId: result.value.id,
    after: { ...row, room_name: room.name },
  });
  return { ok: true as const, rackId: result.value.id };
}

export type UpdateRackResult =
  | { ok: true; changed: boolean }
  | { ok: false; error: "not_found" | "name_taken" }
  | { ok: false; error: "power_below_committed"; committedW: number }
  | { ok: false; error: "units_below_allocated"; highestU: number };

/** Edit a rack of the site. The database refuses a capacity below what is committed from today on. */
export async function updateRack(
  trx: Trx,
  input: RackValues & { siteId: string; rackId: string; status: "active" | "maintenance"; actor: Actor },
): Promise<UpdateRackResult> {
  if (!isUuid(input.rackId)) return { ok: false, error: "not_found" };
  const before = await trx
    .selectFrom("racks as r")
    .innerJoin("rooms as m", "m.id", "r.room_id")
    .select(["r.id", "r.name", "r.height_u", "r.power_capacity_w", "r.feed_a_capacity_w", "r.feed_b_capacity_w", "r.status"])
    .where("r.id", "=", input.rackId)
    .where("m.site_id", "=", input.siteId)
    .forUpdate("r")
    .executeTakeFirst();
  if (!before) return { ok: false, error: "not_found" };
  const after = {
    name: input.name,
    height_u: input.heightU,
    power_capacity_w: input.powerCapacityW,
    feed_a_capacity_w: input.feedAW,
    feed_b_capacity_w: input.feedBW,
    status: input.status,
  };
  const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
  if (changed.length === 0) return { ok: true, changed: false };

  const result = await attempt(trx, () => trx.updateTable("racks").set(after).where("id", "=", before.id).execute());
  if (!result.ok) {
    if (result.error.code === UNIQUE_VIOLATION) return { ok: false, error: "name_taken" };
    if (result.error.hint === "power_below_committed") {
      // The trigger's own sum: allocations overlapping the site's today or later.
      const row = await trx
        .selectFrom("allocations")
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("power_w"), sql<number>`0`).as("w"))
        .where("rack_id", "=", before.id)
        .where(sql<boolean>`during && daterange(site_today(${input.siteId}), NULL, '[]')`)
        .executeTakeFirstOrThrow();
      return { ok: false, error: "power_below_committed", committedW: Number(row.w) };
    }
    if (result.error.hint === "units_below_allocated") {
      const row = await trx
        .selectFrom("allocations")
        .select((eb) => eb.fn.max("last_u").as("u"))
        .where("rack_id", "=", before.id)
        .where(sql<boolean>`during && daterange(site_today(${input.siteId}), NULL, '[]')`)
        .executeTakeFirstOrThrow();
      return { ok: false, error: "units_below_allocated", highestU: Number(row.u ?? 0) };
    }
    throw Object.assign(new Error(`unexpected refusal updating rack ${before.id}`), { cause: result.error });
  }
  await recordAudit(trx, {
    actor: input.actor,
    action: "inventory.rack_updated",
    entityType: "rack",
    entityId: before.id,
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: Object.fromEntries(changed.map((k) => [k, after[k]])),
  });
  return { ok: true, changed: true };
}

export async function createPort(trx: Trx, input: { siteId: string; roomId: string; name: string; media: "smf" | "mmf" | "cat6"; actor: Actor }) {
  const room = await roomOfSite(trx, input.siteId, input.roomId);
  if (!room) return { ok: false as const, error: "room_not_found" as const };
  const row = { site_id: input.siteId, room_id: room.id, name: input.name, media: input.media };
  const result = await attempt(trx, () => trx.insertInto("cross_connect_ports").values(row).returning("id").executeTakeFirstOrThrow());
  if (!result.ok) return { ok: false as const, error: "name_taken" as const };
  await recordAudit(trx, {
    actor: input.actor,
    action: "inventory.port_created",
    entityType: "cross_connect_port",
    entityId: result.value.id,
    after: { ...row, room_name: room.name },
  });
  return { ok: true as const, portId: result.value.id };
}

/** Put a port in maintenance or back in service. A port in use keeps its tenant; it only takes no new one. */
export async function setPortStatus(trx: Trx, input: { siteId: string; portId: string; status: "active" | "maintenance"; actor: Actor }) {
  if (!isUuid(input.portId)) return { ok: false as const, error: "not_found" as const };
  const port = await trx
    .selectFrom("cross_connect_ports")
    .select(["id", "name", "status"])
    .where("id", "=", input.portId)
    .where("site_id", "=", input.siteId)
    .forUpdate()
    .executeTakeFirst();
  if (!port) return { ok: false as const, error: "not_found" as const };
  if (port.status === input.status) return { ok: true as const, name: port.name, changed: false };
  await trx.updateTable("cross_connect_ports").set({ status: input.status }).where("id", "=", port.id).execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "inventory.port_status_changed",
    entityType: "cross_connect_port",
    entityId: port.id,
    before: { name: port.name, status: port.status },
    after: { name: port.name, status: input.status },
  });
  return { ok: true as const, name: port.name, changed: true };
}

/** Change the site's uplink and oversubscription ratio; refused below the bandwidth committed from today on. */
export async function updateUplink(trx: Trx, input: { siteId: string; uplinkMbps: number; ratio: string; actor: Actor }) {
  const before = await trx
    .selectFrom("sites")
    .select(["id", "uplink_capacity_mbps", "oversubscription_ratio"])
    .where("id", "=", input.siteId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return { ok: false as const, error: "not_found" as const };
  const result = await attempt(trx, () =>
    trx
      .updateTable("sites")
      .set({ uplink_capacity_mbps: input.uplinkMbps, oversubscription_ratio: input.ratio })
      .where("id", "=", before.id)
      .returning(["uplink_capacity_mbps", "oversubscription_ratio"])
      .executeTakeFirstOrThrow(),
  );
  if (!result.ok) {
    if (result.error.hint !== "bandwidth_below_committed")
      throw Object.assign(new Error("unexpected refusal updating the uplink"), { cause: result.error });
    const row = (
      await sql<{ mbps: string }>`SELECT site_bandwidth_peak(${before.id}, NULL, daterange(site_today(${before.id}), NULL, '[]')) AS mbps`.execute(trx)
    ).rows[0];
    return { ok: false as const, error: "bandwidth_below_committed" as const, committedMbps: Number(row.mbps) };
  }
  const changed =
    result.value.uplink_capacity_mbps !== before.uplink_capacity_mbps || result.value.oversubscription_ratio !== before.oversubscription_ratio;
  if (changed) {
    await recordAudit(trx, {
      actor: input.actor,
      action: "inventory.uplink_updated",
      entityType: "site",
      entityId: before.id,
      before: { uplink_capacity_mbps: before.uplink_capacity_mbps, oversubscription_ratio: before.oversubscription_ratio },
      after: result.value,
    });
  }
  return { ok: true as const, changed };
}

/**
 * Edit a product's names and prices (integers in the site currency's minor units). Contracts froze
 * their own prices in contract_lines at approval, so this only applies to what is quoted from now on.
 */
export async function updateProduct(
  trx: Trx,
  input: { siteId: string; productId: string; nameFr: string; nameEn: string; unitPriceMinor: number; setupFeeMinor: number; actor: Actor },
) {
  if (!isUuid(input.productId)) return { ok: false as const, error: "not_found" as const };
  const before = await trx
    .selectFrom("products")
    .select(["id", "kind", "name_fr", "name_en", "unit_price_minor", "setup_fee_minor"])
    .where("id", "=", input.productId)
    .where("site_id", "=", input.siteId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return { ok: false as const, error: "not_found" as const };
  const after = { name_fr: input.nameFr, name_en: input.nameEn, unit_price_minor: input.unitPriceMinor, setup_fee_minor: input.setupFeeMinor };
  const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
  if (changed.length === 0) return { ok: true as const, changed: false };
  await trx.updateTable("products").set(after).where("id", "=", before.id).execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "inventory.price_updated",
    entityType: "product",
    entityId: before.id,
    before: { kind: before.kind, ...Object.fromEntries(changed.map((k) => [k, before[k]])) },
    after: { kind: before.kind, ...Object.fromEntries(changed.map((k) => [k, after[k]])) },
  });
  return { ok: true as const, changed: true };
}

/** Offer a product or withdraw it. Only one product per kind may be active at a site (a unique index). */
export async function setProductActive(trx: Trx, input: { siteId: string; productId: string; active: boolean; actor: Actor }) {
  if (!isUuid(input.productId)) return { ok: false as const, error: "not_found" as const };
  const product = await trx
    .selectFrom("products")
    .select(["id", "kind", "is_active"])
    .where("id", "=", input.productId)
    .where("site_id", "=", input.siteId)
    .forUpdate()
    .executeTakeFirst();
  if (!product) return { ok: false as const, error: "not_found" as const };
  if (product.is_active === input.active) return { ok: true as const, changed: false };
  const result = await attempt(trx, () => trx.updateTable("products").set({ is_active: input.active }).where("id", "=", product.id).execute());
  if (!result.ok) return { ok: false as const, error: "kind_already_active" as const };
  await recordAudit(trx, {
    actor: input.actor,
    action: input.active ? "inventory.product_activated" : "inventory.product_deactivated",
    entityType: "product",
    entityId: product.id,
    before: { kind: product.kind, is_active: product.is_active },
    after: { kind: product.kind, is_active: input.active },
  });
  return { ok: true as const, changed: true };
}
