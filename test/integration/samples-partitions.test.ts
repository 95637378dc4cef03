import { sql } from "kysely";
import { parseBatch, RANGE_MESSAGES, storeBatch } from "~/modules/metering/ingest.server";
import { maintainSamplePartitions, retentionHorizon, samplePartitions } from "~/modules/metering/partitions.server";
import { energyKwh, percentile95, reference } from "~/modules/metering/usage.server";
import { createTestDb, type TestDb } from "../support/db";
import { createOrg } from "../support/factories";

/**
 * `samples` is partitioned by month (migration 2026_12_02_1100): partitions are created ahead by the
 * daily upkeep, a sample no partition covers lands in the default one (never a 5xx), creating its
 * month later moves it out, and retention drops whole months while the rollups — and so the
 * figures of the usage pages and the billing run — stay.
 */

let t: TestDb;
let siteId: string;
let bw: string;
let pdu: string;
beforeAll(async () => {
  t = await createTestDb({ reference: true });
  siteId = (await t.db.selectFrom("sites").select("id").where("code", "=", "LDC").executeTakeFirstOrThrow()).id;
  bw = (await t.db.insertInto("meters").values({ site_id: siteId, external_id: "PART-SW", kind: "bandwidth", description: null }).returning("id").executeTakeFirstOrThrow()).id;
  pdu = (await t.db.insertInto("meters").values({ site_id: siteId, external_id: "PART-PDU", kind: "power", description: null }).returning("id").executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await t?.cleanup();
});

const names = async () => (await samplePartitions(t.db)).map((p) => p.name);

test("samples is a table partitioned by range of its instant, with a default partition and this month's and the next three", async () => {
  const { rows } = await sql<{ strategy: string }>`SELECT partstrat AS strategy FROM pg_partitioned_table WHERE partrelid = 'samples'::regclass`.execute(t.db);
  expect(rows).toEqual([{ strategy: "r" }]);
  const now = new Date();
  const ahead = [0, 1, 2, 3].map((k) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + k, 1));
    return `samples_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  });
  expect(await names()).toEqual(expect.arrayContaining(["samples_default", ...ahead]));
});

test("the daily upkeep creates the coming months once; two at once create each month once", async () => {
  const now = new Date("2031-02-10T08:00:00Z");
  const [a, b] = await Promise.all([maintainSamplePartitions(t.db, { now, retentionMonths: null }), maintainSamplePartitions(t.db, { now, retentionMonths: null })]);
  expect([...a.created, ...b.created].sort()).toEqual(["samples_y2031m02", "samples_y2031m03", "samples_y2031m04", "samples_y2031m05"]);
  expect((await maintainSamplePartitions(t.db, { now, retentionMonths: null })).created).toEqual([]);
});

test("a sample years away is stored (default partition) or refused with a 400, never a 5xx; its month created later takes it out of the default partition", async () => {
  const now = new Date("2026-12-02T10:00:00Z");
  const old = parseBatch("application/json", JSON.stringify({ samples: [{ meter: "PART-SW", metric: "bw_in_mbps", at: "2003-05-04T10:00:00Z", value: 12.5 }] }), { now, retentionMonths: null });
  expect(old.ok).toBe(true);
  if (!old.ok) return;
  expect(await storeBatch(t.db, siteId, old.samples)).toEqual({ ok: true, accepted: 1, duplicates: 0 });
  const inDefault = await sql<{ n: number }>`SELECT count(*)::int8 AS n FROM samples_default`.execute(t.db);
  expect(inDefault.rows[0].n).toBe(1);
  // Far in the future: refused by validation (400), before the database.
  const future = parseBatch("application/json", JSON.stringify({ samples: [{ meter: "PART-SW", metric: "bw_in_mbps", at: "2031-01-01T00:00:00Z", value: 1 }] }), { now, retentionMonths: null });
  expect(future).toMatchObject({ ok: false, failure: { status: 400 } });

  const { rows } = await sql<{ created: boolean }>`SELECT samples_create_partition('2003-05-01') AS created`.execute(t.db);
  expect(rows[0].created).toBe(true);
  expect((await sql<{ n: number }>`SELECT count(*)::int8 AS n FROM samples_default`.execute(t.db)).rows[0].n).toBe(0);
  expect((await sql<{ n: number }>`SELECT count(*)::int8 AS n FROM samples_y2003m05`.execute(t.db)).rows[0].n).toBe(1);
  // Re-sent: a duplicate, not a second row (the key holds across the move).
  expect(await storeBatch(t.db, siteId, old.samples)).toEqual({ ok: true, accepted: 0, duplicates: 1 });
});

test("retention drops whole months (DROP TABLE), keeps the rollups and their figures, and ingestion then refuses those months with a 400", async () => {
  // October 2029: 5-minute bandwidth for two days and an hourly energy counter.
  await maintainSamplePartitions(t.db, { now: new Date("2029-10-05T00:00:00Z"), retentionMonths: null });
  const rows: { meter_id: string; metric: "bw_in_mbps" | "bw_out_mbps" | "energy_kwh"; at: Date; value: string }[] = [];
  for (let k = 0; k < 576; k++) {
    const at = new Date(Date.UTC(2029, 9, 3) + k * 300_000);
    rows.push({ meter_id: bw, metric: "bw_in_mbps", at, value: String((k * 37) % 101) });
    rows.push({ meter_id: bw, metric: "bw_out_mbps", at, value: String((k * 53) % 89) });
    if (k % 12 === 0) rows.push({ meter_id: pdu, metric: "energy_kwh", at, value: String(k === 300 ? 3 : 1000 + k) });
  }
  await t.db.insertInto("samples").values(rows).execute();
  const october = { from: new Date("2029-10-01T00:00:00Z"), to: new Date("2029-11-01T00:00:00Z") };
  const p95 = await percentile95(t.db, [bw], october, 40);
  const kwh = await energyKwh(t.db, [pdu], october);
  expect(p95).toEqual(await reference.percentile95(t.db, [bw], october, 40));
  expect(kwh).toEqual(await reference.energyKwh(t.db, [pdu], october));
  expect(p95.samples).toBe(576);

  // 2030-03-10 with 3 months kept: December 2029 onwards stays, every month before goes.
  const now = new Date("2030-03-10T00:00:00Z");
  expect(retentionHorizon(now, 3)).toEqual(new Date("2029-12-01T00:00:00Z"));
  const upkeep = await maintainSamplePartitions(t.db, { now, retentionMonths: 3 });
  expect(upkeep.dropped).toEqual(expect.arrayContaining(["samples_y2003m05", "samples_y2029m10"]));
  expect(upkeep.dropped.every((n) => n < "samples_y2029m12")).toBe(true);
  expect(await names()).not.toContain("samples_y2029m10");
  expect(await names()).toContain("samples_y2030m03");
  // The raw samples are gone; the rollups and the figures read from them stay.
  expect((await reference.percentile95(t.db, [bw], october, 40)).samples).toBe(0);
  expect(await percentile95(t.db, [bw], october, 40)).toEqual(p95);
  expect(await energyKwh(t.db, [pdu], october)).toBe(kwh);

  // A sample of a dropped month: a 400 naming the sample; one of a kept month is stored.
  const body = JSON.stringify({ samples: [{ meter: "PART-SW", metric: "bw_in_mbps", at: "2029-10-03T00:00:00Z", value: 1 }, { meter: "PART-SW", metric: "bw_in_mbps", at: "2029-12-03T00:00:00Z", value: 1 }] });
  const refused = parseBatch("application/json", body, { now, retentionMonths: 3 });
  expect(refused).toEqual({ ok: false, failure: { status: 400, body: { error: "invalid_request", issues: [{ path: "samples.0.at", message: RANGE_MESSAGES.atExpired }] } } });
  const kept = parseBatch("application/json", JSON.stringify({ samples: [JSON.parse(body).samples[1]] }), { now, retentionMonths: 3 });
  expect(kept.ok).toBe(true);
  if (kept.ok) expect(await storeBatch(t.db, siteId, kept.samples)).toEqual({ ok: true, accepted: 1, duplicates: 0 });
});

test("the daily upkeep deletes the usage pages' kept figures no one computed for 31 days, and only those", async () => {
  const contract = async () => {
    const org = (await createOrg(t.db)).id;
    return (await t.db.insertInto("contracts").values({ org_id: org, site_id: siteId, start_on: "2026-01-01", term_months: 12, request_id: null, approved_by: null }).returning("id").executeTakeFirstOrThrow()).id;
  };
  const [old, recent] = [await contract(), await contract()];
  const now = new Date("2030-03-10T00:00:00Z");
  const row = (contractId: string, computedAt: Date) => ({ contract_id: contractId, month: "2030-01", fingerprint: "f", figures: "{}", computed_at: computedAt });
  await t.db.insertInto("usage_month_cache").values([row(old, new Date("2030-02-06T23:59:59Z")), row(recent, new Date("2030-02-07T00:00:01Z"))]).execute();
  const upkeep = await maintainSamplePartitions(t.db, { now, retentionMonths: null });
  expect(upkeep.cachePruned).toBe(1);
  expect((await t.db.selectFrom("usage_month_cache").select("contract_id").execute()).map((r) => r.contract_id)).toEqual([recent]);
});
