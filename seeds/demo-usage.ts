import { sql } from "kysely";
import type { Trx } from "#db/types";
import type { Metric } from "#db/schema";
import type { SeedResult } from "./index.server";

/**
 * Synthetic but realistic metering for every demo contract, from the first day of the previous
 * month (site time) until now: a power meter per contract (energy counter and power draw every
 * 15 minutes) and a bandwidth meter per contract with a commit (in/out every 5 minutes).
 * Daily and weekly patterns, a little noise, one energy counter reset (the agency in Kinshasa)
 * and one bandwidth burst (Kossi Digital in Lomé, last month) long enough to push its 95th
 * percentile above the commit, so the usage pages and invoices show something true.
 * A terminated contract (the agency's at Lomé) has samples over its last month, its meters detached
 * on its last day; its port's meter then moves to Kossi Digital's full rack (a second attachment
 * from the next day), so each contract's page shows only its own days of that meter.
 * Deterministic: a seeded generator, the same data for the same "now".
 */

const FIVE_MINUTES = 300_000;

/** Mulberry32: a tiny deterministic PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offset of a time zone from UTC at an instant, in ms (from Intl, once per day of samples). */
function offsetMs(instant: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute")) - Math.floor(instant.getTime() / 60_000) * 60_000;
}

/** Hour of day (0–24, fractional) and weekday (0 = Sunday) of an instant in a time zone. */
function localClock(instant: Date, timeZone: string, offsets: Map<number, number>) {
  const day = Math.floor(instant.getTime() / 86_400_000);
  let offset = offsets.get(day);
  if (offset === undefined) offsets.set(day, (offset = offsetMs(instant, timeZone)));
  const local = new Date(instant.getTime() + offset);
  return { hour: local.getUTCHours() + local.getUTCMinutes() / 60, weekday: local.getUTCDay() };
}

export interface SyntheticSample {
  metric: Metric;
  at: Date;
  value: string;
}

export interface SyntheticProfile {
  seed: number;
  timeZone: string;
  from: Date;
  to: Date;
  powerCommitW: number;
  bandwidthCommitMbps: number;
  /** Energy counter value at `from`. */
  counterStartKwh: number;
  /** Instant at which the energy counter resets to zero, if any. */
  counterResetAt?: Date;
  /** A burst of traffic at 1.6 × the commit, if any. */
  burst?: { from: Date; to: Date };
}

/** Power (every 15 min) and bandwidth (every 5 min) samples for one contract. */
export function synthesize(p: SyntheticProfile): { power: SyntheticSample[]; bandwidth: SyntheticSample[] } {
  const random = prng(p.seed);
  const power: SyntheticSample[] = [];
  const bandwidth: SyntheticSample[] = [];
  let counter = p.counterStartKwh;
  let reset = false;
  const offsets = new Map<number, number>();
  for (let t = p.from.getTime(); t < p.to.getTime(); t += FIVE_MINUTES) {
    const at = new Date(t);
    const { hour, weekday } = localClock(at, p.timeZone, offsets);
    const daily = 0.5 + 0.5 * Math.sin(((hour - 8) / 24) * 2 * Math.PI); // peak mid-afternoon
    const weekly = weekday === 0 || weekday === 6 ? 0.65 : 1;
    const noise = 0.9 + 0.2 * random();
    if (p.bandwidthCommitMbps > 0) {
      const bursting = p.burst && t >= p.burst.from.getTime() && t < p.burst.to.getTime();
      const inbound = bursting ? p.bandwidthCommitMbps * (1.5 + 0.2 * random()) : p.bandwidthCommitMbps * (0.15 + 0.45 * daily * weekly) * noise;
      const outbound = bursting ? inbound * 0.8 : inbound * (1.3 + 0.3 * random());
      bandwidth.push({ metric: "bw_in_mbps", at, value: inbound.toFixed(3) });
      bandwidth.push({ metric: "bw_out_mbps", at, value: Math.min(outbound, bursting ? Infinity : p.bandwidthCommitMbps * 0.97).toFixed(3) });
    }
    if ((t - p.from.getTime()) % (3 * FIVE_MINUTES) === 0) {
      const watts = p.powerCommitW * (0.42 + 0.12 * daily) * (0.97 + 0.06 * random());
      if (p.counterResetAt && !reset && t >= p.counterResetAt.getTime()) {
        counter = 0;
        reset = true;
      }
      counter += (watts / 1000) * 0.25; // 15 minutes of this draw, in kWh
      power.push({ metric: "power_w", at, value: watts.toFixed(1) });
      power.push({ metric: "energy_kwh", at, value: counter.toFixed(3) });
    }
  }
  return { power, bandwidth };
}

/** First day of the previous month at 00:00 in the time zone, as an instant. */
async function previousMonthStart(trx: Trx, now: Date, timeZone: string) {
  const { rows } = await sql<{ from: Date }>`
    SELECT (date_trunc('month', (${now}::timestamptz AT TIME ZONE ${timeZone})) - interval '1 month') AT TIME ZONE ${timeZone} AS "from"
  `.execute(trx);
  return rows[0].from;
}

async function insertSamples(trx: Trx, meterId: string, samples: SyntheticSample[]) {
  for (let i = 0; i < samples.length; i += 10_000) {
    const chunk = samples.slice(i, i + 10_000);
    await sql`
      INSERT INTO samples (meter_id, metric, at, value)
      SELECT ${meterId}::uuid, metric, at, value
        FROM unnest(${chunk.map((s) => s.metric)}::text[], ${chunk.map((s) => s.at.toISOString())}::timestamptz[], ${chunk.map((s) => s.value)}::numeric[]) AS x(metric, at, value)
      ON CONFLICT DO NOTHING
    `.execute(trx);
  }
}

