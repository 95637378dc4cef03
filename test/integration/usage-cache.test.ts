import { sql } from "kysely";
import { createTestDb, type TestDb } from "../support/db";
import { commitBandwidth, createOrg } from "../support/factories";
import { contractUsage } from "~/modules/metering/contract-usage.server";
import { computeMonthFigures, forgetHeldFigures } from "~/modules/metering/month-figures.server";
import { contractMeters } from "~/modules/metering/meters.server";
import { monthPeriod, reference } from "~/modules/metering/usage.server";

/**
 * The usage pages' kept figures (usage_month_cache, ADR 025) in a world of two tenants at Lomé,
 * October 2026 (closed; Africa/Lome = UTC):
 *
 *   CA (tenant A): A-PDU (power) and A-SW (bandwidth); commit 10 Mbps until 15 October, then none:
 *   October's commit, weighted by day, is 15 × 10 / 31 = 4.838710 Mbps.
 *   CB (tenant B): B-SW (bandwidth), commit 100 Mbps.
 *
 *   A-SW: 20 instants on 2 October from 00:00, in = 1 … 20 Mbps, out 0.
 *   → 95th percentile at rank (95·20 + 99) div 100 = 19: 19 Mbps; above the commit: 5 … 20 = 16 instants.
 *   A-PDU energy: 100 kWh at 1 Oct 00:00, 110 at 01:00, 125 at 2 Oct 00:00 → 25 kWh (10 on the 1st, 15 on the 2nd).
 *
 * To prove a page reads the kept row, the test overwrites its p95 with 999 and makes this process
 * forget the figures it holds (ADR 029), as a freshly started one: as long as nothing the figures
 * depend on changes, the page shows 999; each change below must bring back the true figure, worked
 * out by hand, and equal to the reference SQL over the raw samples.
 */
let t: TestDb;
let CA: string;
let CB: string;
const meter: Record<string, string> = {};
const NOW = new Date("2026-11-20T10:00:00Z");
const at = (day: number, h: number, m: number) => new Date(Date.UTC(2026, 9, day, h, m));

const usage = async (contractId: string) => (await contractUsage(t.db, { operator: true }, contractId, "2026-10", NOW))!;
const tamperRow = (contractId: string) =>
  sql`UPDATE usage_month_cache SET figures = jsonb_set(figures, '{bandwidth,p95}', '"999.000000"') WHERE contract_id = ${contractId} AND month = '2026-10'`.execute(t.db);
const tamper = async (contractId: string) => {
  await tamperRow(contractId);
  forgetHeldFigures();
};
const insertSamples = (rows: { meter: string; metric: "energy_kwh" | "bw_in_mbps" | "bw_out_mbps"; at: Date; value: number }[]) =>
  t.db.insertInto("samples").values(rows.map((r) => ({ meter_id: meter[r.meter], metric: r.metric, at: r.at, value: String(r.value) }))).execute();

