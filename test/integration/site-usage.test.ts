import { sql } from "kysely";
import type { Metric } from "#db/schema";
import { referenceSiteUsage, siteUsage } from "~/modules/billing/site-usage.server";
import { contractMeters } from "~/modules/metering/meters.server";
import { monthPeriod, reference, type MeterWindow } from "~/modules/metering/usage.server";
import { createTestDb, type TestDb } from "../support/db";
import { commitBandwidth, createOrg } from "../support/factories";
import { contractCommitMbps } from "~/modules/contracts/versions.server";

/**
 * `siteUsage` (every contract of a site in a few statements, over the rollups) against the
 * per-contract reference over raw samples (`contractMeters` → `reference.energyKwh` /
 * `reference.percentile95` / `reference.powerStats`) on random worlds, for
 * October 2026 at Lomé (UTC) and Brazzaville (Africa/Kinshasa, UTC+1: local midnights are 23:00 UTC).
 *
 * Each world, per site: 7 contracts (open, started mid-month, terminated mid-month, ended before
 * the month, starting after it), 14 meters (power and bandwidth), two or more meters per contract,
 * meters moved between contracts mid-month (their old attachment ends the day before), samples
 * before, inside and after every window (including exactly on the local midnights that bound them),
 * collectors' jitter of a few seconds, gaps of hours, and energy counters that reset.
 * Plus a small world worked out by hand.
 */

const FIVE = 300_000;

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
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

const day = (d: number) => {
  const x = new Date(Date.UTC(2026, 9, d));
  return x.toISOString().slice(0, 10);
};

type Row = { meter_id: string; metric: Metric; at: Date; value: string };

async function insertSamples(t: TestDb, rows: Row[]) {
  for (let i = 0; i < rows.length; i += 2000) await t.db.insertInto("samples").values(rows.slice(i, i + 2000)).onConflict((oc) => oc.doNothing()).execute();
}

