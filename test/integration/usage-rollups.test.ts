import { sql } from "kysely";
import type { Metric } from "#db/schema";
import { storeBatch, type Sample } from "~/modules/metering/ingest.server";
import { contractMeters } from "~/modules/metering/meters.server";
import { energyByDay, energyKwh, hourlySeries, monthPeriod, percentile95, powerStats, reference, type MeterWindow } from "~/modules/metering/usage.server";
import { referenceSiteUsage, siteUsage } from "~/modules/billing/site-usage.server";
import { contractCommitMbps } from "~/modules/contracts/versions.server";
import { siteUsageOverview } from "~/modules/metering/site-usage-view.server";
import { createTestDb, type TestDb } from "../support/db";
import { commitBandwidth, createOrg } from "../support/factories";

/**
 * The rollups (`usage_instants`, `energy_hours`, kept by the samples' trigger) give EXACTLY the
 * figures of the raw-sample SQL (`reference`), string for string, on random worlds: Lomé (UTC) and
 * Brazzaville (Africa/Kinshasa, UTC+1, local midnights at 23:00 UTC), meters moved between
 * contracts mid-month, counter resets, collectors' jitter, samples arriving late (an hour or a day
 * after later instants were rolled up), batches sent twice, and re-sent samples with another value
 * (the first value stands). Checked after every wave of arrivals, for every function the usage page
 * and the billing run read, per contract and site-wide; and the rollup tables equal a rollup rebuilt
 * from scratch.
 */

const FIVE = 300_000;

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)] };
}

const day = (d: number) => new Date(Date.UTC(2026, 9, d)).toISOString().slice(0, 10);

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ reference: true });
});
afterAll(async () => {
  await t?.cleanup();
});

async function world(siteCode: "LDC" | "BZV", seed: number) {
  const r = rng(seed);
  const site = await t.db.selectFrom("sites").select(["id", "time_zone"]).where("code", "=", siteCode).executeTakeFirstOrThrow();
  const org = await createOrg(t.db);
  const contracts: string[] = [];
  for (const [start, end] of [["2026-01-01", null], [day(r.int(3, 18)), null], ["2026-02-01", day(r.int(10, 27))], ["2026-05-01", null]] as [string, string | null][]) {
    const c = await t.db.insertInto("contracts").values({ org_id: org.id, site_id: site.id, request_id: null, start_on: start, end_on: end, term_months: 12 }).returning("id").executeTakeFirstOrThrow();
    await commitBandwidth(t.db, c.id, r.int(1, 120));
    contracts.push(c.id);
  }
  const samples: Sample[] = [];
  for (let m = 0; m < 8; m++) {
    const kind = m % 2 === 0 ? "power" : "bandwidth";
    const externalId = `RU-${siteCode}-${seed}-${m}`;
    const meter = await t.db.insertInto("meters").values({ site_id: site.id, external_id: externalId, kind, description: null }).returning("id").executeTakeFirstOrThrow();
    // Meter m on contract (m div 2); every other one moves to contract 3 mid-month.
    const home = contracts[Math.floor(m / 2)];
    const homeRow = await t.db.selectFrom("contracts").select(["start_on", "end_on"]).where("id", "=", home).executeTakeFirstOrThrow();
    const moveOn = r.int(12, 25);
    if (m % 4 === 1 || m % 4 === 2) {
      await t.db.insertInto("meter_attachments").values({ meter_id: meter.id, contract_id: home, attached_on: homeRow.start_on, detached_on: day(moveOn - 1) }).execute();
      await t.db.insertInto("meter_attachments").values({ meter_id: meter.id, contract_id: contracts[3], attached_on: day(moveOn), detached_on: null }).execute();
    } else {
      await t.db.insertInto("meter_attachments").values({ meter_id: meter.id, contract_id: home, attached_on: homeRow.start_on, detached_on: homeRow.end_on }).execute();
    }
    // 28 September to 3 November: runs of instants with gaps, plus both sides of local midnights.
    const instants = new Set<number>();
    let cursor = Date.UTC(2026, 8, 28);
    while (cursor < Date.UTC(2026, 10, 3)) {
      const run = r.int(1, 40);
      for (let k = 0; k < run; k++) instants.add(cursor + k * FIVE);
      cursor += run * FIVE + r.int(1, 30) * FIVE * r.int(1, 4);
    }
    const offset = siteCode === "BZV" ? -3_600_000 : 0;
    for (let d = 0; d <= 32; d++) {
      const midnight = Date.UTC(2026, 9, 1 + d) + offset;
      if (r.next() < 0.7) instants.add(midnight);
      if (r.next() < 0.7) instants.add(midnight - FIVE);
    }
    let counter = r.int(0, 5000);
    const at = (ms: number) => new Date(ms).toISOString();
    for (const i of [...instants].sort((a, b) => a - b)) {
      if (kind === "power") {
        if (r.next() < 0.01) counter = r.int(0, 30);
        else counter += r.int(0, 3000) / 1000;
        if (r.next() < 0.4) samples.push({ meter: externalId, metric: "energy_kwh", at: at(i + r.int(0, 20) * 1000), value: Number(counter.toFixed(3)) });
        if (r.next() < 0.8) samples.push({ meter: externalId, metric: "power_w", at: at(i + r.int(0, 4) * 1000), value: r.int(0, 4_000_000) / 1000 });
        // A second power reading inside the same instant (jitter): the highest counts.
        if (r.next() < 0.05) samples.push({ meter: externalId, metric: "power_w", at: at(i + 30_000 + r.int(0, 9) * 1000), value: r.int(0, 4_000_000) / 1000 });
      } else {
        if (r.next() < 0.9) samples.push({ meter: externalId, metric: "bw_in_mbps", at: at(i + r.int(0, 5) * 1000), value: r.int(0, 200_000) / 1000 });
        if (r.next() < 0.9) samples.push({ meter: externalId, metric: "bw_out_mbps", at: at(i + r.int(0, 5) * 1000), value: r.int(0, 200_000) / 1000 });
      }
    }
  }
  return { site, contracts, samples, r };
}