/** The reference SQL over the raw samples, for the contract's windows of October. */
async function fromRawSamples(contractId: string) {
  const period = await monthPeriod(t.db, "2026-10", "Africa/Lome");
  const meters = await contractMeters(t.db, contractId, period, "Africa/Lome");
  const windows = (kind: string) => meters.filter((m) => m.kind === kind).map((m) => ({ id: m.id, from: m.from, to: m.to }));
  const commit = (await sql<{ c: string }>`SELECT contract_commit_mbps(${contractId}, '2026-10-01', '2026-10-31')::text AS c`.execute(t.db)).rows[0].c;
  return {
    bandwidth: await reference.percentile95(t.db, windows("bandwidth"), period, commit),
    energyKwh: await reference.energyKwh(t.db, windows("power"), period),
  };
}

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  const ldc = (await t.db.selectFrom("sites").select("id").where("code", "=", "LDC").executeTakeFirstOrThrow()).id;
  const contract = async (orgName: string) => {
    const org = await createOrg(t.db, { name: orgName });
    return (
      await t.db.insertInto("contracts").values({ org_id: org.id, site_id: ldc, start_on: "2026-09-01", term_months: 12, request_id: null, approved_by: null }).returning("id").executeTakeFirstOrThrow()
    ).id;
  };
  CA = await contract("Tenant A");
  CB = await contract("Tenant B");
  await commitBandwidth(t.db, CA, 10, { validTo: "2026-10-15" });
  await commitBandwidth(t.db, CB, 100);
  for (const [externalId, kind, contractId] of [
    ["A-PDU", "power", CA],
    ["A-SW", "bandwidth", CA],
    ["B-SW", "bandwidth", CB],
  ] as const) {
    meter[externalId] = (await t.db.insertInto("meters").values({ site_id: ldc, external_id: externalId, kind, description: null }).returning("id").executeTakeFirstOrThrow()).id;
    await t.db.insertInto("meter_attachments").values({ meter_id: meter[externalId], contract_id: contractId, attached_on: "2026-09-01", detached_on: null }).execute();
  }
  await insertSamples([
    ...Array.from({ length: 20 }, (_, k) => ({ meter: "A-SW", metric: "bw_in_mbps" as const, at: new Date(at(2, 0, 0).getTime() + k * 300_000), value: k + 1 })),
    ...Array.from({ length: 20 }, (_, k) => ({ meter: "A-SW", metric: "bw_out_mbps" as const, at: new Date(at(2, 0, 0).getTime() + k * 300_000 + 2000), value: 0 })),
    { meter: "A-PDU", metric: "energy_kwh", at: at(1, 0, 0), value: 100 },
    { meter: "A-PDU", metric: "energy_kwh", at: at(1, 1, 0), value: 110 },
    { meter: "A-PDU", metric: "energy_kwh", at: at(2, 0, 0), value: 125 },
    ...Array.from({ length: 10 }, (_, k) => ({ meter: "B-SW", metric: "bw_in_mbps" as const, at: new Date(at(5, 0, 0).getTime() + k * 300_000), value: 300 })),
  ]);
});

afterAll(() => t.cleanup());

test("the first view computes the figures, keeps them, and they are the raw samples' figures", async () => {
  const u = await usage(CA);
  expect(u.bandwidth).toMatchObject({ p95Mbps: "19.000000", samples: 20, commitMbps: 4.83871 });
  expect(u.bandwidth.burst.used).toBe(16);
  expect(u.energy.kwh).toBe("25.000000");
  expect(u.energy.byDay).toEqual([
    { day: "2026-10-01", kwh: "10.000000" },
    { day: "2026-10-02", kwh: "15.000000" },
  ]);
  expect(await fromRawSamples(CA)).toEqual({ bandwidth: { p95: "19.000000", samples: 20, aboveCommit: 16 }, energyKwh: "25.000000" });
  const kept = await t.db.selectFrom("usage_month_cache").selectAll().where("contract_id", "=", CA).execute();
  expect(kept).toHaveLength(1);
  expect(kept[0].month).toBe("2026-10");
  // The kept figures are exactly a fresh computation's.
  const period = await monthPeriod(t.db, "2026-10", "Africa/Lome");
  const meters = await contractMeters(t.db, CA, period, "Africa/Lome");
  expect(kept[0].figures).toEqual(await computeMonthFigures(t.db, { contractId: CA, month: "2026-10", timeZone: "Africa/Lome", period, commitMbps: "4.838710", meters }));
  expect((await usage(CB)).bandwidth).toMatchObject({ p95Mbps: "300.000000", samples: 10 });
});

test("nothing changed: the page reads the kept row (the overwritten 999 shows)", async () => {
  await tamper(CA);
  expect((await usage(CA)).bandwidth.p95Mbps).toBe("999.000000");
});

test("the process holds the figures it read: the next view reads no kept row, and gets the same object", async () => {
  forgetHeldFigures();
  const first = await usage(CB);
  await tamperRow(CB);
  const again = await usage(CB);
  expect(again.bandwidth.p95Mbps).toBe("300.000000");
  expect(again.hourly).toBe(first.hourly);
});

test("two processes: neither shows figures older than the database's, nor recomputes what the other kept", async () => {
  // A second copy of the modules is a second process's memory.
  vi.resetModules();
  const other = (await import("~/modules/metering/contract-usage.server")).contractUsage;
  const viewA = () => usage(CB);
  const viewB = async () => (await other(t.db, { operator: true }, CB, "2026-10", NOW))!;
  await t.db.deleteFrom("usage_month_cache").where("contract_id", "=", CB).execute();
  forgetHeldFigures();
  expect((await viewA()).bandwidth.p95Mbps).toBe("300.000000");
  expect((await viewB()).bandwidth.p95Mbps).toBe("300.000000");
  // A new sample; B views first (computes and keeps), then its kept row is overwritten: A, holding
  // the figures before the sample, reads that row (999) — it neither shows its own nor computes.
  await insertSamples([{ meter: "B-SW", metric: "bw_in_mbps", at: at(5, 1, 0), value: 10 }]);
  // 11 instants: rank (1045 + 99) div 100 = 11 → 300.
  expect((await viewB()).bandwidth).toMatchObject({ p95Mbps: "300.000000", samples: 11 });
  await tamperRow(CB);
  expect((await viewA()).bandwidth).toMatchObject({ p95Mbps: "999.000000", samples: 11 });
  expect((await viewB()).bandwidth.p95Mbps).toBe("300.000000");
});