/** A random world at one site; returns the ids of the contracts active in October. */
async function randomWorld(t: TestDb, siteCode: "LDC" | "BZV", seed: number) {
  const r = rng(seed);
  const site = await t.db.selectFrom("sites").select(["id", "time_zone"]).where("code", "=", siteCode).executeTakeFirstOrThrow();
  const orgs = [await createOrg(t.db), await createOrg(t.db), await createOrg(t.db)];
  // [start_on, end_on]: by design, so every case is present whatever the seed.
  const dates: [string, string | null][] = [
    ["2026-01-01", null],
    ["2026-06-15", null],
    [day(r.int(2, 20)), null], // starts mid-month
    ["2026-03-01", day(r.int(8, 25))], // terminated mid-month
    ["2026-02-01", "2026-10-31"], // ends on the month's last day
    ["2026-01-01", "2026-09-30"], // ended before: not billed
    ["2026-11-01", null], // starts after: not billed
  ];
  const contracts: { id: string; start: string; end: string | null }[] = [];
  for (const [i, [start, end]] of dates.entries()) {
    const commit = r.int(0, 150);
    const row = await t.db
      .insertInto("contracts")
      .values({ org_id: orgs[i % 3].id, site_id: site.id, request_id: null, start_on: start, end_on: end, term_months: 12 })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (commit > 0) await commitBandwidth(t.db, row.id, commit);
    contracts.push({ id: row.id, start, end });
  }

  const rows: Row[] = [];
  const boundaries: string[] = [];
  for (let m = 0; m < 14; m++) {
    const kind = m % 2 === 0 ? "power" : "bandwidth";
    const meter = await t.db
      .insertInto("meters")
      .values({ site_id: site.id, external_id: `${siteCode}-${seed}-${m}`, kind, description: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    // Attachments: meter m starts on contract (m div 2) — two meters per contract — and one in two
    // moves to another contract mid-month (the old attachment ending the day before).
    const home = contracts[Math.floor(m / 2) % contracts.length];
    const homeFrom = home.start < "2026-10-01" && (home.end === null || home.end >= "2026-10-06") ? (r.next() < 0.5 ? home.start : day(r.int(1, 5))) : home.start;
    const homeTo = home.end;
    if (r.next() < 0.5 && (homeTo === null || homeTo > "2026-10-12")) {
      const moveOn = r.int(6, 28);
      const target = r.pick(contracts.filter((c) => c.id !== home.id && c.start <= day(moveOn) && (c.end === null || c.end >= day(moveOn))));
      if (target && day(moveOn) > homeFrom) {
        await t.db.insertInto("meter_attachments").values({ meter_id: meter.id, contract_id: home.id, attached_on: homeFrom, detached_on: day(moveOn - 1) }).execute();
        await t.db.insertInto("meter_attachments").values({ meter_id: meter.id, contract_id: target.id, attached_on: day(moveOn), detached_on: target.end }).execute();
        boundaries.push(day(moveOn));
      } else await t.db.insertInto("meter_attachments").values({ meter_id: meter.id, contract_id: home.id, attached_on: homeFrom, detached_on: homeTo }).execute();
    } else await t.db.insertInto("meter_attachments").values({ meter_id: meter.id, contract_id: home.id, attached_on: homeFrom, detached_on: homeTo }).execute();
    if (homeFrom >= "2026-10-01") boundaries.push(homeFrom);
    if (homeTo && homeTo < "2026-10-31") boundaries.push(homeTo);

    // Samples from 27 September to 4 November: runs of 5-minute instants with gaps between them,
    // plus instants on both sides of every local midnight of the month.
    const instants = new Set<number>();
    let cursor = Date.UTC(2026, 8, 27);
    while (cursor < Date.UTC(2026, 10, 4)) {
      const run = r.int(1, 30);
      for (let k = 0; k < run; k++) instants.add(cursor + k * FIVE);
      cursor += run * FIVE + r.int(1, 40) * FIVE * r.int(1, 6);
    }
    const offset = siteCode === "BZV" ? -3_600_000 : 0;
    for (let d = 0; d <= 31; d++) {
      const midnight = Date.UTC(2026, 9, 1 + d) + offset;
      if (r.next() < 0.6) instants.add(midnight);
      if (r.next() < 0.6) instants.add(midnight - FIVE);
    }
    let counter = r.int(0, 5000);
    for (const at of [...instants].sort((a, b) => a - b)) {
      if (kind === "power") {
        if (r.next() < 0.01) counter = r.int(0, 30); // a counter reset
        else counter += r.int(0, 4000) / 1000;
        if (r.next() < 0.3) rows.push({ meter_id: meter.id, metric: "energy_kwh", at: new Date(at + r.int(0, 20) * 1000), value: counter.toFixed(3) });
      } else {
        if (r.next() < 0.9) rows.push({ meter_id: meter.id, metric: "bw_in_mbps", at: new Date(at + r.int(0, 5) * 1000), value: (r.int(0, 200_000) / 1000).toFixed(3) });
        if (r.next() < 0.9) rows.push({ meter_id: meter.id, metric: "bw_out_mbps", at: new Date(at + r.int(0, 5) * 1000), value: (r.int(0, 200_000) / 1000).toFixed(3) });
      }
    }
  }
  await insertSamples(t, rows);
  return { site, contracts, active: contracts.slice(0, 5).map((c) => c.id), boundaries };
}

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ reference: true });
});
afterAll(async () => {
  await t?.cleanup();
});

test("percentile_disc(0.95) picks the row at position (95·N + 99) div 100 for every N up to 20,000", async () => {
  const { rows } = await sql<{ n: number }>`SELECT n FROM generate_series(1, 20000) n WHERE ceil(0.95::float8 * n)::int8 <> (95 * n + 99) / 100`.execute(t.db);
  expect(rows).toEqual([]);
});

