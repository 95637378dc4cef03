import { sql } from "kysely";
import type { Executor } from "#db/types";
import { placeRequest, type Need, type RackState } from "./placement";

/** A period of service: first day, and last day (inclusive) or open-ended. */
export interface Period {
  startOn: string;
  endOn: string | null;
}

const overlaps = (period: Period) => sql<boolean>`during && daterange(${period.startOn}::date, ${period.endOn}::date, '[]')`;

/** Every rack of a site with what is taken and committed during `period`, and by whom. */
export async function siteRacks(db: Executor, siteId: string, period: Period) {
  const racks = await db
    .selectFrom("racks as r")
    .innerJoin("rooms as m", "m.id", "r.room_id")
    .select(["r.id", "r.name", "r.height_u", "r.status", "r.power_capacity_w", "r.feed_a_capacity_w", "r.feed_b_capacity_w", "m.id as room_id", "m.name as room_name"])
    .where("m.site_id", "=", siteId)
    .orderBy("m.name")
    .orderBy("r.name")
    .execute();
  const allocations = await db
    .selectFrom("allocations as a")
    .innerJoin("racks as r", "r.id", "a.rack_id")
    .innerJoin("rooms as m", "m.id", "r.room_id")
    .innerJoin("organisations as o", "o.id", "a.org_id")
    .select(["a.id", "a.rack_id", "a.contract_id", "a.org_id", "o.name as org_name", "a.kind", "a.first_u", "a.last_u", "a.power_w", "a.start_on", "a.end_on"])
    .where("m.site_id", "=", siteId)
    .where(overlaps(period))
    .orderBy("a.first_u")
    .execute();
  return racks.map((r) => {
    const mine = allocations.filter((a) => a.rack_id === r.id);
    const usableW = Math.min(r.power_capacity_w, r.feed_a_capacity_w, r.feed_b_capacity_w);
    const committedW = mine.reduce((s, a) => s + a.power_w, 0);
    const usedU = mine.reduce((s, a) => s + (a.last_u - a.first_u + 1), 0);
    return { ...r, usableW, committedW, usedU, allocations: mine };
  });
}
export type SiteRack = Awaited<ReturnType<typeof siteRacks>>[number];

export function toRackState(r: SiteRack): RackState {
  return {
    id: r.id,
    name: r.name,
    roomName: r.room_name,
    heightU: r.height_u,
    status: r.status,
    usableW: r.usableW,
    committedW: r.committedW,
    taken: r.allocations.map((a) => ({ first: a.first_u, last: a.last_u })),
  };
}

export async function siteBandwidth(db: Executor, siteId: string, period: Period) {
  const site = await db
    .selectFrom("sites")
    .select(["uplink_capacity_mbps", "oversubscription_ratio"])
    .where("id", "=", siteId)
    .executeTakeFirstOrThrow();
  // The peak over the period of the bandwidth versions in force, as the database trigger counts it.
  const row = (
    await sql<{ committed: string }>`SELECT site_bandwidth_peak(${siteId}, NULL, daterange(${period.startOn}::date, ${period.endOn}::date, '[]')) AS committed`.execute(db)
  ).rows[0];
  // Same arithmetic as the database trigger: floor(uplink × ratio).
  const sellable = (await sql<{ n: number }>`select floor(${site.uplink_capacity_mbps}::int * ${site.oversubscription_ratio}::numeric)::int8 as n`.execute(db)).rows[0].n;
  return { uplinkMbps: site.uplink_capacity_mbps, ratio: site.oversubscription_ratio, sellableMbps: sellable, committedMbps: Number(row.committed) };
}

export async function sitePorts(db: Executor, siteId: string, period: Period) {
  return db
    .selectFrom("cross_connect_ports as p")
    .innerJoin("rooms as m", "m.id", "p.room_id")
    .leftJoin("port_allocations as pa", (join) =>
      join.onRef("pa.port_id", "=", "p.id").on(sql<boolean>`pa.during && daterange(${period.startOn}::date, ${period.endOn}::date, '[]')`),
    )
    .leftJoin("organisations as o", "o.id", "pa.org_id")
    .select(["p.id", "p.name", "p.media", "p.status", "m.name as room_name", "pa.id as allocation_id", "o.name as org_name"])
    .where("p.site_id", "=", siteId)
    .orderBy("p.name")
    .execute();
}

export interface AvailabilityInput extends Need {
  siteId: string;
  period: Period;
  bandwidthMbps: number;
  ports: number;
}

export type AvailabilityShortage =
  | ReturnType<typeof placeRequest>["shortages"][number]
  | { kind: "bandwidth"; neededMbps: number; availableMbps: number }
  | { kind: "ports"; needed: number; available: number };

/** Is there room for this at the site over the period? Candidate placements and what is short. */
export async function checkAvailability(db: Executor, input: AvailabilityInput) {
  const racks = await siteRacks(db, input.siteId, input.period);
  const { placements, shortages } = placeRequest(racks.map(toRackState), input);
  const all: AvailabilityShortage[] = [...shortages];
  const bandwidth = await siteBandwidth(db, input.siteId, input.period);
  const bandwidthFree = Math.max(0, bandwidth.sellableMbps - bandwidth.committedMbps);
  if (input.bandwidthMbps > bandwidthFree) all.push({ kind: "bandwidth", neededMbps: input.bandwidthMbps, availableMbps: bandwidthFree });
  const ports = await sitePorts(db, input.siteId, input.period);
  const freePorts = ports.filter((p) => p.status === "active" && !p.allocation_id);
  if (input.ports > freePorts.length) all.push({ kind: "ports", needed: input.ports, available: freePorts.length });
  return {
    ok: all.length === 0,
    shortages: all,
    placements,
    ports: freePorts.slice(0, input.ports).map((p) => ({ id: p.id, name: p.name, roomName: p.room_name })),
    bandwidthFreeMbps: bandwidthFree,
  };
}