test("another tenant's new samples do not touch this contract's figures; its own do", async () => {
  await tamper(CA);
  await insertSamples([{ meter: "B-SW", metric: "bw_in_mbps", at: at(6, 0, 0), value: 400 }]);
  expect((await usage(CA)).bandwidth.p95Mbps).toBe("999.000000");
  // 12 instants (10 × 300, the 10 of 5 Oct 01:00, this 400): rank (1140 + 99) div 100 = 12 → 400.
  expect((await usage(CB)).bandwidth).toMatchObject({ p95Mbps: "400.000000", samples: 12 });

  // A late sample of A-SW for October (arriving in November): 21 instants, rank (1995 + 99) div 100 = 20 → 20 Mbps.
  await insertSamples([{ meter: "A-SW", metric: "bw_in_mbps", at: at(20, 12, 0), value: 50 }]);
  const u = await usage(CA);
  expect(u.bandwidth).toMatchObject({ p95Mbps: "20.000000", samples: 21 });
  expect(u.bandwidth.burst.used).toBe(17);
  expect((await fromRawSamples(CA)).bandwidth).toEqual({ p95: "20.000000", samples: 21, aboveCommit: 17 });
});

test("an energy reading, a commit amended and a meter detached each bring the true figures back", async () => {
  await tamper(CA);
  await insertSamples([{ meter: "A-PDU", metric: "energy_kwh", at: at(3, 0, 0), value: 130 }]);
  let u = await usage(CA);
  expect(u.bandwidth.p95Mbps).toBe("20.000000");
  expect(u.energy.kwh).toBe("30.000000");

  // 40 Mbps from 16 October: October's commit is (15 × 10 + 16 × 40) / 31 = 790 / 31 = 25.483871; above it only the 50.
  await tamper(CA);
  await commitBandwidth(t.db, CA, 40, { validFrom: "2026-10-16" });
  u = await usage(CA);
  expect(u.bandwidth).toMatchObject({ p95Mbps: "20.000000", commitMbps: 25.483871 });
  expect(u.bandwidth.burst.used).toBe(1);

  // A-SW detached after 10 October: the late 50 Mbps of the 20th is no longer this contract's; 1 … 20 are all under 25.48.
  await tamper(CA);
  await t.db.updateTable("meter_attachments").set({ detached_on: "2026-10-10" }).where("meter_id", "=", meter["A-SW"]).execute();
  u = await usage(CA);
  expect(u.bandwidth).toMatchObject({ p95Mbps: "19.000000", samples: 20 });
  expect(u.bandwidth.burst.used).toBe(0);
  expect(await fromRawSamples(CA)).toEqual({ bandwidth: { p95: "19.000000", samples: 20, aboveCommit: 0 }, energyKwh: "30.000000" });
});

test("a view that changes nothing writes nothing; every statement storing samples raises the meter's version once", async () => {
  const before = await t.db.selectFrom("usage_month_cache").select(["contract_id", "computed_at", "fingerprint"]).orderBy("contract_id").execute();
  await usage(CA);
  await usage(CB);
  expect(await t.db.selectFrom("usage_month_cache").select(["contract_id", "computed_at", "fingerprint"]).orderBy("contract_id").execute()).toEqual(before);
  const version = async () => (await t.db.selectFrom("meters").select("samples_version").where("id", "=", meter["B-SW"]).executeTakeFirstOrThrow()).samples_version;
  const v0 = await version();
  await insertSamples([
    { meter: "B-SW", metric: "bw_in_mbps", at: at(7, 0, 0), value: 1 },
    { meter: "B-SW", metric: "bw_out_mbps", at: at(7, 0, 0), value: 1 },
  ]);
  expect(await version()).toBe(v0 + 1);
});