/** Every figure, rollups against raw, for every contract of the site and site-wide. */
async function expectSameFigures(siteId: string, timeZone: string, contracts: string[]) {
  const period = await monthPeriod(t.db, "2026-10", timeZone);
  for (const id of contracts) {
    const meters = await contractMeters(t.db, id, period, timeZone);
    const windows = (kind?: "power" | "bandwidth"): MeterWindow[] => meters.filter((m) => !kind || m.kind === kind).map((m) => ({ id: m.id, from: m.from, to: m.to }));
    const commit = await contractCommitMbps(t.db, id, "2026-10");
    expect({ id, f: "energyKwh", v: await energyKwh(t.db, windows("power"), period) }).toEqual({ id, f: "energyKwh", v: await reference.energyKwh(t.db, windows("power"), period) });
    expect({ id, f: "energyByDay", v: await energyByDay(t.db, windows("power"), period, timeZone) }).toEqual({ id, f: "energyByDay", v: await reference.energyByDay(t.db, windows("power"), period, timeZone) });
    expect({ id, f: "percentile95", v: await percentile95(t.db, windows("bandwidth"), period, commit) }).toEqual({ id, f: "percentile95", v: await reference.percentile95(t.db, windows("bandwidth"), period, commit) });
    expect({ id, f: "powerStats", v: await powerStats(t.db, windows("power"), period) }).toEqual({ id, f: "powerStats", v: await reference.powerStats(t.db, windows("power"), period) });
    expect({ id, f: "hourlySeries", v: await hourlySeries(t.db, windows(), period) }).toEqual({ id, f: "hourlySeries", v: await reference.hourlySeries(t.db, windows(), period) });
  }
  const rolled = await siteUsage(t.db, { siteId, period, timeZone });
  // Not vacuous: most contracts have energy, a 95th percentile and power.
  const all = [...rolled.values()];
  expect(all.filter((u) => u.energyKwh !== "0").length).toBeGreaterThanOrEqual(2);
  expect(all.filter((u) => u.p95 !== null).length).toBeGreaterThanOrEqual(2);
  expect(all.filter((u) => u.peakW !== null).length).toBeGreaterThanOrEqual(2);
  const raw = await referenceSiteUsage(t.db, { siteId, period, timeZone });
  expect([...rolled.keys()].sort()).toEqual([...raw.keys()].sort());
  for (const [id, u] of raw) {
    const { peakW, averageW, ...rest } = rolled.get(id)!;
    expect({ id, ...rest }).toEqual({ id, ...u });
    // The month's power, as the per-contract reference reads it.
    const meters = await contractMeters(t.db, id, period, timeZone);
    const power = await reference.powerStats(t.db, meters.filter((m) => m.kind === "power").map((m) => ({ id: m.id, from: m.from, to: m.to })), period);
    expect({ id, peakW, averageW }).toEqual({ id, ...power });
  }
}