test.each([1, 2, 3])("random world %i: siteUsage equals the per-contract reference for every contract of both sites", async (seed) => {
  for (const code of ["LDC", "BZV"] as const) {
    const world = await randomWorld(t, code, seed * 10 + (code === "LDC" ? 1 : 2));
    const period = await monthPeriod(t.db, "2026-10", world.site.time_zone);
    const usage = await siteUsage(t.db, { siteId: world.site.id, period, timeZone: world.site.time_zone });
    // Earlier seeds' contracts are active too: the keys are every active contract of the site.
    const activeIds = await t.db
      .selectFrom("contracts")
      .select("id")
      .where("site_id", "=", world.site.id)
      .where("start_on", "<=", "2026-10-31")
      .where((eb) => eb.or([eb("end_on", "is", null), eb("end_on", ">=", "2026-10-01")]))
      .execute();
    expect([...usage.keys()].sort()).toEqual(activeIds.map((c) => c.id).sort());
    for (const id of world.active) expect(usage.has(id)).toBe(true);
    for (const c of world.contracts.slice(5)) expect(usage.has(c.id)).toBe(false);

    let withEnergy = 0;
    let withBandwidth = 0;
    for (const { id } of activeIds) {
      // The month's commit as the usage pages read it (day-weighted across the bandwidth versions).
      const commitMbps = await contractCommitMbps(t.db, id, "2026-10");
      const meters = await contractMeters(t.db, id, period, world.site.time_zone);
      const windows = (kind: "power" | "bandwidth"): MeterWindow[] => meters.filter((m) => m.kind === kind).map((m) => ({ id: m.id, from: m.from, to: m.to }));
      const kwh = await reference.energyKwh(t.db, windows("power"), period);
      const bw = await reference.percentile95(t.db, windows("bandwidth"), period, commitMbps);
      const power = await reference.powerStats(t.db, windows("power"), period);
      expect({ id, ...usage.get(id) }).toEqual({ id, energyKwh: kwh, powerMeters: windows("power").length, p95: bw.p95, samples: bw.samples, aboveCommit: bw.aboveCommit, ...power });
      if (kwh !== "0") withEnergy++;
      if (bw.p95 !== null) withBandwidth++;
    }
    // Read for some organisations only (the run's batches): exactly their contracts, same figures.
    const owners = await t.db.selectFrom("contracts").select(["id", "org_id"]).where("id", "in", activeIds.map((c) => c.id)).execute();
    const someOrgs = [...new Set(owners.map((o) => o.org_id))].filter((_, i) => i % 2 === 0);
    const part = await siteUsage(t.db, { siteId: world.site.id, period, timeZone: world.site.time_zone, orgIds: someOrgs });
    const theirs = owners.filter((o) => someOrgs.includes(o.org_id)).map((o) => o.id);
    expect(theirs.length).toBeGreaterThan(0);
    expect([...part.keys()].sort()).toEqual([...theirs].sort());
    for (const id of theirs) expect(part.get(id)).toEqual(usage.get(id));
    // The same site-wide read over the raw samples (the benchmarks' baseline) agrees too.
    const raw = await referenceSiteUsage(t.db, { siteId: world.site.id, period, timeZone: world.site.time_zone });
    for (const [id, u] of raw) expect({ id, ...u, peakW: usage.get(id)!.peakW, averageW: usage.get(id)!.averageW }).toEqual({ id, ...usage.get(id) });
    // The world is not vacuous: most contracts have both kinds of usage, and meters did move.
    expect(withEnergy).toBeGreaterThanOrEqual(3);
    expect(withBandwidth).toBeGreaterThanOrEqual(3);
    expect(world.boundaries.length).toBeGreaterThan(0);
  }
});