export async function seedDemoUsage(trx: Trx, result: SeedResult, now = new Date()) {
  const demoContracts = await trx
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .innerJoin("organisations as o", "o.id", "c.org_id")
    .leftJoin("contract_lines as l", (j) => j.onRef("l.contract_id", "=", "c.id").on("l.kind", "=", "power_commit_kw"))
    .leftJoin("contract_lines as b", (j) => j.onRef("b.contract_id", "=", "c.id").on("b.kind", "=", "bandwidth_commit_mbps"))
    .select(["c.id", "c.start_on", "c.end_on", sql<number>`coalesce(b.quantity, 0)`.as("bandwidth_commit_mbps"), "s.id as site_id", "s.code", "s.time_zone", "o.name as org_name", "l.quantity as power_kw"])
    .where("o.name", "in", ["Kossi Digital SARL", "Agence nationale des systèmes d'information (ANSI)"])
    .orderBy("s.code")
    .orderBy("c.start_on")
    .execute();
  if (demoContracts.length === 0) return;
  const existing = await trx.selectFrom("meters").select("id").where("external_id", "like", "%-DEMO-%").limit(1).executeTakeFirst();
  if (existing) return;

  const localMidnight = async (day: string, timeZone: string) =>
    (await sql<{ at: Date }>`SELECT (${day}::date)::timestamp AT TIME ZONE ${timeZone} AS at`.execute(trx)).rows[0].at;
  const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  // Align on the 5-minute grid, up to the last full 5 minutes.
  const lastSlot = new Date(Math.floor(now.getTime() / FIVE_MINUTES) * FIVE_MINUTES);
  /** A meter moved from a terminated contract, to attach to the site's next contract once the loop reaches it. */
  const moved: { meterId: string; siteId: string; fromOn: string; seed: number }[] = [];

  let n = 0;
  for (const c of demoContracts) {
    n++;
    const contractStart = await localMidnight(c.start_on, c.time_zone);
    let from: Date;
    let to: Date;
    if (c.end_on) {
      // A terminated contract: its last month (site time), up to its last day.
      from = new Date(Math.max(contractStart.getTime(), (await localMidnight(`${c.end_on.slice(0, 7)}-01`, c.time_zone)).getTime()));
      to = new Date(Math.min(lastSlot.getTime(), (await localMidnight(nextDay(c.end_on), c.time_zone)).getTime()));
    } else {
      from = new Date(Math.max((await previousMonthStart(trx, now, c.time_zone)).getTime(), contractStart.getTime()));
      to = lastSlot;
    }
    if (from >= to) continue;
    const isKossiLdc = c.code === "LDC" && c.bandwidth_commit_mbps === 50;
    const profile: SyntheticProfile = {
      seed: 1000 + n,
      timeZone: c.time_zone,
      from,
      to,
      powerCommitW: (c.power_kw ?? 0) * 1000,
      bandwidthCommitMbps: c.bandwidth_commit_mbps,
      counterStartKwh: 10_000 + n * 1_234.5,
      counterResetAt: c.code === "KIN" ? new Date(from.getTime() + 12 * 86_400_000) : undefined,
      // 2.5 days: 720 five-minute samples, more than the 5 % (≈ 446) a month tolerates.
      burst: isKossiLdc ? { from: new Date(from.getTime() + 17 * 86_400_000), to: new Date(from.getTime() + 19.5 * 86_400_000) } : undefined,
    };
    const { power, bandwidth } = synthesize(profile);
    const attachOn = c.start_on;
    const detachOn = c.end_on;
    const powerMeter = await trx
      .insertInto("meters")
      .values({ site_id: c.site_id, external_id: `${c.code}-DEMO-PDU-${n}`, kind: "power", description: `PDU — ${c.org_name}` })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.insertInto("meter_attachments").values({ meter_id: powerMeter.id, contract_id: c.id, attached_on: attachOn, detached_on: detachOn }).execute();
    await insertSamples(trx, powerMeter.id, power);
    result.samples += power.length;
    if (c.bandwidth_commit_mbps > 0) {
      const bwMeter = await trx
        .insertInto("meters")
        .values({ site_id: c.site_id, external_id: `${c.code}-DEMO-SW-${n}`, kind: "bandwidth", description: `Port — ${c.org_name}` })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx.insertInto("meter_attachments").values({ meter_id: bwMeter.id, contract_id: c.id, attached_on: attachOn, detached_on: detachOn }).execute();
      await insertSamples(trx, bwMeter.id, bandwidth);
      result.samples += bandwidth.length;
      if (detachOn) moved.push({ meterId: bwMeter.id, siteId: c.site_id, fromOn: nextDay(detachOn), seed: 2000 + n });
    }
    // The port of a terminated contract at this site goes to this contract (the first open one
    // started before the move), from the day after the termination; its samples from then are this contract's.
    for (const m of moved.filter((x) => x.siteId === c.site_id && !c.end_on && c.start_on <= x.fromOn && c.bandwidth_commit_mbps > 0)) {
      moved.splice(moved.indexOf(m), 1);
      await trx.insertInto("meter_attachments").values({ meter_id: m.meterId, contract_id: c.id, attached_on: m.fromOn, detached_on: null }).execute();
      const since = new Date(Math.max(from.getTime(), (await localMidnight(m.fromOn, c.time_zone)).getTime()));
      if (since >= to) continue;
      const later = synthesize({ ...profile, seed: m.seed, from: since, burst: undefined, counterResetAt: undefined, bandwidthCommitMbps: 20 }).bandwidth;
      await insertSamples(trx, m.meterId, later);
      result.samples += later.length;
    }
  }
}