/** The rollup tables equal a rollup rebuilt from every sample. */
async function expectRollupsRebuildable() {
  const instants = await sql<{ diff: number }>`
    WITH fresh AS (
      SELECT meter_id, date_bin('5 minutes', at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS at,
             max(value) FILTER (WHERE metric = 'bw_in_mbps') AS bw_in, max(value) FILTER (WHERE metric = 'bw_out_mbps') AS bw_out,
             max(value) FILTER (WHERE metric = 'power_w') AS power_w
        FROM samples WHERE metric <> 'energy_kwh' GROUP BY 1, 2
    )
    SELECT count(*)::int8 AS diff FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM usage_instants) UNION ALL (SELECT * FROM usage_instants EXCEPT SELECT * FROM fresh)) d
  `.execute(t.db);
  expect(instants.rows[0].diff).toBe(0);
  const hours = await sql<{ diff: number }>`
    WITH r AS (
      SELECT meter_id, at, value, date_bin('1 hour', at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS hour,
             lag(value) OVER (PARTITION BY meter_id, date_bin('1 hour', at, TIMESTAMPTZ '2000-01-01 00:00:00+00') ORDER BY at) AS prev
        FROM samples WHERE metric = 'energy_kwh'
    ), fresh AS (
      SELECT meter_id, hour AS at, count(*)::int AS readings, min(at) AS first_at, (array_agg(value ORDER BY at))[1] AS first_value,
             max(at) AS last_at, (array_agg(value ORDER BY at DESC))[1] AS last_value,
             sum(CASE WHEN prev IS NULL THEN NULL WHEN value >= prev THEN value - prev ELSE value END) AS inner_kwh
        FROM r GROUP BY 1, 2
    ), kept AS (SELECT meter_id, at, readings, first_at, first_value, last_at, last_value, inner_kwh FROM energy_hours)
    SELECT count(*)::int8 AS diff FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM kept) UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM fresh)) d
  `.execute(t.db);
  expect(hours.rows[0].diff).toBe(0);
}

test.each([1, 2])("random world %i: rollups equal the raw-sample SQL after every wave of late, duplicate and re-sent samples (UTC and UTC+1)", async (seed) => {
  for (const code of ["LDC", "BZV"] as const) {
    const w = await world(code, seed * 100 + (code === "LDC" ? 1 : 2));
    // Arrival: mostly in time order in batches, but one sample in six held back and sent later
    // (late: its hour and instant were already rolled up), in shuffled order.
    const onTime: Sample[] = [];
    const late: Sample[] = [];
    for (const s of w.samples) (w.r.next() < 1 / 6 ? late : onTime).push(s);
    for (let i = late.length - 1; i > 0; i--) {
      const j = Math.floor(w.r.next() * (i + 1));
      [late[i], late[j]] = [late[j], late[i]];
    }
    const send = async (batch: Sample[]) => {
      const stored = await t.db.transaction().execute((trx) => storeBatch(trx, w.site.id, batch));
      expect(stored.ok).toBe(true);
      return stored;
    };
    for (let i = 0; i < onTime.length; i += 2500) await send(onTime.slice(i, i + 2500));
    await expectSameFigures(w.site.id, w.site.time_zone, w.contracts);

    // A batch sent twice, and re-sent samples carrying another value: nothing changes.
    const again = onTime.slice(0, 1000);
    expect(await send(again)).toMatchObject({ accepted: 0, duplicates: again.length });
    const changed = onTime.slice(1000, 1500).map((s) => ({ ...s, value: s.value + 1000 }));
    expect(await send(changed)).toMatchObject({ accepted: 0, duplicates: changed.length });

    // The late ones, in small shuffled batches, some duplicated inside a batch of new ones.
    for (let i = 0; i < late.length; i += 300) await send([...late.slice(i, i + 300), ...onTime.slice(i, i + 20)]);
    await expectSameFigures(w.site.id, w.site.time_zone, w.contracts);
    await expectRollupsRebuildable();
  }
});

test("the operators' usage overview of a site lists every contract of the month with the set-based figures; a bad month falls back to last month", async () => {
  const w = await world("BZV", 7);
  await t.db.transaction().execute((trx) => storeBatch(trx, w.site.id, w.samples.slice(0, 9000)));
  const view = await siteUsageOverview(t.db, w.site, "2026-10", new Date("2026-12-02T10:00:00Z"));
  const period = await monthPeriod(t.db, "2026-10", w.site.time_zone);
  const usage = await siteUsage(t.db, { siteId: w.site.id, period, timeZone: w.site.time_zone });
  expect(view.month).toBe("2026-10");
  expect(view.rows.map((r) => r.id).sort()).toEqual([...usage.keys()].sort());
  for (const r of view.rows) expect({ p95: r.p95, energyKwh: r.energyKwh, peakW: r.peakW, averageW: r.averageW }).toEqual({ p95: usage.get(r.id)!.p95, energyKwh: usage.get(r.id)!.energyKwh, peakW: usage.get(r.id)!.peakW, averageW: usage.get(r.id)!.averageW });
  for (const bad of ["2026-13", "2027-01", "x", null]) expect((await siteUsageOverview(t.db, w.site, bad, new Date("2026-12-02T10:00:00Z"))).month).toBe("2026-11");
});