test("a small world worked out by hand: windows of a moved meter, a reset, the reading before the month, p95 over two meters", async () => {
  const site = await t.db.selectFrom("sites").select(["id", "time_zone"]).where("code", "=", "BZV").executeTakeFirstOrThrow();
  const org = await createOrg(t.db);
  const contract = (start: string, end: string | null, commit: number) =>
    t.db
      .insertInto("contracts")
      .values({ org_id: org.id, site_id: site.id, request_id: null, start_on: start, end_on: end, term_months: 12 })
      .returning("id")
      .executeTakeFirstOrThrow()
      .then(async (c) => {
        if (commit > 0) await commitBandwidth(t.db, c.id, commit);
        return c.id;
      });
  const X = await contract("2025-01-01", null, 10);
  const Y = await contract("2025-01-01", "2026-10-20", 0);
  const meter = (external_id: string, kind: "power" | "bandwidth") =>
    t.db.insertInto("meters").values({ site_id: site.id, external_id, kind, description: null }).returning("id").executeTakeFirstOrThrow().then((m) => m.id);
  const pdu = await meter("HAND-PDU", "power");
  const sw1 = await meter("HAND-SW1", "bandwidth");
  const sw2 = await meter("HAND-SW2", "bandwidth");
  // PDU: Y until 10-15 (local), X from 10-16. SW1 and SW2: X all along.
  await t.db
    .insertInto("meter_attachments")
    .values([
      { meter_id: pdu, contract_id: Y, attached_on: "2025-01-01", detached_on: "2026-10-15" },
      { meter_id: pdu, contract_id: X, attached_on: "2026-10-16", detached_on: null },
      { meter_id: sw1, contract_id: X, attached_on: "2025-01-01", detached_on: null },
      { meter_id: sw2, contract_id: X, attached_on: "2025-01-01", detached_on: null },
    ])
    .execute();
  // Kinshasa is UTC+1: local 16 October 00:00 = 15 October 23:00 UTC; local 1 October 00:00 = 30 September 23:00 UTC.
  const utc = (m: number, d: number, h: number, min = 0, s = 0) => new Date(Date.UTC(2026, m - 1, d, h, min, s));
  const rows: Row[] = [
    { meter_id: pdu, metric: "energy_kwh", at: utc(9, 30, 22, 0), value: "100" }, // before the month: Y's start
    { meter_id: pdu, metric: "energy_kwh", at: utc(9, 30, 23, 0), value: "110" }, // local 1 Oct 00:00: Y +10
    { meter_id: pdu, metric: "energy_kwh", at: utc(10, 10, 12), value: "150" }, // Y +40
    { meter_id: pdu, metric: "energy_kwh", at: utc(10, 15, 22, 55), value: "160" }, // Y +10 (last before the move)
    { meter_id: pdu, metric: "energy_kwh", at: utc(10, 15, 23, 0), value: "175" }, // local 16 Oct 00:00: X +15
    { meter_id: pdu, metric: "energy_kwh", at: utc(10, 20, 0), value: "5" }, // reset: X +5
    { meter_id: pdu, metric: "energy_kwh", at: utc(10, 31, 22, 55), value: "12.5" }, // X +7.5
    { meter_id: pdu, metric: "energy_kwh", at: utc(10, 31, 23, 0), value: "99" }, // local 1 Nov: no one's
  ];
  // Bandwidth, 20 instants from 2 October 10:00 UTC: SW1 in k, out 2 (3 s late); SW2 out 20 + k on even k only (1 s late).
  for (let k = 0; k < 20; k++) {
    const i = utc(10, 2, 10, 5 * k);
    rows.push({ meter_id: sw1, metric: "bw_in_mbps", at: i, value: String(k) });
    rows.push({ meter_id: sw1, metric: "bw_out_mbps", at: new Date(i.getTime() + 3000), value: "2" });
    if (k % 2 === 0) rows.push({ meter_id: sw2, metric: "bw_out_mbps", at: new Date(i.getTime() + 1000), value: String(20 + k) });
  }
  // Before the month (local 30 September 23:55 = 22:55 UTC): not counted.
  rows.push({ meter_id: sw1, metric: "bw_in_mbps", at: utc(9, 30, 22, 55), value: "1000" });
  await insertSamples(t, rows);

  const period = await monthPeriod(t.db, "2026-10", site.time_zone);
  const usage = await siteUsage(t.db, { siteId: site.id, period, timeZone: site.time_zone });
  // Y: 10 + 40 + 10 = 60 kWh. X: 15 + 5 + 7.5 = 27.5 kWh.
  expect(Number(usage.get(Y)!.energyKwh)).toBe(60);
  expect(Number(usage.get(X)!.energyKwh)).toBe(27.5);
  expect(usage.get(Y)).toMatchObject({ powerMeters: 1, p95: null, samples: 0, aboveCommit: 0 });
  // X per instant k: max(k, 2), plus 20 + k on even k: k = 0 → 22, k = 2 → 24, even k ≥ 4 → 2k + 20
  // (28, 32, …, 56); odd k → 2, 3, 5, …, 19. Sorted: 2, 3, 5, …, 19 (10 values), 22, 24, 28, …, 56;
  // position (20·95 + 99) div 100 = 19 → 52. Above the commit of 10: ten even k and k = 11, 13, …, 19 = 15.
  expect(usage.get(X)).toMatchObject({ powerMeters: 1, samples: 20, aboveCommit: 15 });
  expect(Number(usage.get(X)!.p95)).toBe(52);
});
